import { GraphQLScalarType, Kind } from 'graphql';
import { isLocalDay } from '@quetma/shared';
import { appError } from './errors';

function parseDay(value: unknown): string {
  if (typeof value !== 'string' || !isLocalDay(value)) {
    throw appError(
      'BAD_USER_INPUT',
      `Date must be a calendar day written YYYY-MM-DD (a local day in Asia/Ho_Chi_Minh), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A local calendar day in Asia/Ho_Chi_Minh, `YYYY-MM-DD`: the day figures are counted for. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A local calendar day in Asia/Ho_Chi_Minh (UTC+7), written YYYY-MM-DD.',
  serialize: (value) => parseDay(value),
  parseValue: (value) => parseDay(value),
  parseLiteral: (ast) => parseDay(ast.kind === Kind.STRING ? ast.value : undefined),
});

import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ErrorCode } from '@quetma/shared';
import { isDatabaseTimeout } from '../http/log-error';

/**
 * The error type services raise for bad input, unknown ids and conflicts; refusals use
 * unauthenticated() and forbidden(). Its code becomes `extensions.code`; `field` names the
 * argument or input field at fault, so a client can put the message next to it.
 */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message, { extensions: field ? { code, field } : { code } });
  }
}

export const badInput = (field: string, message: string) =>
  new AppError('BAD_USER_INPUT', `${field}: ${message}`, field);
export const notFound = (message: string, field?: string) =>
  new AppError('NOT_FOUND', message, field);
export const conflict = (message: string, field?: string) =>
  new AppError('CONFLICT', message, field);

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/** Flattens class-validator's nested errors into `input.name: must not be empty` lines. */
export function describeValidationErrors(
  errors: ValidationErrorLike[],
  prefix = '',
): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...describeValidationErrors(error.children ?? [], field)];
  });
}

/** Codes of a request's own mistakes, refusals and timeouts (Apollo's and ours): passed on. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
  'QUERY_TIMEOUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * Apollo's formatError: argument validation becomes one readable BAD_USER_INPUT message;
 * anything unexpected is logged and answered without stack or SQL.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (message: string, error: unknown) => void,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  const validationErrors = formatted.extensions?.validationErrors as
    ValidationErrorLike[] | undefined;
  if (code === 'BAD_USER_INPUT' && Array.isArray(validationErrors)) {
    const fields = describeValidationErrors(validationErrors);
    return {
      message: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code, field: fields[0]?.field, fields },
    };
  }
  // Apollo files our query-shape rules under GRAPHQL_VALIDATION_FAILED: give back their own code
  const original = (error as GraphQLError | undefined)?.originalError as GraphQLError | undefined;
  if (code === 'GRAPHQL_VALIDATION_FAILED' && typeof original?.extensions?.code === 'string') {
    return {
      ...formatted,
      extensions: { ...formatted.extensions, ...original.extensions, stacktrace: undefined },
    };
  }
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    return { ...formatted, extensions: { ...formatted.extensions, stacktrace: undefined } };
  }
  const timeout = isDatabaseTimeout(error);
  if (timeout) {
    return {
      message:
        timeout === 'statement'
          ? 'The query took too long and was stopped: ask for less (one unit, a shorter window, a smaller page) or try again later.'
          : 'The database is too busy to take the query now: try again in a little while.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'QUERY_TIMEOUT' },
    };
  }
  log('unexpected error while answering a GraphQL request', error);
  return {
    message: 'Internal server error: the request could not be completed. It has been logged.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

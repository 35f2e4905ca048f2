import { HeaderMap } from '@apollo/server';
import { GraphQLError, type ASTNode, type GraphQLFormattedError } from 'graphql';
import { ERRORS, isErrorCode, type ErrorCode } from '@quetma/shared';
import { isDatabaseTimeout } from '../http/log-error';

/** What an error adds to `extensions` beside its code: `field` names the argument at fault. */
export type ErrorExtensions = { field?: string } & Record<string, unknown>;

export interface ErrorPlacement {
  /** Where in the query text the error is. */
  nodes?: ASTNode | readonly ASTNode[];
  /** Response headers the error asks for (Retry-After, say), when it stops the request. */
  headers?: Record<string, string>;
}

/**
 * Every error quetma raises: its code is one of the shared list (`@quetma/shared` ERRORS), which
 * gives `extensions.code` and the HTTP status of a request it stops (GraphQL over HTTP can still
 * answer 200: http-status.plugin.ts). The HTTP doors answer the same codes with sendError
 * (http/respond.ts).
 */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;
  readonly field?: string;

  constructor(
    code: ErrorCode,
    message: string,
    extensions: ErrorExtensions = {},
    { nodes, headers }: ErrorPlacement = {},
  ) {
    // Apollo takes `http` for the answer's status and headers and leaves it out of the body
    const http = headers
      ? { status: ERRORS[code].status, headers: new HeaderMap(Object.entries(headers)) }
      : { status: ERRORS[code].status };
    super(message, { nodes, extensions: { ...extensions, code, http } });
    this.code = code;
    this.field = extensions.field;
  }
}

export const appError = (
  code: ErrorCode,
  message: string,
  extensions?: ErrorExtensions,
  placement?: ErrorPlacement,
) => new AppError(code, message, extensions, placement);

/** Its message starts with the field, so that a client showing the message alone still says where. */
export const badInput = (field: string, message: string) =>
  appError('BAD_USER_INPUT', `${field}: ${message}`, { field });
export const notFound = (message: string, field?: string) =>
  appError('NOT_FOUND', message, field ? { field } : {});
export const conflict = (message: string, field?: string) =>
  appError('CONFLICT', message, field ? { field } : {});
/** With the WWW-Authenticate header a 401 must carry. */
export const unauthenticated = (message: string) =>
  appError('UNAUTHENTICATED', message, {}, { headers: { 'www-authenticate': 'Bearer' } });
export const forbidden = (message: string) => appError('FORBIDDEN', message);
/** With `retryAfterSeconds`, also in the Retry-After header. */
export const tooManyRequests = (message: string, retryAfterSeconds?: number) =>
  retryAfterSeconds === undefined
    ? appError('TOO_MANY_REQUESTS', message)
    : appError(
        'TOO_MANY_REQUESTS',
        message,
        { retryAfterSeconds },
        { headers: { 'retry-after': String(retryAfterSeconds) } },
      );

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

/**
 * What a failure that is none of the listed refusals answers, at every door: a database timeout
 * says which (the request can be sent again, or made smaller); anything else is a defect, told
 * without stack or SQL.
 */
export function failureAnswer(error: unknown): {
  code: 'QUERY_TIMEOUT' | 'INTERNAL_SERVER_ERROR';
  message: string;
} {
  const timeout = isDatabaseTimeout(error);
  if (timeout === 'statement') {
    return {
      code: 'QUERY_TIMEOUT',
      message:
        'The query took too long and was stopped: ask for less (one unit, a shorter window, a smaller page) or try again later.',
    };
  }
  if (timeout === 'connection') {
    return {
      code: 'QUERY_TIMEOUT',
      message: 'The database is too busy to take the query now: try again in a little while.',
    };
  }
  return {
    code: 'INTERNAL_SERVER_ERROR',
    message: 'Internal server error: the request could not be completed. It has been logged.',
  };
}

/** Apollo refuses a method, an Accept header or a GET's Content-Type as BAD_REQUEST with this status. */
const CODE_OF_APOLLO_STATUS: Partial<Record<number, ErrorCode>> = {
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

type RaisedError = { extensions?: Record<string, unknown>; originalError?: unknown } | undefined;

/** The HTTP status an error asked Apollo for, if any. */
function statusAskedBy(error: RaisedError): number | undefined {
  const status = (error?.extensions?.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Extensions as a client may see them: `http` is Apollo's instructions, not part of the answer. */
function clientExtensions(extensions: Record<string, unknown>, code: ErrorCode) {
  const answer: Record<string, unknown> = { ...extensions, code };
  delete answer.http;
  delete answer.stacktrace;
  return answer;
}

/**
 * Apollo's formatError: every error leaves with a code of the shared list. Argument validation
 * becomes one readable BAD_USER_INPUT message; Apollo's refusals of a method, Accept or
 * Content-Type get the code of their status, its codeless refusals BAD_REQUEST; a timeout is
 * QUERY_TIMEOUT; anything else is logged and answered INTERNAL_SERVER_ERROR without stack or SQL.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (message: string, error: unknown) => void,
): GraphQLFormattedError {
  const { message, locations, path } = formatted;
  const extensions = formatted.extensions ?? {};
  const code = extensions.code;
  const raised = error as RaisedError;
  const validationErrors = extensions.validationErrors as ValidationErrorLike[] | undefined;
  if (code === 'BAD_USER_INPUT' && Array.isArray(validationErrors)) {
    const fields = describeValidationErrors(validationErrors);
    return {
      message: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
      locations,
      path,
      extensions: { code, field: fields[0]?.field, fields },
    };
  }
  // Apollo files our query-shape rules under GRAPHQL_VALIDATION_FAILED: give back their own code
  const original = raised?.originalError as RaisedError;
  const originalCode = original?.extensions?.code;
  if (code === 'GRAPHQL_VALIDATION_FAILED' && isErrorCode(originalCode)) {
    const merged = { ...extensions, ...original!.extensions };
    return { message, locations, path, extensions: clientExtensions(merged, originalCode) };
  }
  const status = statusAskedBy(raised);
  if (code === 'BAD_REQUEST' && status && CODE_OF_APOLLO_STATUS[status]) {
    return {
      message,
      locations,
      path,
      extensions: clientExtensions(extensions, CODE_OF_APOLLO_STATUS[status]),
    };
  }
  // a persisted query's wrong version or hash: Apollo's own 400 without a code
  if (raised?.extensions?.code === undefined && status && status >= 400 && status < 500) {
    return { message, locations, path, extensions: clientExtensions(extensions, 'BAD_REQUEST') };
  }
  if (isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') {
    return { message, locations, path, extensions: clientExtensions(extensions, code) };
  }
  const failure = failureAnswer(error);
  if (failure.code === 'INTERNAL_SERVER_ERROR') {
    log('unexpected error while answering a GraphQL request', error);
  }
  return { message: failure.message, locations, path, extensions: { code: failure.code } };
}

/**
 * The codes quetma's own errors carry; Apollo adds its own for malformed requests (see
 * CLIENT_CODES in server/src/graphql/errors.ts).
 */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
  /** A query ran past the statement timeout, or waited too long for a database connection. */
  'QUERY_TIMEOUT',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

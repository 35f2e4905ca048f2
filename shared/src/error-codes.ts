/**
 * Every code an error answer of quetma carries in `errors[].extensions.code`, whichever door
 * answered it (GraphQL, /api/scans, the QR and poster files, the router), Apollo's own codes
 * included: the server raises nothing else (server/src/graphql/errors.ts maps any other to
 * INTERNAL_SERVER_ERROR). `status` is the HTTP status of an answer refused for it; through
 * /graphql, GraphQL-over-HTTP decides instead when the operation ran or was refused before it
 * ran (README "Errors").
 */
export const ERRORS = {
  BAD_USER_INPUT: {
    status: 400,
    meaning:
      'An argument, input field or variable is invalid; extensions.field names it, the message says why.',
  },
  BAD_REQUEST: {
    status: 400,
    meaning:
      'The request is not one the door can read: a body that is not JSON, or not a GraphQL-over-HTTP request.',
  },
  GRAPHQL_PARSE_FAILED: { status: 400, meaning: 'The query is not valid GraphQL syntax.' },
  GRAPHQL_VALIDATION_FAILED: {
    status: 400,
    meaning: 'The query asks for something the schema does not have, or with the wrong types.',
  },
  OPERATION_RESOLUTION_FAILURE: {
    status: 400,
    meaning:
      'The operationName names no operation of the document, or the document has several and none is named.',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    status: 200,
    meaning:
      'An automatic persisted query whose hash the server does not know: send it again with its text (Apollo answers 200, as that protocol wants).',
  },
  UNAUTHENTICATED: {
    status: 401,
    meaning:
      'No credential where one is needed, or one that is malformed, forged, expired or revoked, or a session that has ended.',
  },
  FORBIDDEN: { status: 403, meaning: "The caller's role or area may not do this." },
  NOT_FOUND: { status: 404, meaning: 'No record has that id or code, or nothing is at that path.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    meaning: 'The path does not answer this HTTP method; the Allow header lists those it does.',
  },
  NOT_ACCEPTABLE: {
    status: 406,
    meaning: 'The Accept header allows no type the door answers in.',
  },
  CONFLICT: {
    status: 409,
    meaning:
      'The request conflicts with what is stored: an email already taken, a closed venue changed, a code signed with a retired key.',
  },
  GONE: {
    status: 410,
    meaning: 'The venue is closed: its QR code and poster are no longer valid.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    meaning:
      "The body is over the door's limit (1 MB; a venue import 20 MB), or a batch is over its count (1,000 scans; 50,000 import rows).",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    meaning:
      'The body or its Content-Type is not one the door reads (JSON; CSV in UTF-8 for the venue import).',
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    meaning:
      'Past a rate limit, or too many figures and tracing queries at once; Retry-After says when to try again where it is known.',
  },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    meaning: 'Something unexpected failed; it is logged, and the answer carries no stack or SQL.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    meaning:
      'The server is stopping or its database does not answer: send the request again shortly.',
  },
  QUERY_TIMEOUT: {
    status: 503,
    meaning:
      'A query ran past the statement timeout, or waited too long for a database connection: ask for less, or later.',
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

import type { ServerResponse } from 'node:http';
import { ERRORS, type ErrorCode } from '@quetma/shared';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * An error answered outside GraphQL (the router, /api/scans, the QR and poster files) in the
 * shape GraphQL answers errors in, `{ errors: [{ message, extensions: { code, … } }] }`, with the
 * HTTP status of its code: a client parses one shape whichever door it used.
 */
export function sendError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  sendJson(res, ERRORS[code].status, {
    errors: [{ message, extensions: { ...extensions, code } }],
  });
}

/** A caller refused before the door does anything: 401 says how to authenticate, 429 when to come back. */
export function sendRefusal(
  res: ServerResponse,
  refusal: {
    code: 'UNAUTHENTICATED' | 'TOO_MANY_REQUESTS';
    message: string;
    retryAfterSeconds?: number;
  },
): void {
  const { code, message, retryAfterSeconds } = refusal;
  if (retryAfterSeconds !== undefined) {
    res.setHeader('retry-after', String(retryAfterSeconds));
    return sendError(res, code, message, { retryAfterSeconds });
  }
  res.setHeader('www-authenticate', 'Bearer');
  sendError(res, code, message);
}

export function sendBody(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
): void {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.end(body);
}

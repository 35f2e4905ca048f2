import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * An error in the shape GraphQL answers errors in (`errors[].extensions.code`), for refusals
 * made before GraphQL runs, so that a client parses one shape whichever door it used.
 */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  sendJson(res, status, { errors: [{ message, extensions: { code, ...extensions } }] });
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

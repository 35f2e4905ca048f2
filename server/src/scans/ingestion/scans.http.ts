import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../../auth/identity';
import { readBody } from '../../http/read-body';
import { sendError, sendJson } from '../../http/respond';
import { GroupCommitClosedError } from './group-commit';
import { MAX_SCANS_PER_REQUEST } from './scan-item';
import type { ScanIngestion } from './scan-ingestion.service';

/** Past this a body is refused with 413: 1,000 scans take about a third of it. */
export const MAX_SCAN_BODY_BYTES = 1_000_000;

type Log = (message: string, error?: unknown) => void;

/**
 * POST /api/scans: one scan object, or `{ "scans": [ … ] }` with up to 1,000, for SCAN_SOURCE
 * keys. Same judgement as the `recordScans` mutation (ScanIngestion), for apps that would
 * rather not speak GraphQL. Answered 200 with a result per item once they are committed. The
 * router has verified the caller's credential and counted it against the limits (app.ts).
 */
export function scansHandler(ingestion: ScanIngestion, log: Log) {
  return async (req: IncomingMessage, res: ServerResponse, identity: Identity): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendError(res, 'METHOD_NOT_ALLOWED', 'Send scans with POST.');
    }
    if (!identity.role) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendError(
        res,
        'UNAUTHENTICATED',
        "Send the scan source's API key: Authorization: Bearer qmk_…",
      );
    }
    if (identity.role !== 'SCAN_SOURCE') {
      return sendError(
        res,
        'FORBIDDEN',
        `Only SCAN_SOURCE API keys may send scans; this caller is ${identity.role}.`,
      );
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      return sendError(
        res,
        'UNSUPPORTED_MEDIA_TYPE',
        `Send JSON with Content-Type: application/json${type ? `, not ${type}` : ''}.`,
      );
    }
    const raw = await readBody(req, MAX_SCAN_BODY_BYTES);
    if (!raw) {
      return sendError(
        res,
        'PAYLOAD_TOO_LARGE',
        `The body is larger than ${MAX_SCAN_BODY_BYTES} bytes: send fewer scans per request.`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      return sendError(
        res,
        'BAD_REQUEST',
        `The body is not valid JSON: ${(error as Error).message}`,
      );
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendError(
        res,
        'BAD_REQUEST',
        'Send one scan as a JSON object, or several as { "scans": [ … ] }.',
      );
    }
    const batch = 'scans' in body;
    const items = batch ? (body as { scans: unknown }).scans : [body];
    if (!Array.isArray(items)) {
      return sendError(res, 'BAD_REQUEST', '"scans" must be an array of scans.');
    }
    if (items.length > MAX_SCANS_PER_REQUEST) {
      return sendError(
        res,
        'PAYLOAD_TOO_LARGE',
        `At most ${MAX_SCANS_PER_REQUEST} scans a request, not ${items.length}: send the rest in another.`,
      );
    }
    let outcome;
    try {
      outcome = await ingestion.record(items, identity.id);
    } catch (error) {
      const stopping = error instanceof GroupCommitClosedError;
      if (!stopping) log('could not store scans', error);
      // A failed statement keeps nothing; an ingestion thread that died may have committed
      // first. Either way the scan ids make the same request safe to send again.
      return sendError(
        res,
        stopping ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR',
        'The scans could not be stored: send the same request again (any that were stored come back as duplicates).',
      );
    }
    sendJson(res, 200, outcome);
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode, Role } from '@quetma/shared';
import { recordAudit } from '../../audit/audit.service';
import { ROOT_FIELD_ACCESS } from '../../auth/access-policy';
import type { Identity } from '../../auth/identity';
import type { AppServices } from '../../graphql/context';
import { failureAnswer } from '../../graphql/errors';
import { sendError, sendJson } from '../../http/respond';
import { ImportFileError } from './import-reasons';
import { IMPORT_DOOR } from './import-rows';
import {
  importAnswer,
  MAX_IMPORT_BYTES,
  readImportFile,
  registerImport,
  setAsideRegistered,
  tooLarge,
  type ImportReading,
} from './venue-import.service';

/** Whoever may register a venue may import them, each row within their area. */
const IMPORT_ROLES = rolesOf(ROOT_FIELD_ACCESS['Mutation.registerVenue']);

function rolesOf(rule: (typeof ROOT_FIELD_ACCESS)[string]): readonly Role[] {
  if (!Array.isArray(rule)) throw new Error(`registerVenue's access rule is ${rule}, not roles`);
  return rule;
}

type Log = (message: string, error?: unknown) => void;

/** What a request ended with, for the audit entry of a commit. */
interface Outcome {
  code: ErrorCode | 'OK';
  counts?: Record<string, number>;
}

/**
 * POST /api/venues/import?dryRun=true|false: a CSV file of venues (Content-Type: text/csv),
 * every row judged as registerVenue judges its input. A dry run (the default: nothing is stored
 * unless the request says dryRun=false) answers what a commit would do; a commit registers the
 * accepted rows in one transaction and answers the rejected ones the same way. The router has
 * verified the caller's credential and counted it against the limits (app.ts). Commits are
 * audited, one entry with the counts, refused ones too.
 */
export function venueImportHandler(services: AppServices, log: Log) {
  return async (req: IncomingMessage, res: ServerResponse, identity: Identity, url: URL) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendError(res, 'METHOD_NOT_ALLOWED', 'Send the file with POST.');
    }
    if (!identity.role) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendError(
        res,
        'UNAUTHENTICATED',
        'Importing venues needs "Authorization: Bearer <access token>" of a city admin or an officer.',
      );
    }
    const dryRunParam = url.searchParams.get('dryRun');
    const dryRun = dryRunParam === null || dryRunParam === 'true';
    if (!dryRun && dryRunParam !== 'false') {
      return sendError(
        res,
        'BAD_USER_INPUT',
        `dryRun: must be true (check the file, store nothing) or false (register its accepted rows), not ${JSON.stringify(dryRunParam)}.`,
        { field: 'dryRun' },
      );
    }
    const at = services.now();
    const outcome = await answer(services, req, res, identity, dryRun, at, log);
    if (dryRun || outcome === undefined) return;
    try {
      await recordAudit(services.orm, [
        {
          at,
          actorKind: identity.kind,
          actorId: identity.id,
          actorLabel: identity.label,
          role: identity.role,
          action: IMPORT_DOOR,
          arguments: { dryRun, ...outcome.counts },
          address: req.socket.remoteAddress ?? null,
          outcome: outcome.code,
        },
      ]);
    } catch (error) {
      log(`could not write ${IMPORT_DOOR} to the audit log`, error);
    }
  };
}

/** Answers the request; what it ended with, or undefined when the client went away first. */
async function answer(
  services: AppServices,
  req: IncomingMessage,
  res: ServerResponse,
  identity: Identity,
  dryRun: boolean,
  now: Date,
  log: Log,
): Promise<Outcome | undefined> {
  const refuse = (code: ErrorCode, message: string, extensions?: Record<string, unknown>) => {
    sendError(res, code, message, extensions);
    return { code };
  };
  if (!IMPORT_ROLES.includes(identity.role!)) {
    return refuse(
      'FORBIDDEN',
      `Your role, ${identity.role}, may not import venues: a city admin or an officer may.`,
    );
  }
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const [mediaType, ...parameters] = type.split(';').map((part) => part.trim());
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  if (mediaType !== 'text/csv' || (charset && charset.replace(/"/g, '') !== 'utf-8')) {
    return refuse(
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the file as UTF-8 CSV with Content-Type: text/csv${type ? `, not ${type}` : ''}.`,
    );
  }
  if (Number(req.headers['content-length']) > MAX_IMPORT_BYTES) {
    req.resume();
    await new Promise((resolve) => req.once('end', resolve).once('close', resolve));
    const error = tooLarge();
    return refuse('PAYLOAD_TOO_LARGE', error.message, { reason: error.reason });
  }

  let reading: ImportReading;
  try {
    reading = await readImportFile(req, { areas: services.areas, now, scope: identity.scope });
  } catch (error) {
    if (error instanceof ImportFileError) {
      const code = error.reason === 'TOO_LARGE' || error.reason === 'TOO_MANY_ROWS';
      return refuse(code ? 'PAYLOAD_TOO_LARGE' : 'BAD_USER_INPUT', error.message, {
        ...(code ? {} : { field: 'file' }),
        reason: error.reason,
        ...error.details,
      });
    }
    // the client went away while sending: there is no one to answer
    if (req.destroyed) return undefined;
    throw error;
  }

  const em = services.orm.em.fork();
  let registered = 0;
  try {
    if (dryRun) await setAsideRegistered(em, reading);
    else registered = await registerImport(em, reading, services.config.codeKeyId, now);
  } catch (error) {
    const failure = failureAnswer(error);
    if (failure.code === 'INTERNAL_SERVER_ERROR') log('could not import venues', error);
    // the transaction rolled back
    return refuse(failure.code, `${failure.message} Nothing was registered: send the file again.`);
  }
  const body = importAnswer(reading, dryRun, registered);
  sendJson(res, 200, body);
  return {
    code: 'OK',
    counts: {
      rows: body.rows,
      accepted: body.accepted,
      rejectedRows: body.rejectedRows,
      registered: body.registered,
    },
  };
}

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '@quetma/shared';
import { doorScopeRefusal } from '../../auth/area-scope-enforcement';
import type { Identity } from '../../auth/identity';
import type { AppServices } from '../../graphql/context';
import { AppError } from '../../graphql/errors';
import { isUuid } from '../../graphql/ids';
import type { CallerCheck } from '../../http/request-limits';
import { sendBody, sendError, sendRefusal } from '../../http/respond';
import { payloadOf } from '../venue-code.service';
import { addPosterPage, pdfBuffer, posterDocument, type PosterContent } from './poster-pdf';
import {
  countOpenVenuesOf,
  openPosterVenuesOf,
  posterVenueById,
  type PosterVenue,
} from './poster-venues.query';
import { qrPng, qrSvg, RenderCache } from './qr-images';

/** A ward's venues fit easily (~6 ms and ~3 KB a page); a city's would take an hour and gigabytes. */
export const MAX_BULK_POSTERS = 2_000;
const BULK_POSTER_ROLES: readonly Role[] = ['CITY_ADMIN', 'DISTRICT_OFFICER', 'WARD_OFFICER'];
/** Pages of a bulk file held in memory while the client is slower than the rendering. */
const BULK_BUFFER_BYTES = 4 * 1024 * 1024;
/** PNG rendering is ~20× slower than SVG (a few KB each); a poster takes ~50 ms (~30 KB each). */
const PNG_CACHE_ENTRIES = 2_000;
const POSTER_CACHE_ENTRIES = 200;

const VENUE_FILE = /^\/venues\/([^/]+)\/(qr\.svg|qr\.png|poster\.pdf)$/;
const BULK_POSTERS = '/posters.pdf';

/** True for the paths served here, so the router can apply its request limits first. */
export function isCodeFilePath(path: string): boolean {
  return path === BULK_POSTERS || VENUE_FILE.test(path);
}

/**
 * `GET /venues/:id/qr.svg|qr.png|poster.pdf` (public: a poster hangs on a wall, and its code
 * is on it) and `GET /posters.pdf?unitCode=…` (officers and the city admin). Answers with true
 * when the request was one of these.
 */
export function codeFileRoutes(
  services: AppServices,
  checkCaller: (req: IncomingMessage) => Promise<CallerCheck>,
) {
  const pngs = new RenderCache(PNG_CACHE_ENTRIES);
  const posters = new RenderCache(POSTER_CACHE_ENTRIES);

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (url.pathname === BULK_POSTERS) {
      await bulkPosters(services, checkCaller, req, res, url);
      return true;
    }
    const match = VENUE_FILE.exec(url.pathname);
    if (!match) return false;
    const [, rawId, file] = match;
    const venue = await currentVenue(services, res, rawId);
    if (!venue) return true;
    const payload = payloadOrAnswer(services, res, venue);
    if (!payload) return true;
    if (file === 'poster.pdf') {
      const content = posterContent(services, venue, payload);
      const pdf = await posters.get(JSON.stringify(content), () => {
        const doc = posterDocument(`Mã QR · ${venue.name}`);
        addPosterPage(doc, content);
        return pdfBuffer(doc);
      });
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('content-disposition', `inline; filename="poster-${venue.id}.pdf"`);
      sendBody(res, 200, 'application/pdf', pdf);
      return true;
    }
    // an image depends on the payload alone: revalidate (a reissue changes it), then reuse
    const etag = `"${file === 'qr.svg' ? 'svg' : 'png'}-${createHash('sha256').update(payload).digest('base64url').slice(0, 22)}"`;
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('etag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      res.end();
      return true;
    }
    if (file === 'qr.svg') sendBody(res, 200, 'image/svg+xml', await qrSvg(payload));
    else sendBody(res, 200, 'image/png', await pngs.get(payload, () => qrPng(payload)));
    return true;
  };
}

/** The venue with a code in force, or null after answering 404 or 410. */
async function currentVenue(
  services: AppServices,
  res: ServerResponse,
  rawId: string,
): Promise<PosterVenue | null> {
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    id = rawId;
  }
  const venue = isUuid(id) ? await posterVenueById(services.orm, id.toLowerCase()) : null;
  if (!venue) {
    sendError(res, 'NOT_FOUND', `No venue has the id ${JSON.stringify(id)}.`);
    return null;
  }
  if (venue.status === 'CLOSED') {
    sendError(res, 'GONE', `Venue ${venue.id} is closed: its code is no longer valid.`);
    return null;
  }
  if (venue.version === null) {
    sendError(res, 'NOT_FOUND', `Venue ${venue.id} has no code in force.`);
    return null;
  }
  return venue;
}

function payloadOrAnswer(
  services: AppServices,
  res: ServerResponse,
  venue: PosterVenue,
): string | null {
  try {
    return payloadOf(services.config.codeSigningKeys, {
      venueId: venue.id,
      version: venue.version!,
      keyId: venue.keyId!,
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    sendError(res, 'CONFLICT', `${venue.name}: ${error.message}`);
    return null;
  }
}

function posterContent(services: AppServices, venue: PosterVenue, payload: string): PosterContent {
  const { ward, district, city } = services.areas.lineage(venue.wardCode);
  return {
    venueId: venue.id,
    name: venue.name,
    address: venue.address,
    ward: ward.name,
    district: district.name,
    city: city.name,
    payload,
    version: venue.version!,
    issuedAt: venue.issuedAt!,
  };
}

/** One poster per open venue of a unit, in name order, streamed page by page. */
async function bulkPosters(
  services: AppServices,
  checkCaller: (req: IncomingMessage) => Promise<CallerCheck>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const identity = await caller(checkCaller, req, res);
  if (!identity) return;
  if (!identity.role || !BULK_POSTER_ROLES.includes(identity.role)) {
    return sendError(
      res,
      'FORBIDDEN',
      `Your role, ${identity.role}, may not print posters in bulk: a city admin or an officer may.`,
    );
  }
  const code = url.searchParams.get('unitCode') ?? '';
  const unit = services.areas.get(code);
  if (!unit) {
    return sendError(
      res,
      'BAD_USER_INPUT',
      `unitCode: no administrative unit has the code ${JSON.stringify(code)} (2 digits for a city, 3 for a district, 5 for a ward, e.g. 00001 Phường Phúc Xá).`,
      { field: 'unitCode' },
    );
  }
  const outside = await doorScopeRefusal(
    'GET /posters.pdf',
    { unitCode: unit.code },
    {
      areas: services.areas,
      scope: identity.scope,
      wardOfVenue: async (id) => (await posterVenueById(services.orm, id))?.wardCode,
    },
  );
  if (outside) return sendError(res, 'FORBIDDEN', outside.message);
  const venues = await openPosterVenuesOf(
    services.orm,
    unit.level,
    unit.code,
    MAX_BULK_POSTERS + 1,
  );
  if (venues.length > MAX_BULK_POSTERS) {
    const count = await countOpenVenuesOf(services.orm, unit.level, unit.code);
    return sendError(
      res,
      'BAD_USER_INPUT',
      `unitCode: ${unit.name} has ${count} open venues, and one file holds at most ${MAX_BULK_POSTERS} posters: ask for its districts or wards one by one.`,
      { field: 'unitCode' },
    );
  }
  if (venues.length === 0) {
    return sendError(res, 'NOT_FOUND', `${unit.name} (${unit.code}) has no open venues.`);
  }
  const pages: PosterContent[] = [];
  for (const venue of venues) {
    // signed before the first byte goes out, so that a refusal can still be a clean answer
    const payload = payloadOrAnswer(services, res, venue);
    if (!payload) return;
    pages.push(posterContent(services, venue, payload));
  }

  const doc = posterDocument(`Mã QR · ${unit.name} · ${pages.length}`);
  res.statusCode = 200;
  res.setHeader('content-type', 'application/pdf');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-disposition', `inline; filename="posters-${unit.code}.pdf"`);
  doc.pipe(res);
  for (const page of pages) {
    if (!(await roomForMore(doc, res))) return;
    addPosterPage(doc, page);
  }
  doc.end();
}

/**
 * Between pages: lets other requests run (a large file takes seconds to draw), waits while the
 * client reads slower than pages are drawn, and stops when the client has gone away.
 */
async function roomForMore(doc: PDFKit.PDFDocument, res: ServerResponse): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  while (!res.destroyed && doc.readableLength > BULK_BUFFER_BYTES) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}

/** Who is asking, or null after answering 401 or 429. */
async function caller(
  checkCaller: (req: IncomingMessage) => Promise<CallerCheck>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Identity | null> {
  const check = await checkCaller(req);
  if (check.ok && check.identity.kind !== 'ANONYMOUS') return check.identity;
  sendRefusal(
    res,
    check.ok
      ? {
          code: 'UNAUTHENTICATED',
          message:
            'Bulk posters need "Authorization: Bearer <access token>" of a city admin or an officer.',
        }
      : check,
  );
  return null;
}

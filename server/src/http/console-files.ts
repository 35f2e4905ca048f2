import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { sendError } from './respond';

export const CONSOLE_PATH = '/admin';
/** The console's build (admin/dist), at the same depth from src/http and from dist/http. */
export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', '..', 'admin', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The console's pages may load only what the server itself serves. Styles are inline because
 * MUI writes them at run time (emotion); QR images come as files, charts as inline SVG.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * `GET /admin/…`: the built console. Files under assets/ carry a content hash in their names and
 * are cached for a year; any other path is a page of the single-page app and gets index.html,
 * revalidated each time so a new release is picked up at the next navigation. Files are read
 * once and kept: the build is a few megabytes and never changes while the server runs, except
 * in development, where `dir` is read again whenever index.html changes.
 */
export function consoleFiles(dir = CONSOLE_DIR) {
  const cache = new Map<string, StaticFile | null>();
  let indexStamp = -1;

  function read(file: string): StaticFile | null {
    const known = cache.get(file);
    if (known !== undefined) return known;
    let found: StaticFile | null = null;
    try {
      const body = fs.readFileSync(file);
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      found = {
        body,
        type,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      };
    } catch {
      found = null;
    }
    cache.set(file, found);
    return found;
  }

  /** A rebuilt console (pnpm dev's `vite build --watch`, a new deployment) replaces index.html. */
  function forgetStaleFiles() {
    const stamp =
      fs.statSync(path.join(dir, 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (stamp !== indexStamp) {
      cache.clear();
      indexStamp = stamp;
    }
  }

  return (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    if (url.pathname === CONSOLE_PATH) {
      res.statusCode = 308;
      res.setHeader('location', `${CONSOLE_PATH}/${url.search}`);
      res.end();
      return;
    }
    forgetStaleFiles();
    const relative = decodeURIComponent(url.pathname.slice(CONSOLE_PATH.length + 1));
    const asset = relative.startsWith('assets/');
    // normalize() resolves `..`; anything that then leaves the build folder is not a console file
    const inside = (p: string) => (p.startsWith(dir + path.sep) ? p : undefined);
    const named =
      relative && !relative.includes('/')
        ? inside(path.normalize(path.join(dir, relative)))
        : undefined;
    // a top-level file of the build (the icon) is itself; any other path is a page of the app
    const file = asset
      ? inside(path.normalize(path.join(dir, relative)))
      : named && read(named)
        ? named
        : path.join(dir, 'index.html');
    const found = file ? read(file) : null;
    if (!found) {
      if (asset) return sendError(res, 'NOT_FOUND', `No console file at ${url.pathname}.`);
      return sendError(
        res,
        'SERVICE_UNAVAILABLE',
        'The console is not built: `pnpm start` builds it, or run `pnpm --filter @quetma/admin build`.',
      );
    }
    res.setHeader('content-type', found.type);
    res.setHeader('etag', found.etag);
    res.setHeader('x-content-type-options', 'nosniff');
    if (asset) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    else {
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      res.setHeader('referrer-policy', 'same-origin');
    }
    if (req.headers['if-none-match'] === found.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : found.body);
  };
}

/** True for the console's paths. */
export const isConsolePath = (p: string) => p === CONSOLE_PATH || p.startsWith(`${CONSOLE_PATH}/`);

/** True when there is a console build to serve (the start banner says where it is). */
export const consoleBuilt = (dir = CONSOLE_DIR) => fs.existsSync(path.join(dir, 'index.html'));

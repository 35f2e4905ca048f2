/**
 * The signed-in session, shared by every tab of the console through localStorage. The refresh
 * token works once: two tabs refreshing together would end the session, so a refresh runs under
 * a Web Lock that all tabs share, and a tab that waited for the lock takes the session the other
 * tab stored instead of spending the now-used token again.
 */
export interface StoredSession {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: SessionUser;
}

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: string;
  unitCode: string | null;
}

const STORAGE_KEY = 'quetma.session';
const REFRESH_LOCK = 'quetma.session.refresh';
/** Refresh this long before the access token expires, so no request leaves with a stale one. */
const REFRESH_MARGIN_MS = 60_000;

export const SESSION_FIELDS = `accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt
  user { id name email role unitCode }`;

export function readSession(): StoredSession | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as StoredSession) : null;
  } catch {
    return null;
  }
}

export function storeSession(session: StoredSession | null): void {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
}

const expiresSoon = (at: string, now = Date.now()) => Date.parse(at) - REFRESH_MARGIN_MS <= now;

/** True while the session can still be refreshed (its refresh token has not expired). */
export function sessionUsable(session: StoredSession | null): session is StoredSession {
  return !!session && Date.parse(session.refreshTokenExpiresAt) > Date.now();
}

/** Thrown when the session is gone: the console then sends the user to the login page. */
export class SessionEndedError extends Error {
  readonly status = 401;
  constructor(message = 'session ended') {
    super(message);
  }
}

type Refresh = (refreshToken: string) => Promise<StoredSession>;

async function withRefreshLock<T>(run: () => Promise<T>): Promise<T> {
  // every browser the console supports has Web Locks; a page without them runs the refresh alone
  if (typeof navigator !== 'undefined' && navigator.locks)
    return navigator.locks.request(REFRESH_LOCK, run) as Promise<T>;
  return run();
}

/**
 * An access token valid for at least a minute more: the stored one, or a new one from the
 * refresh token (once across tabs). Throws SessionEndedError when there is no session left.
 */
export async function freshAccessToken(refresh: Refresh, force = false): Promise<string> {
  const before = readSession();
  if (!sessionUsable(before)) throw new SessionEndedError();
  if (!force && !expiresSoon(before.accessTokenExpiresAt)) return before.accessToken;
  return withRefreshLock(async () => {
    // another tab may have refreshed while this one waited: its session is then the one to use
    const current = readSession();
    if (!sessionUsable(current)) throw new SessionEndedError();
    const refreshedMeanwhile = current.refreshToken !== before.refreshToken;
    if (refreshedMeanwhile && !expiresSoon(current.accessTokenExpiresAt))
      return current.accessToken;
    if (!force && !expiresSoon(current.accessTokenExpiresAt)) return current.accessToken;
    try {
      const next = await refresh(current.refreshToken);
      storeSession(next);
      return next.accessToken;
    } catch (error) {
      if (error instanceof SessionEndedError) storeSession(null);
      throw error;
    }
  });
}

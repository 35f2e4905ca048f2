import type { AuthProvider } from 'react-admin';
import { anonymousRequest, ApiError } from '../api/graphql-request';
import {
  readSession,
  SESSION_FIELDS,
  sessionUsable,
  storeSession,
  type StoredSession,
} from '../api/session';
import type { Permissions } from '../access/role-access';

/** Signs in on the platform's own `login`; the session lives in session.ts. */
export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    try {
      const data = await anonymousRequest<{ login: StoredSession }>(
        `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { ${SESSION_FIELDS} } }`,
        { email: username.trim(), password },
      );
      storeSession(data.login);
    } catch (error) {
      // the login form shows this key's translation: wrong password, locked out, server down
      if (error instanceof ApiError) {
        if (error.code === 'UNAUTHENTICATED') throw new Error('quetma.auth.wrong_credentials');
        if (error.code === 'TOO_MANY_REQUESTS') throw new Error('quetma.auth.too_many_attempts');
        if (error.code === 'BAD_USER_INPUT') throw new Error('quetma.auth.bad_email');
      }
      throw new Error('quetma.auth.unavailable');
    }
  },

  async logout() {
    const session = readSession();
    storeSession(null);
    if (session) {
      // ends the session on the server too, so its refresh token cannot be used again
      await endSessionOnServer(session).catch(() => undefined);
    }
  },

  async checkAuth() {
    if (!sessionUsable(readSession())) throw new Error('quetma.auth.signed_out');
  },

  async checkError(error: { status?: number }) {
    if (error?.status === 401) {
      storeSession(null);
      throw new Error('quetma.auth.session_ended');
    }
  },

  async getIdentity() {
    const session = readSession();
    if (!session) throw new Error('quetma.auth.signed_out');
    const { id, name, email } = session.user;
    return { id, fullName: name || email };
  },

  async getPermissions(): Promise<Permissions | undefined> {
    const session = readSession();
    return session ? { role: session.user.role, unitCode: session.user.unitCode } : undefined;
  },
};

/** logout is public: it takes the refresh token, so it works even with an expired access token. */
function endSessionOnServer(session: StoredSession) {
  return anonymousRequest(
    `mutation Logout($refreshToken: String!) { logout(refreshToken: $refreshToken) }`,
    {
      refreshToken: session.refreshToken,
    },
  );
}

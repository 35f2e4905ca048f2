import { freshAccessToken, SESSION_FIELDS, SessionEndedError, type StoredSession } from './session';

/** An error the API answered, with its stable code and, for bad input, the field it names. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly field?: string,
    readonly fields?: { field: string; message: string }[],
  ) {
    super(message);
  }
}

interface GraphQLAnswer<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export const GRAPHQL_PATH = '/graphql';

function apiErrorOf(status: number, body: GraphQLAnswer<unknown>): ApiError {
  const first = body.errors?.[0];
  const ext = first?.extensions ?? {};
  return new ApiError(
    first?.message ?? `HTTP ${status}`,
    typeof ext.code === 'string' ? ext.code : 'INTERNAL_SERVER_ERROR',
    status,
    typeof ext.field === 'string' ? ext.field : undefined,
    Array.isArray(ext.fields) ? (ext.fields as { field: string; message: string }[]) : undefined,
  );
}

/** One GraphQL request without credentials (login and refresh). */
export async function anonymousRequest<T>(query: string, variables: object): Promise<T> {
  const res = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json().catch(() => ({}))) as GraphQLAnswer<T>;
  if (body.errors?.length || !body.data) throw apiErrorOf(res.status, body);
  return body.data;
}

/** Trades a refresh token for a new session; a refused token ends the session. */
export async function refreshSession(refreshToken: string): Promise<StoredSession> {
  try {
    const data = await anonymousRequest<{ refreshSession: StoredSession }>(
      `mutation Refresh($refreshToken: String!) { refreshSession(refreshToken: $refreshToken) { ${SESSION_FIELDS} } }`,
      { refreshToken },
    );
    return data.refreshSession;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED')
      throw new SessionEndedError(error.message);
    throw error;
  }
}

/**
 * fetch() for the console's API calls: adds a fresh access token, and when the server still
 * answers 401 (the token was revoked or the clock is off) refreshes once and sends again.
 */
export async function authorizedFetch(input: RequestInfo | URL, init: RequestInit = {}) {
  const send = (token: string) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  const first = await send(await freshAccessToken(refreshSession));
  if (first.status !== 401) return first;
  return send(await freshAccessToken(refreshSession, true));
}

/** One GraphQL request as the signed-in user, outside the data provider (units, figures). */
export async function apiRequest<T>(query: string, variables: object = {}): Promise<T> {
  const res = await authorizedFetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json().catch(() => ({}))) as GraphQLAnswer<T>;
  if (body.errors?.length || !body.data) throw apiErrorOf(res.status, body);
  return body.data;
}

/**
 * fetch() for Apollo's link. The API answers a refused request with its HTTP status (400 for bad
 * input, 403, 429…) and a GraphQL errors body; Apollo would turn any such answer into a bare
 * network error and drop the errors' codes and fields. This hands Apollo the errors as a
 * GraphQL answer, with the status kept in each error's `httpStatus` extension.
 */
export async function graphqlLinkFetch(input: RequestInfo | URL, init?: RequestInit) {
  const res = await authorizedFetch(input, init);
  if (res.ok) return res;
  const body = await res
    .clone()
    .json()
    .catch(() => undefined);
  if (!body || !Array.isArray(body.errors)) return res;
  const errors = body.errors.map((e: { extensions?: object }) => ({
    ...e,
    extensions: { ...e.extensions, httpStatus: res.status },
  }));
  return new Response(JSON.stringify({ ...body, errors }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

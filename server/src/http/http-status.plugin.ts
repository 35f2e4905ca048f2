import type { ApolloServerPlugin, BaseContext, HeaderMap } from '@apollo/server';
import Negotiator from 'negotiator';

const JSON_TYPE = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';

/** Refusals of the caller (credentials, rate limits) rather than of the query: they stay. */
const CALLER_REFUSALS = new Set([401, 429]);
/** What Apollo and our rules answer a well-formed request that fails before it runs. */
const REQUEST_ERROR_STATUSES = new Set([400, 403]);

/**
 * HTTP statuses as the GraphQL-over-HTTP specification wants them (the version graphql-http's
 * audit checks). Apollo takes the status from `extensions.http` of any error, so a field
 * refused with 403 turned a whole answer, data included, into a 403. Here:
 * - an answer with data (the operation ran) is 200, whatever its field errors said;
 * - a well-formed request refused before it runs (parse, validation, variables, access table)
 *   is 200 as `application/json` (which a client must not trust at any other status) and
 *   keeps its 400 or 403 as `application/graphql-response+json`;
 * - 401 and 429 stay, and so do 5xx and the refusals of requests that are not well-formed.
 */
export function httpStatusPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          const status = response.http.status;
          // the usual answer: no error asked for a status
          if (!status || status === 200 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.data !== undefined) {
            if (result.data !== null || !CALLER_REFUSALS.has(status)) response.http.status = 200;
            return;
          }
          if (!REQUEST_ERROR_STATUSES.has(status)) return;
          // Apollo's BAD_REQUEST: not a well-formed GraphQL-over-HTTP request, so no GraphQL answer
          if (result.errors?.some((e) => e.extensions?.code === 'BAD_REQUEST')) return;
          const type = responseMediaType(request.http?.headers);
          if (!type) return; // nothing acceptable: Apollo answers 406
          // chosen here, not left to Apollo, so that the status always matches the type sent
          response.http.headers.set('content-type', type);
          if (type === JSON_TYPE) response.http.status = 200;
        },
      };
    },
  };
}

/**
 * The response type Apollo will choose from Accept: the same negotiator, asked the same way
 * (application/json first, so it wins a tie). Undefined when the client accepts neither type.
 * Only error answers pay for it.
 */
export function responseMediaType(headers: HeaderMap | undefined): string | undefined {
  const accept = headers?.get('accept');
  if (!accept) return JSON_TYPE;
  return new Negotiator({ headers: { accept } }).mediaType([JSON_TYPE, GRAPHQL_RESPONSE_TYPE]);
}

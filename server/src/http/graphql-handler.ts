import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { readBody } from './read-body';
import { sendError } from './respond';

/** Past this a request body is refused with 413: no honest query is that large. */
const MAX_BODY_BYTES = 1_000_000;

/**
 * Apollo on plain node:http (Apollo 5 has no built-in Express integration, and a bare handler
 * is measurably faster). Bodies are parsed here so that a malformed one gets a clear 400.
 */
export function graphqlHandler<TContext extends object>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage) => Promise<TContext>,
) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, MAX_BODY_BYTES);
      if (raw === undefined) {
        return sendError(
          res,
          'PAYLOAD_TOO_LARGE',
          `The request body is larger than ${MAX_BODY_BYTES} bytes: no query needs that much.`,
        );
      }
      const type = req.headers['content-type'] ?? '';
      if (type.includes('json')) {
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch (error) {
          return sendError(
            res,
            'BAD_REQUEST',
            `The request body is not valid JSON: ${(error as Error).message}`,
          );
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => context(req),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

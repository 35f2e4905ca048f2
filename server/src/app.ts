import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { accessControlPlugin } from './auth/access-plugin';
import { authenticate } from './auth/authenticate';
import { createContext, type AppServices, type GraphQLContext } from './graphql/context';
import { formatError } from './graphql/errors';
import { jitGateway } from './graphql/jit-gateway';
import { buildQuetmaSchema } from './graphql/schema';
import { graphiqlPage, readGraphiqlAsset } from './http/graphiql-page';
import { graphqlHandler } from './http/graphql-handler';
import { databaseAnswers } from './http/health';
import { sendBody, sendJson } from './http/respond';

export interface App {
  server: http.Server;
  schema: GraphQLSchema;
  /** Starts listening; resolves with the port (useful with port 0 in tests). */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export type Logger = (message: string, error?: unknown) => void;

/** The HTTP server and GraphQL schema over the given services; main.ts and the tests use it. */
export async function createApp(services: AppServices, log: Logger = console.error): Promise<App> {
  const schema = await buildQuetmaSchema();
  const apollo = new ApolloServer<GraphQLContext>({
    gateway: jitGateway(schema),
    // Apollo's default cache-control plugin wraps every field resolver; we send no cache hints
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      accessControlPlugin(),
    ],
    introspection: services.config.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the process's signals and closes the server, Apollo and the database in order
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => formatError(formatted, error, log),
  });
  await apollo.start();
  const handleGraphql = graphqlHandler(apollo, async (req) =>
    createContext(
      services,
      await authenticate(
        services.orm,
        services.config.jwtSecret,
        req.headers.authorization,
        services.now(),
      ),
      req.socket.remoteAddress,
    ),
  );

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    route(req, res, url).catch((error) => {
      log(`error answering ${req.method} ${url.pathname}`, error);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error' });
      else res.end();
    });
  });

  async function route(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    const path = url.pathname;
    if (path === '/graphql') return handleGraphql(req, res, url);
    if (path === '/health' && req.method === 'GET') {
      const up = await databaseAnswers(services.orm);
      return sendJson(res, up ? 200 : 503, {
        status: up ? 'ok' : 'unavailable',
        database: up ? 'up' : 'down',
      });
    }
    if (services.config.graphiql && req.method === 'GET') {
      if (path === '/' || path === '/graphiql')
        return sendBody(res, 200, 'text/html; charset=utf-8', graphiqlPage('/graphql'));
      if (path.startsWith('/graphiql/assets/')) {
        const asset = readGraphiqlAsset(path.slice('/graphiql/assets/'.length));
        if (asset) {
          res.setHeader('cache-control', 'public, max-age=86400');
          return sendBody(res, 200, asset.type, asset.body);
        }
      }
    }
    sendJson(res, 404, { error: `Nothing at ${req.method} ${path}. The API is at POST /graphql.` });
  }

  return {
    server,
    schema,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await apollo.stop();
    },
  };
}

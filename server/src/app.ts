import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { auditPlugin } from './audit/audit.plugin';
import { accessControlPlugin } from './auth/access-plugin';
import { authenticate } from './auth/authenticate';
import { codeFileRoutes, isCodeFilePath } from './codes/files/code-files.routes';
import { RequestLimits } from './http/request-limits';
import { ScanIngestion } from './scans/ingestion/scan-ingestion.service';
import { scansHandler } from './scans/ingestion/scans.http';
import { DEMO_KEYS } from './db/seeders/demo-accounts.seeder';
import { RateLimiter } from './protection/rate-limiter';
import { aliasLimitRule, complexityPlugin, depthLimitRule } from './protection/query-shape';
import { createContext, type AppServices, type GraphQLContext } from './graphql/context';
import { formatError } from './graphql/errors';
import { jitGateway } from './graphql/jit-gateway';
import { buildQuetmaSchema } from './graphql/schema';
import { graphiqlPage, readGraphiqlAsset } from './http/graphiql-page';
import { graphqlHandler } from './http/graphql-handler';
import { databaseAnswers } from './http/health';
import { sendBody, sendError, sendJson } from './http/respond';

const SCANS_PATH = '/api/scans';
const SCANS_URL = new URL(SCANS_PATH, 'http://localhost');
/** How long a stopping server waits for requests in progress before cutting them off. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface App {
  server: http.Server;
  schema: GraphQLSchema;
  /** Starts listening; resolves with the port (useful with port 0 in tests). */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/** Limits on the shape of a request; README "Protection of the API" explains the numbers. */
export const QUERY_LIMITS = { maxDepth: 12, maxAliases: 30, maxComplexity: 25_000 };

function tooManyRequests(
  res: http.ServerResponse,
  retryAfterSeconds: number,
  per: 'caller' | 'address',
): void {
  res.setHeader('retry-after', String(retryAfterSeconds));
  sendError(
    res,
    429,
    'TOO_MANY_REQUESTS',
    `Too many requests from this ${per === 'caller' ? 'API key or user' : 'network address'}: try again in ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
  );
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
      auditPlugin(log),
      complexityPlugin(QUERY_LIMITS.maxComplexity),
    ],
    introspection: services.config.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the process's signals and closes the server, Apollo and the database in order
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => formatError(formatted, error, log),
    validationRules: [
      depthLimitRule(QUERY_LIMITS.maxDepth),
      aliasLimitRule(QUERY_LIMITS.maxAliases),
    ],
  });
  await apollo.start();
  const loginLimiter = new RateLimiter(services.config.loginRateLimitPerMinute);
  const requestLimits = new RequestLimits(services.config);
  const scanIngestion = new ScanIngestion(services);
  const handleScans = scansHandler(services, scanIngestion, log);
  // with demo data, the IDE starts out as the demo integrator, so its example queries answer
  const demoIntegrator = DEMO_KEYS.find((k) => k.role === 'INTEGRATOR')!;
  const ideHeaders = services.config.demoData
    ? { Authorization: `Bearer ${demoIntegrator.key}` }
    : undefined;
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
      loginLimiter,
      scanIngestion,
    ),
  );

  const serveCodeFiles = codeFileRoutes(services);

  const server = http.createServer((req, res) => {
    // scans are the hot path and need no parsed URL: spare them the parse (a few µs each)
    const url = req.url === SCANS_PATH ? SCANS_URL : new URL(req.url ?? '/', 'http://localhost');
    route(req, res, url).catch((error) => {
      log(`error answering ${req.method} ${url.pathname}`, error);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error' });
      else res.end();
    });
  });

  /** The API's doors count against the request limits: true once a refusal (429) is sent. */
  function refusedByLimits(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const decision = requestLimits.check(req);
    if (!decision.allowed) tooManyRequests(res, decision.retryAfterSeconds, decision.per);
    return !decision.allowed;
  }

  async function route(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    const path = url.pathname;
    if (path === '/graphql') {
      if (!refusedByLimits(req, res)) await handleGraphql(req, res, url);
      return;
    }
    if (path === SCANS_PATH) {
      if (!refusedByLimits(req, res)) await handleScans(req, res);
      return;
    }
    if (isCodeFilePath(path)) {
      if (refusedByLimits(req, res)) return;
      if (await serveCodeFiles(req, res, url)) return;
    }
    if (path === '/health' && req.method === 'GET') {
      const up = await databaseAnswers(services.orm);
      return sendJson(res, up ? 200 : 503, {
        status: up ? 'ok' : 'unavailable',
        database: up ? 'up' : 'down',
      });
    }
    if (services.config.graphiql && req.method === 'GET') {
      if (path === '/' || path === '/graphiql')
        return sendBody(res, 200, 'text/html; charset=utf-8', graphiqlPage('/graphql', ideHeaders));
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
      // No new connections; requests in progress get their answers (a kiosk's scans are
      // committed and acknowledged, not cut off mid-flush and sent again), for up to
      // SHUTDOWN_GRACE_MS. Keep-alive connections are closed as soon as they fall idle.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      server.closeIdleConnections();
      await closed;
      clearInterval(idle);
      clearTimeout(grace);
      // scans already taken are committed before the database goes away
      await scanIngestion.close();
      await apollo.stop();
    },
  };
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { auditPlugin } from './audit/audit.plugin';
import { accessControlPlugin } from './auth/access-plugin';
import { openAuthPool } from './auth/auth-pool';
import { Authenticator } from './auth/authenticate';
import type { Identity } from './auth/identity';
import { codeFileRoutes, isCodeFilePath } from './codes/files/code-files.routes';
import { RequestLimits, type CallerCheck, type LimitDecision } from './http/request-limits';
import { ScanIngestion } from './scans/ingestion/scan-ingestion.service';
import { scansHandler } from './scans/ingestion/scans.http';
import { venueImportHandler } from './venues/import/venue-import.http';
import { DEMO_KEYS } from './db/seeders/demo-accounts.seeder';
import { RateLimits } from './protection/rate-limiter';
import { expensiveQueriesPlugin } from './protection/expensive-queries';
import { textInputPlugin } from './protection/text-input';
import { aliasLimitRule, complexityPlugin, depthLimitRule } from './protection/query-shape';
import { createContext, type AppServices, type GraphQLContext } from './graphql/context';
import { failureAnswer, formatError } from './graphql/errors';
import { jitGateway } from './graphql/jit-gateway';
import { buildQuetmaSchema } from './graphql/schema';
import { graphiqlPage, readGraphiqlAsset } from './http/graphiql-page';
import { graphqlHandler } from './http/graphql-handler';
import { httpStatusPlugin } from './http/http-status.plugin';
import { databaseAnswers } from './http/health';
import { describeError } from './http/log-error';
import { sendBody, sendError, sendJson, sendRefusal } from './http/respond';
import { consoleFiles, isConsolePath } from './http/console-files';

const SCANS_PATH = '/api/scans';
const SCANS_URL = new URL(SCANS_PATH, 'http://localhost');
const VENUE_IMPORT_PATH = '/api/venues/import';
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
/** Figures and tracing queries one caller may run at once; more wait their turn (expensive-queries.ts). */
export const EXPENSIVE_QUERIES_PER_CALLER = 2;

type Refusal = Exclude<CallerCheck, { ok: true }>;

function tooManyRequests(decision: Exclude<LimitDecision, { allowed: true }>): Refusal {
  const { retryAfterSeconds, per } = decision;
  return {
    ok: false,
    status: 429,
    code: 'TOO_MANY_REQUESTS',
    message: `Too many requests from this ${per === 'caller' ? 'API key or user' : 'network address'}: try again in ${retryAfterSeconds} s.`,
    retryAfterSeconds,
  };
}

/** The methods a path other than /graphql, /api/scans and the import answers, for 405 rather than 404. */
function methodsAt(path: string, graphiql: boolean): string[] | undefined {
  if (path === '/health') return ['GET'];
  if (isCodeFilePath(path)) return ['GET', 'HEAD'];
  if (path === '/' || isConsolePath(path)) return ['GET', 'HEAD'];
  if (graphiql && path === '/graphiql') return ['GET'];
  return undefined;
}

/** The request target as a URL, or undefined for one no URL can be made of (`//`, say). */
function requestUrl(target: string | undefined): URL | undefined {
  // scans are the hot path and need no parsed URL: spare them the parse (a few µs each)
  if (target === SCANS_PATH) return SCANS_URL;
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

export type Logger = (message: string, error?: unknown) => void;

/** The HTTP server and GraphQL schema over the given services; main.ts and the tests use it. */
export async function createApp(
  services: AppServices,
  logLine: Logger = console.error,
): Promise<App> {
  // whatever fails, the log gets no statement, parameters or person data (http/log-error.ts)
  const log: Logger = (message, error) =>
    logLine(message, error === undefined ? undefined : describeError(error));
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
      expensiveQueriesPlugin(EXPENSIVE_QUERIES_PER_CALLER),
      textInputPlugin(),
      httpStatusPlugin(),
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
  // counted in PostgreSQL, so that every server process on the database shares each limit
  const rateLimits = new RateLimits(services.orm.config.get('clientUrl')!, services.now, { log });
  const loginLimiter = rateLimits.limiter('login', services.config.loginRateLimitPerMinute);
  const requestLimits = new RequestLimits(rateLimits, services.config);
  const scanIngestion = new ScanIngestion(services);
  const authPool = openAuthPool(services.orm.config.get('clientUrl')!);
  const authenticator = new Authenticator(authPool, services.config.jwtSecret);
  const parts = { loginLimiter, scanIngestion, authPool };
  const handleScans = scansHandler(scanIngestion, log);
  const handleVenueImport = venueImportHandler(services, log);
  // with demo data, the IDE starts out as the demo integrator, so its example queries answer
  const demoIntegrator = DEMO_KEYS.find((k) => k.role === 'INTEGRATOR')!;
  const ideHeaders = services.config.demoData
    ? { Authorization: `Bearer ${demoIntegrator.key}` }
    : undefined;
  // the router authenticates before Apollo runs; the context picks the caller up by request
  const callers = new WeakMap<http.IncomingMessage, Identity>();
  const handleGraphql = graphqlHandler(apollo, async (req) =>
    createContext(services, parts, callers.get(req)!, req.socket.remoteAddress),
  );

  /**
   * The caller behind a request's credential, verified, then counted against their own limit.
   * The address was counted first (refusedByAddress): a credential that fails counts there only.
   */
  async function checkCaller(req: http.IncomingMessage): Promise<CallerCheck> {
    let identity: Identity;
    try {
      identity = await authenticator.authenticate(req.headers.authorization, services.now());
    } catch (error) {
      if (!(error instanceof GraphQLError) || error.extensions.code !== 'UNAUTHENTICATED')
        throw error;
      return { ok: false, status: 401, code: 'UNAUTHENTICATED', message: error.message };
    }
    const decision = await requestLimits.checkCaller(identity);
    return decision.allowed ? { ok: true, identity } : tooManyRequests(decision);
  }

  const serveCodeFiles = codeFileRoutes(services, checkCaller);
  const serveConsole = consoleFiles();

  const server = http.createServer((req, res) => {
    const url = requestUrl(req.url);
    // a target that is no URL, left to throw here, would have stopped the process
    if (!url) return sendError(res, 'BAD_REQUEST', 'The request target is not a valid URL path.');
    route(req, res, url).catch((error) => {
      const failure = failureAnswer(error);
      if (failure.code === 'INTERNAL_SERVER_ERROR')
        log(`error answering ${req.method} ${url.pathname}`, error);
      if (!res.headersSent) sendError(res, failure.code, failure.message);
      else res.end();
    });
  });

  /** Every request to the API's doors counts against its address: true once a 429 is sent. */
  async function refusedByAddress(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<boolean> {
    const decision = await requestLimits.checkAddress(req);
    if (!decision.allowed) sendRefusal(res, tooManyRequests(decision));
    return !decision.allowed;
  }

  /** The caller of /graphql, /api/scans or the import, or undefined once a refusal (401, 429) is sent. */
  async function callerOrRefuse(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<Identity | undefined> {
    const check = await checkCaller(req);
    if (check.ok) return check.identity;
    sendRefusal(res, check);
    return undefined;
  }

  async function route(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    const path = url.pathname;
    if (path === '/graphql' || path === SCANS_PATH || path === VENUE_IMPORT_PATH) {
      if (await refusedByAddress(req, res)) return;
      const identity = await callerOrRefuse(req, res);
      if (!identity) return;
      if (path === SCANS_PATH) await handleScans(req, res, identity);
      else if (path === VENUE_IMPORT_PATH) await handleVenueImport(req, res, identity, url);
      else {
        callers.set(req, identity);
        await handleGraphql(req, res, url);
      }
      return;
    }
    if (isCodeFilePath(path)) {
      if (await refusedByAddress(req, res)) return;
      if (await serveCodeFiles(req, res, url)) return;
    }
    if (path === '/health' && req.method === 'GET') {
      if (await databaseAnswers(services.orm))
        return sendJson(res, 200, { status: 'ok', database: 'up' });
      return sendError(
        res,
        'SERVICE_UNAVAILABLE',
        'The database does not answer: the server cannot serve requests now.',
        { database: 'down' },
      );
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      // people start at the console; integrators find the API at /graphql
      if (path === '/') {
        res.statusCode = 302;
        res.setHeader('location', '/admin/');
        res.end();
        return;
      }
      if (isConsolePath(path)) return serveConsole(req, res, url);
    }
    if (services.config.graphiql && req.method === 'GET') {
      if (path === '/graphiql')
        return sendBody(res, 200, 'text/html; charset=utf-8', graphiqlPage('/graphql', ideHeaders));
      if (path.startsWith('/graphiql/assets/')) {
        const asset = readGraphiqlAsset(path.slice('/graphiql/assets/'.length));
        if (asset) {
          res.setHeader('cache-control', 'public, max-age=86400');
          return sendBody(res, 200, asset.type, asset.body);
        }
      }
    }
    const allowed = methodsAt(path, services.config.graphiql);
    if (allowed) {
      res.setHeader('allow', allowed.join(', '));
      return sendError(
        res,
        'METHOD_NOT_ALLOWED',
        `${path} answers ${allowed.join(' and ')}, not ${req.method}.`,
      );
    }
    sendError(res, 'NOT_FOUND', `Nothing at ${req.method} ${path}. The API is at POST /graphql.`);
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
      await authPool.end();
      await rateLimits.close();
    },
  };
}

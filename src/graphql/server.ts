/**
 * The HTTP server: express 5 with Apollo at POST /graphql, GET /healthz, and the local GraphiQL
 * IDE at GET /graphql (browsers) and GET /ide.
 */
import { isUtf8 } from 'node:buffer';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createRateLimiter, type ApiKeyStore } from '../auth/index.js';
import { VanerError } from '../errors.js';
import type { JobQueue } from '../jobs/port.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/port.js';
import { createApolloServer } from './apollo.js';
import { createContext, type LabelerInfo } from './context.js';
import { createDashboard, defaultDashboardDir } from './dashboard.js';
import { INTERNAL_MESSAGE } from './format-error.js';
import { createHttpAuth, principalOf } from './http-auth.js';
import { createIde } from './ide.js';
import { bracketNesting, MAX_BRACKET_NESTING, type QueryLimits } from './query-limits.js';
import { currentRequestId, runWithRequestId } from './request-id.js';
import type { Metrics } from '../metrics.js';
import { observeRequests, operationMetricsPlugin, probeRoutes, type ReadinessCheck } from './observability.js';

export interface ApiServerDeps {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly logger: Logger;
  readonly host: string;
  /** 0 picks a free port; the returned `port` is the real one. */
  readonly port: number;
  readonly limits: {
    readonly maxDocumentChars: number;
    readonly maxBatchDocuments: number;
    /** Largest request body; larger ones get 413 with code PAYLOAD_TOO_LARGE. */
    readonly maxBodyBytes: number;
  };
  /** Connection limits against slow or hoarding clients. @defaultValue DEFAULT_CONNECTION_LIMITS */
  readonly connections?: ConnectionLimits;
  /** Serve GraphiQL to browsers at GET /graphql and GET /ide. */
  readonly ide: boolean;
  readonly introspection: boolean;
  /** Shown by the `health` query: a value, or a function asked per request. */
  readonly labelerInfo?: LabelerInfo | (() => LabelerInfo | null);
  /** Access control (docs/access-control.md). */
  readonly auth: {
    /** Verifies bearer tokens and serves the key mutations; null accepts no keys (anonymous only). */
    readonly keys: ApiKeyStore | null;
    /** Whether callers without a key may read (writes always need a key). */
    readonly anonymousRead: boolean;
    /** Per key (per client address without one). @defaultValue 20 per second, burst 40 */
    readonly rateLimit?: { readonly perSecond: number; readonly burst: number };
  };
  /** @defaultValue depth 10, cost 5000, aliases 30 */
  readonly queryLimits?: QueryLimits;
  /** The built web dashboard served at / (null: none). @defaultValue this package's dist/web */
  readonly dashboardDir?: string | null;
  /** Prometheus metrics served at GET /metrics (src/metrics.ts). @defaultValue none: no /metrics */
  readonly metrics?: Metrics | null;
  /** What GET /readyz checks besides the store (e.g. the annotation worker started). @defaultValue none */
  readonly readiness?: readonly ReadinessCheck[];
}

export interface ApiServer {
  /** e.g. http://127.0.0.1:4000/graphql */
  readonly url: string;
  readonly port: number;
  /** Stops accepting requests, drains in-flight ones, stops Apollo. Idempotent. */
  close(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';

/** A GraphQL-shaped error body for failures that happen before GraphQL runs (body too large...). */
function errorBody(message: string, code: string, extensions: Record<string, unknown> = {}): { errors: unknown[] } {
  return { errors: [{ message, extensions: { code, ...extensions } }] };
}

/** Thrown by the body parser's verify hook for a body that is not valid UTF-8 (body-parser passes it on as is). */
class InvalidUtf8Body extends Error {
  constructor() {
    super('request body is not valid UTF-8');
  }
}

/** Deadlines and a cap on connections (VANER_HEADERS_TIMEOUT_MS and friends, src/config.ts). */
export interface ConnectionLimits {
  /** Time a client has to send the request headers. @defaultValue 10000 */
  readonly headersTimeoutMs: number;
  /** Time a client has to send the whole request (headers and body). @defaultValue 60000 */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. @defaultValue 5000 */
  readonly keepAliveTimeoutMs: number;
  /** Most open connections; more are closed at once. @defaultValue 1000 */
  readonly maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, maxConnections: 1000 };

/** Starts the API server and resolves once it listens. */
export async function startApiServer(deps: ApiServerDeps): Promise<ApiServer> {
  const app = express();
  app.disable('x-powered-by');
  const connections = deps.connections ?? DEFAULT_CONNECTION_LIMITS;
  const httpServer = http.createServer({
    // Node checks header and request deadlines on this interval (30 s by default): a 10 s header
    // deadline would otherwise hold a slow client for up to 40 s.
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(connections.headersTimeoutMs / 4))),
    headersTimeout: connections.headersTimeoutMs,
    requestTimeout: connections.requestTimeoutMs,
    keepAliveTimeout: connections.keepAliveTimeoutMs,
  }, app);
  // Past the cap, new connections are closed at once (existing ones are served).
  httpServer.maxConnections = connections.maxConnections;
  const apollo = createApolloServer({
    logger: deps.logger,
    introspection: deps.introspection,
    httpServer,
    ...(deps.queryLimits ? { queryLimits: deps.queryLimits } : {}),
    ...(deps.metrics ? { plugins: [operationMetricsPlugin(deps.metrics)] } : {}),
  });
  const httpAuth = createHttpAuth({
    keys: deps.auth.keys,
    anonymousRead: deps.auth.anonymousRead,
    limiter: createRateLimiter(deps.auth.rateLimit ?? { perSecond: 20, burst: 40 }),
    sendError: (res, status, message, code, extensions) => {
      res.status(status).json(errorBody(message, code, extensions));
    },
  });
  await apollo.start();

  try {
    // First: every request gets its id, child logger and timing, whatever answers it.
    app.use(observeRequests(deps.logger, deps.metrics ?? null));
    const storeReady: ReadinessCheck = { name: 'store', check: async () => (await deps.store.countEntities()) >= 0 };
    app.use(probeRoutes({ checks: [storeReady, ...(deps.readiness ?? [])], metrics: deps.metrics ?? null, logger: deps.logger }));

    app.get('/healthz', async (_req, res) => {
      try {
        const entityCount = await deps.store.countEntities();
        res.json({ status: 'ok', store: deps.store.kind, queue: deps.queue.kind, entityCount });
      } catch (error) {
        deps.logger.error('health check failed', { requestId: currentRequestId(), error: String(error) });
        res.status(503).json({ status: 'unavailable', store: deps.store.kind, queue: deps.queue.kind });
      }
    });

    if (deps.ide) {
      const ide = createIde(GRAPHQL_PATH);
      app.use(ide.router);
      app.get(GRAPHQL_PATH, (req, res, next) => {
        // Browsers navigating here prefer HTML; GraphQL clients doing GET prefer JSON.
        if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html') ide.sendPage(res);
        else next();
      });
    }

    const dashboardDir = deps.dashboardDir === undefined ? defaultDashboardDir() : deps.dashboardDir;
    if (dashboardDir !== null) app.use(createDashboard({ dir: dashboardDir, reserved: [GRAPHQL_PATH, '/healthz', '/livez', '/readyz', '/metrics', '/ide'] }));

    app.use(
      GRAPHQL_PATH,
      // Before the body is read: a refused or throttled caller costs no parsing.
      httpAuth,
      express.json({
        limit: deps.limits.maxBodyBytes,
        // body-parser decodes with replacement characters, so invalid UTF-8 would be stored as U+FFFD
        // without anyone noticing. The raw bytes are checked first (UTF-8 bodies only: a declared
        // UTF-16 charset is decoded by body-parser as declared).
        verify: (req, _res, buf) => {
          const charset = /;\s*charset=("?)([^";]+)\1/i.exec(req.headers['content-type'] ?? '')?.[2]?.toLowerCase() ?? 'utf-8';
          if ((charset === 'utf-8' || charset === 'utf8') && !isUtf8(buf)) throw new InvalidUtf8Body();
        },
      }),
      (req, _res, next) => {
        // Express 5 leaves req.body undefined without a JSON body; Apollo's integration would
        // answer that with a 500 about middleware setup. {} lets Apollo give its own 400 instead.
        if (req.body === undefined) req.body = {};
        next();
      },
      (req, res, next) => {
        // Pre-parse guard: text nested thousands of levels deep would overflow the parser's stack.
        const query = (req.body as { query?: unknown } | undefined)?.query ?? req.query['query'];
        const nesting = typeof query === 'string' ? bracketNesting(query) : 0;
        if (nesting > MAX_BRACKET_NESTING) {
          const details = { limit: 'nesting', value: nesting, max: MAX_BRACKET_NESTING };
          res.status(400).json(errorBody(`the query text is nested ${nesting} brackets deep; the limit is ${MAX_BRACKET_NESTING}`, 'QUERY_TOO_COMPLEX', { details }));
          return;
        }
        next();
      },
      // Entered after body parsing: stream callbacks of the body parser would not carry the scope.
      // The id observeRequests gave the request, so logs, X-Request-Id and error extensions agree.
      (_req, res, next) => runWithRequestId(() => next(), res.locals['requestId'] as string),
      expressMiddleware(apollo, {
        context: async ({ res }) =>
          createContext({
            store: deps.store,
            queue: deps.queue,
            limits: { maxDocumentChars: deps.limits.maxDocumentChars, maxBatchDocuments: deps.limits.maxBatchDocuments },
            labelerInfo: deps.labelerInfo ?? null,
            // Set by httpAuth, which every request to this path passes; the fallback grants nothing.
            principal: principalOf(res) ?? { keyId: null, owner: 'anonymous', role: null },
            keys: deps.auth.keys,
          }),
      }),
    );

    app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) {
        next(err);
        return;
      }
      const type = (err as { type?: unknown }).type;
      if (type === 'request.aborted' || (err as { code?: unknown }).code === 'ECONNABORTED') {
        // The client went away while sending its body: nobody reads an answer, and it is not a server
        // fault. One low-level line, no stack (a client that aborts in a loop must not flood the log).
        deps.logger.debug('client aborted the request body', { requestId: currentRequestId(), received: (err as { received?: unknown }).received, expected: (err as { expected?: unknown }).expected });
        if (!res.writableEnded) res.status(400).end();
      } else if (type === 'entity.too.large') {
        res.status(413).json(errorBody(`request body exceeds ${deps.limits.maxBodyBytes} bytes`, 'PAYLOAD_TOO_LARGE', { limit: deps.limits.maxBodyBytes }));
      } else if (err instanceof InvalidUtf8Body) {
        res.status(400).json(errorBody('request body is not valid UTF-8', 'INVALID_UTF8'));
      } else if (type === 'entity.parse.failed') {
        res.status(400).json(errorBody('request body is not valid JSON', 'BAD_REQUEST'));
      } else if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
        res.status(415).json(errorBody('unsupported request body encoding or charset', 'BAD_REQUEST'));
      } else {
        const requestId = (res.locals['requestId'] as string | undefined) ?? currentRequestId();
        deps.logger.error('internal error in HTTP request', { requestId, error: err instanceof Error ? err.stack : String(err) });
        res.status(500).json(errorBody(INTERNAL_MESSAGE, 'INTERNAL_SERVER_ERROR', { requestId }));
      }
    });

    await new Promise<void>((resolve, reject) => {
      const refused = (error: NodeJS.ErrnoException): void => {
        // A port that is taken or not ours to open is the configuration's problem, said as such (not INTERNAL).
        const why = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.code === 'EACCES' ? 'permission denied' : error.code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : null;
        reject(why === null ? error : new VanerError('CONFIG_INVALID', `cannot listen on ${deps.host}:${deps.port}: ${why} (VANER_HOST, VANER_PORT or --port)`, { cause: error, details: { host: deps.host, port: deps.port } }));
      };
      httpServer.once('error', refused);
      httpServer.listen(deps.port, deps.host, () => {
        httpServer.off('error', refused);
        resolve();
      });
    });
  } catch (error) {
    await apollo.stop().catch(() => undefined);
    throw error;
  }

  const port = (httpServer.address() as AddressInfo).port;
  const host = deps.host.includes(':') ? `[${deps.host}]` : deps.host;
  const url = `http://${host}:${port}${GRAPHQL_PATH}`;
  deps.logger.info('API listening', { url, ide: deps.ide });

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    close: () => {
      // apollo.stop() runs the drain plugin, which closes the HTTP server after in-flight requests.
      closing ??= apollo.stop().finally(() => {
        if (httpServer.listening) httpServer.close();
      });
      return closing;
    },
  };
}

/**
 * Operations endpoints and instrumentation of the HTTP server:
 *
 * - every request gets a request id (a caller's `X-Request-Id` when it is a short token, else a UUID),
 *   echoed in the `X-Request-Id` response header, bound into a pino child logger, and timed into
 *   `vaner_http_request_duration_seconds`; it is logged at `debug` (at `warn` when it ends in a 5xx);
 * - GET /livez: the process answers (no dependency is checked, so an orchestrator restarts only a hung process);
 * - GET /readyz: every readiness check passes (store reachable, annotation worker started ...); 503 with
 *   the failing checks otherwise, so a load balancer sends traffic only to ready instances;
 * - GET /metrics: Prometheus exposition (src/metrics.ts);
 * - an Apollo plugin timing each GraphQL operation into `vaner_graphql_operation_duration_seconds`.
 */
import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

/** One readiness condition: resolves to true when ready, or to a short reason (or false) when not. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<true | false | string>;
}

/** Routes with their own label value; every other path is "other" (paths are client-chosen: no unbounded labels). */
const ROUTES = new Set(['/graphql', '/healthz', '/livez', '/readyz', '/metrics', '/ide']);
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Express middleware: request id, child logger and timing (see the module comment). Runs first. */
export function observeRequests(logger: Logger, metrics: Metrics | null) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    // Read now: routers mounted at a path (app.use('/graphql', ...)) rewrite req.path while they run.
    const requestPath = req.path;
    const offered = req.get('x-request-id');
    const requestId = offered !== undefined && CALLER_REQUEST_ID.test(offered) ? offered : randomUUID();
    res.locals['requestId'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    const log = logger.child({ requestId });
    res.locals['logger'] = log;
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = ROUTES.has(requestPath) ? requestPath : 'other';
      metrics?.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const fields = { method: req.method, path: route, status: res.statusCode, ms: Math.round(seconds * 1000) };
      if (res.statusCode >= 500) log.warn('request failed', fields);
      else log.debug('request', fields);
    });
    next();
  };
}

/** GET /livez, /readyz and (with metrics) /metrics. */
export function probeRoutes(options: { readonly checks: readonly ReadinessCheck[]; readonly metrics: Metrics | null; readonly logger: Logger }): Router {
  const router = express.Router();
  router.get('/livez', (_req, res) => {
    res.json({ status: 'alive' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      options.checks.map(async (c): Promise<[string, string]> => {
        try {
          const outcome = await c.check();
          return [c.name, outcome === true ? 'ok' : outcome === false ? 'not ready' : outcome];
        } catch (error) {
          return [c.name, `failed: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'}`];
        }
      }),
    );
    const ready = results.every(([, r]) => r === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });
  const metrics = options.metrics;
  if (metrics) {
    router.get('/metrics', async (_req, res) => {
      try {
        const text = await metrics.exposition();
        res.setHeader('Content-Type', metrics.contentType);
        res.send(text);
      } catch (error) {
        options.logger.error('metrics exposition failed', { error: error instanceof Error ? error.message : String(error) });
        res.status(500).type('text/plain').send('metrics unavailable\n');
      }
    });
  }
  return router;
}

/** Distinct operation names labelled before the rest become "other" (names are client-chosen). */
const MAX_OPERATION_NAMES = 100;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** Times each GraphQL operation by name, type (query, mutation) and outcome (ok, error). */
export function operationMetricsPlugin(metrics: Metrics): ApolloServerPlugin {
  const seen = new Set<string>();
  const label = (name: string | null | undefined): string => {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (seen.has(name)) return name;
    if (seen.size >= MAX_OPERATION_NAMES) return 'other';
    seen.add(name);
    return name;
  };
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const type = ctx.operation?.operation ?? 'invalid';
          const outcome = ctx.errors && ctx.errors.length > 0 ? 'error' : 'ok';
          // An operation that failed validation has no resolved name yet: take it from the parsed document.
          const parsed = ctx.document?.definitions.find((d) => d.kind === 'OperationDefinition');
          const name = ctx.operationName ?? (parsed?.kind === 'OperationDefinition' ? parsed.name?.value : undefined);
          metrics.graphqlDuration.observe({ operation: label(name), type, outcome }, seconds);
        },
      };
    },
  };
}

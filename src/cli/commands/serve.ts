/** `vaner serve`: the API server, plus an in-process worker unless --no-worker. */
import { issueFirstAdminKey } from '../../auth/index.js';
import { apiAccessFromConfig, startApiServer } from '../../graphql/index.js';
import { createApiApp } from '../../main.js';
import { parseCommandArgs, parseIntegerFlag } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { waitForShutdownSignal } from '../shutdown-signal.js';
import { startWorkerProcess } from '../worker-process.js';

export const HELP = `usage: vaner serve [--port N] [--host H] [--no-worker] [--store embedded|neo4j] [--queue in-process|bullmq]

Starts the GraphQL API (POST /graphql, GraphiQL at GET /graphql, GET /healthz, /livez, /readyz and
Prometheus metrics at GET /metrics; docs/observability.md) and, unless --no-worker, an annotation
worker in a child process (\`vaner worker\`, restarted if it dies), so labelling never blocks the
API. The API answers (GET /livez) before the worker has built its labeler and linker; GET /readyz
turns 200 when it has. On first start the shipped knowledge base is imported. SIGTERM/SIGINT close the API, the worker
and the store, in that order, after in-flight work has drained.

options:
  --port N      port to listen on (default VANER_PORT, 4000; 0 = any free port)
  --host H      address to listen on (default VANER_HOST, 127.0.0.1)
  --no-worker   do not run an annotation worker process (default VANER_RUN_WORKER)
  --store S     embedded (default, VANER_STORE) or neo4j (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD)
  --queue Q     in-process (default, VANER_QUEUE) or bullmq (REDIS_URL)
  -h, --help    show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'no-worker': { type: 'boolean' },
    store: { type: 'string' },
    queue: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { config, logger } = loadCliConfig(env, {
    port: parseIntegerFlag('port', values.port, 0, 65535),
    host: values.host,
    store: values.store,
    queue: values.queue,
    ...(values['no-worker'] ? { runWorker: false } : {}),
  });
  // Listen for signals before the (slow) first-start import, so an early Ctrl-C still closes cleanly.
  const shutdown = waitForShutdownSignal((sig) => logger.warn('already shutting down', { signal: sig }));
  try {
    const app = await createApiApp(config, { logger });
    let server: Awaited<ReturnType<typeof startApiServer>> | null = null;
    // Annotation runs in a child process so labelling and linking never block the API (worker-process.ts).
    const worker = config.runWorker ? startWorkerProcess({ config, logger, baseEnv: env }) : null;
    try {
      if (config.firstAdminKey) await issueFirstAdminKey(app.keys, (text) => process.stderr.write(text));
      server = await startApiServer({
        store: app.store,
        queue: app.queue,
        logger,
        host: config.host,
        port: config.port,
        limits: { maxDocumentChars: config.maxDocumentChars, maxBatchDocuments: config.maxBatchDocuments, maxBodyBytes: config.maxBodyBytes },
        ide: config.ide,
        introspection: config.introspection,
        labelerInfo: () => worker?.labelerInfo() ?? null,
        // The worker child's documents and labeler batches are merged into this process's exposition.
        metrics: worker ? worker.withWorkerMetrics(app.metrics) : app.metrics,
        // GET /readyz: ready once the worker child has its labeler and linker (the API answers before that).
        readiness: worker ? [{ name: 'worker', check: async () => (worker.labelerInfo() !== null ? true : 'starting') }] : [],
        ...apiAccessFromConfig(config, app.keys),
      });
      process.stdout.write(`vaner-kg listening on ${server.url}\n`);
      // A worker that cannot start (bad labeler setting, missing model) stops serve with its error.
      const signal = await Promise.race([shutdown.signal, ...(worker ? [worker.failed] : [])]);
      logger.info('shutting down', { signal });
    } finally {
      // Reverse order of construction: API first (no new work), then the worker, queue, store.
      if (server) await server.close();
      await worker?.close();
      await app.close();
    }
    return 0;
  } finally {
    shutdown.dispose();
  }
}

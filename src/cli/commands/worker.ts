/** `vaner worker`: an annotation worker without the API (for scaling workers separately). */
import { createApp } from '../../main.js';
import { parseCommandArgs, parseIntegerFlag } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { waitForShutdownSignal } from '../shutdown-signal.js';
import { WORKER_METRIC_NAMES, type WorkerMetricsMessage, type WorkerMetricsRequest, type WorkerReadyMessage } from '../worker-process.js';

export const HELP = `usage: vaner worker [--store embedded|neo4j] [--queue in-process|bullmq] [--concurrency N]

Processes annotation jobs from the queue until SIGTERM/SIGINT, then stops taking jobs, lets the
running batch finish (or aborts it at the next batch boundary) and closes the labeler and the store.
Configured by the VANER_* environment (VANER_WORKER_CONCURRENCY, VANER_LABELER, ...).

options:
  --store S          embedded (default, VANER_STORE) or neo4j (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD)
  --queue Q          in-process (default, VANER_QUEUE) or bullmq (REDIS_URL)
  --concurrency N    jobs processed at once (default VANER_WORKER_CONCURRENCY, 1)
  -h, --help         show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    store: { type: 'string' },
    queue: { type: 'string' },
    concurrency: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { config, logger } = loadCliConfig(env, {
    store: values.store,
    queue: values.queue,
    workerConcurrency: parseIntegerFlag('concurrency', values.concurrency, 1, 64),
  });
  const shutdown = waitForShutdownSignal((sig) => logger.warn('already shutting down', { signal: sig }));
  try {
    const app = await createApp(config, { logger });
    try {
      app.startWorker();
      logger.info('worker started', { labeler: app.labeler.kind, version: app.labeler.version, concurrency: config.workerConcurrency });
      // Started by `vaner serve` (cli/worker-process.ts): report readiness, and stop when the parent
      // goes away (the IPC channel closes), so a killed server leaves no orphan worker behind.
      let parentGone: Promise<string> | null = null;
      if (process.send && process.connected) {
        const ready: WorkerReadyMessage = { kind: 'ready', labeler: { kind: app.labeler.kind, version: app.labeler.version, schemes: app.labeler.schemes, defaultScheme: app.labeler.defaultScheme } };
        process.send(ready);
        // serve's /metrics asks for this worker's documents and labeler batches.
        process.on('message', (message: Partial<WorkerMetricsRequest> | null) => {
          if (message?.kind !== 'metrics' || typeof message.id !== 'number') return;
          const id = message.id;
          void Promise.all(WORKER_METRIC_NAMES.map((name) => app.metrics.registry.getSingleMetricAsString(name)))
            .then((texts) => {
              const reply: WorkerMetricsMessage = { kind: 'metrics', id, text: texts.join('\n') };
              if (process.connected) process.send?.(reply);
            })
            .catch((error: unknown) => logger.warn('could not read worker metrics', { error: String(error) }));
        });
        parentGone = new Promise((resolve) => process.once('disconnect', () => resolve('parent exited')));
      }
      const signal = await Promise.race([shutdown.signal, ...(parentGone ? [parentGone] : [])]);
      logger.info('shutting down', { signal });
      // The open channel would keep this process alive after it closed everything.
      if (process.connected) process.disconnect();
    } finally {
      await app.close();
    }
    return 0;
  } finally {
    shutdown.dispose();
  }
}

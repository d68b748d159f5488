/** `vaner worker`: an annotation worker without the API (for scaling workers separately). */
import { createApp } from '../../main.js';
import { parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { waitForShutdownSignal } from '../shutdown-signal.js';

export const HELP = `usage: vaner worker

Processes annotation jobs from the queue until SIGTERM/SIGINT, then stops taking jobs, lets the
running batch finish (or aborts it at the next batch boundary) and closes the labeler and the store.
Configured by the VANER_* environment (VANER_WORKER_CONCURRENCY, VANER_LABELER, ...).

options:
  -h, --help    show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { config, logger } = loadCliConfig(env);
  const shutdown = waitForShutdownSignal((sig) => logger.warn('already shutting down', { signal: sig }));
  try {
    const app = await createApp(config, { logger });
    try {
      app.startWorker();
      logger.info('worker started', { labeler: app.labeler.kind, version: app.labeler.version, concurrency: config.workerConcurrency });
      const signal = await shutdown.signal;
      logger.info('shutting down', { signal });
    } finally {
      await app.close();
    }
    return 0;
  } finally {
    shutdown.dispose();
  }
}

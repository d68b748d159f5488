/** `vaner reannotate`: enqueues stored documents for annotation by the current model. */
import { VanerError } from '../../errors.js';
import { openStore, openQueue } from '../../main.js';
import { reannotate } from '../../app/reannotate.js';
import { parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';

export const HELP = `usage: vaner reannotate (--older-than-model VERSION | --all) [--external-id-prefix P]

Enqueues documents for the workers, in jobs of at most 1000 documents, and prints the job ids.
  --older-than-model VERSION  annotated documents whose model version is not VERSION (the version
                              the workers run now; see the health query's labeler.version)
  --all                       every stored document
A worker re-runs a document only when its labeler, model version or linker version differs from
the worker's own, and replaces its mentions atomically, so running this twice duplicates nothing.

options:
  --external-id-prefix P   only documents whose externalId starts with P
  -h, --help               show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    'older-than-model': { type: 'string' },
    all: { type: 'boolean' },
    'external-id-prefix': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if ((values['older-than-model'] === undefined) === !values.all) {
    throw new VanerError('BAD_USER_INPUT', 'give exactly one of --older-than-model VERSION or --all; see `vaner reannotate --help`');
  }
  const { config, logger } = loadCliConfig(env);
  const store = await openStore(config, logger);
  try {
    const queue = await openQueue(config, logger);
    try {
      const result = await reannotate(store, queue, {
        olderThanModel: values['older-than-model'] ?? null,
        all: values.all ?? false,
        externalIdPrefix: values['external-id-prefix'] ?? null,
      });
      process.stdout.write(`enqueued ${result.documentCount} documents in ${result.jobs.length} job(s)\n`);
      for (const job of result.jobs) process.stdout.write(`  ${job.id} (${job.documentIds.length} documents)\n`);
      return 0;
    } finally {
      await queue.close();
    }
  } finally {
    await store.close();
  }
}

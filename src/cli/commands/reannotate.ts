/** `vaner reannotate`: enqueues stored documents for annotation by the current model. */
import { VanerError } from '../../errors.js';
import { schemeFor } from '../../domain/index.js';
import { labelerSchemes, openStore, openQueue } from '../../main.js';
import { reannotate } from '../../app/reannotate.js';
import { parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';

export const HELP = `usage: vaner reannotate (--older-than-model VERSION | --all) [--scheme NAME] [--external-id-prefix P]

Enqueues documents for the workers, in jobs of at most 1000 documents, and prints the job ids.
  --older-than-model VERSION  annotated documents whose model version is not VERSION (the version
                              the workers run now; see the health query's labeler.version)
  --all                       every stored document
A worker re-runs a document only when its labeler, model version, linker version or scheme differs
from the worker's own, and replaces its mentions atomically, so running this twice duplicates nothing.

Each document is labelled again under the annotation scheme it was stored with (README "Schemes"),
so documents submitted under ncbi-disease keep NCBI-disease spans; documents stored without one get
the labeler's default. A stored scheme the labeler no longer offers (read from the bundle in
VANER_MODEL_DIR and VANER_LABELER, as a worker with this environment would run) becomes its default,
with one line saying how many documents. --scheme NAME labels every document under NAME instead
(with --all to relabel documents already annotated by the current model).

options:
  --scheme NAME            annotation scheme for every document (bc5cdr, ncbi-disease, bc2gm, jnlpba,
                           linnaeus, s800); an unknown one is an error naming the available ones
  --external-id-prefix P   only documents whose externalId starts with P
  -h, --help               show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    'older-than-model': { type: 'string' },
    all: { type: 'boolean' },
    'external-id-prefix': { type: 'string' },
    scheme: { type: 'string' },
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
  // Read before the store is opened: an unknown --scheme fails before anything is enqueued.
  const labeler = await labelerSchemes(config, config.labeler, logger);
  if (values.scheme !== undefined && labeler !== null) schemeFor(labeler, values.scheme);
  const store = await openStore(config, logger);
  try {
    const queue = await openQueue(config, logger);
    try {
      const result = await reannotate(store, queue, {
        olderThanModel: values['older-than-model'] ?? null,
        all: values.all ?? false,
        externalIdPrefix: values['external-id-prefix'] ?? null,
        scheme: values.scheme ?? null,
        labeler,
      });
      if (result.schemeFallbacks.size > 0 && labeler !== null) {
        const moved = [...result.schemeFallbacks.values()].reduce((a, b) => a + b, 0);
        const which = [...result.schemeFallbacks].map(([scheme, n]) => `${scheme} ${n}`).join(', ');
        const target = labeler.defaultScheme === null ? 'without a scheme (it has none)' : `under its default scheme ${labeler.defaultScheme}`;
        process.stderr.write(`note: ${moved} document(s) were stored under schemes the ${labeler.kind} labeler does not offer (${which}): enqueued ${target}\n`);
      }
      process.stdout.write(`enqueued ${result.documentCount} documents in ${result.jobs.length} job(s)\n`);
      for (const job of result.jobs) process.stdout.write(`  ${job.id} (${job.documentIds.length} documents${job.scheme === null ? '' : `, scheme ${job.scheme}`})\n`);
      return 0;
    } finally {
      await queue.close();
    }
  } finally {
    await store.close();
  }
}

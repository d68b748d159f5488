/** `vaner annotate`: labels and links a file and prints the result; nothing is stored. */
import path from 'node:path';
import { once } from 'node:events';
import { formatPubTatorDocument, readDocuments, resolveFormat, FORMAT_NAMES, createWarningTally, type GoldMention } from '../../formats/index.js';
import { VanerError } from '../../errors.js';
import { parseChoice, parseCommandArgs, parseIntegerFlag } from '../args.js';
import { LABELER_CHOICES, openAnnotationResources } from '../annotation-resources.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { labelRecords } from '../label-records.js';
import { waitForShutdownSignal } from '../shutdown-signal.js';

const OUTPUTS = ['pubtator', 'json'] as const;

export const HELP = `usage: vaner annotate <file> [--format pubtator|json] [--labeler auto|model|dictionary|union]

Labels and links the documents of <file> (PubTator, plain text or a directory of .txt, JSONL, ...)
with the knowledge base in VANER_DATA_DIR (imported first if empty) and prints them. Nothing is stored.

options:
  --format F         output: pubtator (offsets into title + ' ' + abstract, MeSH ids bare,
                     unlinked -1) or json (one {externalId, text, mentions} object per line); default pubtator
  --input-format F   auto (default), ${FORMAT_NAMES.join(', ')}
  --labeler L        auto (model bundle if present, else dictionary), model, dictionary, union
                     (default VANER_LABELER)
  --batch-size N     documents per labeler call (default VANER_NER_BATCH_SIZE)
  -h, --help         show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      format: { type: 'string' },
      'input-format': { type: 'string' },
      labeler: { type: 'string' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new VanerError('BAD_USER_INPUT', `annotate takes exactly one file, got ${positionals.length}; see \`vaner annotate --help\``);
  const file = positionals[0] as string;
  const output = parseChoice('format', values.format, OUTPUTS) ?? 'pubtator';
  const inputFormat = parseChoice('input-format', values['input-format'], ['auto', ...FORMAT_NAMES] as const) ?? 'auto';
  const labelerChoice = parseChoice('labeler', values.labeler, LABELER_CHOICES);
  const { config, logger } = loadCliConfig(env, { nerBatchSize: parseIntegerFlag('batch-size', values['batch-size'], 1, 1024) });

  // Resolve (and so check) the input before opening the store: a typo must not cost a KB import.
  const input = path.resolve(file);
  const resolvedFormat = await resolveFormat(input, inputFormat);
  const abort = new AbortController();
  const shutdown = waitForShutdownSignal();
  void shutdown.signal.then(() => abort.abort());
  const resources = await openAnnotationResources(config, labelerChoice ?? config.labeler, logger);
  const tally = createWarningTally();
  try {
    const linker = await resources.linker();
    const records = readDocuments(input, { format: resolvedFormat, onWarning: tally.add });
    for await (const { record, spans } of labelRecords(records, resources.labeler, { batchSize: config.nerBatchSize, signal: abort.signal })) {
      const links = await linker.link(record.text, spans);
      let text: string;
      if (output === 'json') {
        const mentions = spans.map((span, i) => {
          const link = links[i];
          return { start: span.start, end: span.end, text: span.text, type: span.type, entityId: link?.entityId ?? null, confidence: span.confidence, linkMethod: link?.method ?? null };
        });
        text = `${JSON.stringify({ externalId: record.externalId, text: record.text, mentions })}\n`;
      } else {
        const mentions: GoldMention[] = spans.map((span, i) => {
          const link = links[i];
          const ids = link?.entityId ? [link.entityId, ...(link.additionalEntityIds ?? [])] : [];
          return { start: span.start, end: span.end, text: span.text, type: span.type, ids };
        });
        text = formatPubTatorDocument({ externalId: record.externalId, title: record.title, text: record.text, mentions });
      }
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
    }
    for (const line of tally.lines()) process.stderr.write(`warning: ${line}\n`);
    return 0;
  } finally {
    shutdown.dispose();
    await resources.close();
  }
}

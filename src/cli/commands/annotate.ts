/** `vaner annotate`: labels and links a file and prints the result; nothing is stored. */
import { once } from 'node:events';
import { formatPubTatorDocument, planInputs, readPlanned, FORMAT_NAMES, createWarningTally, type DocumentRecord, type GoldMention } from '../../formats/index.js';
import type { LinkResult } from '../../kb/linker-types.js';
import { schemeFor, type Span } from '../../domain/index.js';
import { VanerError } from '../../errors.js';
import { parseChoice, parseCommandArgs, parseIntegerFlag } from '../args.js';
import { LABELER_CHOICES, openAnnotationResources } from '../annotation-resources.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { checkDocuments, displayPath, noDocumentError } from '../document-checks.js';
import { openCliInputs, type CliInput } from '../input-files.js';
import { labelRecords } from '../label-records.js';
import { waitForShutdownSignal } from '../shutdown-signal.js';

const OUTPUTS = ['pubtator', 'json'] as const;

export const HELP = `usage: vaner annotate <file|dir|-> [--format pubtator|json] [--input-format F] [--labeler auto|model|dictionary|union] [--scheme NAME]

Labels and links the documents of <file> (PubTator, BioC, BRAT, JSONL, CoNLL or plain text; gzip
looked through; - or /dev/stdin for standard input; a directory's files each in their own format)
with the knowledge base in VANER_DATA_DIR (imported first if empty) and prints them. Nothing is stored.

A document longer than VANER_MAX_DOCUMENT_CHARS, or without a visible character, is reported as
error [DOCUMENT_TOO_LARGE] / [EMPTY_TEXT] on stderr and skipped; so is, for --format pubtator, one
whose externalId PubTator cannot hold (none, or with "|", a tab or a line break: BAD_USER_INPUT).
The others are still printed and the exit status is 1. An input without any document is an error (exit status 2) and loads nothing.

options:
  --format F         output: pubtator (offsets into title + ' ' + abstract, MeSH ids bare,
                     unlinked -1) or json (one {externalId, text, mentions} object per line); default pubtator
  --input-format F   auto (default: per file, by extension and content), ${FORMAT_NAMES.join(', ')}
  --labeler L        auto (model bundle if present, else dictionary), model, dictionary, union
                     (default VANER_LABELER)
  --scheme NAME      annotation scheme of the model (bc5cdr, ncbi-disease, bc2gm, jnlpba, linnaeus,
                     s800; README "Schemes"); default VANER_SCHEME, else the bundle's default
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
      scheme: { type: 'string' },
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
  const output = parseChoice('format', values.format, OUTPUTS) ?? 'pubtator';
  const inputFormat = parseChoice('input-format', values['input-format'], ['auto', ...FORMAT_NAMES] as const) ?? 'auto';
  const labelerChoice = parseChoice('labeler', values.labeler, LABELER_CHOICES);
  const { config, logger } = loadCliConfig(env, { nerBatchSize: parseIntegerFlag('batch-size', values['batch-size'], 1, 1024) });

  const abort = new AbortController();
  const shutdown = waitForShutdownSignal();
  void shutdown.signal.then(() => abort.abort());
  const opened = await openCliInputs(positionals);
  try {
    const [input] = opened.inputs as [CliInput];
    const tally = createWarningTally();
    // Plan and read the input before opening the store: a typo, an empty file or an oversized
    // document must not cost a knowledge-base load.
    const plan = await planInputs(input.path, inputFormat, { onWarning: tally.add });
    const checked = checkDocuments(readPlanned(plan, { onWarning: tally.add, ...(input.spooled ? { label: input.label } : {}) }), config.maxDocumentChars);
    const first = await checked.documents.next();
    if (first.done) {
      for (const line of tally.lines()) process.stderr.write(`warning: ${line}\n`);
      if (checked.rejected() > 0) return 1;
      throw noDocumentError(input.label, plan);
    }
    let unwritable = 0;
    const resources = await openAnnotationResources(config, labelerChoice ?? config.labeler, logger);
    try {
      // Checked before anything is printed: an unknown scheme names the available ones.
      const scheme = schemeFor(resources.labeler, values.scheme);
      const linker = await resources.linker();
      const labelled = labelRecords(prepend(first.value, checked.documents), resources.labeler, {
        batchSize: config.nerBatchSize,
        signal: abort.signal,
        ...(scheme === null ? {} : { scheme }),
      });
      for await (const { record, spans } of labelled) {
        const links = await linker.link(record.text, spans);
        let text: string;
        try {
          text = formatOutput(output, record, spans, links, scheme);
        } catch (error) {
          // An id PubTator cannot hold (none, or with "|", a tab, a line break) is this document's problem:
          // reported and skipped like an oversized one, not the end of the run.
          if (!(error instanceof VanerError) || error.details?.externalId === undefined) throw error;
          unwritable += 1;
          process.stderr.write(`error [${error.code}]: ${displayPath(record.file)}:${record.line}: ${error.message}; skipped (--format json writes it)\n`);
          continue;
        }
        if (!process.stdout.write(text)) await once(process.stdout, 'drain');
      }
    } finally {
      await resources.close();
    }
    for (const line of tally.lines()) process.stderr.write(`warning: ${line}\n`);
    return checked.rejected() + unwritable > 0 ? 1 : 0;
  } finally {
    shutdown.dispose();
    await opened.dispose();
  }
}

function formatOutput(output: (typeof OUTPUTS)[number], record: DocumentRecord, spans: readonly Span[], links: readonly LinkResult[], scheme: string | null): string {
  if (output === 'json') {
    const mentions = spans.map((span, i) => {
      const link = links[i];
      return { start: span.start, end: span.end, text: span.text, type: span.type, entityId: link?.entityId ?? null, confidence: span.confidence, linkMethod: link?.method ?? null, scheme };
    });
    return `${JSON.stringify({ externalId: record.externalId, text: record.text, mentions })}\n`;
  }
  const mentions: GoldMention[] = spans.map((span, i) => {
    const link = links[i];
    const ids = link?.entityId ? [link.entityId, ...(link.additionalEntityIds ?? [])] : [];
    return { start: span.start, end: span.end, text: span.text, type: span.type, ids };
  });
  return formatPubTatorDocument({ externalId: record.externalId, title: record.title, text: record.text, mentions });
}

async function* prepend<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield first;
  yield* rest;
}

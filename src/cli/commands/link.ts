/** `vaner link`: links the mentions of a PubTator file with the entity linker and prints them. */
import path from 'node:path';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { VanerError } from '../../errors.js';
import { formatPubTatorDocument } from '../../formats/pubtator.js';
import { readDocuments } from '../../formats/read-documents.js';
import type { GoldMention } from '../../formats/types.js';
import { createWarningTally } from '../../formats/warning-tally.js';
import { createEntityLinker, readAnnotationCounts, readAnnotationNameCounts, readKnowledgeBaseNames } from '../../kb/index.js';
import type { Linker } from '../../kb/linker-types.js';
import { buildLinker, databasePath, ensureKnowledgeBase } from '../../main.js';
import type { Span } from '../../domain/index.js';
import { openEmbeddedStore } from '../../store/index.js';
import type { Store } from '../../store/port.js';
import { parseChoice, parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import { noDocumentError } from '../document-checks.js';
import { openCliInputs, type CliInput, type CliInputs } from '../input-files.js';
import type { Env } from '../dispatch.js';

export const HELP = `usage: vaner link <file|-> [--format pubtator] [--kb DIR]

Reads a PubTator file with mentions, ignores any ids it has, links every mention with the entity
linker and prints the same documents and mentions with the linker's ids: MeSH ids bare (as PubTator
writes them), -1 for unlinked mentions, composite mentions' ids joined with |.

options:
  --format F   output format: pubtator (the only one so far)
  --kb DIR     link with the vocabulary files in DIR instead of the store in VANER_DATA_DIR
  -h, --help   show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string' }, kb: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new VanerError('BAD_USER_INPUT', `link takes exactly one file, got ${positionals.length}; see \`vaner link --help\``);
  parseChoice('format', values.format, ['pubtator'] as const);

  let store: Store | null = null;
  let linker: Linker;
  if (values.kb !== undefined) {
    const kbDir = path.resolve(values.kb);
    const [annotationCounts, annotationNameCounts] = await Promise.all([readAnnotationCounts(kbDir), readAnnotationNameCounts(kbDir)]);
    linker = await createEntityLinker({ names: readKnowledgeBaseNames(kbDir), annotationCounts, annotationNameCounts });
  } else {
    const { config, logger } = loadCliConfig(env);
    mkdirSync(config.dataDir, { recursive: true });
    store = await openEmbeddedStore({ path: databasePath(config), logger });
    try {
      await ensureKnowledgeBase(store, config, logger);
      linker = await buildLinker(store, config, logger);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  const tally = createWarningTally();
  let opened: CliInputs | null = null;
  try {
    opened = await openCliInputs(positionals);
    const [input] = opened.inputs as [CliInput];
    let documents = 0;
    for await (const record of readDocuments(input.path, { format: 'pubtator', onWarning: tally.add, ...(input.spooled ? { label: input.label } : {}) })) {
      documents += 1;
      const gold = record.mentions ?? [];
      const spans: Span[] = gold.map((m) => ({ start: m.start, end: m.end, type: m.type, text: m.text, confidence: null }));
      const links = await linker.link(record.text, spans);
      const mentions: GoldMention[] = gold.map((m, i) => {
        const link = links[i]!;
        const ids = link.entityId === null ? [] : [link.entityId, ...(link.additionalEntityIds ?? [])];
        // The input's id column is dropped on purpose: the writer must print the linker's ids.
        return { start: m.start, end: m.end, text: m.text, type: m.type, ids, ...(m.corpusType ? { corpusType: m.corpusType } : {}) };
      });
      const text = formatPubTatorDocument({ externalId: record.externalId, title: record.title, text: record.text, mentions, ...(record.relations ? { relations: record.relations } : {}) });
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
    }
    for (const line of tally.lines()) process.stderr.write(`warning: ${line}\n`);
    if (documents === 0) throw noDocumentError(input.label, [{ path: input.path, format: 'pubtator' }]);
    return 0;
  } finally {
    await opened?.dispose();
    await store?.close();
  }
}

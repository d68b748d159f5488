/**
 * `vaner kb import`: imports (or refreshes) the shipped vocabularies, or with `--vocabulary FILE
 * --source NAME` a user's vocabulary, into the configured store.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { VanerError } from '../../errors.js';
import { isEntityType } from '../../domain/index.js';
import { importBundledVocabularies, importKnowledgeBase } from '../../kb/index.js';
import { importVocabularyFile } from '../../kb/import-vocabulary.js';
import { VOCABULARY_FORMATS } from '../../kb/vocabulary/vocabulary-types.js';
import { openStore } from '../../main.js';
import { parseChoice, parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';

export const HELP = `usage: vaner kb import [--kb-dir DIR]
       vaner kb import --vocabulary FILE --source NAME [--format tsv|obo|mesh-xml] [--type TYPE]

Without --vocabulary: imports the shipped vocabularies (CTD MEDIC diseases, MeSH chemicals, MeSH
history, corpus names) into the store (VANER_STORE, VANER_DATA_DIR), and the bundled gene and
species vocabularies (sources ncbi-gene-train, ncbi-taxonomy-s800-train, mesh-organisms) when the
store has not got them. Repeating it is safe: unchanged records are left alone and curator edits are kept.

With --vocabulary: imports your own vocabulary under the source NAME (list, disable or remove it
with \`vaner kb sources\`). Formats (gzip by a .gz suffix):
  tsv       header line id<TAB>type<TAB>name<TAB>synonyms<TAB>parents; synonyms and parents
            separated by '|'; type one of CHEMICAL, DISEASE, GENE, SPECIES, ...
  obo       OBO 1.2 (Disease Ontology, ChEBI, ...): id, name, EXACT/RELATED synonyms, is_a,
            alt_id; obsolete terms skipped; the type comes from the prefix (DOID, CHEBI, ...) or --type
  mesh-xml  MeSH descriptor (desc20XX.xml) or supplementary (supp20XX.xml) XML
Ids keep their own prefix. Every line is checked first: a file with a bad line is reported with
line numbers and nothing of it is imported. Repeating the import changes nothing. The running API's
linker and dictionary pick the new names up without a restart.

options:
  --kb-dir DIR       folder with the shipped vocabulary files (default VANER_KB_DIR, data/kb)
  --vocabulary FILE  a vocabulary file of your own
  --source NAME      its source name (lower-case letters, digits, '.', '_', '-')
  --format F         tsv, obo or mesh-xml (default: from the file name; .obo, .xml, else tsv)
  --type TYPE        entity type of every term of an OBO or MeSH XML file
  -h, --help         show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    'kb-dir': { type: 'string' },
    vocabulary: { type: 'string' },
    source: { type: 'string' },
    format: { type: 'string' },
    type: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const kbDir = values['kb-dir'] === undefined ? undefined : path.resolve(values['kb-dir']);
  if (values.vocabulary === undefined && (values.source !== undefined || values.format !== undefined || values.type !== undefined)) {
    throw new VanerError('BAD_USER_INPUT', '--source, --format and --type go with --vocabulary FILE', { details: { flag: 'vocabulary' } });
  }
  if (values.vocabulary !== undefined && values.source === undefined) {
    throw new VanerError('BAD_USER_INPUT', '--vocabulary needs --source NAME (the name the vocabulary is listed, disabled and removed by)', { details: { flag: 'source' } });
  }
  const format = parseChoice('format', values.format, VOCABULARY_FORMATS);
  const typeName = values.type?.toUpperCase();
  if (typeName !== undefined && !isEntityType(typeName)) throw new VanerError('BAD_USER_INPUT', `--type ${values.type} is not an entity type`, { details: { flag: 'type' } });
  const { config, logger } = loadCliConfig(env, { kbDir });
  // The store does not create its folder; serve gets it from createApp, these commands make it here.
  if (config.store === 'embedded') mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore(config, logger);
  try {
    if (values.vocabulary !== undefined) {
      const result = await importVocabularyFile(store, {
        file: path.resolve(values.vocabulary),
        source: values.source!,
        logger,
        ...(format !== undefined ? { format } : {}),
        ...(typeName !== undefined ? { type: typeName } : {}),
      });
      const s = result.summary;
      const skipped = Object.entries(result.skipped).map(([why, n]) => `${n} ${why}`).join(', ');
      process.stdout.write(
        [
          `imported vocabulary ${values.vocabulary} (${result.format}) as source '${result.source}' in ${result.seconds.toFixed(1)} s`,
          `  terms read: ${result.terms}${skipped === '' ? '' : ` (skipped: ${skipped})`}`,
          `  entities inserted ${s.entitiesInserted}, updated ${s.entitiesUpdated}; names inserted ${s.namesInserted}; aliases inserted ${s.aliasesInserted}; curated kept ${s.curatedKept}`,
          '',
        ].join('\n'),
      );
      return 0;
    }
    const result = await importKnowledgeBase(store, { kbDir: config.kbDir, logger });
    const bundled = await importBundledVocabularies(store, config.kbDir, logger);
    const { summary } = result;
    const perType = Object.entries(result.entities).map(([type, n]) => `${type.toLowerCase()} ${n}`).join(', ');
    process.stdout.write(
      [
        `imported knowledge base from ${config.kbDir} in ${result.seconds.toFixed(1)} s`,
        `  entities offered: ${perType || 'none'}`,
        `  names offered:    ${result.names}`,
        `  MeSH history:     ${result.aliases} old ids resolve to their current descriptor`,
        `  entities inserted ${summary.entitiesInserted}, updated ${summary.entitiesUpdated}; names inserted ${summary.namesInserted}; curated kept ${summary.curatedKept}`,
        ...bundled.map((b) => `  vocabulary ${b.source}: ${b.terms} terms, ${b.summary.entitiesInserted} entities and ${b.summary.namesInserted} names inserted`),
        `  entities in store: ${await store.countEntities()}`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await store.close();
  }
}

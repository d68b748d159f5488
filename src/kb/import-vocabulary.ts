/**
 * Imports a user's vocabulary file (TSV, OBO 1.2, MeSH XML) into the knowledge base under a source
 * name of the user's choice: the whole file is read and checked first (src/kb/vocabulary), then
 * written in one store transaction, so a file with a bad line, or one the store refuses, leaves
 * nothing behind. Repeating an import changes nothing.
 */
import { basename } from 'node:path';
import { VanerError, isVanerError } from '../errors.js';
import { isSourceName, type EntityAlias, type EntityRecord, type EntityType, type VocabularyImportSummary } from '../domain/index.js';
import { silentLogger, type Logger } from '../log.js';
import type { KnowledgeBaseStore } from '../store/ports/index.js';
import { CTD_CHEMICAL_NAMES_SOURCE } from './import/ctd-chemical-names.js';
import { MESH_2024_DISEASES_SOURCE } from './import/mesh-descriptors.js';
import { readVocabulary } from './vocabulary/read-vocabulary.js';
import type { VocabularyFormat } from './vocabulary/vocabulary-types.js';

/** Source names the platform itself writes: a user's vocabulary cannot take them. */
export const RESERVED_SOURCES: readonly string[] = [
  'ctd-medic', 'mesh-2024', MESH_2024_DISEASES_SOURCE, 'mesh-supplementary', 'corpus-annotation', 'curator', 'mesh-history', CTD_CHEMICAL_NAMES_SOURCE,
];

export interface ImportVocabularyOptions {
  readonly file: string;
  /** Every entity and name of the file is recorded under this source (lower-case letters, digits, `.`, `_`, `-`). */
  readonly source: string;
  /** @defaultValue from the file name (see vocabularyFormatOf) */
  readonly format?: VocabularyFormat;
  /** Entity type of every term of an OBO or MeSH XML file. @defaultValue from the id prefix / tree numbers */
  readonly type?: EntityType;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
}

export interface ImportVocabularyResult {
  readonly source: string;
  readonly format: VocabularyFormat;
  /** Terms read from the file (after skipping obsolete or untyped ones). */
  readonly terms: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly summary: VocabularyImportSummary;
  readonly seconds: number;
}

export async function importVocabularyFile(store: Pick<KnowledgeBaseStore, 'importVocabulary'>, options: ImportVocabularyOptions): Promise<ImportVocabularyResult> {
  const logger = options.logger ?? silentLogger;
  if (!isSourceName(options.source)) {
    throw new VanerError('BAD_USER_INPUT', `source name ${JSON.stringify(options.source)} must be lower-case letters, digits, '.', '_' or '-' (at most 64)`, { details: { field: 'source' } });
  }
  if (RESERVED_SOURCES.includes(options.source)) {
    throw new VanerError('BAD_USER_INPUT', `source name '${options.source}' is reserved for the shipped knowledge base; choose another`, { details: { field: 'source' } });
  }
  const started = performance.now();
  const vocabulary = await readVocabulary(options.file, {
    ...(options.format !== undefined ? { format: options.format } : {}),
    ...(options.type !== undefined ? { type: options.type } : {}),
  });
  const records: EntityRecord[] = vocabulary.terms.map((t) => ({
    id: t.id,
    type: t.type,
    name: t.name,
    synonyms: t.synonyms,
    parentIds: t.parentIds,
    treeNumbers: t.treeNumbers,
    source: options.source,
  }));
  const aliases: EntityAlias[] = vocabulary.terms.flatMap((t) => (t.altIds ?? []).map((id) => ({ id, entityId: t.id, source: options.source, evidence: null })));
  let summary: VocabularyImportSummary;
  try {
    summary = await store.importVocabulary({ name: options.source, format: vocabulary.format, file: basename(options.file) }, records, aliases);
  } catch (error) {
    // Point a refused record back at its line in the user's file.
    const entityId = isVanerError(error) ? error.details?.entityId : undefined;
    const term = typeof entityId === 'string' ? vocabulary.terms.find((t) => t.id === entityId) : undefined;
    if (isVanerError(error) && term !== undefined) {
      throw new VanerError(error.code, `${basename(options.file)} line ${term.line}: ${error.message}`, { cause: error, details: { ...error.details, file: basename(options.file), line: term.line } });
    }
    throw error;
  }
  const seconds = (performance.now() - started) / 1000;
  logger.info('kb import: vocabulary done', { source: options.source, format: vocabulary.format, terms: records.length, skipped: vocabulary.skipped, ...summary, seconds });
  return { source: options.source, format: vocabulary.format, terms: records.length, skipped: vocabulary.skipped, summary, seconds };
}

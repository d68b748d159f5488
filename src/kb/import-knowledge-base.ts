import { VanerError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { EntityAlias, EntityType, EntityName, EntityRecord, ImportSummary } from '../domain/index.js';
import type { Store } from '../store/port.js';
import { readKnowledgeBase } from './knowledge-base-source.js';

export interface ImportKnowledgeBaseOptions {
  /** Folder holding the KB_FILES (the repository's data/kb). */
  readonly kbDir: string;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
  /** Records (or names) per store call. @defaultValue 2000 */
  readonly batchSize?: number;
}

export interface ImportKnowledgeBaseResult {
  /** Store outcomes summed over all batches (no inserts or updates on a repeated import). */
  readonly summary: ImportSummary;
  readonly seconds: number;
  /** Entities offered to the store, per type. */
  readonly entities: Partial<Record<EntityType, number>>;
  /** Names offered: preferred names, synonyms and corpus names. */
  readonly names: number;
  /** Alias ids offered (MeSH history: old supplementary id -> current descriptor). */
  readonly aliases: number;
}

function addSummary(a: ImportSummary, b: ImportSummary): ImportSummary {
  return {
    entitiesInserted: a.entitiesInserted + b.entitiesInserted,
    entitiesUpdated: a.entitiesUpdated + b.entitiesUpdated,
    namesInserted: a.namesInserted + b.namesInserted,
    curatedKept: a.curatedKept + b.curatedKept,
  };
}

/**
 * Imports the shipped vocabularies (see readKnowledgeBase for the order and the id rules) into
 * `store` in batches. Idempotent: the records are deterministic and the store reports no change
 * for an identical upsert; curator edits are preserved by the store.
 */
export async function importKnowledgeBase(store: Store, options: ImportKnowledgeBaseOptions): Promise<ImportKnowledgeBaseResult> {
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 2000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new VanerError('BAD_USER_INPUT', 'batchSize must be a positive integer', { details: { field: 'batchSize' } });
  }
  if (typeof options.kbDir !== 'string' || options.kbDir === '') {
    throw new VanerError('BAD_USER_INPUT', 'kbDir must name the knowledge-base folder', { details: { field: 'kbDir' } });
  }
  const started = performance.now();
  let summary: ImportSummary = { entitiesInserted: 0, entitiesUpdated: 0, namesInserted: 0, curatedKept: 0 };
  const entities: Partial<Record<EntityType, number>> = {};
  const bySource: Record<string, number> = {};
  const conflicts: string[] = [];
  let names = 0;
  const aliases: EntityAlias[] = [];

  let records: EntityRecord[] = [];
  let extraNames: EntityName[] = [];
  const flushRecords = async (): Promise<void> => {
    if (records.length === 0) return;
    summary = addSummary(summary, await store.upsertEntities(records));
    records = [];
  };
  const flushNames = async (): Promise<void> => {
    if (extraNames.length === 0) return;
    const added = await store.addNames(extraNames);
    summary = addSummary(summary, { entitiesInserted: 0, entitiesUpdated: 0, namesInserted: added, curatedKept: 0 });
    extraNames = [];
  };

  for await (const item of readKnowledgeBase(options.kbDir)) {
    if (item.kind === 'conflict') {
      conflicts.push(`${item.record.id} (${item.record.source})`);
    } else if (item.kind === 'alias') {
      aliases.push(item.alias);
    } else if (item.kind === 'entity') {
      const { record } = item;
      entities[record.type] = (entities[record.type] ?? 0) + 1;
      bySource[record.source] = (bySource[record.source] ?? 0) + 1;
      names += 1 + record.synonyms.length;
      records.push(record);
      if (records.length >= batchSize) await flushRecords();
    } else {
      // Names come after every entity: the entities they attach to must exist first.
      await flushRecords();
      names += 1;
      extraNames.push(item.name);
      if (extraNames.length >= batchSize) await flushNames();
    }
  }
  await flushRecords();
  await flushNames();
  const aliasesInserted = aliases.length === 0 ? 0 : await store.addAliases(aliases);

  const seconds = (performance.now() - started) / 1000;
  if (conflicts.length > 0) {
    logger.warn('kb import: ids offered by more than one vocabulary; the first kept them', {
      count: conflicts.length,
      examples: conflicts.slice(0, 10),
    });
  }
  logger.info('kb import: done', { ...summary, entities, bySource, names, aliases: aliases.length, aliasesInserted, seconds });
  return { summary, seconds, entities, names, aliases: aliases.length };
}

/**
 * The Neo4j adapter's knowledge-base port (KnowledgeBaseStore): entities, their names, and the
 * revision counter linkers cache on. Imports write idempotent UNWIND … MERGE batches in managed
 * transactions, so a retried chunk changes nothing twice.
 */
import neo4j, { type ManagedTransaction } from 'neo4j-driver';
import { VanerError } from '../../errors.js';
import type { Entity, EntityName, EntityType, ImportSummary, KnowledgeBaseSource, VocabularyImportSummary } from '../../domain/index.js';
import { checkName, checkNonEmpty, checkRecord, checkSourceName, checkTypes } from '../input-checks.js';
import { nameKey } from '../name-key.js';
import { checkPageArgs } from '../page-args.js';
import type { KnowledgeBaseStore } from '../ports/knowledge-base.js';
import { checkIdList, int, num, resolveIds, single, storeError, str, type Unit } from './neo4j-session.js';
import * as Q from './statements.js';

/** Records per write transaction during imports. */
const IMPORT_CHUNK = 2000;

/** Name rows for MERGE_NAMES, de-duplicated per (entity, name), with sequence numbers from `base`. */
export const nameRows = (names: readonly { entityId: string; name: string; origin: string; source: string }[]) => {
  const seen = new Set<string>();
  const rows: { key: string; entityId: string; name: string; norm: string; origin: string; source: string; seq: number }[] = [];
  for (const n of names) {
    if (n.name.trim() === '') continue;
    const key = `${n.entityId}\u0000${n.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ key, entityId: n.entityId, name: n.name, norm: nameKey(n.name), origin: n.origin, source: n.source, seq: rows.length });
  }
  return rows;
};

export const mergeNames = async (tx: ManagedTransaction, rows: ReturnType<typeof nameRows>): Promise<{ namesInserted: number; curatedKept: number }> => {
  if (rows.length === 0) return { namesInserted: 0, curatedKept: 0 };
  const base = num(single(await tx.run(Q.ALLOCATE_NAME_SEQ, { count: int(rows.length) }), 'base'))!;
  const result = await tx.run(Q.MERGE_NAMES, { rows: rows.map((r) => ({ ...r, seq: int(base + r.seq) })) });
  return { namesInserted: num(single(result, 'namesInserted')) ?? 0, curatedKept: num(single(result, 'curatedKept')) ?? 0 };
};

/** Names of the disabled sources (a handful at most): a parameter of every read that hides them. */
const disabledSources = async (tx: ManagedTransaction): Promise<string[]> => single<string[]>(await tx.run(Q.DISABLED_SOURCES), 'names');

export const loadEntities = async (tx: ManagedTransaction, ids: readonly string[]): Promise<(Entity | null)[]> => {
  const targets = await resolveIds(tx, ids);
  const targetIds = [...new Set([...targets.values()].filter((t): t is string => t !== null))];
  const loaded = new Map<string, Entity>();
  if (targetIds.length > 0) {
    for (const r of (await tx.run(Q.LOAD_ENTITIES, { ids: targetIds, disabled: await disabledSources(tx) })).records) {
      const name = r.get('name') as string;
      const aliases = r.get('aliases') as string[];
      loaded.set(r.get('id') as string, {
        id: r.get('id') as string,
        type: r.get('type') as EntityType,
        name,
        synonyms: [...new Set(r.get('names') as string[])].filter((n) => n !== name),
        parentIds: (r.get('parentIds') as string[] | null) ?? [],
        treeNumbers: (r.get('treeNumbers') as string[] | null) ?? [],
        source: r.get('source') as string,
        mergedInto: null,
        ...(aliases.length > 0 ? { aliases } : {}),
        ...(r.get('retired') === true ? { retired: true } : {}),
      });
    }
  }
  return ids.map((id) => {
    const target = targets.get(id);
    return target === undefined || target === null ? null : (loaded.get(target) ?? null);
  });
};


export function createNeo4jKnowledgeBase(unit: Unit): KnowledgeBaseStore {
  const bumpRevision = (tx: ManagedTransaction) => tx.run(Q.BUMP_REVISION);
  const readSources = async (tx: ManagedTransaction): Promise<KnowledgeBaseSource[]> => {
    const byName = new Map<string, { name: string; format: string | null; file: string | null; importedAt: string | null; enabled: boolean; entities: number; names: number; aliases: number }>();
    const row = (name: string) => {
      let r = byName.get(name);
      if (r === undefined) byName.set(name, (r = { name, format: null, file: null, importedAt: null, enabled: true, entities: 0, names: 0, aliases: 0 }));
      return r;
    };
    for (const r of (await tx.run(Q.SOURCE_ROWS)).records) {
      Object.assign(row(r.get('name') as string), { format: str(r.get('format')), file: str(r.get('file')), importedAt: str(r.get('importedAt')), enabled: r.get('enabled') !== false });
    }
    for (const [statement, field] of [[Q.SOURCE_ENTITY_COUNTS, 'entities'], [Q.SOURCE_NAME_COUNTS, 'names'], [Q.SOURCE_ALIAS_COUNTS, 'aliases']] as const) {
      for (const r of (await tx.run(statement)).records) row(r.get('name') as string)[field] = num(r.get('n')) ?? 0;
    }
    return [...byName.values()].filter((r) => r.name !== '').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };
  const findSource = async (tx: ManagedTransaction, name: string): Promise<KnowledgeBaseSource> => {
    const found = (await readSources(tx)).find((s) => s.name === name);
    if (found === undefined) throw new VanerError('NOT_FOUND', `knowledge-base source '${name}' not found`, { details: { field: 'source' } });
    return found;
  };

  return {
    async upsertEntities(records) {
      records.forEach(checkRecord);
      const total = { entitiesInserted: 0, entitiesUpdated: 0, namesInserted: 0, curatedKept: 0 };
      for (let i = 0; i < records.length; i += IMPORT_CHUNK) {
        const chunk = records.slice(i, i + IMPORT_CHUNK);
        const summary = await unit.write(async (tx): Promise<ImportSummary> => {
          const now = new Date().toISOString();
          const rows = chunk.map((r) => ({ id: r.id, type: r.type, name: r.name, source: r.source, parentIds: [...r.parentIds], treeNumbers: [...r.treeNumbers] }));
          const e = (await tx.run(Q.UPSERT_ENTITIES, { rows, now })).records[0]!;
          const names = await mergeNames(tx, nameRows(chunk.flatMap((r) => [r.name, ...r.synonyms].map((name) => ({ entityId: r.id, name, origin: 'vocabulary', source: r.source })))));
          const s: ImportSummary = {
            entitiesInserted: num(e.get('entitiesInserted')) ?? 0,
            entitiesUpdated: num(e.get('entitiesUpdated')) ?? 0,
            namesInserted: names.namesInserted,
            curatedKept: (num(e.get('curatedKept')) ?? 0) + names.curatedKept,
          };
          if (s.entitiesInserted + s.entitiesUpdated + s.namesInserted > 0) await bumpRevision(tx);
          return s;
        });
        total.entitiesInserted += summary.entitiesInserted;
        total.entitiesUpdated += summary.entitiesUpdated;
        total.namesInserted += summary.namesInserted;
        total.curatedKept += summary.curatedKept;
      }
      // CHILD_OF edges after every chunk is in, so parents imported later in this call are linked too.
      for (let i = 0; i < records.length; i += IMPORT_CHUNK) {
        const ids = records.slice(i, i + IMPORT_CHUNK).map((r) => r.id);
        await unit.write((tx) => tx.run(Q.LINK_PARENTS, { ids }));
      }
      return total;
    },

    async addNames(names: readonly EntityName[]) {
      names.forEach(checkName);
      if (names.length === 0) return 0;
      return unit.write(async (tx) => {
        const missing = single<string[]>(await tx.run(Q.MISSING_ENTITIES, { ids: [...new Set(names.map((n) => n.entityId))] }), 'missing');
        if (missing.length > 0) {
          throw new VanerError('NOT_FOUND', `addNames: ${missing.length} unknown entity id(s)`, { details: { entityIds: missing.slice(0, 20) } });
        }
        const sources = new Map((await loadEntities(tx, [...new Set(names.map((n) => n.entityId))])).filter((e): e is Entity => e !== null).map((e) => [e.id, e.source]));
        const { namesInserted } = await mergeNames(
          tx,
          nameRows(names.map((n) => ({ ...n, source: n.source ?? (n.origin === 'annotation' ? 'corpus-annotation' : n.origin === 'curator' ? 'curator' : sources.get(n.entityId) ?? n.origin) }))),
        );
        if (namesInserted > 0) await bumpRevision(tx);
        return namesInserted;
      });
    },

    async getEntities(ids) {
      checkIdList(ids, 'ids');
      if (ids.length === 0) return [];
      return unit.read((tx) => loadEntities(tx, ids));
    },

    async getChildEntities(entityId, opts) {
      const first = checkPageArgs({ first: opts.first });
      checkNonEmpty([['entityId', entityId]]);
      if (first === 0) return [];
      return unit.read(async (tx) => {
        const id = (await resolveIds(tx, [entityId])).get(entityId);
        if (id === null || id === undefined) return [];
        const ids = (await tx.run(Q.CHILD_ENTITIES, { id, first: int(first) })).records.map((r) => r.get('id') as string);
        return (await loadEntities(tx, ids)).filter((e): e is Entity => e !== null);
      });
    },

    async getEntityNames(entityId) {
      checkNonEmpty([['entityId', entityId]]);
      return unit.read(async (tx) => {
        const id = (await resolveIds(tx, [entityId])).get(entityId);
        if (id === null || id === undefined) return [];
        return (await tx.run(Q.ENTITY_NAMES, { id })).records.map((r) => ({
          entityId: r.get('entityId') as string,
          type: r.get('type') as EntityType,
          name: r.get('name') as string,
          origin: r.get('origin') as string,
        }));
      });
    },

    async searchEntities(query, opts) {
      const first = checkPageArgs({ first: opts.first });
      if (typeof query !== 'string') throw new VanerError('BAD_USER_INPUT', 'query must be a string', { details: { field: 'query' } });
      checkTypes(opts.type === undefined || opts.type === null ? [] : [opts.type]);
      const key = nameKey(query);
      if (key === '') throw new VanerError('BAD_USER_INPUT', 'search query must not be empty', { details: { field: 'query' } });
      if (first === 0) return [];
      return unit.read(async (tx) => {
        const ids = (await tx.run(Q.SEARCH_ENTITIES, { key, type: opts.type ?? null, first: int(first), disabled: await disabledSources(tx) })).records.map((r) => r.get('id') as string);
        return (await loadEntities(tx, ids)).filter((e): e is Entity => e !== null);
      });
    },

    iterateNames(types) {
      checkTypes(types);
      const typeList = types === undefined ? null : [...types];
      return {
        async *[Symbol.asyncIterator](): AsyncGenerator<EntityName> {
          unit.ensureOpen();
          // A streamed auto-commit read: records arrive in batches (the driver's fetch size) with
          // back-pressure, so millions of names never sit in memory at once.
          const session = unit.driver.session({ database: unit.database, defaultAccessMode: neo4j.session.READ });
          try {
            const disabled = single<string[]>(await session.run(Q.DISABLED_SOURCES), 'names');
            const result = session.run(Q.ITERATE_NAMES, { types: typeList, disabled });
            for await (const r of result) {
              const source = r.get('source') as string | null;
              yield { entityId: r.get('entityId') as string, type: r.get('type') as EntityType, name: r.get('name') as string, origin: r.get('origin') as string, ...(source ? { source } : {}) };
            }
          } catch (error) {
            throw storeError(error);
          } finally {
            await session.close();
          }
        },
      };
    },

    countEntities: () => unit.read(async (tx) => num(single(await tx.run(Q.COUNT_ENTITIES, { disabled: await disabledSources(tx) }), 'count')) ?? 0),
    kbRevision: () => unit.read(async (tx) => num(single(await tx.run(Q.READ_REVISION), 'revision')) ?? 0),

    async importVocabulary(source, records, aliases) {
      checkSourceName(source.name);
      records.forEach(checkRecord);
      // One transaction for the whole file: a failure anywhere leaves nothing of it behind.
      return unit.write(async (tx): Promise<VocabularyImportSummary> => {
        const now = new Date().toISOString();
        await tx.run(Q.UPSERT_KB_SOURCE, { name: source.name, format: source.format, file: source.file, now });
        const total = { entitiesInserted: 0, entitiesUpdated: 0, namesInserted: 0, curatedKept: 0, aliasesInserted: 0 };
        for (let i = 0; i < records.length; i += IMPORT_CHUNK) {
          const chunk = records.slice(i, i + IMPORT_CHUNK);
          const rows = chunk.map((r) => ({ id: r.id, type: r.type, name: r.name, parentIds: [...r.parentIds], treeNumbers: [...r.treeNumbers] }));
          const conflict = (await tx.run(Q.VOCABULARY_TYPE_CONFLICT, { rows })).records[0];
          if (conflict !== undefined) {
            throw new VanerError('CONFLICT', `${conflict.get('id')} is a ${conflict.get('type')} in the knowledge base (source ${conflict.get('source')}), the vocabulary says ${conflict.get('offered')}; nothing was imported`, {
              details: { field: 'type', entityId: conflict.get('id') as string },
            });
          }
          const e = (await tx.run(Q.IMPORT_VOCABULARY_ENTITIES, { rows, source: source.name, now })).records[0]!;
          const names = await mergeNames(tx, nameRows(chunk.flatMap((r) => [r.name, ...r.synonyms].map((name) => ({ entityId: r.id, name, origin: 'vocabulary', source: source.name })))));
          total.entitiesInserted += num(e.get('entitiesInserted')) ?? 0;
          total.entitiesUpdated += num(e.get('entitiesUpdated')) ?? 0;
          total.curatedKept += num(e.get('curatedKept')) ?? 0;
          total.namesInserted += names.namesInserted;
        }
        for (let i = 0; i < records.length; i += IMPORT_CHUNK) await tx.run(Q.LINK_PARENTS, { ids: records.slice(i, i + IMPORT_CHUNK).map((r) => r.id) });
        if (aliases.length > 0) total.aliasesInserted = num(single(await tx.run(Q.MERGE_ALIASES, { rows: aliases.map((a) => ({ ...a })) }), 'inserted')) ?? 0;
        await bumpRevision(tx);
        return total;
      });
    },

    async addAliases(aliases) {
      if (aliases.length === 0) return 0;
      return unit.write(async (tx) => {
        const inserted = num(single(await tx.run(Q.MERGE_ALIASES, { rows: aliases.map((a) => ({ ...a })) }), 'inserted')) ?? 0;
        if (inserted > 0) await bumpRevision(tx);
        return inserted;
      });
    },

    listSources: () => unit.read((tx) => readSources(tx)),

    async setSourceEnabled(name, enabled) {
      if (typeof enabled !== 'boolean') throw new VanerError('BAD_USER_INPUT', 'enabled must be a boolean', { details: { field: 'enabled' } });
      return unit.write(async (tx) => {
        await findSource(tx, name);
        await tx.run(Q.SET_SOURCE_ENABLED, { name, enabled });
        await bumpRevision(tx);
        return findSource(tx, name);
      });
    },

    async removeSource(name) {
      return unit.write(async (tx) => {
        await findSource(tx, name);
        if (name === 'curator') throw new VanerError('BAD_USER_INPUT', "the 'curator' source holds curators' edits; retire entities or remove synonyms one by one instead", { details: { field: 'source' } });
        const ids = single<string[]>(await tx.run(Q.SOURCE_ENTITY_IDS, { name }), 'ids');
        const namesRemoved = num(single(await tx.run(Q.DELETE_SOURCE_NAMES, { name, ids }), 'removed')) ?? 0;
        const aliasesRemoved = num(single(await tx.run(Q.DELETE_SOURCE_ALIASES, { name, ids }), 'removed')) ?? 0;
        await tx.run(Q.UNMERGE_FROM, { ids });
        const entitiesRemoved = num(single(await tx.run(Q.DELETE_SOURCE_ENTITIES, { name }), 'removed')) ?? 0;
        await tx.run(Q.DELETE_KB_SOURCE, { name });
        await bumpRevision(tx);
        return { entitiesRemoved, namesRemoved, aliasesRemoved };
      });
    },
  };
}

/**
 * The Neo4j adapter's knowledge-base port (KnowledgeBaseStore): entities, their names, and the
 * revision counter linkers cache on. Imports write idempotent UNWIND … MERGE batches in managed
 * transactions, so a retried chunk changes nothing twice.
 */
import neo4j, { type ManagedTransaction } from 'neo4j-driver';
import { VanerError } from '../../errors.js';
import type { Entity, EntityName, EntityType, ImportSummary } from '../../domain/index.js';
import { checkName, checkNonEmpty, checkRecord, checkTypes } from '../input-checks.js';
import { nameKey } from '../name-key.js';
import { checkPageArgs } from '../page-args.js';
import type { KnowledgeBaseStore } from '../ports/knowledge-base.js';
import { checkIdList, int, num, resolveIds, single, storeError, type Unit } from './neo4j-session.js';
import * as Q from './statements.js';

/** Records per write transaction during imports. */
const IMPORT_CHUNK = 2000;

/** Name rows for MERGE_NAMES, de-duplicated per (entity, name), with sequence numbers from `base`. */
export const nameRows = (names: readonly { entityId: string; name: string; origin: string }[]) => {
  const seen = new Set<string>();
  const rows: { key: string; entityId: string; name: string; norm: string; origin: string; seq: number }[] = [];
  for (const n of names) {
    if (n.name.trim() === '') continue;
    const key = `${n.entityId}\u0000${n.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ key, entityId: n.entityId, name: n.name, norm: nameKey(n.name), origin: n.origin, seq: rows.length });
  }
  return rows;
};

export const mergeNames = async (tx: ManagedTransaction, rows: ReturnType<typeof nameRows>): Promise<{ namesInserted: number; curatedKept: number }> => {
  if (rows.length === 0) return { namesInserted: 0, curatedKept: 0 };
  const base = num(single(await tx.run(Q.ALLOCATE_NAME_SEQ, { count: int(rows.length) }), 'base'))!;
  const result = await tx.run(Q.MERGE_NAMES, { rows: rows.map((r) => ({ ...r, seq: int(base + r.seq) })) });
  return { namesInserted: num(single(result, 'namesInserted')) ?? 0, curatedKept: num(single(result, 'curatedKept')) ?? 0 };
};

export const loadEntities = async (tx: ManagedTransaction, ids: readonly string[]): Promise<(Entity | null)[]> => {
  const targets = await resolveIds(tx, ids);
  const targetIds = [...new Set([...targets.values()].filter((t): t is string => t !== null))];
  const loaded = new Map<string, Entity>();
  if (targetIds.length > 0) {
    for (const r of (await tx.run(Q.LOAD_ENTITIES, { ids: targetIds })).records) {
      const name = r.get('name') as string;
      loaded.set(r.get('id') as string, {
        id: r.get('id') as string,
        type: r.get('type') as EntityType,
        name,
        synonyms: [...new Set(r.get('names') as string[])].filter((n) => n !== name),
        parentIds: (r.get('parentIds') as string[] | null) ?? [],
        treeNumbers: (r.get('treeNumbers') as string[] | null) ?? [],
        source: r.get('source') as string,
        mergedInto: null,
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
          const names = await mergeNames(tx, nameRows(chunk.flatMap((r) => [r.name, ...r.synonyms].map((name) => ({ entityId: r.id, name, origin: 'vocabulary' })))));
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
        const { namesInserted } = await mergeNames(tx, nameRows(names));
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
        const ids = (await tx.run(Q.SEARCH_ENTITIES, { key, type: opts.type ?? null, first: int(first) })).records.map((r) => r.get('id') as string);
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
            const result = session.run(Q.ITERATE_NAMES, { types: typeList });
            for await (const r of result) {
              yield { entityId: r.get('entityId') as string, type: r.get('type') as EntityType, name: r.get('name') as string, origin: r.get('origin') as string };
            }
          } catch (error) {
            throw storeError(error);
          } finally {
            await session.close();
          }
        },
      };
    },

    countEntities: () => unit.read(async (tx) => num(single(await tx.run(Q.COUNT_ENTITIES), 'count')) ?? 0),
    kbRevision: () => unit.read(async (tx) => num(single(await tx.run(Q.READ_REVISION), 'revision')) ?? 0),
  };
}

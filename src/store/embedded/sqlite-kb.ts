/**
 * The knowledge-base part of the embedded store: entities, their names, merge resolution, and the revision
 * counter linkers cache on. Synchronous functions over one connection; the store wraps them in promises.
 */
import { VanerError } from '../../errors.js';
import type { EntityType, Entity, EntityName, EntityRecord, ImportSummary } from '../../domain/index.js';
import { checkName, checkRecord } from '../input-checks.js';
import { nameKey } from '../name-key.js';
import type { SqliteDatabase } from './sqlite-connection.js';

/** Records per write transaction: large enough to amortise commits, small enough not to starve other writers. */
const IMPORT_CHUNK = 5000;
/** Merge chains are flattened on write; this bound only guards against a corrupted file. */
const MAX_MERGE_HOPS = 32;

interface EntityRow {
  id: string;
  type: string;
  name: string;
  source: string;
  parents: string;
  tree_numbers: string;
  merged_into: string | null;
  curated: number;
}

export interface KbRepository {
  upsertEntities(records: readonly EntityRecord[]): ImportSummary;
  addNames(names: readonly EntityName[]): number;
  getEntities(ids: readonly string[]): (Entity | null)[];
  /** The final target of `id` after merges, or null when unknown. */
  resolveId(id: string): string | null;
  searchEntities(query: string, type: EntityType | null, first: number): Entity[];
  getChildEntities(entityId: string, first: number): Entity[];
  getEntityNames(entityId: string): EntityName[];
  countEntities(): number;
  kbRevision(): number;
}

export function createKbRepository(db: SqliteDatabase): KbRepository {
  const selectEntity = db.prepare<[string], EntityRow>('SELECT * FROM entities WHERE id = ?');
  const insertEntity = db.prepare(
    `INSERT INTO entities (id, type, name, source, parents, tree_numbers, updated_at)
     VALUES (@id, @type, @name, @source, @parents, @treeNumbers, @now)`,
  );
  const updateEntity = db.prepare(
    `UPDATE entities SET type = @type, name = @name, source = @source, parents = @parents, tree_numbers = @treeNumbers, updated_at = @now
     WHERE id = @id`,
  );
  const insertName = db.prepare(
    'INSERT OR IGNORE INTO entity_names (entity_id, name, norm, origin) VALUES (?, ?, ?, ?)',
  );
  const selectName = db.prepare<[string, string], { origin: string; removed: number }>(
    'SELECT origin, removed FROM entity_names WHERE entity_id = ? AND name = ?',
  );
  const maxNameId = db.prepare<[], { m: number }>('SELECT COALESCE(MAX(id), 0) AS m FROM entity_names');
  const indexNamesAfter = db.prepare('INSERT INTO entity_names_fts (rowid, norm) SELECT id, norm FROM entity_names WHERE id > ?');
  const bumpRevision = db.prepare("UPDATE kb_meta SET value = value + 1 WHERE key = 'revision'");
  const selectRevision = db.prepare<[], { value: number }>("SELECT value FROM kb_meta WHERE key = 'revision'");
  const selectEntitiesByIds = db.prepare<[string], EntityRow>('SELECT * FROM entities WHERE id IN (SELECT value FROM json_each(?))');
  // Names of each target and of every entity merged into it, the target's own first, in insertion order.
  const selectNamesOfTargets = db.prepare<{ ids: string }, { owner: string; name: string }>(
    `SELECT COALESCE(e.merged_into, e.id) AS owner, n.name AS name
       FROM entity_names n JOIN entities e ON e.id = n.entity_id
      WHERE n.removed = 0
        AND (e.id IN (SELECT value FROM json_each(@ids)) OR e.merged_into IN (SELECT value FROM json_each(@ids)))
      ORDER BY owner, e.merged_into IS NOT NULL, n.id`,
  );
  const selectNamesWithOrigin = db.prepare<{ id: string }, { entity_id: string; type: string; name: string; origin: string }>(
    `SELECT n.entity_id, e.type, n.name, n.origin
       FROM entity_names n JOIN entities e ON e.id = n.entity_id
      WHERE n.removed = 0 AND (e.id = @id OR e.merged_into = @id)
      ORDER BY e.merged_into IS NOT NULL, n.id`,
  );
  // instr() on the JSON text skips most rows cheaply; json_each then checks the exact id.
  const selectChildren = db.prepare<{ needle: string; id: string; first: number }, { id: string }>(
    `SELECT e.id FROM entities e
      WHERE e.merged_into IS NULL AND instr(e.parents, @needle) > 0
        AND EXISTS (SELECT 1 FROM json_each(e.parents) p WHERE p.value = @id)
      ORDER BY e.name, e.id LIMIT @first`,
  );
  const countActive = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM entities WHERE merged_into IS NULL');
  const searchStatement = (candidates: string) =>
    db.prepare<Record<string, unknown>, { id: string }>(
      `WITH hits AS (${candidates})
       SELECT COALESCE(e.merged_into, e.id) AS id,
              MIN(CASE WHEN h.norm = @key THEN 0 WHEN substr(h.norm, 1, length(@key)) = @key THEN 1 ELSE 2 END) AS tier,
              MIN(length(h.norm)) AS len
         FROM hits h JOIN entities e ON e.id = h.entity_id
         JOIN entities t ON t.id = COALESCE(e.merged_into, e.id)
        WHERE @type IS NULL OR t.type = @type
        GROUP BY 1
        ORDER BY tier, len, id
        LIMIT @first`,
    );
  // Ranking: exact name, then prefix, then substring; shorter names first; id breaks ties.
  const searchByTrigram = searchStatement(
    `SELECT n.entity_id, n.norm FROM entity_names_fts f JOIN entity_names n ON n.id = f.rowid
      WHERE entity_names_fts MATCH @phrase AND n.removed = 0`,
  );
  const searchByScan = searchStatement('SELECT n.entity_id, n.norm FROM entity_names n WHERE instr(n.norm, @key) > 0 AND n.removed = 0');

  const importChunk = db.transaction((records: readonly EntityRecord[]): ImportSummary => {
    const now = new Date().toISOString();
    let entitiesInserted = 0;
    let entitiesUpdated = 0;
    let namesInserted = 0;
    let curatedKept = 0;
    // Names inserted below get rowids above this (the transaction holds the write lock); indexed in one statement at the end.
    const lastNameId = maxNameId.get()!.m;
    for (const record of records) {
      const params = {
        id: record.id,
        type: record.type,
        name: record.name,
        source: record.source,
        parents: JSON.stringify(record.parentIds),
        treeNumbers: JSON.stringify(record.treeNumbers),
        now,
      };
      const existing = selectEntity.get(record.id);
      if (existing === undefined) {
        insertEntity.run(params);
        entitiesInserted++;
      } else if (existing.curated !== 0) {
        curatedKept++;
      } else if (
        existing.type !== params.type || existing.name !== params.name || existing.source !== params.source ||
        existing.parents !== params.parents || existing.tree_numbers !== params.treeNumbers
      ) {
        updateEntity.run(params);
        entitiesUpdated++;
      }
      // INSERT OR IGNORE keeps a name a curator added or removed (same entity_id + name) exactly as it is.
      for (const name of [record.name, ...record.synonyms]) {
        if (name.trim() === '') continue;
        if (insertName.run(record.id, name, nameKey(name), 'vocabulary').changes > 0) {
          namesInserted++;
        } else {
          const row = selectName.get(record.id, name);
          if (row !== undefined && (row.origin === 'curator' || row.removed !== 0)) curatedKept++;
        }
      }
    }
    if (namesInserted > 0) indexNamesAfter.run(lastNameId);
    if (entitiesInserted + entitiesUpdated + namesInserted > 0) bumpRevision.run();
    return { entitiesInserted, entitiesUpdated, namesInserted, curatedKept };
  });

  const loadRows = (ids: readonly string[]): Map<string, EntityRow> => {
    const map = new Map<string, EntityRow>();
    for (const row of selectEntitiesByIds.all(JSON.stringify(ids))) map.set(row.id, row);
    return map;
  };

  const readEntities = db.transaction((ids: readonly string[]): (Entity | null)[] => {
    const rows = loadRows(ids);
    // Follow merge chains hop by hop, loading each level of targets in one query.
    for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
      const missing = [...new Set([...rows.values()].map((r) => r.merged_into).filter((t): t is string => t !== null && !rows.has(t)))];
      if (missing.length === 0) break;
      for (const [id, row] of loadRows(missing)) rows.set(id, row);
    }
    const finalOf = (id: string): EntityRow | null => {
      let row = rows.get(id);
      for (let hop = 0; row !== undefined && row.merged_into !== null && hop < MAX_MERGE_HOPS; hop++) row = rows.get(row.merged_into);
      return row === undefined || row.merged_into !== null ? null : row;
    };
    const targets = ids.map(finalOf);
    const targetIds = [...new Set(targets.filter((r): r is EntityRow => r !== null).map((r) => r.id))];
    const names = new Map<string, string[]>();
    for (const { owner, name } of selectNamesOfTargets.all({ ids: JSON.stringify(targetIds) })) {
      const list = names.get(owner) ?? [];
      list.push(name);
      names.set(owner, list);
    }
    return targets.map((row) => {
      if (row === null) return null;
      const synonyms = [...new Set(names.get(row.id) ?? [])].filter((n) => n !== row.name);
      return {
        id: row.id,
        type: row.type as EntityType,
        name: row.name,
        synonyms,
        parentIds: JSON.parse(row.parents) as string[],
        treeNumbers: JSON.parse(row.tree_numbers) as string[],
        source: row.source,
        mergedInto: null,
      };
    });
  });

  const resolveId = (id: string): string | null => {
    let row = selectEntity.get(id);
    for (let hop = 0; row !== undefined && row.merged_into !== null && hop < MAX_MERGE_HOPS; hop++) row = selectEntity.get(row.merged_into);
    return row === undefined || row.merged_into !== null ? null : row.id;
  };

  const addNamesTx = db.transaction((names: readonly EntityName[]): number => {
    const unknown = [...new Set(names.map((n) => n.entityId))].filter((id) => selectEntity.get(id) === undefined);
    if (unknown.length > 0) {
      throw new VanerError('NOT_FOUND', `addNames: ${unknown.length} unknown entity id(s)`, { details: { entityIds: unknown.slice(0, 20) } });
    }
    let inserted = 0;
    const lastNameId = maxNameId.get()!.m;
    for (const n of names) inserted += insertName.run(n.entityId, n.name, nameKey(n.name), n.origin).changes;
    if (inserted > 0) {
      indexNamesAfter.run(lastNameId);
      bumpRevision.run();
    }
    return inserted;
  });

  return {
    upsertEntities(records) {
      records.forEach(checkRecord);
      const total = { entitiesInserted: 0, entitiesUpdated: 0, namesInserted: 0, curatedKept: 0 };
      for (let i = 0; i < records.length; i += IMPORT_CHUNK) {
        // IMMEDIATE: a deferred transaction that reads first cannot upgrade to a writer once another
        // process committed (SQLITE_BUSY_SNAPSHOT, not retried by busy_timeout).
        const s = importChunk.immediate(records.slice(i, i + IMPORT_CHUNK));
        total.entitiesInserted += s.entitiesInserted;
        total.entitiesUpdated += s.entitiesUpdated;
        total.namesInserted += s.namesInserted;
        total.curatedKept += s.curatedKept;
      }
      return total;
    },
    addNames(names) {
      names.forEach(checkName);
      return addNamesTx.immediate(names);
    },
    getEntities: (ids) => readEntities(ids),
    resolveId,
    searchEntities(query, type, first) {
      const key = nameKey(query);
      if (key === '') throw new VanerError('BAD_USER_INPUT', 'search query must not be empty', { details: { field: 'query' } });
      if (first === 0) return [];
      // Trigram FTS needs 3 characters; shorter queries scan the names (still cheap at 1-2 characters' selectivity).
      const statement = key.length >= 3 ? searchByTrigram : searchByScan;
      // The FTS phrase is a bound parameter; doubling quotes only keeps it one phrase inside FTS5's query language.
      const rows = statement.all({ key, phrase: `"${key.replaceAll('"', '""')}"`, type, first });
      return readEntities(rows.map((r) => r.id)).filter((e): e is Entity => e !== null);
    },
    getChildEntities(entityId, first) {
      const id = resolveId(entityId);
      if (id === null || first === 0) return [];
      const rows = selectChildren.all({ needle: JSON.stringify(id), id, first });
      return readEntities(rows.map((r) => r.id)).filter((e): e is Entity => e !== null);
    },
    getEntityNames(entityId) {
      const id = resolveId(entityId);
      if (id === null) return [];
      return selectNamesWithOrigin.all({ id }).map((r) => ({ entityId: r.entity_id, type: r.type as EntityType, name: r.name, origin: r.origin }));
    },
    countEntities: () => countActive.get()!.n,
    kbRevision: () => selectRevision.get()!.value,
  };
}

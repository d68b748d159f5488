/**
 * The knowledge-base part of the embedded store: entities, their names, merge resolution, and the revision
 * counter linkers cache on. Synchronous functions over one connection; the store wraps them in promises.
 */
import { VanerError } from '../../errors.js';
import type { EntityAlias, EntityType, Entity, EntityName, EntityRecord, ImportSummary, KnowledgeBaseSource, VocabularyImportSummary } from '../../domain/index.js';
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
  retired: number;
}

/**
 * SQL condition: the name row `n` of entity `e` is visible to linkers and search — the entity is not
 * retired, and neither the entity's source nor the name's source is disabled.
 */
export const VISIBLE_NAME_SQL = `e.retired = 0 AND e.source NOT IN (SELECT name FROM kb_sources WHERE enabled = 0)
  AND n.source NOT IN (SELECT name FROM kb_sources WHERE enabled = 0)`;

/** The source a name row records when the caller gives none (see EntityName.source). */
function defaultNameSource(origin: string, entitySource: string | null): string {
  if (origin === 'annotation') return 'corpus-annotation';
  if (origin === 'curator') return 'curator';
  return entitySource ?? origin;
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
  /** One transaction: the source row, every record (see VocabularyImport) and the aliases, or nothing. */
  importVocabulary(source: { name: string; format: string; file: string }, records: readonly EntityRecord[], aliases: readonly EntityAlias[]): VocabularyImportSummary;
  addAliases(aliases: readonly EntityAlias[]): number;
  listSources(): KnowledgeBaseSource[];
  setSourceEnabled(name: string, enabled: boolean): KnowledgeBaseSource;
  removeSource(name: string): { entitiesRemoved: number; namesRemoved: number; aliasesRemoved: number };
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
    'INSERT OR IGNORE INTO entity_names (entity_id, name, norm, origin, source) VALUES (?, ?, ?, ?, ?)',
  );
  const selectName = db.prepare<[string, string], { origin: string; removed: number }>(
    'SELECT origin, removed FROM entity_names WHERE entity_id = ? AND name = ?',
  );
  const maxNameId = db.prepare<[], { m: number }>('SELECT COALESCE(MAX(id), 0) AS m FROM entity_names');
  const indexNamesAfter = db.prepare('INSERT INTO entity_names_fts (rowid, norm) SELECT id, norm FROM entity_names WHERE id > ?');
  const bumpRevision = db.prepare("UPDATE kb_meta SET value = value + 1 WHERE key = 'revision'");
  const selectRevision = db.prepare<[], { value: number }>("SELECT value FROM kb_meta WHERE key = 'revision'");
  const selectEntitiesByIds = db.prepare<[string], EntityRow>('SELECT * FROM entities WHERE id IN (SELECT value FROM json_each(?))');
  const selectAliasTargets = db.prepare<[string], { alias: string; entity_id: string }>(
    'SELECT alias, entity_id FROM entity_aliases WHERE alias IN (SELECT value FROM json_each(?))',
  );
  const selectAliasesOf = db.prepare<[string], { alias: string; entity_id: string }>(
    'SELECT alias, entity_id FROM entity_aliases WHERE entity_id IN (SELECT value FROM json_each(?)) ORDER BY alias',
  );
  const selectAlias = db.prepare<[string], { entity_id: string }>('SELECT entity_id FROM entity_aliases WHERE alias = ?');
  // Names of each target and of every entity merged into it, the target's own first, in insertion order.
  const selectNamesOfTargets = db.prepare<{ ids: string }, { owner: string; name: string }>(
    `SELECT COALESCE(e.merged_into, e.id) AS owner, n.name AS name
       FROM entity_names n JOIN entities e ON e.id = n.entity_id
      WHERE n.removed = 0 AND n.source NOT IN (SELECT name FROM kb_sources WHERE enabled = 0)
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
  const countActive = db.prepare<[], { n: number }>(
    'SELECT COUNT(*) AS n FROM entities WHERE merged_into IS NULL AND retired = 0 AND source NOT IN (SELECT name FROM kb_sources WHERE enabled = 0)',
  );
  /**
   * Ranking (issue 16): the query equal to the entity's preferred name, then equal to a synonym, then
   * a prefix of the preferred name, of a synonym, then inside the preferred name, inside a synonym;
   * within a tier the entity mentioned in more stored documents first (co_entity_freq), then the
   * shorter matching name, then the id. Retired entities and disabled sources are left out.
   */
  const searchStatement = (candidates: string) =>
    db.prepare<Record<string, unknown>, { id: string }>(
      `WITH hits AS (${candidates})
       SELECT t.id AS id,
              MIN((CASE WHEN h.norm = @key THEN 0 WHEN substr(h.norm, 1, length(@key)) = @key THEN 2 ELSE 4 END)
                  + (CASE WHEN h.entity_id = t.id AND h.name = t.name THEN 0 ELSE 1 END)) AS tier,
              COALESCE((SELECT f.docs FROM co_entity_freq f WHERE f.entity_id = t.id), 0) AS docs,
              MIN(length(h.norm)) AS len
         FROM hits h JOIN entities e ON e.id = h.entity_id
         JOIN entities t ON t.id = COALESCE(e.merged_into, e.id)
        WHERE (@type IS NULL OR t.type = @type) AND t.retired = 0
          AND t.source NOT IN (SELECT name FROM kb_sources WHERE enabled = 0)
        GROUP BY t.id
        ORDER BY tier, docs DESC, len, id
        LIMIT @first`,
    );
  const searchByTrigram = searchStatement(
    `SELECT n.entity_id, n.norm, n.name FROM entity_names_fts f JOIN entity_names n ON n.id = f.rowid
      WHERE entity_names_fts MATCH @phrase AND n.removed = 0 AND n.source NOT IN (SELECT name FROM kb_sources WHERE enabled = 0)`,
  );
  const searchByScan = searchStatement(
    `SELECT n.entity_id, n.norm, n.name FROM entity_names n
      WHERE instr(n.norm, @key) > 0 AND n.removed = 0 AND n.source NOT IN (SELECT name FROM kb_sources WHERE enabled = 0)`,
  );

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
        if (insertName.run(record.id, name, nameKey(name), 'vocabulary', record.source).changes > 0) {
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

  const readEntities = db.transaction((requested: readonly string[]): (Entity | null)[] => {
    // An alias id (an old MeSH id) stands for its entity unless an entity of that id exists itself.
    const aliasOf = new Map<string, string>();
    for (const row of selectAliasTargets.all(JSON.stringify(requested))) aliasOf.set(row.alias, row.entity_id);
    const direct = loadRows(requested);
    const ids = requested.map((id) => (direct.has(id) ? id : aliasOf.get(id) ?? id));
    const rows = new Map(direct);
    for (const [id, row] of loadRows(ids.filter((id) => !rows.has(id)))) rows.set(id, row);
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
    const aliases = new Map<string, string[]>();
    for (const { alias, entity_id } of selectAliasesOf.all(JSON.stringify(targetIds))) aliases.set(entity_id, [...(aliases.get(entity_id) ?? []), alias]);
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
        ...(aliases.has(row.id) ? { aliases: aliases.get(row.id)! } : {}),
        ...(row.retired !== 0 ? { retired: true } : {}),
      };
    });
  });

  const resolveId = (id: string): string | null => {
    let row = selectEntity.get(id) ?? (() => {
      const alias = selectAlias.get(id);
      return alias === undefined ? undefined : selectEntity.get(alias.entity_id);
    })();
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
    for (const n of names) {
      const source = n.source ?? defaultNameSource(n.origin, selectEntity.get(n.entityId)?.source ?? null);
      inserted += insertName.run(n.entityId, n.name, nameKey(n.name), n.origin, source).changes;
    }
    if (inserted > 0) {
      indexNamesAfter.run(lastNameId);
      bumpRevision.run();
    }
    return inserted;
  });

  const upsertSource = db.prepare(
    `INSERT INTO kb_sources (name, format, file, imported_at, enabled) VALUES (@name, @format, @file, @now, 1)
     ON CONFLICT (name) DO UPDATE SET format = excluded.format, file = excluded.file, imported_at = excluded.imported_at`,
  );
  const insertAlias = db.prepare(
    `INSERT OR IGNORE INTO entity_aliases (alias, entity_id, source, evidence)
     SELECT @alias, @entityId, @source, @evidence
      WHERE EXISTS (SELECT 1 FROM entities WHERE id = @entityId) AND NOT EXISTS (SELECT 1 FROM entities WHERE id = @alias)`,
  );
  const addAliasRows = (aliases: readonly EntityAlias[]): number => {
    let inserted = 0;
    for (const a of aliases) inserted += insertAlias.run({ alias: a.id, entityId: a.entityId, source: a.source, evidence: a.evidence }).changes;
    return inserted;
  };

  const importVocabularyTx = db.transaction(
    (source: { name: string; format: string; file: string }, records: readonly EntityRecord[], aliases: readonly EntityAlias[]): VocabularyImportSummary => {
      const now = new Date().toISOString();
      upsertSource.run({ name: source.name, format: source.format, file: source.file, now });
      let entitiesInserted = 0;
      let entitiesUpdated = 0;
      let namesInserted = 0;
      let curatedKept = 0;
      const lastNameId = maxNameId.get()!.m;
      for (const record of records) {
        const params = {
          id: record.id,
          type: record.type,
          name: record.name,
          source: source.name,
          parents: JSON.stringify(record.parentIds),
          treeNumbers: JSON.stringify(record.treeNumbers),
          now,
        };
        const existing = selectEntity.get(record.id);
        if (existing === undefined) {
          insertEntity.run(params);
          entitiesInserted++;
        } else if (existing.type !== record.type) {
          // Names of a chemical must not turn up as a disease's: refuse the file, roll back everything.
          throw new VanerError('CONFLICT', `${record.id} is a ${existing.type} in the knowledge base (source ${existing.source}), the vocabulary says ${record.type}; nothing was imported`, {
            details: { field: 'type', entityId: record.id },
          });
        } else if (existing.source === source.name) {
          if (existing.curated !== 0) curatedKept++;
          else if (existing.name !== params.name || existing.parents !== params.parents || existing.tree_numbers !== params.treeNumbers) {
            updateEntity.run(params);
            entitiesUpdated++;
          }
        }
        // Another source's entity keeps its own fields; this source only adds names to it.
        for (const name of [record.name, ...record.synonyms]) {
          if (name.trim() === '') continue;
          namesInserted += insertName.run(record.id, name, nameKey(name), 'vocabulary', source.name).changes;
        }
      }
      const aliasesInserted = addAliasRows(aliases);
      if (namesInserted > 0) indexNamesAfter.run(lastNameId);
      // The source row changed too (its import time): linkers and search see a new revision either way.
      bumpRevision.run();
      return { entitiesInserted, entitiesUpdated, namesInserted, curatedKept, aliasesInserted };
    },
  );

  const sourceCounts = {
    entities: db.prepare<[], { name: string; n: number }>('SELECT source AS name, COUNT(*) AS n FROM entities GROUP BY source'),
    names: db.prepare<[], { name: string; n: number }>('SELECT source AS name, COUNT(*) AS n FROM entity_names WHERE removed = 0 GROUP BY source'),
    aliases: db.prepare<[], { name: string; n: number }>('SELECT source AS name, COUNT(*) AS n FROM entity_aliases GROUP BY source'),
    rows: db.prepare<[], { name: string; format: string | null; file: string | null; imported_at: string | null; enabled: number }>('SELECT * FROM kb_sources'),
  };
  const listSources = (): KnowledgeBaseSource[] => {
    const byName = new Map<string, { name: string; format: string | null; file: string | null; importedAt: string | null; enabled: boolean; entities: number; names: number; aliases: number }>();
    const row = (name: string) => {
      let r = byName.get(name);
      if (r === undefined) byName.set(name, (r = { name, format: null, file: null, importedAt: null, enabled: true, entities: 0, names: 0, aliases: 0 }));
      return r;
    };
    for (const r of sourceCounts.rows.all()) Object.assign(row(r.name), { format: r.format, file: r.file, importedAt: r.imported_at, enabled: r.enabled !== 0 });
    for (const { name, n } of sourceCounts.entities.all()) row(name).entities = n;
    for (const { name, n } of sourceCounts.names.all()) row(name).names = n;
    for (const { name, n } of sourceCounts.aliases.all()) row(name).aliases = n;
    return [...byName.values()].filter((r) => r.name !== '').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };
  const findSource = (name: string): KnowledgeBaseSource => {
    const found = listSources().find((s) => s.name === name);
    if (found === undefined) throw new VanerError('NOT_FOUND', `knowledge-base source '${name}' not found`, { details: { field: 'source' } });
    return found;
  };
  const setEnabledTx = db.transaction((name: string, enabled: boolean): void => {
    findSource(name);
    db.prepare('INSERT INTO kb_sources (name, enabled) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled').run(name, enabled ? 1 : 0);
    bumpRevision.run();
  });
  const removeSourceTx = db.transaction((name: string) => {
    findSource(name);
    if (name === 'curator') throw new VanerError('BAD_USER_INPUT', "the 'curator' source holds curators' edits; retire entities or remove synonyms one by one instead", { details: { field: 'source' } });
    const owned = JSON.stringify(db.prepare<[string], { id: string }>('SELECT id FROM entities WHERE source = ?').all(name).map((r) => r.id));
    const namesRemoved = db.prepare('DELETE FROM entity_names WHERE source = ? OR entity_id IN (SELECT value FROM json_each(?))').run(name, owned).changes;
    const aliasesRemoved = db.prepare('DELETE FROM entity_aliases WHERE source = ? OR entity_id IN (SELECT value FROM json_each(?))').run(name, owned).changes;
    // Entities a curator merged into a removed one become active again (their own names are intact).
    db.prepare('UPDATE entities SET merged_into = NULL WHERE merged_into IN (SELECT value FROM json_each(?))').run(owned);
    db.prepare('DELETE FROM co_entity_tree WHERE entity_id IN (SELECT value FROM json_each(?))').run(owned);
    const entitiesRemoved = db.prepare('DELETE FROM entities WHERE source = ?').run(name).changes;
    db.prepare('DELETE FROM kb_sources WHERE name = ?').run(name);
    bumpRevision.run();
    return { entitiesRemoved, namesRemoved, aliasesRemoved };
  });
  const addAliasesTx = db.transaction((aliases: readonly EntityAlias[]): number => {
    const inserted = addAliasRows(aliases);
    if (inserted > 0) bumpRevision.run();
    return inserted;
  });

  return {
    importVocabulary(source, records, aliases) {
      records.forEach(checkRecord);
      return importVocabularyTx.immediate(source, records, aliases);
    },
    addAliases: (aliases) => addAliasesTx.immediate(aliases),
    listSources,
    setSourceEnabled(name, enabled) {
      setEnabledTx.immediate(name, enabled);
      return findSource(name);
    },
    removeSource: (name) => removeSourceTx.immediate(name),
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

/**
 * The embedded store's curation primitives (CurationStorage, src/store/ports/curation.ts): rows read
 * and written inside one IMMEDIATE transaction. The rules, errors and audit records are the shared
 * curation service's (src/store/curation/curation-service.ts); nothing here decides anything.
 */
import type { CuratedLink, CurationEdit, EntityType, ReviewState } from '../../domain/index.js';
import { nameKey } from '../name-key.js';
import type { CurationStorage, CurationTransaction, EntityState, MemberName } from '../ports/curation.js';
import type { ConnectionGate } from './connection-gate.js';
import type { SqliteDatabase } from './sqlite-connection.js';
import type { DocumentRepository } from './sqlite-documents.js';

interface EditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
}

export function createCurationStorage(db: SqliteDatabase, gate: ConnectionGate, documents: DocumentRepository): CurationStorage {
  const insertEdit = db.prepare('INSERT INTO curation_edits (id, at, actor, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const bumpRevision = db.prepare("UPDATE kb_meta SET value = value + 1 WHERE key = 'revision'");
  const entityRow = db.prepare<[string], { id: string; type: string; merged_into: string | null; retired: number }>('SELECT id, type, merged_into, retired FROM entities WHERE id = ?');
  const insertEntity = db.prepare(
    `INSERT INTO entities (id, type, name, source, parents, tree_numbers, curated, updated_at)
     VALUES (@id, @type, @name, 'curator', @parents, @trees, 1, @at)`,
  );
  const setRetired = db.prepare('UPDATE entities SET retired = ?, curated = 1, updated_at = ? WHERE id = ?');
  // The entity's own name rows and those of entities merged into it (their names count for it).
  const memberName = db.prepare<[string, string, string], { entity_id: string; origin: string; removed: number }>(
    `SELECT n.entity_id, n.origin, n.removed FROM entity_names n JOIN entities e ON e.id = n.entity_id
      WHERE (e.id = ? OR e.merged_into = ?) AND n.name = ? ORDER BY n.removed, n.id`,
  );
  const ownName = db.prepare<[string, string], { id: number }>('SELECT id FROM entity_names WHERE entity_id = ? AND name = ?');
  const insertName = db.prepare("INSERT INTO entity_names (entity_id, name, norm, origin, source) VALUES (?, ?, ?, 'curator', 'curator')");
  const indexName = db.prepare('INSERT INTO entity_names_fts (rowid, norm) VALUES (?, ?)');
  const restoreName = db.prepare("UPDATE entity_names SET removed = 0, origin = 'curator', source = 'curator' WHERE id = ?");
  const removeMemberNames = db.prepare(
    `UPDATE entity_names SET removed = 1
      WHERE removed = 0 AND name = @name AND entity_id IN (SELECT id FROM entities WHERE id = @entity OR merged_into = @entity)`,
  );
  // Flatten: whatever was merged into the source now points at the final target directly.
  const repointMerged = db.prepare('UPDATE entities SET merged_into = ?, updated_at = ? WHERE merged_into = ?');
  const mergeSource = db.prepare('UPDATE entities SET merged_into = ?, curated = 1, updated_at = ? WHERE id = ?');
  const setReview = db.prepare('UPDATE mentions SET review = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?');
  const relink = db.prepare(
    `UPDATE mentions SET entity_id = @entityId, link_method = 'curator', matched_name = NULL, link_confidence = 1,
                         review = 'confirmed', reviewed_by = @actor, reviewed_at = @at
      WHERE id = @id`,
  );
  const editsPage = db.prepare<{ after: string | null; limit: number }, EditRow>(
    'SELECT * FROM curation_edits WHERE @after IS NULL OR id > @after ORDER BY id LIMIT @limit',
  );
  const countEdits = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM curation_edits');
  // Resolved to the merge target before DISTINCT (chains are one hop), so a mention linked to a merged
  // entity and one linked to its target give one link.
  const curated = db.prepare<[], { text: string; type: string; entity_id: string }>(
    `SELECT DISTINCT m.text AS text, m.type AS type, COALESCE(e.merged_into, m.entity_id) AS entity_id
       FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id
      WHERE m.entity_id IS NOT NULL AND (m.review = 'confirmed' OR m.link_method = 'curator') ORDER BY 1, 2, 3`,
  );

  // Inside an IMMEDIATE transaction this connection holds the database's write lock, so every row
  // read here is as good as locked.
  const tx: CurationTransaction = {
    lockEntity: async (id): Promise<EntityState | null> => {
      const row = entityRow.get(id);
      return row === undefined ? null : { id: row.id, type: row.type as EntityType, mergedInto: row.merged_into, retired: row.retired !== 0 };
    },
    memberNames: async (entityId, name): Promise<MemberName[]> =>
      memberName.all(entityId, entityId, name).map((r) => ({ entityId: r.entity_id, origin: r.origin, removed: r.removed !== 0 })),
    putCuratorName: async (entityId, name) => {
      const own = ownName.get(entityId, name);
      if (own !== undefined) {
        restoreName.run(own.id);
      } else {
        const rowid = insertName.run(entityId, name, nameKey(name)).lastInsertRowid;
        indexName.run(rowid, nameKey(name));
      }
    },
    removeMemberNames: async (entityId, name) => {
      removeMemberNames.run({ entity: entityId, name });
    },
    setMergedInto: async (sourceId, targetId, at) => {
      repointMerged.run(targetId, at, sourceId);
      mergeSource.run(targetId, at, sourceId);
    },
    lockMention: async (id) => documents.getMentions([id])[0] ?? null,
    setReview: async (mentionId: string, state: ReviewState, actor: string, at: string) => {
      setReview.run(state, actor, at, mentionId);
    },
    setCuratorLink: async (mentionId, entityId, actor, at) => {
      relink.run({ id: mentionId, entityId, actor, at });
    },
    insertEntity: async (record, at) => {
      insertEntity.run({ id: record.id, type: record.type, name: record.name, parents: JSON.stringify(record.parentIds), trees: JSON.stringify(record.treeNumbers), at });
      for (const name of [record.name, ...record.synonyms]) {
        const rowid = insertName.run(record.id, name, nameKey(name)).lastInsertRowid;
        indexName.run(rowid, nameKey(name));
      }
    },
    setRetired: async (entityId, retired, at) => {
      setRetired.run(retired ? 1 : 0, at, entityId);
    },
    recordEdit: async (edit) => {
      insertEdit.run(edit.id, edit.at, edit.actor, edit.action, edit.target, JSON.stringify(edit.before), JSON.stringify(edit.after));
    },
    bumpKbRevision: async () => {
      bumpRevision.run();
    },
  };

  const parse = (value: string | null): unknown => (value === null ? null : (JSON.parse(value) as unknown));
  const readEdits = db.transaction((afterId: string | null, limit: number) => ({
    edits: editsPage.all({ after: afterId, limit }).map((r): CurationEdit => ({ ...r, before: parse(r.before), after: parse(r.after) })),
    totalCount: countEdits.get()!.n,
  }));

  return {
    curationTransaction: (work) =>
      gate.exclusive(async () => {
        // IMMEDIATE: take the write lock first, so a transaction that reads before it writes cannot
        // fail to upgrade once another process committed (SQLITE_BUSY_SNAPSHOT).
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(tx);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    readCurationEdits: (afterId, limit) => gate.run(() => readEdits(afterId, limit)),
    curatedLinks: () =>
      gate.run(() => curated.all().map((r): CuratedLink => ({ text: r.text, type: r.type as EntityType, entityId: r.entity_id }))),
  };
}

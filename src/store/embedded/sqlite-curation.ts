/**
 * Curation in the embedded store: synonyms added and removed, mentions relinked, the audit trail,
 * and the curated links the linker uses as priors. Every edit is one IMMEDIATE transaction that also
 * writes its audit row; edits that change names bump the KB revision so running linkers see them.
 * (Merges and reviews live with the entities and mentions they change: sqlite-kb.ts, sqlite-documents.ts.)
 */
import { VanerError } from '../../errors.js';
import type { EntityType, CuratedLink, CurationEdit, Entity, Mention, Page } from '../../domain/index.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { newId } from '../ids.js';
import { checkNonEmpty } from '../input-checks.js';
import { nameKey } from '../name-key.js';
import type { SqliteDatabase } from './sqlite-connection.js';
import type { DocumentRepository } from './sqlite-documents.js';
import type { KbRepository } from './sqlite-kb.js';

export interface CurationRepository {
  addSynonym(entityId: string, name: string, actor: string): Entity;
  removeSynonym(entityId: string, name: string, actor: string): Entity;
  relinkMention(mentionId: string, entityId: string, actor: string): Mention;
  curationEdits(first: number, after: string | null): Page<CurationEdit>;
  curatedLinks(): CuratedLink[];
}

interface EditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
}

function checkText(field: string, value: unknown): string {
  checkNonEmpty([[field, value]]);
  return value as string;
}

export function createCurationRepository(db: SqliteDatabase, kb: KbRepository, documents: DocumentRepository): CurationRepository {
  const insertEdit = db.prepare('INSERT INTO curation_edits (id, at, actor, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const bumpRevision = db.prepare("UPDATE kb_meta SET value = value + 1 WHERE key = 'revision'");
  const entityType = db.prepare<[string], { type: string }>('SELECT type FROM entities WHERE id = ?');
  // The entity's own name rows and those of entities merged into it (their names count for it).
  const memberName = db.prepare<[string, string, string], { id: number; entity_id: string; origin: string; removed: number }>(
    `SELECT n.id, n.entity_id, n.origin, n.removed FROM entity_names n JOIN entities e ON e.id = n.entity_id
      WHERE (e.id = ? OR e.merged_into = ?) AND n.name = ? ORDER BY n.removed, n.id`,
  );
  const insertName = db.prepare("INSERT INTO entity_names (entity_id, name, norm, origin) VALUES (?, ?, ?, 'curator')");
  const indexName = db.prepare('INSERT INTO entity_names_fts (rowid, norm) VALUES (?, ?)');
  const restoreName = db.prepare("UPDATE entity_names SET removed = 0, origin = 'curator' WHERE id = ?");
  const removeName = db.prepare('UPDATE entity_names SET removed = 1 WHERE id = ?');
  const relink = db.prepare(
    `UPDATE mentions SET entity_id = @entityId, link_method = 'curator', matched_name = NULL, link_confidence = 1,
                         review = 'confirmed', reviewed_by = @actor, reviewed_at = @at
      WHERE id = @id`,
  );
  const editsPage = db.prepare<{ after: string | null; limit: number }, EditRow>(
    'SELECT * FROM curation_edits WHERE @after IS NULL OR id > @after ORDER BY id LIMIT @limit',
  );
  const countEdits = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM curation_edits');
  const curated = db.prepare<[], { text: string; type: string; entity_id: string }>(
    `SELECT DISTINCT text, type, entity_id FROM mentions
      WHERE entity_id IS NOT NULL AND (review = 'confirmed' OR link_method = 'curator') ORDER BY text, type, entity_id`,
  );

  const resolveEntity = (entityId: string): string => {
    checkText('entityId', entityId);
    const id = kb.resolveId(entityId);
    if (id === null) throw new VanerError('NOT_FOUND', `entity ${entityId} not found`, { details: { field: 'entityId' } });
    return id;
  };
  const audit = (actor: string, action: string, target: string, before: unknown, after: unknown): void => {
    insertEdit.run(newId('edit'), new Date().toISOString(), actor, action, target, JSON.stringify(before), JSON.stringify(after));
  };

  const addTx = db.transaction((entityId: string, name: string, actor: string): string => {
    const id = resolveEntity(entityId);
    const rows = memberName.all(id, id, name);
    if (rows.some((r) => r.removed === 0)) {
      throw new VanerError('CONFLICT', `entity ${id} already has the name ${JSON.stringify(name)}`, { details: { field: 'name' } });
    }
    const own = rows.find((r) => r.entity_id === id);
    if (own !== undefined) {
      restoreName.run(own.id);
    } else {
      const rowid = insertName.run(id, name, nameKey(name)).lastInsertRowid;
      indexName.run(rowid, nameKey(name));
    }
    audit(actor, 'add-synonym', id, { name: null }, { name });
    bumpRevision.run();
    return id;
  });

  const removeTx = db.transaction((entityId: string, name: string, actor: string): string => {
    const id = resolveEntity(entityId);
    const active = memberName.all(id, id, name).filter((r) => r.removed === 0);
    if (active.length === 0) throw new VanerError('NOT_FOUND', `entity ${id} has no name ${JSON.stringify(name)}`, { details: { field: 'name' } });
    for (const row of active) removeName.run(row.id);
    audit(actor, 'remove-synonym', id, { name, origin: active[0]!.origin }, { name: null });
    bumpRevision.run();
    return id;
  });

  const relinkTx = db.transaction((mentionId: string, entityId: string, actor: string): Mention => {
    checkText('mentionId', mentionId);
    const mention = documents.getMentions([mentionId])[0];
    if (mention === null || mention === undefined) throw new VanerError('NOT_FOUND', `mention ${mentionId} not found`, { details: { field: 'mentionId' } });
    const id = resolveEntity(entityId);
    const type = entityType.get(id)!.type as EntityType;
    if (type !== mention.type) {
      throw new VanerError('BAD_USER_INPUT', `cannot link a ${mention.type} mention to a ${type} entity`, { details: { field: 'entityId' } });
    }
    const at = new Date().toISOString();
    relink.run({ id: mentionId, entityId: id, actor, at });
    audit(
      actor, 'relink-mention', mentionId,
      { entityId: mention.entityId, linkMethod: mention.linkMethod, review: mention.review },
      { entityId: id, linkMethod: 'curator', review: 'confirmed', text: mention.text, type: mention.type },
    );
    return documents.getMentions([mentionId])[0]!;
  });

  const parse = (value: string | null): unknown => (value === null ? null : (JSON.parse(value) as unknown));

  return {
    addSynonym: (entityId, name, actor) => {
      const trimmed = checkText('name', name).trim();
      checkText('actor', actor);
      return kb.getEntities([addTx.immediate(entityId, trimmed, actor)])[0]!;
    },
    removeSynonym: (entityId, name, actor) => {
      checkText('name', name);
      checkText('actor', actor);
      return kb.getEntities([removeTx.immediate(entityId, name.trim(), actor)])[0]!;
    },
    relinkMention: (mentionId, entityId, actor) => {
      checkText('actor', actor);
      return relinkTx.immediate(mentionId, entityId, actor);
    },
    curationEdits: db.transaction((first: number, after: string | null): Page<CurationEdit> => {
      const afterId = after === null ? null : (decodeCursor('curation-edits', after, ['string'])[0] as string);
      const rows = editsPage.all({ after: afterId, limit: first + 1 });
      const items = rows.slice(0, first).map((r) => ({ ...r, before: parse(r.before), after: parse(r.after) }));
      const last = items.at(-1);
      return {
        items,
        totalCount: countEdits.get()!.n,
        endCursor: last === undefined ? null : encodeCursor('curation-edits', [last.id]),
        hasNextPage: rows.length > first,
      };
    }),
    curatedLinks: () =>
      curated.all().map((r) => ({ text: r.text, type: r.type as EntityType, entityId: kb.resolveId(r.entity_id) ?? r.entity_id })),
  };
}

/**
 * Schema of the embedded store's co-mention counts: tables kept exact by triggers, so every write
 * path (replaceMentions, putDocuments re-annotating a changed text, reviewMention, mergeEntities, a
 * cascade delete) updates them inside its own transaction without knowing they exist.
 *
 * The chain of triggers, each level feeding the next:
 *
 *   mentions ──► co_mention           one row per *counting* mention (linked, not rejected), with the
 *                                     entity id resolved to its merge target at that moment
 *   entities ──► co_mention           a merge re-points the shadow rows of the merged id
 *   co_mention ─► co_doc_entity       (document, entity) → mentions; co_sent_entity: (document, sentence, entity)
 *   co_doc_entity ─► co_pair.docs, co_entity_freq.docs, co_totals['documents']
 *   co_sent_entity ─► co_pair.sents, co_entity_freq.sents, co_totals['sentences']
 *
 * A pair count changes only when an entity enters or leaves a document (sentence), i.e. when a
 * co_doc_entity (co_sent_entity) row is inserted or deleted, so each document write costs
 * O(mentions + entities²) row updates, never a rescan. Pairs are stored in both directions
 * (a, b) and (b, a) so "partners of a" is one primary-key range scan.
 *
 * The shadow table is what makes merges and deletes exact: it remembers the id a mention was
 * counted under, even after the entities table has changed. It is appended as a migration of the
 * store schema (src/store/sqlite-schema.ts); the migration back-fills it from existing mentions.
 */

/** Decrement-and-drop for one level (doc or sentence) of the entity-in-unit table. */
function removeFromUnits(row: 'OLD' | 'NEW'): string {
  return `
    UPDATE co_doc_entity SET n = n - 1 WHERE document_id = ${row}.document_id AND entity_id = ${row}.entity_id;
    DELETE FROM co_doc_entity WHERE document_id = ${row}.document_id AND entity_id = ${row}.entity_id AND n <= 0;
    UPDATE co_sent_entity SET n = n - 1
     WHERE ${row}.sentence IS NOT NULL AND document_id = ${row}.document_id AND sentence = ${row}.sentence AND entity_id = ${row}.entity_id;
    DELETE FROM co_sent_entity
     WHERE ${row}.sentence IS NOT NULL AND document_id = ${row}.document_id AND sentence = ${row}.sentence AND entity_id = ${row}.entity_id AND n <= 0;`;
}

function addToUnits(row: 'OLD' | 'NEW'): string {
  return `
    INSERT INTO co_entity_freq (entity_id, type, docs, sents) VALUES (${row}.entity_id, ${row}.type, 0, 0) ON CONFLICT (entity_id) DO NOTHING;
    INSERT INTO co_doc_entity (document_id, entity_id, n) VALUES (${row}.document_id, ${row}.entity_id, 1)
      ON CONFLICT (document_id, entity_id) DO UPDATE SET n = n + 1;
    INSERT INTO co_sent_entity (document_id, sentence, entity_id, n)
      SELECT ${row}.document_id, ${row}.sentence, ${row}.entity_id, 1 WHERE ${row}.sentence IS NOT NULL
      ON CONFLICT (document_id, sentence, entity_id) DO UPDATE SET n = n + 1;`;
}

/** Pair and frequency maintenance when an entity enters (`+ 1`) or leaves (`- 1`) a unit. */
function unitTriggers(table: 'co_doc_entity' | 'co_sent_entity', column: 'docs' | 'sents', total: 'documents' | 'sentences'): string {
  const sameUnit = table === 'co_doc_entity' ? 'x.document_id = NEW.document_id' : 'x.document_id = NEW.document_id AND x.sentence = NEW.sentence';
  const sameUnitOld = sameUnit.replaceAll('NEW.', 'OLD.');
  const other = column === 'docs' ? 'sents' : 'docs';
  return `
  CREATE TRIGGER ${table}_enter AFTER INSERT ON ${table} BEGIN
    INSERT INTO co_pair (a, b, ${column}, ${other})
      SELECT NEW.entity_id, x.entity_id, 1, 0 FROM ${table} x WHERE ${sameUnit} AND x.entity_id != NEW.entity_id
      ON CONFLICT (a, b) DO UPDATE SET ${column} = ${column} + 1;
    INSERT INTO co_pair (a, b, ${column}, ${other})
      SELECT x.entity_id, NEW.entity_id, 1, 0 FROM ${table} x WHERE ${sameUnit} AND x.entity_id != NEW.entity_id
      ON CONFLICT (a, b) DO UPDATE SET ${column} = ${column} + 1;
    UPDATE co_entity_freq SET ${column} = ${column} + 1 WHERE entity_id = NEW.entity_id;
    UPDATE co_totals SET n = n + 1 WHERE key = '${total}' AND (SELECT COUNT(*) FROM ${table} x WHERE ${sameUnit}) = 1;
  END;
  CREATE TRIGGER ${table}_leave AFTER DELETE ON ${table} BEGIN
    UPDATE co_pair SET ${column} = ${column} - 1
     WHERE a = OLD.entity_id AND b IN (SELECT x.entity_id FROM ${table} x WHERE ${sameUnitOld});
    UPDATE co_pair SET ${column} = ${column} - 1
     WHERE b = OLD.entity_id AND a IN (SELECT x.entity_id FROM ${table} x WHERE ${sameUnitOld});
    DELETE FROM co_pair WHERE a = OLD.entity_id AND docs = 0 AND sents = 0
       AND b IN (SELECT x.entity_id FROM ${table} x WHERE ${sameUnitOld});
    DELETE FROM co_pair WHERE b = OLD.entity_id AND docs = 0 AND sents = 0
       AND a IN (SELECT x.entity_id FROM ${table} x WHERE ${sameUnitOld});
    UPDATE co_entity_freq SET ${column} = ${column} - 1 WHERE entity_id = OLD.entity_id;
    DELETE FROM co_entity_freq WHERE entity_id = OLD.entity_id AND docs = 0 AND sents = 0;
    UPDATE co_totals SET n = n - 1 WHERE key = '${total}' AND NOT EXISTS (SELECT 1 FROM ${table} x WHERE ${sameUnitOld});
  END;`;
}

/** Migration 2 of the embedded store: co-mention count tables, their triggers, and the back-fill. */
export const CO_MENTION_MIGRATION_SQL = `
  CREATE TABLE co_mention (
    mention_id  TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    sentence    INTEGER,
    -- resolved (merge target) id the mention is counted under
    entity_id   TEXT NOT NULL,
    type        TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX co_mention_entity ON co_mention (entity_id, document_id, sentence);

  CREATE TABLE co_doc_entity (
    document_id TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (document_id, entity_id)
  ) WITHOUT ROWID;
  CREATE INDEX co_doc_entity_entity ON co_doc_entity (entity_id, document_id);

  CREATE TABLE co_sent_entity (
    document_id TEXT NOT NULL,
    sentence    INTEGER NOT NULL,
    entity_id   TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (document_id, sentence, entity_id)
  ) WITHOUT ROWID;
  CREATE INDEX co_sent_entity_entity ON co_sent_entity (entity_id, document_id, sentence);

  CREATE TABLE co_entity_freq (
    entity_id TEXT PRIMARY KEY,
    -- type of the first counting mention; the KB type wins at query time when the KB knows the id
    type      TEXT NOT NULL,
    docs      INTEGER NOT NULL,
    sents     INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE co_pair (
    a     TEXT NOT NULL,
    b     TEXT NOT NULL,
    docs  INTEGER NOT NULL,
    sents INTEGER NOT NULL,
    PRIMARY KEY (a, b)
  ) WITHOUT ROWID;

  CREATE TABLE co_totals (
    key TEXT PRIMARY KEY,
    n   INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO co_totals (key, n) VALUES ('documents', 0), ('sentences', 0);

  -- MeSH tree numbers, one row each, for roll-up (descendants = prefix range scan).
  CREATE TABLE co_entity_tree (
    tree_number TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    PRIMARY KEY (tree_number, entity_id)
  ) WITHOUT ROWID;

  ${unitTriggers('co_doc_entity', 'docs', 'documents')}
  ${unitTriggers('co_sent_entity', 'sents', 'sentences')}

  CREATE TRIGGER co_mention_insert AFTER INSERT ON co_mention BEGIN ${addToUnits('NEW')} END;
  CREATE TRIGGER co_mention_delete AFTER DELETE ON co_mention BEGIN ${removeFromUnits('OLD')} END;
  CREATE TRIGGER co_mention_update AFTER UPDATE ON co_mention BEGIN ${removeFromUnits('OLD')} ${addToUnits('NEW')} END;

  CREATE TRIGGER co_mentions_insert AFTER INSERT ON mentions
    WHEN NEW.entity_id IS NOT NULL AND NEW.review != 'rejected' BEGIN
    INSERT INTO co_mention (mention_id, document_id, sentence, entity_id, type)
      VALUES (NEW.id, NEW.document_id, NEW.sentence,
              COALESCE((SELECT merged_into FROM entities WHERE id = NEW.entity_id), NEW.entity_id), NEW.type);
  END;
  CREATE TRIGGER co_mentions_delete AFTER DELETE ON mentions BEGIN
    DELETE FROM co_mention WHERE mention_id = OLD.id;
  END;
  CREATE TRIGGER co_mentions_update AFTER UPDATE ON mentions
    WHEN (OLD.review = 'rejected') != (NEW.review = 'rejected') OR OLD.entity_id IS NOT NEW.entity_id
      OR OLD.sentence IS NOT NEW.sentence OR OLD.document_id != NEW.document_id BEGIN
    DELETE FROM co_mention WHERE mention_id = OLD.id;
    INSERT INTO co_mention (mention_id, document_id, sentence, entity_id, type)
      SELECT NEW.id, NEW.document_id, NEW.sentence,
             COALESCE((SELECT merged_into FROM entities WHERE id = NEW.entity_id), NEW.entity_id), NEW.type
       WHERE NEW.entity_id IS NOT NULL AND NEW.review != 'rejected';
  END;

  CREATE TRIGGER co_entities_merge AFTER UPDATE OF merged_into ON entities
    WHEN OLD.merged_into IS NOT NEW.merged_into BEGIN
    UPDATE co_mention SET entity_id = COALESCE(NEW.merged_into, NEW.id)
     WHERE mention_id IN (SELECT id FROM mentions WHERE entity_id = NEW.id AND review != 'rejected');
  END;
  CREATE TRIGGER co_entities_tree_insert AFTER INSERT ON entities BEGIN
    INSERT OR IGNORE INTO co_entity_tree (tree_number, entity_id) SELECT value, NEW.id FROM json_each(NEW.tree_numbers);
  END;
  CREATE TRIGGER co_entities_tree_update AFTER UPDATE OF tree_numbers ON entities
    WHEN OLD.tree_numbers IS NOT NEW.tree_numbers BEGIN
    DELETE FROM co_entity_tree WHERE entity_id = OLD.id AND tree_number IN (SELECT value FROM json_each(OLD.tree_numbers));
    INSERT OR IGNORE INTO co_entity_tree (tree_number, entity_id) SELECT value, NEW.id FROM json_each(NEW.tree_numbers);
  END;

  -- Back-fill from a store written before this migration (the triggers above do the counting).
  INSERT INTO co_entity_tree (tree_number, entity_id)
    SELECT DISTINCT j.value, e.id FROM entities e, json_each(e.tree_numbers) j;
  INSERT INTO co_mention (mention_id, document_id, sentence, entity_id, type)
    SELECT m.id, m.document_id, m.sentence, COALESCE(e.merged_into, m.entity_id), m.type
      FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id
     WHERE m.entity_id IS NOT NULL AND m.review != 'rejected'
     ORDER BY m.document_id;
`;

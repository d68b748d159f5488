/**
 * Schema of the embedded store, applied as an ordered list of migrations. `PRAGMA user_version`
 * records the last applied one; each runs in an IMMEDIATE transaction that re-reads the version,
 * so two processes opening the same fresh file never migrate twice.
 *
 * Append new migrations; never edit one that has shipped.
 */
import { VanerError } from '../../errors.js';
import { CO_MENTION_MIGRATION_SQL } from '../co-mention-schema.js';
import type { SqliteDatabase } from './sqlite-connection.js';

/** A migration: SQL, or a function for steps SQL cannot make conditional (ADD COLUMN has no IF NOT EXISTS). */
type Migration = string | ((db: SqliteDatabase) => void);

/** Adds a column unless the table already has it (a file migrated by a build that had it, then rolled back). */
function addColumn(db: SqliteDatabase, table: string, column: string, type: string): void {
  const columns = db.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all();
  if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}

const MIGRATIONS: readonly Migration[] = [
  // 1: knowledge base, documents, mentions, curation audit
  `
  CREATE TABLE kb_meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  INSERT INTO kb_meta (key, value) VALUES ('revision', 0);

  CREATE TABLE entities (
    id           TEXT PRIMARY KEY,
    type         TEXT NOT NULL,
    name         TEXT NOT NULL,
    source       TEXT NOT NULL,
    parents      TEXT NOT NULL DEFAULT '[]',
    tree_numbers TEXT NOT NULL DEFAULT '[]',
    merged_into  TEXT REFERENCES entities (id),
    curated      INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL
  );
  CREATE INDEX entities_merged_into ON entities (merged_into) WHERE merged_into IS NOT NULL;

  CREATE TABLE entity_names (
    id        INTEGER PRIMARY KEY,
    entity_id TEXT NOT NULL REFERENCES entities (id),
    name      TEXT NOT NULL,
    norm      TEXT NOT NULL,
    origin    TEXT NOT NULL,
    removed   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (entity_id, name)
  );
  CREATE INDEX entity_names_norm ON entity_names (norm);

  -- Trigram full-text index over the normalised names: substring search without a table scan.
  -- Inserts are indexed by the writer once per transaction (INSERT ... SELECT of the new rowids),
  -- which is about ten times cheaper than a per-row trigger on large imports; deletes and updates
  -- are rare and use triggers.
  CREATE VIRTUAL TABLE entity_names_fts USING fts5 (norm, content = 'entity_names', content_rowid = 'id', tokenize = 'trigram');
  CREATE TRIGGER entity_names_fts_delete AFTER DELETE ON entity_names BEGIN
    INSERT INTO entity_names_fts (entity_names_fts, rowid, norm) VALUES ('delete', old.id, old.norm);
  END;
  CREATE TRIGGER entity_names_fts_update AFTER UPDATE OF norm ON entity_names BEGIN
    INSERT INTO entity_names_fts (entity_names_fts, rowid, norm) VALUES ('delete', old.id, old.norm);
    INSERT INTO entity_names_fts (rowid, norm) VALUES (new.id, new.norm);
  END;

  CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    external_id   TEXT UNIQUE,
    title         TEXT,
    text          TEXT NOT NULL,
    text_hash     TEXT NOT NULL,
    metadata      TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    annotated_at  TEXT,
    labeler       TEXT,
    model_version TEXT
  );

  CREATE TABLE mentions (
    id              TEXT PRIMARY KEY,
    document_id     TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    start_offset    INTEGER NOT NULL,
    end_offset      INTEGER NOT NULL,
    text            TEXT NOT NULL,
    type            TEXT NOT NULL,
    -- Not a foreign key: a linker may link to ids the KB of this store does not hold (yet).
    entity_id       TEXT,
    confidence      REAL,
    labeler         TEXT NOT NULL,
    model_version   TEXT NOT NULL,
    linker_version  TEXT NOT NULL,
    link_method     TEXT,
    matched_name    TEXT,
    link_confidence REAL,
    sentence        INTEGER,
    review          TEXT NOT NULL DEFAULT 'unreviewed' CHECK (review IN ('unreviewed', 'confirmed', 'rejected')),
    reviewed_by     TEXT,
    reviewed_at     TEXT
  );
  CREATE INDEX mentions_document ON mentions (document_id, start_offset);
  CREATE INDEX mentions_entity ON mentions (entity_id, document_id) WHERE entity_id IS NOT NULL;

  CREATE TABLE curation_edits (
    id     TEXT PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before TEXT,
    after  TEXT
  );
  CREATE INDEX curation_edits_target ON curation_edits (target, at);
  `,
  // 2: co-mention counts (documents and sentences), kept exact by triggers; see co-mention-schema.ts
  CO_MENTION_MIGRATION_SQL,
  // 3: sources of names, users' vocabularies (listed, disabled, removed), alias ids, retired entities
  `
  ALTER TABLE entity_names ADD COLUMN source TEXT NOT NULL DEFAULT '';
  UPDATE entity_names SET source = CASE origin
    WHEN 'annotation' THEN 'corpus-annotation'
    WHEN 'curator' THEN 'curator'
    ELSE (SELECT e.source FROM entities e WHERE e.id = entity_names.entity_id) END;
  CREATE INDEX entity_names_source ON entity_names (source);
  CREATE INDEX entities_source ON entities (source);
  ALTER TABLE entities ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;

  -- Ids that resolve to another entity: old MeSH supplementary ids (history), OBO alt_ids.
  CREATE TABLE entity_aliases (
    alias     TEXT PRIMARY KEY,
    entity_id TEXT NOT NULL,
    source    TEXT NOT NULL,
    evidence  TEXT
  ) WITHOUT ROWID;
  CREATE INDEX entity_aliases_entity ON entity_aliases (entity_id);
  CREATE INDEX entity_aliases_source ON entity_aliases (source);

  -- Users' vocabularies (vaner kb import --vocabulary) and the enabled flag of every source.
  CREATE TABLE kb_sources (
    name        TEXT PRIMARY KEY,
    format      TEXT,
    file        TEXT,
    imported_at TEXT,
    enabled     INTEGER NOT NULL DEFAULT 1
  ) WITHOUT ROWID;
  `,
  // 4: the annotation scheme of each mention and of a document's current annotations (NULL: none, e.g. the
  // dictionary labeler, or annotated before schemes existed)
  (db) => {
    addColumn(db, 'mentions', 'scheme', 'TEXT');
    addColumn(db, 'documents', 'scheme', 'TEXT');
  },
];

/** The schema version this code writes. */
export const STORE_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to {@link STORE_SCHEMA_VERSION}; refuses a database written by newer code. */
export function migrateStoreSchema(db: SqliteDatabase): void {
  const readVersion = (): number => db.pragma('user_version', { simple: true }) as number;
  if (readVersion() > STORE_SCHEMA_VERSION) {
    throw new VanerError('STORE_UNAVAILABLE', `database schema version ${readVersion()} is newer than this program (${STORE_SCHEMA_VERSION})`);
  }
  for (let version = 1; version <= MIGRATIONS.length; version++) {
    db.transaction(() => {
      if (readVersion() >= version) return;
      const migration = MIGRATIONS[version - 1]!;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}

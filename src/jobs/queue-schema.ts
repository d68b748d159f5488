/**
 * Tables of the in-process queue. They may live in the store's database file, whose `user_version`
 * belongs to the store, so the queue records its own schema version in `queue_meta`.
 */
import { VanerError } from '../errors.js';
import type { SqliteDatabase } from '../store/index.js';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE queue_jobs (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    state            TEXT NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    total            INTEGER NOT NULL,
    done             INTEGER NOT NULL DEFAULT 0,
    failed           INTEGER NOT NULL DEFAULT 0,
    failures         TEXT NOT NULL DEFAULT '[]',
    attempts         INTEGER NOT NULL DEFAULT 0,
    error            TEXT,
    -- epoch ms; a retry waits out its backoff by being unavailable until then
    available_at     INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_token      TEXT,
    lease_expires_at INTEGER,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    finished_at      TEXT
  );
  CREATE INDEX queue_jobs_ready ON queue_jobs (state, available_at, seq);

  CREATE TABLE queue_job_documents (
    job_id      TEXT NOT NULL REFERENCES queue_jobs (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    document_id TEXT NOT NULL,
    PRIMARY KEY (job_id, position)
  ) WITHOUT ROWID;
  `,
  // v2: cancelJob. A running job cannot be stopped from another process directly; the request is
  // recorded here and the worker honours it at its next batch boundary.
  `
  ALTER TABLE queue_jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX queue_jobs_updated ON queue_jobs (updated_at);
  `,
  // v3: who created a job (an API key's owner), for ownership checks on cancel and retry.
  `
  ALTER TABLE queue_jobs ADD COLUMN owner TEXT;
  `,
  // v4: the annotation scheme a job was submitted with (null: the labeler's default).
  `
  ALTER TABLE queue_jobs ADD COLUMN scheme TEXT;
  `,
];

export function migrateQueueSchema(db: SqliteDatabase): void {
  db.exec('CREATE TABLE IF NOT EXISTS queue_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
  const version = (): number => db.prepare<[], { value: number }>("SELECT value FROM queue_meta WHERE key = 'schema_version'").get()?.value ?? 0;
  if (version() > MIGRATIONS.length) {
    throw new VanerError('QUEUE_UNAVAILABLE', `queue schema version ${version()} is newer than this program (${MIGRATIONS.length})`);
  }
  for (let v = 1; v <= MIGRATIONS.length; v++) {
    // IMMEDIATE and re-checked inside: two processes opening a fresh file migrate once.
    db.transaction(() => {
      if (version() >= v) return;
      db.exec(MIGRATIONS[v - 1]!);
      db.prepare("INSERT INTO queue_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(v);
    }).immediate();
  }
}

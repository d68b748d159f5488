/**
 * Opens a better-sqlite3 connection with the settings every embedded component relies on.
 * The store and the in-process queue may share one database file across several processes, so
 * WAL (readers never block the writer) and a busy timeout (writers wait instead of failing at once)
 * are not optional.
 */
import Database from 'better-sqlite3';
import { VanerError } from '../../errors.js';

export type SqliteDatabase = Database.Database;

export interface OpenSqliteOptions {
  readonly path: string;
  /** @defaultValue false */
  readonly readonly?: boolean;
  /** How long a writer waits for another connection's lock, in ms. @defaultValue 5000 */
  readonly busyTimeoutMs?: number;
}

/** Opens (creating if needed) a SQLite database in WAL mode with foreign keys on. */
export function openSqliteDatabase(options: OpenSqliteOptions): SqliteDatabase {
  if (typeof options.path !== 'string' || options.path.length === 0) {
    throw new VanerError('CONFIG_INVALID', 'SQLite path must be a non-empty string', { details: { field: 'path' } });
  }
  let db: SqliteDatabase;
  try {
    db = new Database(options.path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (cause) {
    throw new VanerError('STORE_UNAVAILABLE', 'cannot open the embedded database', { cause, retriable: false });
  }
  try {
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    if (!(options.readonly ?? false)) {
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
  } catch (cause) {
    db.close();
    throw new VanerError('STORE_UNAVAILABLE', 'cannot configure the embedded database', { cause, retriable: true });
  }
  return db;
}

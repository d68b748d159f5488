/**
 * API keys in the embedded database file (its own table `api_keys`, created idempotently; the
 * store's schema is not touched). Every statement is a constant with bound parameters.
 * Verification reads the row on every request (one primary-key lookup), so a key created or
 * revoked by `vaner keys` in another process takes effect on the next request.
 */
import { VanerError } from '../errors.js';
import { openSqliteDatabase } from '../store/index.js';
import { generateToken, hashesEqual, hashSecret, KEY_ID, parseToken } from './api-key-token.js';
import type { ApiKeyInfo, ApiKeyStore, CreatedApiKey, CreateKeyInput, KeyOrigin } from './key-store.js';
import { checkOwner } from './key-owner.js';
import type { Principal } from './principal.js';
import { parseRole, type Role } from './roles.js';
import { loadOrCreateServerSecret } from './server-secret.js';

export interface SqliteKeyStoreOptions {
  /** The embedded database file (`databasePath(config)`). */
  readonly path: string;
  /** Where the server secret file lives (`config.dataDir`). */
  readonly dataDir: string;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS api_keys (
  id          TEXT PRIMARY KEY,
  owner       TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('reader', 'submitter', 'curator', 'admin')),
  secret_hash BLOB NOT NULL,
  origin      TEXT NOT NULL CHECK (origin IN ('cli', 'api', 'bootstrap')),
  created_by  TEXT,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
)`;

interface KeyRow {
  id: string;
  owner: string;
  role: string;
  secret_hash: Buffer;
  origin: string;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
}

const BOOTSTRAP_OWNER = 'admin';

function info(row: KeyRow): ApiKeyInfo {
  return {
    id: row.id,
    owner: row.owner,
    role: parseRole(row.role),
    origin: row.origin as KeyOrigin,
    createdBy: row.created_by,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function unauthenticated(message: string): VanerError {
  return new VanerError('UNAUTHENTICATED', message);
}

/** Opens the key store over the embedded database file, creating its table when absent. */
export function openSqliteKeyStore(options: SqliteKeyStoreOptions): ApiKeyStore {
  const serverSecret = loadOrCreateServerSecret(options.dataDir);
  const db = openSqliteDatabase({ path: options.path });
  try {
    db.exec(CREATE_TABLE);
  } catch (cause) {
    db.close();
    throw new VanerError('STORE_UNAVAILABLE', 'cannot create the api_keys table', { cause });
  }
  const insert = db.prepare(
    'INSERT INTO api_keys (id, owner, role, secret_hash, origin, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const byId = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ?');
  // The key check reads exactly one row whether the id exists or not (the placeholder row has a
  // zero hash, which no HMAC equals, and found = 0), so the lookup itself takes the same time too.
  const forVerify = db.prepare<[string], { id: string; owner: string; role: string; secret_hash: Buffer; revoked_at: string | null; found: number }>(
    `SELECT id, owner, role, secret_hash, revoked_at, 1 AS found FROM api_keys WHERE id = ?
     UNION ALL SELECT '', '', 'reader', zeroblob(32), NULL, 0
     LIMIT 1`,
  );
  const all = db.prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id');
  const anyKey = db.prepare<[], { one: number }>('SELECT 1 AS one FROM api_keys LIMIT 1');
  const revokeRow = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');

  const createRow = (owner: string, role: Role, origin: KeyOrigin, createdBy: string | null): CreatedApiKey => {
    const { id, secret, token } = generateToken();
    const createdAt = new Date().toISOString();
    insert.run(id, owner, role, hashSecret(serverSecret, id, secret), origin, createdBy, createdAt);
    return { id, owner, role, origin, createdBy, createdAt, revokedAt: null, key: token };
  };
  // IMMEDIATE takes the write lock before reading, so two processes starting on a fresh database
  // cannot both see "no keys" and both issue a first admin key.
  const createFirst = db.transaction((): CreatedApiKey | null => (anyKey.get() ? null : createRow(BOOTSTRAP_OWNER, 'admin', 'bootstrap', null)));

  let closed = false;
  const open = (): void => {
    if (closed) throw new VanerError('STORE_UNAVAILABLE', 'the key store is closed');
  };

  return {
    async create(input: CreateKeyInput) {
      open();
      const owner = checkOwner(input.owner);
      return createRow(owner, parseRole(input.role), input.origin, input.createdBy ?? null);
    },
    async createFirstAdminKey() {
      open();
      return createFirst.immediate();
    },
    async list() {
      open();
      return all.all().map(info);
    },
    async revoke(id: string) {
      open();
      if (!KEY_ID.test(id)) throw new VanerError('NOT_FOUND', `no API key with id ${JSON.stringify(id)}`, { details: { field: 'id' } });
      revokeRow.run(new Date().toISOString(), id);
      const row = byId.get(id);
      if (!row) throw new VanerError('NOT_FOUND', `no API key with id ${JSON.stringify(id)}`, { details: { field: 'id' } });
      return info(row);
    },
    async verify(token: string): Promise<Principal> {
      open();
      const parsed = parseToken(token);
      if (!parsed) throw unauthenticated('malformed API key; expected Authorization: Bearer vk_<id>_<secret>');
      const row = forVerify.get(parsed.id)!;
      // Unknown, wrong secret and revoked get one message, so the answer tells a guesser nothing; and
      // one amount of work: one row read, one hash, one comparison, so timing does not tell which
      // key ids exist.
      const matches = hashesEqual(row.secret_hash, hashSecret(serverSecret, parsed.id, parsed.secret));
      if (row.found !== 1 || !matches || row.revoked_at !== null) {
        throw unauthenticated('invalid or revoked API key');
      }
      return { keyId: row.id, owner: row.owner, role: parseRole(row.role) };
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

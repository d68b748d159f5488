/**
 * Neo4j schema migrations: `migrations/NNNN-description.cypher`, applied once each, in order, and
 * recorded as `(:Migration {version, name, checksum, appliedAt})`.
 *
 * Concurrency: two processes may run `migrate` at once (several workers starting together). A
 * `(:MigrationLock {id: 1})` node is claimed with a conditional update inside a write transaction;
 * the transaction first writes the node, which takes Neo4j's exclusive lock on it, so the second
 * claimant blocks until the first commits and then sees its holder. The claim is a lease (it expires)
 * so a migrator that died does not block the next one forever. Statements are idempotent anyway
 * (IF NOT EXISTS, MERGE), so a run interrupted half-way is completed by the next run.
 *
 * Safety: a file whose checksum differs from the recorded one is refused (CONFLICT naming the file):
 * an applied migration is never edited; add a new one instead.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j, { type Driver } from 'neo4j-driver';
import { VanerError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import { splitCypherStatements } from './cypher-split.js';

/** The migrations shipped with the program (the repository's migrations/ folder, from src/ or dist/). */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'migrations');

const FILE_PATTERN = /^(\d{4})-([a-z0-9][a-z0-9-]*)\.cypher$/u;
/** How long a lock claim lasts; renewed before each migration. */
const LOCK_LEASE_MS = 5 * 60_000;

/** Statements of the migration machinery itself (bootstrap, lock, records). */
export const MIGRATION_STATEMENTS = {
  CONSTRAINT_MIGRATION_VERSION: 'CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (m:Migration) REQUIRE m.version IS UNIQUE',
  CONSTRAINT_MIGRATION_LOCK: 'CREATE CONSTRAINT migration_lock_id IF NOT EXISTS FOR (l:MigrationLock) REQUIRE l.id IS UNIQUE',
  CLAIM_LOCK: `
MERGE (l:MigrationLock {id: 1})
SET l.claiming = true
REMOVE l.claiming
WITH l
WHERE l.holder IS NULL OR l.holder = $holder OR l.expiresAt < $now
SET l.holder = $holder, l.expiresAt = $expiresAt
RETURN l.holder AS holder`,
  RELEASE_LOCK: `
MATCH (l:MigrationLock {id: 1})
WHERE l.holder = $holder
REMOVE l.holder, l.expiresAt`,
  APPLIED: `
MATCH (m:Migration)
RETURN m.version AS version, m.name AS name, m.checksum AS checksum
ORDER BY m.version`,
  AWAIT_INDEXES: 'CALL db.awaitIndexes($timeoutSeconds)',
  RECORD: `
MERGE (m:Migration {version: $version})
  ON CREATE SET m.name = $name, m.checksum = $checksum, m.appliedAt = $appliedAt`,
} as const;

export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly file: string;
  readonly checksum: string;
  readonly statements: readonly string[];
}

export interface MigrateOptions {
  /** @defaultValue {@link DEFAULT_MIGRATIONS_DIR} */
  readonly dir?: string;
  readonly logger?: Logger;
  /** @defaultValue the driver's default database */
  readonly database?: string;
  /** How long to wait for another migrator's lock. @defaultValue 120000 */
  readonly lockTimeoutMs?: number;
}

export interface MigrateResult {
  /** File names applied by this call, in order. */
  readonly applied: readonly string[];
  /** Versions already recorded before this call. */
  readonly alreadyApplied: number;
}

/** Reads and checks the migration files of `dir` (names, numbering) without touching a database. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    throw new VanerError('CONFIG_INVALID', `migrations folder ${dir} cannot be read`, { cause: error });
  }
  const files: MigrationFile[] = [];
  for (const file of names.filter((n) => n.endsWith('.cypher')).sort()) {
    const match = FILE_PATTERN.exec(file);
    // A misnamed file would otherwise be skipped silently: refuse it.
    if (match === null) throw new VanerError('CONFIG_INVALID', `migration file ${file} is not named NNNN-description.cypher`, { details: { file } });
    const version = Number(match[1]);
    const previous = files.at(-1);
    if (previous !== undefined && previous.version === version) {
      throw new VanerError('CONFIG_INVALID', `migrations ${previous.file} and ${file} share version ${version}`, { details: { file } });
    }
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    const statements = splitCypherStatements(text);
    if (statements.length === 0) throw new VanerError('CONFIG_INVALID', `migration file ${file} has no statements`, { details: { file } });
    files.push({ version, name: match[2]!, file, checksum: createHash('sha256').update(text, 'utf8').digest('hex'), statements });
  }
  return files;
}

/**
 * Applies the pending migrations of `options.dir` in version order. Safe to run twice and from two
 * processes at once. Throws CONFLICT when an applied file changed, STORE_UNAVAILABLE when the lock
 * cannot be had within `lockTimeoutMs`.
 */
export async function migrate(driver: Driver, options: MigrateOptions = {}): Promise<MigrateResult> {
  const logger = options.logger ?? silentLogger;
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  const files = await readMigrations(dir);
  const holder = randomUUID();
  const session = () => driver.session({ database: options.database, defaultAccessMode: neo4j.session.WRITE });

  // Bootstrap: the constraints the lock and the records rely on (idempotent schema commands).
  for (const statement of [MIGRATION_STATEMENTS.CONSTRAINT_MIGRATION_VERSION, MIGRATION_STATEMENTS.CONSTRAINT_MIGRATION_LOCK]) {
    const s = session();
    try {
      await s.executeWrite((tx) => tx.run(statement));
    } finally {
      await s.close();
    }
  }

  const claim = async (): Promise<boolean> => {
    const s = session();
    try {
      const now = Date.now();
      const result = await s.executeWrite((tx) =>
        tx.run(MIGRATION_STATEMENTS.CLAIM_LOCK, { holder, now: neo4j.int(now), expiresAt: neo4j.int(now + LOCK_LEASE_MS) }),
      );
      return result.records.length === 1;
    } finally {
      await s.close();
    }
  };
  const deadline = Date.now() + (options.lockTimeoutMs ?? 120_000);
  while (!(await claim())) {
    if (Date.now() > deadline) throw new VanerError('STORE_UNAVAILABLE', 'another process holds the migration lock', { retriable: true });
    logger.info('migrate: waiting for another migrator');
    await new Promise((r) => setTimeout(r, 500));
  }

  try {
    const s = session();
    let applied: Map<number, { name: string; checksum: string }>;
    try {
      const result = await s.executeRead((tx) => tx.run(MIGRATION_STATEMENTS.APPLIED));
      applied = new Map(result.records.map((r) => [Number(r.get('version')), { name: String(r.get('name')), checksum: String(r.get('checksum')) }]));
    } finally {
      await s.close();
    }
    for (const file of files) {
      const recorded = applied.get(file.version);
      if (recorded !== undefined && recorded.checksum !== file.checksum) {
        throw new VanerError('CONFLICT', `migration ${file.file} was changed after it was applied (checksum differs); add a new migration instead`, {
          details: { file: file.file },
        });
      }
    }
    const known = new Set(files.map((f) => f.version));
    for (const version of applied.keys()) {
      if (!known.has(version)) logger.warn('migrate: the database has a migration this program does not know (newer version?)', { version });
    }
    const done: string[] = [];
    for (const file of files) {
      if (applied.has(file.version)) continue;
      if (!(await claim())) throw new VanerError('STORE_UNAVAILABLE', 'the migration lock was lost (lease expired)', { retriable: true });
      logger.info('migrate: applying', { file: file.file, statements: file.statements.length });
      // One transaction per statement: Neo4j refuses schema commands and data writes in one transaction.
      for (const statement of file.statements) {
        const ws = session();
        try {
          await ws.executeWrite((tx) => tx.run(statement));
        } catch (error) {
          throw new VanerError('STORE_UNAVAILABLE', `migration ${file.file} failed`, { cause: error, details: { file: file.file } });
        } finally {
          await ws.close();
        }
      }
      const rs = session();
      try {
        await rs.executeWrite((tx) =>
          tx.run(MIGRATION_STATEMENTS.RECORD, { version: neo4j.int(file.version), name: file.name, checksum: file.checksum, appliedAt: new Date().toISOString() }),
        );
      } finally {
        await rs.close();
      }
      done.push(file.file);
    }
    if (done.length > 0) {
      // Indexes build in the background; wait so the store does not start on half-built indexes.
      const ws = session();
      try {
        await ws.run(MIGRATION_STATEMENTS.AWAIT_INDEXES, { timeoutSeconds: neo4j.int(300) });
      } finally {
        await ws.close();
      }
    }
    logger.info('migrate: done', { applied: done, alreadyApplied: applied.size });
    return { applied: done, alreadyApplied: applied.size };
  } finally {
    const s = session();
    try {
      await s.executeWrite((tx) => tx.run(MIGRATION_STATEMENTS.RELEASE_LOCK, { holder }));
    } catch (error) {
      logger.warn('migrate: could not release the lock (it expires by itself)', { error: String(error) });
    } finally {
      await s.close();
    }
  }
}

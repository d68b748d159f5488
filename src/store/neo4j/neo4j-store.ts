/**
 * The production store: the Store port over Neo4j 5 (neo4j-driver 6), one file per port:
 * neo4j-kb.ts, neo4j-documents.ts, neo4j-curation.ts (primitives under the shared curation service),
 * neo4j-co-mentions.ts (counts under the shared ranking); neo4j-session.ts holds what they share.
 *
 * - One driver per store (per process); one session per unit of work, closed in `finally`.
 * - Writes go through `executeWrite` (managed transactions, retried by the driver on transient
 *   errors), so every write is an idempotent UNWIND … MERGE batch or runs in a transaction that is
 *   rolled back before a retry.
 * - Every statement is a named constant of statements.ts with `$parameters`; nothing is spliced.
 *
 * The graph model is described in docs/neo4j-model.md.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import { VanerError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import { createCurationService } from '../curation/curation-service.js';
import { checkNonEmpty } from '../input-checks.js';
import type { Store } from '../port.js';
import { DEFAULT_MIGRATIONS_DIR, migrate } from './migrate.js';
import { createNeo4jCoMentions } from './neo4j-co-mentions.js';
import { createNeo4jCurationStorage } from './neo4j-curation.js';
import { createNeo4jDocuments } from './neo4j-documents.js';
import { createNeo4jKnowledgeBase } from './neo4j-kb.js';
import { createUnit, resolveIds, storeError } from './neo4j-session.js';

export interface Neo4jStoreOptions {
  /** neo4j://host:7687 (routing) or bolt://host:7687 (direct). */
  readonly uri: string;
  readonly user: string;
  readonly password: string;
  /** @defaultValue the server's default database */
  readonly database?: string;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
  /**
   * Apply pending migrations when opening (safe with several processes: see migrate.ts).
   * Set false when `vaner migrate` runs as a separate deployment step. @defaultValue true
   */
  readonly migrate?: boolean;
  /** @defaultValue the shipped migrations/ folder */
  readonly migrationsDir?: string;
  /** Driver connection pool size. @defaultValue 50 */
  readonly maxConnectionPoolSize?: number;
}

/**
 * Opens the Neo4j store: creates the driver, checks connectivity (STORE_UNAVAILABLE when the server
 * cannot be reached or refuses the credentials) and, unless `migrate: false`, applies pending migrations.
 */
export async function openNeo4jStore(options: Neo4jStoreOptions): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  checkNonEmpty([['uri', options.uri], ['user', options.user]]);
  if (typeof options.password !== 'string') throw new VanerError('CONFIG_INVALID', 'neo4j password must be a string', { details: { field: 'password' } });
  const driver: Driver = neo4j.driver(options.uri, neo4j.auth.basic(options.user, options.password), {
    disableLosslessIntegers: true,
    maxConnectionPoolSize: options.maxConnectionPoolSize ?? 50,
    userAgent: 'vaner-kg',
  });
  const database = options.database;
  try {
    await driver.verifyConnectivity({ database });
    if (options.migrate ?? true) await migrate(driver, { dir: options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR, logger, database });
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw storeError(error);
  }
  logger.info('neo4j store opened', { uri: options.uri, database: database ?? null });
  return createNeo4jStore(driver, { database, logger });
}

/** The Store over an open driver; closing the store closes the driver. */
export function createNeo4jStore(driver: Driver, settings: { database?: string; logger?: Logger }): Store {
  const logger = settings.logger ?? silentLogger;
  let closed = false;
  const unit = createUnit(driver, settings.database, () => closed);
  const knowledgeBase = createNeo4jKnowledgeBase(unit);
  const coMentions = createNeo4jCoMentions({ read: (work) => unit.read(work), resolveIds });
  return {
    kind: 'neo4j',
    ...knowledgeBase,
    ...createNeo4jDocuments(unit),
    ...createCurationService(createNeo4jCurationStorage(unit), knowledgeBase),
    coMentions: (entityId, args) => coMentions.coMentions(entityId, args),
    coMentionEvidence: (entityA, entityB, args) => coMentions.coMentionEvidence(entityA, entityB, args),
    coMentionGraph: (args) => coMentions.coMentionGraph(args),

    async close() {
      if (closed) return;
      closed = true;
      await driver.close();
      logger.info('neo4j store closed');
    },
  };
}

/** Public surface of the storage module. */
export type * from './port.js';
export { openEmbeddedStore, type EmbeddedStoreOptions } from './embedded/sqlite-store.js';
export { openSqliteDatabase, type OpenSqliteOptions, type SqliteDatabase } from './embedded/sqlite-connection.js';
export { documentTextHash } from './text-hash.js';
export { nameKey } from './name-key.js';
export { newId } from './ids.js';
export { DEFAULT_EVIDENCE_LIMIT } from './co-mention-args.js';
export { openNeo4jStore, type Neo4jStoreOptions } from './neo4j/neo4j-store.js';
export { migrate as migrateNeo4j, readMigrations as readNeo4jMigrations, DEFAULT_MIGRATIONS_DIR, type MigrateOptions, type MigrateResult } from './neo4j/migrate.js';
export { npmi, gSquared, signedLogLikelihoodRatio, type PairCounts } from './association-scores.js';
export { CO_MENTION_LEVELS, CO_MENTION_ORDERS, MAX_GRAPH_LIMIT, MAX_GRAPH_DEPTH, MAX_GRAPH_SEEDS, DEFAULT_GRAPH_LIMIT } from './co-mention-args.js';

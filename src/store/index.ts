/** Public surface of the storage module. */
export type * from './port.js';
export { openEmbeddedStore, type EmbeddedStoreOptions } from './sqlite-store.js';
export { openSqliteDatabase, type OpenSqliteOptions, type SqliteDatabase } from './sqlite-connection.js';
export { documentTextHash } from './text-hash.js';
export { nameKey } from './name-key.js';
export { newId } from './ids.js';
export { DEFAULT_EVIDENCE_LIMIT } from './sqlite-co-mentions.js';

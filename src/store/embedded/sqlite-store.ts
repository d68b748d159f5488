/**
 * The embedded store: the Store port over one SQLite file (better-sqlite3, synchronous). Several
 * processes may share the file: WAL, a busy timeout, and IMMEDIATE write transactions make that safe.
 */
import { VanerError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import { checkGraphArgs, checkLevel, checkMinCount, checkOrder, checkRollUp } from '../co-mention-args.js';
import { checkNonEmpty, checkSourceName, checkTypes } from '../input-checks.js';
import { checkPageArgs } from '../page-args.js';
import type { EntityName } from '../../domain/index.js';
import type { Store } from '../port.js';
import { createCoMentionQueries } from './sqlite-co-mentions.js';
import { createCurationService } from '../curation/curation-service.js';
import { createConnectionGate } from './connection-gate.js';
import { createCurationStorage } from './sqlite-curation.js';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-connection.js';
import { createDocumentRepository } from './sqlite-documents.js';
import { createKbRepository, VISIBLE_NAME_SQL } from './sqlite-kb.js';
import { migrateStoreSchema } from './sqlite-schema.js';

export interface EmbeddedStoreOptions {
  /** Database file; created with its schema when missing. */
  readonly path: string;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
}

/**
 * Opens the embedded store at `options.path`, creating or upgrading its schema.
 * Throws VanerError('STORE_UNAVAILABLE') when the file cannot be opened or is from a newer version.
 */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  const db = openSqliteDatabase({ path: options.path });
  try {
    migrateStoreSchema(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const kb = createKbRepository(db);
  const documents = createDocumentRepository(db);
  const coMentions = createCoMentionQueries(db, (fn) => gate.run(fn));
  // Readers opened by iterateNames; closed when their iteration ends or when the store closes.
  const readers = new Set<SqliteDatabase>();
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new VanerError('STORE_UNAVAILABLE', 'the store is closed');
  };
  const connection = createConnectionGate();
  /**
   * Runs a synchronous repository call as a promise, so callers see one asynchronous port for both
   * adapters and errors arrive as rejections, never as synchronous throws. Waits while a curation
   * transaction holds the connection (connection-gate.ts).
   */
  const gate = {
    run: <T>(fn: () => T): Promise<T> => connection.run(() => (ensureOpen(), fn())),
    exclusive: <T>(fn: () => Promise<T>): Promise<T> => connection.exclusive(async () => (ensureOpen(), fn())),
  };
  const run = gate.run;
  const curation = createCurationService(createCurationStorage(db, gate, documents), { getEntities: (ids) => run(() => kb.getEntities(ids)) });
  const resolve = (id: string): string => {
    if (typeof id !== 'string' || id === '') throw new VanerError('BAD_USER_INPUT', 'entityId must be a non-empty string', { details: { field: 'entityId' } });
    // An id the KB does not hold may still be linked by mentions; it then stands for itself.
    return kb.resolveId(id) ?? id;
  };

  logger.info('embedded store opened', { path: options.path });

  return {
    kind: 'embedded',
    upsertEntities: (records) => run(() => kb.upsertEntities(records)),
    importVocabulary: (source, records, aliases) =>
      run(() => {
        checkSourceName(source.name);
        return kb.importVocabulary(source, records, aliases);
      }),
    addAliases: (aliases) => run(() => kb.addAliases(aliases)),
    listSources: () => run(() => kb.listSources()),
    setSourceEnabled: (name, enabled) => run(() => kb.setSourceEnabled(name, enabled)),
    removeSource: (name) => run(() => kb.removeSource(name)),
    addNames: (names) => run(() => kb.addNames(names)),
    getEntities: (ids) => run(() => kb.getEntities(ids)),
    searchEntities: (query, opts) =>
      run(() => {
        const first = checkPageArgs({ first: opts.first });
        if (typeof query !== 'string') throw new VanerError('BAD_USER_INPUT', 'query must be a string', { details: { field: 'query' } });
        checkTypes(opts.type === undefined || opts.type === null ? [] : [opts.type]);
        return kb.searchEntities(query, opts.type ?? null, first);
      }),
    getChildEntities: (entityId, opts) =>
      run(() => {
        const first = checkPageArgs({ first: opts.first });
        checkNonEmpty([['entityId', entityId]]);
        return kb.getChildEntities(entityId, first);
      }),
    getEntityNames: (entityId) =>
      run(() => {
        checkNonEmpty([['entityId', entityId]]);
        return kb.getEntityNames(entityId);
      }),
    iterateNames(types) {
      checkTypes(types);
      const path = options.path;
      return {
        async *[Symbol.asyncIterator](): AsyncGenerator<EntityName> {
          if (closed) throw new VanerError('STORE_UNAVAILABLE', 'the store is closed');
          // A dedicated connection: a better-sqlite3 connection is unusable for anything else while
          // an iterator is open, and this one is held across awaits. It also reads one consistent snapshot.
          const reader = openSqliteDatabase({ path, readonly: true });
          readers.add(reader);
          try {
            reader.prepare('BEGIN').run();
            const rows = reader
              .prepare<{ types: string | null }, EntityName>(
                `SELECT t.id AS entityId, t.type AS type, n.name AS name, n.origin AS origin, n.source AS source
                   FROM entity_names n
                   JOIN entities e ON e.id = n.entity_id
                   JOIN entities t ON t.id = COALESCE(e.merged_into, e.id)
                  WHERE n.removed = 0 AND (@types IS NULL OR t.type IN (SELECT value FROM json_each(@types)))
                    AND t.retired = 0 AND t.source NOT IN (SELECT name FROM kb_sources WHERE enabled = 0)
                    AND ${VISIBLE_NAME_SQL}
                  ORDER BY n.id`,
              )
              .iterate({ types: types === undefined ? null : JSON.stringify(types) });
            for (const row of rows) yield row;
          } finally {
            readers.delete(reader);
            if (reader.open) reader.close();
          }
        },
      };
    },
    countEntities: () => run(() => kb.countEntities()),
    kbRevision: () => run(() => kb.kbRevision()),
    ...curation,

    putDocuments: (docs) => run(() => documents.putDocuments(docs)),
    getDocuments: (ids) => run(() => documents.getDocuments(ids)),
    getDocumentsByExternalId: (ids) => run(() => documents.getDocumentsByExternalId(ids)),
    listDocuments: (args) =>
      run(() => {
        const first = checkPageArgs(args);
        const filter = args.filter ?? {};
        const entity = filter.entityId === undefined || filter.entityId === null ? null : resolve(filter.entityId);
        return documents.listDocuments(first, args.after ?? null, filter, entity);
      }),
    replaceMentions: (documentId, textHash, mentions, provenance) => run(() => documents.replaceMentions(documentId, textHash, mentions, provenance)),
    getMentionsByDocument: (ids) => run(() => documents.getMentionsByDocument(ids)),
    getMentions: (ids) => run(() => documents.getMentions(ids)),
    getMentionsByEntity: (entityId, args) => run(() => documents.getMentionsByEntity(resolve(entityId), checkPageArgs(args), args.after ?? null)),
    getDocumentsByEntity: (entityId, args) =>
      run(() => documents.listDocuments(checkPageArgs(args), args.after ?? null, {}, resolve(entityId))),

    coMentions: (entityId, args) =>
      run(() => {
        const first = checkPageArgs(args);
        checkTypes(args.type === undefined || args.type === null ? [] : [args.type]);
        return coMentions.coMentions({
          entity: resolve(entityId),
          first,
          after: args.after ?? null,
          type: args.type ?? null,
          evidenceLimit: args.evidenceLimit,
          level: checkLevel(args.level),
          orderBy: checkOrder(args.orderBy),
          minCount: checkMinCount(args.minCount),
          rollUp: checkRollUp(args.rollUp),
        });
      }),
    coMentionEvidence: (entityA, entityB, args) =>
      run(() => coMentions.coMentionEvidence(resolve(entityA), resolve(entityB), checkPageArgs(args), args.after ?? null, checkLevel(args.level))),
    coMentionGraph: async (args) => {
      const settings = checkGraphArgs(args);
      const seeds = await run(() => [...new Set(settings.seedIds.map(resolve))]);
      return coMentions.coMentionGraph(seeds, settings);
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const reader of readers) if (reader.open) reader.close();
      readers.clear();
      db.close();
      logger.info('embedded store closed', { path: options.path });
    },
  };
}

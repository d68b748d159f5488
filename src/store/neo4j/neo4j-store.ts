/**
 * The production store: the Store port over Neo4j 5 (neo4j-driver 6).
 *
 * - One driver per store (per process); one session per unit of work, closed in `finally`.
 * - Writes go through `executeWrite` (managed transactions, retried by the driver on transient
 *   errors), so every write is an idempotent UNWIND … MERGE batch or runs in a transaction that is
 *   rolled back before a retry.
 * - Integers are sent as `neo4j.int` and come back as JS numbers (`disableLosslessIntegers`; every
 *   integer the store keeps is far below 2^53).
 * - Every statement is a named constant of statements.ts with `$parameters`; nothing is spliced.
 *
 * The graph model is described in docs/neo4j-model.md.
 */
import neo4j, { type Driver, type ManagedTransaction, type QueryResult } from 'neo4j-driver';
import { VanerError, isVanerError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import type { EntityType, CurationEdit, DocumentFilter, Entity, EntityName, ImportSummary, LinkMethod, Mention, Page, PutDocumentResult, ReviewState, StoredDocument } from '../../domain/index.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { newId } from '../ids.js';
import { nameKey } from '../name-key.js';
import { checkPageArgs } from '../page-args.js';
import type { Store } from '../port.js';
import { documentTextHash } from '../text-hash.js';
import { checkDocument, checkMention, checkName, checkNonEmpty, checkProvenance, checkRecord, checkReview, checkTypes } from '../input-checks.js';
import { newMentionRow, verdictKey, type KeptVerdict } from '../mention-rows.js';
import { DEFAULT_MIGRATIONS_DIR, migrate } from './migrate.js';
import { createNeo4jCoMentions } from './neo4j-co-mentions.js';
import * as Q from './statements.js';

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

/** Records per write transaction during imports. */
const IMPORT_CHUNK = 2000;

type Props = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : neo4j.isInt(v) ? (v as { toNumber(): number }).toNumber() : null);

function toDocument(p: Props): StoredDocument {
  const metadata = str(p.metadata);
  return {
    id: String(p.id),
    externalId: str(p.externalId),
    title: str(p.title),
    text: String(p.text),
    textHash: String(p.textHash),
    metadata: metadata === null ? null : (JSON.parse(metadata) as Record<string, unknown>),
    createdAt: String(p.createdAt),
    updatedAt: String(p.updatedAt),
    annotatedAt: str(p.annotatedAt),
    labeler: str(p.labeler),
    modelVersion: str(p.modelVersion),
  };
}

function toMention(p: Props): Mention {
  return {
    id: String(p.id),
    documentId: String(p.documentId),
    start: num(p.start)!,
    end: num(p.end)!,
    text: String(p.text),
    type: String(p.type) as EntityType,
    confidence: num(p.confidence),
    entityId: str(p.entityId),
    linkMethod: str(p.linkMethod) as LinkMethod | null,
    matchedName: str(p.matchedName),
    linkConfidence: num(p.linkConfidence),
    sentence: num(p.sentence),
    labeler: String(p.labeler),
    modelVersion: String(p.modelVersion),
    linkerVersion: String(p.linkerVersion),
    review: String(p.review) as ReviewState,
  };
}

/** Maps a driver error to the project's errors; VanerErrors thrown inside a transaction pass through. */
function storeError(error: unknown): VanerError {
  if (isVanerError(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Neo.ClientError.Statement')) {
    // A statement the server refused is a defect here, not an outage.
    return new VanerError('INTERNAL', 'the graph database refused a statement', { cause: error });
  }
  return new VanerError('STORE_UNAVAILABLE', 'the graph database is unavailable', { retriable: neo4j.isRetryableError(error as Error), cause: error });
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

interface Unit {
  read<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T>;
  write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T>;
}

/** The Store over an open driver; closing the store closes the driver. */
export function createNeo4jStore(driver: Driver, settings: { database?: string; logger?: Logger }): Store {
  const logger = settings.logger ?? silentLogger;
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new VanerError('STORE_UNAVAILABLE', 'the store is closed');
  };
  // One session per unit of work, always closed.
  const unit: Unit = {
    async read(work) {
      ensureOpen();
      const session = driver.session({ database: settings.database, defaultAccessMode: neo4j.session.READ });
      try {
        return await session.executeRead(work);
      } catch (error) {
        throw storeError(error);
      } finally {
        await session.close();
      }
    },
    async write(work) {
      ensureOpen();
      const session = driver.session({ database: settings.database, defaultAccessMode: neo4j.session.WRITE });
      try {
        return await session.executeWrite(work);
      } catch (error) {
        throw storeError(error);
      } finally {
        await session.close();
      }
    },
  };

  const single = <T>(result: QueryResult, key: string): T => result.records[0]!.get(key) as T;
  const int = (n: number) => neo4j.int(n);

  // ---------- knowledge base ----------

  /** Name rows for MERGE_NAMES, de-duplicated per (entity, name), with sequence numbers from `base`. */
  const nameRows = (names: readonly { entityId: string; name: string; origin: string }[]) => {
    const seen = new Set<string>();
    const rows: { key: string; entityId: string; name: string; norm: string; origin: string; seq: number }[] = [];
    for (const n of names) {
      if (n.name.trim() === '') continue;
      const key = `${n.entityId}\u0000${n.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({ key, entityId: n.entityId, name: n.name, norm: nameKey(n.name), origin: n.origin, seq: rows.length });
    }
    return rows;
  };

  const mergeNames = async (tx: ManagedTransaction, rows: ReturnType<typeof nameRows>): Promise<{ namesInserted: number; curatedKept: number }> => {
    if (rows.length === 0) return { namesInserted: 0, curatedKept: 0 };
    const base = num(single(await tx.run(Q.ALLOCATE_NAME_SEQ, { count: int(rows.length) }), 'base'))!;
    const result = await tx.run(Q.MERGE_NAMES, { rows: rows.map((r) => ({ ...r, seq: int(base + r.seq) })) });
    return { namesInserted: num(single(result, 'namesInserted')) ?? 0, curatedKept: num(single(result, 'curatedKept')) ?? 0 };
  };

  const resolveIds = async (tx: ManagedTransaction, ids: readonly string[]): Promise<Map<string, string | null>> => {
    const result = await tx.run(Q.RESOLVE_ENTITIES, { ids: [...new Set(ids)] });
    return new Map(result.records.map((r) => [r.get('id') as string, (r.get('target') as string | null) ?? null]));
  };

  const loadEntities = async (tx: ManagedTransaction, ids: readonly string[]): Promise<(Entity | null)[]> => {
    const targets = await resolveIds(tx, ids);
    const targetIds = [...new Set([...targets.values()].filter((t): t is string => t !== null))];
    const loaded = new Map<string, Entity>();
    if (targetIds.length > 0) {
      for (const r of (await tx.run(Q.LOAD_ENTITIES, { ids: targetIds })).records) {
        const name = r.get('name') as string;
        loaded.set(r.get('id') as string, {
          id: r.get('id') as string,
          type: r.get('type') as EntityType,
          name,
          synonyms: [...new Set(r.get('names') as string[])].filter((n) => n !== name),
          parentIds: (r.get('parentIds') as string[] | null) ?? [],
          treeNumbers: (r.get('treeNumbers') as string[] | null) ?? [],
          source: r.get('source') as string,
          mergedInto: null,
        });
      }
    }
    return ids.map((id) => {
      const target = targets.get(id);
      return target === undefined || target === null ? null : (loaded.get(target) ?? null);
    });
  };

  /** An entity filter argument: resolved to its merge target; an id the KB lacks stands for itself. */
  const resolveFilter = async (id: string): Promise<string> => {
    if (typeof id !== 'string' || id === '') throw new VanerError('BAD_USER_INPUT', 'entityId must be a non-empty string', { details: { field: 'entityId' } });
    return unit.read(async (tx) => (await resolveIds(tx, [id])).get(id) ?? id);
  };

  const bumpRevision = (tx: ManagedTransaction) => tx.run(Q.BUMP_REVISION);
  /** The final merge target of `entityId`, write-locked; NOT_FOUND when unknown. */
  const lockResolved = async (tx: ManagedTransaction, entityId: string): Promise<string> => {
    const target = (await resolveIds(tx, [entityId])).get(entityId) ?? null;
    if (target === null) throw new VanerError('NOT_FOUND', `entity ${entityId} not found`, { details: { field: 'entityId' } });
    await tx.run(Q.LOCK_ENTITY, { id: target });
    return target;
  };
  const auditEdit = (tx: ManagedTransaction, actor: string, action: string, target: string, before: unknown, after: unknown) =>
    tx.run(Q.CREATE_CURATION_EDIT, { id: newId('edit'), at: new Date().toISOString(), actor, action, target, before: JSON.stringify(before), after: JSON.stringify(after) });

  // ---------- documents ----------

  const documentsPage = async (first: number, after: string | null, filter: DocumentFilter, entity: string | null): Promise<Page<StoredDocument>> => {
    const afterId = after === null ? null : (decodeCursor('documents', after, ['string'])[0] as string);
    const annotated = filter.annotated === undefined || filter.annotated === null ? null : filter.annotated;
    const params = { entity, prefix: filter.externalIdPrefix ?? null, annotated };
    return unit.read(async (tx) => {
      const rows = (await tx.run(Q.LIST_DOCUMENTS, { ...params, after: afterId, limit: int(first + 1) })).records.map((r) => toDocument(r.get('document') as Props));
      const total = num(single(await tx.run(Q.COUNT_DOCUMENTS, params), 'count')) ?? 0;
      const items = rows.slice(0, first);
      const last = items.at(-1);
      return { items, totalCount: total, endCursor: last === undefined ? null : encodeCursor('documents', [last.id]), hasNextPage: rows.length > first };
    });
  };

  const inOrder = <T extends { id: string }>(keys: readonly string[], items: T[], keyOf: (item: T) => string | null = (i) => i.id): (T | null)[] => {
    const found = new Map<string, T>();
    for (const item of items) {
      const key = keyOf(item);
      if (key !== null) found.set(key, item);
    }
    return keys.map((k) => found.get(k) ?? null);
  };

  const checkIdList = (ids: readonly string[], field: string): void => {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
      throw new VanerError('BAD_USER_INPUT', `${field} must be an array of strings`, { details: { field } });
    }
  };

  const coMentions = createNeo4jCoMentions({ read: (work) => unit.read(work), resolveIds });

  return {
    kind: 'neo4j',

    async upsertEntities(records) {
      records.forEach(checkRecord);
      const total = { entitiesInserted: 0, entitiesUpdated: 0, namesInserted: 0, curatedKept: 0 };
      for (let i = 0; i < records.length; i += IMPORT_CHUNK) {
        const chunk = records.slice(i, i + IMPORT_CHUNK);
        const summary = await unit.write(async (tx): Promise<ImportSummary> => {
          const now = new Date().toISOString();
          const rows = chunk.map((r) => ({ id: r.id, type: r.type, name: r.name, source: r.source, parentIds: [...r.parentIds], treeNumbers: [...r.treeNumbers] }));
          const e = (await tx.run(Q.UPSERT_ENTITIES, { rows, now })).records[0]!;
          const names = await mergeNames(tx, nameRows(chunk.flatMap((r) => [r.name, ...r.synonyms].map((name) => ({ entityId: r.id, name, origin: 'vocabulary' })))));
          const s: ImportSummary = {
            entitiesInserted: num(e.get('entitiesInserted')) ?? 0,
            entitiesUpdated: num(e.get('entitiesUpdated')) ?? 0,
            namesInserted: names.namesInserted,
            curatedKept: (num(e.get('curatedKept')) ?? 0) + names.curatedKept,
          };
          if (s.entitiesInserted + s.entitiesUpdated + s.namesInserted > 0) await bumpRevision(tx);
          return s;
        });
        total.entitiesInserted += summary.entitiesInserted;
        total.entitiesUpdated += summary.entitiesUpdated;
        total.namesInserted += summary.namesInserted;
        total.curatedKept += summary.curatedKept;
      }
      // CHILD_OF edges after every chunk is in, so parents imported later in this call are linked too.
      for (let i = 0; i < records.length; i += IMPORT_CHUNK) {
        const ids = records.slice(i, i + IMPORT_CHUNK).map((r) => r.id);
        await unit.write((tx) => tx.run(Q.LINK_PARENTS, { ids }));
      }
      return total;
    },

    async addNames(names: readonly EntityName[]) {
      names.forEach(checkName);
      if (names.length === 0) return 0;
      return unit.write(async (tx) => {
        const missing = single<string[]>(await tx.run(Q.MISSING_ENTITIES, { ids: [...new Set(names.map((n) => n.entityId))] }), 'missing');
        if (missing.length > 0) {
          throw new VanerError('NOT_FOUND', `addNames: ${missing.length} unknown entity id(s)`, { details: { entityIds: missing.slice(0, 20) } });
        }
        const { namesInserted } = await mergeNames(tx, nameRows(names));
        if (namesInserted > 0) await bumpRevision(tx);
        return namesInserted;
      });
    },

    async getEntities(ids) {
      checkIdList(ids, 'ids');
      if (ids.length === 0) return [];
      return unit.read((tx) => loadEntities(tx, ids));
    },

    async searchEntities(query, opts) {
      const first = checkPageArgs({ first: opts.first });
      if (typeof query !== 'string') throw new VanerError('BAD_USER_INPUT', 'query must be a string', { details: { field: 'query' } });
      checkTypes(opts.type === undefined || opts.type === null ? [] : [opts.type]);
      const key = nameKey(query);
      if (key === '') throw new VanerError('BAD_USER_INPUT', 'search query must not be empty', { details: { field: 'query' } });
      if (first === 0) return [];
      return unit.read(async (tx) => {
        const ids = (await tx.run(Q.SEARCH_ENTITIES, { key, type: opts.type ?? null, first: int(first) })).records.map((r) => r.get('id') as string);
        return (await loadEntities(tx, ids)).filter((e): e is Entity => e !== null);
      });
    },

    iterateNames(types) {
      checkTypes(types);
      const typeList = types === undefined ? null : [...types];
      return {
        async *[Symbol.asyncIterator](): AsyncGenerator<EntityName> {
          ensureOpen();
          // A streamed auto-commit read: records arrive in batches (the driver's fetch size) with
          // back-pressure, so millions of names never sit in memory at once.
          const session = driver.session({ database: settings.database, defaultAccessMode: neo4j.session.READ });
          try {
            const result = session.run(Q.ITERATE_NAMES, { types: typeList });
            for await (const r of result) {
              yield { entityId: r.get('entityId') as string, type: r.get('type') as EntityType, name: r.get('name') as string, origin: r.get('origin') as string };
            }
          } catch (error) {
            throw storeError(error);
          } finally {
            await session.close();
          }
        },
      };
    },

    countEntities: () => unit.read(async (tx) => num(single(await tx.run(Q.COUNT_ENTITIES), 'count')) ?? 0),
    kbRevision: () => unit.read(async (tx) => num(single(await tx.run(Q.READ_REVISION), 'revision')) ?? 0),

    async mergeEntities(sourceId, targetId, actor) {
      checkNonEmpty([['sourceId', sourceId], ['targetId', targetId], ['actor', actor]]);
      const finalTarget = await unit.write(async (tx) => {
        const lock = async (id: string) => {
          const r = (await tx.run(Q.LOCK_ENTITY, { id })).records[0];
          return r === undefined ? null : { id: r.get('id') as string, type: r.get('type') as string, mergedInto: (r.get('mergedInto') as string | null) ?? null };
        };
        const source = await lock(sourceId);
        if (source === null) throw new VanerError('NOT_FOUND', `entity ${sourceId} not found`, { details: { field: 'sourceId' } });
        const target = await lock(targetId);
        if (target === null) throw new VanerError('NOT_FOUND', `entity ${targetId} not found`, { details: { field: 'targetId' } });
        if (source.mergedInto !== null) {
          throw new VanerError('CONFLICT', `entity ${sourceId} is already merged into ${source.mergedInto}`, { details: { field: 'sourceId' } });
        }
        // Chains are kept one hop long, so the target's mergedInto (if any) is final.
        const final = target.mergedInto === null ? target : await lock(target.mergedInto);
        if (final === null || final.mergedInto !== null) throw new VanerError('INTERNAL', `merge chain of ${targetId} does not end`);
        if (final.id === sourceId) throw new VanerError('BAD_USER_INPUT', 'cannot merge an entity into itself', { details: { field: 'targetId' } });
        if (final.type !== source.type) {
          throw new VanerError('BAD_USER_INPUT', `cannot merge a ${source.type} into a ${final.type}`, { details: { field: 'targetId' } });
        }
        const now = new Date().toISOString();
        await tx.run(Q.MERGE_ENTITY, { sourceId, targetId: final.id, now });
        await tx.run(Q.CREATE_CURATION_EDIT, {
          id: newId('edit'), at: now, actor, action: 'merge-entity', target: sourceId,
          before: JSON.stringify({ mergedInto: null }), after: JSON.stringify({ mergedInto: final.id }),
        });
        await bumpRevision(tx);
        return final.id;
      });
      const [entity] = await unit.read((tx) => loadEntities(tx, [finalTarget]));
      return entity!;
    },

    async addSynonym(entityId, name, actor) {
      checkNonEmpty([['entityId', entityId], ['name', name], ['actor', actor]]);
      const trimmed = name.trim();
      const target = await unit.write(async (tx) => {
        const id = await lockResolved(tx, entityId);
        const rows = (await tx.run(Q.FIND_MEMBER_NAMES, { entityId: id, name: trimmed })).records;
        if (rows.some((r) => r.get('removed') !== true)) {
          throw new VanerError('CONFLICT', `entity ${id} already has the name ${JSON.stringify(trimmed)}`, { details: { field: 'name' } });
        }
        const base = num(single(await tx.run(Q.ALLOCATE_NAME_SEQ, { count: int(1) }), 'base'))!;
        await tx.run(Q.ADD_CURATOR_NAME, { entityId: id, key: `${id}\u0000${trimmed}`, name: trimmed, norm: nameKey(trimmed), seq: int(base) });
        await auditEdit(tx, actor, 'add-synonym', id, { name: null }, { name: trimmed });
        await bumpRevision(tx);
        return id;
      });
      const [entity] = await unit.read((tx) => loadEntities(tx, [target]));
      return entity!;
    },

    async removeSynonym(entityId, name, actor) {
      checkNonEmpty([['entityId', entityId], ['name', name], ['actor', actor]]);
      const trimmed = name.trim();
      const target = await unit.write(async (tx) => {
        const id = await lockResolved(tx, entityId);
        const active = (await tx.run(Q.FIND_MEMBER_NAMES, { entityId: id, name: trimmed })).records.filter((r) => r.get('removed') !== true);
        if (active.length === 0) throw new VanerError('NOT_FOUND', `entity ${id} has no name ${JSON.stringify(trimmed)}`, { details: { field: 'name' } });
        await tx.run(Q.REMOVE_NAMES, { keys: active.map((r) => r.get('key') as string) });
        await auditEdit(tx, actor, 'remove-synonym', id, { name: trimmed, origin: active[0]!.get('origin') }, { name: null });
        await bumpRevision(tx);
        return id;
      });
      const [entity] = await unit.read((tx) => loadEntities(tx, [target]));
      return entity!;
    },

    async curationEdits(args) {
      const first = checkPageArgs(args);
      const after = args.after === undefined || args.after === null ? null : (decodeCursor('curation-edits', args.after, ['string'])[0] as string);
      return unit.read(async (tx): Promise<Page<CurationEdit>> => {
        const rows = (await tx.run(Q.CURATION_EDITS_PAGE, { after, limit: int(first + 1) })).records.map((r) => r.get('edit') as Props);
        const parse = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : null);
        const items = rows.slice(0, first).map((p) => ({
          id: String(p.id), at: String(p.at), actor: String(p.actor), action: String(p.action), target: String(p.target),
          before: parse(p.before), after: parse(p.after),
        }));
        const total = num(single(await tx.run(Q.COUNT_CURATION_EDITS), 'count')) ?? 0;
        const last = items.at(-1);
        return { items, totalCount: total, endCursor: last === undefined ? null : encodeCursor('curation-edits', [last.id]), hasNextPage: rows.length > first };
      });
    },

    curatedLinks: () =>
      unit.read(async (tx) =>
        (await tx.run(Q.CURATED_LINKS)).records.map((r) => ({ text: r.get('text') as string, type: r.get('type') as EntityType, entityId: r.get('entityId') as string })),
      ),

    // ---------- documents ----------

    async putDocuments(docs) {
      docs.forEach(checkDocument);
      const results: PutDocumentResult[] = [];
      // One transaction per document: a failure leaves earlier documents stored, never half a document.
      for (const doc of docs) {
        const title = doc.title ?? null;
        const props = {
          title,
          text: doc.text,
          textHash: documentTextHash(title, doc.text),
          metadata: doc.metadata === undefined || doc.metadata === null ? null : JSON.stringify(doc.metadata),
        };
        const externalId = doc.externalId ?? null;
        results.push(
          await unit.write(async (tx): Promise<PutDocumentResult> => {
            const now = new Date().toISOString();
            const id = newId('doc');
            if (externalId === null) {
              const r = await tx.run(Q.CREATE_DOCUMENT, { id, props, now });
              return { document: toDocument(single(r, 'document')), outcome: 'created' };
            }
            const r = (await tx.run(Q.PUT_DOCUMENT_BY_EXTERNAL_ID, { externalId, id, props, now })).records[0]!;
            const outcome = r.get('outcome') as PutDocumentResult['outcome'];
            const document = toDocument(r.get('document') as Props);
            if (outcome === 'updated') await tx.run(Q.DELETE_MENTIONS_OF_DOCUMENT, { documentId: document.id });
            return { document, outcome };
          }),
        );
      }
      return results;
    },

    async getDocuments(ids) {
      checkIdList(ids, 'ids');
      if (ids.length === 0) return [];
      const docs = await unit.read(async (tx) => (await tx.run(Q.GET_DOCUMENTS, { ids: [...ids] })).records.map((r) => toDocument(r.get('document') as Props)));
      return inOrder(ids, docs);
    },

    async getDocumentsByExternalId(externalIds) {
      checkIdList(externalIds, 'externalIds');
      if (externalIds.length === 0) return [];
      const docs = await unit.read(async (tx) =>
        (await tx.run(Q.GET_DOCUMENTS_BY_EXTERNAL_ID, { externalIds: [...externalIds] })).records.map((r) => toDocument(r.get('document') as Props)),
      );
      return inOrder(externalIds, docs, (d) => d.externalId);
    },

    async listDocuments(args) {
      const first = checkPageArgs(args);
      const filter = args.filter ?? {};
      const entity = filter.entityId === undefined || filter.entityId === null ? null : await resolveFilter(filter.entityId);
      return documentsPage(first, args.after ?? null, filter, entity);
    },

    async replaceMentions(documentId, textHash, mentions, provenance) {
      checkProvenance(provenance);
      return unit.write(async (tx) => {
        const doc = (await tx.run(Q.LOCK_DOCUMENT, { documentId })).records[0];
        if (doc === undefined) throw new VanerError('NOT_FOUND', `document ${documentId} not found`, { details: { documentId } });
        if (doc.get('textHash') !== textHash) return false;
        const text = doc.get('text') as string;
        mentions.forEach((m, i) => checkMention(m, i, text));
        // A curator's verdict survives re-annotation when the same span is linked to the same entity again.
        const verdicts = new Map<string, KeptVerdict>();
        for (const r of (await tx.run(Q.REVIEWED_MENTIONS_OF_DOCUMENT, { documentId })).records) {
          const p = r.get('mention') as Props;
          const m = toMention(p);
          verdicts.set(verdictKey(m), { review: m.review, reviewedBy: str(p.reviewedBy), reviewedAt: str(p.reviewedAt) });
        }
        await tx.run(Q.DELETE_MENTIONS_OF_DOCUMENT, { documentId });
        const rows = mentions.map((m) => {
          const row = newMentionRow(newId('men'), documentId, m, provenance, verdicts.get(verdictKey(m)));
          // Integers stored as Neo4j integers, not floats.
          return { ...row, start: int(m.start), end: int(m.end), sentence: m.sentence === null ? null : int(m.sentence) };
        });
        if (rows.length > 0) await tx.run(Q.INSERT_MENTIONS, { documentId, rows });
        await tx.run(Q.MARK_ANNOTATED, { documentId, now: new Date().toISOString(), labeler: provenance.labeler, modelVersion: provenance.modelVersion });
        return true;
      });
    },

    async getMentionsByDocument(documentIds) {
      checkIdList(documentIds, 'documentIds');
      if (documentIds.length === 0) return [];
      const mentions = await unit.read(async (tx) =>
        (await tx.run(Q.GET_MENTIONS_OF_DOCUMENTS, { ids: [...new Set(documentIds)] })).records.map((r) => toMention(r.get('mention') as Props)),
      );
      const grouped = new Map<string, Mention[]>();
      for (const m of mentions) {
        const list = grouped.get(m.documentId) ?? [];
        list.push(m);
        grouped.set(m.documentId, list);
      }
      return documentIds.map((id) => grouped.get(id) ?? []);
    },

    async getMentions(ids) {
      checkIdList(ids, 'ids');
      if (ids.length === 0) return [];
      const mentions = await unit.read(async (tx) => (await tx.run(Q.GET_MENTIONS, { ids: [...ids] })).records.map((r) => toMention(r.get('mention') as Props)));
      return inOrder(ids, mentions);
    },

    async getMentionsByEntity(entityId, args) {
      const first = checkPageArgs(args);
      const entity = await resolveFilter(entityId);
      const after = args.after ?? null;
      const key = after === null ? [null, null, null] : decodeCursor('entity-mentions', after, ['string', 'number', 'string']);
      return unit.read(async (tx): Promise<Page<Mention>> => {
        const rows = (
          await tx.run(Q.MENTIONS_BY_ENTITY, {
            entity, afterDoc: key[0], afterStart: key[1] === null ? null : int(key[1] as number), afterId: key[2], limit: int(first + 1),
          })
        ).records.map((r) => toMention(r.get('mention') as Props));
        const total = num(single(await tx.run(Q.COUNT_MENTIONS_BY_ENTITY, { entity }), 'count')) ?? 0;
        const items = rows.slice(0, first);
        const last = items.at(-1);
        return {
          items,
          totalCount: total,
          endCursor: last === undefined ? null : encodeCursor('entity-mentions', [last.documentId, last.start, last.id]),
          hasNextPage: rows.length > first,
        };
      });
    },

    async getDocumentsByEntity(entityId, args) {
      const first = checkPageArgs(args);
      return documentsPage(first, args.after ?? null, {}, await resolveFilter(entityId));
    },

    async reviewMention(mentionId, state, actor) {
      checkReview(state, actor);
      return unit.write(async (tx) => {
        const before = (await tx.run(Q.LOCK_MENTION, { mentionId })).records[0];
        if (before === undefined) throw new VanerError('NOT_FOUND', `mention ${mentionId} not found`, { details: { mentionId } });
        const at = new Date().toISOString();
        const mention = toMention(single(await tx.run(Q.SET_REVIEW, { mentionId, state, actor, now: at }), 'mention'));
        await tx.run(Q.CREATE_CURATION_EDIT, {
          id: newId('edit'), at, actor, action: 'review-mention', target: mentionId,
          before: JSON.stringify({ review: before.get('review') }), after: JSON.stringify({ review: state }),
        });
        return mention;
      });
    },

    async relinkMention(mentionId, entityId, actor) {
      checkNonEmpty([['mentionId', mentionId], ['entityId', entityId], ['actor', actor]]);
      return unit.write(async (tx) => {
        const row = (await tx.run(Q.LOCK_MENTION_FOR_RELINK, { mentionId })).records[0];
        if (row === undefined) throw new VanerError('NOT_FOUND', `mention ${mentionId} not found`, { details: { field: 'mentionId' } });
        const before = toMention(row.get('mention') as Props);
        const id = await lockResolved(tx, entityId);
        const type = (await tx.run(Q.LOCK_ENTITY, { id })).records[0]!.get('type') as string;
        if (type !== before.type) {
          throw new VanerError('BAD_USER_INPUT', `cannot link a ${before.type} mention to a ${type} entity`, { details: { field: 'entityId' } });
        }
        const now = new Date().toISOString();
        const mention = toMention(single(await tx.run(Q.RELINK_MENTION, { mentionId, entityId: id, actor, now }), 'mention'));
        await auditEdit(
          tx, actor, 'relink-mention', mentionId,
          { entityId: before.entityId, linkMethod: before.linkMethod, review: before.review },
          { entityId: id, linkMethod: 'curator', review: 'confirmed', text: before.text, type: before.type },
        );
        return mention;
      });
    },

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

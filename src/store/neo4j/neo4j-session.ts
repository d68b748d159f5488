/**
 * What every part of the Neo4j adapter shares: one session per unit of work (closed in `finally`),
 * driver errors mapped to the project's coded errors, and rows mapped to domain records.
 *
 * Integers are sent as `neo4j.int` and come back as JS numbers (`disableLosslessIntegers`; every
 * integer the store keeps is far below 2^53).
 */
import neo4j, { type Driver, type ManagedTransaction, type QueryResult } from 'neo4j-driver';
import { VanerError, isVanerError } from '../../errors.js';
import type { EntityType, LinkMethod, Mention, ReviewState, StoredDocument } from '../../domain/index.js';
import * as Q from './statements.js';

export type Props = Record<string, unknown>;

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' ? v : neo4j.isInt(v) ? (v as { toNumber(): number }).toNumber() : null);
export const int = (n: number) => neo4j.int(n);
export const single = <T>(result: QueryResult, key: string): T => result.records[0]!.get(key) as T;

export function toDocument(p: Props): StoredDocument {
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
    // Absent (null) on documents annotated before schemes existed, as in the embedded store.
    scheme: str(p.scheme),
  };
}

export function toMention(p: Props): Mention {
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
    scheme: str(p.scheme),
    review: String(p.review) as ReviewState,
  };
}

/** Maps a driver error to the project's errors; VanerErrors thrown inside a transaction pass through. */
export function storeError(error: unknown): VanerError {
  if (isVanerError(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Neo.ClientError.Statement')) {
    // A statement the server refused is a defect here, not an outage.
    return new VanerError('INTERNAL', 'the graph database refused a statement', { cause: error });
  }
  return new VanerError('STORE_UNAVAILABLE', 'the graph database is unavailable', { retriable: neo4j.isRetryableError(error as Error), cause: error });
}

/** Units of work over one driver. Writes are managed transactions: the driver retries them on transient errors. */
export interface Unit {
  read<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T>;
  write<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T>;
  /** Throws STORE_UNAVAILABLE once the store is closed. */
  ensureOpen(): void;
  readonly driver: Driver;
  readonly database: string | undefined;
}

export function createUnit(driver: Driver, database: string | undefined, isClosed: () => boolean): Unit {
  const ensureOpen = (): void => {
    if (isClosed()) throw new VanerError('STORE_UNAVAILABLE', 'the store is closed');
  };
  const inSession = async <T>(mode: 'READ' | 'WRITE', work: (tx: ManagedTransaction) => Promise<T>): Promise<T> => {
    ensureOpen();
    const session = driver.session({ database, defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE });
    try {
      return await (mode === 'READ' ? session.executeRead(work) : session.executeWrite(work));
    } catch (error) {
      throw storeError(error);
    } finally {
      await session.close();
    }
  };
  return { read: (work) => inSession('READ', work), write: (work) => inSession('WRITE', work), ensureOpen, driver, database };
}

/** Merge targets of `ids` (null for an unknown id), one query. */
export async function resolveIds(tx: ManagedTransaction, ids: readonly string[]): Promise<Map<string, string | null>> {
  const result = await tx.run(Q.RESOLVE_ENTITIES, { ids: [...new Set(ids)] });
  return new Map(result.records.map((r) => [r.get('id') as string, (r.get('target') as string | null) ?? null]));
}

/** Rejects anything but an array of strings as a batch of ids. */
export function checkIdList(ids: readonly string[], field: string): void {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    throw new VanerError('BAD_USER_INPUT', `${field} must be an array of strings`, { details: { field } });
  }
}

/** An entity filter argument: resolved to its merge target; an id the KB lacks stands for itself. */
export async function resolveFilter(unit: Unit, id: string): Promise<string> {
  if (typeof id !== 'string' || id === '') throw new VanerError('BAD_USER_INPUT', 'entityId must be a non-empty string', { details: { field: 'entityId' } });
  return unit.read(async (tx) => (await resolveIds(tx, [id])).get(id) ?? id);
}

/**
 * Validation and defaults of co-mention arguments, shared by every Store adapter so they refuse
 * the same inputs with the same errors.
 */
import { VanerError } from '../errors.js';
import { isEntityType, type EntityType, type CoMentionGraphArgs, type CoMentionLevel, type CoMentionOrder } from '../domain/index.js';

export const CO_MENTION_LEVELS: readonly CoMentionLevel[] = ['DOCUMENT', 'SENTENCE'];
export const CO_MENTION_ORDERS: readonly CoMentionOrder[] = ['COUNT', 'NPMI', 'LLR'];
/** Largest graph, in edges. */
export const MAX_GRAPH_LIMIT = 500;
/** @defaultValue edges of a graph when the caller does not say. */
export const DEFAULT_GRAPH_LIMIT = 100;
export const MAX_GRAPH_DEPTH = 2;
export const MAX_GRAPH_SEEDS = 50;
/** @defaultValue evidence ids returned per partner when the caller does not say. */
export const DEFAULT_EVIDENCE_LIMIT = 10;
/** Most evidence ids returned per partner. */
export const MAX_EVIDENCE_LIMIT = 1000;

const bad = (field: string, message: string, value?: unknown): VanerError =>
  new VanerError('BAD_USER_INPUT', message, { details: value === undefined ? { field } : { field, value } });

export function checkLevel(level: CoMentionLevel | null | undefined): CoMentionLevel {
  if (level === undefined || level === null) return 'DOCUMENT';
  if (!CO_MENTION_LEVELS.includes(level)) throw bad('level', `level must be one of ${CO_MENTION_LEVELS.join(', ')}`, level);
  return level;
}

export function checkOrder(orderBy: CoMentionOrder | null | undefined): CoMentionOrder {
  if (orderBy === undefined || orderBy === null) return 'COUNT';
  if (!CO_MENTION_ORDERS.includes(orderBy)) throw bad('orderBy', `orderBy must be one of ${CO_MENTION_ORDERS.join(', ')}`, orderBy);
  return orderBy;
}

export function checkMinCount(minCount: number | null | undefined): number {
  if (minCount === undefined || minCount === null) return 1;
  if (!Number.isSafeInteger(minCount) || minCount < 1) throw bad('minCount', 'minCount must be a positive integer', minCount);
  return minCount;
}

export function checkRollUp(rollUp: boolean | null | undefined): boolean {
  if (rollUp === undefined || rollUp === null) return false;
  if (typeof rollUp !== 'boolean') throw bad('rollUp', 'rollUp must be a boolean');
  return rollUp;
}

/** The evidence ids per partner: DEFAULT_EVIDENCE_LIMIT when absent, else an integer in [0, MAX_EVIDENCE_LIMIT]. */
export function checkEvidenceLimit(evidenceLimit: number | null | undefined): number {
  const limit = evidenceLimit ?? DEFAULT_EVIDENCE_LIMIT;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_EVIDENCE_LIMIT) {
    throw bad('evidenceLimit', `evidenceLimit must be an integer between 0 and ${MAX_EVIDENCE_LIMIT}`);
  }
  return limit;
}

export function checkTypeList(types: readonly EntityType[] | null | undefined): EntityType[] | null {
  if (types === undefined || types === null) return null;
  if (!Array.isArray(types)) throw bad('types', 'types must be a list of entity types');
  for (const t of types) if (!isEntityType(t)) throw bad('types', `unknown entity type ${JSON.stringify(t)}`);
  return [...types];
}

/** Graph arguments with defaults applied (seed ids not yet resolved). */
export interface GraphSettings {
  readonly seedIds: string[];
  readonly depth: number;
  readonly types: EntityType[] | null;
  readonly minCount: number;
  readonly limit: number;
  readonly level: CoMentionLevel;
  readonly orderBy: CoMentionOrder;
}

export function checkGraphArgs(args: CoMentionGraphArgs): GraphSettings {
  const seedIds = args.seedIds;
  if (!Array.isArray(seedIds) || seedIds.length === 0 || seedIds.length > MAX_GRAPH_SEEDS) {
    throw bad('seedIds', `seedIds must list 1 to ${MAX_GRAPH_SEEDS} entity ids`);
  }
  for (const id of seedIds) if (typeof id !== 'string' || id === '') throw bad('seedIds', 'seedIds must be non-empty strings');
  const depth = args.depth ?? 1;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_GRAPH_DEPTH) throw bad('depth', `depth must be 1 or ${MAX_GRAPH_DEPTH}`, depth);
  const limit = args.limit ?? DEFAULT_GRAPH_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_GRAPH_LIMIT) throw bad('limit', `limit must be an integer between 1 and ${MAX_GRAPH_LIMIT}`, limit);
  return {
    seedIds: [...seedIds],
    depth,
    types: checkTypeList(args.types),
    minCount: checkMinCount(args.minCount),
    limit,
    level: checkLevel(args.level),
    orderBy: checkOrder(args.orderBy),
  };
}

/**
 * Input validation shared by both store adapters (embedded SQLite and Neo4j): one set of rules and
 * messages, because both run the same conformance suite. Checked before anything reaches a database.
 */
import { VanerError } from '../errors.js';
import { hasVisibleCharacter, identifierProblem, isEntityType, isSourceName, type EntityType, type AnnotationProvenance, type DocumentInput, type EntityName, type EntityRecord, type LinkMethod, type MentionInput, type ReviewState } from '../domain/index.js';

/** Every link method a stored mention may carry. */
export const LINK_METHODS: readonly LinkMethod[] = ['exact', 'normalized', 'abbreviation', 'approximate', 'curator', 'composite'];
/** Every review state a curator may set. */
export const REVIEW_STATES: readonly ReviewState[] = ['unreviewed', 'confirmed', 'rejected'];

/** Rejects a malformed entity record with BAD_USER_INPUT naming its index and field. */
export function checkRecord(record: EntityRecord, index: number): void {
  const bad = (field: string, message: string): never => {
    throw new VanerError('BAD_USER_INPUT', `entity record ${index}: ${message}`, { details: { index, field } });
  };
  if (typeof record.id !== 'string' || record.id.trim() === '') bad('id', 'id must be a non-empty string');
  if (typeof record.type !== 'string' || !isEntityType(record.type)) bad('type', `unknown entity type ${JSON.stringify(record.type)}`);
  if (typeof record.name !== 'string' || record.name.trim() === '') bad('name', 'name must be a non-empty string');
  if (typeof record.source !== 'string' || record.source === '') bad('source', 'source must be a non-empty string');
  for (const [field, list] of [['synonyms', record.synonyms], ['parentIds', record.parentIds], ['treeNumbers', record.treeNumbers]] as const) {
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) bad(field, `${field} must be an array of strings`);
  }
}

/** Rejects an entity name whose entityId, name or origin is blank, naming its index and field. */
export function checkName(n: EntityName, index: number): void {
  for (const field of ['entityId', 'name', 'origin'] as const) {
    if (typeof n[field] !== 'string' || n[field].trim() === '') {
      throw new VanerError('BAD_USER_INPUT', `name ${index}: ${field} must be a non-empty string`, { details: { index, field } });
    }
  }
}

/** Rejects any entity type filter value that is not a known EntityType. */
export function checkTypes(types: readonly EntityType[] | undefined | null): void {
  for (const t of types ?? []) {
    if (!isEntityType(t)) throw new VanerError('BAD_USER_INPUT', `unknown entity type ${JSON.stringify(t)}`, { details: { field: 'types' } });
  }
}

/** Rejects the first `[field, value]` pair whose value is not a non-blank string. */
export function checkNonEmpty(fields: readonly (readonly [string, unknown])[]): void {
  for (const [field, value] of fields) {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new VanerError('BAD_USER_INPUT', `${field} must be a non-empty string`, { details: { field } });
    }
  }
}

/** Rejects a malformed document input: EMPTY_TEXT for blank text, BAD_USER_INPUT otherwise. */
export function checkDocument(doc: DocumentInput, index: number): void {
  const bad = (code: 'BAD_USER_INPUT' | 'EMPTY_TEXT', field: string, message: string): never => {
    throw new VanerError(code, `document ${index}: ${message}`, { details: { index, field } });
  };
  if (typeof doc.text !== 'string') bad('BAD_USER_INPUT', 'text', 'text must be a string');
  if (!hasVisibleCharacter(doc.text)) bad('EMPTY_TEXT', 'text', 'text is empty or has no visible character');
  if (doc.externalId !== undefined && doc.externalId !== null) {
    if (typeof doc.externalId !== 'string' || doc.externalId === '') bad('BAD_USER_INPUT', 'externalId', 'externalId must be a non-empty string or null');
    const why = identifierProblem('externalId', doc.externalId);
    if (why !== null) bad('BAD_USER_INPUT', 'externalId', why);
  }
  if (doc.title !== undefined && doc.title !== null && typeof doc.title !== 'string') bad('BAD_USER_INPUT', 'title', 'title must be a string or null');
  const m = doc.metadata;
  if (m !== undefined && m !== null && (typeof m !== 'object' || Array.isArray(m))) bad('BAD_USER_INPUT', 'metadata', 'metadata must be an object or null');
}

/** Rejects a mention whose offsets, text, type, confidences, link or sentence do not fit `text`. */
export function checkMention(m: MentionInput, index: number, text: string): void {
  const bad = (field: string, message: string): never => {
    throw new VanerError('BAD_USER_INPUT', `mention ${index}: ${message}`, { details: { index, field } });
  };
  const unit = (v: number | null): boolean => v === null || (typeof v === 'number' && v >= 0 && v <= 1);
  if (!Number.isInteger(m.start) || !Number.isInteger(m.end) || m.start < 0 || m.end <= m.start || m.end > text.length) {
    bad('start', `offsets [${m.start}, ${m.end}) are outside the text (length ${text.length}) or empty`);
  }
  if (m.text !== text.slice(m.start, m.end)) bad('text', 'text does not equal the document text at the offsets');
  if (typeof m.type !== 'string' || !isEntityType(m.type)) bad('type', `unknown entity type ${JSON.stringify(m.type)}`);
  if (!unit(m.confidence)) bad('confidence', 'confidence must be null or in [0, 1]');
  if (!unit(m.linkConfidence)) bad('linkConfidence', 'linkConfidence must be null or in [0, 1]');
  if (m.entityId !== null && (typeof m.entityId !== 'string' || m.entityId === '')) bad('entityId', 'entityId must be null or a non-empty string');
  if (m.linkMethod !== null && !LINK_METHODS.includes(m.linkMethod)) bad('linkMethod', `unknown link method ${JSON.stringify(m.linkMethod)}`);
  if (m.sentence !== null && (!Number.isInteger(m.sentence) || m.sentence < 0)) bad('sentence', 'sentence must be null or a non-negative integer');
}

/** Rejects annotation provenance with a missing labeler, modelVersion or linkerVersion. */
export function checkProvenance(provenance: AnnotationProvenance): void {
  for (const field of ['labeler', 'modelVersion', 'linkerVersion'] as const) {
    if (typeof provenance[field] !== 'string' || provenance[field] === '') {
      throw new VanerError('BAD_USER_INPUT', `provenance.${field} must be a non-empty string`, { details: { field } });
    }
  }
  const scheme = provenance.scheme;
  if (scheme !== undefined && scheme !== null && (typeof scheme !== 'string' || scheme === '')) {
    throw new VanerError('BAD_USER_INPUT', 'provenance.scheme must be null or a non-empty string', { details: { field: 'scheme' } });
  }
}

/** Rejects an unknown review state or a blank actor. */
export function checkReview(state: ReviewState, actor: string): void {
  if (!REVIEW_STATES.includes(state)) {
    throw new VanerError('BAD_USER_INPUT', `unknown review state ${JSON.stringify(state)}`, { details: { field: 'state' } });
  }
  if (typeof actor !== 'string' || actor.trim() === '') {
    throw new VanerError('BAD_USER_INPUT', 'actor must be a non-empty string', { details: { field: 'actor' } });
  }
}

/** Most characters of a document text filter: a search phrase, not a document. */
export const MAX_TEXT_FILTER_CHARS = 200;

/**
 * The value both adapters compare a document text filter with: trimmed, ASCII letters lower-cased
 * (SQLite's lower() folds ASCII only, so folding more here would miss matches), null when blank.
 * BAD_USER_INPUT when longer than MAX_TEXT_FILTER_CHARS.
 */
export function textFilter(text: string | null | undefined): string | null {
  if (text === undefined || text === null) return null;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (trimmed.length > MAX_TEXT_FILTER_CHARS) {
    throw new VanerError('BAD_USER_INPUT', `text filter longer than ${MAX_TEXT_FILTER_CHARS} characters`, { details: { field: 'text' } });
  }
  return trimmed.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Rejects a source name that is not SOURCE_NAME (domain/source-names.ts). */
export function checkSourceName(name: unknown): void {
  if (!isSourceName(name)) {
    throw new VanerError('BAD_USER_INPUT', `source name ${JSON.stringify(name)} must be lower-case letters, digits, '.', '_' or '-' (at most 64)`, { details: { field: 'source' } });
  }
}

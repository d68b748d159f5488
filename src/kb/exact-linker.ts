import { VanerError } from '../errors.js';
import { isEntityType, type EntityType, type Span, type EntityName } from '../domain/index.js';
import type { LinkResult, Linker } from './linker-types.js';
import { normalizeName } from './normalize.js';
import { isNamesOnlyId } from './names-only.js';

export interface ExactLinkerOptions {
  /** Every name of every entity (e.g. `store.iterateNames()`); read once at construction. */
  readonly names: AsyncIterable<EntityName> | Iterable<EntityName>;
  /** Recorded on every mention. @defaultValue `exact-` + a hash of the names */
  readonly version?: string;
  /**
   * Entity id -> preferred name. An entity whose preferred name is the one matched wins ambiguous
   * matches. @defaultValue none (the rule is skipped)
   */
  readonly preferredNames?: ReadonlyMap<string, string>;
  /**
   * Entity id -> how often the training corpora annotated it (see readAnnotationCounts); breaks ties
   * after the name's origin. @defaultValue none (all zero)
   */
  readonly annotationCounts?: ReadonlyMap<string, number>;
}

/** Confidence of each link method: an exact name is stronger evidence than a normalised one. */
export const EXACT_CONFIDENCE = 1.0;
export const NORMALIZED_CONFIDENCE = 0.9;

const UNLINKED: LinkResult = Object.freeze({ entityId: null, method: null, matchedName: null, confidence: null });

/** Lower is better: curator-entered names, then vocabulary names, then corpus annotation names. */
function originRank(origin: string): number {
  return origin === 'curator' ? 0 : origin === 'vocabulary' ? 1 : origin === 'annotation' ? 2 : 3;
}

interface Candidate {
  entityId: string;
  /** The KB name as stored. */
  name: string;
  preferred: boolean;
  origin: number;
  count: number;
}

/** The deterministic ambiguity order: preferred name, origin, annotation count, smallest id, then name. */
function better(a: Candidate, b: Candidate): boolean {
  if (a.preferred !== b.preferred) return a.preferred;
  if (a.origin !== b.origin) return a.origin < b.origin;
  if (a.count !== b.count) return a.count > b.count;
  if (a.entityId !== b.entityId) return a.entityId < b.entityId;
  return a.name < b.name;
}

function offer(index: Map<string, Candidate>, key: string, candidate: Candidate): void {
  const current = index.get(key);
  if (current === undefined || better(candidate, current)) index.set(key, candidate);
}

/**
 * Linker v1: a span links to an entity of the span's type with exactly the span's text as a name
 * (method 'exact', confidence 1.0), else one whose name has the same normalizeName key (method
 * 'normalized', confidence 0.9), else it is left unlinked (all fields null) — never dropped.
 * Ambiguous names resolve deterministically (see ExactLinkerOptions); the winner of every key is
 * decided while building, so linking is two Map lookups per span.
 */
export async function createExactLinker(options: ExactLinkerOptions): Promise<Linker> {
  if (options.names === null || typeof options.names !== 'object') {
    throw new VanerError('BAD_USER_INPUT', 'names must be an iterable of EntityName', { details: { field: 'names' } });
  }
  const preferred = options.preferredNames;
  const counts = options.annotationCounts;
  const preferredNorm = new Map<string, string>();
  const exact = new Map<string, Candidate>();
  const normalized = new Map<string, Candidate>();
  let hash = 0x811c9dc5;

  for await (const entry of options.names) {
    if (!isEntityType(entry.type)) {
      throw new VanerError('INVALID_FORMAT', `name '${entry.name}' of ${entry.entityId} has unknown type '${String(entry.type)}'`);
    }
    const name = entry.name.trim();
    // A names-only entity (a CTD name without an id) is recognised, never linked to.
    if (name === '' || isNamesOnlyId(entry.entityId)) continue;
    const pref = preferred?.get(entry.entityId);
    const base = { entityId: entry.entityId, name, origin: originRank(entry.origin), count: counts?.get(entry.entityId) ?? 0 };
    offer(exact, `${entry.type}\u0000${name}`, { ...base, preferred: pref === name });
    const norm = normalizeName(name);
    if (norm !== '') {
      let prefNorm: string | undefined;
      if (pref !== undefined) {
        prefNorm = preferredNorm.get(entry.entityId);
        if (prefNorm === undefined) {
          prefNorm = normalizeName(pref);
          preferredNorm.set(entry.entityId, prefNorm);
        }
      }
      offer(normalized, `${entry.type}\u0000${norm}`, { ...base, preferred: prefNorm === norm });
    }
    for (const s of [entry.entityId, entry.type, name]) {
      for (let i = 0; i < s.length; i += 1) hash = Math.imul(hash ^ s.charCodeAt(i), 0x01000193) >>> 0;
    }
  }

  const version = options.version ?? `exact-${hash.toString(16).padStart(8, '0')}`;
  const linkOne = (type: EntityType, surface: string): LinkResult => {
    const hit = exact.get(`${type}\u0000${surface.trim()}`);
    if (hit !== undefined) return { entityId: hit.entityId, method: 'exact', matchedName: hit.name, confidence: EXACT_CONFIDENCE };
    const norm = normalizeName(surface);
    const near = norm === '' ? undefined : normalized.get(`${type}\u0000${norm}`);
    if (near !== undefined) return { entityId: near.entityId, method: 'normalized', matchedName: near.name, confidence: NORMALIZED_CONFIDENCE };
    return UNLINKED;
  };

  return {
    version,
    async link(text: string, spans: readonly Span[]): Promise<LinkResult[]> {
      return spans.map((span, i) => {
        if (!isEntityType(span.type)) {
          throw new VanerError('BAD_USER_INPUT', `span ${i} has unknown type '${String(span.type)}'`, { details: { field: 'type', index: i } });
        }
        if (!(span.start >= 0 && span.end > span.start && span.end <= text.length)) {
          throw new VanerError('BAD_USER_INPUT', `span ${i} [${span.start}, ${span.end}) is outside the text`, { details: { field: 'start', index: i } });
        }
        // Link on the document's own characters: the offsets are the contract, span.text a convenience.
        return linkOne(span.type, text.slice(span.start, span.end));
      });
    },
  };
}

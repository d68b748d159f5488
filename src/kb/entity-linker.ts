/**
 * The entity linker (v2): candidates by exact, normalised, generic-head and word-order keys, then
 * approximate 3-gram TF-IDF matching constrained by entity type; document abbreviations resolved
 * through their long forms; composite mentions to several entities; priors from curated links and
 * training-corpus frequencies; a calibrated confidence with a threshold below which a mention stays
 * unlinked. Curation deltas (a synonym added or removed, a merge) apply in place without a rebuild.
 *
 * Longer than the house's ~350 lines because candidate generation, the in-place curation deltas and
 * the index they update share one private index structure; the separable parts (abbreviations,
 * composites, calibration, n-gram index, normalisation) already live in their own files.
 */
import { VanerError } from '../errors.js';
import { isNamesOnlyId } from './names-only.js';
import { isEntityType, type EntityType, type Span, type EntityName, type LinkMethod } from '../domain/index.js';
import { abbreviationMap, findAbbreviations } from './abbreviations.js';
import { compositeReadings } from './composite-mentions.js';
import { calibratedConfidence, DEFAULT_CALIBRATION, type CandidateSource, type LinkCalibration, type LinkFeatures } from './link-calibration.js';
import type { LinkResult, Linker } from './linker-types.js';
import { rerankScore, type CandidateFeatures, type CandidateKey, type RerankModel } from './candidate-reranker.js';
import { DEFAULT_RERANKER } from './reranker-weights.js';
import { buildNgramIndex, type NgramIndex } from './ngram-index.js';
import { foldPlural, isWordyNorm, linkingKeys, normalizeName, tokenizeForMatch } from './normalize.js';

/** A curator's verdict used as a prior: this mention text of this type means this entity. */
export interface CuratedLink {
  readonly text: string;
  readonly type: EntityType;
  readonly entityId: string;
}

export interface EntityLinkerOptions {
  /** Every name of every entity (e.g. `store.iterateNames()`); read once at construction. */
  readonly names: AsyncIterable<EntityName> | Iterable<EntityName>;
  /** Entity id -> training-corpus annotation count (readAnnotationCounts): the frequency prior. @defaultValue none */
  readonly annotationCounts?: ReadonlyMap<string, number>;
  /**
   * `annotationNameKey(entityId, name)` -> how often training annotators linked that text to that
   * entity (readAnnotationNameCounts): the per-name prior, stronger than the per-entity one. @defaultValue none
   */
  readonly annotationNameCounts?: ReadonlyMap<string, number>;
  /** Confirmed or curator-relinked mentions; their texts win over every other name. @defaultValue none */
  readonly curatedLinks?: Iterable<CuratedLink>;
  /** Recorded on every mention. @defaultValue `entity-` + a hash of the names and the calibration */
  readonly version?: string;
  /** Calibrated confidence below which a mention is left unlinked. @defaultValue DEFAULT_CALIBRATION.threshold */
  readonly threshold?: number;
  /** @defaultValue DEFAULT_CALIBRATION */
  readonly calibration?: LinkCalibration;
  /**
   * Weight of the frequency prior when ranking approximate candidates (added to the cosine, times
   * log1p(count)/8 capped at 1). @defaultValue DEFAULT_PRIOR_WEIGHT
   */
  readonly priorWeight?: number;
  /**
   * Builds the approximate-matching index over a type's normalised keys; the composition root passes
   * a persistent one (createNgramIndexCache) so restarts read the index instead of rebuilding it.
   * @defaultValue buildNgramIndex
   */
  readonly buildIndex?: (keys: readonly string[]) => NgramIndex;
  /**
   * The learned candidate re-ranker (src/kb/candidate-reranker.ts); null ranks as linker v2 did
   * (strongest lookup key first, then cosine plus frequency prior). @defaultValue DEFAULT_RERANKER
   */
  readonly reranker?: RerankModel | null;
}

/** Chosen on the BC5CDR and NCBI-disease development sets (see eval-link). */
export const DEFAULT_PRIOR_WEIGHT = 0.1;

/** A link before thresholding, with the features its confidence came from. */
export interface ExplainedLink {
  readonly result: LinkResult;
  /** null when no candidate was found at all. */
  readonly features: LinkFeatures | null;
  /** Every candidate of the plain (not abbreviation or composite) reading, with its re-ranker features; for fitting. */
  readonly candidates?: readonly { readonly entityId: string; readonly features: CandidateFeatures }[];
}

/** The entity linker plus in-place curation deltas (each also changes `version`'s revision suffix). */
export interface EntityLinker extends Linker {
  /** Adds one name (a curator synonym); used by lookups at once (not by approximate matching). */
  addName(name: EntityName): void;
  /** Removes one name of one entity from every lookup. */
  removeName(entityId: string, name: string): void;
  /** Links to `sourceId` resolve to `targetId` from now on. */
  mergeEntity(sourceId: string, targetId: string): void;
  /** Adds a curated link prior. */
  addCuratedLink(link: CuratedLink): void;
  /** Stops (retired true) or resumes linking to an entity. */
  setRetired(entityId: string, retired: boolean): void;
  /**
   * Like link, but every link is returned with its calibration features, whatever its confidence;
   * with `withCandidates`, also every candidate with its re-ranker features (to fit the re-ranker).
   */
  explain(text: string, spans: readonly Span[], withCandidates?: boolean): ExplainedLink[];
  /** Names read and milliseconds the build took (for logs and benchmarks). */
  readonly stats: { readonly names: number; readonly buildMs: number };
}

/** Origin ranks: lower wins ties. */
const CURATOR = 0;
const ANNOTATION = 2;
function originRank(origin: string): number {
  return origin === 'curator' ? CURATOR : origin === 'vocabulary' ? 1 : origin === 'annotation' ? 2 : 3;
}

interface NameRecord {
  readonly entityId: string;
  readonly name: string;
  readonly origin: number;
  /** Training annotations of this text with this entity. */
  readonly nameCount: number;
}

interface Decision {
  readonly entityId: string;
  /** Origin rank of the chosen name. */
  readonly origin: number;
  readonly name: string;
  readonly source: CandidateSource;
  readonly score: number;
  readonly margin: number;
  readonly ambiguity: number;
  readonly count: number;
  readonly curated: boolean;
}

/** Approximate candidates considered per query (keys, before collapsing to entities). */
const APPROXIMATE_CANDIDATES = 10;
/** With the re-ranker more approximate keys are worth scoring: it can tell them apart. */
const RERANK_APPROXIMATE_CANDIDATES = 20;

/** Document context of one link call: word counts of the text and the entities lookups found in it. */
interface DocumentContext {
  readonly words: ReadonlyMap<string, number>;
  /** Entity id -> spans of the document a lookup (not approximate matching) links to it. */
  readonly lookedUp: ReadonlyMap<string, number>;
}

const NO_CONTEXT: DocumentContext = { words: new Map(), lookedUp: new Map() };

/** Words (plural folded) of a text with their counts; punctuation and one-letter tokens left out. */
function wordCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokenizeForMatch(text).tokens) {
    if (!isWordyNorm(t.norm) || t.norm.length < 2) continue;
    const w = foldPlural(t.norm);
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

/** Bumped when the linking rules of this file change what a mention links to (part of the linker's version). */
const LINKING_RULES_REVISION = 2;

/** Words of a normalised key. */
const keyWords = (key: string): string[] => key.split(' ').filter((w) => w !== '');

/**
 * The numbers written in a name, as a set (`serotonin 6 receptor gene` -> 6; `5-HT2A` -> 2, 5). Numbers are what
 * tell members of a family apart (receptor subtypes, complement C6 and C7, vitamin B6 and B12), and 3-gram similarity
 * hardly sees them: `Serotonin 6 receptor gene` matched HTR2A's `serotonin 2A receptor` approximately.
 */
export function numbersOf(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(/\d+/g)) found.add(String(Number(m[0])));
  return found;
}

/**
 * An approximate match may not contradict the mention's numbers: both write numbers and neither's numbers include
 * the other's. Inclusion is allowed because one spelling may write more of them (`1,25-dihydroxyvitamin D3` and
 * `1,25-dihydroxycholecalciferol`): with disagreement on any difference, BC5CDR development chemical acc@1 fell by
 * 4 mentions. `mention` may be its numbers already (numbersOf), read once per mention rather than per candidate.
 */
export function numbersDisagree(mention: string | Set<string>, name: string): boolean {
  const a = typeof mention === 'string' ? numbersOf(mention) : mention;
  if (a.size === 0) return false;
  const b = numbersOf(name);
  if (b.size === 0) return false;
  const within = (x: Set<string>, y: Set<string>): boolean => [...x].every((n) => y.has(n));
  return !within(a, b) && !within(b, a);
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size === 0 && sb.size === 0) return 0;
  let both = 0;
  for (const w of sa) if (sb.has(w)) both += 1;
  return both / (sa.size + sb.size - both);
}

/** Dice coefficient of the character 3-grams of two keys (the cosine stand-in for lookup hits). */
function trigramDice(a: string, b: string): number {
  const grams = (s: string): Map<string, number> => {
    const m = new Map<string, number>();
    const p = ` ${s} `;
    for (let i = 0; i + 3 <= p.length; i += 1) m.set(p.slice(i, i + 3), (m.get(p.slice(i, i + 3)) ?? 0) + 1);
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let both = 0;
  let total = 0;
  for (const [g, n] of ga) {
    both += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return total === 0 ? 0 : (2 * both) / total;
}
const KEY_KINDS = ['exact', 'folded', 'normalized', 'generic', 'sorted'] as const;
type KeyKind = (typeof KEY_KINDS)[number];

const UNLINKED: LinkResult = Object.freeze({ entityId: null, method: null, matchedName: null, confidence: null });

function methodOf(source: CandidateSource): LinkMethod {
  // 'exact' keeps its v1 meaning (the name exactly as written); a case-only difference is 'normalized'.
  return source === 'exact' ? 'exact' : source === 'approximate' ? 'approximate' : 'normalized';
}

/** Builds the linker; see EntityLinkerOptions. Throws INVALID_FORMAT for a name of an unknown type. */
export async function createEntityLinker(options: EntityLinkerOptions): Promise<EntityLinker> {
  if (options.names === null || typeof options.names !== 'object') {
    throw new VanerError('BAD_USER_INPUT', 'names must be an iterable of EntityName', { details: { field: 'names' } });
  }
  const threshold = options.threshold ?? options.calibration?.threshold ?? DEFAULT_CALIBRATION.threshold;
  if (!(threshold >= 0 && threshold <= 1)) throw new VanerError('BAD_USER_INPUT', `threshold must be in [0, 1], got ${threshold}`, { details: { field: 'threshold' } });
  const calibration = options.calibration ?? DEFAULT_CALIBRATION;
  const counts = options.annotationCounts ?? new Map<string, number>();
  const nameCounts = options.annotationNameCounts;
  const priorWeight = options.priorWeight ?? DEFAULT_PRIOR_WEIGHT;
  const reranker = options.reranker === undefined ? DEFAULT_RERANKER : options.reranker;
  const started = performance.now();
  /** The first name read for each entity: its preferred name when names come as the store and the KB files list them. */
  const labels = new Map<string, string>();

  const lookups: Record<KeyKind, Map<string, NameRecord[]>> = { exact: new Map(), folded: new Map(), normalized: new Map(), generic: new Map(), sorted: new Map() };
  const removed = new Set<string>();
  /** Entities a curator retired: their names stay indexed but never win. */
  const retired = new Set<string>();
  const mergedInto = new Map<string, string>();
  let hash = 0x811c9dc5;
  let revision = 0;
  let nameCount = 0;

  /**
   * Each (type, entity, name) once, by its strongest origin. Checked here, once per name, rather than by
   * scanning each bucket: generic keys ('acid', 'syndrome') gather thousands of names, and a scan per
   * insert made the build quadratic in them (about 40 % of a start-up was spent in that scan).
   */
  const added = new Map<string, NameRecord>();
  const put = (kind: KeyKind, type: EntityType, key: string, record: NameRecord, replaces: NameRecord | undefined): void => {
    if (key === '') return;
    const k = `${type}\u0000${key}`;
    const bucket = lookups[kind].get(k);
    if (bucket === undefined) lookups[kind].set(k, [record]);
    else if (replaces === undefined) bucket.push(record);
    else {
      // The same name again from a stronger origin (a curator confirming a vocabulary name) upgrades it.
      const at = bucket.indexOf(replaces);
      if (at < 0) bucket.push(record);
      else bucket[at] = record;
    }
  };
  const addRecord = (type: EntityType, name: string, entityId: string, origin: number): void => {
    const trimmed = name.trim();
    // A names-only entity (a CTD name without an id) is recognised, never linked to.
    if (trimmed === '' || isNamesOnlyId(entityId)) return;
    const id = `${type}\u0000${entityId}\u0000${trimmed}`;
    const previous = added.get(id);
    if (previous !== undefined && previous.origin <= origin) return;
    const keys = linkingKeys(trimmed);
    const nameCount = nameCounts === undefined ? 0 : nameCounts.get(`${entityId}\u0000${keys.folded}`) ?? 0;
    const record: NameRecord = { entityId, name: trimmed, origin, nameCount };
    added.set(id, record);
    for (const kind of KEY_KINDS) put(kind, type, keys[kind], record, previous);
  };
  const checkName = (entry: EntityName): void => {
    if (!isEntityType(entry.type)) {
      throw new VanerError('INVALID_FORMAT', `name '${entry.name}' of ${entry.entityId} has unknown type '${String(entry.type)}'`);
    }
  };

  for await (const entry of options.names) {
    checkName(entry);
    addRecord(entry.type, entry.name, entry.entityId, originRank(entry.origin));
    if (!labels.has(entry.entityId)) labels.set(entry.entityId, entry.name.trim());
    nameCount += 1;
    for (const s of [entry.entityId, entry.type, entry.name]) {
      for (let i = 0; i < s.length; i += 1) hash = Math.imul(hash ^ s.charCodeAt(i), 0x01000193) >>> 0;
    }
  }
  for (const link of options.curatedLinks ?? []) {
    if (!isEntityType(link.type)) throw new VanerError('BAD_USER_INPUT', `curated link '${link.text}' has unknown type '${String(link.type)}'`);
    addRecord(link.type, link.text, link.entityId, CURATOR);
  }
  for (const w of calibration.weights) hash = Math.imul(hash ^ Math.round(w * 1000), 0x01000193) >>> 0;
  for (const w of reranker?.weights ?? []) hash = Math.imul(hash ^ Math.round(w * 1000), 0x01000193) >>> 0;
  hash = Math.imul(hash ^ Math.round(threshold * 1000), 0x01000193) >>> 0;
  // The version names what links a mention: the names and weights above, and the rules in this file, so a rule
  // change (numbersDisagree) gives stored mentions a new linker version too.
  hash = Math.imul(hash ^ LINKING_RULES_REVISION, 0x01000193) >>> 0;

  // The approximate index: one per type over that type's distinct normalised keys.
  const approximate = new Map<EntityType, { index: NgramIndex; buckets: NameRecord[][] }>();
  const keysByType = new Map<EntityType, { keys: string[]; buckets: NameRecord[][] }>();
  for (const [k, bucket] of lookups.normalized) {
    const sep = k.indexOf('\u0000');
    const type = k.slice(0, sep) as EntityType;
    let entry = keysByType.get(type);
    if (entry === undefined) keysByType.set(type, (entry = { keys: [], buckets: [] }));
    entry.keys.push(k.slice(sep + 1));
    entry.buckets.push(bucket);
  }
  const buildIndex = options.buildIndex ?? buildNgramIndex;
  for (const [type, { keys, buckets }] of keysByType) approximate.set(type, { index: buildIndex(keys), buckets });
  keysByType.clear();
  const buildMs = performance.now() - started;

  const baseVersion = options.version ?? `entity-${hash.toString(16).padStart(8, '0')}`;
  const resolveId = (id: string): string => {
    let current = id;
    for (let hop = 0; hop < 32; hop += 1) {
      const next = mergedInto.get(current);
      if (next === undefined) return current;
      current = next;
    }
    return current;
  };

  type Ranked = { record: NameRecord; entityId: string; count: number };
  /** Curated names first, then the frequency priors (annotators' choice: per name, then per entity), then origin, then the smaller id. */
  const better = (a: Ranked, b: Ranked): boolean => {
    const ac = a.record.origin === CURATOR;
    if (ac !== (b.record.origin === CURATOR)) return ac;
    if (a.record.nameCount !== b.record.nameCount) return a.record.nameCount > b.record.nameCount;
    if (a.count !== b.count) return a.count > b.count;
    if (a.record.origin !== b.record.origin) return a.record.origin < b.record.origin;
    return a.entityId < b.entityId;
  };
  /** Best entity of a bucket (see `better`), skipping removed names and following merges. */
  const choose = (bucket: readonly NameRecord[]): { record: NameRecord; entityId: string; ambiguity: number } | null => {
    let best: Ranked | null = null;
    const entities = new Set<string>();
    for (const record of bucket) {
      if (removed.has(`${record.entityId}\u0000${record.name}`)) continue;
      const entityId = resolveId(record.entityId);
      if (retired.has(entityId)) continue;
      entities.add(entityId);
      const count = counts.get(entityId) ?? counts.get(record.entityId) ?? 0;
      if (best === null || better({ record, entityId, count }, best)) {
        best = { record, entityId, count };
      }
    }
    return best === null ? null : { record: best.record, entityId: best.entityId, ambiguity: entities.size };
  };

  const countOf = (entityId: string): number => counts.get(entityId) ?? 0;

  type Candidate = { entityId: string; record: NameRecord; key: CandidateKey; cosine: number; approximateRank: number | null; ambiguity: number };

  /** Every entity a lookup key of `surface` hits, and (unless `strongOnly`) the best approximate matches. */
  const collectCandidates = (type: EntityType, surface: string, keys: ReturnType<typeof linkingKeys>, strongOnly: boolean): Map<string, Candidate> => {
    const found = new Map<string, Candidate>();
    const consider = (record: NameRecord, key: CandidateKey, cosine: number, rank: number | null, ambiguity: number): void => {
      if (removed.has(`${record.entityId}\u0000${record.name}`)) return;
      const entityId = resolveId(record.entityId);
      if (retired.has(entityId)) return;
      const seen = found.get(entityId);
      if (seen === undefined) {
        found.set(entityId, { entityId, record, key, cosine, approximateRank: rank, ambiguity });
        return;
      }
      // A stronger key keeps its name; an approximate hit only adds its cosine and rank.
      if (key === 'approximate') {
        found.set(entityId, { ...seen, cosine: Math.max(seen.cosine, cosine), approximateRank: seen.approximateRank ?? rank });
      } else if (seen.key === key && better({ record, entityId, count: 0 }, { record: seen.record, entityId, count: 0 })) {
        found.set(entityId, { ...seen, record });
      }
    };
    for (const kind of KEY_KINDS) {
      const key = keys[kind];
      const bucket = key === '' ? undefined : lookups[kind].get(`${type}\u0000${key}`);
      if (bucket === undefined) continue;
      const ambiguity = new Set(bucket.map((r) => resolveId(r.entityId))).size;
      for (const record of bucket) {
        const cosine = kind === 'exact' || kind === 'folded' || kind === 'normalized' ? 1 : trigramDice(keys.normalized, normalizeName(record.name));
        consider(record, kind, cosine, null, ambiguity);
      }
    }
    if (strongOnly) return found;
    const approx = approximate.get(type);
    const query = keys.normalized !== '' ? keys.normalized : keys.exact.toLowerCase();
    if (approx === undefined || query.length < 3) return found;
    let rank = 0;
    const numbers = numbersOf(surface);
    for (const hit of approx.index.search(query, RERANK_APPROXIMATE_CANDIDATES)) {
      const bucket = approx.buckets[hit.key]!;
      const ambiguity = new Set(bucket.map((r) => resolveId(r.entityId))).size;
      const before = found.size;
      for (const record of bucket) if (!numbersDisagree(numbers, record.name)) consider(record, 'approximate', hit.score, rank, ambiguity);
      if (found.size > before) rank += 1;
    }
    return found;
  };

  const candidateFeatures = (c: Candidate, keys: ReturnType<typeof linkingKeys>, surface: string, context: DocumentContext, ownLookup: string | null): CandidateFeatures => {
    const mentionWords = keyWords(keys.normalized);
    const nameWords = keyWords(normalizeName(c.record.name));
    const label = labels.get(c.entityId) ?? labels.get(c.record.entityId) ?? c.record.name;
    const labelWords = [...new Set(keyWords(normalizeName(label)))].filter((w) => w.length > 2 && !mentionWords.includes(w));
    const inContext = labelWords.filter((w) => (context.words.get(w) ?? 0) > 0).length;
    const lookedUp = (context.lookedUp.get(c.entityId) ?? 0) - (ownLookup === c.entityId ? 1 : 0);
    return {
      key: c.key,
      cosine: c.cosine,
      approximateRank: c.approximateRank,
      wordOverlap: jaccard(mentionWords, nameWords),
      sameHead: mentionWords.length > 0 && mentionWords.at(-1) === nameWords.at(-1),
      entityCount: countOf(c.entityId),
      nameCount: c.record.nameCount,
      annotationName: c.record.origin === ANNOTATION,
      preferredName: c.record.name === label,
      ambiguous: c.ambiguity > 1,
      contextOverlap: labelWords.length === 0 ? 0 : inContext / labelWords.length,
      inDocument: lookedUp > 0,
      shortMention: surface.trim().length <= 3,
    };
  };

  /** The candidates of one mention with their features, best first by the re-ranker (ties by id). */
  const rankCandidates = (type: EntityType, surface: string, context: DocumentContext, model: RerankModel): { entityId: string; candidate: Candidate; features: CandidateFeatures; score: number }[] => {
    const keys = linkingKeys(surface);
    const found = collectCandidates(type, surface, keys, false);
    const own = decideByKeys(type, keys);
    return [...found.values()]
      .map((candidate) => {
        const features = candidateFeatures(candidate, keys, surface, context, own?.entityId ?? null);
        return { entityId: candidate.entityId, candidate, features, score: rerankScore(model, features) };
      })
      .sort((a, b) => b.score - a.score || (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0));
  };

  /** The strongest lookup key's choice (no approximate matching, no re-ranker). */
  const decideByKeys = (type: EntityType, keys: ReturnType<typeof linkingKeys>): { entityId: string; record: NameRecord; kind: KeyKind; ambiguity: number } | null => {
    for (const kind of KEY_KINDS) {
      const key = keys[kind];
      if (key === '') continue;
      const bucket = lookups[kind].get(`${type}\u0000${key}`);
      if (bucket === undefined) continue;
      const chosen = choose(bucket);
      if (chosen !== null) return { entityId: chosen.entityId, record: chosen.record, kind, ambiguity: chosen.ambiguity };
    }
    return null;
  };

  /** Lookups first (strongest key wins), then approximate matching unless `strongOnly`; the re-ranker decides when present. */
  const decide = (type: EntityType, surface: string, strongOnly: boolean, context: DocumentContext = NO_CONTEXT): Decision | null => {
    const keys = linkingKeys(surface);
    // A curator's verdict on this text (at any key level) beats every vocabulary name.
    for (const kind of KEY_KINDS) {
      const key = keys[kind];
      const bucket = key === '' ? undefined : lookups[kind].get(`${type}\u0000${key}`);
      const curatedOnly = bucket?.filter((r) => r.origin === CURATOR);
      const chosen = curatedOnly === undefined || curatedOnly.length === 0 ? null : choose(curatedOnly);
      if (chosen !== null) {
        return { entityId: chosen.entityId, origin: CURATOR, name: chosen.record.name, source: kind, score: 1, margin: 1, ambiguity: chosen.ambiguity, count: countOf(chosen.entityId), curated: true };
      }
    }
    if (reranker !== null && !strongOnly) {
      const ranked = rankCandidates(type, surface, context, reranker);
      const top = ranked[0];
      if (top === undefined) return null;
      const c = top.candidate;
      // The calibration's margin keeps linker v2's meaning: the winner's similarity minus the best
      // other candidate's (its own similarity when alone), so a lone weak match stays unconfident.
      const runnerUp = ranked.slice(1).reduce((m, r) => Math.max(m, r.candidate.cosine), 0);
      return {
        entityId: top.entityId,
        origin: c.record.origin,
        name: c.record.name,
        source: c.key,
        score: c.cosine,
        margin: Math.max(0, c.cosine - runnerUp),
        ambiguity: c.ambiguity,
        count: countOf(top.entityId),
        curated: c.record.origin === CURATOR,
      };
    }
    for (const kind of KEY_KINDS) {
      const key = keys[kind];
      if (key === '') continue;
      const bucket = lookups[kind].get(`${type}\u0000${key}`);
      if (bucket === undefined) continue;
      const chosen = choose(bucket);
      if (chosen === null) continue;
      return {
        entityId: chosen.entityId,
        origin: chosen.record.origin,
        name: chosen.record.name,
        source: kind,
        score: 1,
        margin: 1,
        ambiguity: chosen.ambiguity,
        count: countOf(chosen.entityId),
        curated: chosen.record.origin === CURATOR,
      };
    }
    if (strongOnly) return null;
    const approx = approximate.get(type);
    const query = keys.normalized !== '' ? keys.normalized : keys.exact.toLowerCase();
    if (approx === undefined || query.length < 3) return null;
    // Candidates per entity (best cosine of its names), re-ranked with the frequency prior: among
    // near-equal spellings the concept annotators use more often is the likelier reading.
    const byEntity = new Map<string, { entityId: string; record: NameRecord; score: number; ambiguity: number; rank: number }>();
    const numbers = numbersOf(surface);
    for (const hit of approx.index.search(query, APPROXIMATE_CANDIDATES)) {
      const chosen = choose(approx.buckets[hit.key]!.filter((r) => !numbersDisagree(numbers, r.name)));
      if (chosen === null || byEntity.has(chosen.entityId)) continue;
      const rank = hit.score + priorWeight * Math.min(1, Math.log1p(countOf(chosen.entityId)) / 8);
      byEntity.set(chosen.entityId, { entityId: chosen.entityId, record: chosen.record, score: hit.score, ambiguity: chosen.ambiguity, rank });
    }
    const ranked = [...byEntity.values()].sort((a, b) => b.rank - a.rank || (a.entityId < b.entityId ? -1 : 1));
    const top = ranked[0] ?? null;
    const second = ranked[1]?.rank ?? 0;
    if (top === null) return null;
    return {
      entityId: top.entityId,
      origin: top.record.origin,
      name: top.record.name,
      source: 'approximate',
      score: top.score,
      margin: top.rank - second,
      ambiguity: top.ambiguity,
      count: countOf(top.entityId),
      curated: top.record.origin === CURATOR,
    };
  };

  const features = (d: Decision, mention: string, extra: { abbreviation?: boolean; composite?: boolean } = {}): LinkFeatures => ({
    source: d.source,
    abbreviation: extra.abbreviation ?? false,
    composite: extra.composite ?? false,
    score: d.score,
    margin: d.margin,
    ambiguity: d.ambiguity,
    count: d.count,
    curated: d.curated,
    length: mention.trim().length,
  });

  /** A composite reading of `surface` with at least two distinct entities, each found by a lookup. */
  const composite = (type: EntityType, surface: string): { ids: string[]; weakest: Decision } | null => {
    const readings = compositeReadings(surface);
    if (readings === null) return null;
    const ids: string[] = [];
    let weakest: Decision | null = null;
    for (const options of readings) {
      let found: Decision | null = null;
      for (const option of options) {
        found = decide(type, option, true);
        if (found !== null) break;
      }
      if (found === null) return null;
      if (!ids.includes(found.entityId)) ids.push(found.entityId);
      if (weakest === null || KEY_KINDS.indexOf(found.source as KeyKind) > KEY_KINDS.indexOf(weakest.source as KeyKind)) weakest = found;
    }
    return ids.length >= 2 && weakest !== null ? { ids, weakest } : null;
  };

  const explainAll = (text: string, spans: readonly Span[], withCandidates = false): ExplainedLink[] => {
    spans.forEach((span, i) => {
      if (!isEntityType(span.type)) {
        throw new VanerError('BAD_USER_INPUT', `span ${i} has unknown type '${String(span.type)}'`, { details: { field: 'type', index: i } });
      }
      if (!(span.start >= 0 && span.end > span.start && span.end <= text.length)) {
        throw new VanerError('BAD_USER_INPUT', `span ${i} [${span.start}, ${span.end}) is outside the text`, { details: { field: 'start', index: i } });
      }
    });
    // Abbreviations are defined per document: 'PD' means what this text says it means.
    const abbreviations = abbreviationMap(findAbbreviations(text));
    const lookedUp = new Map<string, number>();
    if (reranker !== null || withCandidates) {
      for (const span of spans) {
        const hit = decideByKeys(span.type, linkingKeys(text.slice(span.start, span.end)));
        if (hit !== null) lookedUp.set(hit.entityId, (lookedUp.get(hit.entityId) ?? 0) + 1);
      }
    }
    const context: DocumentContext = reranker !== null || withCandidates ? { words: wordCounts(text), lookedUp } : NO_CONTEXT;
    return spans.map((span): ExplainedLink => {
      const surface = text.slice(span.start, span.end);
      const candidates = withCandidates
        ? rankCandidates(span.type, surface, context, reranker ?? { weights: [] }).map((r) => ({ entityId: r.entityId, features: r.features }))
        : undefined;
      const withList = (link: ExplainedLink): ExplainedLink => (candidates === undefined ? link : { ...link, candidates });
      const pair = abbreviations.get(surface.trim());
      if (pair !== undefined && pair.long !== surface.trim()) {
        // The labeler's own span of the long form is its best boundary; the Schwartz–Hearst long form otherwise.
        const own = spans.find((s) => s.type === span.type && s.end === pair.longEnd && s.start >= pair.longStart - 40 && s !== span);
        const longText = own === undefined ? pair.long : text.slice(own.start, own.end);
        const d = decide(span.type, longText, false, context) ?? (own === undefined ? null : decide(span.type, pair.long, false, context));
        if (d !== null) {
          const f = features(d, longText, { abbreviation: true });
          return withList({ features: f, result: { entityId: d.entityId, method: 'abbreviation', matchedName: pair.long, confidence: calibratedConfidence(calibration, f) } });
        }
      }
      const d = decide(span.type, surface, false, context);
      // 'breast and ovarian cancer' is two concepts even when a vocabulary happens to list the whole
      // phrase (as a synonym of the hereditary syndrome): a one-word first conjunct is a modifier
      // sharing the head. Names annotators or curators used whole still win.
      const modifierComposite = d !== null && !d.curated && d.origin !== ANNOTATION && /^\S+\s+(?:and|or|and\/or)\s/iu.test(surface.trim());
      if (d === null || d.source === 'approximate' || modifierComposite) {
        const c = composite(span.type, surface);
        if (c !== null) {
          const f = features(c.weakest, surface, { composite: true });
          return withList({
            features: f,
            result: { entityId: c.ids[0]!, method: 'composite', matchedName: surface.trim(), confidence: calibratedConfidence(calibration, f), additionalEntityIds: c.ids.slice(1) },
          });
        }
      }
      if (d === null) return withList({ features: null, result: UNLINKED });
      const f = features(d, surface);
      return withList({ features: f, result: { entityId: d.entityId, method: methodOf(d.source), matchedName: d.name, confidence: calibratedConfidence(calibration, f) } });
    });
  };

  const touch = (): void => {
    revision += 1;
  };

  return {
    get version() {
      return revision === 0 ? baseVersion : `${baseVersion}+${revision}`;
    },
    stats: { names: nameCount, buildMs: Math.round(buildMs) },
    async link(text: string, spans: readonly Span[]): Promise<LinkResult[]> {
      return explainAll(text, spans).map(({ result }) =>
        result.entityId === null || (result.confidence ?? 0) < threshold ? UNLINKED : { ...result, confidence: Math.round(result.confidence! * 1000) / 1000 },
      );
    },
    explain: explainAll,
    addName(name) {
      checkName(name);
      removed.delete(`${name.entityId}\u0000${name.name.trim()}`);
      addRecord(name.type, name.name, name.entityId, originRank(name.origin));
      touch();
    },
    removeName(entityId, name) {
      removed.add(`${entityId}\u0000${name.trim()}`);
      touch();
    },
    mergeEntity(sourceId, targetId) {
      if (resolveId(targetId) === sourceId) throw new VanerError('BAD_USER_INPUT', `merging ${sourceId} into ${targetId} would make a cycle`);
      mergedInto.set(sourceId, targetId);
      touch();
    },
    setRetired(entityId, isRetired) {
      if (isRetired) retired.add(entityId);
      else retired.delete(entityId);
      touch();
    },
    addCuratedLink(link) {
      if (!isEntityType(link.type)) throw new VanerError('BAD_USER_INPUT', `curated link '${link.text}' has unknown type '${String(link.type)}'`);
      addRecord(link.type, link.text, link.entityId, CURATOR);
      touch();
    },
  };
}

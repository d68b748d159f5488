import { VanerError } from '../errors.js';
import { ENTITY_TYPES, isEntityType, schemeFor, type EntityType, type LabelInput, type LabelOptions, type Labeler, type Span, type EntityName } from '../domain/index.js';
import { foldPlural, isJoinerNorm, isWordyNorm, nameKeyTokens, normalizeName, tokenizeForMatch, type MatchToken } from './normalize.js';
import { propagateAbbreviations } from '../ner/abbreviation-propagation.js';
import { DEFAULT_STOP_NAMES } from './stop-names.js';
import { stopNameKey } from './learned-stop-names.js';
import { TokenTrie } from './token-trie.js';

export interface DictionaryLabelerOptions {
  /** Names to match (e.g. `store.iterateNames()`); read once at construction. */
  readonly names: AsyncIterable<EntityName> | Iterable<EntityName>;
  /** Types to keep; names of other types are ignored. @defaultValue every type that occurs in `names` */
  readonly types?: readonly EntityType[];
  /** Recorded on every mention. @defaultValue `dictionary-` + a hash of the accepted names */
  readonly version?: string;
  /**
   * Names shorter than this (in characters) are dropped unless they are all-caps abbreviations,
   * which then match case-sensitively. @defaultValue 3
   */
  readonly minNameLength?: number;
  /** Names never matched, compared after normalizeName. @defaultValue DEFAULT_STOP_NAMES */
  readonly stopNames?: ReadonlySet<string>;
  /**
   * When one span matches names of several types, the earlier type wins.
   * @defaultValue ['CHEMICAL', 'DISEASE', ...ENTITY_TYPES] (on BC5CDR development, CHEMICAL first scores higher)
   */
  readonly typePriority?: readonly EntityType[];
  /**
   * All-caps abbreviations shorter than this are dropped: two-letter disease abbreviations ('RA',
   * 'CP', 'MS') name a different thing in almost every paper that uses them, while two-letter
   * chemical ones are mostly formulas ('NO', 'CO'). A number applies to every type.
   * @defaultValue `{ CHEMICAL: 2 }`, 3 for the other types
   */
  readonly minAbbreviationLength?: number | Partial<Record<EntityType, number>>;
  /**
   * Entities whose names are not matched (kept in the KB for linking), e.g. the classes a corpus does
   * not annotate as mentions; see readDictionaryExclusions. @defaultValue none
   */
  readonly excludeEntityIds?: ReadonlySet<string>;
  /**
   * Names of one type never matched, as `stopNameKey(type, name)` keys: the stop names learned from the training
   * corpora (readLearnedStopNames, kb/learned-stop-names.ts). A curator's name (origin 'curator') is matched
   * anyway. @defaultValue none
   */
  readonly stopNamesByType?: ReadonlySet<string>;
  /**
   * Also label the short forms a text defines for the spans found, 'hemorrhagic cystitis (HC)' ->
   * every 'HC' (see propagateAbbreviations). @defaultValue true
   */
  readonly propagateAbbreviations?: boolean;
}

/** What the dictionary kept and dropped while building; useful for logs and tuning. */
export interface DictionaryStats {
  readonly namesRead: number;
  readonly namesIndexed: number;
  readonly caseSensitiveNames: number;
  readonly skippedShort: number;
  readonly skippedStop: number;
  readonly skippedOtherType: number;
  readonly skippedExcluded: number;
  readonly trieNodes: number;
}

export interface DictionaryLabeler extends Labeler {
  /** Counts as of construction plus every {@link DictionaryLabeler.addNames} call. */
  readonly stats: DictionaryStats;
  /**
   * Adds names (a curator's synonym) with the same rules as at construction (types, exclusions, stop names,
   * lengths); the next label call matches them. Returns how many were indexed. The default version changes.
   */
  addNames(names: Iterable<EntityName>): number;
}

/**
 * All-caps names up to this length ('ALL', 'MS', 'AIDS', 'NO') are abbreviations whose lower-case
 * forms are everyday words, so they match only when the text has the same letters in the same case.
 */
const CASE_SENSITIVE_MAX_LENGTH = 5;
const DEFAULT_MIN_ABBREVIATION_LENGTH = 3;

const TYPE_BIT = new Map<EntityType, number>(ENTITY_TYPES.map((t, i) => [t, 1 << i]));

function bitOf(type: EntityType): number {
  return TYPE_BIT.get(type)!;
}

function isAllCapsAbbreviation(name: string): boolean {
  return name.length <= CASE_SENSITIVE_MAX_LENGTH && /\p{Lu}/u.test(name) && !/\p{Ll}/u.test(name);
}

/** Two-letter chemical element symbols ('Na', 'Ca', 'Li'): case decides whether they mean the element. */
function isElementSymbol(name: string, type: EntityType): boolean {
  return type === 'CHEMICAL' && /^[A-Z][a-z]$/.test(name);
}

/** The case-preserving surface of a token sequence, hyphens and slashes ignored. */
function surfaceOf(text: string, tokens: readonly MatchToken[]): string {
  return tokens
    .filter((t) => !isJoinerNorm(t.norm))
    .map((t) => text.slice(t.start, t.end).normalize('NFKC'))
    .join(' ');
}

function validate(options: DictionaryLabelerOptions): void {
  const { types, typePriority } = options;
  const lengths: [string, unknown][] = [['minNameLength', options.minNameLength]];
  const abbreviation = options.minAbbreviationLength;
  if (typeof abbreviation === 'object' && abbreviation !== null) {
    for (const [type, value] of Object.entries(abbreviation)) {
      if (!isEntityType(type)) {
        throw new VanerError('BAD_USER_INPUT', `minAbbreviationLength has unknown entity type '${type}'`, { details: { field: 'minAbbreviationLength' } });
      }
      lengths.push([`minAbbreviationLength.${type}`, value]);
    }
  } else {
    lengths.push(['minAbbreviationLength', abbreviation]);
  }
  for (const [field, value] of lengths) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) {
      throw new VanerError('BAD_USER_INPUT', `${field} must be a positive integer`, { details: { field } });
    }
  }
  for (const [field, list] of [['types', types], ['typePriority', typePriority]] as const) {
    for (const t of list ?? []) {
      if (!isEntityType(t)) throw new VanerError('BAD_USER_INPUT', `${field} contains unknown entity type '${String(t)}'`, { details: { field } });
    }
  }
  if (options.names === null || typeof options.names !== 'object') {
    throw new VanerError('BAD_USER_INPUT', 'names must be an iterable of EntityName', { details: { field: 'names' } });
  }
}

/** FNV-1a over the accepted names, so the default version changes whenever the dictionary does. */
function fnv1a(hash: number, s: string): number {
  let h = hash;
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Builds a dictionary labeler (kind 'dictionary'): every span of text whose normalised tokens equal
 * a vocabulary name's, at word boundaries, longest match first, at most one type per span and no
 * overlapping spans. Matching walks a token trie from each token start, so its cost depends on the
 * text, not on the number of names. `confidence` is always null.
 */
export async function createDictionaryLabeler(options: DictionaryLabelerOptions): Promise<DictionaryLabeler> {
  validate(options);
  const minNameLength = options.minNameLength ?? 3;
  const abbreviationSetting = options.minAbbreviationLength ?? { CHEMICAL: 2 };
  const minAbbreviationLength = (type: EntityType): number =>
    typeof abbreviationSetting === 'number' ? abbreviationSetting : abbreviationSetting[type] ?? DEFAULT_MIN_ABBREVIATION_LENGTH;
  const excluded = options.excludeEntityIds ?? new Set<string>();
  const abbreviations = options.propagateAbbreviations ?? true;
  const stopNames = new Set([...(options.stopNames ?? DEFAULT_STOP_NAMES)].map(normalizeName));
  const stopNamesByType = options.stopNamesByType ?? new Set<string>();
  const wanted = options.types === undefined ? null : new Set(options.types);
  const priority = [...(options.typePriority ?? []), 'CHEMICAL', 'DISEASE', ...ENTITY_TYPES] as EntityType[];

  const trie = new TokenTrie();
  const seenTypes = new Set<EntityType>();
  let hash = 0x811c9dc5;
  let namesRead = 0;
  let namesIndexed = 0;
  let caseSensitiveNames = 0;
  let skippedShort = 0;
  let skippedStop = 0;
  let skippedOtherType = 0;
  let skippedExcluded = 0;

  /** Indexes one name if the rules accept it; true when it was indexed. */
  const index = (entry: EntityName): boolean => {
    namesRead += 1;
    if (!isEntityType(entry.type)) {
      throw new VanerError('INVALID_FORMAT', `name '${entry.name}' of ${entry.entityId} has unknown type '${String(entry.type)}'`);
    }
    if (wanted !== null && !wanted.has(entry.type)) {
      skippedOtherType += 1;
      return false;
    }
    if (excluded.has(entry.entityId)) {
      skippedExcluded += 1;
      return false;
    }
    const name = entry.name.trim();
    if (stopNamesByType.size > 0 && entry.origin !== 'curator' && stopNamesByType.has(stopNameKey(entry.type, name))) {
      skippedStop += 1;
      return false;
    }
    const tokens = nameKeyTokens(name);
    if (tokens.length === 0 || !tokens.some((t) => /\p{L}/u.test(t.norm))) {
      skippedShort += 1;
      return false;
    }
    const element = isElementSymbol(name, entry.type);
    const caseSensitive = element || isAllCapsAbbreviation(name);
    if (caseSensitive && !element && name.length < minAbbreviationLength(entry.type)) {
      skippedShort += 1;
      return false;
    }
    // The stop list is about lower-case words; an all-caps abbreviation ('NO') is not the word 'no'.
    if (element && stopNames.has(normalizeName(name))) {
      skippedStop += 1;
      return false;
    }
    if (!caseSensitive) {
      if (name.length < minNameLength) {
        skippedShort += 1;
        return false;
      }
      if (stopNames.has(tokens.map((t) => t.norm).join(' '))) {
        skippedStop += 1;
        return false;
      }
    }
    trie.insert(tokens.map((t) => t.norm), bitOf(entry.type), caseSensitive ? surfaceOf(name, tokens) : undefined);
    seenTypes.add(entry.type);
    namesIndexed += 1;
    if (caseSensitive) caseSensitiveNames += 1;
    hash = fnv1a(fnv1a(hash, entry.type), name);
    return true;
  };
  for await (const entry of options.names) index(entry);

  const typesNow = (): EntityType[] => (options.types !== undefined ? [...options.types] : ENTITY_TYPES.filter((t) => seenTypes.has(t)));
  let types = typesNow();

  const pickType = (mask: number): EntityType => priority.find((t) => (mask & bitOf(t)) !== 0)!;

  function labelOne(text: string, allowed: number): Span[] {
    const tokens = tokenizeForMatch(text).tokens;
    const n = tokens.length;
    const ids = tokens.map((t) => trie.tokenId(t.norm));
    const wordy = tokens.map((t) => isWordyNorm(t.norm));
    // A match may not start or end inside a word: 'CD' must not match in 'CD4', nor 'iron' in 'iron2'.
    const glued = (a: number, b: number): boolean =>
      a >= 0 && b < n && tokens[a]!.end === tokens[b]!.start && wordy[a]! && wordy[b]!;

    const candidates: { first: number; last: number; type: EntityType }[] = [];
    for (let i = 0; i < n; i += 1) {
      if (!wordy[i] || glued(i - 1, i)) continue;
      let node = 0;
      let best: { last: number; mask: number } | null = null;
      for (let j = i; j < n; j += 1) {
        if (j > i && isJoinerNorm(tokens[j]!.norm)) continue;
        const id = ids[j];
        const exact = id === undefined ? undefined : trie.child(node, id);
        const folded = foldPlural(tokens[j]!.norm);
        const foldedId = folded === tokens[j]!.norm ? undefined : trie.tokenId(folded);
        const plural = foldedId === undefined ? undefined : trie.child(node, foldedId);
        if (!glued(j, j + 1)) {
          let mask = 0;
          for (const end of [exact, plural]) {
            if (end === undefined) continue;
            mask |= trie.mask(end);
            const sensitive = trie.caseSensitiveAt(end);
            if (sensitive !== undefined) {
              const surface = surfaceOf(text, tokens.slice(i, j + 1));
              for (const entry of sensitive) if (entry.surface === surface) mask |= entry.mask;
            }
          }
          mask &= allowed;
          if (mask !== 0) best = { last: j, mask };
        }
        if (exact === undefined) break;
        node = exact;
      }
      if (best !== null) candidates.push({ first: i, last: best.last, type: pickType(best.mask) });
    }

    // Longest span first (ties: leftmost), then drop anything overlapping an accepted span.
    const length = (c: { first: number; last: number }): number => tokens[c.last]!.end - tokens[c.first]!.start;
    candidates.sort((a, b) => length(b) - length(a) || a.first - b.first);
    const taken = new Uint8Array(n);
    const spans: Span[] = [];
    for (const c of candidates) {
      let free = true;
      for (let k = c.first; k <= c.last && free; k += 1) free = taken[k] === 0;
      if (!free) continue;
      taken.fill(1, c.first, c.last + 1);
      const start = tokens[c.first]!.start;
      const end = tokens[c.last]!.end;
      spans.push({ start, end, type: c.type, text: text.slice(start, end), confidence: null });
    }
    return spans.sort((a, b) => a.start - b.start);
  }

  let closed = false;
  return {
    kind: 'dictionary',
    get version() {
      return options.version ?? `dictionary-${hash.toString(16).padStart(8, '0')}`;
    },
    get types() {
      return types;
    },
    schemes: [],
    defaultScheme: null,
    get stats(): DictionaryStats {
      return { namesRead, namesIndexed, caseSensitiveNames, skippedShort, skippedStop, skippedOtherType, skippedExcluded, trieNodes: trie.size };
    },
    addNames(names: Iterable<EntityName>): number {
      let added = 0;
      for (const entry of names) if (index(entry)) added += 1;
      types = typesNow();
      return added;
    },
    async label(inputs: readonly LabelInput[], labelOptions: LabelOptions = {}): Promise<Span[][]> {
      if (closed) throw new VanerError('MODEL_UNAVAILABLE', 'dictionary labeler is closed');
      schemeFor({ kind: 'dictionary', schemes: [], defaultScheme: null }, labelOptions.scheme);
      let allowed = 0;
      for (const t of labelOptions.types ?? types) {
        if (!isEntityType(t)) throw new VanerError('BAD_USER_INPUT', `unknown entity type '${String(t)}'`, { details: { field: 'types' } });
        allowed |= bitOf(t);
      }
      const results: Span[][] = [];
      for (const input of inputs) {
        if (labelOptions.signal?.aborted) throw new VanerError('CANCELLED', 'labelling was cancelled');
        if (typeof input.text !== 'string') {
          throw new VanerError('BAD_USER_INPUT', `input ${input.id} has no text`, { details: { field: 'text', id: input.id } });
        }
        const spans = labelOne(input.text, allowed);
        results.push(abbreviations ? propagateAbbreviations(input.text, spans) : spans);
      }
      return results;
    },
    async close(): Promise<void> {
      closed = true;
    },
  };
}

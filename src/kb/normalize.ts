/**
 * Name normalisation shared by the dictionary labeler and the linker. Two entry points:
 *
 * - `tokenizeForMatch(text)` splits text into match tokens with offsets into the ORIGINAL string
 *   (UTF-16 code units, end exclusive), each carrying its normalised form. Offsets are taken while
 *   scanning the original text, never recomputed from normalised strings, because NFKC and Greek
 *   spelling change lengths.
 * - `normalizeName(s)` is the comparison key of a whole name: its significant token norms joined by
 *   single spaces, with the last token's plural folded.
 */

/** One match token: `norm` is the normalised form, `start`/`end` index the original text. */
export interface MatchToken {
  readonly norm: string;
  readonly start: number;
  readonly end: number;
}

/** Spelled-out names of Greek letters (lower and upper case map to the same spelling). */
const GREEK: Readonly<Record<string, string>> = {
  α: 'alpha', β: 'beta', γ: 'gamma', δ: 'delta', ε: 'epsilon', ϵ: 'epsilon', ζ: 'zeta', η: 'eta',
  θ: 'theta', ϑ: 'theta', ι: 'iota', κ: 'kappa', ϰ: 'kappa', λ: 'lambda', μ: 'mu', ν: 'nu', ξ: 'xi',
  ο: 'omicron', π: 'pi', ϖ: 'pi', ρ: 'rho', ϱ: 'rho', σ: 'sigma', ς: 'sigma', τ: 'tau', υ: 'upsilon',
  φ: 'phi', ϕ: 'phi', χ: 'chi', ψ: 'psi', ω: 'omega',
};

/** Dash-like characters that all normalise to '-' (after NFKC, which already folds some of them). */
const DASHES = new Set(['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE63', '\uFF0D', '_']);
const SLASHES = new Set(['/', '\u2044', '\u2215', '\uFF0F']);

/** Norms of tokens that separate words without changing meaning: hyphens and slashes (underscore folds to '-'). */
export function isJoinerNorm(norm: string): boolean {
  return norm === '-' || norm === '/';
}

const enum CharClass {
  Space,
  Letter,
  Digit,
  Greek,
  Other,
}

const LETTER = /[\p{L}\p{M}]/u;
const DIGIT = /\p{N}/u;
const SPACE = /\s/u;

function classify(ch: string): CharClass {
  // ASCII fast path: most text and almost all vocabulary names are ASCII.
  const code = ch.charCodeAt(0);
  if (code < 128) {
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return CharClass.Letter;
    if (code >= 48 && code <= 57) return CharClass.Digit;
    if (code === 32 || (code >= 9 && code <= 13)) return CharClass.Space;
    return CharClass.Other;
  }
  if (SPACE.test(ch)) return CharClass.Space;
  // Greek letters become their own tokens so that 'TNFα', 'TNF-α' and 'TNF alpha' all agree.
  const lower = ch.toLowerCase();
  if (GREEK[lower] !== undefined || GREEK[ch.normalize('NFKC').toLowerCase()] !== undefined) return CharClass.Greek;
  if (LETTER.test(ch)) return CharClass.Letter;
  if (DIGIT.test(ch)) return CharClass.Digit;
  return CharClass.Other;
}

/**
 * British spellings folded to American ones inside a word. Both sides of every comparison go through
 * the same function, so an over-eager rule only merges words, it never loses a match; the rules are
 * kept to word-internal digraphs (word-final 'ae'/'oe' as in 'algae', 'aloe' stay).
 */
function americanize(word: string): string {
  let w = word;
  if (w.length > 3) {
    w = w.replace(/ae(?=.)/g, 'e').replace(/oe(?=.)/g, 'e');
  }
  // sulph- -> sulf-: sulphate, thiosulphate, sulphonamide (MeSH and CTD spell them with f).
  w = w.replace(/sulph/g, 'sulf');
  // -our(s) -> -or(s): tumour, colour, behaviour; short everyday words (four, hour, your) untouched.
  if (w.length >= 6 && /[^aeiou]our(s?)$/.test(w) && !/(?:flour|devour|contour|detour|scour)s?$/.test(w)) {
    w = w.replace(/our(s?)$/, 'or$1');
  }
  // -ise/-yse families -> -ize/-yze: immunise(d), analysed, hospitalisation. The letters before the suffix are a
  // look-behind of fixed length, not a leading `([a-z]{3,})`: that group was retried from every start of the word
  // and backtracked over the rest of it, quadratic in the word's length (one 1 MB word of DNA letters took about
  // 30 minutes to label; at most one place can match, since the suffix must end the word).
  w = w.replace(/(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$/, 'iz$1');
  w = w.replace(/(?<=[a-z]{2})ys(e|ed|es|ing)$/, 'yz$1');
  return w;
}

/** Normalises the text of one word or number token (NFKC, lower case, Greek spelled, British folded). */
function normalizeTokenText(raw: string, cls: CharClass): string {
  // NFKC leaves ASCII unchanged; skipping it there saves most of the cost on vocabulary-sized inputs.
  const nfkc = (/^[\x00-\x7f]*$/.test(raw) ? raw : raw.normalize('NFKC')).toLowerCase();
  if (cls === CharClass.Greek) return GREEK[nfkc] ?? GREEK[raw.toLowerCase()] ?? nfkc;
  if (cls === CharClass.Letter) return americanize(nfkc);
  if (cls === CharClass.Digit) return nfkc;
  if (DASHES.has(raw) || DASHES.has(nfkc)) return '-';
  if (SLASHES.has(raw) || SLASHES.has(nfkc)) return '/';
  return nfkc;
}

/**
 * Folds a simple English plural on one (already normalised) token: -ies -> -y, -es after s/x/ch/sh,
 * -s when not after s, u or i (so 'virus', 'diabetes mellitus', 'analysis' keep their s).
 */
export function foldPlural(token: string): string {
  if (token.length <= 3 || !/^[a-z]+$/.test(token)) return token;
  if (token.endsWith('ies') && token.length > 4) return token.slice(0, -3) + 'y';
  if (/(?:s|x|ch|sh)es$/.test(token)) return token.slice(0, -2);
  if (token.endsWith('s') && !/[siu]s$/.test(token)) return token.slice(0, -1);
  return token;
}

/**
 * Splits text into match tokens: runs of letters, runs of digits, single Greek letters, and single
 * other non-space characters (punctuation, symbols, an emoji surrogate pair as one token). Hyphens
 * and slashes are tokens of their own with norms '-' and '/'.
 */
export function tokenizeForMatch(text: string): { tokens: MatchToken[] } {
  const tokens: MatchToken[] = [];
  let i = 0;
  const n = text.length;
  // Class and length of the character at i; ASCII without building a string (most names are ASCII).
  let charLength = 1;
  const classAt = (at: number): CharClass => {
    const code = text.charCodeAt(at);
    if (code < 128) {
      charLength = 1;
      if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return CharClass.Letter;
      if (code >= 48 && code <= 57) return CharClass.Digit;
      if (code === 32 || (code >= 9 && code <= 13)) return CharClass.Space;
      return CharClass.Other;
    }
    const ch = String.fromCodePoint(text.codePointAt(at)!);
    charLength = ch.length;
    return classify(ch);
  };
  while (i < n) {
    const cls = classAt(i);
    if (cls === CharClass.Space) {
      i += charLength;
      continue;
    }
    const start = i;
    i += charLength;
    if (cls === CharClass.Letter || cls === CharClass.Digit) {
      while (i < n && classAt(i) === cls) i += charLength;
    }
    const norm = normalizeTokenText(text.slice(start, i), cls);
    tokens.push({ norm, start, end: i });
  }
  return { tokens };
}

/**
 * The tokens that make up a name's key, with offsets into `s`: joiners (hyphens, slashes) dropped,
 * surrounding punctuation trimmed, the last word's plural folded into its `norm`.
 */
export function nameKeyTokens(s: string): MatchToken[] {
  return keyTokensOf(tokenizeForMatch(s).tokens);
}

function keyTokensOf(all: readonly MatchToken[]): MatchToken[] {
  const tokens = all.filter((t) => !isJoinerNorm(t.norm));
  let from = 0;
  let to = tokens.length;
  while (from < to && !isWordyNorm(tokens[from]!.norm)) from += 1;
  while (to > from && !isWordyNorm(tokens[to - 1]!.norm)) to -= 1;
  const kept = tokens.slice(from, to);
  const last = kept[kept.length - 1];
  if (last !== undefined) kept[kept.length - 1] = { ...last, norm: foldPlural(last.norm) };
  return kept;
}

/** True for norms of word or number tokens (as opposed to punctuation and symbols). */
export function isWordyNorm(norm: string): boolean {
  return /[\p{L}\p{N}]/u.test(norm);
}

/**
 * Comparison key of a name: NFKC, lower case, Greek letters spelled out (α -> alpha), hyphens,
 * slashes, underscores and spaces collapsed to one space, surrounding punctuation trimmed, British
 * endings folded to American, and the last word's simple plural folded.
 *
 * @example normalizeName('β-Blockers') === 'beta blocker'
 */
export function normalizeName(s: string): string {
  return nameKeyTokens(s).map((t) => t.norm).join(' ');
}

/**
 * Generic heads and modifiers that rarely decide which concept a name means: 'Parkinson disease' and
 * 'Parkinson's', 'Cushing syndrome' and 'Cushing's disease', 'cocaine-induced seizures' and 'seizures'.
 * Compared after plural folding and Americanisation. Used only for the secondary keys, never for
 * the primary one, so the plain name always wins when it exists.
 */
const GENERIC_WORDS = new Set(['disease', 'syndrome', 'disorder', 'condition', 'induced', 'associated', 'related', 'dependent', 'mediated']);
/** Words that modify a generic word's meaning only together with the word before: 'drug induced', 'alcohol related'. */
const GENERIC_WITH_AGENT = new Set(['induced', 'associated', 'related', 'dependent', 'mediated']);
/** Function words left out of the word-order key: 'cancer of the breast' ~ 'breast cancer'. */
const FUNCTION_WORDS = new Set(['of', 'the', 'a', 'an', 'in', 'on', 'with', 'to', 'for', 'by', 'type']);

/**
 * Word tokens of a name for the secondary keys: punctuation dropped, possessive 's' dropped
 * ("Crohn's" -> 'crohn'), every word's plural folded (not only the last one's).
 */
function secondaryWords(s: string | readonly MatchToken[]): string[] {
  const tokens = typeof s === 'string' ? tokenizeForMatch(s).tokens : s;
  const words: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (!isWordyNorm(t.norm)) continue;
    // "Crohn's": an 's' glued to an apostrophe right after a word is a possessive, not a word.
    const prev = tokens[i - 1];
    if (t.norm === 's' && prev !== undefined && (prev.norm === "'" || prev.norm === '’') && prev.start === tokens[i - 2]?.end && prev.end === t.start) continue;
    words.push(foldPlural(t.norm));
  }
  return words;
}

/**
 * Secondary linking key: the name's words with generic heads removed ('disease', 'syndrome',
 * 'disorder', ...), an agent before '-induced'/'-associated' removed with it, possessives dropped
 * and every word's plural folded. '' when nothing specific is left ('drug-induced disease'), so a
 * generic name never matches everything.
 *
 * @example genericKey("Parkinson's disease") === 'parkinson'
 * @example genericKey('cocaine-induced seizures') === 'seizure'
 */
export function genericKey(s: string | readonly MatchToken[]): string {
  const words = secondaryWords(s);
  const kept: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i]!;
    if (GENERIC_WITH_AGENT.has(words[i + 1] ?? '')) continue; // the agent of 'X-induced'
    if (GENERIC_WORDS.has(w)) continue;
    kept.push(w);
  }
  return kept.join(' ');
}

/**
 * Word-order key, the last fallback before approximate matching: the generic key's words without
 * function words, de-duplicated and sorted. '' when nothing is left.
 *
 * @example sortedTokenKey('cancer of the breast') === sortedTokenKey('breast cancer') // 'breast cancer'
 */
export function sortedTokenKey(s: string): string {
  const words = genericKey(s).split(' ').filter((w) => w !== '' && !FUNCTION_WORDS.has(w));
  return [...new Set(words)].sort().join(' ');
}

/** Every key the linker looks a name up by, strongest first. */
export interface LinkingKeys {
  /** The name as written, trimmed. */
  readonly exact: string;
  /** foldedKey: case and whitespace only (keeps singular and plural apart, unlike normalized). */
  readonly folded: string;
  /** normalizeName. */
  readonly normalized: string;
  /** genericKey. */
  readonly generic: string;
  /** sortedTokenKey. */
  readonly sorted: string;
}

/** The keys of one name or mention (see {@link LinkingKeys}). */
export function linkingKeys(s: string): LinkingKeys {
  // One tokenisation serves every key.
  const tokens = tokenizeForMatch(s).tokens;
  const generic = genericKey(tokens);
  const sorted = generic === '' ? '' : [...new Set(generic.split(' ').filter((w) => !FUNCTION_WORDS.has(w)))].sort().join(' ');
  const normalized = keyTokensOf(tokens).map((t) => t.norm).join(' ');
  return { exact: s.trim(), folded: foldedKey(s), normalized, generic, sorted };
}

/** Case and width folded, whitespace collapsed, nothing else: 'Acetic Acids' and 'acetic acid' stay apart. */
export function foldedKey(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

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
  // -our(s) -> -or(s): tumour, colour, behaviour; short everyday words (four, hour, your) untouched.
  if (w.length >= 6 && /[^aeiou]our(s?)$/.test(w) && !/(?:flour|devour|contour|detour|scour)s?$/.test(w)) {
    w = w.replace(/our(s?)$/, 'or$1');
  }
  // -ise/-yse families -> -ize/-yze: immunise(d), analysed, hospitalisation.
  w = w.replace(/([a-z]{3,})is(e|ed|es|ing|ation|ations)$/, '$1iz$2');
  w = w.replace(/([a-z]{2,})ys(e|ed|es|ing)$/, '$1yz$2');
  return w;
}

/** Normalises the text of one word or number token (NFKC, lower case, Greek spelled, British folded). */
function normalizeTokenText(raw: string, cls: CharClass): string {
  const nfkc = raw.normalize('NFKC').toLowerCase();
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
  while (i < n) {
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const cls = classify(ch);
    if (cls === CharClass.Space) {
      i += ch.length;
      continue;
    }
    const start = i;
    i += ch.length;
    if (cls === CharClass.Letter || cls === CharClass.Digit) {
      while (i < n) {
        const next = String.fromCodePoint(text.codePointAt(i)!);
        if (classify(next) !== cls) break;
        i += next.length;
      }
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
  const tokens = tokenizeForMatch(s).tokens.filter((t) => !isJoinerNorm(t.norm));
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

/**
 * Rule-based sentence splitter for biomedical prose, with exact character offsets.
 *
 * The labeler packs whole sentences into model windows, so a sentence boundary only decides where a window may
 * be cut. A missed boundary therefore costs little (two sentences share a window, as they often do anyway), while a
 * false one inside a mention can cut an entity in two. The rules are accordingly conservative:
 *
 * - a sentence ends after `.`, `!` or `?` (plus any closing quotes or brackets) that is followed by whitespace
 *   and then by something other than a lower-case letter or `, ; :`;
 * - never after a known abbreviation (`e.g.`, `i.e.`, `et al.`, `Fig.`, `vs.`, `cf.`, `approx.` ...), a single
 *   capital initial (`J. Smith`), or a period inside a number (`3.5`, which has no whitespace after it anyway);
 * - always at a blank line (paragraph break).
 *
 * Offsets are UTF-16 offsets into the original text, end exclusive; surrounding whitespace is excluded.
 */

/** One sentence as a range of the original text. */
export interface Sentence {
  readonly start: number;
  readonly end: number;
}

// Lower-cased, without the final period. `al` covers `et al.`; `etc.` is left out on purpose: it often ends a sentence.
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'al', 'fig', 'figs', 'vs', 'cf', 'approx', 'ca', 'resp', 'viz', 'no', 'nos', 'eq', 'eqs', 'ref',
  'refs', 'dr', 'mr', 'mrs', 'ms', 'prof', 'vol', 'pp', 'suppl', 'tab', 'sect', 'sp', 'spp', 'var', 'subsp',
  'st', 'jr', 'sr', 'inc', 'ltd', 'co', 'corp', 'dept', 'univ', 'min', 'max', 'avg', 'std', 'mol', 'wt',
]);
const TERMINATOR = /[.!?]/;
const CLOSER = /["'”’)\]}»]/;
const SPACE = /\s/;
// What may follow a boundary: anything but a lower-case letter or a clause separator.
const NOT_A_START = /[\p{Ll},;:]/u;

/** Splits text into sentences; never returns an empty or all-whitespace sentence. */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let start = 0;
  const push = (from: number, to: number): void => {
    while (from < to && SPACE.test(text[from]!)) from++;
    while (to > from && SPACE.test(text[to - 1]!)) to--;
    if (to > from) sentences.push({ start: from, end: to });
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n' && isBlankLineAhead(text, i)) {
      push(start, i);
      start = i;
      i++;
      continue;
    }
    if (TERMINATOR.test(ch)) {
      let end = i + 1;
      while (end < text.length && (TERMINATOR.test(text[end]!) || CLOSER.test(text[end]!))) end++;
      if (end < text.length && SPACE.test(text[end]!) && isBoundary(text, i, end)) {
        push(start, end);
        start = end;
      }
      i = end;
      continue;
    }
    i++;
  }
  push(start, text.length);
  return sentences;
}

/** `text[at]` is '\n' and only whitespace separates it from the next '\n'. */
function isBlankLineAhead(text: string, at: number): boolean {
  for (let j = at + 1; j < text.length; j++) {
    const c = text[j]!;
    if (c === '\n') return true;
    if (!SPACE.test(c)) return false;
  }
  return false;
}

/** Whether the terminator at `dot` (its punctuation run ending at `end`) ends a sentence. */
function isBoundary(text: string, dot: number, end: number): boolean {
  let next = end;
  while (next < text.length && SPACE.test(text[next]!)) next++;
  if (next >= text.length) return true;
  if (NOT_A_START.test(text[next]!)) return false;
  if (text[dot] !== '.') return true;
  // The token before the period: letters and inner periods back to whitespace or an opening bracket/quote.
  let from = dot;
  while (from > 0 && /[\p{L}.]/u.test(text[from - 1]!)) from--;
  const token = text.slice(from, dot);
  if (token.length === 0) return true; // "5." or ")." — a number or bracket ends the sentence
  if (/^\p{Lu}$/u.test(token)) return false; // single capital initial: "J. Smith"
  return !ABBREVIATIONS.has(token.toLowerCase());
}

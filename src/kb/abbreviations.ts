/**
 * Abbreviation definitions in one document, after Schwartz & Hearst (2003), "A simple algorithm for
 * identifying abbreviation definitions in biomedical text": `long form (SHORT)` and, when the
 * parenthesised part is the longer one, `SHORT (long form)`. Papers define their own abbreviations
 * ('PD' is Parkinson's disease in one abstract and peritoneal dialysis in the next), so the linker
 * resolves a short form through the long form the document itself gives.
 */

/** One definition found in a text. Offsets are UTF-16 code units into that text, end exclusive. */
export interface AbbreviationPair {
  readonly short: string;
  readonly long: string;
  readonly shortStart: number;
  readonly shortEnd: number;
  readonly longStart: number;
  readonly longEnd: number;
}

const ALNUM = /[\p{L}\p{N}]/u;
const LETTER = /\p{L}/u;
/** Sentence-ish boundaries a long form never crosses. */
const BOUNDARY = /[.;:!?]\s|[()[\]]/gu;

/** True when `s` may be a short form: 2 to 10 characters, at most two words, starts alphanumeric, has a letter. */
function isShortFormCandidate(s: string): boolean {
  if (s.length < 2 || s.length > 10) return false;
  if (s.split(/\s+/u).length > 2) return false;
  if (!ALNUM.test(s[0]!)) return false;
  return LETTER.test(s);
}

/**
 * The Schwartz–Hearst matcher: walks the short form right to left, finding each character in the
 * candidate long form right to left; the short form's first character must start a word. Returns
 * the start index of the long form inside `candidate`, or -1.
 */
export function bestLongFormStart(short: string, candidate: string): number {
  let s = short.length - 1;
  let l = candidate.length - 1;
  while (s >= 0) {
    const c = short[s]!.toLowerCase();
    if (!ALNUM.test(c)) {
      s -= 1;
      continue;
    }
    while (l >= 0 && (candidate[l]!.toLowerCase() !== c || (s === 0 && l > 0 && ALNUM.test(candidate[l - 1]!)))) l -= 1;
    if (l < 0) return -1;
    l -= 1;
    s -= 1;
  }
  // Extend to the start of the word the first character was found in.
  return candidate.lastIndexOf(' ', l) + 1;
}

function wordCount(s: string): number {
  return s.trim().split(/\s+/u).filter(Boolean).length;
}

/**
 * Tries `long (short)` where `before` is the text before the parenthesis (within its sentence);
 * returns [offset of the long form within `before`, long form] or null.
 */
function matchLongBefore(short: string, before: string): [number, string] | null {
  // Candidate window: at most min(|A| + 5, 2|A|) words before the parenthesis.
  const maxWords = Math.min(short.length + 5, short.length * 2);
  const words = [...before.matchAll(/\S+/gu)];
  if (words.length === 0) return null;
  const first = words[Math.max(0, words.length - maxWords)]!;
  const candidate = before.slice(first.index, before.trimEnd().length);
  const at = bestLongFormStart(short, candidate);
  if (at < 0) return null;
  const long = candidate.slice(at).trim();
  if (long.length <= short.length || wordCount(long) > maxWords) return null;
  // 'the (THE)': the long form must not be the short form itself, nor contain it as a word.
  if (long.toLowerCase() === short.toLowerCase()) return null;
  return [first.index + at, long];
}

/**
 * Every abbreviation definition in `text`, in text order, each short form once (its first
 * definition; later redefinitions are ignored, as a paper does not redefine an abbreviation).
 */
export function findAbbreviations(text: string): AbbreviationPair[] {
  const pairs: AbbreviationPair[] = [];
  const seen = new Set<string>();
  const open = /\(/gu;
  for (let m = open.exec(text); m !== null; m = open.exec(text)) {
    const openAt = m.index;
    const closeAt = text.indexOf(')', openAt + 1);
    if (closeAt < 0) break;
    const inside = text.slice(openAt + 1, closeAt);
    // Nested parentheses: skip, the inner one is tried on its own.
    if (inside.includes('(')) continue;
    // 'long form (SHORT, a remark)' / 'long form (SHORT; ...)': the short form is the first part.
    const part = inside.split(/[,;]\s/u)[0]!;
    const trimmedPart = part.trim();
    const partStart = openAt + 1 + part.indexOf(trimmedPart);
    const sentenceStart = lastBoundary(text, openAt);
    const before = text.slice(sentenceStart, openAt);

    if (isShortFormCandidate(trimmedPart)) {
      const hit = matchLongBefore(trimmedPart, before);
      if (hit !== null && !seen.has(trimmedPart)) {
        seen.add(trimmedPart);
        const longStart = sentenceStart + hit[0];
        pairs.push({ short: trimmedPart, long: hit[1], shortStart: partStart, shortEnd: partStart + trimmedPart.length, longStart, longEnd: longStart + hit[1].length });
      }
      continue;
    }
    // 'SHORT (long form)': the word right before the parenthesis is the short form.
    const word = /(\S+)\s*$/u.exec(before);
    if (word === null) continue;
    const short = word[1]!.replace(/[,.;:]+$/u, '');
    if (!isShortFormCandidate(short) || !/\p{Lu}/u.test(short) || trimmedPart.length <= short.length) continue;
    if (wordCount(trimmedPart) > Math.min(short.length + 5, short.length * 2)) continue;
    if (bestLongFormStart(short, trimmedPart) !== 0 || seen.has(short)) continue;
    seen.add(short);
    const shortStart = sentenceStart + word.index;
    pairs.push({ short, long: trimmedPart, shortStart, shortEnd: shortStart + short.length, longStart: partStart, longEnd: partStart + trimmedPart.length });
  }
  return pairs;
}

/** Start of the sentence (or parenthesised stretch) that `at` lies in. */
function lastBoundary(text: string, at: number): number {
  let start = 0;
  BOUNDARY.lastIndex = 0;
  const head = text.slice(0, at);
  for (let m = BOUNDARY.exec(head); m !== null; m = BOUNDARY.exec(head)) start = m.index + m[0].length;
  return start;
}

/** Short form -> its definition, for looking up spans; a plural short form ('NSAIDs') also finds 'NSAID'. */
export function abbreviationMap(pairs: readonly AbbreviationPair[]): ReadonlyMap<string, AbbreviationPair> {
  const map = new Map<string, AbbreviationPair>();
  for (const pair of pairs) {
    if (!map.has(pair.short)) map.set(pair.short, pair);
    if (!pair.short.endsWith('s') && !map.has(`${pair.short}s`)) map.set(`${pair.short}s`, pair);
  }
  return map;
}

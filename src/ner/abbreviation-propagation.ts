import type { Span } from '../domain/index.js';

/**
 * A short form defined right after a recognised long form, "hemorrhagic cystitis (HC)": letters,
 * digits and - + . only, at most 10 characters, with at least one capital letter.
 */
const DEFINITION = /^\s?\(\s?([A-Za-z0-9][A-Za-z0-9\-+.]{0,9})\s?\)/;
/** The lenient rules' definition: the short form may also end at "; ", ", " or ": ", "diethylnitrosamine (DEN: 10 mg/kg)". */
const DEFINITION_WITH_TEXT = /^\s?\(\s?([A-Za-z0-9][A-Za-z0-9\-+.]{0,9})\s?(?:\)|[;,:]\s)/;

/**
 * Which definitions count. `strict` (the default) is the rule above. `lenient` also takes, each measured on the
 * development sets through the model labeler (src/ner/README.md):
 * - one capital letter that is the span's first letter, after a space: "testosterone (T)" (not the type-strain
 *   suffix "0533(T)");
 * - a short form followed by more text in the parentheses: "diethylnitrosamine (DEN: 10 mg/kg)";
 * - a lower-case short form of three or more letters that begins the span: "atorvastatin (atorva)";
 * - a long form (Schwartz–Hearst) that begins inside the span, not only before it: "13-cis-retinoic acid (cis-RA)";
 * - an element's symbol after its name, where the name does not spell it: "potassium (K)" (ELEMENT_SYMBOLS).
 * The model labeler uses `lenient`. The dictionary keeps `strict`: its spans are also the model's knowledge input,
 * where the one-letter rule turned "carbon (C)" into a knowledge name for every C of a Species-800 abstract.
 */
export type DefinitionRules = 'strict' | 'lenient';

/**
 * Elements whose symbol is not spelled by their English name (Latin or German names), for the lenient rules'
 * "potassium (K)", "lead (Pb)": BC5CDR development chemicals had `K` unlabelled ten times after a recognised
 * "Potassium (K)". The other elements' symbols follow the letter rules ("calcium (Ca)").
 */
const ELEMENT_SYMBOLS: ReadonlyMap<string, string> = new Map([
  ['sodium', 'Na'], ['potassium', 'K'], ['iron', 'Fe'], ['lead', 'Pb'], ['mercury', 'Hg'], ['tin', 'Sn'],
  ['antimony', 'Sb'], ['silver', 'Ag'], ['gold', 'Au'], ['copper', 'Cu'], ['tungsten', 'W'],
]);
/** A letter or digit: what a word is made of, for the span rules of this folder. */
export const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Whether text[start, end) is a whole word: no letter or digit right before or after it ('HC' not in 'HCl'). */
export function isWholeWord(text: string, start: number, end: number): boolean {
  return !(start > 0 && WORD_CHAR.test(text[start - 1]!)) && !(end < text.length && WORD_CHAR.test(text[end]!));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/**
 * Where the long form of `short` begins in `before` (the text up to the "(" of the definition), by
 * Schwartz & Hearst's rule (PSB 2003): the short form's letters and digits appear in order, right to
 * left, in the last min(|short| + 5, 2 |short|) words, its first character at the start of a word.
 * -1 when they do not: "contrast media-induced nephropathy (CIN)" -> start of "contrast";
 * "bone mineral density (XQ)" -> -1.
 */
export function longFormStart(before: string, short: string): number {
  const maxWords = Math.min(short.length + 5, short.length * 2);
  let from = before.length;
  for (let words = 0; from > 0 && words < maxWords; ) {
    from--;
    if (!/\s/u.test(before[from]!) && (from === 0 || /\s/u.test(before[from - 1]!))) words++;
  }
  const letters = short.toLowerCase();
  let l = before.length - 1;
  for (let i = letters.length - 1; i >= 0; i--) {
    const c = letters[i]!;
    if (!WORD_CHAR.test(c)) continue;
    while (l >= from && (before[l]!.toLowerCase() !== c || (i === 0 && l > 0 && WORD_CHAR.test(before[l - 1]!)))) l--;
    if (l < from) return -1;
    if (i > 0) l--;
  }
  return l;
}

/**
 * Document-level abbreviation propagation: when a span is directly followed by a parenthesised short
 * form, and either the short form's first letter is the span's first letter or the short form
 * abbreviates a long form the span ends (longFormStart: "ribavirin-induced hemolytic anemia (RIHA)"
 * with the span "hemolytic anemia"), every whole-word, case-sensitive occurrence of that short form in
 * the same text becomes a span of the same type. Papers define their own abbreviations ('PD' is Parkinson's disease in one
 * abstract and peritoneal dialysis in the next), so a definition in the text beats the dictionary:
 * an existing span covering exactly an occurrence takes the defined type, spans inside an occurrence give way to it
 * ("dexmedetomidine (D-MED)", where the model read "MED" as a disease), and a span reaching beyond an
 * occurrence is kept and the occurrence skipped. The first definition of a short form wins. A new span takes
 * the long form's confidence. Returns spans sorted by start, never overlapping (given non-overlapping
 * input). `rules` says which definitions count (DefinitionRules). Both labelers run it: the dictionary
 * over its matches, the model over its decoded spans (development F1 of the model: BC5CDR chemicals
 * +1.0, diseases +0.7, NCBI-disease +0.6, Species-800 +0.7, LINNAEUS -0.07; src/ner/README.md).
 */
export function propagateAbbreviations(text: string, spans: readonly Span[], rules: DefinitionRules = 'strict'): Span[] {
  const lenient = rules === 'lenient';
  const byStart = [...spans].sort((a, b) => a.start - b.start);
  const defined = new Map<string, Span>();
  for (const span of byStart) {
    const match = (lenient ? DEFINITION_WITH_TEXT : DEFINITION).exec(text.slice(span.end, span.end + 16));
    if (match === null) continue;
    const short = match[1]!;
    if (short === span.text) continue;
    const firstLong = [...span.text].find((c) => WORD_CHAR.test(c))?.toLowerCase();
    if (firstLong === undefined) continue;
    if (lenient && ELEMENT_SYMBOLS.get(span.text.toLowerCase()) === short) {
      // "Potassium (K)": the symbol comes from the Latin name, so no letter rule finds it.
      if (!defined.has(short)) defined.set(short, span);
      continue;
    }
    if (!/\p{Lu}/u.test(short)) {
      // "atorvastatin (atorva)": a truncation of the span; other lower-case parentheses are words, not short forms.
      if (!(lenient && short.length >= 3 && span.text.toLowerCase().startsWith(short))) continue;
    } else if (short.length < 2) {
      // "testosterone (T)", with a space before "(": "strain 0533(T)" marks a type strain.
      if (!(lenient && short.toLowerCase() === firstLong && /^\s/u.test(match[0]))) continue;
    }
    if (short[0]!.toLowerCase() !== firstLong) {
      const start = longFormStart(text.slice(0, span.end), short);
      // Strict: the long form starts at or before the span ("ribavirin-induced hemolytic anemia (RIHA)" with the
      // span "hemolytic anemia"); lenient also inside it ("13-cis-retinoic acid (cis-RA)").
      if (start < 0 || start >= (lenient ? span.end : span.start + 1)) continue;
    }
    if (!defined.has(short)) defined.set(short, span);
  }
  if (defined.size === 0) return byStart;

  const result = new Map<number, Span>(byStart.map((s) => [s.start, s]));
  const overlapping = (start: number, end: number): Span[] => [...result.values()].filter((s) => s.start < end && start < s.end);
  for (const [short, long] of defined) {
    const pattern = new RegExp(escapeRegExp(short), 'g');
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const start = m.index;
      const end = start + short.length;
      // Whole words only: 'HC' must not fire inside 'HCl' or 'THC'.
      if (!isWholeWord(text, start, end)) continue;
      const hits = overlapping(start, end);
      // A span reaching beyond the occurrence ("D-MED-induced rigidity") is kept and the occurrence skipped; spans
      // inside it are pieces of the short form ("MED" of "D-MED" read as a disease) and give way to the definition.
      if (hits.some((h) => h.start < start || h.end > end)) continue;
      const exact = hits.find((h) => h.start === start && h.end === end);
      for (const h of hits) result.delete(h.start);
      result.set(start, { start, end, type: long.type, text: text.slice(start, end), confidence: exact?.confidence ?? long.confidence });
    }
  }
  return [...result.values()].sort((a, b) => a.start - b.start);
}

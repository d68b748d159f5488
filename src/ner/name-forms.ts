/**
 * Names recognised by their written form, where no vocabulary can list them all: Latin binomials of organisms and drug
 * development codes. The model labeler holds such spans to the `known` threshold (isKnownByForm) and gives a binomial
 * another head claimed to SPECIES (retypeBinomials); scripts/tune-thresholds.mjs asks the same questions.
 */
import type { Word } from './word-splitter.js';

/**
 * Whether `text` is written as a Latin binomial or its abbreviated form: a capitalised genus of three or more letters,
 * or its initial and a full stop, then a lower-case epithet of three or more letters ("Metaphycus luteolus",
 * "M. luteolus", CoNLL-tokenised "B . mallei").
 *
 * Why: the model labeler counts a SPECIES span of this shape as `known` for its scheme's thresholds, like a
 * knowledge-base name. No vocabulary lists every organism (Species-800 names new taxa, `Mantamonas plastica`), and the
 * binomial form is itself the evidence that the words name a taxon: of the SPECIES spans of this shape the shipped
 * model decoded in Species-800 development abstracts below the `s800` novel threshold (0.95), 25 of 35 were annotated
 * (the others `Heliothis moths`, `London plane`, `Cytospora canker`, or species under description that Species-800
 * leaves out); in LINNAEUS development documents all 166 such spans were. Through `vaner eval ner` (2026.12.07-5, int8):
 * Species-800 67.37 → 68.23 (precision 79.7 → 77.9 %, recall 58.3 → 60.7 %), every other set unchanged.
 */
const BINOMIAL = /^(?:\p{Lu}\p{Ll}{2,}|\p{Lu} ?\.) \p{Ll}{3,}$/u;

export function isBinomialName(text: string): boolean {
  return BINOMIAL.test(text);
}

/**
 * A drug development code: two to four capitals, a space or hyphen, three to six digits (`BN 52021`, `SKF-82958`,
 * `LY-171555`, `RP 67,580`, `WIN 55,212-2`). A CHEMICAL span of this form counts as known (below): such codes name
 * compounds under development, which no vocabulary lists yet, and the chemical head's confidence on them (0.8-0.95 for
 * `BN 52021`) stayed under the `novel` threshold (0.95 in `bc5cdr`), while the gene head, never held to the chemical
 * threshold, took the words (`BN 52021` as a GENE, seven times in one BC5CDR development abstract). In the BC5CDR
 * training annotations 41 of the 50 strings of this form are chemicals (the rest `AT 250` of "ABSTRACT TRUNCATED AT
 * 250 WORDS", which the model never labels, `HOE 140` inside a longer name). Measured (2026.12.07-6, int8, training-only
 * KB): BC5CDR chemicals 91.51 → 91.59 (8 more found, no new false positive), the BC5CDR training documents unchanged.
 */
const DRUG_CODE = /^[A-Z]{2,4}[- ](?:\d{1,3},\d{3}|\d{3,6})(?:-\d)?$/;

export function isDrugCode(text: string): boolean {
  return DRUG_CODE.test(text);
}

/**
 * Whether a span of `type` with this text counts as known by its form alone, without a knowledge-base name: a SPECIES
 * name in binomial form, a CHEMICAL span written as a drug development code. The labeler (knowledge-boundaries.ts,
 * isKnownSpan) and scripts/tune-thresholds.mjs both ask.
 */
export function isKnownByForm(type: string, text: string): boolean {
  return (type === 'SPECIES' && isBinomialName(text)) || (type === 'CHEMICAL' && isDrugCode(text));
}

/**
 * Endings of Latin specific epithets (`janthinus`, `oryzae`, `damasonium`, `ciliata`, `polecki`, `huidobrensis`):
 * what sets `Corythucha ciliata` apart from a capitalised word and the English word after it (`Serengeti ecosystem`,
 * `Haemophilus cryptic`, `Golgi network`), which have the binomial's shape too.
 */
const LATIN_EPITHET = /(?:us|um|a|ae|i|is|ii|ensis|oides|ix|ex|orum|arum)$/u;
/** Capitalised function words that begin sentences and are no genus (`The sulcus`, `This tumor`). */
const NOT_A_GENUS = new Set(['the', 'this', 'these', 'those', 'that', 'its', 'all', 'any', 'both', 'each', 'our', 'their', 'some', 'such']);

/**
 * The word range `[start, end)` of a Latin binomial that a span over words `[start, end)` is part of, or null: the
 * span itself written as a binomial (`Entamoeba polecki`), or its one word completed by the word beside it, an epithet
 * after its genus or abbreviated genus (`damasonium` of `Cephalanthera damasonium`, of `C. damasonium`) or a genus
 * before its epithet (`Litoreibacter` of `Litoreibacter albidus`). The epithet must end as a Latin one does and the
 * genus must not be a function word.
 */
export function binomialAround(text: string, words: readonly Word[], start: number, end: number): readonly [number, number] | null {
  const form = (s: number, e: number): boolean => {
    if (s < 0 || e > words.length) return false;
    const name = text.slice(words[s]!.start, words[e - 1]!.end);
    return isBinomialName(name) && LATIN_EPITHET.test(words[e - 1]!.text) && !NOT_A_GENUS.has(words[s]!.text.toLowerCase());
  };
  if (form(start, end)) return [start, end];
  if (end - start !== 1) return null;
  const word = words[start]!.text;
  if (/^\p{Ll}{3,}$/u.test(word)) {
    if (form(start - 1, end)) return [start - 1, end];
    if (form(start - 2, end)) return [start - 2, end]; // `C . damasonium`: the initial and its full stop are words
  } else if (/^\p{Lu}\p{Ll}{2,}$/u.test(word) && form(start, end + 1)) {
    return [start, end + 1];
  }
  return null;
}

/**
 * Under every scheme, a span another head claimed (CHEMICAL `Litoreibacter`, GENE `Magnaporthe
 * oryzae`, DISEASE `ciliata` of `Corythucha ciliata`) becomes a SPECIES span over its binomial when it is one
 * ({@link binomialAround}), is no knowledge-base name of its own type, and the species head itself leans that way:
 * the mean over the binomial's words of 1 − P(O) of the SPECIES head is at least {@link SPECIES_SUPPORT}.
 *
 * Why: the heads of CHEMICAL, GENE and DISEASE were trained on corpora that annotate no organisms, so on the new taxa of
 * Species-800 (genera no vocabulary lists) they fire where the species head hesitates, and the species head
 * alone cannot reach the span. Measured on the shipped bundle's spans (2026.12.07-5, int8, `vaner eval ner`,
 * training-only KB), candidates with no SPECIES span over them: Species-800 development 11 of them at support ≥ 0.3, 10
 * annotated; LINNAEUS development none; Species-800 training documents (which the model was trained on) 4, 2 annotated.
 * Below 0.3 wrong ones dominate (Species-800 development 8 right, 40 wrong). The new span keeps the confidence of the
 * span it replaces, which met its own type's threshold. Why every scheme and not only those that annotate species: no
 * corpus here calls a binomial a chemical, a disease or a gene, and a user of the default `bc5cdr` wants the organism
 * too; measured, Species-800 under `bc5cdr` 53.95 → 56.73 and under `ncbi-disease` 39.36 → 42.47, LINNAEUS under
 * `bc5cdr` 92.78 → 92.86, NCBI-disease 82.40 → 82.46 (a disease span on a binomial gone), BC5CDR, BC2GM and JNLPBA
 * unchanged.
 *
 * @param speciesProbs - the SPECIES head's O/B/I probabilities per word (`labels` per word, O first)
 * @returns the spans, with each such span replaced by its SPECIES span; others unchanged, order kept
 */
export function retypeBinomials<S extends { readonly start: number; readonly end: number; readonly type: string; readonly confidence: number }>(
  text: string,
  words: readonly Word[],
  spans: readonly S[],
  speciesProbs: Float32Array,
  labels: number,
  isOwnTypeName: (span: S) => boolean,
): Array<S | (Omit<S, 'type'> & { type: 'SPECIES' })> {
  return spans.map((span) => {
    if (span.type === 'SPECIES' || isOwnTypeName(span)) return span;
    const range = binomialAround(text, words, span.start, span.end);
    if (range === null) return span;
    let support = 0;
    for (let w = range[0]; w < range[1]; w++) support += 1 - speciesProbs[w * labels]!;
    if (support / (range[1] - range[0]) < SPECIES_SUPPORT) return span;
    return { ...span, start: range[0], end: range[1], type: 'SPECIES' as const };
  });
}

/** Least mean species-head support (1 − P(O)) for {@link retypeBinomials}; chosen on the measurement there. */
export const SPECIES_SUPPORT = 0.3;

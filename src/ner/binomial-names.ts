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
 * Whether a span of `type` with this text counts as known by its form alone, without a knowledge-base name: a SPECIES
 * name in binomial form. The labeler (knowledge-boundaries.ts, isKnownSpan) and scripts/tune-thresholds.mjs both ask.
 */
export function isKnownByForm(type: string, text: string): boolean {
  return type === 'SPECIES' && isBinomialName(text);
}

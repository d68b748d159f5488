/**
 * Knowledge boundaries: a decoded span that lies inside a knowledge-base name of its own type takes that name's
 * boundaries. The model decides whether there is a mention; where the knowledge base knows a longer name around it,
 * the name's extent wins. Pure.
 *
 * Why: the model cuts names short or in pieces where the dictionary matcher (its own knowledge input) has the whole
 * name — `vitamin` of `vitamin C`, `amphotericin` of `amphotericin B`, `1-methyl-4-phenyl-1` / `2` / `6-tetrahydropyridine`
 * of `1-methyl-4-phenyl-1,2,3,6-tetrahydropyridine`. Measured on development sets with the 2026.12.06-2 bundle
 * (`vaner eval ner`, training-only KB): BC5CDR chemicals 84.33 → 85.95, diseases 76.17 → 77.81, NCBI-disease
 * 77.06 → 78.49; BC2GM, LINNAEUS, Species-800 and JNLPBA within ±0.2. A span that reaches outside the name is left as
 * it is (the model's longer reading, e.g. `Leucocytoclastic vasculitis` around `vasculitis`, is often right), and so
 * is a span of another type.
 */
import type { ScoredWordSpan, WordSpan } from './decode.js';
import { isKnownByForm } from './name-forms.js';

/**
 * The knowledge spans of a document as word spans, from the per-word knowledge ids the model read
 * (knowledge.ts: B = 1 + 2t, I = 2 + 2t for `knowledgeTypes[t]`).
 */
export function knowledgeWordSpans<T extends string>(ids: readonly number[], knowledgeTypes: readonly T[]): WordSpan<T>[] {
  const out: WordSpan<T>[] = [];
  let j = 0;
  while (j < ids.length) {
    const id = ids[j]!;
    if (id === 0 || id % 2 === 0) {
      j++; // O, or an I without its B (cannot happen from knowledgeIdsForWords; skipped rather than guessed)
      continue;
    }
    const t = (id - 1) / 2;
    let e = j + 1;
    while (e < ids.length && ids[e] === id + 1) e++;
    const type = knowledgeTypes[t];
    if (type !== undefined) out.push({ start: j, end: e, type });
    j = e;
  }
  return out;
}

/**
 * Spans inside a knowledge span of their type take its boundaries; two spans that become the same keep the higher
 * confidence. Other spans are returned as they are. Order: by start, then end.
 */
export function snapToKnowledge<T extends string>(spans: readonly ScoredWordSpan<T>[], knowledge: readonly WordSpan<T>[]): ScoredWordSpan<T>[] {
  return mergeEqual(spans.map((s) => {
    const k = knowledge.find((n) => n.type === s.type && n.start <= s.start && s.end <= n.end);
    return k === undefined ? s : { start: k.start, end: k.end, type: s.type, confidence: s.confidence };
  }));
}

/** Spans that became the same (type, start, end) keep the higher confidence; sorted by start, then end. */
function mergeEqual<S extends WordSpan & { readonly confidence: number | null }>(spans: readonly S[]): S[] {
  const byKey = new Map<string, S>();
  for (const s of spans) {
    const key = `${s.type}:${s.start}:${s.end}`;
    const seen = byKey.get(key);
    if (seen === undefined || (s.confidence ?? 1) > (seen.confidence ?? 1)) byKey.set(key, s);
  }
  return [...byKey.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Whether `span` is exactly a knowledge span of its type (what `minConfidence.known` applies to). */
export function isKnowledgeSpan(span: WordSpan, knowledge: readonly WordSpan[]): boolean {
  return knowledge.some((k) => k.type === span.type && k.start === span.start && k.end === span.end);
}

/**
 * Whether a decoded span meets its scheme's `known` threshold rather than the `novel` one: it is exactly a knowledge
 * span of its type, or a span whose text (`text`) has the form of a name of its type: a SPECIES binomial, a CHEMICAL
 * drug development code (name-forms.ts, isKnownByForm, says why).
 */
export function isKnownSpan(span: WordSpan, knowledge: readonly WordSpan[], text: string): boolean {
  return isKnowledgeSpan(span, knowledge) || isKnownByForm(span.type, text);
}

/**
 * For the types a scheme lists in `shrinkToKnowledge` (manifest, chosen on development sets): a span that contains
 * exactly one knowledge span of its type, and more, is cut to that name; spans that become the same keep the higher
 * confidence. Why per scheme: corpora disagree on modifiers. BC5CDR annotates the disease name (`hearing loss` in
 * `Temporary hearing loss`), NCBI-disease the whole phrase; measured with the 2026.12.06-2 bundle: BC5CDR diseases
 * 77.81 → 79.50 and Species-800 48.57 → 50.06 with it, NCBI-disease 78.54 → 74.70 and BC2GM 64.61 → 61.00.
 * `keepsFirstWord` (the scheme's `shrinkKeepsFirstWords`) spares a span's first word from the cut: the cut undid 71 of
 * its 250 changes on BC5CDR development diseases where the annotation starts with a modifier (`postoperative myalgia`).
 */
export function shrinkToKnowledge<S extends WordSpan & { readonly confidence: number | null }>(
  spans: readonly S[],
  knowledge: readonly WordSpan[],
  types: ReadonlySet<string>,
  keepsFirstWord: (span: S) => boolean = () => false,
): S[] {
  if (types.size === 0) return [...spans];
  // Generic over the span shape: scripts/tune-thresholds.mjs runs the same rule over character spans (from dist/).
  return mergeEqual(spans.map((s) => {
    if (!types.has(s.type)) return s;
    const inside = knowledge.filter((k) => k.type === s.type && s.start <= k.start && k.end <= s.end && (k.start !== s.start || k.end !== s.end));
    if (inside.length !== 1) return s;
    const k = inside[0]!;
    // A first word the scheme's annotators usually keep (`postoperative`, `myocardial`: manifest
    // `shrinkKeepsFirstWords`) stays, with what follows it up to the name; only the tail after the name is cut.
    return { ...s, start: k.start > s.start && keepsFirstWord(s) ? s.start : k.start, end: k.end };
  }));
}

/**
 * Whether `span` lies strictly inside a knowledge span of type `containerType` (and is not of that type): a piece of
 * a name the knowledge base knows as something else. The model labeler drops such spans when the container is a
 * SPECIES name: in the default `bc5cdr` scheme the disease head read `mallei` of `Burkholderia mallei` as a DISEASE,
 * and because the scheme's types win overlaps (span-overlaps.ts) the organism was lost. Only organism names: on
 * NCBI-disease a disease inside a gene name (`Wiskott-Aldrich syndrome` of `Wiskott-Aldrich syndrome protein`) is
 * annotated, so the same rule over every type lost 7 true mentions there. Measured on the development sets
 * (training-only KB with the MeSH organisms): no true mention of a scored type is inside a foreign SPECIES name; the
 * spans it drops are `glabrata` of `Candida glabrata` (BC5CDR) and `human immunodeficiency` (JNLPBA) style pieces.
 */
export function isInsideNameOfType(span: WordSpan, knowledge: readonly WordSpan[], containerType: string): boolean {
  return (
    span.type !== containerType &&
    knowledge.some((k) => k.type === containerType && k.start <= span.start && span.end <= k.end && (k.start !== span.start || k.end !== span.end))
  );
}

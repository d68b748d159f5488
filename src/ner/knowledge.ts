/**
 * The knowledge channel of a version 2 bundle (docs/bundle-format.md, "Knowledge ids"): for every word, which
 * knowledge-base name covers it, as an id the model embeds. Pure apart from the matcher, which is passed in.
 *
 * Rule (identical in training/vaner/knowledge.py; the parity test compares both over thousands of sentences):
 * with `T = manifest.knowledge.types`, the matcher's spans of a type `T[t]` (non-overlapping character spans
 * over the whole document text) mark the words they overlap (`word.start < span.end && span.start < word.end`):
 * the first overlapping word of a span gets `1 + 2t` (B), the later ones `2 + 2t` (I); a word no span overlaps
 * gets 0. A word overlapped by two spans (a span may end or start inside a word: `IL-2/IL-4` is one word of the
 * word splitter and two dictionary names) takes the id from the span that starts first. Spans of other types are
 * ignored.
 */
import type { EntityType, LabelInput, Span } from '../domain/index.js';

/** What the labeler needs of a knowledge matcher (the dictionary labeler, or a live one over the store). */
export interface KnowledgeMatcher {
  /** One span list per input, same order; spans are character offsets, non-overlapping, one type each. */
  label(
    inputs: readonly LabelInput[],
    options?: { readonly types?: readonly EntityType[]; readonly signal?: AbortSignal },
  ): Promise<Span[][]>;
}

/** A character range of a word or span, end exclusive. */
export interface CharRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Knowledge id of every word (docs/bundle-format.md). Pure.
 * @param words - the document's words in order (word splitter offsets)
 * @param spans - the matcher's spans over the same text, any order
 * @param knowledgeTypes - `manifest.knowledge.types`; the position of a type gives its ids
 * @returns one id per word, in `[0, 1 + 2 * knowledgeTypes.length)`
 */
export function knowledgeIdsForWords(
  words: readonly CharRange[],
  spans: readonly (CharRange & { readonly type: string })[],
  knowledgeTypes: readonly string[],
): number[] {
  const ids = new Array<number>(words.length).fill(0);
  const assigned = new Uint8Array(words.length);
  const kept = spans
    .map((s) => ({ start: s.start, end: s.end, t: knowledgeTypes.indexOf(s.type) }))
    .filter((s) => s.t >= 0 && s.end > s.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  for (const span of kept) {
    // First word that ends after the span starts (words are sorted and do not overlap).
    let lo = 0;
    let hi = words.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (words[mid]!.end <= span.start) lo = mid + 1;
      else hi = mid;
    }
    let first = true;
    for (let j = lo; j < words.length && words[j]!.start < span.end; j++) {
      if (assigned[j] === 0) {
        ids[j] = first ? 1 + 2 * span.t : 2 + 2 * span.t;
        assigned[j] = 1;
      }
      first = false;
    }
  }
  return ids;
}

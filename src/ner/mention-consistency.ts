import type { Span } from '../domain/index.js';
import { isWholeWord } from './abbreviation-propagation.js';

/**
 * Shortest mention text that spreads: two-character strings are mostly abbreviations, which the definition rule
 * (abbreviation-propagation.ts) handles with evidence from the text; spread blindly, 'PD' or 'HR' would be wrong
 * as often as right.
 */
export const MIN_PROPAGATED_LENGTH = 3;

/**
 * Document-level consistency: a string the labeler marked as a mention of one of `types` is a mention of that type
 * wherever else it occurs in the same document as a whole word (case-sensitive), unless another span overlaps that
 * occurrence. Authors use one name for one thing within an abstract, so an occurrence the model missed (a different
 * context, a window edge) is usually a miss, not a different sense. The first span with a given text sets its type;
 * new spans take its confidence. Returns spans sorted by start, never overlapping (given non-overlapping input).
 * A bundle turns it on per scheme and type (manifest `schemes[].propagateMentions`, chosen on development sets by
 * scripts/tune-thresholds.mjs): on BC5CDR chemicals it gained, on NCBI-disease it cost F1 (its annotators skip
 * generic repetitions).
 */
export function propagateMentions(text: string, spans: readonly Span[], types: ReadonlySet<string>): Span[] {
  const byStart = [...spans].sort((a, b) => a.start - b.start);
  const first = new Map<string, Span>();
  for (const s of byStart) {
    if (types.has(s.type) && s.end - s.start >= MIN_PROPAGATED_LENGTH && !first.has(s.text)) first.set(s.text, s);
  }
  if (first.size === 0) return byStart;
  const taken = byStart.map((s) => [s.start, s.end] as const);
  const added: Span[] = [];
  const free = (start: number, end: number) => !taken.some(([a, b]) => a < end && start < b);
  for (const [str, source] of first) {
    for (let start = text.indexOf(str); start >= 0; start = text.indexOf(str, start + 1)) {
      const end = start + str.length;
      if (!isWholeWord(text, start, end) || !free(start, end)) continue;
      taken.push([start, end]);
      added.push({ start, end, type: source.type, text: str, confidence: source.confidence });
    }
  }
  return [...byStart, ...added].sort((a, b) => a.start - b.start);
}

/**
 * Document-level confidence pooling: each span's confidence for the thresholds is the highest confidence of the
 * spans of the same text (exact, case-sensitive) among `spans` (one type's spans of one document). The model scores
 * each occurrence in its own context, and one confident occurrence says what the weaker ones are: "adenovirus
 * disease" passes the novel threshold once in a BC5CDR abstract and falls just short ten times. Unlike
 * propagateMentions it only keeps spans the model itself decoded. A bundle turns it on per scheme (manifest
 * `schemes[].poolConfidence`); docs/bundle-format.md has the development F1 it moved.
 */
export function pooledConfidences<S extends { readonly confidence: number }>(spans: readonly S[], textOf: (span: S) => string): number[] {
  const best = new Map<string, number>();
  for (const s of spans) {
    const text = textOf(s);
    best.set(text, Math.max(best.get(text) ?? -Infinity, s.confidence));
  }
  return spans.map((s) => best.get(textOf(s))!);
}

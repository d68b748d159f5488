/**
 * Stage 3 of the labeler (encode → predict → decode, src/ner/README.md): model outputs -> word-level spans. Every function is pure.
 *
 * Spans here are word-index ranges; they become character offsets in exactly one place, model-labeler.ts
 * (`toDocumentSpans`), from the word splitter's offsets.
 *
 * Rules, each chosen to match how the corpora are evaluated:
 * - **Malformed BIO** (conlleval convention): `I-X` after `O`, at the start, or after `B-Y`/`I-Y` of another type
 *   starts a new span of type X, as if it were `B-X`. The model has no transition constraints, so such sequences
 *   occur; reading them like the official scorer does keeps our numbers comparable with published ones.
 * - **Label choice**: argmax of the softmax over O/B/I per word; ties go to the lower index (O before B before I),
 *   so an undecided word is not an entity.
 * - **Span confidence** (`SpanConfidence`, per scheme and type in the manifest, chosen on development sets):
 *   `mean` (the default), the mean over the span's words of the probability of the tag each word received (B for
 *   the first word, I for the rest): in [0, 1], 1 only when every word was certain, falling when any word was
 *   doubtful, which a product of probabilities would also do but would punish long spans for their length;
 *   `min`, the least certain word's probability (a span is as good as its weakest word); `edge`, the mean with
 *   one more term, the probability that the word after the span does not continue it (1 - P(I)): the right
 *   boundary's certainty, which the words' own tags do not see. Why several: the thresholds of
 *   tune-thresholds.mjs separate right from wrong spans better with one or the other depending on the corpus
 *   (Species-800 with `min`, BC2GM and JNLPBA with `edge`; docs/bundle-format.md).
 * - **Window merge**: a word covered by two windows takes its probabilities from the window where it lies farther
 *   from an edge (more context on both sides); ties go to the earlier window.
 */
import { VanerError } from '../errors.js';
import type { WordRange } from './encode.js';

/** A span over word indices `[start, end)` with a type and, once decoded from a model, a confidence. */
export interface WordSpan<T extends string = string> {
  readonly start: number;
  readonly end: number;
  readonly type: T;
}

/** A decoded span with its confidence. */
export interface ScoredWordSpan<T extends string = string> extends WordSpan<T> {
  readonly confidence: number;
}

/** How a span's confidence is computed from its words' probabilities (header). */
export const SPAN_CONFIDENCES = ['mean', 'min', 'edge'] as const;
export type SpanConfidence = (typeof SPAN_CONFIDENCES)[number];

/** Label indices of the bundle format (manifest.labels is validated to be exactly ['O', 'B', 'I']). */
export const LABEL_O = 0;
export const LABEL_B = 1;
export const LABEL_I = 2;

function parseTag(tag: string, index: number): { prefix: 'O' | 'B' | 'I'; type: string } {
  if (tag === 'O') return { prefix: 'O', type: '' };
  const prefix = tag.slice(0, 2);
  const type = tag.slice(2);
  if ((prefix === 'B-' || prefix === 'I-') && type.length > 0) return { prefix: prefix === 'B-' ? 'B' : 'I', type };
  throw new VanerError('INVALID_FORMAT', `tags[${index}]: "${tag}" is not O, B-<type> or I-<type>`, { details: { index, tag } });
}

/**
 * BIO tags (`O`, `B-<type>`, `I-<type>`) -> spans over word indices, in order.
 * Malformed `I-X` (at the start, after `O`, or after another type) starts a new span (conlleval convention).
 * @throws VanerError('INVALID_FORMAT') naming the first tag that is not O, B-<type> or I-<type>
 */
export function tagsToSpans(tags: readonly string[]): WordSpan[] {
  const spans: WordSpan[] = [];
  let open: { start: number; type: string } | null = null;
  const close = (end: number): void => {
    if (open !== null) spans.push({ start: open.start, end, type: open.type });
    open = null;
  };
  tags.forEach((tag, i) => {
    const { prefix, type } = parseTag(tag, i);
    if (prefix === 'O') {
      close(i);
    } else if (prefix === 'B' || open === null || open.type !== type) {
      close(i);
      open = { start: i, type };
    }
    // 'I' continuing a span of the same type: nothing to do.
  });
  close(tags.length);
  return spans;
}

/**
 * Spans over word indices -> BIO tags for `length` words. Inverse of {@link tagsToSpans} on well-formed input:
 * `tagsToSpans(spansToTags(s, n))` equals `s` sorted by start.
 * @throws VanerError('BAD_USER_INPUT') when a span is empty, out of range or overlaps another
 */
export function spansToTags(spans: readonly WordSpan[], length: number): string[] {
  const tags = new Array<string>(length).fill('O');
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let lastEnd = 0;
  for (const s of sorted) {
    if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end > length || s.end <= s.start) {
      throw new VanerError('BAD_USER_INPUT', `span [${s.start}, ${s.end}) is empty or outside 0..${length}`);
    }
    if (s.start < lastEnd) throw new VanerError('BAD_USER_INPUT', `span [${s.start}, ${s.end}) overlaps the span before it`);
    tags[s.start] = `B-${s.type}`;
    for (let i = s.start + 1; i < s.end; i++) tags[i] = `I-${s.type}`;
    lastEnd = s.end;
  }
  return tags;
}

/** Numerically stable softmax of `logits[offset .. offset+n)` into `out[outOffset ..]`. */
export function softmaxInto(logits: ArrayLike<number>, offset: number, n: number, out: Float32Array, outOffset: number): void {
  let max = -Infinity;
  for (let k = 0; k < n; k++) max = Math.max(max, logits[offset + k]!);
  let sum = 0;
  for (let k = 0; k < n; k++) sum += Math.exp(logits[offset + k]! - max);
  for (let k = 0; k < n; k++) out[outOffset + k] = Math.exp(logits[offset + k]! - max) / sum;
}

/**
 * Per-word label probabilities of one head from a window's logits rows (predict.ts layout: word, head, label).
 * @returns `words * labels` probabilities
 */
export function headProbabilities(rows: Float32Array, words: number, heads: number, labels: number, head: number): Float32Array {
  const out = new Float32Array(words * labels);
  for (let w = 0; w < words; w++) softmaxInto(rows, (w * heads + head) * labels, labels, out, w * labels);
  return out;
}

/**
 * For each word, the window it should be read from: the one where it is farther from the nearer edge; ties to the
 * earlier window. Returns, per word, `[windowIndex, indexInWindow]`.
 * @throws VanerError('INTERNAL') when a word is in no window (an encoder bug; nothing may be dropped silently)
 */
export function chooseWindows(windows: readonly WordRange[], wordCount: number): Array<readonly [number, number]> {
  const best: Array<readonly [number, number]> = new Array(wordCount);
  const margin = new Array<number>(wordCount).fill(-1);
  windows.forEach((w, wi) => {
    for (let i = w.start; i < w.end; i++) {
      const m = Math.min(i - w.start, w.end - 1 - i);
      if (m > margin[i]!) {
        margin[i] = m;
        best[i] = [wi, i - w.start];
      }
    }
  });
  const missing = margin.findIndex((m) => m < 0);
  if (missing >= 0) throw new VanerError('INTERNAL', `word ${missing} is in no window`);
  return best;
}

/**
 * Merges per-window word probabilities into per-document word probabilities (see the window merge rule above).
 * @param windowProbs - per window, `(end - start) * labels` probabilities
 */
export function mergeWindows(windows: readonly WordRange[], windowProbs: readonly Float32Array[], wordCount: number, labels: number): Float32Array {
  const out = new Float32Array(wordCount * labels);
  chooseWindows(windows, wordCount).forEach(([wi, k], i) => {
    out.set(windowProbs[wi]!.subarray(k * labels, (k + 1) * labels), i * labels);
  });
  return out;
}

/**
 * Word probabilities (O, B, I per word) of one entity type -> scored spans of that type.
 * Labels are the argmax (ties to the lower index); malformed sequences follow {@link tagsToSpans}; confidence is
 * computed by `confidence` (header: `mean`, `min` or `edge`).
 */
export function decodeType<T extends string>(probs: Float32Array, wordCount: number, type: T, confidence: SpanConfidence = 'mean'): ScoredWordSpan<T>[] {
  const labels = probs.length / Math.max(wordCount, 1);
  const tags: string[] = [];
  const chosen = new Float32Array(wordCount);
  for (let w = 0; w < wordCount; w++) {
    let arg = 0;
    for (let k = 1; k < labels; k++) if (probs[w * labels + k]! > probs[w * labels + arg]!) arg = k;
    chosen[w] = probs[w * labels + arg]!;
    tags.push(arg === LABEL_O ? 'O' : arg === LABEL_B ? `B-${type}` : `I-${type}`);
  }
  return tagsToSpans(tags).map((s) => {
    let sum = 0;
    let min = 1;
    for (let w = s.start; w < s.end; w++) {
      sum += chosen[w]!;
      min = Math.min(min, chosen[w]!);
    }
    const words = s.end - s.start;
    let value = sum / words;
    if (confidence === 'min') value = min;
    else if (confidence === 'edge') value = (sum + (s.end < wordCount ? 1 - probs[s.end * labels + LABEL_I]! : 1)) / (words + 1);
    return { start: s.start, end: s.end, type, confidence: value };
  });
}

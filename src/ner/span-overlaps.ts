/**
 * Resolving overlapping spans of different types. VANER runs one pass per entity type, and a union labeler adds
 * the spans of several labelers, so two spans may claim the same characters (`aspirin` as CHEMICAL and, wrongly,
 * DISEASE). The graph and the corpora allow one type per mention, so one of them must go.
 *
 * Rule (greedy, deterministic): rank spans by
 *   0. the `primary` types first (the model labeler passes the chosen scheme's types: see below),
 *   1. higher confidence first (`null`, a labeler without confidence, ranks below every number),
 *   2. then longer first (the more specific mention: `breast cancer` over `cancer`),
 *   3. then the earlier type in `typeOrder` (the labeler's declared type order),
 *   4. then the earlier start;
 * and keep each span that does not overlap one already kept. Identical spans (same range and type) collapse into
 * the best-ranked one. The result is sorted by start, then end.
 *
 * Why the scheme's types come first: each head was trained on its own corpora, so confidences of different heads
 * are not comparable out of their domains. On Species-800 abstracts the disease head (trained on BC5CDR and
 * NCBI-disease only) fired on bacterial names with higher confidence than the species head, and the confidence
 * rule alone turned `Jiangella muralis` into a DISEASE: S800 development F1 25.7 with it, 42.4 with the scheme's
 * types first; LINNAEUS 66.7 -> 74.4; BC5CDR (scheme types chemical and disease) moved by -0.1 / -0.4, where the
 * gene head had absorbed a few chemical false positives (`vaner eval ner`, 2026-12-06, development sets).
 */

/** What the resolver needs from a span; works for word-index and character-offset spans alike. */
export interface RankedSpan<T extends string = string> {
  readonly start: number;
  readonly end: number;
  readonly type: T;
  readonly confidence: number | null;
}

/** Keeps a non-overlapping subset of `spans` by the rule above. Pure; returns new arrays, keeps the objects. */
export function resolveOverlaps<S extends RankedSpan>(spans: readonly S[], typeOrder: readonly string[], primary: readonly string[] = []): S[] {
  const rankOfType = (t: string): number => {
    const i = typeOrder.indexOf(t);
    return i < 0 ? typeOrder.length : i;
  };
  const secondary = (t: string): number => (primary.length === 0 || primary.includes(t) ? 0 : 1);
  const ranked = [...spans].sort(
    (a, b) =>
      secondary(a.type) - secondary(b.type) ||
      (b.confidence ?? -1) - (a.confidence ?? -1) ||
      b.end - b.start - (a.end - a.start) ||
      rankOfType(a.type) - rankOfType(b.type) ||
      a.start - b.start,
  );
  // Kept spans sorted by start; they never overlap, so the only candidates to clash with a new span are its
  // neighbours in that order (binary search), which keeps long documents O(n log n) apart from insertion.
  const kept: S[] = [];
  for (const span of ranked) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.start < span.start) lo = mid + 1;
      else hi = mid;
    }
    const before = kept[lo - 1];
    const after = kept[lo];
    if ((before !== undefined && before.end > span.start) || (after !== undefined && after.start < span.end)) continue;
    kept.splice(lo, 0, span);
  }
  return kept;
}

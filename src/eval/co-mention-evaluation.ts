/**
 * Metrics for co-mentions as relation candidates (used by `vaner eval comentions`): set precision,
 * recall and F1 of document-level pairs against gold relations, and precision@k / average precision
 * of a corpus-level ranking of pairs. Pure functions over strings.
 */

export interface SetScores {
  readonly truePositives: number;
  readonly predicted: number;
  readonly gold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** P/R/F1 of `predicted` against `gold` (keys compared exactly; 0 where a denominator is 0). */
export function setScores(predicted: ReadonlySet<string>, gold: ReadonlySet<string>): SetScores {
  let tp = 0;
  for (const key of predicted) if (gold.has(key)) tp++;
  const precision = predicted.size === 0 ? 0 : tp / predicted.size;
  const recall = gold.size === 0 ? 0 : tp / gold.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePositives: tp, predicted: predicted.size, gold: gold.size, precision, recall, f1 };
}

/** Fraction of the first k ranked keys in `relevant`; k larger than the list counts the missing ranks as misses. */
export function precisionAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (k <= 0) return 0;
  let hits = 0;
  for (const key of ranked.slice(0, k)) if (relevant.has(key)) hits++;
  return hits / k;
}

/**
 * Average precision of the ranking: mean of precision@rank over the ranks of relevant keys,
 * divided by all relevant keys (those never ranked count as 0), as in TREC's uninterpolated AP.
 */
export function averagePrecision(ranked: readonly string[], relevant: ReadonlySet<string>): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  ranked.forEach((key, i) => {
    if (relevant.has(key)) {
      hits++;
      sum += hits / (i + 1);
    }
  });
  return sum / relevant.size;
}

/**
 * The learned re-ranker over the entity linker's candidates: a conditional-logit (softmax over one
 * mention's candidates) linear model. Every candidate of a mention — the entities its lookup keys
 * hit and the best approximate (3-gram TF-IDF) matches — gets a feature vector: how it was found,
 * character n-gram similarity, word overlap, the head word, frequency priors from training
 * annotations, and document context (the candidate's words elsewhere in the text, the candidate
 * found by a strong lookup for another mention of the document). The best-scoring candidate wins.
 *
 * Trained on TRAINING-split mentions only (`vaner eval link --fit-reranker`), cross-fitted so that
 * the mentions it learns from are not among the annotation names the linker uses for them; plain
 * full-batch gradient descent from zero weights over inputs in file order: the same data always
 * gives the same weights (no randomness anywhere), and scoring is a dot product (CPU, microseconds).
 */
import { VanerError } from '../errors.js';

/** How a candidate was found: the strongest lookup key that hit it, or approximate only. */
export type CandidateKey = 'exact' | 'folded' | 'normalized' | 'generic' | 'sorted' | 'approximate';

/** What the re-ranker knows about one candidate entity of one mention. */
export interface CandidateFeatures {
  readonly key: CandidateKey;
  /** Best 3-gram TF-IDF cosine of the mention against the entity's names (1 for an exact lookup). */
  readonly cosine: number;
  /** 0-based position among the approximate hits; null when not among them. */
  readonly approximateRank: number | null;
  /** Jaccard overlap of the mention's words and the matched name's words. */
  readonly wordOverlap: number;
  /** The mention's last word equals the matched name's last word (plural folded). */
  readonly sameHead: boolean;
  /** Training annotations of the entity (log-scaled inside). */
  readonly entityCount: number;
  /** Training annotations of the matched text with the entity. */
  readonly nameCount: number;
  /** The matched name is a training annotation (origin 'annotation'). */
  readonly annotationName: boolean;
  /** The matched name is the entity's preferred name. */
  readonly preferredName: boolean;
  /** Other entities share the matched key. */
  readonly ambiguous: boolean;
  /** Share of the entity's preferred-name words found elsewhere in the document. */
  readonly contextOverlap: number;
  /** Another mention of the document links to this entity by a lookup. */
  readonly inDocument: boolean;
  /** Mention of at most 3 characters (abbreviation-like). */
  readonly shortMention: boolean;
}

export const RERANK_FEATURE_NAMES = [
  'exact', 'normalized', 'generic', 'sorted', 'approximate', 'cosine', 'rank', 'wordOverlap', 'sameHead',
  'entityPrior', 'namePrior', 'annotationName', 'preferredName', 'ambiguous', 'context', 'inDocument', 'shortApproximate',
] as const;

/** The feature vector (RERANK_FEATURE_NAMES order), every value in [0, 1]. */
export function rerankFeatureVector(f: CandidateFeatures): number[] {
  return [
    f.key === 'exact' || f.key === 'folded' ? 1 : 0,
    f.key === 'normalized' ? 1 : 0,
    f.key === 'generic' ? 1 : 0,
    f.key === 'sorted' ? 1 : 0,
    f.key === 'approximate' ? 1 : 0,
    f.cosine,
    f.approximateRank === null ? 0 : 1 / (1 + f.approximateRank),
    f.wordOverlap,
    f.sameHead ? 1 : 0,
    Math.min(1, Math.log1p(f.entityCount) / 8),
    Math.min(1, Math.log1p(f.nameCount) / 4),
    f.annotationName ? 1 : 0,
    f.preferredName ? 1 : 0,
    f.ambiguous ? 1 : 0,
    f.contextOverlap,
    f.inDocument ? 1 : 0,
    f.shortMention && f.key === 'approximate' ? 1 : 0,
  ];
}

/** Weights in RERANK_FEATURE_NAMES order. */
export interface RerankModel {
  readonly weights: readonly number[];
}

/** The score of one candidate (higher is better). */
export function rerankScore(model: RerankModel, features: CandidateFeatures): number {
  const x = rerankFeatureVector(features);
  let z = 0;
  for (let i = 0; i < x.length; i += 1) z += (model.weights[i] ?? 0) * x[i]!;
  return z;
}

/** Softmax of scores, numerically stable. */
export function softmax(scores: readonly number[]): number[] {
  const top = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** One training mention: its candidates' vectors and which one is right. */
export interface RerankExample {
  readonly candidates: readonly (readonly number[])[];
  readonly gold: number;
}

/**
 * Fits the weights by full-batch gradient descent on the conditional log-likelihood with a small L2
 * penalty. Deterministic: zero start, fixed iterations, examples in the order given.
 */
export function fitReranker(examples: readonly RerankExample[], options: { iterations?: number; rate?: number; l2?: number } = {}): RerankModel {
  const usable = examples.filter((e) => e.candidates.length > 1 && e.gold >= 0 && e.gold < e.candidates.length);
  if (usable.length === 0) throw new VanerError('BAD_USER_INPUT', 'cannot fit the re-ranker: no mention with several candidates and the right one among them');
  const dims = RERANK_FEATURE_NAMES.length;
  const w = new Array<number>(dims).fill(0);
  const iterations = options.iterations ?? 1000;
  const rate = options.rate ?? 1;
  const l2 = options.l2 ?? 1e-4;
  for (let it = 0; it < iterations; it += 1) {
    const grad = new Array<number>(dims).fill(0);
    for (const { candidates, gold } of usable) {
      const scores = candidates.map((x) => x.reduce((s, v, j) => s + v * w[j]!, 0));
      const p = softmax(scores);
      candidates.forEach((x, c) => {
        const coefficient = p[c]! - (c === gold ? 1 : 0);
        for (let j = 0; j < dims; j += 1) grad[j]! += coefficient * x[j]!;
      });
    }
    for (let j = 0; j < dims; j += 1) w[j]! -= rate * (grad[j]! / usable.length + l2 * w[j]!);
  }
  return { weights: w.map((v) => Math.round(v * 1000) / 1000) };
}

/**
 * Confidence calibration of the entity linker: a logistic model over a few features of the chosen
 * candidate, P(link is correct | features). Fit on gold mentions of the TRAINING sets (BC5CDR,
 * NCBI-disease) with `vaner eval link --fit <training gold>`; the threshold below which a mention
 * stays unlinked is then chosen on DEVELOPMENT data (best mention-level F1 there).
 */
import { VanerError } from '../errors.js';

/** How a candidate was found, strongest first. */
export type CandidateSource = 'exact' | 'folded' | 'normalized' | 'generic' | 'sorted' | 'approximate';

/** What the calibration looks at. */
export interface LinkFeatures {
  readonly source: CandidateSource;
  /** Went through a document abbreviation's long form. */
  readonly abbreviation: boolean;
  /** A composite reading (several concepts). */
  readonly composite: boolean;
  /** Cosine of the 3-gram vectors (1 for lookups). */
  readonly score: number;
  /** Score minus the best score of another entity (1 when there is no other). */
  readonly margin: number;
  /** Distinct entities sharing the matched key. */
  readonly ambiguity: number;
  /** Training-corpus annotation count of the chosen entity. */
  readonly count: number;
  /** The chosen name came from a curator (synonym or confirmed mention). */
  readonly curated: boolean;
  /** Characters in the mention. */
  readonly length: number;
}

export const FEATURE_NAMES = [
  'bias', 'exact', 'normalized', 'generic', 'sorted', 'approximate', 'abbreviation', 'composite',
  'score', 'margin', 'ambiguous', 'logCount', 'curated', 'short',
] as const;

/** The feature vector, in FEATURE_NAMES order; every value roughly in [0, 1]. */
export function featureVector(f: LinkFeatures): number[] {
  return [
    1,
    f.source === 'exact' || f.source === 'folded' ? 1 : 0,
    f.source === 'normalized' ? 1 : 0,
    f.source === 'generic' ? 1 : 0,
    f.source === 'sorted' ? 1 : 0,
    f.source === 'approximate' ? 1 : 0,
    f.abbreviation ? 1 : 0,
    f.composite ? 1 : 0,
    f.score,
    Math.max(0, Math.min(1, f.margin)),
    f.ambiguity > 1 ? 1 : 0,
    Math.min(1, Math.log1p(f.count) / 8),
    f.curated ? 1 : 0,
    f.length <= 3 ? 1 : 0,
  ];
}

/** Weights (FEATURE_NAMES order) and the link threshold. */
export interface LinkCalibration {
  readonly weights: readonly number[];
  /** Links with a calibrated confidence below this stay unlinked. */
  readonly threshold: number;
}

/**
 * Fit on 14,351 BC5CDR + NCBI-disease TRAINING gold mentions with the training-only knowledge base
 * (`node scripts/build-kb-data.mjs --train-only --out /tmp/kb-train`); threshold: the lowest whose
 * mention-level F1 on the BC5CDR DEVELOPMENT set is within 0.002 of the best (0.9056 vs 0.9075):
 * `vaner eval link --gold CDR_DevelopmentSet.PubTator.txt --kb /tmp/kb-train --fit CDR_TrainingSet.PubTator.txt,NCBItrainset_corpus.txt`.
 * 'curated' had no training examples (0); a curator's name is decided by the ranking, not by this weight.
 */
export const DEFAULT_CALIBRATION: LinkCalibration = {
  weights: [-2.118, 0.749, -0.334, -0.702, -0.219, -0.443, 0.024, -1.805, 1.659, 1.634, -0.745, 4.278, 0, -0.867],
  threshold: 0.21,
};

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Calibrated confidence of one candidate. */
export function calibratedConfidence(calibration: LinkCalibration, features: LinkFeatures): number {
  const x = featureVector(features);
  let z = 0;
  for (let i = 0; i < x.length; i += 1) z += (calibration.weights[i] ?? 0) * x[i]!;
  return sigmoid(z);
}

/**
 * Fits logistic-regression weights by full-batch gradient descent with a small L2 penalty (bias
 * unpenalised). A few thousand samples of 14 features: converges in well under a second.
 */
export function fitLogistic(samples: readonly { features: LinkFeatures; correct: boolean }[], options: { iterations?: number; rate?: number; l2?: number } = {}): number[] {
  if (samples.length === 0) throw new VanerError('BAD_USER_INPUT', 'cannot fit a calibration without samples');
  const xs = samples.map((s) => featureVector(s.features));
  const ys = samples.map((s) => (s.correct ? 1 : 0));
  const dims = FEATURE_NAMES.length;
  const w = new Array<number>(dims).fill(0);
  const iterations = options.iterations ?? 3000;
  const rate = options.rate ?? 0.5;
  const l2 = options.l2 ?? 1e-3;
  for (let it = 0; it < iterations; it += 1) {
    const grad = new Array<number>(dims).fill(0);
    for (let i = 0; i < xs.length; i += 1) {
      const x = xs[i]!;
      let z = 0;
      for (let j = 0; j < dims; j += 1) z += w[j]! * x[j]!;
      const err = sigmoid(z) - ys[i]!;
      for (let j = 0; j < dims; j += 1) grad[j]! += err * x[j]!;
    }
    for (let j = 0; j < dims; j += 1) w[j]! -= rate * (grad[j]! / xs.length + (j === 0 ? 0 : l2 * w[j]!));
  }
  return w.map((v) => Math.round(v * 1000) / 1000);
}

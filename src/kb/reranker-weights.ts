import type { RerankModel } from './candidate-reranker.js';

/**
 * The shipped re-ranker weights (RERANK_FEATURE_NAMES order), fitted on the BC5CDR and NCBI-disease
 * TRAINING splits only, cross-fitted (12,790 training mentions with a choice; the right entity was
 * among the candidates for 92.2 % of 14,249), with the training-only knowledge base:
 *
 *   node scripts/build-kb-data.mjs --train-only --out /tmp/kb-train
 *   node dist/cli/main.js eval link --kb /tmp/kb-train --gold <BC5CDR dev> \
 *     --fit-reranker <BC5CDR train>,<NCBI-disease train>
 *
 * Deterministic: the same files give these same numbers (test/kb-reranker.test.ts checks the fit).
 */
export const DEFAULT_RERANKER: RerankModel = {
  weights: [1.232, -0.544, 1.092, 0.052, -1.831, 2.592, 2.133, 1.819, -0.662, 1.716, 0.961, 0.528, 0.677, -0.696, 1.006, 1.594, 0.452],
};

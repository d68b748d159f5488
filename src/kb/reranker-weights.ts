import type { RerankModel } from './candidate-reranker.js';

/**
 * The shipped re-ranker weights (RERANK_FEATURE_NAMES order), fitted on TRAINING mentions only; see
 * docs/knowledge-base.md for the command. Until fitted: prefer lookups, then cosine.
 */
export const DEFAULT_RERANKER: RerankModel = {
  weights: [4, 3, 2, 1.5, 0, 3, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0],
};

/**
 * Evaluation, in one module: strict entity-level NER metrics and their rendering, entity-linking
 * accuracy and document-level normalisation scores, and co-mention ranking scores. The `vaner eval`
 * commands (src/cli/commands/eval-*.ts) read gold files, run the labeler, linker or store, and score
 * with these functions.
 */
export { computeNerMetrics, prf, type EvalDocument, type NerMetrics, type NerMetricsOptions, type PrfCounts, type ScoredSpan } from './ner-metrics.js';
export { formatMetricsTable, metricsToJson } from './format-metrics.js';
export { createAccuracyTally, documentNormalizationScores, type AccuracyRow, type PrfRow } from './link-evaluation.js';
export { averagePrecision, precisionAtK, setScores, type SetScores } from './co-mention-evaluation.js';
export { defaultGoldTypeMap, mapGoldTypes, type GoldTypeMap } from './gold-type-map.js';

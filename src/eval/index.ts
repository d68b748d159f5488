/** Evaluation: strict entity-level NER metrics and their rendering. */
export { computeNerMetrics, prf, type EvalDocument, type NerMetrics, type NerMetricsOptions, type PrfCounts, type ScoredSpan } from './ner-metrics.js';
export { formatMetricsTable, metricsToJson } from './format-metrics.js';

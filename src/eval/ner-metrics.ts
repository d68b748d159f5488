/**
 * Strict entity-level NER scores: a predicted mention counts as a true positive only when a gold
 * mention of the same document has exactly the same start, end and type (CoNLL/BioCreative
 * "exact match"). Per type and micro-averaged overall. Pure: no I/O.
 *
 * Conventions, chosen so that every number is defined and reproducible:
 * - Duplicates (same start, end, type in one document) count once, on both sides.
 * - precision = tp / (tp + fp), recall = tp / (tp + fn), f1 = 2PR / (P + R); each is 0 when its
 *   denominator is 0 (no predictions → precision 0, not NaN).
 * - Only `types` are scored when given; mentions of other types are ignored on both sides.
 */
import type { EntityType } from '../domain/index.js';

/** What scoring needs of a mention. */
export interface ScoredSpan {
  readonly start: number;
  readonly end: number;
  readonly type: EntityType;
}

/** Gold and predicted mentions of one document. */
export interface EvalDocument {
  readonly gold: readonly ScoredSpan[];
  readonly predicted: readonly ScoredSpan[];
}

export interface PrfCounts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Gold mentions (tp + fn). */
  readonly support: number;
}

export interface NerMetrics {
  /** Per scored type, in the order of `options.types` (or sorted by name when absent). */
  readonly perType: ReadonlyMap<EntityType, PrfCounts>;
  readonly micro: PrfCounts;
  readonly documents: number;
}

export interface NerMetricsOptions {
  /** Types to score. @defaultValue every type present in gold or predictions */
  readonly types?: readonly EntityType[];
}

/** Scores documents; see the module comment for the exact conventions. */
export function computeNerMetrics(documents: Iterable<EvalDocument>, options: NerMetricsOptions = {}): NerMetrics {
  const counts = new Map<EntityType, { tp: number; fp: number; fn: number }>();
  const wanted = options.types ? new Set(options.types) : null;
  for (const type of options.types ?? []) counts.set(type, { tp: 0, fp: 0, fn: 0 });
  const bucket = (type: EntityType) => {
    let c = counts.get(type);
    if (!c) counts.set(type, (c = { tp: 0, fp: 0, fn: 0 }));
    return c;
  };
  let documentCount = 0;
  for (const doc of documents) {
    documentCount += 1;
    const gold = keys(doc.gold, wanted);
    const predicted = keys(doc.predicted, wanted);
    for (const [key, type] of predicted) {
      if (gold.has(key)) bucket(type).tp += 1;
      else bucket(type).fp += 1;
    }
    for (const [key, type] of gold) if (!predicted.has(key)) bucket(type).fn += 1;
  }
  const order = options.types ? [...options.types] : [...counts.keys()].sort();
  const perType = new Map<EntityType, PrfCounts>();
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const type of order) {
    const c = counts.get(type) ?? { tp: 0, fp: 0, fn: 0 };
    perType.set(type, prf(c.tp, c.fp, c.fn));
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  return { perType, micro: prf(tp, fp, fn), documents: documentCount };
}

/** Precision, recall and F1 from counts (0 where a denominator is 0). */
export function prf(tp: number, fp: number, fn: number): PrfCounts {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1, support: tp + fn };
}

function keys(spans: readonly ScoredSpan[], wanted: ReadonlySet<EntityType> | null): Map<string, EntityType> {
  const out = new Map<string, EntityType>();
  for (const s of spans) if (!wanted || wanted.has(s.type)) out.set(`${s.start}:${s.end}:${s.type}`, s.type);
  return out;
}

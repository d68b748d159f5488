/**
 * Scoring of entity linking against gold annotations: accuracy at 1 on the gold mentions (the
 * linker sees the gold span; a composite gold mention is right only when every id matches and no
 * other is given; gold `-1` mentions are excluded and counted), and document-level normalisation
 * precision/recall/F1 end to end (the set of (document, id) pairs a labeler+linker produced vs gold).
 */
import type { EntityType } from '../domain/index.js';

export interface AccuracyRow {
  readonly type: EntityType;
  /** Gold mentions with at least one id. */
  readonly mentions: number;
  readonly correct: number;
  readonly accuracy: number;
  /** Of `mentions`: the composite ones (several ids) and how many were right. */
  readonly composite: number;
  readonly compositeCorrect: number;
  /** Gold mentions without an id (`-1`), excluded from `mentions`. */
  readonly unlinkedGold: number;
  /** Of `mentions`: those the linker left unlinked. */
  readonly abstained: number;
}

export interface PrfRow {
  readonly type: EntityType | 'ALL';
  readonly gold: number;
  readonly predicted: number;
  readonly truePositives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Accumulates acc@1 per type. */
export function createAccuracyTally() {
  const rows = new Map<EntityType, { mentions: number; correct: number; composite: number; compositeCorrect: number; unlinkedGold: number; abstained: number }>();
  const row = (type: EntityType) => {
    let r = rows.get(type);
    if (r === undefined) rows.set(type, (r = { mentions: 0, correct: 0, composite: 0, compositeCorrect: 0, unlinkedGold: 0, abstained: 0 }));
    return r;
  };
  return {
    /** One gold mention: its ids (empty = `-1`) and the ids the linker gave (empty = unlinked). */
    add(type: EntityType, goldIds: readonly string[], predictedIds: readonly string[]): void {
      const r = row(type);
      if (goldIds.length === 0) {
        r.unlinkedGold += 1;
        return;
      }
      r.mentions += 1;
      const gold = new Set(goldIds);
      const predicted = new Set(predictedIds);
      const right = gold.size === predicted.size && [...gold].every((id) => predicted.has(id));
      if (right) r.correct += 1;
      if (predicted.size === 0) r.abstained += 1;
      if (gold.size > 1) {
        r.composite += 1;
        if (right) r.compositeCorrect += 1;
      }
    },
    rows(): AccuracyRow[] {
      return [...rows.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([type, r]) => ({ type, ...r, accuracy: r.mentions === 0 ? 0 : r.correct / r.mentions }));
    },
  };
}

/** Precision, recall and F1 of two sets of `doc\u0000id` keys per type, plus ALL (micro). */
export function documentNormalizationScores(
  gold: ReadonlyMap<EntityType, ReadonlySet<string>>,
  predicted: ReadonlyMap<EntityType, ReadonlySet<string>>,
): PrfRow[] {
  const types = [...new Set([...gold.keys(), ...predicted.keys()])].sort();
  const rows: PrfRow[] = [];
  let g = 0;
  let p = 0;
  let tp = 0;
  const prf = (type: EntityType | 'ALL', gs: number, ps: number, t: number): PrfRow => {
    const precision = ps === 0 ? 0 : t / ps;
    const recall = gs === 0 ? 0 : t / gs;
    return { type, gold: gs, predicted: ps, truePositives: t, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
  };
  for (const type of types) {
    const gs = gold.get(type) ?? new Set<string>();
    const ps = predicted.get(type) ?? new Set<string>();
    let t = 0;
    for (const key of ps) if (gs.has(key)) t += 1;
    rows.push(prf(type, gs.size, ps.size, t));
    g += gs.size;
    p += ps.size;
    tp += t;
  }
  rows.push(prf('ALL', g, p, tp));
  return rows;
}

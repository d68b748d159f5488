/**
 * Length-bucketed batching. Sequences are sorted by length and cut into batches of up to `batchSize`, so each
 * batch is padded only to the length of its own longest member: with documents of mixed lengths this avoids
 * running short windows at the length of the longest one. Pure.
 */

/**
 * Groups sequence indices into batches: ascending length, ties by index (so the plan is deterministic),
 * at most `batchSize` per batch. Every index appears exactly once.
 */
export function planBatches(lengths: readonly number[], batchSize: number): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

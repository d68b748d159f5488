/**
 * Floating-point operations of one forward pass of a bundle's model (README "Speed": the benchmark reports the
 * model's achieved rate against the machine's matmul rate). Counts multiply-adds of the matrix products as 2
 * operations each and ignores norms, softmax, RoPE and the knowledge/embedding lookups (a few percent). Pure.
 */
import type { Manifest } from './manifest.js';

/** Operations for a batch of `size` sequences padded to `length` tokens. */
export function batchFlops(architecture: Manifest['architecture'], heads: number, labels: number, size: number, length: number): number {
  const h = architecture.hiddenSize;
  const kv = (h / architecture.numHeads) * architecture.numKeyValueHeads;
  // Per token and layer: q and o projections (h x h), k and v (h x kv), gate/up/down (3 x h x intermediate).
  const dense = architecture.numLayers * (2 * h * h + 2 * h * kv + 3 * h * architecture.intermediateSize) + h * heads * labels;
  // Per sequence and layer: scores (length x length x h) and the weighted sum of values (same).
  const attention = architecture.numLayers * 2 * length * length * h;
  return 2 * (size * length * dense + size * attention);
}

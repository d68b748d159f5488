import { describe, expect, it } from 'vitest';
import { batchFlops } from '../src/ner/model-flops.js';

const arch = {
  family: 'llama' as const, bidirectional: true, hiddenSize: 4, numLayers: 1, numHeads: 2, numKeyValueHeads: 2,
  intermediateSize: 8, vocabSize: 10, maxPositionEmbeddings: 16, ropeTheta: 10000, rmsNormEps: 1e-6,
};

describe('batchFlops', () => {
  it('counts projections, MLP, heads and attention as 2 operations per multiply-add', () => {
    // dense per token: q,o 2*4*4 + k,v 2*4*4 + MLP 3*4*8 + heads 4*1*3 = 172; attention per sequence 2*2*2*4 = 32
    expect(batchFlops(arch, 1, 3, 1, 2)).toBe(2 * (2 * 172 + 32));
    // grouped-query attention shrinks k and v: one kv head of width 2
    expect(batchFlops({ ...arch, numKeyValueHeads: 1 }, 1, 3, 1, 2)).toBe(2 * (2 * 156 + 32));
    // linear in the batch size, quadratic in the length through attention only
    expect(batchFlops(arch, 1, 3, 3, 2)).toBe(3 * batchFlops(arch, 1, 3, 1, 2));
    expect(batchFlops(arch, 1, 3, 1, 4)).toBe(2 * (4 * 172 + 2 * 4 * 4 * 4));
  });
});

import { describe, expect, it } from 'vitest';
import { encodeDocument, encodeWindow, planWindows, promptPrefix } from '../src/ner/encode.js';
import type { SubwordEncoder } from '../src/ner/subword-tokenizer.js';

/**
 * A deterministic encoder for the pure encoder's tests: each character is one subword with id = code point + 100,
 * except '#', which encodes to nothing (to exercise the [unk] rule). The real tokenizer is tested against the
 * Python ids in ner-model.test.ts.
 */
const charEncoder: SubwordEncoder = {
  unkId: 7,
  encode: (text) => [...text].filter((c) => c !== '#').map((c) => c.codePointAt(0)! + 100),
};

describe('promptPrefix', () => {
  it('is [bos] + instruction + [sep]', () => {
    expect(promptPrefix(1, [50, 51], 3)).toEqual([1, 50, 51, 3]);
  });
});

describe('planWindows', () => {
  it('packs whole sentences greedily', () => {
    // lengths: sentence A = 3 words (2+2+2=6), B = 2 words (3+3=6), C = 1 word (5)
    const plan = planWindows([2, 2, 2, 3, 3, 5], [{ start: 0, end: 3 }, { start: 3, end: 5 }, { start: 5, end: 6 }], 12, 2);
    expect(plan.windows).toEqual([{ start: 0, end: 5 }, { start: 5, end: 6 }]);
    expect(plan.oversizedWords).toEqual([]);
  });

  it('splits a long sentence into overlapping windows that cover every word', () => {
    const lengths = new Array(10).fill(1);
    const plan = planWindows(lengths, [{ start: 0, end: 10 }], 4, 2);
    expect(plan.windows).toEqual([
      { start: 0, end: 4 }, { start: 2, end: 6 }, { start: 4, end: 8 }, { start: 6, end: 10 },
    ]);
  });

  it('never packs across a split sentence and resumes packing after it', () => {
    const plan = planWindows([1, 1, 1, 1, 1, 1, 1], [{ start: 0, end: 1 }, { start: 1, end: 6 }, { start: 6, end: 7 }], 3, 1);
    expect(plan.windows).toEqual([
      { start: 0, end: 1 }, { start: 1, end: 4 }, { start: 3, end: 6 }, { start: 6, end: 7 },
    ]);
  });

  it('gives an oversized word its own window and reports it', () => {
    const plan = planWindows([1, 1, 9, 1, 1], [{ start: 0, end: 5 }], 3, 1);
    expect(plan.windows).toEqual([{ start: 0, end: 2 }, { start: 2, end: 3 }, { start: 3, end: 5 }]);
    expect(plan.oversizedWords).toEqual([{ wordIndex: 2, subwords: 9, kept: 3 }]);
  });

  it('makes progress when the overlap is as large as the window', () => {
    const plan = planWindows([1, 1, 1, 1, 1], [{ start: 0, end: 5 }], 2, 5);
    expect(plan.windows).toEqual([{ start: 0, end: 2 }, { start: 1, end: 3 }, { start: 2, end: 4 }, { start: 3, end: 5 }]);
  });

  it('rejects a budget below one', () => {
    expect(() => planWindows([1], [{ start: 0, end: 1 }], 0, 0)).toThrow(/budget/);
  });
});

describe('encodeWindow', () => {
  it('places the prompt, then words, recording first-subword positions; cuts an oversized word to the budget', () => {
    const w = encodeWindow([1, 9, 3], [[10, 11], [12], [13, 14, 15, 16]], [0, 3, 4], { start: 1, end: 3 }, 3);
    expect(w).toEqual({ inputIds: [1, 9, 3, 12, 13, 14, 15], knowledgeIds: [0, 0, 0, 3, 4, 4, 4], wordPositions: [3, 4] });
  });
});

describe('encodeDocument', () => {
  it('encodes every window under the prompt with knowledge ids per subword, uses [unk] for empty words, never exceeds maxLength', () => {
    const words = ['ab', '#', 'c', 'de', 'f', 'g'];
    const knowledge = [1, 0, 0, 3, 4, 0];
    const enc = encodeDocument(words, [{ start: 0, end: 3 }, { start: 3, end: 6 }], [1, 3], knowledge, charEncoder, {
      maxLength: 6,
      overlapWords: 1,
    });
    // budget = 6 - 2 = 4: sentence 1 has 2+1+1 = 4 subwords, sentence 2 has 2+1+1 = 4.
    expect(enc.windows).toEqual([{ start: 0, end: 3 }, { start: 3, end: 6 }]);
    expect(enc.sequences).toEqual([
      { inputIds: [1, 3, 197, 198, 7, 199], knowledgeIds: [0, 0, 1, 1, 0, 0], wordPositions: [2, 4, 5] },
      { inputIds: [1, 3, 200, 201, 202, 203], knowledgeIds: [0, 0, 3, 3, 4, 0], wordPositions: [2, 4, 5] },
    ]);
    const longer = encodeDocument(words, [{ start: 0, end: 3 }, { start: 3, end: 6 }], [1, 50, 3], knowledge, charEncoder, { maxLength: 7, overlapWords: 1 });
    expect(longer.sequences[0]).toEqual({ inputIds: [1, 50, 3, 197, 198, 7, 199], knowledgeIds: [0, 0, 0, 1, 1, 0, 0], wordPositions: [3, 5, 6] });
    for (const s of [...enc.sequences, ...longer.sequences]) {
      expect(s.knowledgeIds.length).toBe(s.inputIds.length);
      expect(s.inputIds.length).toBeLessThanOrEqual(7);
    }
  });

  it('covers every word of a long sentence with overlap and reports nothing when no word is oversized', () => {
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`);
    const enc = encodeDocument(words, [{ start: 0, end: 50 }], [1, 3], [], charEncoder, { maxLength: 12, overlapWords: 2 });
    // budget 10 subwords: w0..w9 are 2 subwords, w10.. are 3.
    const covered = new Set<number>();
    for (const w of enc.windows) for (let i = w.start; i < w.end; i++) covered.add(i);
    expect(covered.size).toBe(50);
    expect(enc.windows[0]).toEqual({ start: 0, end: 5 });
    expect(enc.windows[1]).toEqual({ start: 3, end: 8 });
    expect(enc.oversizedWords).toEqual([]);
    // Missing knowledge ids read as 0.
    expect(enc.sequences.every((s) => s.knowledgeIds.every((k) => k === 0))).toBe(true);
  });

  it('refuses a prompt that leaves no room', () => {
    expect(() => encodeDocument(['a'], [{ start: 0, end: 1 }], [1, 2, 3, 4], [0], charEncoder, { maxLength: 4, overlapWords: 0 })).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID' }),
    );
  });
});

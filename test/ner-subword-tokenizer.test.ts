/**
 * The subword encoder on words longer than the library encodes in one call (src/ner/subword-tokenizer.ts): a 1 MB
 * word of DNA letters overflowed the call stack inside @huggingface/tokenizers and `vaner annotate` ended INTERNAL.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSubwordEncoder, longWordPieces, MAX_ENCODED_CODE_POINTS } from '../src/ner/subword-tokenizer.js';

const encoder = createSubwordEncoder(JSON.parse(fs.readFileSync('models/vaner-small/tokenizer.json', 'utf8')), 'vaner-small');

describe('createSubwordEncoder on very long words', () => {
  it('encodes a word of a million characters', () => {
    const ids = encoder.encode('ACGT'.repeat(250_000));
    expect(ids.length).toBeGreaterThan(250_000);
  });

  it('encodes a longer word as its pieces of MAX_ENCODED_CODE_POINTS code points, each alone', () => {
    const word = 'ACGTTGCA'.repeat(3_000); // 24,000 letters: three pieces
    const pieces = longWordPieces(word);
    expect(pieces.map((p) => p.length)).toEqual([MAX_ENCODED_CODE_POINTS, MAX_ENCODED_CODE_POINTS, 4_000]);
    expect(encoder.encode(word)).toEqual(pieces.flatMap((p) => encoder.encode(p)));
    // a word up to the limit is one call, as before
    const short = 'ACGTTGCA'.repeat(1_250);
    expect(longWordPieces(short)).toEqual([short]);
  });

  it('counts code points, so a surrogate pair is never cut and a word of astral letters is one call up to the limit', () => {
    const astral = '𝛂'.repeat(MAX_ENCODED_CODE_POINTS); // 20,000 UTF-16 units, 10,000 code points
    expect(longWordPieces(astral)).toEqual([astral]);
    const over = `a${astral}`;
    const pieces = longWordPieces(over);
    expect(pieces).toHaveLength(2);
    expect(pieces.join('')).toBe(over);
    expect(pieces.every((p) => !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});

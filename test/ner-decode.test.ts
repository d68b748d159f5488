import { describe, expect, it } from 'vitest';
import { chooseWindows, decodeType, headProbabilities, mergeWindows, spansToTags, tagsToSpans } from '../src/ner/decode.js';
import { resolveOverlaps } from '../src/ner/span-overlaps.js';

describe('tagsToSpans', () => {
  it('reads well-formed BIO', () => {
    expect(tagsToSpans(['B-CHEMICAL', 'I-CHEMICAL', 'O', 'B-DISEASE', 'B-DISEASE', 'I-DISEASE'])).toEqual([
      { start: 0, end: 2, type: 'CHEMICAL' },
      { start: 3, end: 4, type: 'DISEASE' },
      { start: 4, end: 6, type: 'DISEASE' },
    ]);
  });

  it('I at the start, after O, or after another type starts a new span (conlleval)', () => {
    expect(tagsToSpans(['I-GENE', 'I-GENE', 'O', 'I-GENE', 'B-CHEMICAL', 'I-GENE', 'I-CHEMICAL'])).toEqual([
      { start: 0, end: 2, type: 'GENE' },
      { start: 3, end: 4, type: 'GENE' },
      { start: 4, end: 5, type: 'CHEMICAL' },
      { start: 5, end: 6, type: 'GENE' },
      { start: 6, end: 7, type: 'CHEMICAL' },
    ]);
  });

  it('closes a span at the end and handles empty input', () => {
    expect(tagsToSpans(['O', 'B-X', 'I-X'])).toEqual([{ start: 1, end: 3, type: 'X' }]);
    expect(tagsToSpans([])).toEqual([]);
    expect(tagsToSpans(['O', 'O'])).toEqual([]);
  });

  it('rejects malformed tags naming the index', () => {
    expect(() => tagsToSpans(['O', 'B-'])).toThrow('tags[1]: "B-" is not O, B-<type> or I-<type>');
    expect(() => tagsToSpans(['X-A'])).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
  });

  it('matches a brute-force reference on every sequence over {O, B-A, I-A, B-B, I-B} of length <= 5', () => {
    const alphabet = ['O', 'B-A', 'I-A', 'B-B', 'I-B'];
    const reference = (tags: string[]) => {
      const out: { start: number; end: number; type: string }[] = [];
      for (let i = 0; i < tags.length; i++) {
        const t = tags[i]!;
        if (t === 'O') continue;
        const type = t.slice(2);
        const prev = tags[i - 1];
        const continues = t.startsWith('I-') && prev !== undefined && prev !== 'O' && prev.slice(2) === type;
        if (continues) out[out.length - 1]!.end = i + 1;
        else out.push({ start: i, end: i + 1, type });
      }
      return out;
    };
    let checked = 0;
    const walk = (prefix: string[]): void => {
      expect(tagsToSpans(prefix)).toEqual(reference(prefix));
      checked++;
      if (prefix.length < 5) for (const t of alphabet) walk([...prefix, t]);
    };
    walk([]);
    expect(checked).toBe(1 + 5 + 25 + 125 + 625 + 3125);
  });
});

describe('spansToTags', () => {
  it('writes B then I, adjacent spans of one type stay separate', () => {
    expect(spansToTags([{ start: 2, end: 3, type: 'A' }, { start: 0, end: 2, type: 'A' }], 4)).toEqual(['B-A', 'I-A', 'B-A', 'O']);
  });

  it('rejects overlaps and out-of-range spans', () => {
    expect(() => spansToTags([{ start: 0, end: 2, type: 'A' }, { start: 1, end: 3, type: 'B' }], 4)).toThrow(/overlaps/);
    expect(() => spansToTags([{ start: 3, end: 5, type: 'A' }], 4)).toThrow(/outside/);
    expect(() => spansToTags([{ start: 1, end: 1, type: 'A' }], 4)).toThrow(/empty/);
  });

  it('round-trips spans -> tags -> spans for every non-overlapping span set over 6 words and 2 types', () => {
    let checked = 0;
    // Enumerate tag sequences that are well-formed (every I continues a span of its type); each is a span set.
    const walk = (tags: string[]): void => {
      if (tags.length === 6) {
        const spans = tagsToSpans(tags);
        expect(spansToTags(spans, 6)).toEqual(tags);
        expect(tagsToSpans(spansToTags(spans, 6))).toEqual(spans);
        checked++;
        return;
      }
      const prev = tags[tags.length - 1];
      for (const t of ['O', 'B-A', 'I-A', 'B-B', 'I-B']) {
        if (t.startsWith('I-') && (prev === undefined || prev === 'O' || prev.slice(2) !== t.slice(2))) continue;
        walk([...tags, t]);
      }
    };
    walk([]);
    // a(n) ending in O, b(n) ending in a span: a' = a + 2b, b' = a + 2b + b; n = 6 gives 571 + 2 * 780.
    expect(checked).toBe(2131);
  });
});

describe('headProbabilities', () => {
  it('softmaxes one head per word from [word, head, label] rows', () => {
    // 2 words, 2 heads, 3 labels
    const rows = Float32Array.from([0, 0, 0, /* head 1 */ 0, Math.log(2), Math.log(1), /* word 2 */ 9, 9, 9, 1000, 0, 0]);
    const p = headProbabilities(rows, 2, 2, 3, 1);
    expect(Array.from(p).map((x) => Number(x.toFixed(6)))).toEqual([0.25, 0.5, 0.25, 1, 0, 0]);
  });
});

describe('window merge', () => {
  it('reads each word from the window where it is farther from an edge, ties to the earlier window', () => {
    const windows = [{ start: 0, end: 5 }, { start: 3, end: 8 }];
    expect(chooseWindows(windows, 8)).toEqual([[0, 0], [0, 1], [0, 2], [0, 3], [1, 1], [1, 2], [1, 3], [1, 4]]);
  });

  it('merges probabilities accordingly', () => {
    const a = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]); // window [0,3): O B I
    const b = Float32Array.from([0, 0, 1, 0, 0, 1, 1, 0, 0]); // window [1,4): I I O
    // word 1: margin 1 in a, 0 in b -> a; word 2: margin 0 in a, 1 in b -> b.
    expect(Array.from(mergeWindows([{ start: 0, end: 3 }, { start: 1, end: 4 }], [a, b], 4, 3))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
  });

  it('fails loudly when a word is in no window', () => {
    expect(() => chooseWindows([{ start: 0, end: 2 }], 3)).toThrow('word 2 is in no window');
  });
});

describe('decodeType', () => {
  it('takes the argmax (ties to O), and scores spans by the mean probability of their chosen tags', () => {
    const probs = Float32Array.from([
      0.1, 0.8, 0.1, // B 0.8
      0.2, 0.2, 0.6, // I 0.6
      0.4, 0.4, 0.2, // tie O/B -> O
      0.3, 0.3, 0.4, // I after O -> new span, 0.4
      0.1, 0.1, 0.8, // I 0.8
    ]);
    const spans = decodeType(probs, 5, 'CHEMICAL');
    expect(spans.map((s) => [s.start, s.end, s.type, Number(s.confidence.toFixed(6))])).toEqual([
      [0, 2, 'CHEMICAL', 0.7],
      [3, 5, 'CHEMICAL', 0.6],
    ]);
  });

  it('scores spans by their weakest word (min) or with the right boundary as one more term (edge)', () => {
    const probs = Float32Array.from([
      0.1, 0.8, 0.1, // B 0.8
      0.2, 0.2, 0.6, // I 0.6
      0.7, 0.1, 0.2, // O: the span ends here with P(not I) = 0.8
      0.1, 0.9, 0.0, // B 0.9, last word: nothing after it, the boundary counts 1
    ]);
    const scored = (c: 'mean' | 'min' | 'edge') =>
      decodeType(probs, 4, 'GENE', c).map((s) => [s.start, s.end, Number(s.confidence.toFixed(6))]);
    expect(scored('mean')).toEqual([[0, 2, 0.7], [3, 4, 0.9]]);
    expect(scored('min')).toEqual([[0, 2, 0.6], [3, 4, 0.9]]);
    expect(scored('edge')).toEqual([[0, 2, Number(((0.8 + 0.6 + 0.8) / 3).toFixed(6))], [3, 4, 0.95]]);
    // The spans themselves never change, only their scores.
    expect(decodeType(probs, 4, 'GENE', 'edge').map((s) => [s.start, s.end])).toEqual(decodeType(probs, 4, 'GENE').map((s) => [s.start, s.end]));
  });
});

describe('resolveOverlaps', () => {
  const s = (start: number, end: number, type: string, confidence: number | null) => ({ start, end, type, confidence });
  it('keeps higher confidence, then longer, then earlier type; output sorted by start', () => {
    const kept = resolveOverlaps(
      [s(0, 2, 'DISEASE', 0.9), s(1, 3, 'CHEMICAL', 0.95), s(5, 7, 'CHEMICAL', 0.5), s(5, 8, 'DISEASE', 0.5), s(10, 11, 'DISEASE', 0.7), s(10, 11, 'CHEMICAL', 0.7), s(3, 5, 'GENE', 0.1)],
      ['CHEMICAL', 'DISEASE', 'GENE'],
    );
    expect(kept).toEqual([s(1, 3, 'CHEMICAL', 0.95), s(3, 5, 'GENE', 0.1), s(5, 8, 'DISEASE', 0.5), s(10, 11, 'CHEMICAL', 0.7)]);
  });

  it('ranks null confidence below any number and collapses duplicates', () => {
    expect(resolveOverlaps([s(0, 4, 'A', null), s(1, 2, 'B', 0), s(1, 2, 'B', 0)], ['A', 'B'])).toEqual([s(1, 2, 'B', 0)]);
    // Equal confidence and length: the earlier type in typeOrder wins.
    expect(resolveOverlaps([s(0, 4, 'A', null), s(2, 6, 'B', null)], ['B', 'A'])).toEqual([s(2, 6, 'B', null)]);
  });

  it('ranks the primary types (a scheme\'s) above every other type, whatever the confidence', () => {
    const spans = [s(0, 3, 'DISEASE', 0.9), s(0, 2, 'SPECIES', 0.6), s(4, 6, 'GENE', 0.8), s(5, 7, 'CHEMICAL', 0.3)];
    expect(resolveOverlaps(spans, ['CHEMICAL', 'DISEASE', 'GENE', 'SPECIES'], ['SPECIES'])).toEqual([s(0, 2, 'SPECIES', 0.6), s(4, 6, 'GENE', 0.8)]);
    // Among primary types, and among the others, the confidence rule still decides.
    expect(resolveOverlaps(spans, ['CHEMICAL', 'DISEASE', 'GENE', 'SPECIES'], ['SPECIES', 'DISEASE'])).toEqual([s(0, 3, 'DISEASE', 0.9), s(4, 6, 'GENE', 0.8)]);
    expect(resolveOverlaps(spans, ['CHEMICAL', 'DISEASE', 'GENE', 'SPECIES'], ['CHEMICAL'])).toEqual([s(0, 3, 'DISEASE', 0.9), s(5, 7, 'CHEMICAL', 0.3)]);
    // No primary types: the plain rule.
    expect(resolveOverlaps(spans, ['CHEMICAL', 'DISEASE', 'GENE', 'SPECIES'])).toEqual([s(0, 3, 'DISEASE', 0.9), s(4, 6, 'GENE', 0.8)]);
  });

  it('keeps touching spans (end is exclusive)', () => {
    expect(resolveOverlaps([s(0, 2, 'A', 0.5), s(2, 4, 'B', 0.9)], [])).toEqual([s(0, 2, 'A', 0.5), s(2, 4, 'B', 0.9)]);
  });
});

import { describe, expect, it } from 'vitest';
import { splitWords } from '../src/ner/word-splitter.js';

/** [text, start, end] triples, for compact exact assertions. */
const triples = (text: string, from?: number, to?: number) => splitWords(text, from, to).map((w) => [w.text, w.start, w.end]);

describe('splitWords', () => {
  it('splits punctuation into single-character words like the CoNLL BioNER corpora', () => {
    expect(triples('2,4-D')).toEqual([['2', 0, 1], [',', 1, 2], ['4', 2, 3], ['-', 3, 4], ['D', 4, 5]]);
    expect(triples('IL-2R')).toEqual([['IL', 0, 2], ['-', 2, 3], ['2R', 3, 5]]);
    expect(triples("Crohn's (n=12; 5%)")).toEqual([
      ['Crohn', 0, 5], ["'", 5, 6], ['s', 6, 7], ['(', 8, 9], ['n', 9, 10], ['=', 10, 11], ['12', 11, 13],
      [';', 13, 14], ['5', 15, 16], ['%', 16, 17], [')', 17, 18],
    ]);
    expect(triples('Na+/K+-ATPase [3]: "x" 1.5')).toEqual([
      ['Na', 0, 2], ['+', 2, 3], ['/', 3, 4], ['K', 4, 5], ['+', 5, 6], ['-', 6, 7], ['ATPase', 7, 13],
      ['[', 14, 15], ['3', 15, 16], [']', 16, 17], [':', 17, 18], ['"', 19, 20], ['x', 20, 21], ['"', 21, 22],
      ['1', 23, 24], ['.', 24, 25], ['5', 25, 26],
    ]);
  });

  it('keeps Greek letters and accented letters inside words', () => {
    expect(triples('TNF-α and β2-microglobulin in Sjögren')).toEqual([
      ['TNF', 0, 3], ['-', 3, 4], ['α', 4, 5], ['and', 6, 9], ['β2', 10, 12], ['-', 12, 13], ['microglobulin', 13, 26],
      ['in', 27, 29], ['Sjögren', 30, 37],
    ]);
    // Decomposed é (e + U+0301 combining acute) stays one word.
    expect(triples('cafe\u0301 x')).toEqual([['cafe\u0301', 0, 5], ['x', 6, 7]]);
  });

  it('handles full-width letters and punctuation', () => {
    expect(triples('ＩＬ－２（ａ）')).toEqual([['ＩＬ', 0, 2], ['－', 2, 3], ['２', 3, 4], ['（', 4, 5], ['ａ', 5, 6], ['）', 6, 7]]);
  });

  it('never splits a surrogate pair or an emoji sequence, and offsets are UTF-16', () => {
    const text = 'a😀b 𝛂-x 👍🏽 👨‍👩‍👧 𠀀x';
    const words = splitWords(text);
    expect(words.map((w) => [w.text, w.start, w.end])).toEqual([
      ['a', 0, 1], ['😀', 1, 3], ['b', 3, 4], ['𝛂', 5, 7], ['-', 7, 8], ['x', 8, 9], ['👍🏽', 10, 14],
      ['👨‍👩‍👧', 15, 23], ['𠀀x', 24, 27],
    ]);
    for (const w of words) expect(text.slice(w.start, w.end)).toBe(w.text);
  });

  it('treats all whitespace and invisible format characters as separators', () => {
    expect(triples(' \t a\u00a0b\u2009c\u200bd\n\ne\ufeff ')).toEqual([['a', 3, 4], ['b', 5, 6], ['c', 7, 8], ['d', 9, 10], ['e', 12, 13]]);
    expect(triples('   ')).toEqual([]);
    expect(triples('')).toEqual([]);
  });

  it('a ZWJ followed by a space does not swallow the space', () => {
    expect(triples('a\u200d b')).toEqual([['a\u200d', 0, 2], ['b', 3, 4]]);
  });

  it('splits only the requested range, with offsets into the whole text', () => {
    expect(triples('xx IL-2 yy', 3, 7)).toEqual([['IL', 3, 5], ['-', 5, 6], ['2', 6, 7]]);
  });
});

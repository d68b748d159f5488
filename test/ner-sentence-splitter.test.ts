import { describe, expect, it } from 'vitest';
import { splitSentences } from '../src/ner/sentence-splitter.js';

const sentences = (text: string) => splitSentences(text).map((s) => text.slice(s.start, s.end));

describe('splitSentences', () => {
  it('splits after terminators followed by a capital, digit or bracket', () => {
    expect(sentences('Aspirin helps. It was given! Was it? (Yes.) 5 patients died.')).toEqual([
      'Aspirin helps.', 'It was given!', 'Was it?', '(Yes.)', '5 patients died.',
    ]);
  });

  it('does not split after abbreviations, initials, decimals or before lower case', () => {
    const text =
      'Drugs, e.g. Aspirin, i.e. ASA. Smith et al. (2001) saw it in Fig. 2 vs. Controls. J. Smith gave 2.5 mg. then stopped.';
    expect(sentences(text)).toEqual([
      'Drugs, e.g. Aspirin, i.e. ASA.',
      'Smith et al. (2001) saw it in Fig. 2 vs. Controls.',
      'J. Smith gave 2.5 mg. then stopped.',
    ]);
  });

  it('returns exact offsets, excludes surrounding whitespace, splits at blank lines', () => {
    const text = '  Title line\n\n  Body one. Body two.  ';
    expect(splitSentences(text)).toEqual([
      { start: 2, end: 12 },
      { start: 16, end: 25 },
      { start: 26, end: 35 },
    ]);
  });

  it('keeps closing quotes and brackets with the sentence', () => {
    expect(sentences('He said "stop." Then left.')).toEqual(['He said "stop."', 'Then left.']);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences(' \n\n ')).toEqual([]);
  });
});

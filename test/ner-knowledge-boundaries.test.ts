/** Knowledge boundaries (src/ner/knowledge-boundaries.ts): spans inside a knowledge-base name of their type take its extent. */
import { describe, expect, it } from 'vitest';
import { isInsideNameOfType, isKnowledgeSpan, isKnownSpan, knowledgeWordSpans, shrinkToKnowledge, snapToKnowledge } from '../src/ner/knowledge-boundaries.js';
import { isBinomialName } from '../src/ner/name-forms.js';

const TYPES = ['CHEMICAL', 'DISEASE'] as const;
type T = (typeof TYPES)[number];
const span = (start: number, end: number, type: T, confidence = 0.9) => ({ start, end, type, confidence });

describe('knowledgeWordSpans', () => {
  it('reads B/I ids per type back into word spans', () => {
    // words: 0 vitamin(B chem) 1 C(I chem) 2 deficiency 3 hepatitis(B dis) 4 B(I dis) 5 x 6 lithium(B chem) 7 (B chem)
    expect(knowledgeWordSpans([1, 2, 0, 3, 4, 0, 1, 1], TYPES)).toEqual([
      { start: 0, end: 2, type: 'CHEMICAL' },
      { start: 3, end: 5, type: 'DISEASE' },
      { start: 6, end: 7, type: 'CHEMICAL' },
      { start: 7, end: 8, type: 'CHEMICAL' },
    ]);
    expect(knowledgeWordSpans([0, 2, 4, 0], TYPES)).toEqual([]); // I without B: nothing guessed
    expect(knowledgeWordSpans([], TYPES)).toEqual([]);
  });
});

describe('snapToKnowledge', () => {
  const knowledge = [
    { start: 0, end: 2, type: 'CHEMICAL' as T }, // vitamin C
    { start: 3, end: 8, type: 'CHEMICAL' as T }, // 1-methyl-4-phenyl-1 , 2 , 3 , 6-tetrahydropyridine
    { start: 10, end: 11, type: 'DISEASE' as T }, // vasculitis
  ];

  it('extends a span inside a name of its type to the name', () => {
    expect(snapToKnowledge([span(0, 1, 'CHEMICAL', 0.98)], knowledge)).toEqual([span(0, 2, 'CHEMICAL', 0.98)]);
  });

  it('merges fragments of one name into it, keeping the highest confidence', () => {
    expect(snapToKnowledge([span(3, 4, 'CHEMICAL', 0.99), span(5, 6, 'CHEMICAL', 0.6), span(7, 8, 'CHEMICAL', 0.9)], knowledge))
      .toEqual([span(3, 8, 'CHEMICAL', 0.99)]);
  });

  it('leaves spans that reach outside a name, spans of another type, exact matches and spans without a name alone', () => {
    const spans = [span(9, 11, 'DISEASE'), span(0, 1, 'DISEASE'), span(10, 11, 'DISEASE', 0.7), span(12, 13, 'CHEMICAL')];
    expect(snapToKnowledge(spans, knowledge)).toEqual([span(0, 1, 'DISEASE'), span(9, 11, 'DISEASE'), span(10, 11, 'DISEASE', 0.7), span(12, 13, 'CHEMICAL')]);
    expect(snapToKnowledge(spans, [])).toEqual([...spans].sort((a, b) => a.start - b.start || a.end - b.end));
  });
});

describe('shrinkToKnowledge', () => {
  const knowledge = [
    { start: 1, end: 3, type: 'DISEASE' as T }, // hearing loss
    { start: 6, end: 7, type: 'DISEASE' as T }, // two names in one span: left alone
    { start: 8, end: 9, type: 'DISEASE' as T },
  ];
  const on = new Set(['DISEASE']);

  it('cuts a span holding exactly one name of its type (and more) to the name, for the listed types only', () => {
    expect(shrinkToKnowledge([span(0, 3, 'DISEASE', 0.8)], knowledge, on)).toEqual([span(1, 3, 'DISEASE', 0.8)]);
    expect(shrinkToKnowledge([span(0, 3, 'DISEASE', 0.8)], knowledge, new Set(['CHEMICAL']))).toEqual([span(0, 3, 'DISEASE', 0.8)]);
    expect(shrinkToKnowledge([span(0, 3, 'CHEMICAL', 0.8)], knowledge, new Set(['CHEMICAL']))).toEqual([span(0, 3, 'CHEMICAL', 0.8)]);
  });

  it('leaves spans with two names, no name or exactly the name; merges spans that become the same', () => {
    expect(shrinkToKnowledge([span(5, 10, 'DISEASE'), span(1, 3, 'DISEASE', 0.5), span(0, 3, 'DISEASE', 0.7), span(11, 12, 'DISEASE')], knowledge, on))
      .toEqual([span(1, 3, 'DISEASE', 0.7), span(5, 10, 'DISEASE'), span(11, 12, 'DISEASE')]);
  });

  it('keeps a first word the scheme keeps (shrinkKeepsFirstWords) and cuts only the tail after the name', () => {
    // words: 0 postoperative 1 hearing 2 loss 3 episodes
    const keeps = (s: { start: number }) => s.start === 0; // "postoperative" is a kept first word
    expect(shrinkToKnowledge([span(0, 3, 'DISEASE')], knowledge, on, keeps)).toEqual([span(0, 3, 'DISEASE')]);
    expect(shrinkToKnowledge([span(0, 4, 'DISEASE')], knowledge, on, keeps)).toEqual([span(0, 3, 'DISEASE')]);
    expect(shrinkToKnowledge([span(0, 4, 'DISEASE')], knowledge, on, () => false)).toEqual([span(1, 3, 'DISEASE')]);
    // A span that begins at the name has no first word to keep: the tail is cut as before.
    expect(shrinkToKnowledge([span(1, 4, 'DISEASE')], knowledge, on, () => true)).toEqual([span(1, 3, 'DISEASE')]);
  });

  it('isKnowledgeSpan: exactly a name of the same type', () => {
    expect(isKnowledgeSpan(span(1, 3, 'DISEASE'), knowledge)).toBe(true);
    expect(isKnowledgeSpan(span(1, 2, 'DISEASE'), knowledge)).toBe(false);
    expect(isKnowledgeSpan(span(1, 3, 'CHEMICAL'), knowledge)).toBe(false);
  });
});

describe('isInsideNameOfType', () => {
  // words: 0 Burkholderia 1 mallei 2 causes 3 glanders
  const knowledge = [{ start: 0, end: 2, type: 'SPECIES' }, { start: 3, end: 4, type: 'DISEASE' }];

  it('is true for a span of another type strictly inside a name of the container type', () => {
    expect(isInsideNameOfType({ start: 1, end: 2, type: 'DISEASE' }, knowledge, 'SPECIES')).toBe(true);
    expect(isInsideNameOfType({ start: 0, end: 1, type: 'CHEMICAL' }, knowledge, 'SPECIES')).toBe(true);
  });

  it('is false for the whole name, a span of the container type, a span reaching outside, or another container type', () => {
    expect(isInsideNameOfType({ start: 0, end: 2, type: 'DISEASE' }, knowledge, 'SPECIES')).toBe(false); // the name itself
    expect(isInsideNameOfType({ start: 1, end: 2, type: 'SPECIES' }, knowledge, 'SPECIES')).toBe(false);
    expect(isInsideNameOfType({ start: 1, end: 3, type: 'DISEASE' }, knowledge, 'SPECIES')).toBe(false);
    expect(isInsideNameOfType({ start: 1, end: 2, type: 'DISEASE' }, knowledge, 'GENE')).toBe(false);
    expect(isInsideNameOfType({ start: 1, end: 2, type: 'DISEASE' }, [], 'SPECIES')).toBe(false);
  });
});

describe('isKnownSpan', () => {
  it('a knowledge span of the type, or a SPECIES span written as a binomial, meets the known threshold', () => {
    const known = [{ start: 0, end: 2, type: 'SPECIES' as const }];
    expect(isKnownSpan({ start: 0, end: 2, type: 'SPECIES' }, known, 'house mouse')).toBe(true);
    expect(isKnownSpan({ start: 3, end: 5, type: 'SPECIES' }, known, 'Metaphycus luteolus')).toBe(true);
    expect(isKnownSpan({ start: 3, end: 5, type: 'SPECIES' }, known, 'M. luteolus')).toBe(true);
    expect(isKnownSpan({ start: 3, end: 6, type: 'SPECIES' }, known, 'B . mallei')).toBe(true); // CoNLL-tokenised
    // Only SPECIES: a binomial-shaped disease or chemical span stays novel; so do other species spans.
    expect(isKnownSpan({ start: 3, end: 5, type: 'DISEASE' }, known, 'Escherichia coli')).toBe(false);
    expect(isKnownSpan({ start: 3, end: 5, type: 'SPECIES' }, known, 'house mouse')).toBe(false);
    expect(isKnownSpan({ start: 3, end: 4, type: 'SPECIES' }, known, 'Escherichia')).toBe(false);
  });

  it('isBinomialName: capitalised genus (or its initial and a stop) and a lower-case epithet, nothing more', () => {
    for (const t of ['Saccharomyces cerevisiae', 'S. cerevisiae', 'S . cerevisiae', 'Mantamonas plastica']) expect(isBinomialName(t)).toBe(true);
    for (const t of ['E. coli K-12', 'Escherichia', 'escherichia coli', 'In mice', 'HIV type', 'Xanthomonas oryzae pv. oryzae', 'SIV mac', 'Homo Sapiens'])
      expect(isBinomialName(t)).toBe(false);
  });
});

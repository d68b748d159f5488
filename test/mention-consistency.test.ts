/** src/ner/mention-consistency.ts: a mention's text spreads to its other whole-word occurrences in the document. */
import { describe, expect, it } from 'vitest';
import type { Span } from '../src/domain/index.js';
import { pooledConfidences, propagateMentions } from '../src/ner/mention-consistency.js';

const span = (text: string, start: number, end: number, type: Span['type'], confidence: number | null = 0.9): Span =>
  ({ start, end, type, text: text.slice(start, end), confidence });
const brief = (spans: readonly Span[]) => spans.map((s) => [s.start, s.end, s.type, s.text, s.confidence]);

describe('propagateMentions', () => {
  it('labels every other whole-word, same-case occurrence with the first span\'s type and confidence', () => {
    const text = 'Aspirin and aspirin. Later aspirin, aspirinate and (aspirin) again.';
    const spans = [span(text, 12, 19, 'CHEMICAL', 0.8)];
    expect(brief(propagateMentions(text, spans, new Set(['CHEMICAL'])))).toEqual([
      [12, 19, 'CHEMICAL', 'aspirin', 0.8],
      [27, 34, 'CHEMICAL', 'aspirin', 0.8],
      [52, 59, 'CHEMICAL', 'aspirin', 0.8],
    ]);
  });

  it('leaves types outside the set, short strings and occurrences another span overlaps alone', () => {
    const text = 'lung cancer; cancer of the lung; PD and PD; lung cancer risk';
    const spans = [span(text, 0, 11, 'DISEASE'), span(text, 33, 35, 'DISEASE'), span(text, 44, 55, 'DISEASE')];
    // 'cancer' alone is not a mention text here; 'PD' is too short; 'lung cancer' recurs only where a span already is.
    expect(propagateMentions(text, spans, new Set(['DISEASE']))).toEqual(spans);
    const species = [span(text, 13, 19, 'SPECIES')];
    expect(propagateMentions(text, species, new Set(['DISEASE']))).toEqual(species);
    const covered = [span(text, 13, 19, 'DISEASE'), span(text, 0, 11, 'CHEMICAL')];
    // The 'cancer' inside 'lung cancer' (a CHEMICAL span here) and in 'lung cancer risk' (free) differ.
    expect(brief(propagateMentions(text, covered, new Set(['DISEASE'])))).toEqual([
      [0, 11, 'CHEMICAL', 'lung cancer', 0.9],
      [13, 19, 'DISEASE', 'cancer', 0.9],
      [49, 55, 'DISEASE', 'cancer', 0.9],
    ]);
  });

  it('the first span of a text sets the type; the result never overlaps', () => {
    const text = 'HER2 in cells; HER2 again; HER2.';
    const spans = [span(text, 0, 4, 'GENE', 0.7), span(text, 15, 19, 'CHEMICAL', 0.6)];
    const out = propagateMentions(text, spans, new Set(['GENE', 'CHEMICAL']));
    expect(brief(out)).toEqual([[0, 4, 'GENE', 'HER2', 0.7], [15, 19, 'CHEMICAL', 'HER2', 0.6], [27, 31, 'GENE', 'HER2', 0.7]]);
    for (let i = 1; i < out.length; i++) expect(out[i]!.start).toBeGreaterThanOrEqual(out[i - 1]!.end);
  });
});

describe('pooledConfidences', () => {
  it('gives each span the best confidence among the spans of its exact text (case-sensitive)', () => {
    const spans = [
      { text: 'HC', confidence: 0.4 },
      { text: 'hc', confidence: 0.9 },
      { text: 'HC', confidence: 0.7 },
      { text: 'mesna', confidence: 0.1 },
    ];
    expect(pooledConfidences(spans, (s) => s.text)).toEqual([0.7, 0.9, 0.7, 0.1]);
    expect(pooledConfidences([], (s: { text: string; confidence: number }) => s.text)).toEqual([]);
  });
});

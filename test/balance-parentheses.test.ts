import { describe, expect, it } from 'vitest';
import type { EntityType, Span } from '../src/domain/index.js';
import { balanceParentheses } from '../src/ner/balance-parentheses.js';

const at = (text: string, s: string, type: EntityType = 'SPECIES', confidence: number | null = 0.9): Span => {
  const start = text.indexOf(s);
  return { start, end: start + s.length, type, text: s, confidence };
};
const brief = (spans: Span[]) => spans.map((s) => [s.text, s.type, s.confidence]);

describe('balanceParentheses', () => {
  it('cuts a span before a parenthesis it opens and does not close, or before a closing one it did not open', () => {
    const text = 'strain KMM 3842(T) grew; Heliothis subflexa (Hs) fed; p70 ( s6k ) rose; the CIC chloride - channel family ) and';
    const spans = [at(text, 'KMM 3842(T'), at(text, 'Heliothis subflexa (Hs'), at(text, 'p70 ( s6k', 'GENE'), at(text, 'CIC chloride - channel family )', 'GENE')];
    expect(brief(balanceParentheses(text, spans))).toEqual([
      ['KMM 3842', 'SPECIES', 0.9],
      ['Heliothis subflexa', 'SPECIES', 0.9],
      ['p70', 'GENE', 0.9],
      ['CIC chloride - channel family', 'GENE', 0.9],
    ]);
    for (const s of balanceParentheses(text, spans)) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('keeps balanced parentheses, an inner unmatched ")" and spans without parentheses unchanged', () => {
    const text = 'prostaglandin (PG) E2 and IL-2 (R) a) b and aspirin';
    const spans = [at(text, 'prostaglandin (PG) E2', 'CHEMICAL'), at(text, 'a) b', 'GENE'), at(text, 'aspirin', 'CHEMICAL', null)];
    expect(balanceParentheses(text, spans)).toEqual(spans);
  });

  it('drops a span left with no letter or digit, and merges spans cut to the same extent', () => {
    const text = 'a ( b and mature ( x';
    const spans = [at(text, '( b', 'GENE'), { ...at(text, 'mature ( x', 'CELL_TYPE'), confidence: 0.6 }, { start: 10, end: 16, type: 'CELL_TYPE' as const, text: 'mature', confidence: 0.8 }];
    expect(brief(balanceParentheses(text, spans))).toEqual([['mature', 'CELL_TYPE', 0.8]]);
  });
});

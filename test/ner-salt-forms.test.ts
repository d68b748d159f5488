import { describe, expect, it } from 'vitest';
import type { EntityType, Span } from '../src/domain/index.js';
import { joinSaltForms } from '../src/ner/salt-forms.js';

const span = (text: string, piece: string, type: EntityType, from = 0): Span => {
  const start = text.indexOf(piece, from);
  return { start, end: start + piece.length, type, text: piece, confidence: 0.9 };
};
const brief = (spans: readonly Span[]) => spans.map((s) => [s.type, s.text, s.confidence]);

describe('joinSaltForms', () => {
  it('a CHEMICAL span takes in the salt word after it, keeping its confidence; a span on the salt word merges in', () => {
    const text = 'Bupropion HCl and heparin sodium (UFH) with losartan potassium.';
    const spans = [
      span(text, 'Bupropion', 'CHEMICAL'),
      span(text, 'heparin', 'CHEMICAL'),
      { ...span(text, 'sodium', 'CHEMICAL'), confidence: 0.99 },
      span(text, 'losartan', 'CHEMICAL'),
    ];
    expect(brief(joinSaltForms(text, spans))).toEqual([
      ['CHEMICAL', 'Bupropion HCl', 0.9],
      ['CHEMICAL', 'heparin sodium', 0.9],
      ['CHEMICAL', 'losartan potassium', 0.9],
    ]);
  });

  it('leaves other types, a longer name beginning at the salt word, and a salt word that goes on alone', () => {
    const text = 'lidocaine sodium nitroprusside; nicotine sulfate-treated chicks; bupropion HClO4; EGFR HCl; cocaine (HCl)';
    const spans = [
      span(text, 'lidocaine', 'CHEMICAL'),
      span(text, 'sodium nitroprusside', 'CHEMICAL'),
      span(text, 'nicotine', 'CHEMICAL'),
      span(text, 'bupropion', 'CHEMICAL'),
      span(text, 'EGFR', 'GENE'),
      span(text, 'cocaine', 'CHEMICAL'),
    ];
    expect(joinSaltForms(text, spans)).toEqual(spans);
  });
});

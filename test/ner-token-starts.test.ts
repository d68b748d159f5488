import { describe, expect, it } from 'vitest';
import type { EntityType, Span } from '../src/domain/index.js';
import { extendToTokenStart } from '../src/ner/token-starts.js';

const span = (text: string, piece: string, type: EntityType, from = 0): Span => {
  const start = text.indexOf(piece, from);
  return { start, end: start + piece.length, type, text: piece, confidence: 0.9 };
};
const brief = (spans: readonly Span[]) => spans.map((s) => [s.type, s.text]);
const DISEASE = new Set<EntityType>(['DISEASE']);

describe('extendToTokenStart', () => {
  it('moves a span that begins after a hyphen inside a token to the token start, for the listed types only', () => {
    const text = 'Two non-papillary renal cell carcinomas and AO-GLD; (ALD-AMN) too.';
    const spans = [
      span(text, 'papillary renal cell carcinomas', 'DISEASE'),
      span(text, 'GLD', 'DISEASE'),
      span(text, 'AMN', 'DISEASE'),
    ];
    expect(brief(extendToTokenStart(text, spans, DISEASE))).toEqual([
      ['DISEASE', 'non-papillary renal cell carcinomas'],
      ['DISEASE', 'AO-GLD'],
      ['DISEASE', 'ALD-AMN'], // stops at the bracket
    ]);
    expect(brief(extendToTokenStart(text, spans, new Set<EntityType>(['CHEMICAL'])))).toEqual(brief(spans));
    expect(extendToTokenStart(text, spans, new Set())).toEqual(spans);
  });

  it('leaves spans after a space, a slash or a lone hyphen alone', () => {
    const text = 'DMD/BMD and cisplatin - nephrotoxicity and -GLD';
    const spans = [span(text, 'BMD', 'DISEASE'), span(text, 'nephrotoxicity', 'DISEASE'), span(text, 'GLD', 'DISEASE')];
    expect(extendToTokenStart(text, spans, DISEASE)).toEqual(spans);
  });

  it('spans inside the added stretch give way; a span reaching out of it stops the extension', () => {
    const text = 'APRT-HPRT-deficient cells; the PKU-like BH4-deficiency';
    const inside = [span(text, 'APRT', 'GENE'), span(text, 'HPRT-deficient', 'DISEASE')];
    expect(brief(extendToTokenStart(text, inside, DISEASE))).toEqual([['DISEASE', 'APRT-HPRT-deficient']]);
    const across = [span(text, 'the PKU', 'GENE'), span(text, 'like', 'DISEASE')];
    expect(extendToTokenStart(text, across, DISEASE)).toEqual(across);
    const chain = [span(text, 'deficiency', 'DISEASE')];
    expect(brief(extendToTokenStart(text, chain, DISEASE))).toEqual([['DISEASE', 'BH4-deficiency']]);
  });
});

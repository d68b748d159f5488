/** Names known by their form (src/ner/name-forms.ts): drug codes; binomials another head claimed become species. */
import { describe, expect, it } from 'vitest';
import { binomialAround, isDrugCode, isKnownByForm, retypeBinomials, SPECIES_SUPPORT } from '../src/ner/name-forms.js';
import { splitWords } from '../src/ner/word-splitter.js';

const words = (text: string) => splitWords(text);
const range = (text: string, from: string, to = from) => {
  const ws = words(text);
  const s = ws.findIndex((w) => w.text === from);
  const e = ws.findIndex((w, i) => i >= s && w.text === to);
  return [s, e + 1] as const;
};

describe('binomialAround', () => {
  it('finds the binomial a span is, or the one its single word belongs to', () => {
    const text = 'Leaves of Cephalanthera damasonium and C. damasonium hosted Litoreibacter albidus.';
    const ws = words(text);
    const at = (w: string) => ws.findIndex((x) => x.text === w);
    // The whole span.
    expect(binomialAround(text, ws, ...range(text, 'Cephalanthera', 'damasonium'))).toEqual(range(text, 'Cephalanthera', 'damasonium'));
    // An epithet after its genus, and after an abbreviated genus (`C`, `.`, `damasonium` are three words).
    const first = at('damasonium');
    expect(binomialAround(text, ws, first, first + 1)).toEqual([first - 1, first + 1]);
    const second = ws.findIndex((x, i) => x.text === 'damasonium' && i > first);
    expect(binomialAround(text, ws, second, second + 1)).toEqual([second - 2, second + 1]);
    // A genus before its epithet.
    const genus = at('Litoreibacter');
    expect(binomialAround(text, ws, genus, genus + 1)).toEqual([genus, genus + 2]);
  });

  it('refuses English words after a capitalised word, function words as genera, longer spans', () => {
    const cases: Array<[string, string, string?]> = [
      ['Serengeti ecosystem dynamics were studied.', 'Serengeti'],
      ['Golgi network proteins', 'Golgi', 'network'],
      ['The sulcus was deep.', 'The', 'sulcus'],
      ['Haemophilus cryptic genospecies', 'Haemophilus'],
      ['A Litoreibacter albidus strain KMM 3851', 'Litoreibacter', 'KMM'],
    ];
    for (const [text, from, to] of cases) {
      expect(binomialAround(text, words(text), ...range(text, from, to)), text).toBeNull();
    }
  });
});

describe('retypeBinomials', () => {
  const text = 'Corythucha ciliata feeds on plane trees; Magnaporthe oryzae infects rice.';
  const ws = words(text);
  const [c0] = range(text, 'Corythucha');
  const [m0, m1] = range(text, 'Magnaporthe', 'oryzae');
  const probs = (support: number) => {
    // O, B, I per word; `support` = 1 - P(O) on every word.
    const p = new Float32Array(ws.length * 3);
    for (let w = 0; w < ws.length; w++) p.set([1 - support, support / 2, support / 2], w * 3);
    return p;
  };
  const spans = [
    { start: c0 + 1, end: c0 + 2, type: 'DISEASE', confidence: 0.8 }, // `ciliata`
    { start: m0, end: m1, type: 'GENE', confidence: 0.7 },
    { start: m1 + 1, end: m1 + 2, type: 'CHEMICAL', confidence: 0.9 }, // `infects`: no binomial
  ];

  it('gives a binomial the species head supports to SPECIES, keeping the confidence', () => {
    const out = retypeBinomials(text, ws, spans, probs(SPECIES_SUPPORT + 0.05), 3, () => false);
    expect(out).toEqual([
      { start: c0, end: c0 + 2, type: 'SPECIES', confidence: 0.8 },
      { start: m0, end: m1, type: 'SPECIES', confidence: 0.7 },
      spans[2],
    ]);
  });

  it('leaves spans alone where the species head does not lean that way, or the name is one the knowledge base gives their type', () => {
    expect(retypeBinomials(text, ws, spans, probs(SPECIES_SUPPORT - 0.05), 3, () => false)).toEqual(spans);
    expect(retypeBinomials(text, ws, spans, probs(0.9), 3, (s) => s.type === 'GENE')[1]).toEqual(spans[1]);
  });
});

describe('drug development codes', () => {
  it('two to four capitals, a space or hyphen, three to six digits: a CHEMICAL span of that form counts as known', () => {
    for (const t of ['BN 52021', 'SKF-82958', 'LY-171555', 'SC-48334', 'RP 67,580', 'WIN 55,212-2', 'CGS 21680']) {
      expect(isDrugCode(t), t).toBe(true);
      expect(isKnownByForm('CHEMICAL', t), t).toBe(true);
    }
    // No separator, too few digits, lower case, a gene or a word after it: not this form.
    for (const t of ['BN52021', 'IL-2', 'MMP-9', 'CD 34', 'Hoe 140', 'AT 250 words', 'p-450', 'VEGF165']) expect(isDrugCode(t), t).toBe(false);
    // Only for CHEMICAL: a GENE span written like a code stays novel.
    expect(isKnownByForm('GENE', 'BN 52021')).toBe(false);
  });
});

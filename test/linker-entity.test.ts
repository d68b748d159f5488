import { describe, expect, it } from 'vitest';
import { createEntityLinker, numbersDisagree } from '../src/kb/entity-linker.js';
import { calibratedConfidence, DEFAULT_CALIBRATION, fitLogistic, type LinkFeatures } from '../src/kb/link-calibration.js';
import { compositeReadings } from '../src/kb/composite-mentions.js';
import { buildNgramIndex } from '../src/kb/ngram-index.js';
import type { EntityType, Span, EntityName } from '../src/domain/index.js';

const n = (entityId: string, type: EntityType, name: string, origin = 'vocabulary'): EntityName => ({ entityId, type, name, origin });

const NAMES: EntityName[] = [
  n('MESH:D001943', 'DISEASE', 'Breast Neoplasms'), n('MESH:D001943', 'DISEASE', 'breast cancer'),
  n('MESH:D010051', 'DISEASE', 'Ovarian Neoplasms'), n('MESH:D010051', 'DISEASE', 'ovarian cancer'),
  n('MESH:D051437', 'DISEASE', 'Renal Insufficiency'), n('MESH:D051437', 'DISEASE', 'renal failure'),
  n('MESH:D048550', 'DISEASE', 'hepatic failure'), n('MESH:D048550', 'DISEASE', 'Liver Failure'),
  n('MESH:D010300', 'DISEASE', 'Parkinson Disease'),
  n('MESH:D007022', 'DISEASE', 'Hypotension'), n('MESH:D007022', 'DISEASE', 'hypotensive'),
  n('MESH:D006973', 'DISEASE', 'Hypertension'),
  n('MESH:D007008', 'DISEASE', 'Hypokalemia'),
  n('MESH:D011041', 'CHEMICAL', 'Puromycin Aminonucleoside'),
  n('MESH:D000085', 'CHEMICAL', 'Acetic Acids'), n('MESH:D019342', 'CHEMICAL', 'Acetic Acid'),
  n('MESH:D008012', 'CHEMICAL', 'Lidocaine'),
];

const TEXT = "Breast and ovarian cancer, renal or hepatic failure. Puromycin aminonucleoside (PAN) nephrosis; PAN again. Parkinson's disease. hypokalaemic. lidocain. acetic acid. hypertensive. xyzzy q. ";
const span = (part: string, type: EntityType, from = 0): Span => {
  const start = TEXT.indexOf(part, from);
  return { start, end: start + part.length, type, text: part, confidence: null };
};
const SPANS: Span[] = [
  span('Breast and ovarian cancer', 'DISEASE'),
  span('renal or hepatic failure', 'DISEASE'),
  span('Puromycin aminonucleoside', 'CHEMICAL'),
  span('PAN', 'CHEMICAL', 95),
  span("Parkinson's disease", 'DISEASE'),
  span('hypokalaemic', 'DISEASE'),
  span('lidocain', 'CHEMICAL'),
  span('acetic acid', 'CHEMICAL'),
  span('hypertensive', 'DISEASE'),
  span('xyzzy q', 'DISEASE'),
];
const UNLINKED = { entityId: null, method: null, matchedName: null, confidence: null };
/** Pinned here so the expected confidences do not move when DEFAULT_CALIBRATION is refitted. */
const CALIBRATION = { weights: [-2.033, 0.834, -0.226, -0.473, -0.484, -0.522, -0.131, -1.736, 1.068, 1.517, -0.649, 5.447, 0, -0.798], threshold: 0.2 };

describe('createEntityLinker', () => {
  it('links by lookups, abbreviations, composites and 3-gram similarity, leaving weak candidates unlinked', async () => {
    // Linker v2's ranking (no re-ranker): these cases pin its lookup order and calibration.
    const linker = await createEntityLinker({ names: NAMES, version: 'entity-test', calibration: CALIBRATION, priorWeight: 0, reranker: null });
    expect(linker.version).toBe('entity-test');
    expect(await linker.link(TEXT, SPANS)).toEqual([
      { entityId: 'MESH:D001943', method: 'composite', matchedName: 'Breast and ovarian cancer', confidence: 0.413, additionalEntityIds: ['MESH:D010051'] },
      { entityId: 'MESH:D051437', method: 'composite', matchedName: 'renal or hepatic failure', confidence: 0.413, additionalEntityIds: ['MESH:D048550'] },
      { entityId: 'MESH:D011041', method: 'normalized', matchedName: 'Puromycin Aminonucleoside', confidence: 0.8 },
      // the document defines PAN: linked through its long form, which is recorded as the matched name
      { entityId: 'MESH:D011041', method: 'abbreviation', matchedName: 'Puromycin aminonucleoside', confidence: 0.778 },
      // generic head and possessive dropped
      { entityId: 'MESH:D010300', method: 'normalized', matchedName: 'Parkinson Disease', confidence: 0.52 },
      // British spelling + inflection: 3-gram TF-IDF
      { entityId: 'MESH:D007008', method: 'approximate', matchedName: 'Hypokalemia', confidence: 0.3 },
      { entityId: 'MESH:D008012', method: 'approximate', matchedName: 'Lidocaine', confidence: 0.371 },
      // singular and plural are different chemicals: the case-folded key wins over plural folding
      { entityId: 'MESH:D019342', method: 'normalized', matchedName: 'Acetic Acid', confidence: 0.8 },
      // 'hypertensive' is about as close to 'Hypertension' as to 'hypotensive': too small a margin, below threshold
      UNLINKED,
      UNLINKED,
    ]);
  });

  it('with the shipped re-ranker: the same lookups win, approximate candidates are scored, shared names go to the annotators\' entity', async () => {
    const linker = await createEntityLinker({ names: NAMES, calibration: CALIBRATION, threshold: 0 });
    expect((await linker.link(TEXT, SPANS)).map((r) => [r.entityId, r.method])).toEqual([
      ['MESH:D001943', 'composite'],
      ['MESH:D051437', 'composite'],
      ['MESH:D011041', 'normalized'],
      ['MESH:D011041', 'abbreviation'],
      ['MESH:D010300', 'normalized'],
      ['MESH:D007008', 'approximate'],
      ['MESH:D008012', 'approximate'],
      ['MESH:D019342', 'normalized'],
      ['MESH:D006973', 'approximate'],
      [null, null],
    ]);
    const names = [n('MESH:D011605', 'DISEASE', 'psychosis', 'annotation'), n('MESH:D011618', 'DISEASE', 'psychosis')];
    const one = await createEntityLinker({ names, threshold: 0, annotationNameCounts: new Map([['MESH:D011605\u0000psychosis', 2]]) });
    expect((await one.link('psychosis', [{ start: 0, end: 9, type: 'DISEASE', text: 'psychosis', confidence: null }]))[0]!.entityId).toBe('MESH:D011605');
  });

  it('threshold 0 links every candidate; threshold 1 none', async () => {
    const all = await createEntityLinker({ names: NAMES, threshold: 0, calibration: CALIBRATION });
    const results = await all.link(TEXT, SPANS);
    expect(results[8]).toMatchObject({ entityId: 'MESH:D006973', method: 'approximate', matchedName: 'Hypertension' });
    expect(results[9]).toEqual(UNLINKED);
    const none = await createEntityLinker({ names: NAMES, threshold: 1 });
    expect((await none.link(TEXT, SPANS)).every((r) => r.entityId === null)).toBe(true);
  });

  it('an approximate match does not contradict the numbers of the mention (receptor subtypes, C6 and C7)', async () => {
    const names = [
      n('NCBIGene:3356', 'GENE', 'serotonin 2A receptor'), n('NCBIGene:3362', 'GENE', '5-hydroxytryptamine receptor 6'),
      n('MESH:D003188', 'DISEASE', 'complement C7 deficiency'),
      n('MESH:D002117', 'CHEMICAL', '1,25-dihydroxycholecalciferol'),
    ];
    const text = 'Serotonin 6 receptor gene; serotonin 2a receptor gene; complement C6 deficiency; 1,25-dihydroxyvitamin D3.';
    const at = (part: string, type: EntityType): Span => ({ start: text.indexOf(part), end: text.indexOf(part) + part.length, type, text: part, confidence: null });
    const spans = [
      at('Serotonin 6 receptor gene', 'GENE'), at('serotonin 2a receptor gene', 'GENE'),
      at('complement C6 deficiency', 'DISEASE'), at('1,25-dihydroxyvitamin D3', 'CHEMICAL'),
    ];
    for (const reranker of [undefined, null]) {
      const linker = await createEntityLinker({ names, threshold: 0, ...(reranker === null ? { reranker: null, priorWeight: 0 } : {}) });
      const ids = (await linker.link(text, spans)).map((r) => r.entityId);
      // 6 is not 2A: the HTR2A name was the closest by 3-grams; no other candidate is left
      expect(ids[0]).not.toBe('NCBIGene:3356');
      expect(ids[1]).toBe('NCBIGene:3356');
      expect(ids[2]).toBeNull(); // C6 is not C7
      expect(ids[3]).toBe('MESH:D002117'); // 1, 25 are within 1, 25, 3: one spelling writes more of the numbers
    }
    expect(numbersDisagree('Serotonin 6 receptor gene', 'serotonin 2A receptor')).toBe(true);
    expect(numbersDisagree('vitamin B12', 'Vitamin B 6')).toBe(true);
    expect(numbersDisagree('IL-02', 'interleukin 2')).toBe(false);
    expect(numbersDisagree('type 2 diabetes', 'diabetes mellitus')).toBe(false);
  });

  it('ranks shared names by curated links, then per-name and per-entity annotation counts', async () => {
    const names = [n('MESH:D011605', 'DISEASE', 'psychosis', 'annotation'), n('MESH:D011618', 'DISEASE', 'psychosis')];
    const text = 'psychosis';
    const spans: Span[] = [{ start: 0, end: 9, type: 'DISEASE', text, confidence: null }];
    const byId = async (options: Partial<Parameters<typeof createEntityLinker>[0]>) =>
      (await (await createEntityLinker({ names, threshold: 0, reranker: null, ...options })).link(text, spans))[0]!.entityId;
    expect(await byId({})).toBe('MESH:D011618'); // vocabulary over annotation origin
    expect(await byId({ annotationCounts: new Map([['MESH:D011618', 3]]) })).toBe('MESH:D011618');
    expect(await byId({ annotationCounts: new Map([['MESH:D011618', 3]]), annotationNameCounts: new Map([['MESH:D011605\u0000psychosis', 2]]) })).toBe('MESH:D011605');
    expect(await byId({ annotationCounts: new Map([['MESH:D011605', 9]]), curatedLinks: [{ text: 'Psychosis', type: 'DISEASE', entityId: 'MESH:D011618' }] })).toBe('MESH:D011618');
  });

  it('applies curation deltas in place: synonyms, removals, merges', async () => {
    const linker = await createEntityLinker({ names: NAMES, version: 'v', calibration: CALIBRATION });
    const text = 'tachyarrhythmia renal failure';
    const spans: Span[] = [
      { start: 0, end: 15, type: 'DISEASE', text: 'tachyarrhythmia', confidence: null },
      { start: 16, end: 29, type: 'DISEASE', text: 'renal failure', confidence: null },
    ];
    expect((await linker.link(text, spans))[0]).toEqual(UNLINKED);
    linker.addName(n('MESH:D007022', 'DISEASE', 'Tachyarrhythmia', 'curator'));
    expect(linker.version).toBe('v+1');
    expect((await linker.link(text, spans))[0]).toMatchObject({ entityId: 'MESH:D007022', method: 'normalized', matchedName: 'Tachyarrhythmia' });
    linker.mergeEntity('MESH:D051437', 'MESH:D048550');
    expect((await linker.link(text, spans))[1]).toMatchObject({ entityId: 'MESH:D048550', matchedName: 'renal failure' });
    linker.removeName('MESH:D007022', 'Tachyarrhythmia');
    expect((await linker.link(text, spans))[0]).toEqual(UNLINKED);
    expect(linker.version).toBe('v+3');
  });

  it('rejects spans outside the text and unknown types with coded errors', async () => {
    const linker = await createEntityLinker({ names: NAMES });
    await expect(linker.link('abc', [{ start: 1, end: 9, type: 'DISEASE', text: 'x', confidence: null }])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(linker.link('abc', [{ start: 0, end: 1, type: 'NOPE' as EntityType, text: 'a', confidence: null }])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(createEntityLinker({ names: NAMES, threshold: 2 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('compositeReadings', () => {
  it.each([
    ['breast and ovarian cancer', [['breast cancer', 'breast'], ['ovarian cancer']]],
    ['renal or hepatic failure', [['renal failure', 'renal'], ['hepatic failure']]],
    ['Duchenne and Becker muscular dystrophy', [['Duchenne muscular dystrophy', 'Duchenne dystrophy', 'Duchenne'], ['Becker muscular dystrophy']]],
    ['colorectal, endometrial, and ovarian cancers', [['colorectal cancers', 'colorectal'], ['endometrial cancers', 'endometrial'], ['ovarian cancers']]],
    ['hepatic and/or renal dysfunction', [['hepatic dysfunction', 'hepatic'], ['renal dysfunction']]],
  ])('%s', (mention, readings) => {
    expect(compositeReadings(mention)).toEqual(readings);
  });

  it('is null without coordination', () => {
    expect(compositeReadings('ovarian cancer')).toBeNull();
  });
});

describe('buildNgramIndex', () => {
  it('ranks keys by TF-IDF 3-gram cosine, best first', () => {
    const index = buildNgramIndex(['hypokalemia', 'hyperkalemia', 'hypotension', 'hypertension', 'kalemia']);
    expect(index.size).toBe(5);
    expect(index.search('hypokalemic', 3).map((h) => [h.key, Number(h.score.toFixed(4))])).toEqual([[0, 0.7077], [1, 0.3214], [4, 0.3181]]);
    expect(index.search('hypokalemia', 1)).toEqual([{ key: 0, score: 1 }]);
    expect(index.search('zzzz', 5)).toEqual([]);
  });
});

describe('link calibration', () => {
  const base: LinkFeatures = { source: 'exact', abbreviation: false, composite: false, score: 1, margin: 1, ambiguity: 1, count: 0, curated: false, length: 10 };
  it('gives an exact frequent name more confidence than a weak approximate one', () => {
    const strong = calibratedConfidence(DEFAULT_CALIBRATION, { ...base, count: 100 });
    const weak = calibratedConfidence(DEFAULT_CALIBRATION, { ...base, source: 'approximate', score: 0.5, margin: 0.05 });
    expect(strong).toBeGreaterThan(0.9);
    expect(weak).toBeLessThan(DEFAULT_CALIBRATION.threshold);
  });
  it('fitLogistic learns that approximate links of low score are wrong', () => {
    const samples = [
      ...Array.from({ length: 20 }, () => ({ features: base, correct: true })),
      ...Array.from({ length: 20 }, () => ({ features: { ...base, source: 'approximate' as const, score: 0.4 }, correct: false })),
    ];
    const weights = fitLogistic(samples);
    const calibration = { weights, threshold: 0.5 };
    expect(calibratedConfidence(calibration, base)).toBeGreaterThan(0.9);
    expect(calibratedConfidence(calibration, samples[20]!.features)).toBeLessThan(0.1);
  });
});

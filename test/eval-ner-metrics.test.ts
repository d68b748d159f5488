import { describe, expect, it } from 'vitest';
import { formatMetricsTable, metricsToJson } from '../src/eval/format-metrics.js';
import { defaultGoldTypeMap, mapGoldTypes } from '../src/eval/gold-type-map.js';
import { computeNerMetrics, prf } from '../src/eval/ner-metrics.js';

describe('computeNerMetrics', () => {
  const documents = [
    {
      gold: [
        { start: 0, end: 7, type: 'CHEMICAL' as const },
        { start: 12, end: 17, type: 'DISEASE' as const },
        { start: 20, end: 30, type: 'DISEASE' as const },
      ],
      predicted: [
        { start: 0, end: 7, type: 'CHEMICAL' as const }, // tp
        { start: 12, end: 16, type: 'DISEASE' as const }, // boundary error: fp + (gold) fn
        { start: 20, end: 30, type: 'CHEMICAL' as const }, // type error: fp CHEMICAL + fn DISEASE
        { start: 0, end: 7, type: 'CHEMICAL' as const }, // duplicate: counted once
        { start: 40, end: 45, type: 'GENE' as const }, // type not scored when types are given
      ],
    },
    { gold: [{ start: 3, end: 9, type: 'CHEMICAL' as const }], predicted: [] },
  ];

  it('counts exact matches per type and micro overall', () => {
    const metrics = computeNerMetrics(documents, { types: ['CHEMICAL', 'DISEASE'] });
    expect(metrics.documents).toBe(2);
    expect([...metrics.perType.keys()]).toEqual(['CHEMICAL', 'DISEASE']);
    expect(metrics.perType.get('CHEMICAL')).toEqual({ tp: 1, fp: 1, fn: 1, precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(metrics.perType.get('DISEASE')).toEqual({ tp: 0, fp: 1, fn: 2, precision: 0, recall: 0, f1: 0, support: 2 });
    expect(metrics.micro).toMatchObject({ tp: 1, fp: 2, fn: 3, precision: 1 / 3, recall: 0.25, support: 4 });
    // 2PR/(P+R) with P = 1/3, R = 1/4 is 2/7; floating point differs in the last bit.
    expect(metrics.micro.f1).toBeCloseTo(2 / 7, 15);
  });

  it('scores every type seen when no types are given, sorted by name', () => {
    const metrics = computeNerMetrics(documents);
    expect([...metrics.perType.keys()]).toEqual(['CHEMICAL', 'DISEASE', 'GENE']);
    expect(metrics.perType.get('GENE')).toEqual({ tp: 0, fp: 1, fn: 0, precision: 0, recall: 0, f1: 0, support: 0 });
    expect(metrics.micro).toMatchObject({ tp: 1, fp: 3, fn: 3 });
  });

  it('defines every ratio when denominators are zero', () => {
    expect(prf(0, 0, 0)).toEqual({ tp: 0, fp: 0, fn: 0, precision: 0, recall: 0, f1: 0, support: 0 });
    expect(prf(3, 1, 0)).toEqual({ tp: 3, fp: 1, fn: 0, precision: 0.75, recall: 1, f1: 6 / 7, support: 3 });
  });

  it('renders a fixed-width table and JSON', () => {
    const metrics = computeNerMetrics(documents, { types: ['CHEMICAL', 'DISEASE'] });
    expect(formatMetricsTable(metrics)).toBe(
      [
        'type      precision  recall     f1  tp  fp  fn',
        'CHEMICAL      50.00   50.00  50.00   1   1   1',
        'DISEASE        0.00    0.00   0.00   0   1   2',
        'micro         33.33   25.00  28.57   1   2   3',
        '',
      ].join('\n'),
    );
    expect(metricsToJson(metrics).perType.DISEASE).toEqual({ tp: 0, fp: 1, fn: 2, precision: 0, recall: 0, f1: 0, support: 2 });
  });
});

describe('gold type renaming (vaner eval ner --gold-type-map)', () => {
  it('maps PROTEIN to GENE only for a labeler with GENE and without PROTEIN', () => {
    expect([...defaultGoldTypeMap(['CHEMICAL', 'GENE', 'DNA', 'RNA', 'CELL_LINE', 'CELL_TYPE'])]).toEqual([['PROTEIN', 'GENE']]);
    expect(defaultGoldTypeMap(['GENE', 'PROTEIN']).size).toBe(0);
    expect(defaultGoldTypeMap(['CHEMICAL', 'DISEASE']).size).toBe(0);
  });

  it('renames the mapped types, counts them, and turns JNLPBA protein gold into GENE true positives', () => {
    const counts = new Map();
    const gold = mapGoldTypes(
      [{ start: 0, end: 4, type: 'PROTEIN' as const }, { start: 5, end: 9, type: 'DNA' as const }, { start: 10, end: 14, type: 'PROTEIN' as const }],
      new Map([['PROTEIN', 'GENE']]),
      counts,
    );
    expect(gold).toEqual([{ start: 0, end: 4, type: 'GENE' }, { start: 5, end: 9, type: 'DNA' }, { start: 10, end: 14, type: 'GENE' }]);
    expect([...counts]).toEqual([['PROTEIN', 2]]);
    const predicted = [{ start: 0, end: 4, type: 'GENE' as const }, { start: 5, end: 9, type: 'DNA' as const }];
    const metrics = computeNerMetrics([{ gold, predicted }], { types: ['GENE', 'DNA'] });
    expect(metrics.perType.get('GENE')).toMatchObject({ tp: 1, fp: 0, fn: 1, support: 2 });
    expect(metrics.perType.get('DNA')).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(mapGoldTypes(gold, new Map(), counts)).toEqual(gold);
  });
});

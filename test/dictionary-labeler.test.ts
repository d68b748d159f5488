import { describe, expect, it } from 'vitest';
import { createDictionaryLabeler } from '../src/kb/dictionary-labeler.js';
import { longFormStart, propagateAbbreviations } from '../src/ner/abbreviation-propagation.js';
import type { EntityType, Span, EntityName } from '../src/domain/index.js';

const n = (entityId: string, type: EntityType, name: string): EntityName => ({ entityId, type, name, origin: 'vocabulary' });

const NAMES: EntityName[] = [
  n('MESH:D001943', 'DISEASE', 'Breast Cancer'),
  n('MESH:D009369', 'DISEASE', 'cancer'),
  n('MESH:D007501', 'CHEMICAL', 'Iron'),
  n('MESH:D000319', 'CHEMICAL', 'beta-Blocker'),
  n('MESH:D012640', 'DISEASE', 'Seizure'),
  n('MESH:D006973', 'DISEASE', 'Hypertension'),
  n('MESH:D009270', 'CHEMICAL', 'naloxone'),
  n('MESH:D007854', 'CHEMICAL', 'Lead'),
  n('MESH:D008180', 'DISEASE', 'Lupus'),
  n('MESH:D054198', 'DISEASE', 'ALL'),
  n('MESH:D009569', 'CHEMICAL', 'NO'),
  n('MESH:D012964', 'CHEMICAL', 'Na'),
  n('MESH:D003920', 'DISEASE', 'DM'),
  n('MESH:D004317', 'CHEMICAL', 'Doxorubicin'),
  n('MESH:D004317', 'CHEMICAL', 'Adriamycin'),
  n('MESH:D007676', 'DISEASE', 'Kidney Failure, Chronic'),
  n('MESH:D007676', 'DISEASE', 'chronic kidney failure'),
  n('MESH:D000001', 'CHEMICAL', 'Li'),
  n('MESH:X', 'CHEMICAL', 'hypertension'),
];

async function label(text: string, options: Partial<Parameters<typeof createDictionaryLabeler>[0]> = {}): Promise<Span[]> {
  const labeler = await createDictionaryLabeler({ names: NAMES, ...options });
  const [spans] = await labeler.label([{ id: 't', text }]);
  for (const s of spans!) expect(s.text).toBe(text.slice(s.start, s.end));
  return spans!;
}

const brief = (spans: Span[]): [number, number, string, string][] => spans.map((s) => [s.start, s.end, s.type, s.text]);

describe('createDictionaryLabeler', () => {
  it('prefers the longest match: "breast cancer" over "cancer"', async () => {
    expect(brief(await label('Breast cancer and cancer.'))).toEqual([
      [0, 13, 'DISEASE', 'Breast cancer'],
      [18, 24, 'DISEASE', 'cancer'],
    ]);
  });

  it('respects word boundaries: no "iron" inside "environment" or "iron2"', async () => {
    expect(brief(await label('The environment had iron2 and iron.'))).toEqual([[30, 34, 'CHEMICAL', 'iron']]);
  });

  it('gives exact offsets after multi-byte characters (β, emoji)', async () => {
    const text = '😀 β-blocker use and 😀😀 seizures';
    expect(brief(await label(text))).toEqual([
      [3, 12, 'CHEMICAL', 'β-blocker'],
      [26, 34, 'DISEASE', 'seizures'],
    ]);
  });

  it('matches plurals, case and hyphen/space variants of a name', async () => {
    expect(brief(await label('Seizures; beta blockers; Chronic-Kidney failure; NALOXONE'))).toEqual([
      [0, 8, 'DISEASE', 'Seizures'],
      [10, 23, 'CHEMICAL', 'beta blockers'],
      [25, 47, 'DISEASE', 'Chronic-Kidney failure'],
      [49, 57, 'CHEMICAL', 'NALOXONE'],
    ]);
  });

  it('breaks type ties by priority (CHEMICAL first by default; configurable)', async () => {
    expect(brief(await label('hypertension'))).toEqual([[0, 12, 'CHEMICAL', 'hypertension']]);
    expect(brief(await label('hypertension', { typePriority: ['DISEASE'] }))).toEqual([[0, 12, 'DISEASE', 'hypertension']]);
  });

  it('drops stop names and matches all-caps abbreviations and element symbols case-sensitively', async () => {
    const text = 'Lead can lead to ALL, not all; NO and no; Na but na; DM; Li.';
    expect(brief(await label(text))).toEqual([
      [17, 20, 'DISEASE', 'ALL'],
      [31, 33, 'CHEMICAL', 'NO'],
      [42, 44, 'CHEMICAL', 'Na'],
      [57, 59, 'CHEMICAL', 'Li'],
    ]);
    // Without the stop list 'lead' matches in any case; the two-letter disease abbreviation 'DM' needs minAbbreviationLength 2.
    const open = await label(text, { stopNames: new Set(), minAbbreviationLength: 2 });
    expect(brief(open).map((s) => s[3])).toEqual(['Lead', 'lead', 'ALL', 'NO', 'Na', 'DM', 'Li']);
  });

  it('restricts types at construction and per call, and excludes entity ids', async () => {
    expect(brief(await label('naloxone for lupus', { types: ['DISEASE'] }))).toEqual([[13, 18, 'DISEASE', 'lupus']]);
    const labeler = await createDictionaryLabeler({ names: NAMES, excludeEntityIds: new Set(['MESH:D008180']) });
    expect(labeler.types).toEqual(['CHEMICAL', 'DISEASE']);
    const [spans] = await labeler.label([{ id: 'a', text: 'naloxone for lupus' }], { types: ['CHEMICAL'] });
    expect(brief(spans!)).toEqual([[0, 8, 'CHEMICAL', 'naloxone']]);
    const [none] = await labeler.label([{ id: 'a', text: 'lupus' }]);
    expect(none).toEqual([]);
    expect(labeler.stats.skippedExcluded).toBe(1);
  });

  it('propagates abbreviations defined in the text', async () => {
    const text = 'Doxorubicin (DOX) caused chronic kidney failure (CKF). DOX and CKF again; DOXY not.';
    expect(brief(await label(text))).toEqual([
      [0, 11, 'CHEMICAL', 'Doxorubicin'],
      [13, 16, 'CHEMICAL', 'DOX'],
      [25, 47, 'DISEASE', 'chronic kidney failure'],
      [49, 52, 'DISEASE', 'CKF'],
      [55, 58, 'CHEMICAL', 'DOX'],
      [63, 66, 'DISEASE', 'CKF'],
    ]);
    expect(brief(await label(text, { propagateAbbreviations: false })).map((s) => s[3])).toEqual(['Doxorubicin', 'chronic kidney failure']);
  });

  it('returns one result per input, in order, and honours cancellation', async () => {
    const labeler = await createDictionaryLabeler({ names: NAMES, version: 'dict-test' });
    expect(labeler.kind).toBe('dictionary');
    expect(labeler.version).toBe('dict-test');
    const out = await labeler.label([{ id: '1', text: 'iron' }, { id: '2', text: '' }, { id: '3', text: 'cancer' }]);
    expect(out.map((spans) => spans.map((s) => s.text))).toEqual([['iron'], [], ['cancer']]);
    expect(out[0]![0]!.confidence).toBeNull();
    const controller = new AbortController();
    controller.abort();
    await expect(labeler.label([{ id: '1', text: 'iron' }], { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    await labeler.close();
    await labeler.close();
    await expect(labeler.label([{ id: '1', text: 'iron' }])).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it('builds the default version from the names, and accepts async iterables', async () => {
    async function* stream(): AsyncGenerator<EntityName> {
      yield* NAMES;
    }
    const a = await createDictionaryLabeler({ names: stream() });
    const b = await createDictionaryLabeler({ names: NAMES });
    const c = await createDictionaryLabeler({ names: NAMES.slice(1) });
    expect(a.version).toMatch(/^dictionary-[0-9a-f]{8}$/);
    expect(a.version).toBe(b.version);
    expect(c.version).not.toBe(a.version);
  });

  it('rejects invalid options with a field name', async () => {
    await expect(createDictionaryLabeler({ names: NAMES, minNameLength: 0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'minNameLength' } });
    await expect(createDictionaryLabeler({ names: NAMES, types: ['DRUG' as EntityType] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'types' } });
    await expect(createDictionaryLabeler({ names: [n('X', 'DRUG' as EntityType, 'x')] })).rejects.toMatchObject({ code: 'INVALID_FORMAT' });
  });
});

describe('propagateAbbreviations', () => {
  it('lets a definition in the text override a dictionary span of the same characters', () => {
    const text = 'peritoneal dialysis (PD) ... PD';
    const spans: Span[] = [
      { start: 0, end: 19, type: 'DISEASE', text: 'peritoneal dialysis', confidence: null },
      { start: 29, end: 31, type: 'CHEMICAL', text: 'PD', confidence: null },
    ];
    expect(propagateAbbreviations(text, spans).map((s) => [s.start, s.end, s.type])).toEqual([
      [0, 19, 'DISEASE'],
      [21, 23, 'DISEASE'],
      [29, 31, 'DISEASE'],
    ]);
  });

  it('replaces spans inside an occurrence of a defined short form; keeps a span reaching beyond one', () => {
    // "MED" of "D-MED" read as a disease (BC5CDR development, dexmedetomidine): the definition wins over the piece.
    const text = 'dexmedetomidine (D-MED) given; D-MED caused rigidity. D-MED-induced rigidity was rare.';
    const spans: Span[] = [
      { start: 0, end: 15, type: 'CHEMICAL', text: 'dexmedetomidine', confidence: 0.99 },
      { start: 17, end: 22, type: 'CHEMICAL', text: 'D-MED', confidence: 0.9 },
      { start: 33, end: 36, type: 'DISEASE', text: 'MED', confidence: 0.8 },
      { start: 54, end: 76, type: 'DISEASE', text: 'D-MED-induced rigidity', confidence: 0.7 },
    ];
    expect(propagateAbbreviations(text, spans).map((s) => [s.start, s.end, s.type, s.text, s.confidence])).toEqual([
      [0, 15, 'CHEMICAL', 'dexmedetomidine', 0.99],
      [17, 22, 'CHEMICAL', 'D-MED', 0.9],
      [31, 36, 'CHEMICAL', 'D-MED', 0.99],
      [54, 76, 'DISEASE', 'D-MED-induced rigidity', 0.7],
    ]);
  });

  it('takes a short form whose long form the span ends (Schwartz–Hearst), not one whose letters are not there', () => {
    const text = 'ribavirin-induced hemolytic anemia (RIHA) was rare; RIHA resolved. bone density (XQ) and XQ.';
    const spans: Span[] = [
      { start: 18, end: 34, type: 'DISEASE', text: 'hemolytic anemia', confidence: 0.9 },
      { start: 72, end: 79, type: 'DISEASE', text: 'density', confidence: 0.8 },
    ];
    expect(propagateAbbreviations(text, spans).map((s) => [s.start, s.end, s.type, s.text, s.confidence])).toEqual([
      [18, 34, 'DISEASE', 'hemolytic anemia', 0.9],
      [36, 40, 'DISEASE', 'RIHA', 0.9],
      [52, 56, 'DISEASE', 'RIHA', 0.9],
      [72, 79, 'DISEASE', 'density', 0.8],
    ]);
  });

  it('longFormStart finds where the long form begins, within min(|SF| + 5, 2|SF|) words, or -1', () => {
    expect(longFormStart('nonionic contrast media-induced nephropathy', 'CIN')).toBe(9);
    expect(longFormStart('DISCUSSION: Swallowing-induced atrial tachyarrhythmia', 'SIAT')).toBe(12);
    expect(longFormStart('5-fluorouracil', '5-FU')).toBe(0);
    // The first letter must start a word: the c of "acid" does not start one.
    expect(longFormStart('an acid', 'CA')).toBe(-1);
    // Too far: "in" is 5 words back, more than 2 x 2 words allowed for a 2-letter short form.
    expect(longFormStart('in the blood of many rats', 'IR')).toBe(-1);
    expect(longFormStart('of many rats', 'MR')).toBe(3);
  });

  it('lenient rules take a one-letter, a trailing-text, a lower-case and an inner short form; strict takes none', () => {
    const text =
      'testosterone (T) and T; strain 0533(T) and T; diethylnitrosamine (DEN: 10 mg/kg) then DEN; ' +
      'atorvastatin (atorva) then atorva; 13-cis-retinoic acid (cis-RA) then cis-RA; cocaine (dose) then dose.';
    const at = (s: string, from = 0): number => text.indexOf(s, from);
    const span = (s: string): Span => ({ start: at(s), end: at(s) + s.length, type: 'CHEMICAL', text: s, confidence: 0.9 });
    const spans = ['testosterone', 'strain 0533', 'diethylnitrosamine', 'atorvastatin', '13-cis-retinoic acid', 'cocaine'].map(span);
    expect(propagateAbbreviations(text, spans)).toEqual(spans);
    expect(propagateAbbreviations(text, spans, 'strict')).toEqual(spans);
    const added = propagateAbbreviations(text, spans, 'lenient')
      .filter((s) => !spans.some((o) => o.start === s.start))
      .map((s) => [s.start, s.text, s.type, s.confidence]);
    expect(added).toEqual([
      [at('(T)') + 1, 'T', 'CHEMICAL', 0.9],
      [at('T;'), 'T', 'CHEMICAL', 0.9],
      // "0533(T)" defines nothing (no space before the parenthesis), but the T defined by testosterone is a whole
      // word there too.
      [at('(T) and T;', at('0533')) + 1, 'T', 'CHEMICAL', 0.9],
      [at('T;', at('0533')), 'T', 'CHEMICAL', 0.9],
      [at('DEN:'), 'DEN', 'CHEMICAL', 0.9],
      [at('DEN;'), 'DEN', 'CHEMICAL', 0.9],
      [at('(atorva)') + 1, 'atorva', 'CHEMICAL', 0.9],
      [at('atorva;'), 'atorva', 'CHEMICAL', 0.9],
      [at('(cis-RA)') + 1, 'cis-RA', 'CHEMICAL', 0.9],
      [at('cis-RA;'), 'cis-RA', 'CHEMICAL', 0.9],
    ]);
  });

  it('lenient rules take an element symbol the name does not spell ("Potassium (K)"); strict does not', () => {
    const text = 'Serum Potassium (K) and sodium (Na) fell; K and Na were low. Mercury (Cu) and iron (Fe) then Cu and Fe.';
    const at = (s: string, from = 0): number => text.indexOf(s, from);
    const span = (s: string): Span => ({ start: at(s), end: at(s) + s.length, type: 'CHEMICAL', text: s, confidence: 0.8 });
    const spans = ['Potassium', 'sodium', 'Mercury', 'iron'].map(span);
    expect(propagateAbbreviations(text, spans, 'strict')).toEqual(spans);
    const added = propagateAbbreviations(text, spans, 'lenient').filter((s) => !spans.some((o) => o.start === s.start)).map((s) => s.text);
    // K from Potassium; Na (its first letter differs from sodium's) and Fe likewise; not Cu after Mercury.
    expect(added).toEqual(['K', 'Na', 'K', 'Na', 'Fe', 'Fe']);
  });

  it('lenient rules keep the type-strain suffix and a lower-case word that does not begin the span', () => {
    const text = 'Vibrio sp. 0533(T) grew; strain 0533(T) too. cocaine (dose) and dose.';
    const spans: Span[] = [
      { start: 0, end: 15, type: 'SPECIES', text: 'Vibrio sp. 0533', confidence: 0.8 },
      { start: 45, end: 52, type: 'CHEMICAL', text: 'cocaine', confidence: 0.8 },
    ];
    expect(text.slice(45, 52)).toBe('cocaine');
    expect(propagateAbbreviations(text, spans, 'lenient')).toEqual(spans);
  });

  it('ignores parentheses whose first letter does not match the long form', () => {
    const text = 'cancer (n = 12) and (XY) n';
    const spans: Span[] = [{ start: 0, end: 6, type: 'DISEASE', text: 'cancer', confidence: null }];
    expect(propagateAbbreviations(text, spans)).toEqual(spans);
  });
});

/**
 * The knowledge channel and one-pass decoding of a version 2 bundle:
 * - knowledgeIdsForWords on crafted cases (exact, hand-checked arrays; docs/bundle-format.md "Knowledge ids");
 * - the labeler end to end on test/fixtures/echo-bundle, a hand-built ONNX graph whose logits are lookup tables
 *   (test/fixtures/make-echo-bundle.py): its knowledge ids, several heads and overlapping spans of different
 *   types in one pass, schemes, windows, and the whole-document matcher give exact spans and confidences that
 *   are computed by hand below.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDictionaryLabeler, type DictionaryLabeler } from '../src/kb/dictionary-labeler.js';
import { createLabeler, splitWords, type ModelLabeler } from '../src/ner/index.js';
import { knowledgeIdsForWords } from '../src/ner/knowledge.js';
import type { EntityName, Span } from '../src/domain/index.js';

const T = ['CHEMICAL', 'DISEASE', 'GENE', 'SPECIES'];
const range = (start: number, end: number) => ({ start, end });

describe('knowledgeIdsForWords', () => {
  it('marks the first word of a span B (1 + 2t) and the later ones I (2 + 2t); other words 0', () => {
    // "Aspirin causes lung cancer" : words [0,7) [8,14) [15,19) [20,26); "lung cancer" DISEASE (t = 1).
    const words = [range(0, 7), range(8, 14), range(15, 19), range(20, 26)];
    expect(knowledgeIdsForWords(words, [{ start: 15, end: 26, type: 'DISEASE' }], T)).toEqual([0, 0, 3, 4]);
    expect(knowledgeIdsForWords(words, [{ start: 0, end: 7, type: 'CHEMICAL' }, { start: 15, end: 26, type: 'DISEASE' }], T)).toEqual([1, 0, 3, 4]);
    // SPECIES is t = 3: ids 7 and 8.
    expect(knowledgeIdsForWords(words, [{ start: 8, end: 19, type: 'SPECIES' }], T)).toEqual([0, 7, 8, 0]);
  });

  it('counts partial overlap: a span starting or ending inside a word marks that word', () => {
    // words "anti-TNF" [0,8) and "therapy" [9,16); the span "TNF therapy" [5,16) GENE (t = 2).
    expect(knowledgeIdsForWords([range(0, 8), range(9, 16)], [{ start: 5, end: 16, type: 'GENE' }], T)).toEqual([5, 6]);
    // A span inside one word: "IL-2/IL-4" is one word, the dictionary finds "IL-2" and "IL-4": the word is B of the first.
    expect(knowledgeIdsForWords([range(0, 9)], [{ start: 5, end: 9, type: 'GENE' }, { start: 0, end: 4, type: 'GENE' }], T)).toEqual([5]);
  });

  it('gives a word overlapped by two spans the id from the span that starts first', () => {
    // words [0,5) [6,12): span A [0,7) CHEMICAL covers word 0 and the start of word 1; span B [8,12) DISEASE.
    expect(knowledgeIdsForWords([range(0, 5), range(6, 12)], [{ start: 8, end: 12, type: 'DISEASE' }, { start: 0, end: 7, type: 'CHEMICAL' }], T)).toEqual([1, 2]);
  });

  it('ignores spans of types outside knowledge.types, empty spans, and spans between words', () => {
    const words = [range(0, 3), range(4, 7)];
    expect(knowledgeIdsForWords(words, [{ start: 0, end: 3, type: 'CELL_LINE' }, { start: 4, end: 4, type: 'GENE' }, { start: 3, end: 4, type: 'GENE' }], T)).toEqual([0, 0]);
    expect(knowledgeIdsForWords([], [{ start: 0, end: 3, type: 'GENE' }], T)).toEqual([]);
    // The position of a type in knowledge.types decides its ids: here DISEASE is t = 0.
    expect(knowledgeIdsForWords(words, [{ start: 0, end: 7, type: 'DISEASE' }], ['DISEASE'])).toEqual([1, 2]);
  });

  it('works on the word splitter output of a real sentence with the dictionary labeler as matcher', async () => {
    const text = 'Lithium-induced nephrogenic diabetes insipidus in BRCA1-deficient hamsters (Mesocricetus auratus).';
    const dictionary = await createDictionaryLabeler({
      names: [
        { entityId: 'C1', type: 'CHEMICAL', name: 'lithium', origin: 'vocabulary' },
        { entityId: 'D1', type: 'DISEASE', name: 'nephrogenic diabetes insipidus', origin: 'vocabulary' },
        { entityId: 'G1', type: 'GENE', name: 'BRCA1', origin: 'vocabulary' },
        { entityId: 'S1', type: 'SPECIES', name: 'hamster', origin: 'vocabulary' },
        { entityId: 'S1', type: 'SPECIES', name: 'Mesocricetus auratus', origin: 'vocabulary' },
      ],
    });
    const [spans] = await dictionary.label([{ id: 'x', text }], { types: ['CHEMICAL', 'DISEASE', 'GENE', 'SPECIES'] });
    const words = splitWords(text);
    const ids = knowledgeIdsForWords(words, spans!, T);
    expect(words.map((w, i) => [w.text, ids[i]])).toEqual([
      ['Lithium', 1], ['-', 0], ['induced', 0], ['nephrogenic', 3], ['diabetes', 4], ['insipidus', 4], ['in', 0],
      ['BRCA1', 5], ['-', 0], ['deficient', 0], ['hamsters', 7], ['(', 0], ['Mesocricetus', 7], ['auratus', 8], [')', 0], ['.', 0],
    ]);
  });
});

const ECHO = path.resolve('test/fixtures/echo-bundle');
// Probabilities of the echo graph (see make-echo-bundle.py): knowledge B/I logit 3 against 0, 0: e^3 / (e^3 + 2);
// a word piece firing B with logit 4 (or 6) against the O logit 1 of a word without knowledge.
const P_KNOWLEDGE = Math.exp(3) / (Math.exp(3) + 2);
const P_PIECE4 = Math.exp(4) / (Math.exp(1) + Math.exp(4) + 1);
const P_PIECE6 = Math.exp(6) / (Math.exp(1) + Math.exp(6) + 1);

const NAMES: EntityName[] = [
  { entityId: 'X:1', type: 'CHEMICAL', name: 'zorblatine', origin: 'curator' },
  { entityId: 'X:2', type: 'DISEASE', name: 'lung cancer', origin: 'vocabulary' },
  { entityId: 'X:3', type: 'SPECIES', name: 'hamster', origin: 'vocabulary' },
];

const plain = (spans: readonly Span[]) => spans.map((s) => [s.start, s.end, s.type, s.text, Number(s.confidence!.toFixed(4))]);

describe('one pass over every type with the knowledge channel (echo bundle)', () => {
  let dictionary: DictionaryLabeler;
  let labeler: ModelLabeler;
  beforeAll(async () => {
    dictionary = await createDictionaryLabeler({ names: NAMES });
    labeler = await createLabeler(ECHO, { knowledge: dictionary, intraOpThreads: 1, batchSize: 4 });
  });
  afterAll(async () => {
    await labeler?.close();
  });

  const SENTENCE = 'Zorblatine induced lung cancer in hamsters with kinase mutations and cell death.';

  it('labels every type from one pass; overlaps between heads go to the scheme\'s types, then to confidence', async () => {
    const batches: number[] = [];
    const counting = await createLabeler(ECHO, { knowledge: dictionary, intraOpThreads: 1, thread: 'main', onBatch: (b) => batches.push(b.size) });
    try {
      const [spans] = await counting.label([{ id: 'a', text: SENTENCE }]);
      // Zorblatine: knowledge CHEMICAL B. "lung cancer": knowledge DISEASE B I (0.9094), while '▁lung' fires the GENE
      // head with 0.9909: under the default scheme bc5cdr (types CHEMICAL, DISEASE) the DISEASE span wins the
      // overlap. hamsters: knowledge SPECIES (plural folded). kinase: the GENE head from its word piece; cell: the
      // CELL_TYPE head from its word piece.
      const rest = [
        [34, 42, 'SPECIES', 'hamsters', Number(P_KNOWLEDGE.toFixed(4))],
        [48, 54, 'GENE', 'kinase', Number(P_PIECE4.toFixed(4))],
        [69, 73, 'CELL_TYPE', 'cell', Number(P_PIECE4.toFixed(4))],
      ];
      expect(plain(spans!)).toEqual([
        [0, 10, 'CHEMICAL', 'Zorblatine', Number(P_KNOWLEDGE.toFixed(4))],
        [19, 30, 'DISEASE', 'lung cancer', Number(P_KNOWLEDGE.toFixed(4))],
        ...rest,
      ]);
      expect(batches).toEqual([1]); // one window, one pass, eight types
      // Under linnaeus (SPECIES only) neither GENE nor DISEASE is the scheme's: the more confident GENE span wins.
      const [linnaeus] = await counting.label([{ id: 'a', text: SENTENCE }], { scheme: 'linnaeus' });
      expect(plain(linnaeus!)).toEqual([
        [0, 10, 'CHEMICAL', 'Zorblatine', Number(P_KNOWLEDGE.toFixed(4))],
        [19, 23, 'GENE', 'lung', Number(P_PIECE6.toFixed(4))],
        ...rest,
      ]);
    } finally {
      await counting.close();
    }
  });

  it('restricting types keeps the other heads out of the overlap: DISEASE alone keeps "lung cancer"', async () => {
    const [spans] = await labeler.label([{ id: 'a', text: SENTENCE }], { types: ['DISEASE', 'CHEMICAL'] });
    expect(plain(spans!)).toEqual([
      [0, 10, 'CHEMICAL', 'Zorblatine', Number(P_KNOWLEDGE.toFixed(4))],
      [19, 30, 'DISEASE', 'lung cancer', Number(P_KNOWLEDGE.toFixed(4))],
    ]);
  });

  it('without knowledge, only what the word pieces fire is found', async () => {
    const blind = await createLabeler(ECHO, { knowledge: null, intraOpThreads: 1, thread: 'main' });
    try {
      const [spans] = await blind.label([{ id: 'a', text: SENTENCE }]);
      expect(spans!.map((s) => [s.type, s.text])).toEqual([['GENE', 'lung'], ['GENE', 'kinase'], ['CELL_TYPE', 'cell']]);
    } finally {
      await blind.close();
    }
  });

  it('uses the chosen scheme instruction: ncbi-disease silences the CHEMICAL head of the echo graph', async () => {
    expect(labeler.schemes).toEqual(['bc5cdr', 'ncbi-disease', 'bc2gm', 'jnlpba', 'linnaeus', 's800']);
    expect(labeler.defaultScheme).toBe('bc5cdr');
    const [ncbi] = await labeler.label([{ id: 'a', text: SENTENCE }], { scheme: 'ncbi-disease' });
    expect(ncbi!.map((s) => s.type)).not.toContain('CHEMICAL');
    expect(ncbi!.map((s) => s.text)).toEqual(['lung cancer', 'hamsters', 'kinase', 'cell']);
    const byDefault = await createLabeler(ECHO, { knowledge: dictionary, scheme: 'ncbi-disease', intraOpThreads: 1, thread: 'main' });
    try {
      expect(byDefault.defaultScheme).toBe('ncbi-disease');
      expect((await byDefault.label([{ id: 'a', text: SENTENCE }]))[0]!.map((s) => s.text)).toEqual(['lung cancer', 'hamsters', 'kinase', 'cell']);
      expect((await byDefault.label([{ id: 'a', text: SENTENCE }], { scheme: 'bc5cdr' }))[0]![0]!.text).toBe('Zorblatine');
    } finally {
      await byDefault.close();
    }
  });

  it('a Latin binomial another head claimed becomes SPECIES, under every scheme; not a name the knowledge base gives that type', async () => {
    // '▁cerevisiae' fires the DISEASE head (4 against O 1); the SPECIES head's O probability there is e / (e + 2),
    // support 0.42 >= SPECIES_SUPPORT (src/ner/name-forms.ts).
    const text = 'Zorblatomyces cerevisiae grew on agar.';
    const typed = async (l: ModelLabeler, scheme: string) => (await l.label([{ id: 'b', text }], { scheme }))[0]!.map((s) => [s.type, s.text, Number(s.confidence!.toFixed(4))]);
    for (const scheme of ['s800', 'linnaeus', 'bc5cdr', 'ncbi-disease']) {
      expect(await typed(labeler, scheme)).toEqual([['SPECIES', 'Zorblatomyces cerevisiae', Number(P_PIECE4.toFixed(4))]]);
    }
    // VANER_MODEL_THRESHOLDS=none turns the bundle's decision rules off, this one too.
    const raw = await createLabeler(ECHO, { knowledge: dictionary, intraOpThreads: 1, thread: 'main', thresholds: 'none' });
    // A knowledge-base DISEASE name is the knowledge base's word on its type: it stays a disease.
    const known = await createLabeler(ECHO, {
      knowledge: await createDictionaryLabeler({ names: [...NAMES, { entityId: 'X:4', type: 'DISEASE', name: 'cerevisiae', origin: 'curator' }] }),
      intraOpThreads: 1,
      thread: 'main',
    });
    try {
      expect((await typed(raw, 's800')).map((s) => s.slice(0, 2))).toEqual([['DISEASE', 'cerevisiae']]);
      expect((await typed(known, 's800')).map((s) => s.slice(0, 2))).toEqual([['DISEASE', 'cerevisiae']]);
    } finally {
      await raw.close();
      await known.close();
    }
  });

  it('ncbi-disease spans begin where the written token begins (manifest extendToTokenStart); bc5cdr keeps the piece', async () => {
    const text = 'Smokers had non-lung cancer.';
    const under = async (scheme: string) => (await labeler.label([{ id: 'c', text }], { scheme }))[0]!.filter((s) => s.type === 'DISEASE').map((s) => s.text);
    expect(await under('ncbi-disease')).toEqual(['non-lung cancer']);
    expect(await under('bc5cdr')).toEqual(['lung cancer']);
  });

  it('a salt word after a chemical joins it, under every scheme (salt-forms.ts)', async () => {
    const text = 'Zorblatine HCl was given.';
    for (const scheme of ['bc5cdr', 's800']) {
      expect(plain((await labeler.label([{ id: 'd', text }], { scheme }))[0]!)).toEqual([[0, 14, 'CHEMICAL', 'Zorblatine HCl', Number(P_KNOWLEDGE.toFixed(4))]]);
    }
  });

  it('refuses an unknown scheme with a coded error naming the available ones (per call and at construction)', async () => {
    await expect(labeler.label([{ id: 'a', text: SENTENCE }], { scheme: 'bc5' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: "unknown annotation scheme 'bc5': available schemes are bc5cdr, ncbi-disease, bc2gm, jnlpba, linnaeus, s800",
      details: { field: 'scheme', available: ['bc5cdr', 'ncbi-disease', 'bc2gm', 'jnlpba', 'linnaeus', 's800'] },
    });
    await expect(createLabeler(ECHO, { knowledge: null, scheme: 'craft' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining("options.scheme: unknown annotation scheme 'craft' for vaner-echo: available schemes are bc5cdr, ncbi-disease"),
    });
  });

  it('requires an explicit knowledge matcher (or null)', async () => {
    await expect(createLabeler(ECHO, {} as never)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('options.knowledge') });
    await expect(createLabeler(ECHO, { knowledge: { nope: 1 } } as never)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('matches knowledge over the whole document: a short form defined in one window is known in another', async () => {
    // Abbreviation propagation of the dictionary: "zorblatine (ZBT)" makes every later ZBT a CHEMICAL name, even
    // hundreds of words later, in another model window (maxLength 128).
    const filler = Array.from({ length: 30 }, (_, i) => `Sentence ${i} has nothing to report here.`).join(' ');
    const text = `Patients took zorblatine (ZBT) daily. ${filler} Then ZBT was stopped.`;
    const [spans] = await labeler.label([{ id: 'long', text }]);
    const zbt = text.lastIndexOf('ZBT');
    expect(spans!.filter((s) => s.type === 'CHEMICAL').map((s) => [s.start, s.text])).toEqual([
      [14, 'zorblatine'],
      [26, 'ZBT'],
      [zbt, 'ZBT'],
    ]);
  });

  it('gives the same spans for a document alone, in a batch, and repeated across many windows', async () => {
    const docs = [SENTENCE, 'Nothing here.', `${SENTENCE} ${SENTENCE}`].map((text, i) => ({ id: String(i), text }));
    const together = await labeler.label(docs);
    const alone = await Promise.all(docs.map(async (d) => (await labeler.label([d]))[0]!));
    expect(together.map(plain)).toEqual(alone.map(plain));
    const long = Array.from({ length: 20 }, () => SENTENCE).join(' ');
    const [spans] = await labeler.label([{ id: 'rep', text: long }]);
    expect(spans!.length).toBe(20 * 5);
    spans!.forEach((s) => expect(long.slice(s.start, s.end)).toBe(s.text));
  });
});

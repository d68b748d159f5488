import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { importKnowledgeBase } from '../src/kb/index.js';
import { createLogger, silentLogger } from '../src/log.js';
import { buildLabeler } from '../src/main.js';
import { createUnionLabeler } from '../src/ner/index.js';
import type { EntityType, Labeler, Span } from '../src/domain/index.js';
import { openEmbeddedStore, type Store } from '../src/store/index.js';

/** A labeler that returns fixed spans (a test double of the labeler only). */
function fixed(kind: string, types: EntityType[], spans: Span[]): Labeler {
  return { kind, version: '1', types, schemes: [], defaultScheme: null, label: async (inputs) => inputs.map(() => spans), close: async () => {} };
}

const text = 'Cisplatin nephrotoxicity in BRCA1 carriers';
const span = (start: number, end: number, type: EntityType, confidence: number | null): Span => ({
  start, end, type, text: text.slice(start, end), confidence,
});

describe('union labeler overlap rules', () => {
  const dictionary = fixed('dictionary', ['CHEMICAL', 'DISEASE'], [span(0, 9, 'CHEMICAL', null), span(10, 24, 'DISEASE', null)]);
  const model = fixed('vaner', ['CHEMICAL', 'DISEASE', 'GENE'], [span(0, 24, 'DISEASE', 0.9), span(28, 33, 'GENE', 0.8)]);

  it('priority: earlier labelers win every overlap; later ones add what does not overlap', async () => {
    const union = createUnionLabeler([dictionary, model], { overlap: 'priority' });
    const [spans] = await union.label([{ id: 'd', text }]);
    expect(spans).toEqual([span(0, 9, 'CHEMICAL', null), span(10, 24, 'DISEASE', null), span(28, 33, 'GENE', 0.8)]);
  });

  it('confidence: the confident model span beats the dictionary spans it overlaps', async () => {
    const union = createUnionLabeler([dictionary, model]);
    const [spans] = await union.label([{ id: 'd', text }]);
    expect(spans).toEqual([span(0, 24, 'DISEASE', 0.9), span(28, 33, 'GENE', 0.8)]);
  });

  it('rejects an unknown overlap rule naming the option', () => {
    expect(() => createUnionLabeler([dictionary], { overlap: 'vote' as never })).toThrow(/options\.overlap/);
  });
});

describe('buildLabeler (composition root)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-auto-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const configOf = (env: Record<string, string> = {}) =>
    loadConfig({
      VANER_DATA_DIR: dir,
      VANER_KB_DIR: path.resolve('test/fixtures/kb-tiny'),
      VANER_MODEL_DIR: path.resolve('test/fixtures/tiny-bundle'),
      ...env,
    });
  let store: Store;
  beforeAll(async () => {
    store = await openEmbeddedStore({ path: path.join(dir, 'vaner.db') });
    await importKnowledgeBase(store, { kbDir: configOf().kbDir });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("'auto' runs the model for every type of the bundle, with its schemes", async () => {
    const labeler = await buildLabeler(store, configOf(), 'auto', silentLogger);
    try {
      expect(labeler.kind).toBe('vaner');
      expect(labeler.version).toMatch(/^vaner-tiny@/);
      expect(labeler.types).toEqual(['CHEMICAL', 'DISEASE', 'GENE', 'SPECIES', 'CELL_LINE', 'CELL_TYPE', 'DNA', 'RNA']);
      expect(labeler.schemes).toEqual(['bc5cdr', 'ncbi-disease', 'bc2gm', 'jnlpba', 'linnaeus', 's800']);
      expect(labeler.defaultScheme).toBe('bc5cdr');
      // The KB's dictionary feeds the model: the tiny KB knows "Lidocaine"; labelling works end to end.
      const [spans] = await labeler.label([{ id: 'x', text: 'Lidocaine-induced cardiac arrest.' }]);
      for (const s of spans!) expect('Lidocaine-induced cardiac arrest.'.slice(s.start, s.end)).toBe(s.text);
    } finally {
      await labeler.close();
      await labeler.close(); // idempotent, closes the dictionary too
    }
  });

  it('VANER_SCHEME sets the default scheme; an unknown one fails naming the bundle schemes', async () => {
    const labeler = await buildLabeler(store, configOf({ VANER_SCHEME: 'ncbi-disease' }), 'model', silentLogger);
    try {
      expect(labeler.defaultScheme).toBe('ncbi-disease');
    } finally {
      await labeler.close();
    }
    await expect(buildLabeler(store, configOf({ VANER_SCHEME: 'bc4' }), 'auto', silentLogger)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('available schemes are bc5cdr, ncbi-disease, bc2gm, jnlpba, linnaeus, s800'),
    });
    expect(() => configOf({ VANER_SCHEME: 'NCBI Disease' })).toThrow(/scheme \(VANER_SCHEME\)/);
  });

  it("'dictionary' and 'union' stay available; 'auto' without a bundle falls back to the dictionary with a log line", async () => {
    const dictionary = await buildLabeler(store, configOf(), 'dictionary', silentLogger);
    const union = await buildLabeler(store, configOf(), 'union', silentLogger);
    try {
      expect([dictionary.kind, dictionary.schemes, dictionary.defaultScheme]).toEqual(['dictionary', [], null]);
      expect(union.kind).toBe('union');
      expect(union.version).toMatch(/^dictionary:dictionary-[0-9a-f]+\+vaner:vaner-tiny@/);
      expect(union.defaultScheme).toBe('bc5cdr');
    } finally {
      await dictionary.close();
      await union.close();
    }
    const lines: string[] = [];
    const fallback = await buildLabeler(store, configOf({ VANER_MODEL_DIR: path.join(dir, 'no-bundle') }), 'auto', createLogger('warn', (l) => lines.push(l)));
    try {
      expect(fallback.kind).toBe('dictionary');
      expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['no model bundle found; using the dictionary labeler']);
    } finally {
      await fallback.close();
    }
    await expect(buildLabeler(store, configOf({ VANER_MODEL_DIR: path.join(dir, 'no-bundle') }), 'model', silentLogger)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it("a version 1 bundle: 'auto' falls back to the dictionary with a log line naming the version; 'model' refuses it", async () => {
    const old = path.join(dir, 'v1-bundle');
    fs.cpSync(path.resolve('test/fixtures/tiny-bundle'), old, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(old, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(old, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: 1 }));
    const lines: string[] = [];
    const fallback = await buildLabeler(store, configOf({ VANER_MODEL_DIR: old }), 'auto', createLogger('warn', (l) => lines.push(l)));
    try {
      expect(fallback.kind).toBe('dictionary');
      expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
        expect.objectContaining({ message: 'model bundle format not supported; using the dictionary labeler', formatVersion: 1 }),
      ]);
    } finally {
      await fallback.close();
    }
    await expect(buildLabeler(store, configOf({ VANER_MODEL_DIR: old }), 'model', silentLogger)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: 'bundle format version 1 is not supported: retrain or use a version 2 bundle',
    });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { importKnowledgeBase } from '../src/kb/index.js';
import { silentLogger } from '../src/log.js';
import { buildLabeler } from '../src/main.js';
import { createUnionLabeler } from '../src/ner/index.js';
import type { EntityType, Labeler, Span } from '../src/domain/index.js';
import { openEmbeddedStore } from '../src/store/index.js';

/** A labeler that returns fixed spans (a test double of the labeler only). */
function fixed(kind: string, types: EntityType[], spans: Span[]): Labeler {
  return { kind, version: '1', types, label: async (inputs) => inputs.map(() => spans), close: async () => {} };
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

describe("buildLabeler('auto') with a bundle", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-auto-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('routes the KB types to the dictionary and the other bundle types to the model', async () => {
    const config = loadConfig({
      VANER_DATA_DIR: dir,
      VANER_KB_DIR: path.resolve('test/fixtures/kb-tiny'),
      VANER_MODEL_DIR: path.resolve('test/fixtures/tiny-bundle'),
    });
    const store = await openEmbeddedStore({ path: path.join(dir, 'vaner.db') });
    try {
      await importKnowledgeBase(store, { kbDir: config.kbDir });
      const labeler = await buildLabeler(store, config, 'auto', silentLogger);
      try {
        expect(labeler.kind).toBe('union');
        // The tiny bundle declares CHEMICAL, DISEASE, GENE, SPECIES; the tiny KB covers CHEMICAL and DISEASE.
        expect(labeler.version).toMatch(/^dictionary:dictionary-[0-9a-f]+\+vaner:vaner-tiny@/);
        expect([...labeler.types].sort()).toEqual(['CHEMICAL', 'DISEASE', 'GENE', 'SPECIES']);
      } finally {
        await labeler.close();
      }
    } finally {
      await store.close();
    }
  });
});

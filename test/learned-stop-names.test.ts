import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EntityName, EntityType, Span } from '../src/domain/index.js';
import {
  LEARNED_STOP_NAMES_FILE,
  chooseStopNames,
  countNameMatches,
  createDictionaryLabeler,
  formatStopNames,
  parseStopNames,
  readDictionaryRules,
  readLearnedStopNames,
  stopNameKey,
} from '../src/kb/index.js';

const span = (text: string, s: string, type: EntityType, from = 0): Span => {
  const start = text.indexOf(s, from);
  return { start, end: start + s.length, type, text: s, confidence: null };
};
const gold = (text: string, s: string, type: EntityType, from = 0) => {
  const start = text.indexOf(s, from);
  return { start, end: start + s.length, type };
};

describe('learned stop names', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('chooses names matched often and rarely annotated, counting an overlapping annotation as annotated', () => {
    const a = 'VIP and NPY rose; VIP fell. Hemolytic anemia and hemolytic crises.';
    const b = 'VIP again; aspirin; hemolytic.';
    const docs = [
      {
        text: a,
        // Annotators marked "Hemolytic anemia" and "hemolytic crises", never VIP or NPY.
        gold: [gold(a, 'Hemolytic anemia', 'DISEASE'), gold(a, 'hemolytic crises', 'DISEASE')],
        predicted: [
          span(a, 'VIP', 'CHEMICAL'), span(a, 'NPY', 'CHEMICAL'), span(a, 'VIP', 'CHEMICAL', 10),
          span(a, 'Hemolytic', 'DISEASE'), span(a, 'hemolytic', 'DISEASE'),
        ],
      },
      {
        text: b,
        gold: [gold(b, 'aspirin', 'CHEMICAL')],
        predicted: [span(b, 'VIP', 'CHEMICAL'), span(b, 'aspirin', 'CHEMICAL'), span(b, 'hemolytic', 'DISEASE'), span(b, 'again', 'GENE')],
      },
    ];
    const counts = countNameMatches(docs, ['CHEMICAL', 'DISEASE']);
    expect(counts.get(stopNameKey('CHEMICAL', 'vip'))).toEqual({ type: 'CHEMICAL', name: 'vip', matches: 3, annotated: 0 });
    // Case folded: "Hemolytic" and "hemolytic" are one name; 2 of its 3 matches lie inside annotations.
    expect(counts.get(stopNameKey('DISEASE', 'hemolytic'))).toEqual({ type: 'DISEASE', name: 'hemolytic', matches: 3, annotated: 2 });
    // A type the corpus does not annotate is not counted.
    expect(counts.has(stopNameKey('GENE', 'again'))).toBe(false);

    const chosen = chooseStopNames(counts.values()).map((r) => [r.type, r.name]);
    // NPY: one match, below minMatches 2; aspirin: annotated; hemolytic: 2/3 annotated.
    expect(chosen).toEqual([['CHEMICAL', 'vip']]);
    expect(chooseStopNames(counts.values(), { minMatches: 1 }).map((r) => r.name)).toEqual(['npy', 'vip']);
    expect(chooseStopNames(counts.values(), { maxAnnotatedShare: 0.7 }).map((r) => r.name)).toEqual(['vip', 'hemolytic']);
  });

  it('writes a file that reads back, and refuses a malformed one with its line', () => {
    const rows = [
      { type: 'CHEMICAL' as const, name: 'vip', matches: 16, annotated: 0 },
      { type: 'DISEASE' as const, name: 'tumorigenesis', matches: 9, annotated: 1 },
    ];
    const text = formatStopNames(rows);
    expect(text.split('\n')[0]).toBe('type\tname\tmatches\tannotated');
    expect([...parseStopNames(text, 'f.tsv')]).toEqual([stopNameKey('CHEMICAL', 'VIP'), stopNameKey('DISEASE', 'Tumorigenesis')]);
    expect(() => parseStopNames('name\ttype\n', 'f.tsv')).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT', message: expect.stringContaining('f.tsv:1') }));
    expect(() => parseStopNames(`${text}POTION\tx\t1\t0\n`, 'f.tsv')).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT', message: expect.stringContaining('f.tsv:4') }));
    expect(() => parseStopNames(`${text}CHEMICAL\tx\tmany\t0\n`, 'f.tsv')).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
    expect(() => parseStopNames(`${text}CHEMICAL\t\t1\t0\n`, 'f.tsv')).toThrow(expect.objectContaining({ code: 'INVALID_FORMAT' }));
  });

  it('a folder without the file has none; readDictionaryRules returns the file of a folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vaner-stop-'));
    dirs.push(dir);
    expect((await readLearnedStopNames(dir)).size).toBe(0);
    writeFileSync(path.join(dir, LEARNED_STOP_NAMES_FILE), formatStopNames([{ type: 'CHEMICAL', name: 'vip', matches: 3, annotated: 0 }]));
    expect([...(await readLearnedStopNames(dir))]).toEqual([stopNameKey('CHEMICAL', 'vip')]);
    // readDictionaryRules also reads the MeSH trees of the folder for the branch exclusions.
    const tiny = path.resolve('test/fixtures/kb-tiny');
    copyFileSync(path.join(tiny, 'mesh2024-trees.tsv.gz'), path.join(dir, 'mesh2024-trees.tsv.gz'));
    const rules = await readDictionaryRules(dir);
    expect([...rules.stopNamesByType]).toEqual([stopNameKey('CHEMICAL', 'vip')]);
  });

  it('the dictionary skips a stop name of its type only, and matches a curator synonym anyway', async () => {
    const names: EntityName[] = [
      { entityId: 'MESH:D014660', type: 'CHEMICAL', name: 'VIP', origin: 'vocabulary' },
      { entityId: 'MESH:D014660', type: 'CHEMICAL', name: 'vasoactive intestinal peptide', origin: 'vocabulary' },
      { entityId: 'MESH:D001241', type: 'CHEMICAL', name: 'aspirin', origin: 'vocabulary' },
      { entityId: 'X:1', type: 'DISEASE', name: 'aspirin', origin: 'vocabulary' },
    ];
    const text = 'VIP, vasoactive intestinal peptide and aspirin';
    const label = async (list: EntityName[], stop: Set<string>) => {
      const labeler = await createDictionaryLabeler({ names: list, stopNamesByType: stop });
      const [spans] = await labeler.label([{ id: 'd', text }]);
      return spans!.map((s) => [s.text, s.type]);
    };
    const stop = new Set([stopNameKey('CHEMICAL', 'vip'), stopNameKey('DISEASE', 'aspirin')]);
    expect(await label(names, new Set())).toEqual([['VIP', 'CHEMICAL'], ['vasoactive intestinal peptide', 'CHEMICAL'], ['aspirin', 'CHEMICAL']]);
    expect(await label(names, stop)).toEqual([['vasoactive intestinal peptide', 'CHEMICAL'], ['aspirin', 'CHEMICAL']]);
    const curated = [...names, { entityId: 'MESH:D014660', type: 'CHEMICAL' as const, name: 'VIP', origin: 'curator' }];
    expect(await label(curated, stop)).toEqual([['VIP', 'CHEMICAL'], ['vasoactive intestinal peptide', 'CHEMICAL'], ['aspirin', 'CHEMICAL']]);
  });

  it('the shipped vocabulary folder carries a well-formed list of both types', async () => {
    const keys = await readLearnedStopNames(path.resolve('data/kb'));
    expect(keys.has(stopNameKey('CHEMICAL', 'vip'))).toBe(true);
    expect([...keys].filter((k) => k.startsWith('DISEASE\t')).length).toBeGreaterThan(20);
    // Ordinary, always-annotated names are not on it.
    for (const name of ['aspirin', 'cocaine', 'hypertension', 'seizures']) {
      expect(keys.has(stopNameKey('CHEMICAL', name)) || keys.has(stopNameKey('DISEASE', name))).toBe(false);
    }
  });
});

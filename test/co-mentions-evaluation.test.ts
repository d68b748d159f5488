/**
 * `vaner eval comentions`: the pure metrics with exact values, and the command end to end on a tiny
 * PubTator file with CID relations (gold annotations, both levels), checked against hand counts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/commands/eval-comentions.js';
import { averagePrecision, precisionAtK, setScores } from '../src/eval/co-mention-evaluation.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-eval-co-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('co-mention evaluation metrics', () => {
  it('scores sets, precision@k and average precision exactly', () => {
    expect(setScores(new Set(['a', 'b', 'c', 'd']), new Set(['a', 'c', 'e']))).toEqual({
      truePositives: 2, predicted: 4, gold: 3, precision: 0.5, recall: 2 / 3, f1: (2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3),
    });
    expect(setScores(new Set(), new Set(['a']))).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    const ranked = ['x', 'a', 'y', 'c'];
    const relevant = new Set(['a', 'c', 'z']);
    expect([1, 2, 4, 10].map((k) => precisionAtK(ranked, relevant, k))).toEqual([0, 0.5, 0.5, 0.2]);
    // relevant at ranks 2 and 4: (1/2 + 2/4) / 3 relevant
    expect(averagePrecision(ranked, relevant)).toBeCloseTo((1 / 2 + 2 / 4) / 3, 12);
    expect(averagePrecision(ranked, new Set())).toBe(0);
  });
});

/*
 * 1: "Cocaine caused seizures. Aspirin helped."  chemicals cocaine C1 (s0), aspirin C2 (s1); disease seizures D1 (s0)
 *    CID C1-D1
 * 2: "Aspirin and cocaine. Seizures and ulcers."   C2, C1 (s0); D1, D2 (s1), CID C2-D2
 * Document pairs: doc1 {C1D1, C2D1}, doc2 {C2D1, C2D2, C1D1, C1D2} → 6 predicted, 2 gold, 2 TP.
 * Sentence pairs: doc1 {C1D1} only; doc2 none → 1 predicted, 1 TP.
 */
const PUBTATOR = [
  '1|t|Cocaine caused seizures.',
  '1|a|Aspirin helped.',
  '1\t0\t7\tCocaine\tChemical\tD003042',
  '1\t15\t23\tseizures\tDisease\tD012640',
  '1\t25\t32\tAspirin\tChemical\tD001241',
  '1\tCID\tD003042\tD012640',
  '',
  '2|t|Aspirin and cocaine.',
  '2|a|Seizures and ulcers.',
  '2\t0\t7\tAspirin\tChemical\tD001241',
  '2\t12\t19\tcocaine\tChemical\tD003042',
  '2\t21\t29\tSeizures\tDisease\tD012640',
  '2\t34\t40\tulcers\tDisease\tD014456',
  '2\tCID\tD001241\tD014456',
  '',
].join('\n');

async function evaluate(args: string[]): Promise<Record<string, any>> {
  const gold = path.join(dir, 'gold.PubTator.txt');
  const ctd = path.join(dir, 'ctd.txt');
  fs.writeFileSync(gold, PUBTATOR);
  fs.writeFileSync(ctd, 'D001241 D014456\nD003042 D014456\n');
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    expect(await run(['--gold', gold, '--ctd', ctd, '--k', '1,2', '--json', ...args], { VANER_LOG_LEVEL: 'error', VANER_DATA_DIR: dir })).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out.join('')) as Record<string, any>;
}

describe('vaner eval comentions', () => {
  it('scores document-level pairs and rankings against CID and CTD with gold annotations', async () => {
    const result = await evaluate([]);
    expect(result['documents']).toBe(2);
    expect(result['documentPairs']).toMatchObject({ truePositives: 2, predicted: 6, gold: 2, precision: 2 / 6, recall: 1 });
    // Corpus pairs: C1D1 (2 docs), C2D1 (2), C1D2 (1), C2D2 (1); N = 2, every entity in both docs except D2 (1).
    expect(result['corpusPairs']).toEqual({ candidates: 4, goldPairs: 2, goldPairsRecovered: 2, candidatesInCtd: 2 });
    const count = result['rankings'].find((r: { ranking: string }) => r.ranking === 'COUNT');
    // COUNT ranking, ties by key (aspirin D001241 sorts before cocaine D003042): C2D1, C1D1 (2 each), then C2D2, C1D2
    // → gold pairs C1D1 and C2D2 at ranks 2 and 3; CTD pairs at ranks 3 and 4.
    expect(count).toMatchObject({ candidates: 4, precisionAtK: { 1: 0, 2: 0.5 }, ctdAtK: { 1: 0, 2: 0 } });
    expect(count.averagePrecision).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
  });

  it('counts only same-sentence pairs at sentence level', async () => {
    const result = await evaluate(['--level', 'sentence']);
    expect(result['documentPairs']).toMatchObject({ truePositives: 1, predicted: 1, gold: 2, precision: 1, recall: 0.5 });
    expect(result['corpusPairs']).toEqual({ candidates: 1, goldPairs: 2, goldPairsRecovered: 1, candidatesInCtd: 0 });
  });

  it('refuses a missing --gold and an unknown level', async () => {
    await expect(run([], {})).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(run(['--gold', 'x', '--level', 'paragraph'], {})).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

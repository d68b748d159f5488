/**
 * scripts/tune-thresholds.mjs: chooses per-scheme, per-type decision thresholds from `vaner eval ner --predictions`
 * files and records them in a bundle manifest the runtime accepts. The script runs the shrink rule from dist/
 * (npm test builds it first).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseManifest } from '../src/ner/manifest.js';

const run = promisify(execFile);
const SCRIPT = path.resolve('scripts/tune-thresholds.mjs');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vaner-tune-'));
  mkdirSync(path.join(dir, 'bundle'));
  mkdirSync(path.join(dir, 'pred'));
  copyFileSync('test/fixtures/tiny-bundle/manifest.json', path.join(dir, 'bundle', 'manifest.json'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Ten documents, each with one gold DISEASE and one gold CHEMICAL span. Predicted: the gold DISEASE at 0.6, which the
 * knowledge base names (known), a wrong novel DISEASE at 0.7 (so known >= 0 with novel in (0.7, 1] is perfect);
 * the gold CHEMICAL at 0.55 (no threshold helps). The knowledge file is the dictionary's output for the same documents.
 */
function writePredictions(): void {
  const gold = [{ start: 0, end: 5, type: 'DISEASE' }, { start: 20, end: 25, type: 'CHEMICAL' }];
  const model = Array.from({ length: 10 }, (_, i) => JSON.stringify({
    id: `d${i}`,
    text: 'x'.repeat(40),
    gold,
    predicted: [
      { start: 0, end: 5, type: 'DISEASE', confidence: 0.6 },
      { start: 10, end: 15, type: 'DISEASE', confidence: 0.7 },
      { start: 20, end: 25, type: 'CHEMICAL', confidence: 0.55 },
    ],
  }));
  const dictionary = Array.from({ length: 10 }, (_, i) => JSON.stringify({
    id: `d${i}`,
    text: 'x'.repeat(40),
    gold,
    predicted: [{ start: 0, end: 5, type: 'DISEASE', confidence: null }],
  }));
  mkdirSync(path.join(dir, 'pred', 'knowledge'));
  writeFileSync(path.join(dir, 'pred', 'bc5cdr.jsonl'), `${model.join('\n')}\n`);
  writeFileSync(path.join(dir, 'pred', 'knowledge', 'bc5cdr.jsonl'), `${dictionary.join('\n')}\n`);
}

describe('tune-thresholds.mjs', () => {
  it('picks the lowest pair of thresholds with the best F1 where it gains, none where it does not, and writes a valid manifest', async () => {
    writePredictions();
    const args = [SCRIPT, '--bundle', path.join(dir, 'bundle'), '--predictions', path.join(dir, 'pred')];
    const dry = await run('node', args);
    // One threshold could not separate them (the right span has the lower confidence); known / novel can.
    expect(dry.stdout).toContain('| bc5cdr | DISEASE | 66.67 | mean | no | 0.00 / 0.75 | no | 100.00 |');
    expect(dry.stdout).toContain('| bc5cdr | CHEMICAL | 100.00 | — | no | — | no | 100.00 |');
    const before = readFileSync(path.join(dir, 'bundle', 'manifest.json'), 'utf8');
    expect(before).not.toContain('minConfidence'); // a dry run writes nothing
    await run('node', [...args, '--write']);
    const manifest = parseManifest(JSON.parse(readFileSync(path.join(dir, 'bundle', 'manifest.json'), 'utf8')));
    expect(manifest.schemes.find((s) => s.name === 'bc5cdr')!.minConfidence).toEqual({ DISEASE: { known: 0, novel: 0.75 } });
    expect(manifest.schemes.find((s) => s.name === 'ncbi-disease')!.minConfidence).toBeUndefined();
    expect(manifest.schemes.find((s) => s.name === 'bc5cdr')!.shrinkToKnowledge).toBeUndefined();
  });

  it('turns the shrink rule on for a type whose gold spans are the knowledge-base name inside the predicted ones', async () => {
    // Predicted `acute hepatitis` (0-15) around the name `hepatitis` (6-15), which is the gold span.
    mkdirSync(path.join(dir, 'pred', 'knowledge'));
    const line = (predicted: unknown[]) => JSON.stringify({ id: 'd', text: 'acute hepatitis', gold: [{ start: 6, end: 15, type: 'DISEASE' }], predicted });
    writeFileSync(path.join(dir, 'pred', 'bc5cdr.jsonl'), `${line([{ start: 0, end: 15, type: 'DISEASE', confidence: 0.9 }])}\n`);
    writeFileSync(path.join(dir, 'pred', 'knowledge', 'bc5cdr.jsonl'), `${line([{ start: 6, end: 15, type: 'DISEASE', confidence: null }])}\n`);
    const out = await run('node', [SCRIPT, '--bundle', path.join(dir, 'bundle'), '--predictions', path.join(dir, 'pred'), '--write']);
    expect(out.stdout).toContain('| bc5cdr | DISEASE | 0.00 | mean | yes | 0.00 / 0.00 | no | 100.00 |');
    const manifest = parseManifest(JSON.parse(readFileSync(path.join(dir, 'bundle', 'manifest.json'), 'utf8')));
    expect(manifest.schemes.find((s) => s.name === 'bc5cdr')!.shrinkToKnowledge).toEqual(['DISEASE']);
  });

  it('spreads a type\'s mentions to repeats of the same string where that gains, and records it', async () => {
    // "aspirin" twice, both gold; the model found the first only. Spreading finds the second: 66.67 -> 100.
    mkdirSync(path.join(dir, 'pred', 'knowledge'));
    const text = 'aspirin helps; aspirin again';
    const gold = [{ start: 0, end: 7, type: 'CHEMICAL' }, { start: 15, end: 22, type: 'CHEMICAL' }];
    const line = (predicted: unknown[]) => JSON.stringify({ id: 'd', text, gold, predicted });
    writeFileSync(path.join(dir, 'pred', 'bc5cdr.jsonl'), `${line([{ start: 0, end: 7, type: 'CHEMICAL', confidence: 0.9 }])}\n`);
    writeFileSync(path.join(dir, 'pred', 'knowledge', 'bc5cdr.jsonl'), `${line([])}\n`);
    const out = await run('node', [SCRIPT, '--bundle', path.join(dir, 'bundle'), '--predictions', path.join(dir, 'pred'), '--write']);
    expect(out.stdout).toContain('| bc5cdr | CHEMICAL | 66.67 | — | no | — | yes | 100.00 |');
    const manifest = parseManifest(JSON.parse(readFileSync(path.join(dir, 'bundle', 'manifest.json'), 'utf8')));
    expect(manifest.schemes.find((s) => s.name === 'bc5cdr')!.propagateMentions).toEqual(['CHEMICAL']);
    expect(manifest.schemes.find((s) => s.name === 'bc5cdr')!.minConfidence).toBeUndefined();
  });

  it('--cross-check scores the rules chosen on one half of the documents on the other, beside the dictionary', async () => {
    // d0 and d1 fall in different halves (hash of the id). On d0 alone "novel >= 0.65" is perfect; on d1 it drops
    // the right span and keeps the wrong one; on both together keeping every span is best. So the in-sample column
    // says 66.67 and the cross-checked one must be lower: d1 under d0's rule (0 right, 1 wrong, 1 missed) plus d0
    // with every span (1 right, 1 wrong): 2 * 1 / (2 * 1 + 2 + 1) = 40.00.
    mkdirSync(path.join(dir, 'pred', 'knowledge'));
    const gold = [{ start: 0, end: 5, type: 'DISEASE' }];
    const doc = (id: string, predicted: unknown[]) => JSON.stringify({ id, text: 'x'.repeat(20), gold, predicted });
    writeFileSync(path.join(dir, 'pred', 'bc5cdr.jsonl'), `${[
      doc('d0', [{ start: 0, end: 5, type: 'DISEASE', confidence: 0.9 }, { start: 10, end: 15, type: 'DISEASE', confidence: 0.6 }]),
      doc('d1', [{ start: 0, end: 5, type: 'DISEASE', confidence: 0.6 }, { start: 10, end: 15, type: 'DISEASE', confidence: 0.9 }]),
    ].join('\n')}\n`);
    // The dictionary finds d0's disease only: 1 right, 1 missed = 66.67.
    writeFileSync(path.join(dir, 'pred', 'knowledge', 'bc5cdr.jsonl'), `${[
      doc('d0', [{ start: 0, end: 5, type: 'DISEASE', confidence: null }]),
      doc('d1', []),
    ].join('\n')}\n`);
    const args = [SCRIPT, '--bundle', path.join(dir, 'bundle'), '--predictions', path.join(dir, 'pred')];
    const out = await run('node', [...args, '--cross-check']);
    expect(out.stdout).toContain('| spread to repeats | F1, tuned | F1, rules from the other half | dictionary |');
    expect(out.stdout).toContain('| bc5cdr | DISEASE | 66.67 | — | no | — | no | 66.67 | 40.00 | 66.67 |');
    expect((await run('node', args)).stdout).toContain('| bc5cdr | DISEASE | 66.67 | — | no | — | no | 66.67 |\n');
  });

  it('takes another span confidence where its thresholds separate right from wrong spans and the mean cannot', async () => {
    // Ten documents: the gold span and a wrong one, both novel. Their mean confidences (0.8 right, 0.9 wrong) cannot
    // be separated by a threshold; their `min` confidences (0.9 right, 0.6 wrong) can: novel >= 0.65 -> 100.
    mkdirSync(path.join(dir, 'pred', 'knowledge'));
    mkdirSync(path.join(dir, 'pred', 'min'));
    const gold = [{ start: 0, end: 5, type: 'DISEASE' }];
    const docs = (right: number, wrong: number, n = 10) => `${Array.from({ length: n }, (_, i) => JSON.stringify({
      id: `d${i}`, text: 'x'.repeat(20), gold,
      predicted: [{ start: 0, end: 5, type: 'DISEASE', confidence: right }, { start: 10, end: 15, type: 'DISEASE', confidence: wrong }],
    })).join('\n')}\n`;
    writeFileSync(path.join(dir, 'pred', 'bc5cdr.jsonl'), docs(0.8, 0.9));
    writeFileSync(path.join(dir, 'pred', 'min', 'bc5cdr.jsonl'), docs(0.9, 0.6));
    writeFileSync(path.join(dir, 'pred', 'knowledge', 'bc5cdr.jsonl'), docs(0.8, 0.9).replace(/"predicted":\[[^\]]*\]/g, '"predicted":[]'));
    const args = [SCRIPT, '--bundle', path.join(dir, 'bundle'), '--predictions', path.join(dir, 'pred')];
    const out = await run('node', [...args, '--write']);
    expect(out.stdout).toContain('| bc5cdr | DISEASE | 66.67 | min | no | 0.00 / 0.65 | no | 100.00 |');
    const manifest = parseManifest(JSON.parse(readFileSync(path.join(dir, 'bundle', 'manifest.json'), 'utf8')));
    const bc5cdr = manifest.schemes.find((s) => s.name === 'bc5cdr')!;
    expect(bc5cdr.spanConfidence).toEqual({ DISEASE: 'min' });
    expect(bc5cdr.minConfidence).toEqual({ DISEASE: { known: 0, novel: 0.65 } });
    // Without the `min` predictions the mean's best is to keep every span, and no span confidence is recorded.
    rmSync(path.join(dir, 'pred', 'min'), { recursive: true });
    expect((await run('node', [...args, '--write'])).stdout).toContain('| bc5cdr | DISEASE | 66.67 | — | no | — | no | 66.67 |');
    expect(parseManifest(JSON.parse(readFileSync(path.join(dir, 'bundle', 'manifest.json'), 'utf8'))).schemes[0]!.spanConfidence).toBeUndefined();
    // A `min` file that lacks a document is refused.
    mkdirSync(path.join(dir, 'pred', 'min'));
    writeFileSync(path.join(dir, 'pred', 'min', 'bc5cdr.jsonl'), docs(0.9, 0.6, 9));
    await expect(run('node', args)).rejects.toMatchObject({ stderr: expect.stringContaining('min/bc5cdr.jsonl: no document d9') });
  });

  it('counts a SPECIES span written as a binomial as known, as the runtime does (src/ner/name-forms.ts)', async () => {
    // No knowledge-base name anywhere: the right binomial (0.6) is held to `known`, the wrong `house mice` (0.7) to
    // `novel`, so known 0 / novel 0.75 separates them. Were the binomial novel, no pair could (it scores lower).
    const text = 'Metaphycus luteolus and house mice were seen.';
    const gold = [{ start: 0, end: 19, type: 'SPECIES' }];
    const lines = (predicted: unknown[]) => Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: `d${i}`, text, gold, predicted })).join('\n');
    mkdirSync(path.join(dir, 'pred', 'knowledge'));
    writeFileSync(path.join(dir, 'pred', 'linnaeus.jsonl'), `${lines([
      { start: 0, end: 19, type: 'SPECIES', confidence: 0.6 },
      { start: 24, end: 34, type: 'SPECIES', confidence: 0.7 },
    ])}\n`);
    writeFileSync(path.join(dir, 'pred', 'knowledge', 'linnaeus.jsonl'), `${lines([])}\n`);
    const { stdout } = await run('node', [SCRIPT, '--bundle', path.join(dir, 'bundle'), '--predictions', path.join(dir, 'pred')]);
    expect(stdout).toContain('| linnaeus | SPECIES | 66.67 | mean | no | 0.00 / 0.75 | no | 100.00 |');
  });

  it('refuses a predictions file without its knowledge file', async () => {
    writeFileSync(path.join(dir, 'pred', 'bc5cdr.jsonl'), '');
    await expect(run('node', [SCRIPT, '--bundle', path.join(dir, 'bundle'), '--predictions', path.join(dir, 'pred')]))
      .rejects.toMatchObject({ stderr: expect.stringContaining('knowledge/bc5cdr.jsonl: missing') });
  });

  it('refuses a predictions file named after a scheme the bundle does not have', async () => {
    writeFileSync(path.join(dir, 'pred', 'nope.jsonl'), '');
    await expect(run('node', [SCRIPT, '--bundle', path.join(dir, 'bundle'), '--predictions', path.join(dir, 'pred')]))
      .rejects.toMatchObject({ stderr: expect.stringContaining('nope is not a scheme of vaner-tiny') });
  });
});

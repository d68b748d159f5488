/**
 * scripts/learn-kept-first-words.mjs: learns from PubTator training annotations the first words a scheme's annotators
 * keep in a name, and records them as `schemes[].shrinkKeepsFirstWords` in a manifest the runtime accepts.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseManifest } from '../src/ner/manifest.js';

const run = promisify(execFile);
const SCRIPT = path.resolve('scripts/learn-kept-first-words.mjs');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vaner-keeps-'));
  mkdirSync(path.join(dir, 'bundle'));
  copyFileSync('test/fixtures/tiny-bundle/manifest.json', path.join(dir, 'bundle', 'manifest.json'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** PubTator lines: one document per entry, title + ' ' + abstract, each annotation given by its text. */
function pubtator(docs: { text: string; names: string[] }[]): string {
  return docs
    .map((d, i) => {
      const lines = [`${i + 1}|t|${d.text}`, `${i + 1}|a|`];
      for (const name of d.names) {
        const start = d.text.indexOf(name);
        lines.push(`${i + 1}\t${start}\t${start + name.length}\t${name}\tDisease\tD000001`);
      }
      return lines.join('\n');
    })
    .join('\n\n');
}

it('keeps a word that mostly begins annotated names, not one that mostly stands before them, and writes a valid manifest', async () => {
  const docs = [
    // "postoperative" begins the name 4 times and stands before it once: kept (4 / 5 >= 0.7, 5 >= --min).
    ...Array.from({ length: 4 }, () => ({ text: 'We saw postoperative myalgia here.', names: ['postoperative myalgia'] })),
    { text: 'We saw postoperative delirium here.', names: ['delirium'] },
    // "temporary" stands before the name 5 times: not kept; "chronic" begins a name only twice: below --min.
    ...Array.from({ length: 5 }, () => ({ text: 'A temporary hearing loss was seen.', names: ['hearing loss'] })),
    ...Array.from({ length: 2 }, () => ({ text: 'A chronic cough was seen.', names: ['chronic cough'] })),
  ];
  writeFileSync(path.join(dir, 'train.txt'), pubtator(docs));
  const args = [SCRIPT, '--pubtator', path.join(dir, 'train.txt'), '--corpus-type', 'Disease', '--type', 'DISEASE', '--bundle', path.join(dir, 'bundle'), '--scheme', 'bc5cdr'];
  const dry = await run(process.execPath, args);
  expect(dry.stdout).toBe('2 first words kept for bc5cdr DISEASE: hearing, postoperative\n');
  expect(JSON.parse(readFileSync(path.join(dir, 'bundle', 'manifest.json'), 'utf8')).schemes[0].shrinkKeepsFirstWords).toBeUndefined();
  await run(process.execPath, [...args, '--write']);
  const manifest = parseManifest(JSON.parse(readFileSync(path.join(dir, 'bundle', 'manifest.json'), 'utf8')));
  expect(manifest.schemes.find((s) => s.name === 'bc5cdr')!.shrinkKeepsFirstWords).toEqual({ DISEASE: ['hearing', 'postoperative'] });
  await expect(run(process.execPath, [...args.slice(0, -2), '--scheme', 'nope'])).rejects.toThrow(/nope is not a scheme/);
});

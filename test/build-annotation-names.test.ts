/**
 * scripts/build-annotation-names.mjs: the names-only vocabulary of BC2GM, JNLPBA and LINNAEUS training mention texts
 * (data/kb/training-annotation-names.tsv.gz), built from a synthetic source folder laid out like the shared data.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readVocabulary } from '../src/kb/index.js';
import { isNamesOnlyId } from '../src/kb/names-only.js';

const run = promisify(execFile);
const SCRIPT = path.resolve('scripts/build-annotation-names.mjs');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vaner-annotation-names-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, 'src', file)), { recursive: true });
  writeFileSync(path.join(dir, 'src', file), text);
}

const conll = (sentences: [string, string][][]): string =>
  sentences.map((s) => s.map(([w, t]) => `${w}\t${t}\n`).join('')).join('\n') + '\n';

it('collects each (type, name) once from the training splits and leaves out JNLPBA abstracts the development set was cut from', async () => {
  write('ner-iob/BC2GM-IOB/train.tsv', conll([
    [['The', 'O'], ['IL', 'B-GENE'], ['-', 'I-GENE'], ['2', 'I-GENE'], ['gene', 'I-GENE'], ['and', 'O'], ['p53', 'B-GENE']],
    // An I after O starts a mention (as training reads it); a repeat adds nothing; one character is not a name.
    [['Also', 'O'], ['Ras', 'I-GENE'], ['and', 'O'], ['p53', 'B-GENE'], ['or', 'O'], ['X', 'B-GENE']],
  ]));
  write('ner-iob/BC2GM-IOB/devel.tsv', conll([[['devgene', 'B-GENE']]]));
  write('ner-iob/linnaeus-IOB/train.tsv', conll([[['in', 'O'], ['mice', 'B-Species']]]));
  // The development copy is re-tokenised ("NF - kappa B", " ."): abstract 2 holds that sentence.
  write('ner-iob/JNLPBA/devel.tsv', '-DOCSTART-\tO\n\n' + conll([
    'NF - kappa B binds the promoter in Jurkat cells .'.split(' ').map((w): [string, string] => [w, 'O']),
  ]));
  write('jnlpba/train/1.txt', 'Jurkat T cells express the IL-2 receptor alpha mRNA.');
  write('jnlpba/train/1.ann', 'T1\tcell_line 0 14\tJurkat T cells\nT2\tprotein 27 46\tIL-2 receptor alpha\nT3\tRNA 27 51\tIL-2 receptor alpha mRNA\n');
  write('jnlpba/train/2.txt', 'Title. NF-kappa B binds the promoter in Jurkat cells.');
  write('jnlpba/train/2.ann', 'T1\tprotein 7 17\tNF-kappa B\n');
  const out = path.join(dir, 'kb');

  const { stdout } = await run(process.execPath, [SCRIPT, '--source', path.join(dir, 'src'), '--out', out]);
  expect(JSON.parse(stdout)).toMatchObject({ names: 7, jnlpbaAbstractsLeftOut: 1 });
  const { terms } = await readVocabulary(path.join(out, 'training-annotation-names.tsv.gz'));
  expect(terms.map((t) => [t.id, t.type, t.name])).toEqual([
    ['CORPUSNAME:1', 'CELL_LINE', 'Jurkat T cells'],
    ['CORPUSNAME:2', 'GENE', 'IL - 2 gene'],
    ['CORPUSNAME:3', 'GENE', 'IL-2 receptor alpha'],
    ['CORPUSNAME:4', 'GENE', 'Ras'],
    ['CORPUSNAME:5', 'GENE', 'p53'],
    ['CORPUSNAME:6', 'RNA', 'IL-2 receptor alpha mRNA'],
    ['CORPUSNAME:7', 'SPECIES', 'mice'],
  ]);
  expect(terms.every((t) => isNamesOnlyId(t.id))).toBe(true);

  // --types keeps only those types (data/kb ships the species names only).
  await run(process.execPath, [SCRIPT, '--source', path.join(dir, 'src'), '--out', out, '--types', 'SPECIES,CELL_LINE']);
  const some = await readVocabulary(path.join(out, 'training-annotation-names.tsv.gz'));
  expect(some.terms.map((t) => [t.id, t.type, t.name])).toEqual([
    ['CORPUSNAME:1', 'CELL_LINE', 'Jurkat T cells'],
    ['CORPUSNAME:2', 'SPECIES', 'mice'],
  ]);
});

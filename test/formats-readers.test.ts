import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { VanerError } from '../src/errors.js';
import {
  detectFormat,
  readBrat,
  readConll,
  readDocuments,
  readJsonl,
  readText,
  countDocuments,
  type DocumentRecord,
  type FormatWarning,
} from '../src/formats/index.js';

const root = mkdtempSync(path.join(tmpdir(), 'vaner-readers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
function write(content: string | Buffer, name = `f${++counter}`): string {
  const file = path.join(root, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}
async function all(iterable: AsyncIterable<DocumentRecord>): Promise<DocumentRecord[]> {
  const out: DocumentRecord[] = [];
  for await (const doc of iterable) out.push(doc);
  return out;
}
async function errorOf(promise: Promise<unknown>): Promise<VanerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VanerError);
    return error as VanerError;
  }
  throw new Error('expected a VanerError');
}

describe('readJsonl', () => {
  it('reads documents and verified mentions, skipping blank lines', async () => {
    const file = write(
      [
        JSON.stringify({ externalId: 'a', title: 'T', text: 'Aspirin lowers fever.', metadata: { year: 2020 }, mentions: [{ start: 15, end: 20, type: 'Disease', ids: ['MESH:D005334'] }] }),
        '',
        JSON.stringify({ text: 'No id here.' }),
      ].join('\n') + '\n',
      'docs.jsonl',
    );
    const docs = await all(readJsonl(file));
    expect(docs).toEqual([
      { externalId: 'a', title: 'T', text: 'Aspirin lowers fever.', metadata: { year: 2020 }, line: 1, file, mentions: [{ start: 15, end: 20, text: 'fever', type: 'DISEASE', ids: ['MESH:D005334'], corpusType: 'Disease' }] },
      { externalId: null, title: null, text: 'No id here.', metadata: null, line: 3, file },
    ]);
  });

  it('names the line of invalid JSON, unknown keys and a wrong mention text', async () => {
    const bad = write('{"text":"ok"}\n{"text": oops}\n');
    const e1 = await errorOf(all(readJsonl(bad)));
    expect([e1.code, e1.details]).toEqual(['INVALID_FORMAT', { file: bad, line: 2 }]);
    const typo = write('{"txt":"x"}\n');
    const e2 = await errorOf(all(readJsonl(typo)));
    expect(e2.message).toBe(`${typo}:1: invalid document: text: Invalid input: expected string, received undefined; (line): Unrecognized key: "txt"`);
    const mismatch = write('{"text":"abc def","mentions":[{"start":0,"end":3,"text":"abd","type":"Chemical"}]}\n');
    const e3 = await errorOf(all(readJsonl(mismatch)));
    expect(e3.message).toBe(`${mismatch}:1: mentions.0: text "abd" does not match the document text "abc" at 0-3`);
  });
});

describe('readConll', () => {
  it('joins tokens with single spaces and computes exact offsets', async () => {
    const file = write(
      ['-DOCSTART-\tO', '', 'Lithium\tB-Chemical', 'carbonate\tI-Chemical', 'causes\tO', 'heart\tB-Disease', 'failure\tI-Disease', '.\tO', '', 'Renal\tB-Disease', 'failure\tI-Disease', ''].join('\n'),
      'cdr.tsv',
    );
    const docs = await all(readConll(file));
    expect(docs).toEqual([
      {
        externalId: 'cdr.tsv:1',
        title: null,
        text: 'Lithium carbonate causes heart failure .',
        line: 3,
        file,
        mentions: [
          { start: 0, end: 17, text: 'Lithium carbonate', type: 'CHEMICAL', ids: [], corpusType: 'Chemical' },
          { start: 25, end: 38, text: 'heart failure', type: 'DISEASE', ids: [], corpusType: 'Disease' },
        ],
      },
      { externalId: 'cdr.tsv:2', title: null, text: 'Renal failure', line: 10, file, mentions: [{ start: 0, end: 13, text: 'Renal failure', type: 'DISEASE', ids: [], corpusType: 'Disease' }] },
    ]);
  });

  it('follows conlleval for I after O or another type, and types bare tags with defaultType', async () => {
    const mixed = write(['a\tO', 'b\tI-Chemical', 'c\tI-Disease', 'd\tB-Disease', 'e\tB-Disease', ''].join('\n'));
    const [doc] = await all(readConll(mixed));
    expect(doc?.mentions?.map((m) => [m.start, m.end, m.type])).toEqual([
      [2, 3, 'CHEMICAL'],
      [4, 5, 'DISEASE'],
      [6, 7, 'DISEASE'],
      [8, 9, 'DISEASE'],
    ]);
    const bare = write(['x\tB', 'y\tI', 'z\tO'].join('\n'));
    const [typed] = await all(readConll(bare, { defaultType: 'GENE' }));
    expect(typed?.mentions).toEqual([{ start: 0, end: 3, text: 'x y', type: 'GENE', ids: [], corpusType: 'GENE' }]);
    const error = await errorOf(all(readConll(bare)));
    expect(error.message).toBe(`${bare}:1: tag "B" has no type; pass a default type for single-type corpora`);
  });

  it('rejects a bad tag naming the line and warns on unknown types', async () => {
    const bad = write('a\tO\nb\tX-Chemical\n');
    expect((await errorOf(all(readConll(bad)))).details).toEqual({ file: bad, line: 2 });
    const unknown = write('a\tB-Weird\nb\tI-Weird\nc\tB-protein\n');
    const warnings: FormatWarning[] = [];
    const [doc] = await all(readConll(unknown, { onWarning: (w) => warnings.push(w) }));
    expect(doc?.mentions?.map((m) => [m.text, m.type])).toEqual([['c', 'PROTEIN']]);
    expect(warnings.map((w) => [w.kind, w.subject, w.line])).toEqual([['UNKNOWN_TYPE', 'Weird', 1]]);
  });
});

describe('readBrat', () => {
  const corpus = path.join(root, 'brat');
  write('Homo sapiens and\nE. coli \u{1F9A0} mice.\n', 'brat/doc1.txt');
  write(
    [
      'T2\tSpecies 17 24\tE. coli',
      'T1\tSpecies 0 12\tHomo sapiens',
      'N1\tReference T1 Taxonomy:9606\tHomo sapiens',
      'T3\tSpecies 27 31\tmice',
      'T4\tSpecies 0 4;5 12\tHomo sapiens',
      'N2\tReference T4 Taxonomy:9606',
      'R1\tPart-of Arg1:T1 Arg2:T2',
      '#1\tAnnotatorNotes T1\tnote',
      '',
    ].join('\n'),
    'brat/doc1.ann',
  );
  write('Nothing.\n', 'brat/doc2.txt');
  write('', 'brat/doc2.ann');
  write('ignored', 'brat/README.md');

  it('reads T/N/R lines with code point offsets, sorted, skipping discontinuous spans with a warning', async () => {
    const warnings: FormatWarning[] = [];
    const docs = await all(readBrat(corpus, { onWarning: (w) => warnings.push(w) }));
    expect(docs.map((d) => d.externalId)).toEqual(['doc1', 'doc2']);
    const doc = docs[0] as DocumentRecord;
    expect(doc.text).toBe('Homo sapiens and\nE. coli \u{1F9A0} mice.\n');
    expect(doc.mentions).toEqual([
      { start: 0, end: 12, text: 'Homo sapiens', type: 'SPECIES', ids: ['Taxonomy:9606'], corpusType: 'Species' },
      { start: 17, end: 24, text: 'E. coli', type: 'SPECIES', ids: [], corpusType: 'Species' },
      // Code points 27-31 are UTF-16 units 28-32 after the two-unit microbe emoji.
      { start: 28, end: 32, text: 'mice', type: 'SPECIES', ids: [], corpusType: 'Species' },
    ]);
    expect(doc.relations).toEqual([{ type: 'Part-of', args: ['Arg1:T1', 'Arg2:T2'], line: 7 }]);
    expect(docs[1]?.mentions).toEqual([]);
    expect(warnings.map((w) => [w.kind, w.line, path.basename(w.file)])).toEqual([
      ['IGNORED_FILE', 0, 'README.md'],
      ['DISCONTINUOUS_SPAN', 5, 'doc1.ann'],
      ['IGNORED_LINE', 8, 'doc1.ann'],
    ]);
  });

  it('requires the .ann of every .txt and checks mention texts', async () => {
    write('Text.\n', 'brat-missing/a.txt');
    const missing = await errorOf(all(readBrat(path.join(root, 'brat-missing'))));
    expect(missing.message).toBe(`${path.join(root, 'brat-missing', 'a.ann')}: missing (every .txt needs its .ann)`);
    write('Aspirin.\n', 'brat-bad/a.txt');
    const ann = write('T1\tChemical 0 6\tAspirin\n', 'brat-bad/a.ann');
    const error = await errorOf(all(readBrat(path.join(root, 'brat-bad'))));
    expect([error.code, error.details]).toEqual(['INVALID_FORMAT', { file: ann, line: 1 }]);
  });
});

describe('readText and detectFormat', () => {
  it('reads a file as one document and a directory as one per .txt file, in name order', async () => {
    write('Second\r\ndoc.', 'texts/b.txt');
    write(gzipSync(Buffer.from('First doc.')), 'texts/a.txt.gz');
    const docs = await all(readText(path.join(root, 'texts')));
    expect(docs.map((d) => [d.externalId, d.text, d.title, d.line])).toEqual([
      ['a', 'First doc.', null, 1],
      ['b', 'Second\r\ndoc.', null, 1],
    ]);
  });

  it('reports invalid UTF-8 in a text file with its line', async () => {
    const file = write(Buffer.concat([Buffer.from('ok\nok\nbad '), Buffer.from([0xe2, 0x82]), Buffer.from('\n')]), 'bad.txt');
    const error = await errorOf(all(readText(file)));
    expect([error.code, error.message]).toEqual(['INVALID_UTF8', `${file}:3: invalid UTF-8 byte sequence`]);
  });

  it('detects formats by extension and content', async () => {
    expect(await detectFormat(write('1|t|T\n1|a|A\n', 'x.txt'))).toBe('pubtator');
    expect(await detectFormat(write(gzipSync(Buffer.from('1|t|T\n')), 'x.gz'))).toBe('pubtator');
    expect(await detectFormat(write('{"text":"a"}\n', 'y.txt'))).toBe('jsonl');
    expect(await detectFormat(write('a\tO\nb\tB-Chemical\n\nc\tO\n', 'z.tsv'))).toBe('conll');
    expect(await detectFormat(write('Just some text.\n', 'w.txt'))).toBe('text');
    expect(await detectFormat(write('anything', 'v.jsonl'))).toBe('jsonl');
    expect(await detectFormat(path.join(root, 'brat'))).toBe('brat');
    expect(await detectFormat(path.join(root, 'texts'))).toBe('text');
    const missing = await errorOf(detectFormat(path.join(root, 'nope.txt')));
    expect([missing.code, missing.message]).toEqual(['BAD_USER_INPUT', `${path.join(root, 'nope.txt')}: no such file`]);
  });

  it('detects a one-line 30 MB text as text (the CoNLL test overflowed the regular-expression stack: INTERNAL)', async () => {
    const file = write('a '.repeat(15_000_000), 'huge.txt');
    expect(await detectFormat(file)).toBe('text');
  });

  it('reads through readDocuments with auto detection and counts PubTator documents cheaply', async () => {
    const file = write('1|t|T\n1|a|A\n\n2|t|U\n2|a|B\n\n', 'two.pubtator');
    expect((await all(readDocuments(file))).map((d) => d.externalId)).toEqual(['1', '2']);
    expect(await countDocuments([{ path: file, format: 'pubtator' }])).toBe(2);
    expect(await countDocuments([{ path: file, format: 'conll' }])).toBeNull();
  });
});

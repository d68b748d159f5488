import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { VanerError } from '../src/errors.js';
import {
  createWarningTally,
  formatPubTatorDocument,
  readPubTator,
  writePubTator,
  type DocumentRecord,
  type FormatWarning,
  type ReaderOptions,
} from '../src/formats/index.js';
import { corpusFile } from './corpus.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'formats', 'sample.pubtator');
const BC5CDR = corpusFile('bc5cdr/CDR_DevelopmentSet.PubTator.txt');
const BC5CDR_DEV = BC5CDR.path;
const dir = mkdtempSync(path.join(tmpdir(), 'vaner-pubtator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCounter = 0;
function write(content: string | Buffer, name = `f${++fileCounter}.txt`): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function readAll(file: string, options?: ReaderOptions): Promise<DocumentRecord[]> {
  const out: DocumentRecord[] = [];
  for await (const doc of readPubTator(file, options)) out.push(doc);
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

const SMALL = [
  '1|t|Aspirin and fever.',
  '1|a|Fever persisted.',
  '1\t0\t7\tAspirin\tChemical\tD001241',
  '1\t12\t17\tfever\tDisease\t-1',
  '1\t19\t24\tFever\tSpecificDisease\tD005334+OMIM:123456',
  '1\tCID\tD001241\tD005334',
  '',
  '2|t|Lithium.',
  '2|a|',
  '2\t0\t7\tLithium\tChemical\tD008094',
  '',
].join('\n');

describe('readPubTator', () => {
  it('reads documents, mentions, ids and relations with exact offsets', async () => {
    const docs = await readAll(write(SMALL));
    expect(docs).toHaveLength(2);
    const [first, second] = docs as [DocumentRecord, DocumentRecord];
    expect(first.externalId).toBe('1');
    expect(first.title).toBe('Aspirin and fever.');
    expect(first.text).toBe('Aspirin and fever. Fever persisted.');
    expect(first.line).toBe(1);
    expect(first.mentions).toEqual([
      { start: 0, end: 7, text: 'Aspirin', type: 'CHEMICAL', ids: ['MESH:D001241'], corpusType: 'Chemical', idColumn: 'D001241' },
      { start: 12, end: 17, text: 'fever', type: 'DISEASE', ids: [], corpusType: 'Disease', idColumn: '-1' },
      { start: 19, end: 24, text: 'Fever', type: 'DISEASE', ids: ['MESH:D005334', 'OMIM:123456'], corpusType: 'SpecificDisease', idColumn: 'D005334+OMIM:123456' },
    ]);
    expect(first.relations).toEqual([{ type: 'CID', args: ['D001241', 'D005334'], line: 6 }]);
    // An empty abstract adds no separating space.
    expect(second.text).toBe('Lithium.');
    expect(second.line).toBe(8);
    expect(second.mentions?.map((m) => m.ids)).toEqual([['MESH:D008094']]);
  });

  it('reads the committed fixture (two BC5CDR development abstracts, composite mentions)', async () => {
    const docs = await readAll(FIXTURE);
    expect(docs.map((d) => [d.externalId, d.mentions?.length, d.relations?.length])).toEqual([
      ['6794356', 16, 3],
      ['8638876', 18, 8],
    ]);
    const composite = docs[1]?.mentions?.find((m) => m.start === 708);
    expect(composite).toEqual({
      start: 708,
      end: 754,
      text: 'cerebral artery and the venous sinus occlusion',
      type: 'DISEASE',
      ids: ['MESH:D002544'],
      corpusType: 'Disease',
      idColumn: 'D002544|-1',
      extraColumns: ['cerebral artery occlusion|the venous sinus occlusion'],
    });
  });

  it('names the file and line of a malformed line', async () => {
    const file = write('1|t|Title.\n1|a|Abstract.\nthis line is not PubTator\n');
    const error = await errorOf(readAll(file));
    expect(error.code).toBe('INVALID_FORMAT');
    expect(error.details).toEqual({ file, line: 3 });
    expect(error.message).toBe(`${file}:3: expected "PMID|t|title", "PMID|a|abstract" or a tab-separated annotation line, got "this line is not PubTator"`);
  });

  it('names the line of invalid UTF-8 bytes', async () => {
    const bytes = Buffer.concat([Buffer.from('1|t|Title.\n1|a|Bad '), Buffer.from([0xc3, 0x28]), Buffer.from(' byte.\n')]);
    const file = write(bytes);
    const error = await errorOf(readAll(file));
    expect(error.code).toBe('INVALID_UTF8');
    expect(error.details).toEqual({ file, line: 2 });
    expect(error.message).toBe(`${file}:2: invalid UTF-8 byte sequence`);
  });

  it('detects gzip by its magic bytes, whatever the file name', async () => {
    const plain = await readAll(write(SMALL));
    const gz = await readAll(write(gzipSync(Buffer.from(SMALL)), 'looks-plain.txt'));
    expect(gz.map(({ file: _f, ...rest }) => rest)).toEqual(plain.map(({ file: _f, ...rest }) => rest));
  });

  it('reports invalid UTF-8 inside gzip data with its line', async () => {
    const bytes = Buffer.concat([Buffer.from('1|t|T\n1|a|A\n1\t0\t1\t'), Buffer.from([0xff]), Buffer.from('\tChemical\t-1\n')]);
    const file = write(gzipSync(bytes), 'bad.gz');
    const error = await errorOf(readAll(file));
    expect(error.code).toBe('INVALID_UTF8');
    expect(error.details).toEqual({ file, line: 3 });
  });

  it('rejects a mention whose offsets do not select its text, naming the line', async () => {
    const file = write('1|t|Aspirin and fever.\n1|a|More.\n1\t0\t7\tAspirin\tChemical\tD001241\n1\t11\t17\tfever\tDisease\t-1\n');
    const error = await errorOf(readAll(file));
    expect(error.code).toBe('INVALID_FORMAT');
    expect(error.details).toEqual({ file, line: 4 });
    expect(error.message).toBe(`${file}:4: mention text "fever" does not match the document text " fever" at 11-17`);
  });

  it('skips a mismatching mention with a warning when asked to', async () => {
    const file = write('1|t|Aspirin and fever.\n1|a|More.\n1\t11\t17\tfever\tDisease\t-1\n');
    const warnings: FormatWarning[] = [];
    const docs = await readAll(file, { offsetMismatch: 'skip', onWarning: (w) => warnings.push(w) });
    expect(docs[0]?.mentions).toEqual([]);
    expect(warnings.map((w) => [w.kind, w.line])).toEqual([['OFFSET_MISMATCH', 3]]);
  });

  it('skips mentions of unknown types with a counted warning', async () => {
    const file = write('1|t|BRCA1 family members.\n1|a|\n1\t0\t5\tBRCA1\tGene\t672\n1\t6\t12\tfamily\tFamilyName\t-\n1\t6\t12\tfamily\tFamilyName\t-\n');
    const tally = createWarningTally();
    const docs = await readAll(file, { onWarning: tally.add });
    expect(docs[0]?.mentions?.map((m) => [m.text, m.type, m.ids])).toEqual([['BRCA1', 'GENE', ['672']]]);
    expect(tally.total()).toBe(2);
    expect(tally.lines()).toEqual([`skipped 2 UNKNOWN_TYPE "FamilyName" (first at ${file}:4)`]);
  });

  it('rejects offsets outside the text and annotations without a title', async () => {
    const outside = write('1|t|Short.\n1|a|\n1\t0\t99\tShort.\tChemical\t-1\n');
    expect((await errorOf(readAll(outside))).details).toEqual({ file: outside, line: 3 });
    const orphan = write('1\t0\t5\tShort\tChemical\t-1\n');
    const error = await errorOf(readAll(orphan));
    expect(error.message).toBe(`${orphan}:1: annotation line without a title line before it`);
  });

  it('rejects a mention line with non-integer offsets instead of reading it as a relation (the mention was silently lost)', async () => {
    const text = '1|t|Aspirin headache\n1|a|More text.\n1\t0\t7\tAspirin\tChemical\tD001241\n';
    for (const [start, end] of [['-3', '4'], ['8', '16 '], ['8.0', '16'], ['', '16']]) {
      const file = write(`${text}1\t${start}\t${end}\theadache\tDisease\tD006261\n\n`);
      const error = await errorOf(readAll(file));
      expect([error.code, error.message]).toEqual(['INVALID_FORMAT', `${file}:4: mention offsets must be whole numbers from 0, got start "${start}" and end "${end}"`]);
    }
    // Relation lines (a type word in the second column) are still relations.
    const relations = write(`${text}1\tCID\tD001241\tD006261\n1\tCPR:4\t123\t456\n\n`);
    expect((await readAll(relations))[0]?.relations?.map((r) => r.type)).toEqual(['CID', 'CPR:4']);
  });

  it('reads CRLF files and converts code point offsets around astral characters', async () => {
    const file = write('1|t|\u{1F600} aspirin\r\n1|a|x\r\n1\t2\t9\taspirin\tChemical\tD001241\r\n\r\n');
    const docs = await readAll(file);
    expect(docs[0]?.text).toBe('\u{1F600} aspirin x');
    // Code points 2-9 are UTF-16 units 3-10: the emoji is two units.
    expect(docs[0]?.mentions?.map((m) => [m.start, m.end, m.text])).toEqual([[3, 10, 'aspirin']]);
    expect(formatPubTatorDocument(docs[0] as DocumentRecord)).toBe('1|t|\u{1F600} aspirin\n1|a|x\n1\t2\t9\taspirin\tChemical\tD001241\n\n');
  });
});

describe('PubTator writer', () => {
  it('writes our mentions: MeSH local ids, other CURIEs whole, unlinked as -1', () => {
    const out = formatPubTatorDocument({
      externalId: '42',
      title: 'Lithium toxicity.',
      text: 'Lithium toxicity. Marfan syndrome seen.',
      mentions: [
        { start: 0, end: 7, text: 'Lithium', type: 'CHEMICAL', ids: ['MESH:D008094'] },
        { start: 8, end: 16, text: 'toxicity', type: 'DISEASE', ids: [] },
        { start: 18, end: 33, text: 'Marfan syndrome', type: 'DISEASE', ids: ['OMIM:154700', 'MESH:D008382'] },
      ],
    });
    expect(out).toBe(
      [
        '42|t|Lithium toxicity.',
        '42|a|Marfan syndrome seen.',
        '42\t0\t7\tLithium\tChemical\tD008094',
        '42\t8\t16\ttoxicity\tDisease\t-1',
        '42\t18\t33\tMarfan syndrome\tDisease\tOMIM:154700|D008382',
        '',
        '',
      ].join('\n'),
    );
  });

  it('writes a title-less text as first line + rest, keeping offsets', async () => {
    const text = 'Aspirin study\nFever fell.\nDone.';
    const out = formatPubTatorDocument({ externalId: 'doc', title: null, text, mentions: [{ start: 14, end: 19, text: 'Fever', type: 'DISEASE', ids: [] }] });
    expect(out).toBe('doc|t|Aspirin study\ndoc|a|Fever fell. Done.\ndoc\t14\t19\tFever\tDisease\t-1\n\n');
    const back = await readAll(write(out));
    expect(back[0]?.text).toBe('Aspirin study Fever fell. Done.');
    expect(back[0]?.mentions?.[0]).toMatchObject({ start: 14, end: 19, text: 'Fever' });
  });

  it('refuses an external id that cannot be a PMID column', () => {
    expect(() => formatPubTatorDocument({ externalId: 'a|b', title: 'T', text: 'T' })).toThrowError(/external id "a\|b" cannot be written/);
    expect(() => formatPubTatorDocument({ externalId: null, title: 'T', text: 'T' })).toThrowError(VanerError);
  });

  it('round-trips the committed fixture byte for byte through the streaming writer', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    const count = await writePubTator(readPubTator(FIXTURE), sink);
    expect(count).toBe(2);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(readFileSync(FIXTURE, 'utf8'));
  });

  it.skipIf(!BC5CDR.present)(
    BC5CDR.name('round-trips the BC5CDR development set: identical text, offsets and bytes'),
    async () => {
      const original = await readAll(BC5CDR_DEV);
      let written = '';
      for (const doc of original) written += formatPubTatorDocument(doc);
      const copy = write(written, 'cdr-copy.txt');
      const reread = await readAll(copy);
      expect(original).toHaveLength(500);
      expect(original.reduce((n, d) => n + (d.mentions?.length ?? 0), 0)).toBe(9591);
      expect(reread.map((d) => [d.externalId, d.text, d.mentions, d.relations])).toEqual(original.map((d) => [d.externalId, d.text, d.mentions, d.relations]));
      expect(written).toBe(readFileSync(BC5CDR_DEV, 'utf8'));
    },
  );
});

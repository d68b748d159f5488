/**
 * BioC XML and JSON readers and writers: exact records from committed fixtures, code point offsets,
 * per-record errors naming file and line, gzip, and writer → reader round trips.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat, readBiocJson, readBiocXml, readDocuments, type DocumentRecord, type FormatWarning } from '../src/formats/index.js';
import {
  BIOC_JSON_TAIL,
  BIOC_XML_TAIL,
  biocJsonHead,
  biocXmlHead,
  formatBiocJsonDocument,
  formatBiocXmlDocument,
  storedPassages,
  type ExportDocument,
} from '../src/formats/bioc-writer.js';
import { newlinesBeforeBadUtf8 } from '../src/formats/strict-utf8.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures', 'formats');
const XML = path.join(FIXTURES, 'bioc-sample.xml');
const JSON_FILE = path.join(FIXTURES, 'bioc-sample.json');
const tmp = mkdtempSync(path.join(tmpdir(), 'vaner-bioc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function collect(reader: AsyncIterable<DocumentRecord>): Promise<DocumentRecord[]> {
  const out: DocumentRecord[] = [];
  for await (const r of reader) out.push(r);
  return out;
}

const TITLE = 'Lithium & 𝛼-toxicity';
const TEXT_1 = `${TITLE} Renal failure after 𝛼 lithium.`;

function expectSample(records: DocumentRecord[], file: string, lines: [number, number], warnings: FormatWarning[]): void {
  expect(records.map((r) => [r.externalId, r.title, r.text, r.line, r.file])).toEqual([
    ['1001', TITLE, TEXT_1, lines[0], file],
    ['1002', 'Aspirin', 'Aspirin   Headache.', lines[1], file],
  ]);
  // UTF-16 offsets: 𝛼 (U+1D6FC) is one code point in the file and two code units here.
  expect(records[0]!.mentions!.map((m) => [m.start, m.end, m.text, m.type, m.ids])).toEqual([
    [0, 7, 'Lithium', 'CHEMICAL', ['MESH:D008094']],
    [22, 35, 'Renal failure', 'DISEASE', ['MESH:D051437']],
    [45, 52, 'lithium', 'CHEMICAL', ['MESH:D008094']],
  ]);
  expect(records[1]!.mentions!.map((m) => [m.start, m.end, m.text, m.ids])).toEqual([[10, 18, 'Headache', []]]);
  expect(records[0]!.metadata).toEqual({
    passages: [
      { offset: 0, length: 21, infons: { type: 'title' } },
      { offset: 22, length: 31, infons: { type: 'abstract' } },
    ],
  });
  expect(warnings.map((w) => [w.kind, w.file])).toEqual([['DISCONTINUOUS_SPAN', file]]);
}

describe('BioC readers', () => {
  it('reads BioC XML documents, passages and annotations with UTF-16 offsets', async () => {
    const warnings: FormatWarning[] = [];
    expectSample(await collect(readBiocXml(XML, { onWarning: (w) => warnings.push(w) })), XML, [7, 44], warnings);
    expect(warnings[0]!.line).toBe(36);
  });

  it('reads BioC JSON the same way, naming each document line', async () => {
    const warnings: FormatWarning[] = [];
    expectSample(await collect(readBiocJson(JSON_FILE, { onWarning: (w) => warnings.push(w) })), JSON_FILE, [7, 36], warnings);
  });

  it('detects both formats and reads them gzipped', async () => {
    expect(await detectFormat(XML)).toBe('bioc');
    expect(await detectFormat(JSON_FILE)).toBe('biocjson');
    const gz = path.join(tmp, 'sample.bioc');
    writeFileSync(gz, gzipSync(Buffer.from(await import('node:fs').then((fs) => fs.readFileSync(XML)))));
    expect(await detectFormat(gz)).toBe('bioc');
    const records = await collect(readDocuments(gz));
    expect(records.map((r) => r.externalId)).toEqual(['1001', '1002']);
  });

  it('reports broken records with file and line', async () => {
    const badJson = path.join(tmp, 'bad.json');
    writeFileSync(badJson, '{"documents": [\n{"id": "a", "passages": [{"offset": 0, "text": "abc", "annotations": []}]},\n{"id": "b", "passages": [{"offset": 0, "text": "abc",\n "annotations": [{"infons": {"type": "Chemical"}, "text": "abd", "locations": [{"offset": 0, "length": 3}]}]}]}\n]}\n');
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const r of readBiocJson(badJson)) got.push(r.externalId!);
      })(),
    ).rejects.toMatchObject({ code: 'INVALID_FORMAT', details: { file: badJson, line: 3 } });
    expect(got).toEqual(['a']);

    const truncated = path.join(tmp, 'truncated.json');
    writeFileSync(truncated, '{"documents": [\n{"id": "a", "passages": [');
    await expect(collect(readBiocJson(truncated))).rejects.toMatchObject({ code: 'INVALID_FORMAT', message: `${truncated}:2: the file ends inside a JSON value (truncated?)` });

    const badXml = path.join(tmp, 'bad.xml');
    writeFileSync(badXml, '<collection>\n<document><id>x</id>\n<passage><offset>zero</offset><text>a</text></passage></document></collection>\n');
    await expect(collect(readBiocXml(badXml))).rejects.toMatchObject({ code: 'INVALID_FORMAT', details: { file: badXml, line: 3 } });

    const malformed = path.join(tmp, 'malformed.xml');
    writeFileSync(malformed, '<collection>\n<document><id>x</id>\n</passage>\n');
    await expect(collect(readBiocXml(malformed))).rejects.toMatchObject({ code: 'INVALID_FORMAT', details: { file: malformed, line: 3 } });

    const badUtf8 = path.join(tmp, 'bad-utf8.xml');
    writeFileSync(badUtf8, Buffer.concat([Buffer.from('<collection>\n<document><id>'), Buffer.from([0xff, 0xfe]), Buffer.from('</id></document></collection>')]));
    await expect(collect(readBiocXml(badUtf8))).rejects.toMatchObject({ code: 'INVALID_UTF8' });
  });
});

describe('invalid UTF-8 in BioC names its line, not the line where the 64 KiB read began', () => {
  // Documents of one line each; `bad` puts 0xC3 0x28 (a lead byte without its continuation) into one document's text.
  function collection(kind: 'xml' | 'json', documents: number, bad: number): Buffer {
    const doc = (i: number): string =>
      kind === 'xml'
        ? `<document><id>d${i}</id><passage><offset>0</offset><text>Lithium é toxicity ${i}${i === bad ? '\u0000' : ''}</text></passage></document>\n`
        : `${i === 0 ? '' : ','}{"id": "d${i}", "passages": [{"offset": 0, "text": "Lithium é toxicity ${i}${i === bad ? '\u0000' : ''}"}]}\n`;
    const head = kind === 'xml' ? '<collection>\n' : '{"documents": [\n';
    const body = Array.from({ length: documents }, (_, i) => doc(i)).join('');
    const bytes = Buffer.from(head + body + (kind === 'xml' ? '</collection>\n' : ']}\n'));
    // The placeholder NUL becomes the invalid sequence (same length plus one byte: offsets do not matter here).
    const at = bytes.indexOf(0);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28]), bytes.subarray(at + 1)]);
  }

  for (const kind of ['xml', 'json'] as const) {
    const read = kind === 'xml' ? readBiocXml : readBiocJson;
    it(`BioC ${kind}: a bad byte on line 12 and on line 2,001 (the second read of the file)`, async () => {
      for (const bad of [10, 1999]) {
        const file = path.join(tmp, `bad-line-${bad}.${kind}`);
        const bytes = collection(kind, 3000, bad);
        expect(bytes.length).toBeGreaterThan(2 * 65536);
        writeFileSync(file, bytes);
        // Line 1 is the collection's head; document i is on line i + 2.
        await expect(collect(read(file))).rejects.toMatchObject({ code: 'INVALID_UTF8', message: `${file}:${bad + 2}: invalid UTF-8 byte sequence` });
      }
    });
  }

  it('newlinesBeforeBadUtf8: a character begun in the previous chunk or finished in the next one is not the error', () => {
    // 'é' is C3 A9: a chunk may start with its A9 and end with its C3.
    expect(newlinesBeforeBadUtf8(Buffer.from([0xa9, 0x0a, 0x61, 0x0a, 0x62, 0xff, 0x0a, 0xc3]))).toBe(2);
    expect(newlinesBeforeBadUtf8(Buffer.from([0xa9, 0x61, 0x0a, 0x62, 0x0a, 0xc3]))).toBe(0);
  });
});

describe('BioC writers', () => {
  const doc = (r: DocumentRecord): ExportDocument => ({
    id: r.externalId!,
    title: r.title,
    text: r.text,
    passages: storedPassages(r.metadata as Record<string, unknown>, r.text),
    mentions: r.mentions!.map((m) => ({ start: m.start, end: m.end, text: m.text, type: m.type, ids: m.ids })),
  });

  it('round-trips text, passages and every offset through XML and JSON', async () => {
    const records = await collect(readBiocXml(XML));
    const xmlOut = path.join(tmp, 'out.xml');
    writeFileSync(xmlOut, biocXmlHead('test', '2024-01-01') + records.map((r) => formatBiocXmlDocument(doc(r))).join('') + BIOC_XML_TAIL);
    const jsonOut = path.join(tmp, 'out.json');
    writeFileSync(jsonOut, biocJsonHead('test', '2024-01-01') + records.map((r) => formatBiocJsonDocument(doc(r))).join(',\n') + BIOC_JSON_TAIL);
    const strip = (rs: DocumentRecord[]) => rs.map((r) => ({ id: r.externalId, title: r.title, text: r.text, metadata: r.metadata, mentions: r.mentions!.map((m) => [m.start, m.end, m.text, m.type, m.ids]) }));
    expect(strip(await collect(readBiocXml(xmlOut)))).toEqual(strip(records));
    expect(strip(await collect(readBiocJson(jsonOut)))).toEqual(strip(records));
  });

  it('escapes XML specials and keeps CR as a character reference', async () => {
    const text = 'a < b & "c"\r\nd';
    const xml = formatBiocXmlDocument({ id: 'x&y', title: null, text, passages: null, mentions: [{ start: 13, end: 14, text: 'd', type: 'DISEASE', ids: [] }] });
    const file = path.join(tmp, 'escape.xml');
    writeFileSync(file, biocXmlHead('s', 'd') + xml + BIOC_XML_TAIL);
    const [record] = await collect(readBiocXml(file));
    expect([record!.externalId, record!.text, record!.mentions!.map((m) => [m.start, m.end, m.text])]).toEqual(['x&y', text, [[13, 14, 'd']]]);
  });
});

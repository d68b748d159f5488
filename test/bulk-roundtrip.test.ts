/**
 * Round trips through the embedded store and the streaming export: PubTator (a committed BC5CDR
 * sample, and the full BC5CDR development set when the corpora folder has it: test/corpus.ts) and BioC (XML and JSON).
 * Gold mentions are stored with replaceMentions (as a labeler's would be), exported, read back, and
 * every document's text, passages and mention offsets must come back unchanged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDocuments, type DocumentRecord, type FormatName } from '../src/formats/index.js';
import { exportDocuments, type ExportFormat } from '../src/app/export-documents.js';
import { type MentionInput } from '../src/domain/index.js';
import { openEmbeddedStore } from '../src/store/index.js';
import { corpusFile } from './corpus.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SAMPLE = path.join(ROOT, 'bench', 'ner-sample.PubTator.txt');
const BC5CDR = corpusFile('bc5cdr/CDR_DevelopmentSet.PubTator.txt');
const BC5CDR_DEV = BC5CDR.path;
const BIOC_XML = path.join(ROOT, 'test', 'fixtures', 'formats', 'bioc-sample.xml');
const BIOC_JSON = path.join(ROOT, 'test', 'fixtures', 'formats', 'bioc-sample.json');
const tmp = mkdtempSync(path.join(tmpdir(), 'vaner-roundtrip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function read(file: string, format: FormatName): Promise<DocumentRecord[]> {
  const out: DocumentRecord[] = [];
  for await (const r of readDocuments(file, { format })) out.push(r);
  return out;
}

/** One stored mention per (span, id), as the processor stores composite links. */
function goldMentions(record: DocumentRecord): MentionInput[] {
  return (record.mentions ?? []).flatMap((m) =>
    (m.ids.length === 0 ? [null] : m.ids).map((entityId) => ({
      start: m.start, end: m.end, text: m.text, type: m.type, confidence: null, entityId,
      linkMethod: entityId === null ? null : ('exact' as const), matchedName: null, linkConfidence: null, sentence: null,
    })),
  );
}

/** What must survive: text, passages, and the set of (start, end, type, sorted ids). */
function shape(records: DocumentRecord[]) {
  return records.map((r) => ({
    id: r.externalId,
    text: r.text,
    passages: (r.metadata as { passages?: unknown } | null | undefined)?.passages ?? null,
    mentions: [...new Set((r.mentions ?? []).map((m) => JSON.stringify([m.start, m.end, m.type, [...m.ids].sort()])))].sort(),
  }));
}

async function roundTrip(file: string, inFormat: FormatName, outFormat: ExportFormat): Promise<{ before: DocumentRecord[]; after: DocumentRecord[] }> {
  const before = await read(file, inFormat);
  const store = await openEmbeddedStore({ path: path.join(tmp, `${path.basename(file)}-${outFormat}.db`) });
  try {
    const put = await store.putDocuments(before.map((r) => ({ externalId: r.externalId, title: r.title, text: r.text, metadata: r.metadata ?? null })));
    for (const [i, result] of put.entries()) {
      const ok = await store.replaceMentions(result.document.id, result.document.textHash, goldMentions(before[i]!), { labeler: 'gold', modelVersion: 'gold', linkerVersion: 'gold' });
      expect(ok).toBe(true);
    }
    const chunks: string[] = [];
    for await (const chunk of exportDocuments(store, { format: outFormat, pageSize: 37 })) chunks.push(chunk);
    const out = path.join(tmp, `${path.basename(file)}.${outFormat}`);
    writeFileSync(out, chunks.join(''));
    const readBack: FormatName = outFormat === 'bioc' ? 'bioc' : outFormat === 'biocjson' ? 'biocjson' : outFormat === 'jsonl' ? 'jsonl' : 'pubtator';
    return { before, after: await read(out, readBack) };
  } finally {
    await store.close();
  }
}

describe('round trips through the store and the export', () => {
  it('PubTator (committed BC5CDR sample) -> store -> PubTator reproduces every offset', async () => {
    const { before, after } = await roundTrip(SAMPLE, 'pubtator', 'pubtator');
    expect(before.length).toBeGreaterThan(10);
    expect(shape(after)).toEqual(shape(before));
    expect(after.map((r) => r.title)).toEqual(before.map((r) => r.title));
  });

  it('PubTator -> store -> JSONL and BioC keeps text and offsets', async () => {
    for (const format of ['jsonl', 'biocjson', 'bioc'] as const) {
      const { before, after } = await roundTrip(SAMPLE, 'pubtator', format);
      const strip = (rs: DocumentRecord[]) => shape(rs).map((s) => ({ ...s, passages: null }));
      expect(strip(after)).toEqual(strip(before));
    }
  });

  it.skipIf(!BC5CDR.present)(BC5CDR.name('BC5CDR development set -> store -> PubTator reproduces every offset'), async () => {
    const { before, after } = await roundTrip(BC5CDR_DEV, 'pubtator', 'pubtator');
    expect(before).toHaveLength(500);
    expect(shape(after)).toEqual(shape(before));
  }, 60_000);

  it('BioC XML -> store -> BioC XML and BioC JSON -> store -> BioC JSON keep passages and offsets', async () => {
    const xml = await roundTrip(BIOC_XML, 'bioc', 'bioc');
    expect(shape(xml.after)).toEqual(shape(xml.before));
    const json = await roundTrip(BIOC_JSON, 'biocjson', 'biocjson');
    expect(shape(json.after)).toEqual(shape(json.before));
    expect(shape(json.after)[0]!.mentions).toHaveLength(3);
  });
});

if (!BC5CDR.present) console.warn(`BC5CDR round trip skipped: ${BC5CDR_DEV} is absent (set VANER_DATA)`);

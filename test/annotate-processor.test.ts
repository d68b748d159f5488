import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VanerError } from '../src/errors.js';
import { createAnnotateProcessor, openInProcessQueue } from '../src/jobs/index.js';
import type { JobProgress, QueueJob } from '../src/jobs/port.js';
import type { Linker, LinkResult } from '../src/kb/linker-types.js';
import type { EntityType, LabelInput, LabelOptions, Labeler, Span, StoredDocument } from '../src/domain/index.js';
import { openEmbeddedStore } from '../src/store/index.js';
import type { Store } from '../src/store/port.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-annotate-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A small real labeler: finds every occurrence of a fixed term list, records its calls. */
class TermLabeler implements Labeler {
  readonly kind = 'dictionary';
  readonly types: readonly EntityType[] = ['CHEMICAL', 'DISEASE'];
  readonly calls: string[][] = [];
  readonly schemesSeen: (string | undefined)[] = [];
  readonly schemes: readonly string[];
  readonly defaultScheme: string | null;
  constructor(
    readonly version: string,
    private readonly terms: readonly [string, EntityType][],
    private readonly hooks: { onCall?: (call: number) => void; refuse?: string; schemes?: string[] } = {},
  ) {
    this.schemes = hooks.schemes ?? [];
    this.defaultScheme = this.schemes[0] ?? null;
  }
  async label(inputs: readonly LabelInput[], options: LabelOptions = {}): Promise<Span[][]> {
    if (options.signal?.aborted) throw new VanerError('CANCELLED', 'aborted', { retriable: true });
    this.calls.push(inputs.map((i) => i.id));
    this.schemesSeen.push(options.scheme);
    this.hooks.onCall?.(this.calls.length);
    if (this.hooks.refuse !== undefined && inputs.some((i) => i.text.includes(this.hooks.refuse!))) {
      throw new VanerError('DOCUMENT_TOO_LARGE', 'text refused by the labeler');
    }
    return inputs.map(({ text }) => {
      const spans: Span[] = [];
      for (const [term, type] of this.terms) {
        for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
          spans.push({ start: at, end: at + term.length, type, text: term, confidence: 0.8 });
        }
      }
      return spans.sort((a, b) => a.start - b.start);
    });
  }
  async close(): Promise<void> {}
}

/** A small real linker over a fixed name table. */
const linker: Linker = {
  version: 'linker-test-1',
  async link(_text, spans) {
    const table: Record<string, LinkResult> = {
      aspirin: { entityId: 'MESH:D001241', method: 'exact', matchedName: 'Aspirin', confidence: 1 },
      asthma: { entityId: 'MESH:D001249', method: 'normalized', matchedName: 'Asthma', confidence: 0.9 },
      'breast and ovarian cancer': {
        entityId: 'MESH:D001943', method: 'composite', matchedName: 'breast cancer', confidence: 0.7, additionalEntityIds: ['MESH:D010051'],
      },
    };
    return spans.map((s) => table[s.text.toLowerCase()] ?? { entityId: null, method: null, matchedName: null, confidence: null });
  },
};

const TERMS: [string, EntityType][] = [['Aspirin', 'CHEMICAL'], ['asthma', 'DISEASE'], ['fooitis', 'DISEASE'], ['breast and ovarian cancer', 'DISEASE']];

function jobOf(documentIds: readonly string[], progress: JobProgress[], scheme: string | null = null): QueueJob {
  return { id: 'job_test', documentIds, scheme, attempt: 1, updateProgress: async (p) => void progress.push(p) };
}

describe('annotate processor', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openEmbeddedStore({ path: path.join(root, `a${counter++}.db`) });
  });
  afterEach(async () => {
    await store.close();
  });

  const put = async (...texts: string[]): Promise<StoredDocument[]> => (await store.putDocuments(texts.map((text) => ({ text })))).map((r) => r.document);

  it('stores exact linked and unlinked mentions with provenance and sentence indexes; reports missing documents', async () => {
    const [d1, d2] = await put('Aspirin treats pain. Patients with asthma avoid Aspirin.', 'A case of fooitis.');
    const labeler = new TermLabeler('dict-7', TERMS);
    const progress: JobProgress[] = [];
    const process = createAnnotateProcessor({ store, labeler, linker, batchSize: 2 });
    const result = await process(jobOf([d1!.id, 'doc_missing', d2!.id], progress), undefined, new AbortController().signal);

    expect(result).toEqual({ failures: [{ documentId: 'doc_missing', code: 'NOT_FOUND', message: 'document doc_missing not found' }] });
    expect(progress).toEqual([{ total: 3, done: 1, failed: 1 }, { total: 3, done: 2, failed: 1 }]);
    expect(labeler.calls).toEqual([[d1!.id], [d2!.id]]);

    const [m1, m2] = await store.getMentionsByDocument([d1!.id, d2!.id]);
    expect(m1!.map((m) => [m.start, m.end, m.text, m.type, m.entityId, m.linkMethod, m.matchedName, m.linkConfidence, m.confidence, m.sentence])).toEqual([
      [0, 7, 'Aspirin', 'CHEMICAL', 'MESH:D001241', 'exact', 'Aspirin', 1, 0.8, 0],
      [35, 41, 'asthma', 'DISEASE', 'MESH:D001249', 'normalized', 'Asthma', 0.9, 0.8, 1],
      [48, 55, 'Aspirin', 'CHEMICAL', 'MESH:D001241', 'exact', 'Aspirin', 1, 0.8, 1],
    ]);
    expect(m2!.map((m) => [m.start, m.end, m.text, m.entityId, m.linkMethod, m.matchedName])).toEqual([[10, 17, 'fooitis', null, null, null]]);
    expect(m1![0]).toMatchObject({ labeler: 'dictionary', modelVersion: 'dict-7', linkerVersion: 'linker-test-1', review: 'unreviewed' });
    const [doc1] = await store.getDocuments([d1!.id]);
    expect(doc1).toMatchObject({ labeler: 'dictionary', modelVersion: 'dict-7' });
  });

  it('stores one mention per entity of a composite link', async () => {
    const [d] = await put('Risk of breast and ovarian cancer.');
    await createAnnotateProcessor({ store, labeler: new TermLabeler('v1', TERMS), linker })(jobOf([d!.id], []), undefined, new AbortController().signal);
    const [mentions] = await store.getMentionsByDocument([d!.id]);
    expect(mentions!.map((m) => [m.start, m.end, m.entityId, m.linkMethod])).toEqual([
      [8, 33, 'MESH:D001943', 'composite'],
      [8, 33, 'MESH:D010051', 'composite'],
    ]);
  });

  it('skips documents already annotated by the same labeler version, and redoes them for a new version', async () => {
    const [d1, d2] = await put('Aspirin.', 'asthma.');
    const v1 = new TermLabeler('v1', TERMS);
    await createAnnotateProcessor({ store, labeler: v1, linker })(jobOf([d1!.id], []), undefined, new AbortController().signal);
    const progress: JobProgress[] = [];
    const again = new TermLabeler('v1', TERMS);
    await createAnnotateProcessor({ store, labeler: again, linker })(jobOf([d1!.id, d2!.id], progress), undefined, new AbortController().signal);
    expect(again.calls).toEqual([[d2!.id]]);
    expect(progress).toEqual([{ total: 2, done: 2, failed: 0 }]);
    const v2 = new TermLabeler('v2', TERMS);
    await createAnnotateProcessor({ store, labeler: v2, linker })(jobOf([d1!.id, d2!.id], []), undefined, new AbortController().signal);
    expect(v2.calls).toEqual([[d1!.id, d2!.id]]);
    expect((await store.getMentionsByDocument([d1!.id]))[0]![0]?.modelVersion).toBe('v2');
  });

  it("labels under the job's scheme (else the labeler's default), records it on mentions and documents, and redoes a document under another scheme", async () => {
    const [d1] = await put('Aspirin and asthma.');
    const schemes = ['bc5cdr', 'ncbi-disease'];
    const first = new TermLabeler('v1', TERMS, { schemes });
    await createAnnotateProcessor({ store, labeler: first, linker })(jobOf([d1!.id], []), undefined, new AbortController().signal);
    expect(first.schemesSeen).toEqual(['bc5cdr']);
    expect((await store.getMentionsByDocument([d1!.id]))[0]!.map((m) => m.scheme)).toEqual(['bc5cdr', 'bc5cdr']);
    expect((await store.getDocuments([d1!.id]))[0]).toMatchObject({ modelVersion: 'v1', scheme: 'bc5cdr' });

    const same = new TermLabeler('v1', TERMS, { schemes });
    await createAnnotateProcessor({ store, labeler: same, linker })(jobOf([d1!.id], [], 'bc5cdr'), undefined, new AbortController().signal);
    expect(same.calls).toEqual([]);
    const other = new TermLabeler('v1', TERMS, { schemes });
    await createAnnotateProcessor({ store, labeler: other, linker })(jobOf([d1!.id], [], 'ncbi-disease'), undefined, new AbortController().signal);
    expect(other.schemesSeen).toEqual(['ncbi-disease']);
    expect((await store.getMentionsByDocument([d1!.id]))[0]!.map((m) => m.scheme)).toEqual(['ncbi-disease', 'ncbi-disease']);
    expect((await store.getDocuments([d1!.id]))[0]).toMatchObject({ scheme: 'ncbi-disease' });
  });

  it('fails a job with an unknown scheme for good, naming the available schemes; a labeler without schemes records null', async () => {
    const [d1] = await put('Aspirin.');
    const labeler = new TermLabeler('v1', TERMS, { schemes: ['bc5cdr', 's800'] });
    const run = createAnnotateProcessor({ store, labeler, linker })(jobOf([d1!.id], [], 'bc2gm'), undefined, new AbortController().signal);
    await expect(run).rejects.toMatchObject({
      code: 'BAD_USER_INPUT', retriable: false, message: "unknown annotation scheme 'bc2gm': available schemes are bc5cdr, s800",
    });
    expect(labeler.calls).toEqual([]);
    const plain = new TermLabeler('v1', TERMS);
    await createAnnotateProcessor({ store, labeler: plain, linker })(jobOf([d1!.id], []), undefined, new AbortController().signal);
    expect((await store.getMentionsByDocument([d1!.id]))[0]!.map((m) => m.scheme)).toEqual([null]);
    await expect(
      createAnnotateProcessor({ store, labeler: plain, linker })(jobOf([d1!.id], [], 'bc5cdr'), undefined, new AbortController().signal),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('the dictionary labeler has no annotation schemes') });
  });

  it('isolates a document the labeler refuses and stores the rest', async () => {
    const [ok, bad] = await put('Aspirin works.', 'HUGE asthma text.');
    const labeler = new TermLabeler('v1', TERMS, { refuse: 'HUGE' });
    const result = await createAnnotateProcessor({ store, labeler, linker })(jobOf([ok!.id, bad!.id], []), undefined, new AbortController().signal);
    expect(result.failures).toEqual([{ documentId: bad!.id, code: 'DOCUMENT_TOO_LARGE', message: 'text refused by the labeler' }]);
    expect(labeler.calls).toEqual([[ok!.id, bad!.id], [ok!.id], [bad!.id]]);
    expect((await store.getMentionsByDocument([ok!.id, bad!.id])).map((m) => m.length)).toEqual([1, 0]);
  });

  it('stops between batches when the signal aborts, with a retriable CANCELLED', async () => {
    const docs = await put('Aspirin one.', 'Aspirin two.', 'Aspirin three.');
    const controller = new AbortController();
    const labeler = new TermLabeler('v1', TERMS, { onCall: (n) => n === 1 && controller.abort() });
    const run = createAnnotateProcessor({ store, labeler, linker, batchSize: 1 })(jobOf(docs.map((d) => d.id), []), undefined, controller.signal);
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED', retriable: true });
    expect(labeler.calls).toEqual([[docs[0]!.id]]);
    // The batch in flight when the signal fired was finished and stored; nothing after it.
    expect((await store.getMentionsByDocument(docs.map((d) => d.id))).map((m) => m.length)).toEqual([1, 0, 0]);
  });

  it('refuses an invalid batch size with CONFIG_INVALID', () => {
    expect(() => createAnnotateProcessor({ store, labeler: new TermLabeler('v1', TERMS), linker, batchSize: 0 })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('runs end to end through the in-process queue', async () => {
    const docs = await put('Aspirin and asthma.', 'Nothing here.');
    const queue = await openInProcessQueue({ path: path.join(root, `q${counter++}.db`), pollIntervalMs: 20 });
    try {
      const worker = queue.startWorker(createAnnotateProcessor({ store, labeler: new TermLabeler('v1', TERMS), linker }));
      const job = await queue.enqueue([...docs.map((d) => d.id), 'doc_gone']);
      let info = (await queue.getJobs([job.id]))[0];
      for (const deadline = Date.now() + 10_000; info?.state !== 'COMPLETED' && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 20));
        info = (await queue.getJobs([job.id]))[0];
      }
      expect(info).toMatchObject({
        state: 'COMPLETED', progress: { total: 3, done: 2, failed: 1 },
        failures: [{ documentId: 'doc_gone', code: 'NOT_FOUND', message: 'document doc_gone not found' }],
      });
      expect((await store.getMentionsByDocument(docs.map((d) => d.id))).map((ms) => ms.map((m) => m.entityId))).toEqual([['MESH:D001241', 'MESH:D001249'], []]);
      await worker.close();
    } finally {
      await queue.close();
    }
  });
});

/**
 * API capabilities the dashboard added (and any client may use): file uploads read by the same
 * readers as `vaner submit` (submitFiles), document search by text, an entity's names with their
 * origin and its MeSH children. Over HTTP against the real server, embedded store and queue.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteKeyStore, type ApiKeyStore } from '../src/auth/index.js';
import type { EntityRecord } from '../src/domain/index.js';
import { startApiServer, type ApiServer } from '../src/graphql/server.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue } from '../src/jobs/port.js';
import { silentLogger } from '../src/log.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';
import type { Store } from '../src/store/port.js';

const KB: EntityRecord[] = [
  { id: 'MESH:D006331', type: 'DISEASE', name: 'Heart Diseases', synonyms: [], parentIds: [], treeNumbers: ['C14.280'], source: 'ctd-medic' },
  { id: 'MESH:D006323', type: 'DISEASE', name: 'Heart Arrest', synonyms: ['Cardiac Arrest'], parentIds: ['MESH:D006331'], treeNumbers: ['C14.280.383'], source: 'ctd-medic' },
  { id: 'MESH:D001145', type: 'DISEASE', name: 'Arrhythmias, Cardiac', synonyms: ['Arrhythmia'], parentIds: ['MESH:D006331'], treeNumbers: ['C14.280.067'], source: 'ctd-medic' },
];
const SAMPLE = fs.readFileSync('bench/ner-sample.PubTator.txt', 'utf8');

describe('dashboard API additions over HTTP', () => {
  let dir: string;
  let store: Store;
  let queue: JobQueue;
  let keys: ApiKeyStore;
  let server: ApiServer;
  const key: Record<string, string> = {};

  async function gql(query: string, variables: Record<string, unknown> = {}, as = 'submitter'): Promise<{ status: number; data?: any; errors?: any[] }> {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key[as]}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as object) };
  }

  const SUBMIT_FILES = `mutation($files: [UploadFileInput!]!, $format: UploadFormat) {
    submitFiles(files: $files, format: $format) {
      formats documentCount warnings
      submissions { job { id progress { total } } documents { externalId title text } outcomes { outcome } }
    } }`;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-dash-api-'));
    const file = path.join(dir, 'vaner.db');
    store = await openEmbeddedStore({ path: file });
    await store.upsertEntities(KB);
    queue = await openInProcessQueue({ path: file });
    keys = openSqliteKeyStore({ path: file, dataDir: dir });
    for (const role of ['reader', 'submitter'] as const) key[role] = (await keys.create({ owner: role, role, origin: 'cli' })).key;
    server = await startApiServer({
      store, queue, logger: silentLogger, host: '127.0.0.1', port: 0,
      limits: { maxDocumentChars: 100_000, maxBatchDocuments: 8, maxBodyBytes: 64 * 1024 },
      ide: false, introspection: false, dashboardDir: null,
      auth: { keys, anonymousRead: false, rateLimit: { perSecond: 500, burst: 1000 } },
    });
  });

  afterAll(async () => {
    await server?.close();
    await queue?.close();
    await keys?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads an uploaded PubTator file like vaner submit, in batches of the configured maximum', async () => {
    const r = await gql(SUBMIT_FILES, { files: [{ name: 'ner-sample.PubTator.txt', content: SAMPLE }] });
    expect(r.errors).toBeUndefined();
    const s = r.data.submitFiles;
    expect(s).toMatchObject({ formats: ['PUBTATOR'], documentCount: 20, warnings: [] });
    // maxBatchDocuments 8: 8 + 8 + 4 documents, one job each.
    expect(s.submissions.map((x: any) => x.job.progress.total)).toEqual([8, 8, 4]);
    const first = s.submissions[0].documents[0];
    expect(first.externalId).toBe('6794356');
    expect(first.title).toBe('Tricuspid valve regurgitation and lithium carbonate toxicity in a newborn infant.');
    expect(first.text.startsWith(`${first.title} A newborn with massive tricuspid regurgitation`)).toBe(true);
    // Idempotent by externalId, as submitDocuments.
    const again = await gql(SUBMIT_FILES, { files: [{ name: 'again.pubtator', content: SAMPLE }] });
    expect(again.data.submitFiles.submissions.flatMap((x: any) => x.outcomes.map((o: any) => o.outcome))).toEqual(Array(20).fill('UNCHANGED'));
  });

  it('reads BRAT pairs, gzip sent as base64, and text files named by the file', async () => {
    const brat = await gql(SUBMIT_FILES, {
      files: [
        { name: 'case1.txt', content: 'Cardiac arrest after arrhythmia.' },
        { name: 'case1.ann', content: 'T1\tDisease 0 14\tCardiac arrest\n' },
      ],
    });
    expect(brat.errors).toBeUndefined();
    expect(brat.data.submitFiles).toMatchObject({ formats: ['BRAT'], documentCount: 1 });
    expect(brat.data.submitFiles.submissions[0].documents[0]).toMatchObject({ externalId: 'case1', text: 'Cardiac arrest after arrhythmia.' });

    const jsonl = `${JSON.stringify({ externalId: 'J1', text: 'Heart arrest in a child.' })}\n`;
    const gz = await gql(SUBMIT_FILES, { files: [{ name: 'docs.jsonl.gz', content: gzipSync(jsonl).toString('base64'), encoding: 'BASE64' }] });
    expect(gz.errors).toBeUndefined();
    expect(gz.data.submitFiles).toMatchObject({ formats: ['JSONL'], documentCount: 1 });
    expect(gz.data.submitFiles.submissions[0].documents[0]).toMatchObject({ externalId: 'J1', text: 'Heart arrest in a child.' });

    const text = await gql(SUBMIT_FILES, { files: [{ name: 'note-7.txt', content: 'Arrhythmia was treated.' }], format: 'TEXT' });
    expect(text.data.submitFiles.submissions[0].documents[0]).toMatchObject({ externalId: 'note-7', text: 'Arrhythmia was treated.' });
  });

  it('reports a batch whose every document is invalid among valid batches, and refuses an upload with none valid', async () => {
    // maxBatchDocuments is 8: the first batch is 8 empty texts, the second two good documents.
    const lines = [
      ...Array.from({ length: 8 }, (_, i) => JSON.stringify({ externalId: `EMPTY-${i}`, text: '   ' })),
      JSON.stringify({ externalId: 'GOOD-A', text: 'Heart arrest in a child.' }),
      JSON.stringify({ externalId: 'GOOD-B', text: 'Arrhythmia was treated.' }),
    ];
    const r = await gql(SUBMIT_FILES, { files: [{ name: 'mixed-batches.jsonl', content: `${lines.join('\n')}\n` }] });
    expect(r.errors).toBeUndefined();
    const [first, second] = r.data.submitFiles.submissions;
    expect(first.outcomes.map((o: any) => o.outcome)).toEqual(Array(8).fill('REJECTED'));
    expect(first.documents).toEqual([]);
    expect(first.job.progress.total).toBe(0);
    expect(second.documents.map((d: any) => d.externalId)).toEqual(['GOOD-A', 'GOOD-B']);
    expect(second.job.progress.total).toBe(2);

    // None valid in either batch: the whole upload is refused, every error indexed across the upload.
    const before = (await store.listDocuments({ first: 1 })).totalCount;
    const none = await gql(SUBMIT_FILES, { files: [{ name: 'all-empty.jsonl', content: `${lines.slice(0, 8).concat(lines.slice(0, 2).map((l) => l.replace('EMPTY', 'BLANK'))).join('\n')}\n` }] });
    expect(none.errors?.[0]?.extensions?.code).toBe('EMPTY_TEXT');
    expect(none.errors?.[0]?.message).toBe('all 10 documents are invalid');
    expect(none.errors?.[0]?.extensions?.details?.errors.map((e: any) => e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await store.listDocuments({ first: 1 })).totalCount).toBe(before);
  });

  it('refuses unreadable files with the uploaded name and line, never the server path, storing nothing', async () => {
    const before = (await store.listDocuments({ first: 1 })).totalCount;
    const bad = await gql(SUBMIT_FILES, { files: [{ name: 'broken.jsonl', content: '{"externalId": "A", "text": "ok"}\n{not json\n' }] });
    expect(bad.errors?.[0]?.extensions?.code).toBe('INVALID_FORMAT');
    expect(bad.errors?.[0]?.message).toMatch(/^broken\.jsonl:2: /);
    expect(JSON.stringify(bad.errors)).not.toContain(os.tmpdir());
    expect((await store.listDocuments({ first: 1 })).totalCount).toBe(before);

    const utf8 = await gql(SUBMIT_FILES, { files: [{ name: 'latin1.txt', content: Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('base64'), encoding: 'BASE64' }] });
    expect(utf8.errors?.[0]?.extensions?.code).toBe('INVALID_UTF8');
    expect(utf8.errors?.[0]?.message).toMatch(/^latin1\.txt:1: /);

    // Not base64 at all, or base64 with trailing junk: Buffer.from skipped the junk and stored what was left.
    for (const content of ['Aspirin causes headache in most patients', `${Buffer.from('Aspirin causes headache').toString('base64')}!!!???`]) {
      const r = await gql(SUBMIT_FILES, { files: [{ name: 'notes.txt', content, encoding: 'BASE64' }] });
      expect(r.errors?.[0]).toMatchObject({ message: 'file 0: notes.txt is not valid base64 (encoding BASE64)', extensions: { code: 'BAD_USER_INPUT' } });
    }
    expect((await store.listDocuments({ first: 1 })).totalCount).toBe(before);

    for (const files of [[], [{ name: '..', content: 'x' }], [{ name: 'a.txt', content: 'x' }, { name: 'dir/a.txt', content: 'y' }]]) {
      const r = await gql(SUBMIT_FILES, { files });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const empty = await gql(SUBMIT_FILES, { files: [{ name: 'empty.jsonl', content: '\n' }] });
    expect(empty.errors?.[0]).toMatchObject({ message: 'the files hold no documents', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('needs the submitter role and stays within the body limit', async () => {
    const reader = await gql(SUBMIT_FILES, { files: [{ name: 'a.txt', content: 'Heart arrest.' }] }, 'reader');
    expect(reader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const big = await gql(SUBMIT_FILES, { files: [{ name: 'big.txt', content: 'x'.repeat(70 * 1024) }] });
    expect(big.status).toBe(413);
    expect(big.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('finds documents by text, and serves names with their origin and MeSH children', async () => {
    const r = await gql(`{ documents(text: "LITHIUM CARBONATE", first: 5) { totalCount edges { node { externalId } } } }`, {}, 'reader');
    expect(r.data.documents).toEqual({ totalCount: 1, edges: [{ node: { externalId: '6794356' } }] });
    const long = await gql(`query($t: String) { documents(text: $t) { totalCount } }`, { t: 'x'.repeat(201) }, 'reader');
    expect(long.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const e = await gql(`{ entity(id: "MESH:D006331") { children { id name } } arrest: entity(id: "MESH:D006323") { names { name origin entityId } parents { id } } }`, {}, 'reader');
    expect(e.errors).toBeUndefined();
    expect(e.data.entity.children).toEqual([
      { id: 'MESH:D001145', name: 'Arrhythmias, Cardiac' },
      { id: 'MESH:D006323', name: 'Heart Arrest' },
    ]);
    expect(e.data.arrest).toEqual({
      names: [
        { name: 'Heart Arrest', origin: 'vocabulary', entityId: 'MESH:D006323' },
        { name: 'Cardiac Arrest', origin: 'vocabulary', entityId: 'MESH:D006323' },
      ],
      parents: [{ id: 'MESH:D006331' }],
    });
    const tooMany = await gql(`{ entity(id: "MESH:D006331") { children(first: 101) { id } } }`, {}, 'reader');
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers / with a clear page when the dashboard is not built', async () => {
    const other = await startApiServer({
      store, queue, logger: silentLogger, host: '127.0.0.1', port: 0,
      limits: { maxDocumentChars: 1000, maxBatchDocuments: 8, maxBodyBytes: 1 << 16 },
      ide: false, introspection: false, dashboardDir: path.join(dir, 'no-such-build'),
      auth: { keys, anonymousRead: true },
    });
    try {
      const res = await fetch(new URL('/', other.url), { headers: { accept: 'text/html' } });
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('run <code>npm run build</code>');
    } finally {
      await other.close();
    }
  });
});

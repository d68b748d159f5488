/**
 * End to end over HTTP: the real API server, embedded SQLite store, in-process queue and worker,
 * the dictionary labeler and exact linker built from the store's names, a small real KB (MeSH /
 * CTD MEDIC ids and names), documents submitted with fetch, a job polled to COMPLETED, and exact
 * mentions and co-mentions read back. Every expected offset was counted by hand from the texts.
 *
 * Part 1 wires the real factories in the test so the labeler can be the union of the KB dictionary
 * and a small dictionary of terms the KB does not know — the situation the VANER model creates in
 * production (it finds mentions the KB cannot link), needed here for an unlinked mention.
 * Part 2 goes through the lead's composition root (`createApp`) exactly as `vaner serve` does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openSqliteKeyStore, type ApiKeyStore } from '../src/auth/index.js';
import { apiAccessFromConfig } from '../src/graphql/access-config.js';
import { startApiServer, type ApiServer } from '../src/graphql/server.js';
import { createAnnotateProcessor } from '../src/jobs/annotate-processor.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue, QueueWorker } from '../src/jobs/port.js';
import { createDictionaryLabeler, createExactLinker } from '../src/kb/index.js';
import { silentLogger } from '../src/log.js';
import { createApp, databasePath, type App } from '../src/main.js';
import { createUnionLabeler } from '../src/ner/index.js';
import type { Labeler, EntityRecord } from '../src/domain/index.js';
import type { Store } from '../src/store/port.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';

/** A handful of real records (MeSH descriptor ids; names and entry terms as in MeSH / CTD MEDIC). */
const KB: EntityRecord[] = [
  { id: 'MESH:D008012', type: 'CHEMICAL', name: 'Lidocaine', synonyms: ['Lignocaine', 'Xylocaine'], parentIds: [], treeNumbers: ['D02.092.471.683.152'], source: 'mesh-2024' },
  { id: 'MESH:D002220', type: 'CHEMICAL', name: 'Carbamazepine', synonyms: ['Tegretol'], parentIds: [], treeNumbers: ['D03.438.079.200'], source: 'mesh-2024' },
  { id: 'MESH:D001145', type: 'DISEASE', name: 'Arrhythmias, Cardiac', synonyms: ['Arrhythmia', 'Cardiac Arrhythmia', 'Cardiac Arrhythmias'], parentIds: [], treeNumbers: ['C14.280.067'], source: 'ctd-medic' },
  { id: 'MESH:D006323', type: 'DISEASE', name: 'Heart Arrest', synonyms: ['Cardiac Arrest', 'Asystole'], parentIds: [], treeNumbers: ['C14.280.383'], source: 'ctd-medic' },
  { id: 'MESH:D012640', type: 'DISEASE', name: 'Seizures', synonyms: ['Seizure', 'Convulsions'], parentIds: [], treeNumbers: ['C10.597.742'], source: 'ctd-medic' },
];

//                0         1         2         3         4
//                0123456789012345678901234567890123456789012345678
const TEXT_1 = 'Lidocaine caused cardiac arrest and arrhythmia.';
//                0         1         2         3         4         5
//                012345678901234567890123456789012345678901234567890123
const TEXT_2 = 'Carbamazepine and lidocaine can trigger arrhythmias.';
//                0         1         2         3         4         5
//                0123456789012345678901234567890123456789012345678901234567
const TEXT_3 = 'Suzetrigine did not prevent seizures after cardiac arrest.';

const MENTIONS = `start end text type entity { id } link { method matchedName confidence } labeler`;

interface Http {
  (query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }>;
}

/** A client sending `key` (a submitter key: writes need one) as a bearer token. */
function client(url: string, key: string): Http {
  return async (query, variables = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: await res.json() };
  };
}

const SUBMIT = `mutation($docs: [DocumentInput!]!) {
  submitDocuments(documents: $docs) { job { id state progress { total } } documents { id externalId } outcomes { index documentId outcome error { code } } }
}`;

async function waitForJob(gql: Http, jobId: string): Promise<any> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await gql('query($id: ID!) { job(id: $id) { id state progress { total done failed } failures { documentId code message } } }', { id: jobId });
    const job = r.body.data.job;
    if (job.state === 'COMPLETED' || job.state === 'FAILED' || job.state === 'CANCELLED') return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.state} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Writes the KB into the database file a data directory's app will open. */
async function seedKnowledgeBase(file: string): Promise<void> {
  const store = await openEmbeddedStore({ path: file });
  try {
    await store.upsertEntities(KB);
  } finally {
    await store.close();
  }
}

describe('e2e: serve over HTTP with the real store, queue, worker, labeler and linker', () => {
  let dataDir: string;
  let store: Store;
  let queue: JobQueue;
  let keys: ApiKeyStore;
  let labeler: Labeler;
  let worker: QueueWorker;
  let server: ApiServer;
  let gql: Http;
  const ids: string[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-e2e-'));
    const file = path.join(dataDir, 'vaner.db');
    await seedKnowledgeBase(file);
    store = await openEmbeddedStore({ path: file });
    queue = await openInProcessQueue({ path: file });
    keys = openSqliteKeyStore({ path: file, dataDir });
    const kbDictionary = await createDictionaryLabeler({ names: store.iterateNames() });
    // Terms outside the KB (a 2025 NaV1.8 blocker), standing in for what the model finds beyond it.
    const novel = await createDictionaryLabeler({ names: [{ entityId: 'novel:suzetrigine', type: 'CHEMICAL', name: 'suzetrigine', origin: 'annotation' }] });
    labeler = createUnionLabeler([kbDictionary, novel]);
    const linker = await createExactLinker({ names: store.iterateNames() });
    worker = queue.startWorker(createAnnotateProcessor({ store, labeler, linker }));
    server = await startApiServer({
      store, queue, logger: silentLogger, host: '127.0.0.1', port: 0,
      limits: { maxDocumentChars: 10_000, maxBatchDocuments: 100, maxBodyBytes: 1 << 20 },
      ide: false, introspection: false,
      labelerInfo: { kind: labeler.kind, version: labeler.version },
      auth: { keys, anonymousRead: false },
    });
    gql = client(server.url, (await keys.create({ owner: 'e2e', role: 'submitter', origin: 'cli' })).key);
  });

  afterAll(async () => {
    await server?.close();
    await worker?.close();
    await labeler?.close();
    await keys?.close();
    await queue?.close();
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('submits three documents and the job completes', async () => {
    const r = await gql(SUBMIT, {
      docs: [
        { externalId: 'E2E:1', title: 'Case 1', text: TEXT_1 },
        { externalId: 'E2E:2', text: TEXT_2 },
        { externalId: 'E2E:3', text: TEXT_3 },
      ],
    });
    expect(r.status).toBe(200);
    const s = r.body.data.submitDocuments;
    expect(s.outcomes.map((o: any) => [o.index, o.outcome, o.error])).toEqual([[0, 'CREATED', null], [1, 'CREATED', null], [2, 'CREATED', null]]);
    expect(s.job.progress.total).toBe(3);
    ids.push(...s.documents.map((d: any) => d.id));
    const job = await waitForJob(gql, s.job.id);
    expect(job).toEqual({ id: s.job.id, state: 'COMPLETED', progress: { total: 3, done: 3, failed: 0 }, failures: [] });
  });

  it('stores the exact mentions, linked and unlinked, with document offsets', async () => {
    const q = `query($a: ID!, $b: ID!, $c: ID!) {
      a: document(id: $a) { mentions { ${MENTIONS} } }
      b: document(id: $b) { mentions { ${MENTIONS} } }
      c: document(id: $c) { annotatedAt labeler modelVersion mentions { ${MENTIONS} } }
    }`;
    const { body } = await gql(q, { a: ids[0], b: ids[1], c: ids[2] });
    expect(body.errors).toBeUndefined();
    const rows = (doc: any) => doc.mentions.map((m: any) => [m.start, m.end, m.text, m.type, m.entity?.id ?? null, m.link?.method ?? null, m.link?.matchedName ?? null]);
    expect(rows(body.data.a)).toEqual([
      [0, 9, 'Lidocaine', 'CHEMICAL', 'MESH:D008012', 'EXACT', 'Lidocaine'],
      [17, 31, 'cardiac arrest', 'DISEASE', 'MESH:D006323', 'NORMALIZED', 'Cardiac Arrest'],
      [36, 46, 'arrhythmia', 'DISEASE', 'MESH:D001145', 'NORMALIZED', 'Arrhythmia'],
    ]);
    expect(rows(body.data.b)).toEqual([
      [0, 13, 'Carbamazepine', 'CHEMICAL', 'MESH:D002220', 'EXACT', 'Carbamazepine'],
      [18, 27, 'lidocaine', 'CHEMICAL', 'MESH:D008012', 'NORMALIZED', 'Lidocaine'],
      [40, 51, 'arrhythmias', 'DISEASE', 'MESH:D001145', 'NORMALIZED', 'Arrhythmia'],
    ]);
    expect(rows(body.data.c)).toEqual([
      [0, 11, 'Suzetrigine', 'CHEMICAL', null, null, null],
      [28, 36, 'seizures', 'DISEASE', 'MESH:D012640', 'NORMALIZED', 'Seizure'],
      [43, 57, 'cardiac arrest', 'DISEASE', 'MESH:D006323', 'NORMALIZED', 'Cardiac Arrest'],
    ]);
    // Offsets are into the document text, end exclusive.
    for (const [doc, text] of [[body.data.a, TEXT_1], [body.data.b, TEXT_2], [body.data.c, TEXT_3]] as const) {
      for (const m of doc.mentions) expect(text.slice(m.start, m.end)).toBe(m.text);
    }
    expect(body.data.c.labeler).toBe('union');
    expect(body.data.c.annotatedAt).not.toBeNull();
    expect(body.data.c.mentions[1].link.confidence).toBe(0.9);
    expect(body.data.a.mentions[0].link.confidence).toBe(1);
  });

  it('co-mentions: exact document counts and evidence', async () => {
    const { body } = await gql(`{ coMentions(entityId: "MESH:D008012") { totalCount edges { node { entity { id name } documentCount evidence } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.coMentions).toEqual({
      totalCount: 3,
      edges: [
        { node: { entity: { id: 'MESH:D001145', name: 'Arrhythmias, Cardiac' }, documentCount: 2, evidence: [ids[0], ids[1]] } },
        { node: { entity: { id: 'MESH:D002220', name: 'Carbamazepine' }, documentCount: 1, evidence: [ids[1]] } },
        { node: { entity: { id: 'MESH:D006323', name: 'Heart Arrest' }, documentCount: 1, evidence: [ids[0]] } },
      ],
    });
    // The unlinked Suzetrigine mention in document 3 is no co-mention partner of Heart Arrest.
    const arrest = await gql(`{ entity(id: "MESH:D006323") { coMentions { edges { node { entity { id } documentCount evidence } } } documents { totalCount } } }`);
    expect(arrest.body.data.entity).toEqual({
      coMentions: {
        edges: [
          { node: { entity: { id: 'MESH:D001145' }, documentCount: 1, evidence: [ids[0]] } },
          { node: { entity: { id: 'MESH:D008012' }, documentCount: 1, evidence: [ids[0]] } },
          { node: { entity: { id: 'MESH:D012640' }, documentCount: 1, evidence: [ids[2]] } },
        ],
      },
      documents: { totalCount: 2 },
    });
    const byEntity = await gql(`{ documents(entityId: "MESH:D001145") { totalCount edges { node { externalId } } } }`);
    expect(byEntity.body.data.documents).toEqual({ totalCount: 2, edges: [{ node: { externalId: 'E2E:1' } }, { node: { externalId: 'E2E:2' } }] });
  });

  it('resubmitting the same document is UNCHANGED: same id, no new job work, same mentions', async () => {
    const before = await gql('query($id: ID!) { document(id: $id) { mentions { id } } }', { id: ids[0] });
    const r = await gql(SUBMIT, { docs: [{ externalId: 'E2E:1', title: 'Case 1', text: TEXT_1 }] });
    const s = r.body.data.submitDocuments;
    expect(s.outcomes).toEqual([{ index: 0, documentId: ids[0], outcome: 'UNCHANGED', error: null }]);
    expect(s.job).toMatchObject({ state: 'COMPLETED', progress: { total: 0 } });
    const after = await gql('query($id: ID!) { document(id: $id) { mentions { id } } }', { id: ids[0] });
    expect(after.body.data.document.mentions).toEqual(before.body.data.document.mentions);
    expect(after.body.data.document.mentions).toHaveLength(3);
    const all = await gql('{ documents { totalCount } }');
    expect(all.body.data.documents.totalCount).toBe(3);
  });

  it('an empty text is refused with EMPTY_TEXT', async () => {
    const r = await gql(SUBMIT, { docs: [{ externalId: 'E2E:empty', text: '   ' }] });
    expect(r.status).toBe(200);
    expect(r.body.data).toBeNull();
    expect(r.body.errors[0].extensions.code).toBe('EMPTY_TEXT');
    const doc = await gql('{ document(externalId: "E2E:empty") { id } }');
    expect(doc.body.data.document).toBeNull();
  });
});

describe('e2e: the composition root (createApp) behind startApiServer, as `vaner serve` wires it', () => {
  let dataDir: string;
  let app: App;
  let server: ApiServer;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-e2e-app-'));
    const config = loadConfig({ VANER_DATA_DIR: dataDir, VANER_PORT: '0', VANER_LABELER: 'dictionary', VANER_LOG_LEVEL: 'silent' });
    // A seeded store is not empty, so createApp skips importing the shipped vocabularies.
    await seedKnowledgeBase(databasePath(config));
    app = await createApp(config, { logger: silentLogger });
    app.startWorker();
    server = await startApiServer({
      store: app.store, queue: app.queue, logger: silentLogger, host: config.host, port: config.port,
      limits: { maxDocumentChars: config.maxDocumentChars, maxBatchDocuments: config.maxBatchDocuments, maxBodyBytes: config.maxBodyBytes },
      ide: config.ide, introspection: config.introspection,
      labelerInfo: { kind: app.labeler.kind, version: app.labeler.version },
      ...apiAccessFromConfig(config, app.keys),
    });
  });

  afterAll(async () => {
    await server?.close();
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('annotates a submitted document end to end', async () => {
    const gql = client(server.url, (await app.keys.create({ owner: 'e2e-app', role: 'submitter', origin: 'cli' })).key);
    const health = await gql('{ health { store queue entityCount labeler { kind } } }');
    expect(health.body.data.health).toEqual({ store: 'embedded', queue: 'in-process', entityCount: 5, labeler: { kind: 'dictionary' } });
    const s = (await gql(SUBMIT, { docs: [{ externalId: 'APP:1', text: TEXT_1 }] })).body.data.submitDocuments;
    const job = await waitForJob(gql, s.job.id);
    expect(job.state).toBe('COMPLETED');
    const { body } = await gql(`query($id: ID!) { document(id: $id) { labeler mentions { start end text type entity { id } } } }`, { id: s.documents[0].id });
    expect(body.data.document).toEqual({
      labeler: 'dictionary',
      mentions: [
        { start: 0, end: 9, text: 'Lidocaine', type: 'CHEMICAL', entity: { id: 'MESH:D008012' } },
        { start: 17, end: 31, text: 'cardiac arrest', type: 'DISEASE', entity: { id: 'MESH:D006323' } },
        { start: 36, end: 46, text: 'arrhythmia', type: 'DISEASE', entity: { id: 'MESH:D001145' } },
      ],
    });
  });
});

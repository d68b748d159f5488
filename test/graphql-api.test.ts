/**
 * The GraphQL API against the real embedded store and in-process queue (one temp SQLite file per
 * test), through Apollo's executeOperation with the same context factory the HTTP server uses.
 * Mentions are written with the store's own replaceMentions, as the annotate processor does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApolloServer } from '@apollo/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApolloServer } from '../src/graphql/apollo.js';
import { createContext, type GraphQLContext } from '../src/graphql/context.js';
import { submitDocuments } from '../src/app/submit-documents.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue } from '../src/jobs/port.js';
import { createLogger, silentLogger, type Logger } from '../src/log.js';
import type { EntityRecord, MentionInput } from '../src/domain/index.js';
import type { Store } from '../src/store/port.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';

const LIMITS = { maxDocumentChars: 200, maxBatchDocuments: 5 };
const BIG = { maxDocumentChars: 200, maxBatchDocuments: 50 };
/** Every operation here runs as an admin key's caller; access control is tested in test/auth-*.test.ts. */
const ADMIN = { keyId: '0000000000000000', owner: 'test-admin', role: 'admin' as const };
const PROVENANCE = { labeler: 'dictionary', modelVersion: 'dict-test', linkerVersion: 'exact-test' };

const ENTITIES: EntityRecord[] = [
  { id: 'MESH:D008012', type: 'CHEMICAL', name: 'Lidocaine', synonyms: ['Lignocaine'], parentIds: ['MESH:D000779'], treeNumbers: ['D02.065.277'], source: 'mesh-2024' },
  { id: 'MESH:D000779', type: 'CHEMICAL', name: 'Anesthetics, Local', synonyms: [], parentIds: [], treeNumbers: ['D27.505'], source: 'mesh-2024' },
  { id: 'MESH:D001145', type: 'DISEASE', name: 'Arrhythmias, Cardiac', synonyms: ['Arrhythmia'], parentIds: ['MESH:D006331'], treeNumbers: ['C14.280.067'], source: 'ctd-medic' },
  { id: 'MESH:D006331', type: 'DISEASE', name: 'Heart Diseases', synonyms: [], parentIds: [], treeNumbers: ['C14.280'], source: 'ctd-medic' },
  { id: 'MESH:D006323', type: 'DISEASE', name: 'Heart Arrest', synonyms: ['Cardiac Arrest'], parentIds: ['MESH:D006331'], treeNumbers: ['C14.280.383'], source: 'ctd-medic' },
  { id: 'MESH:D002220', type: 'CHEMICAL', name: 'Carbamazepine', synonyms: ['Tegretol'], parentIds: [], treeNumbers: ['D03.438.079.200'], source: 'mesh-2024' },
];

/** A mention of `needle` (its first occurrence) in `text`, linked to `entityId` (or unlinked). */
function mentionOf(text: string, needle: string, type: MentionInput['type'], entityId: string | null): MentionInput {
  const start = text.indexOf(needle);
  if (start < 0) throw new Error(`test setup: ${needle} not in text`);
  return {
    start,
    end: start + needle.length,
    text: needle,
    type,
    confidence: null,
    entityId,
    linkMethod: entityId ? 'exact' : null,
    matchedName: entityId ? needle : null,
    linkConfidence: entityId ? 1 : null,
    sentence: 0,
  };
}

/** The real store with every method call recorded (name and ids), to count batch calls. */
function recording(store: Store): { store: Store; calls: { method: string; args: unknown[] }[] } {
  const calls: { method: string; args: unknown[] }[] = [];
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(prop), args });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

interface Result {
  data?: Record<string, any> | null;
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, any> }[];
}

let dir: string;
let store: Store;
let queue: JobQueue;
let apollo: ApolloServer<GraphQLContext>;

async function run(query: string, variables: Record<string, unknown> = {}, options: { store?: Store; logger?: Logger; limits?: typeof LIMITS } = {}): Promise<Result> {
  const server = options.logger ? createApolloServer({ logger: options.logger }) : apollo;
  if (server !== apollo) await server.start();
  try {
    const response = await server.executeOperation(
      { query, variables },
      { contextValue: createContext({ store: options.store ?? store, queue, limits: options.limits ?? LIMITS, labelerInfo: { kind: 'dictionary', version: 'dict-test' }, principal: ADMIN }) },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return JSON.parse(JSON.stringify(response.body.singleResult)) as Result;
  } finally {
    if (server !== apollo) await server.stop();
  }
}

const SUBMIT = `mutation Submit($docs: [DocumentInput!]!) {
  submitDocuments(documents: $docs) {
    job { id state progress { total done failed } documents { totalCount edges { node { id } } } }
    documents { id externalId title text annotatedAt }
    outcomes { index documentId outcome error { code message } }
  }
}`;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-graphql-'));
  const file = path.join(dir, 'vaner.db');
  store = await openEmbeddedStore({ path: file });
  queue = await openInProcessQueue({ path: file });
  await store.upsertEntities(ENTITIES);
  apollo = createApolloServer({ logger: silentLogger });
  await apollo.start();
});

afterEach(async () => {
  await apollo.stop();
  await queue.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('submitDocuments', () => {
  it('stores new documents and queues them in one job', async () => {
    const r = await run(SUBMIT, { docs: [{ externalId: 'PMID:1', title: 'T1', text: 'Lidocaine and arrhythmia.' }, { text: 'No external id here.' }] });
    expect(r.errors).toBeUndefined();
    const s = r.data!['submitDocuments'];
    expect(s.outcomes.map((o: any) => [o.index, o.outcome, o.error])).toEqual([[0, 'CREATED', null], [1, 'CREATED', null]]);
    expect(s.outcomes.map((o: any) => o.documentId)).toEqual(s.documents.map((d: any) => d.id));
    expect(s.documents.map((d: any) => [d.externalId, d.title, d.text, d.annotatedAt])).toEqual([
      ['PMID:1', 'T1', 'Lidocaine and arrhythmia.', null],
      [null, null, 'No external id here.', null],
    ]);
    expect(s.job.state).toBe('QUEUED');
    expect(s.job.progress).toEqual({ total: 2, done: 0, failed: 0 });
    expect(s.job.documents.totalCount).toBe(2);
    expect(s.job.documents.edges.map((e: any) => e.node.id)).toEqual(s.documents.map((d: any) => d.id));
  });

  it('is idempotent by externalId: same text → UNCHANGED, same id, no re-annotation, mentions kept', async () => {
    const text = 'Lidocaine caused cardiac arrest.';
    const first = (await run(SUBMIT, { docs: [{ externalId: 'PMID:7', text }] })).data!['submitDocuments'];
    const id = first.documents[0].id as string;

    // Not yet annotated: resubmitting queues it again (the first job may have failed).
    const again = (await run(SUBMIT, { docs: [{ externalId: 'PMID:7', text }] })).data!['submitDocuments'];
    expect(again.outcomes[0]).toEqual({ index: 0, documentId: id, outcome: 'UNCHANGED', error: null });
    expect(again.job.documents.edges.map((e: any) => e.node.id)).toEqual([id]);

    const [doc] = await store.getDocuments([id]);
    expect(await store.replaceMentions(id, doc!.textHash, [mentionOf(text, 'Lidocaine', 'CHEMICAL', 'MESH:D008012')], PROVENANCE)).toBe(true);

    const third = await run(`${SUBMIT}`, { docs: [{ externalId: 'PMID:7', text }] });
    const s = third.data!['submitDocuments'];
    expect(s.outcomes[0]).toEqual({ index: 0, documentId: id, outcome: 'UNCHANGED', error: null });
    expect(s.job.state).toBe('COMPLETED');
    expect(s.job.progress).toEqual({ total: 0, done: 0, failed: 0 });
    expect(s.job.documents.totalCount).toBe(0);
    expect(s.documents[0].annotatedAt).not.toBeNull();
    expect((await store.listDocuments({ first: 10 })).totalCount).toBe(1);
    const mentions = await run('query($id: ID!) { document(id: $id) { mentions { id text } } }', { id });
    expect(mentions.data!['document'].mentions.map((m: any) => m.text)).toEqual(['Lidocaine']);
  });

  it('changed text → UPDATED: same id, annotations cleared, queued again', async () => {
    const first = (await run(SUBMIT, { docs: [{ externalId: 'PMID:8', text: 'Carbamazepine overdose.' }] })).data!['submitDocuments'];
    const id = first.documents[0].id as string;
    const [doc] = await store.getDocuments([id]);
    await store.replaceMentions(id, doc!.textHash, [mentionOf(doc!.text, 'Carbamazepine', 'CHEMICAL', 'MESH:D002220')], PROVENANCE);

    const r = await run(SUBMIT, { docs: [{ externalId: 'PMID:8', text: 'Carbamazepine overdose and arrhythmia.' }] });
    const s = r.data!['submitDocuments'];
    expect(s.outcomes[0]).toEqual({ index: 0, documentId: id, outcome: 'UPDATED', error: null });
    expect(s.documents[0]).toMatchObject({ id, text: 'Carbamazepine overdose and arrhythmia.', annotatedAt: null });
    expect(s.job.state).toBe('QUEUED');
    expect(s.job.documents.edges.map((e: any) => e.node.id)).toEqual([id]);
    const after = await run('query($id: ID!) { document(id: $id) { mentions { id } } }', { id });
    expect(after.data!['document'].mentions).toEqual([]);
  });

  it('EMPTY_TEXT: a batch of only empty documents fails with the code and writes nothing', async () => {
    const r = await run(SUBMIT, { docs: [{ externalId: 'PMID:9', text: ' \n\t ' }] });
    expect(r.data).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.message).toBe('text is empty or has no visible character');
    expect(r.errors![0]!.extensions).toEqual({
      code: 'EMPTY_TEXT',
      details: { errors: [{ index: 0, code: 'EMPTY_TEXT', message: 'text is empty or has no visible character' }] },
    });
    expect((await store.listDocuments({ first: 10 })).totalCount).toBe(0);
  });

  it('DOCUMENT_TOO_LARGE above maxDocumentChars (the limit itself is accepted)', async () => {
    const r = await run(SUBMIT, { docs: [{ text: 'x'.repeat(201) }] });
    expect(r.errors![0]!.extensions!['code']).toBe('DOCUMENT_TOO_LARGE');
    expect(r.errors![0]!.message).toBe('text has 201 characters; the limit is 200');
    const ok = await run(SUBMIT, { docs: [{ text: 'x'.repeat(200) }] });
    expect(ok.data!['submitDocuments'].outcomes[0].outcome).toBe('CREATED');
  });

  it('PAYLOAD_TOO_LARGE above maxBatchDocuments; nothing is stored', async () => {
    const docs = Array.from({ length: 6 }, (_, i) => ({ text: `document ${i}` }));
    const r = await run(SUBMIT, { docs });
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE', details: { documents: 6, limit: 5 } });
    expect((await store.listDocuments({ first: 10 })).totalCount).toBe(0);
  });

  it('INVALID_UTF8 for a lone surrogate; a valid surrogate pair is accepted', async () => {
    const bad = await run(SUBMIT, { docs: [{ text: 'broken \uD800 text' }] });
    expect(bad.errors![0]!.extensions!['code']).toBe('INVALID_UTF8');
    const good = await run(SUBMIT, { docs: [{ text: 'emoji \uD83D\uDE00 is fine' }] });
    expect(good.data!['submitDocuments'].outcomes[0].outcome).toBe('CREATED');
  });

  it('mixed batch: valid documents are stored, invalid ones REJECTED per index', async () => {
    const r = await run(SUBMIT, {
      docs: [
        { externalId: 'A', text: 'Lidocaine.' },
        { externalId: 'B', text: '' },
        { externalId: 'C', text: 'y'.repeat(201) },
        { externalId: 'D', text: 'Heart arrest.' },
        { externalId: 'A', text: 'Lidocaine again.' },
      ],
    });
    expect(r.errors).toBeUndefined();
    const s = r.data!['submitDocuments'];
    expect(s.outcomes.map((o: any) => [o.index, o.outcome, o.error?.code ?? null, o.documentId === null])).toEqual([
      [0, 'CREATED', null, false],
      [1, 'REJECTED', 'EMPTY_TEXT', true],
      [2, 'REJECTED', 'DOCUMENT_TOO_LARGE', true],
      [3, 'CREATED', null, false],
      [4, 'REJECTED', 'CONFLICT', true],
    ]);
    expect(s.outcomes[4].error.message).toBe('externalId "A" already appears at index 0 of this batch');
    expect(s.documents.map((d: any) => d.externalId)).toEqual(['A', 'D']);
    expect(s.job.progress.total).toBe(2);
    expect((await store.listDocuments({ first: 10 })).totalCount).toBe(2);
    // Each outcome names its input's externalId, so a caller finds a rejected input (which has no document) in its file.
    const named = await run(`mutation($docs: [DocumentInput!]!) { submitDocuments(documents: $docs) { outcomes { index externalId outcome } } }`, {
      docs: [{ externalId: 'E', text: '' }, { text: 'Heart arrest again.' }],
    });
    expect(named.data!['submitDocuments'].outcomes).toEqual([{ index: 0, externalId: 'E', outcome: 'REJECTED' }, { index: 1, externalId: null, outcome: 'CREATED' }]);
  });

  it('mixed reasons in an all-bad batch give BAD_USER_INPUT with every index', async () => {
    const r = await run(SUBMIT, { docs: [{ text: '' }, { text: 'z'.repeat(300) }] });
    expect(r.errors![0]!.extensions!['code']).toBe('BAD_USER_INPUT');
    expect(r.errors![0]!.message).toBe('all 2 documents are invalid');
    expect(r.errors![0]!.extensions!['details'].errors.map((e: any) => [e.index, e.code])).toEqual([[0, 'EMPTY_TEXT'], [1, 'DOCUMENT_TOO_LARGE']]);
  });

  it('the use case works without GraphQL (same function the resolver calls)', async () => {
    const result = await submitDocuments(store, queue, LIMITS, [{ externalId: 'X', text: 'Lidocaine' }, { text: '   ' }]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['CREATED', 'REJECTED']);
    expect(result.job.documentIds).toEqual([result.documents[0]!.id]);
    await expect(submitDocuments(store, queue, LIMITS, [])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('queries', () => {
  it('document(id:) and document(externalId:); unknown → null; neither or both → BAD_USER_INPUT', async () => {
    const s = (await run(SUBMIT, { docs: [{ externalId: 'PMID:42', text: 'Some text.' }] })).data!['submitDocuments'];
    const id = s.documents[0].id as string;
    const byId = await run('query($id: ID!) { document(id: $id) { id externalId } }', { id });
    expect(byId.data!['document']).toEqual({ id, externalId: 'PMID:42' });
    const byExt = await run('{ document(externalId: "PMID:42") { id } }');
    expect(byExt.data!['document']).toEqual({ id });
    const unknown = await run('{ document(id: "doc_NOPE") { id } job(id: "job_NOPE") { id } entity(id: "MESH:D999999") { id } }');
    expect(unknown).toEqual({ data: { document: null, job: null, entity: null } });
    for (const q of ['{ document { id } }', `{ document(id: "${id}", externalId: "PMID:42") { id } }`]) {
      const r = await run(q);
      expect(r.errors![0]!.extensions!['code']).toBe('BAD_USER_INPUT');
      expect(r.errors![0]!.message).toBe('document needs exactly one of id or externalId');
    }
  });

  it('coMentions: unknown entity → NOT_FOUND; known entity → partners with exact counts and evidence', async () => {
    const missing = await run('{ coMentions(entityId: "MESH:D999999") { totalCount } }');
    expect(missing.data).toBeNull();
    expect(missing.errors![0]!.extensions).toEqual({ code: 'NOT_FOUND', details: { entityId: 'MESH:D999999' } });
    expect(missing.errors![0]!.path).toEqual(['coMentions']);

    const texts = ['Lidocaine and arrhythmia.', 'Lidocaine then heart arrest and arrhythmia.', 'Carbamazepine only.'];
    const s = (await run(SUBMIT, { docs: texts.map((text) => ({ text })) })).data!['submitDocuments'];
    const ids = s.documents.map((d: any) => d.id) as string[];
    const docs = await store.getDocuments(ids);
    await store.replaceMentions(ids[0]!, docs[0]!.textHash, [mentionOf(texts[0]!, 'Lidocaine', 'CHEMICAL', 'MESH:D008012'), mentionOf(texts[0]!, 'arrhythmia', 'DISEASE', 'MESH:D001145')], PROVENANCE);
    await store.replaceMentions(ids[1]!, docs[1]!.textHash, [
      mentionOf(texts[1]!, 'Lidocaine', 'CHEMICAL', 'MESH:D008012'),
      mentionOf(texts[1]!, 'heart arrest', 'DISEASE', 'MESH:D006323'),
      mentionOf(texts[1]!, 'arrhythmia', 'DISEASE', 'MESH:D001145'),
    ], PROVENANCE);
    await store.replaceMentions(ids[2]!, docs[2]!.textHash, [mentionOf(texts[2]!, 'Carbamazepine', 'CHEMICAL', 'MESH:D002220')], PROVENANCE);

    const r = await run(`{ coMentions(entityId: "MESH:D008012") { totalCount edges { node { entity { id name } documentCount evidence evidenceDocuments { id } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!['coMentions']).toEqual({
      totalCount: 2,
      edges: [
        { node: { entity: { id: 'MESH:D001145', name: 'Arrhythmias, Cardiac' }, documentCount: 2, evidence: [ids[0], ids[1]], evidenceDocuments: [{ id: ids[0] }, { id: ids[1] }] } },
        { node: { entity: { id: 'MESH:D006323', name: 'Heart Arrest' }, documentCount: 1, evidence: [ids[1]], evidenceDocuments: [{ id: ids[1] }] } },
      ],
    });
    const typed = await run(`{ entity(id: "MESH:D001145") { coMentions(type: CHEMICAL) { edges { node { entity { id } documentCount } } } } }`);
    expect(typed.data!['entity'].coMentions.edges).toEqual([{ node: { entity: { id: 'MESH:D008012' }, documentCount: 2 } }]);
    // Entity.mentions and Entity.documents page through the store.
    const ent = await run(`{ entity(id: "MESH:D001145") { mentions(first: 1) { totalCount edges { node { text document { id } } } pageInfo { hasNextPage } } documents { totalCount } } }`);
    expect(ent.data!['entity']).toEqual({
      mentions: { totalCount: 2, edges: [{ node: { text: 'arrhythmia', document: { id: ids[0] } } }], pageInfo: { hasNextPage: true } },
      documents: { totalCount: 2 },
    });
  });

  it('a mention linked to an id outside the KB: entity null, ids kept, nothing else breaks', async () => {
    const text = 'Lidocaine and Foo-1 together.';
    const s = (await run(SUBMIT, { docs: [{ text }] })).data!['submitDocuments'];
    const id = s.documents[0].id as string;
    const [doc] = await store.getDocuments([id]);
    await store.replaceMentions(id, doc!.textHash, [mentionOf(text, 'Lidocaine', 'CHEMICAL', 'MESH:D008012'), mentionOf(text, 'Foo-1', 'CHEMICAL', 'MESH:C999999')], PROVENANCE);
    const r = await run(`query($id: ID!) {
      document(id: $id) { mentions { text entity { id } link { entityId entity { id } } } }
      coMentions(entityId: "MESH:D008012") { edges { node { entityId entity { id } documentCount evidence } } }
    }`, { id });
    expect(r).toEqual({
      data: {
        document: {
          mentions: [
            { text: 'Lidocaine', entity: { id: 'MESH:D008012' }, link: { entityId: 'MESH:D008012', entity: { id: 'MESH:D008012' } } },
            { text: 'Foo-1', entity: null, link: { entityId: 'MESH:C999999', entity: null } },
          ],
        },
        coMentions: { edges: [{ node: { entityId: 'MESH:C999999', entity: null, documentCount: 1, evidence: [id] } }] },
      },
    });
  });

  it('entity: parents, synonyms, merged ids resolve to the target; searchEntities', async () => {
    const r = await run('{ entity(id: "MESH:D008012") { id type name synonyms treeNumbers source parents { id name } } }');
    expect(r.data!['entity']).toEqual({
      id: 'MESH:D008012', type: 'CHEMICAL', name: 'Lidocaine', synonyms: ['Lignocaine'], treeNumbers: ['D02.065.277'], source: 'mesh-2024',
      parents: [{ id: 'MESH:D000779', name: 'Anesthetics, Local' }],
    });
    await store.mergeEntities('MESH:D006323', 'MESH:D001145', 'test-curator');
    const merged = await run('{ entity(id: "MESH:D006323") { id name } }');
    expect(merged.data!['entity']).toEqual({ id: 'MESH:D001145', name: 'Arrhythmias, Cardiac' });
    const search = await run('{ searchEntities(query: "Lidocaine", first: 5) { id } }');
    expect(search.data!['searchEntities'].map((e: any) => e.id)).toContain('MESH:D008012');
    const bad = await run('{ searchEntities(query: "x", first: 101) { id } }');
    expect(bad.errors![0]!.extensions!['code']).toBe('BAD_USER_INPUT');
  });

  it('documents: totalCount, cursors, hasNextPage, middle-edge cursors, filters', async () => {
    const docs = Array.from({ length: 5 }, (_, i) => ({ externalId: `P:${i}`, text: `Text ${i}.` }));
    const ids = (await run(SUBMIT, { docs })).data!['submitDocuments'].documents.map((d: any) => d.id) as string[];
    const PAGE = 'query($after: String, $first: Int) { documents(first: $first, after: $after) { totalCount edges { cursor node { id } } pageInfo { endCursor hasNextPage } } }';
    const p1 = (await run(PAGE, { first: 2 })).data!['documents'];
    expect(p1.totalCount).toBe(5);
    expect(p1.edges.map((e: any) => e.node.id)).toEqual(ids.slice(0, 2));
    expect(p1.pageInfo).toEqual({ endCursor: p1.edges[1].cursor, hasNextPage: true });
    const p2 = (await run(PAGE, { first: 2, after: p1.pageInfo.endCursor })).data!['documents'];
    expect(p2.edges.map((e: any) => e.node.id)).toEqual(ids.slice(2, 4));
    const p3 = (await run(PAGE, { first: 2, after: p2.pageInfo.endCursor })).data!['documents'];
    expect(p3.edges.map((e: any) => e.node.id)).toEqual(ids.slice(4));
    expect(p3.pageInfo.hasNextPage).toBe(false);
    // Resuming after the first edge of page 1 (not the page's end) continues at the second document.
    const mid = (await run(PAGE, { first: 3, after: p1.edges[0].cursor })).data!['documents'];
    expect(mid.edges.map((e: any) => e.node.id)).toEqual(ids.slice(1, 4));
    expect(mid.pageInfo.hasNextPage).toBe(true);

    const prefix = await run('{ documents(externalIdPrefix: "P:3") { totalCount edges { node { externalId } } } }');
    expect(prefix.data!['documents']).toEqual({ totalCount: 1, edges: [{ node: { externalId: 'P:3' } }] });
    const annotated = await run('{ documents(annotated: true) { totalCount } }');
    expect(annotated.data!['documents'].totalCount).toBe(0);

    const garbage = await run(PAGE, { first: 2, after: 'not-a-cursor' });
    expect(garbage.errors![0]!.extensions!['code']).toBe('BAD_USER_INPUT');
  });

  it('page size: first 1000 or -1 → BAD_USER_INPUT; 100 and 0 accepted', async () => {
    for (const first of [1000, 101, -1]) {
      const r = await run('query($first: Int) { documents(first: $first) { totalCount } }', { first });
      expect(r.data).toBeNull();
      expect(r.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', details: { field: 'first', value: first } });
      expect(r.errors![0]!.message).toBe('first must be an integer between 0 and 100');
    }
    for (const first of [100, 0]) {
      const r = await run('query($first: Int) { documents(first: $first) { totalCount edges { cursor } } }', { first });
      expect(r).toEqual({ data: { documents: { totalCount: 0, edges: [] } } });
    }
  });

  it('health reports adapters, labeler and entity count', async () => {
    const r = await run('{ health { ok store queue entityCount labeler { kind version } } }');
    expect(r.data!['health']).toEqual({ ok: true, store: 'embedded', queue: 'in-process', entityCount: 6, labeler: { kind: 'dictionary', version: 'dict-test' } });
  });

  it('GraphQL validation errors keep Apollo codes', async () => {
    const r = await run('{ nope }');
    expect(r.errors![0]!.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    const v = await run('query($f: Int) { documents(first: $f) { totalCount } }', { f: 'many' });
    expect(v.errors![0]!.extensions!['code']).toBe('BAD_USER_INPUT');
  });
});

describe('DataLoaders', () => {
  it('20 documents with mentions, entities and parents cost one batch call per kind', async () => {
    const docs = Array.from({ length: 20 }, (_, i) => ({ externalId: `B:${String(i).padStart(2, '0')}`, text: `Doc ${i}: Lidocaine, arrhythmia and X${i}.` }));
    const s = (await run(SUBMIT, { docs }, { limits: BIG })).data!['submitDocuments'];
    const stored = await store.getDocuments(s.documents.map((d: any) => d.id));
    for (const d of stored) {
      await store.replaceMentions(d!.id, d!.textHash, [
        mentionOf(d!.text, 'Lidocaine', 'CHEMICAL', 'MESH:D008012'),
        mentionOf(d!.text, 'arrhythmia', 'DISEASE', 'MESH:D001145'),
        mentionOf(d!.text, `X${d!.text.split(':')[0]!.slice(4)}`, 'CHEMICAL', null),
      ], PROVENANCE);
    }
    const { store: rec, calls } = recording(store);
    const r = await run(
      `{ documents(first: 20) { totalCount edges { node { id mentions { start end text type entity { id name parents { id } } link { method matchedName entity { id } } document { id } } } } } }`,
      {},
      { store: rec },
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data!['documents'].edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(20);
    expect(nodes[0].mentions.map((m: any) => [m.text, m.entity?.id ?? null, m.link?.method ?? null])).toEqual([
      ['Lidocaine', 'MESH:D008012', 'EXACT'],
      ['arrhythmia', 'MESH:D001145', 'EXACT'],
      ['X0', null, null],
    ]);
    expect(nodes[0].mentions[0].entity.parents).toEqual([{ id: 'MESH:D000779' }]);
    // listDocuments once; mentions of all 20 documents in one call; the mentioned entities in one
    // call and their parents (not yet cached) in a second; Mention.document is served from the
    // documents the list already primed, so getDocuments is never called.
    expect(calls.map((c) => c.method)).toEqual(['listDocuments', 'getMentionsByDocument', 'getEntities', 'getEntities']);
    expect((calls[1]!.args[0] as string[]).length).toBe(20);
    expect([...(calls[2]!.args[0] as string[])].sort()).toEqual(['MESH:D001145', 'MESH:D008012']);
    expect([...(calls[3]!.args[0] as string[])].sort()).toEqual(['MESH:D000779', 'MESH:D006331']);
  });

  it('job → documents → mentions batches too, and loaders are not shared between requests', async () => {
    const docs = Array.from({ length: 20 }, (_, i) => ({ text: `Lidocaine ${i}` }));
    const s = (await run(SUBMIT, { docs }, { limits: BIG })).data!['submitDocuments'];
    const { store: rec, calls } = recording(store);
    const q = `query($id: ID!) { job(id: $id) { documents(first: 20) { edges { node { id mentions { id } } } } } }`;
    const r = await run(q, { id: s.job.id }, { store: rec });
    expect(r.data!['job'].documents.edges).toHaveLength(20);
    expect(calls.map((c) => c.method)).toEqual(['getDocuments', 'getMentionsByDocument']);
    calls.length = 0;
    await run(q, { id: s.job.id }, { store: rec });
    expect(calls.map((c) => c.method)).toEqual(['getDocuments', 'getMentionsByDocument']);
  });
});

describe('errors', () => {
  it('an unexpected store failure is INTERNAL_SERVER_ERROR with a requestId; details only in the log', async () => {
    const failing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'listDocuments') {
          return async () => {
            const error = new Error('SQLITE_ERROR: no such column: d.secret in SELECT d.* FROM documents d at /work/main/src/store/sqlite-documents.ts:187');
            throw error;
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const lines: string[] = [];
    const logger = createLogger('error', (line) => lines.push(line));
    const r = await run('{ documents { totalCount } }', {}, { store: failing, logger });
    expect(r.data).toBeNull();
    expect(r.errors).toHaveLength(1);
    const e = r.errors![0]!;
    expect(e.message).toBe('internal server error');
    expect(Object.keys(e.extensions!).sort()).toEqual(['code', 'requestId']);
    expect(e.extensions!['code']).toBe('INTERNAL_SERVER_ERROR');
    expect(e.extensions!['requestId']).toMatch(/^[0-9a-f-]{36}$/);
    const body = JSON.stringify(r);
    for (const leak of ['SQLITE', 'SELECT', 'sqlite-documents', '/work/', 'stack', 'secret']) expect(body).not.toContain(leak);
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!);
    expect(logged.requestId).toBe(e.extensions!['requestId']);
    expect(logged.errorMessage).toContain('no such column: d.secret');
  });
});

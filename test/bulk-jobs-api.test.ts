/**
 * The jobs GraphQL API (src/graphql/jobs): listing with updatedSince, cancel, retry, retryDocuments,
 * reannotate, documentsByExternalId + textHash (submit --resume), passages and Document.export.
 * Through Apollo's executeOperation with the real embedded store and in-process queue (no worker, so
 * jobs stay QUEUED unless a test says otherwise).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApolloServer } from '@apollo/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/index.js';
import { createApolloServer } from '../src/graphql/apollo.js';
import { createContext, type LabelerInfo } from '../src/graphql/context.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue } from '../src/jobs/port.js';
import { silentLogger } from '../src/log.js';
import { documentTextHash, openEmbeddedStore, type Store } from '../src/store/index.js';

const ADMIN = { keyId: '0000000000000000', owner: 'test-admin', role: 'admin' } as Principal;
const READER = { keyId: '0000000000000001', owner: 'test-reader', role: 'reader' } as Principal;
const LIMITS = { maxDocumentChars: 500, maxBatchDocuments: 50 };

let dir: string;
let store: Store;
let queue: JobQueue;
let apollo: ApolloServer<never>;

interface Result {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function run(query: string, variables: Record<string, unknown> = {}, principal: Principal = ADMIN, labelerInfo: LabelerInfo | null = null): Promise<Result> {
  const response = await apollo.executeOperation({ query, variables }, { contextValue: createContext({ store, queue, limits: LIMITS, principal, labelerInfo }) as never });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return JSON.parse(JSON.stringify(response.body.singleResult)) as Result;
}

const SUBMIT = `mutation($docs: [DocumentInput!]!) { submitDocuments(documents: $docs) { job { id state documentIds: documents { edges { node { id } } } } outcomes { outcome documentId error { code } } } }`;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-jobs-api-'));
  const file = path.join(dir, 'vaner.db');
  store = await openEmbeddedStore({ path: file });
  queue = await openInProcessQueue({ path: file });
  apollo = createApolloServer({ logger: silentLogger }) as ApolloServer<never>;
  await apollo.start();
});

afterEach(async () => {
  await apollo.stop();
  await queue.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('jobs API', () => {
  it('lists, cancels and retries jobs; retryDocuments checks the ids belong to the job', async () => {
    const a = await run(SUBMIT, { docs: [{ externalId: 'A', text: 'first text' }] });
    const b = await run(SUBMIT, { docs: [{ externalId: 'B', text: 'second text' }, { externalId: 'C', text: 'third text' }] });
    const jobA = a.data!.submitDocuments.job.id as string;
    const jobB = b.data!.submitDocuments.job.id as string;
    const listed = await run('{ jobs(first: 1) { edges { cursor node { id state } } pageInfo { endCursor hasNextPage } } }');
    expect(listed.data!.jobs).toEqual({ edges: [{ cursor: jobA, node: { id: jobA, state: 'QUEUED' } }], pageInfo: { endCursor: jobA, hasNextPage: true } });
    const next = await run('query($after: String) { jobs(first: 5, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }', { after: jobA });
    expect(next.data!.jobs).toEqual({ edges: [{ node: { id: jobB } }], pageInfo: { hasNextPage: false } });

    const cancelled = await run('mutation($id: ID!) { cancelJob(id: $id) { id state } }', { id: jobB });
    expect(cancelled.data!.cancelJob).toEqual({ id: jobB, state: 'CANCELLED' });
    const byState = await run('{ jobs(state: CANCELLED) { edges { node { id } } } }');
    expect(byState.data!.jobs.edges).toEqual([{ node: { id: jobB } }]);
    const future = await run('query($t: String) { jobs(updatedSince: $t) { edges { node { id } } } }', { t: new Date(Date.now() + 60_000).toISOString() });
    expect(future.data!.jobs.edges).toEqual([]);

    const retried = await run('mutation($id: ID!) { retryJob(id: $id) { id state progress { total } } }', { id: jobB });
    expect(retried.data!.retryJob).toMatchObject({ state: 'QUEUED', progress: { total: 2 } });
    expect(retried.data!.retryJob.id).not.toBe(jobB);
    const conflict = await run('mutation($id: ID!) { retryJob(id: $id) { id } }', { id: jobA });
    expect(conflict.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const docC = b.data!.submitDocuments.outcomes[1].documentId as string;
    const some = await run('mutation($j: ID!, $d: [ID!]!) { retryDocuments(jobId: $j, documentIds: $d) { progress { total } } }', { j: jobB, d: [docC] });
    expect(some.data!.retryDocuments).toEqual({ progress: { total: 1 } });
    const foreign = await run('mutation($j: ID!, $d: [ID!]!) { retryDocuments(jobId: $j, documentIds: $d) { id } }', { j: jobB, d: ['doc_elsewhere'] });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await run('mutation { cancelJob(id: "job_nope") { id } }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('needs the submitter role to change jobs; readers may list them', async () => {
    const denied = await run('mutation { cancelJob(id: "job_x") { id } }', {}, READER);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await run('{ jobs { edges { cursor } } }', {}, READER)).errors).toBeUndefined();
  });

  it('answers documentsByExternalId with textHash, and exports documents with their submitted passages', async () => {
    const text = 'Lithium toxicity.  Renal failure.';
    const submitted = await run(SUBMIT, { docs: [{ externalId: 'P1', title: 'Lithium toxicity.', text, passages: [{ offset: 0, length: 17, type: 'title' }, { offset: 19, length: 14, type: 'abstract' }] }] });
    const id = submitted.data!.submitDocuments.outcomes[0].documentId as string;
    const badPassages = await run(SUBMIT, { docs: [{ externalId: 'P2', text: 'abc', passages: [{ offset: 2, length: 5 }] }] });
    expect(badPassages.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const stored = await run('query($ids: [String!]!) { documentsByExternalId(externalIds: $ids) { externalId textHash } }', { ids: ['nope', 'P1'] });
    expect(stored.data!.documentsByExternalId).toEqual([null, { externalId: 'P1', textHash: documentTextHash('Lithium toxicity.', text) }]);

    const [doc] = await store.getDocuments([id]);
    await store.replaceMentions(id, doc!.textHash, [
      { start: 0, end: 7, text: 'Lithium', type: 'CHEMICAL', confidence: null, entityId: 'MESH:D008094', linkMethod: 'exact', matchedName: null, linkConfidence: null, sentence: 0 },
      { start: 19, end: 32, text: 'Renal failure', type: 'DISEASE', confidence: null, entityId: null, linkMethod: null, matchedName: null, linkConfidence: null, sentence: 1 },
    ], { labeler: 'dictionary', modelVersion: 'old', linkerVersion: 'l1' });
    const exported = await run('query($id: ID!) { document(id: $id) { pubtator: export(format: PUBTATOR) json: export(format: BIOCJSON) } }', { id });
    expect(exported.data!.document.pubtator).toBe('P1|t|Lithium toxicity.\nP1|a| Renal failure.\nP1\t0\t7\tLithium\tChemical\tD008094\nP1\t19\t32\tRenal failure\tDisease\t-1\n\n');
    const collection = JSON.parse(exported.data!.document.json as string);
    expect(collection.documents[0].passages.map((p: { offset: number; text: string; infons: unknown; annotations: unknown[] }) => [p.offset, p.text, p.infons, p.annotations.length])).toEqual([
      [0, 'Lithium toxicity.', { type: 'title' }, 1],
      [19, 'Renal failure.', { type: 'abstract' }, 1],
    ]);

    const re = await run('mutation { reannotate(olderThanModel: "new") { documentCount jobs { progress { total } } } }');
    expect(re.data!.reannotate).toEqual({ documentCount: 1, jobs: [{ progress: { total: 1 } }] });
    const none = await run('mutation { reannotate(olderThanModel: "old") { documentCount jobs { id } } }');
    expect(none.data!.reannotate).toEqual({ documentCount: 0, jobs: [] });
    const both = await run('mutation { reannotate(olderThanModel: "old", all: true) { documentCount } }');
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reannotate groups documents by the scheme they were stored with, or takes scheme for all', async () => {
    const submitted = await run(SUBMIT, { docs: [{ externalId: 'N', text: 'Lithium toxicity.' }, { externalId: 'S', text: 'Mice.' }, { externalId: 'D', text: 'Cyanosis.' }] });
    const ids = submitted.data!.submitDocuments.outcomes.map((o: { documentId: string }) => o.documentId) as string[];
    const docs = await store.getDocuments(ids);
    const stamp = (i: number, scheme: string | null) => store.replaceMentions(ids[i]!, docs[i]!.textHash, [], { labeler: 'vaner', modelVersion: 'v1', linkerVersion: 'l1', scheme });
    await stamp(0, 'ncbi-disease');
    await stamp(1, 's800');
    await stamp(2, null);
    const REANNOTATE = 'mutation($scheme: String) { reannotate(all: true, scheme: $scheme) { documentCount jobs { scheme documents { edges { node { externalId } } } } } }';
    const jobsOf = (r: Result) => (r.data!.reannotate.jobs as { scheme: string | null; documents: { edges: { node: { externalId: string } }[] } }[])
      .map((j) => `${j.scheme ?? 'default'}: ${j.documents.edges.map((e) => e.node.externalId).sort().join(' ')}`).sort();

    // The labeler is unknown to this API (no worker): stored schemes travel as they are.
    expect(jobsOf(await run(REANNOTATE))).toEqual(['default: D', 'ncbi-disease: N', 's800: S']);
    // A labeler that dropped s800: those documents get its default.
    const newer = { kind: 'vaner', version: 'v2', schemes: ['bc5cdr', 'ncbi-disease'], defaultScheme: 'bc5cdr' };
    expect(jobsOf(await run(REANNOTATE, {}, ADMIN, newer))).toEqual(['default: D S', 'ncbi-disease: N']);
    expect(jobsOf(await run(REANNOTATE, { scheme: 'ncbi-disease' }, ADMIN, newer))).toEqual(['ncbi-disease: D N S']);
    const unknown = await run(REANNOTATE, { scheme: 's800' }, ADMIN, newer);
    expect(unknown.errors?.[0]).toMatchObject({ message: "unknown annotation scheme 's800': available schemes are bc5cdr, ncbi-disease", extensions: { code: 'BAD_USER_INPUT' } });
  });
});

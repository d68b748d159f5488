/**
 * Ownership over HTTP (docs/access-control.md, "Ownership"): the real server, embedded store,
 * in-process queue (no worker, so jobs stay QUEUED until cancelled) and key store. A submitter cancels
 * and retries only the jobs its key owner created; admins any; jobs without an owner (local CLI)
 * only admins. Updating a document another owner submitted is allowed and recorded: the update's
 * job names the key owner that made it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteKeyStore, type ApiKeyStore } from '../src/auth/index.js';
import { startApiServer, type ApiServer } from '../src/graphql/server.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue } from '../src/jobs/port.js';
import { silentLogger } from '../src/log.js';
import type { Store } from '../src/store/port.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';

let dir: string;
let store: Store;
let queue: JobQueue;
let keys: ApiKeyStore;
let server: ApiServer;
const key: Record<'alice' | 'bob' | 'admin', string> = { alice: '', bob: '', admin: '' };
let firstDocumentId = '';

async function gql(as: keyof typeof key, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key[as]}` },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

const SUBMIT = 'mutation($docs: [DocumentInput!]!) { submitDocuments(documents: $docs) { job { id owner } outcomes { outcome documentId } } }';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-owner-'));
  const file = path.join(dir, 'vaner.db');
  store = await openEmbeddedStore({ path: file });
  queue = await openInProcessQueue({ path: file });
  keys = openSqliteKeyStore({ path: file, dataDir: dir });
  key.alice = (await keys.create({ owner: 'alice', role: 'submitter', origin: 'cli' })).key;
  key.bob = (await keys.create({ owner: 'bob', role: 'submitter', origin: 'cli' })).key;
  key.admin = (await keys.create({ owner: 'root', role: 'admin', origin: 'cli' })).key;
  server = await startApiServer({
    store, queue, logger: silentLogger, host: '127.0.0.1', port: 0,
    limits: { maxDocumentChars: 10_000, maxBatchDocuments: 10, maxBodyBytes: 1 << 20 }, ide: false, introspection: true,
    auth: { keys, anonymousRead: false },
  });
});

afterAll(async () => {
  await server?.close();
  await keys?.close();
  await queue?.close();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('job and document ownership', () => {
  it('a submitter cancels and retries only its own jobs; an admin any', async () => {
    const submitted = await gql('alice', SUBMIT, { docs: [{ externalId: 'PMID:1', text: 'Lithium causes cyanosis.' }] });
    const job = submitted.data.submitDocuments.job;
    firstDocumentId = submitted.data.submitDocuments.outcomes[0].documentId;
    expect(job.owner).toBe('alice');

    for (const [mutation, variables] of [
      ['mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: job.id }],
      ['mutation($id: ID!) { retryJob(id: $id) { id } }', { id: job.id }],
      ['mutation($id: ID!, $d: [ID!]!) { retryDocuments(jobId: $id, documentIds: $d) { id } }', { id: job.id, d: [submitted.data.submitDocuments.outcomes[0].documentId] }],
    ] as const) {
      const r = await gql('bob', mutation, variables);
      expect(r.errors[0].extensions, mutation).toEqual({ code: 'FORBIDDEN', details: { jobId: job.id } });
      expect(r.errors[0].message).toMatch(/^only the key owner that created job \S+ \(or an admin\) may (cancel|retry) it$/);
    }
    expect((await gql('alice', 'query($id: ID!) { job(id: $id) { state } }', { id: job.id })).data.job.state).toBe('QUEUED');

    const cancelled = await gql('alice', 'mutation($id: ID!) { cancelJob(id: $id) { id state owner } }', { id: job.id });
    expect(cancelled.data.cancelJob).toEqual({ id: job.id, state: 'CANCELLED', owner: 'alice' });
    // An admin may retry anyone's job; the new job keeps the original owner.
    const retried = await gql('admin', 'mutation($id: ID!) { retryJob(id: $id) { id owner state } }', { id: job.id });
    expect(retried.data.retryJob).toMatchObject({ owner: 'alice', state: 'QUEUED' });
    expect((await gql('admin', 'mutation($id: ID!) { cancelJob(id: $id) { state } }', { id: retried.data.retryJob.id })).data.cancelJob.state).toBe('CANCELLED');
    // Unknown ids are still NOT_FOUND, not FORBIDDEN.
    expect((await gql('bob', 'mutation { cancelJob(id: "job_nope") { id } }')).errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('jobs with no recorded owner (made by local CLI commands) are changed by admins only', async () => {
    const local = await queue.enqueue([firstDocumentId]);
    expect((await gql('alice', 'mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: local.id })).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gql('admin', 'mutation($id: ID!) { cancelJob(id: $id) { state owner } }', { id: local.id })).data.cancelJob).toEqual({ state: 'CANCELLED', owner: null });
  });

  it("updating a document another owner submitted is allowed and recorded in the update's job", async () => {
    const first = await gql('alice', SUBMIT, { docs: [{ externalId: 'PMID:2', text: 'Heart failure.' }] });
    const documentId = first.data.submitDocuments.outcomes[0].documentId;
    const update = await gql('bob', SUBMIT, { docs: [{ externalId: 'PMID:2', text: 'Heart failure after lithium.' }] });
    expect(update.data.submitDocuments.outcomes).toEqual([{ outcome: 'UPDATED', documentId }]);
    expect(update.data.submitDocuments.job.owner).toBe('bob');
    // Who changed the document, and when, is read back from the jobs that hold it.
    const jobs = await gql('admin', '{ jobs(first: 20) { edges { node { owner createdAt documents(first: 5) { edges { node { id } } } } } } }');
    expect(jobs.errors).toBeUndefined();
    const touching = jobs.data.jobs.edges.map((e: any) => e.node).filter((j: any) => j.documents.edges.some((d: any) => d.node.id === documentId));
    expect(touching.map((j: any) => j.owner)).toEqual(['alice', 'bob']);
  });
});

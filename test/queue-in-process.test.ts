import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openInProcessQueue } from '../src/jobs/index.js';
import type { JobQueue } from '../src/jobs/port.js';
import { openEmbeddedStore } from '../src/store/index.js';
import { STORE_SCHEMA_VERSION } from '../src/store/embedded/sqlite-schema.js';
import { describeQueueConformance, QUEUE_CONFORMANCE_OPTIONS } from './conformance/queue-suite.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-queue-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const fileOf = (namespace: string): string => path.join(root, `${namespace}.db`);

describeQueueConformance('in-process (SQLite)', (namespace) =>
  openInProcessQueue({ path: fileOf(namespace), ...QUEUE_CONFORMANCE_OPTIONS, pollIntervalMs: 20 }),
);

async function waitFor(queue: JobQueue, id: string, state: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await queue.getJobs([id]))[0]?.state !== state) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('in-process queue specifics', () => {
  const open: JobQueue[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.close()));
  });

  it('takes over a job whose owner died (expired lease), counting the lost attempt', async () => {
    const file = fileOf(`dead-${Date.now()}`);
    const setup = await openInProcessQueue({ path: file });
    const job = await setup.enqueue(['doc_a']);
    await setup.close();
    // What a process killed mid-job leaves behind: RUNNING, attempt used, lease in the past.
    const db = new Database(file);
    db.prepare("UPDATE queue_jobs SET state = 'RUNNING', attempts = 1, lease_owner = 'dead', lease_token = 'lease_dead', lease_expires_at = ? WHERE id = ?")
      .run(Date.now() - 1, job.id);
    db.close();

    const queue = await openInProcessQueue({ path: file, pollIntervalMs: 20 });
    open.push(queue);
    expect((await queue.getJobs([job.id]))[0]).toMatchObject({ state: 'QUEUED', attempts: 1 });
    const attempts: number[] = [];
    queue.startWorker(async (j) => {
      attempts.push(j.attempt);
      return { failures: [] };
    });
    await waitFor(queue, job.id, 'COMPLETED');
    expect(attempts).toEqual([2]);
  });

  it('leaves a job alone while another owner holds a live lease, and takes it when the lease runs out', async () => {
    const file = fileOf(`live-${Date.now()}`);
    const queue = await openInProcessQueue({ path: file, pollIntervalMs: 20, leaseMs: 30_000 });
    open.push(queue);
    const job = await queue.enqueue(['doc_a']);
    const db = new Database(file);
    db.prepare("UPDATE queue_jobs SET state = 'RUNNING', attempts = 1, lease_owner = 'other', lease_token = 'lease_other', lease_expires_at = ? WHERE id = ?")
      .run(Date.now() + 400, job.id);
    db.close();
    const startedAt = Date.now();
    let ranAt = 0;
    queue.startWorker(async () => {
      ranAt = Date.now();
      return { failures: [] };
    });
    await waitFor(queue, job.id, 'COMPLETED');
    expect(ranAt - startedAt).toBeGreaterThanOrEqual(350);
  });

  it('fails a job whose last attempt was lost with its worker', async () => {
    const file = fileOf(`lost-${Date.now()}`);
    const setup = await openInProcessQueue({ path: file });
    const job = await setup.enqueue(['doc_a']);
    await setup.close();
    const db = new Database(file);
    db.prepare("UPDATE queue_jobs SET state = 'RUNNING', attempts = 3, lease_owner = 'dead', lease_token = 'lease_dead', lease_expires_at = 1 WHERE id = ?").run(job.id);
    db.close();
    const queue = await openInProcessQueue({ path: file });
    open.push(queue);
    expect((await queue.getJobs([job.id]))[0]).toMatchObject({ state: 'FAILED', attempts: 3, error: 'worker lost (lease expired) on the last attempt' });
  });

  it('shares one database file with the embedded store', async () => {
    const file = fileOf(`shared-${Date.now()}`);
    const store = await openEmbeddedStore({ path: file });
    const queue = await openInProcessQueue({ path: file });
    open.push(queue);
    const [put] = await store.putDocuments([{ text: 'shared file' }]);
    const job = await queue.enqueue([put!.document.id]);
    expect((await queue.getJobs([job.id]))[0]?.documentIds).toEqual([put!.document.id]);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
    db.close();
  });

  it('validates its options with CONFIG_INVALID naming the field', async () => {
    await expect(openInProcessQueue({ path: fileOf('bad'), maxAttempts: 0 })).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'maxAttempts' } });
  });

  it('rejects calls after close with QUEUE_UNAVAILABLE', async () => {
    const queue = await openInProcessQueue({ path: fileOf(`closed-${Date.now()}`) });
    await queue.close();
    await queue.close();
    await expect(queue.enqueue(['doc_a'])).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
  });
});

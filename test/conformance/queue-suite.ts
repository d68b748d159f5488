/**
 * The JobQueue conformance suite: every adapter of src/jobs/port.ts runs these exact cases.
 *
 * `open(namespace)` opens a queue on the backing storage named by `namespace`: a fresh namespace
 * gives an empty queue; opening the same namespace again (a restart, or a second process) gives
 * another handle on the same jobs. Adapters must be opened with {@link QUEUE_CONFORMANCE_OPTIONS}.
 * The suite closes every queue it opened after each test; removing backing data is the caller's job.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { VanerError } from '../../src/errors.js';
import type { JobInfo, JobQueue, JobState, Processor, QueueJob } from '../../src/jobs/port.js';

/** The retry settings the suite's timing assertions assume. */
export const QUEUE_CONFORMANCE_OPTIONS = { maxAttempts: 3, backoffMs: 50 } as const;

/** A promise plus its resolver, to hold a processor at a known point. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForState(queue: JobQueue, id: string, states: readonly JobState[]): Promise<JobInfo> {
  return until(`job ${id} to reach ${states.join('/')}`, async () => {
    const [info] = await queue.getJobs([id]);
    return info !== null && info !== undefined && states.includes(info.state) ? info : undefined;
  });
}

export function describeQueueConformance(name: string, open: (namespace: string) => Promise<JobQueue>): void {
  describe(`JobQueue conformance: ${name}`, () => {
    const opened: JobQueue[] = [];
    let namespace = '';

    const openQueue = async (ns = namespace): Promise<JobQueue> => {
      const queue = await open(ns);
      opened.push(queue);
      return queue;
    };
    const fresh = async (): Promise<JobQueue> => {
      namespace = `q-${randomUUID()}`;
      return openQueue();
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((q) => q.close()));
    });

    it('enqueues a job with its documents and reads jobs in input order with nulls', async () => {
      const queue = await fresh();
      const job = await queue.enqueue(['doc_a', 'doc_b']);
      expect(job).toMatchObject({
        state: 'QUEUED', documentIds: ['doc_a', 'doc_b'], progress: { total: 2, done: 0, failed: 0 },
        failures: [], attempts: 0, error: null, finishedAt: null,
      });
      const other = await queue.enqueue(['doc_c']);
      expect((await queue.getJobs([other.id, 'job_nope', job.id])).map((j) => j?.id ?? null)).toEqual([other.id, null, job.id]);
      expect(await queue.getJobs([])).toEqual([]);
    });

    it('records who created a job, also for empty jobs; cancelling keeps it', async () => {
      const queue = await fresh();
      const owned = await queue.enqueue(['doc_a'], { owner: 'alice' });
      expect(owned.owner).toBe('alice');
      expect((await queue.enqueue([], { owner: 'bob' })).owner).toBe('bob');
      expect((await queue.enqueue(['doc_b'])).owner).toBeNull();
      expect((await queue.getJobs([owned.id]))[0]!.owner).toBe('alice');
      expect((await queue.cancel(owned.id)).owner).toBe('alice');
      // A retry is a new job for the same owner.
      expect((await queue.retry(owned.id)).owner).toBe('alice');
    });

    it('carries a per-job scheme to the processor, in job info, and into a retry; rejects a malformed one', async () => {
      const queue = await fresh();
      const seen: (string | null)[] = [];
      queue.startWorker(async (job) => {
        seen.push(job.scheme);
        if (job.documentIds.includes('doc_bad')) throw new VanerError('INVALID_FORMAT', 'bad', { retriable: false });
        return { failures: [] };
      });
      const plain = await queue.enqueue(['doc_a']);
      expect(plain.scheme).toBeNull();
      await waitForState(queue, plain.id, ['COMPLETED']);
      const job = await queue.enqueue(['doc_bad'], { scheme: 'ncbi-disease' });
      expect(job.scheme).toBe('ncbi-disease');
      const failed = await waitForState(queue, job.id, ['FAILED']);
      expect(failed.scheme).toBe('ncbi-disease');
      const retried = await queue.retry(job.id);
      expect(retried.scheme).toBe('ncbi-disease');
      await waitForState(queue, retried.id, ['FAILED']);
      expect(seen).toEqual([null, 'ncbi-disease', 'ncbi-disease']);
      expect((await queue.enqueue([], { scheme: 's800' })).scheme).toBe('s800');
      await expect(queue.enqueue(['doc_a'], { scheme: '' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });

    it('completes an empty job at once', async () => {
      const queue = await fresh();
      const job = await queue.enqueue([]);
      expect(job).toMatchObject({ state: 'COMPLETED', documentIds: [], progress: { total: 0, done: 0, failed: 0 }, failures: [], attempts: 0 });
      expect(job.finishedAt).not.toBeNull();
    });

    it('reports jobs by state and the queue depth for metrics (and BullMQ its own exposition)', async () => {
      const queue = await fresh();
      const empty = await queue.stats();
      expect(empty.jobs).toEqual({ QUEUED: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 });
      expect(empty.depth).toBe(0);
      await queue.enqueue(['doc_a']);
      await queue.enqueue(['doc_b', 'doc_c']);
      const two = await queue.stats();
      expect([two.jobs.QUEUED, two.jobs.RUNNING, two.depth]).toEqual([2, 0, 2]);
      if (queue.kind === 'bullmq') {
        expect(two.prometheus).toMatch(/^bullmq_job_count\{queue="[^"]+", state="waiting"\} 2$/m);
      } else {
        expect(two.prometheus).toBeNull();
      }
    });

    it('rejects invalid document ids with BAD_USER_INPUT', async () => {
      const queue = await fresh();
      await expect(queue.enqueue(['doc_a', ''])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });

    it('applies the shared checks (jobs/job-control.ts): ids, their number, worker concurrency', async () => {
      const queue = await fresh();
      await expect(queue.enqueue(['doc_a', ''])).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'documentIds', index: 1 } });
      await expect(queue.enqueue('doc_a' as unknown as string[])).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'documentIds' } });
      const tooMany = Array.from({ length: 10_001 }, (_, i) => `doc_${i}`);
      await expect(queue.enqueue(tooMany)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'documentIds' } });
      await expect(queue.getJobs(tooMany)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'ids' } });
      await expect(queue.getJobs([''])).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'ids', index: 0 } });
      const noop = async () => ({ failures: [] });
      for (const concurrency of [0, 65, 1.5]) {
        expect(() => queue.startWorker(noop, { concurrency })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'concurrency' } }));
      }
    });

    it('runs a job: the processor sees its ids and attempt, progress is visible while it runs', async () => {
      const queue = await fresh();
      const hold = gate();
      const seen: { ids: readonly string[]; attempt: number }[] = [];
      const worker = queue.startWorker(async (job) => {
        seen.push({ ids: job.documentIds, attempt: job.attempt });
        await job.updateProgress({ total: 2, done: 1, failed: 0 });
        await hold.promise;
        return { failures: [] };
      });
      const job = await queue.enqueue(['doc_a', 'doc_b']);
      const running = await until('progress', async () => {
        const [info] = await queue.getJobs([job.id]);
        return info?.state === 'RUNNING' && info.progress.done === 1 ? info : undefined;
      });
      expect(running).toMatchObject({ progress: { total: 2, done: 1, failed: 0 }, attempts: 1, finishedAt: null });
      hold.open();
      const done = await waitForState(queue, job.id, ['COMPLETED', 'FAILED']);
      expect(done).toMatchObject({ state: 'COMPLETED', progress: { total: 2, done: 2, failed: 0 }, failures: [], attempts: 1, error: null });
      expect(done.finishedAt).not.toBeNull();
      expect(seen).toEqual([{ ids: ['doc_a', 'doc_b'], attempt: 1 }]);
      await worker.close();
    });

    it('records per-document failures on a completed job', async () => {
      const queue = await fresh();
      queue.startWorker(async (job) => ({
        failures: [{ documentId: job.documentIds[1]!, code: 'NOT_FOUND', message: 'document doc_b not found' }],
      }));
      const job = await queue.enqueue(['doc_a', 'doc_b', 'doc_c']);
      const done = await waitForState(queue, job.id, ['COMPLETED', 'FAILED']);
      expect(done).toMatchObject({
        state: 'COMPLETED',
        progress: { total: 3, done: 2, failed: 1 },
        failures: [{ documentId: 'doc_b', code: 'NOT_FOUND', message: 'document doc_b not found' }],
        attempts: 1,
      });
    });

    it('retries a failing job with exponential backoff, then fails it', async () => {
      const queue = await fresh();
      const calls: { attempt: number; at: number }[] = [];
      queue.startWorker(async (job) => {
        calls.push({ attempt: job.attempt, at: Date.now() });
        throw new Error('boom');
      });
      const job = await queue.enqueue(['doc_a']);
      const failed = await waitForState(queue, job.id, ['FAILED', 'COMPLETED']);
      expect(failed).toMatchObject({ state: 'FAILED', attempts: 3 });
      expect(failed.error).toContain('boom');
      expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
      const { backoffMs } = QUEUE_CONFORMANCE_OPTIONS;
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(backoffMs - 5);
      expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(2 * backoffMs - 5);
    });

    it('succeeds on a retry after a transient failure', async () => {
      const queue = await fresh();
      queue.startWorker(async (job) => {
        if (job.attempt === 1) throw new VanerError('STORE_UNAVAILABLE', 'busy', { retriable: true });
        return { failures: [] };
      });
      const job = await queue.enqueue(['doc_a']);
      expect(await waitForState(queue, job.id, ['COMPLETED', 'FAILED'])).toMatchObject({ state: 'COMPLETED', attempts: 2, progress: { total: 1, done: 1, failed: 0 } });
    });

    it('fails a job at once on a non-retriable VanerError', async () => {
      const queue = await fresh();
      let calls = 0;
      queue.startWorker(async () => {
        calls++;
        throw new VanerError('INVALID_FORMAT', 'cannot be processed', { retriable: false });
      });
      const job = await queue.enqueue(['doc_a']);
      const failed = await waitForState(queue, job.id, ['FAILED', 'COMPLETED']);
      expect(failed).toMatchObject({ state: 'FAILED', attempts: 1 });
      expect(failed.error).toContain('cannot be processed');
      // Give a wrongly scheduled retry the time to happen.
      await new Promise((r) => setTimeout(r, 4 * QUEUE_CONFORMANCE_OPTIONS.backoffMs));
      expect(calls).toBe(1);
    });

    it('worker.close() aborts the signal and returns the job to the queue without using an attempt', async () => {
      const queue = await fresh();
      const started = gate();
      let aborted = false;
      const worker = queue.startWorker(async (_job, _token, signal) => {
        started.open();
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted = signal.aborted;
        throw new VanerError('CANCELLED', 'stopped', { retriable: true });
      });
      const job = await queue.enqueue(['doc_a']);
      await started.promise;
      await worker.close();
      expect(aborted).toBe(true);
      expect((await queue.getJobs([job.id]))[0]).toMatchObject({ state: 'QUEUED', attempts: 0 });
      await worker.close(); // idempotent
    });

    it('resumes a job interrupted by a restart', async () => {
      const first = await fresh();
      const started = gate();
      const interrupted: Processor = async (_job, _token, signal) => {
        started.open();
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        throw new VanerError('CANCELLED', 'stopped', { retriable: true });
      };
      first.startWorker(interrupted);
      const job = await first.enqueue(['doc_a', 'doc_b']);
      await started.promise;
      await first.close();

      const second = await openQueue();
      expect((await second.getJobs([job.id]))[0]).toMatchObject({ state: 'QUEUED', attempts: 0 });
      const attempts: number[] = [];
      second.startWorker(async (j) => {
        attempts.push(j.attempt);
        return { failures: [] };
      });
      expect(await waitForState(second, job.id, ['COMPLETED', 'FAILED'])).toMatchObject({ state: 'COMPLETED', attempts: 1, documentIds: ['doc_a', 'doc_b'] });
      expect(attempts).toEqual([1]);
    });

    it('lists jobs oldest first, paged by cursor, filtered by state and updatedSince', async () => {
      const queue = await fresh();
      const a = await queue.enqueue(['doc_a']);
      const b = await queue.enqueue(['doc_b']);
      const c = await queue.enqueue([]);
      const firstPage = await queue.listJobs({ first: 2 });
      expect(firstPage.items.map((j) => j.id)).toEqual([a.id, b.id]);
      expect([firstPage.endCursor, firstPage.hasNextPage]).toEqual([b.id, true]);
      const second = await queue.listJobs({ first: 2, after: firstPage.endCursor });
      expect([second.items.map((j) => j.id), second.hasNextPage]).toEqual([[c.id], false]);
      expect((await queue.listJobs({ first: 10, state: 'COMPLETED' })).items.map((j) => j.id)).toEqual([c.id]);
      expect((await queue.listJobs({ first: 10, state: 'QUEUED' })).items.map((j) => j.id)).toEqual([a.id, b.id]);
      expect((await queue.listJobs({ first: 10, updatedSince: new Date(Date.now() + 60_000).toISOString() })).items).toEqual([]);
      expect((await queue.listJobs({ first: 10, updatedSince: a.createdAt })).items.map((j) => j.id)).toEqual([a.id, b.id, c.id]);
      expect(await queue.listJobs({ first: 0 })).toMatchObject({ items: [], endCursor: null, hasNextPage: true });
      await expect(queue.listJobs({ first: 1001 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'first' } });
      await expect(queue.listJobs({ first: 1, updatedSince: 'yesterday' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'updatedSince' } });
      // Date.parse took these (February 30 for March 2; free text); a day that does not exist is refused.
      for (const updatedSince of ['2026-02-30', 'Dec 8 2026', '2026-12-08T24:00:00Z']) {
        await expect(queue.listJobs({ first: 1, updatedSince })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'updatedSince' } });
      }
      // An offset counts: an hour east of UTC, an hour after c was created, is c's creation time.
      const cAt = new Date(c.createdAt);
      const east = new Date(cAt.getTime() + 3_600_000).toISOString().replace('Z', '+01:00');
      expect((await queue.listJobs({ first: 10, updatedSince: east })).items.map((j) => j.id)).toContain(c.id);
    });

    it('cancels a queued job at once; a worker never runs it; finished and unknown jobs are refused', async () => {
      const queue = await fresh();
      const job = await queue.enqueue(['doc_a', 'doc_b']);
      const cancelled = await queue.cancel(job.id);
      expect(cancelled).toMatchObject({ id: job.id, state: 'CANCELLED', documentIds: ['doc_a', 'doc_b'] });
      expect(cancelled.finishedAt).not.toBeNull();
      const ran: string[] = [];
      queue.startWorker(async (j) => {
        ran.push(j.id);
        return { failures: [] };
      });
      const other = await queue.enqueue(['doc_c']);
      await waitForState(queue, other.id, ['COMPLETED']);
      expect(ran).toEqual([other.id]);
      expect((await queue.getJobs([job.id]))[0]).toMatchObject({ state: 'CANCELLED' });
      expect((await queue.listJobs({ first: 10, state: 'CANCELLED' })).items.map((j) => j.id)).toEqual([job.id]);
      await expect(queue.cancel(other.id)).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(queue.cancel('job_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('stops a running job at its next batch boundary when cancelled', async () => {
      const queue = await fresh();
      const firstBatchDone = gate();
      const resume = gate();
      const batches: number[] = [];
      let thrown: unknown = null;
      queue.startWorker(async (job) => {
        try {
          for (let batch = 1; batch <= 3; batch++) {
            batches.push(batch);
            await job.updateProgress({ total: 3, done: batch, failed: 0 });
            if (batch === 1) {
              firstBatchDone.open();
              await resume.promise;
            }
          }
        } catch (error) {
          thrown = error;
          throw error;
        }
        return { failures: [] };
      });
      const job = await queue.enqueue(['doc_a', 'doc_b', 'doc_c']);
      await firstBatchDone.promise;
      expect(await queue.cancel(job.id)).toMatchObject({ state: 'RUNNING' });
      resume.open();
      const done = await waitForState(queue, job.id, ['CANCELLED', 'COMPLETED', 'FAILED']);
      expect(done).toMatchObject({ state: 'CANCELLED', progress: { total: 3, done: 1, failed: 0 } });
      expect(batches).toEqual([1, 2]);
      expect(thrown).toMatchObject({ code: 'CANCELLED' });
    });

    it('retries a failed job, and the failed documents of a completed one, as new jobs', async () => {
      const queue = await fresh();
      const seen: (readonly string[])[] = [];
      queue.startWorker(async (job) => {
        seen.push(job.documentIds);
        if (job.documentIds.includes('doc_bad')) throw new VanerError('INVALID_FORMAT', 'bad', { retriable: false });
        return { failures: job.documentIds.includes('doc_b') ? [{ documentId: 'doc_b', code: 'NOT_FOUND', message: 'gone' }] : [] };
      });
      const failed = await queue.enqueue(['doc_bad', 'doc_x']);
      await waitForState(queue, failed.id, ['FAILED']);
      const partial = await queue.enqueue(['doc_a', 'doc_b']);
      await waitForState(queue, partial.id, ['COMPLETED']);
      const retriedPartial = await queue.retry(partial.id);
      expect(retriedPartial.id).not.toBe(partial.id);
      expect(retriedPartial.documentIds).toEqual(['doc_b']);
      const retriedFailed = await queue.retry(failed.id);
      expect(retriedFailed.documentIds).toEqual(['doc_bad', 'doc_x']);
      await waitForState(queue, retriedFailed.id, ['FAILED']);
      const clean = await queue.enqueue(['doc_a']);
      await waitForState(queue, clean.id, ['COMPLETED']);
      await expect(queue.retry(clean.id)).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(queue.retry('job_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(seen).toEqual([['doc_bad', 'doc_x'], ['doc_a', 'doc_b'], ['doc_b'], ['doc_bad', 'doc_x'], ['doc_a']]);
    });

    it('never gives one job to two workers, across handles on the same queue', async () => {
      const a = await fresh();
      const b = await openQueue();
      const processed: string[] = [];
      const processor: Processor = async (job: QueueJob) => {
        processed.push(job.id);
        await new Promise((r) => setTimeout(r, 5));
        return { failures: [] };
      };
      a.startWorker(processor, { concurrency: 2 });
      b.startWorker(processor, { concurrency: 2 });
      const jobs = [];
      for (let i = 0; i < 12; i++) jobs.push(await (i % 2 === 0 ? a : b).enqueue([`doc_${i}`]));
      for (const job of jobs) expect(await waitForState(a, job.id, ['COMPLETED', 'FAILED'])).toMatchObject({ state: 'COMPLETED', attempts: 1 });
      expect([...processed].sort()).toEqual(jobs.map((j) => j.id).sort());
    });
  });
}

/**
 * The BullMQ queue adapter against a real redis-server (started by test/global-setup.ts): the shared
 * JobQueue conformance suite, then what only a distributed queue has to show (a SIGKILLed worker's
 * job is recovered by another worker; option validation; an unreachable Redis).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { openBullmqQueue } from '../src/jobs/bullmq/bullmq-queue.js';
import type { JobQueue } from '../src/jobs/port.js';
import { describeQueueConformance, QUEUE_CONFORMANCE_OPTIONS } from './conformance/queue-suite.js';

const redisUrl = inject('redisUrl');
const PREFIX = 'vaner-test';

/** Removes every key of the queues a test used (BullMQ's obliterate, forced past active jobs). */
async function obliterate(url: string, queueNames: Iterable<string>): Promise<void> {
  const connection = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    for (const name of queueNames) {
      const queue = new Queue(name, { connection, prefix: PREFIX });
      await queue.obliterate({ force: true });
      await queue.close();
      // obliterate removes BullMQ's own keys; the adapter's empty-job records live under the same prefix.
      const leftovers = await connection.keys(`${PREFIX}:${name}:*`);
      if (leftovers.length > 0) await connection.del(...leftovers);
    }
  } finally {
    await connection.quit();
  }
}

// Redis comes from Debian's redis-server (scripts/ensure-system-deps.sh); without it the whole file is
// reported as skipped, with the reason on the console.
if (redisUrl === null) console.warn(`BullMQ queue suites skipped: ${inject('redisUnavailable')}`);
describe.skipIf(redisUrl === null)('BullMQ queue (Redis from the test setup)', () => {
  const url = redisUrl ?? '';
  const used = new Set<string>();
  afterEach(async () => {
    await obliterate(url, used);
    used.clear();
  });

  const open = (namespace: string, extra: Partial<Parameters<typeof openBullmqQueue>[0]> = {}): Promise<JobQueue> => {
    used.add(namespace);
    // Small lock/stall settings keep recovery quick; drainDelay 1 s keeps close() quick on an idle queue.
    return openBullmqQueue({ redisUrl: url, queueName: namespace, prefix: PREFIX, ...QUEUE_CONFORMANCE_OPTIONS, drainDelaySeconds: 1, ...extra });
  };

  describeQueueConformance('bullmq', (namespace) => open(namespace));

  describe('BullMQ queue: specific behaviour', () => {
    it('recovers the job of a SIGKILLed worker process on another worker', async () => {
      const namespace = `q-kill-${process.pid}-${Date.now()}`;
      const queue = await open(namespace, { lockDurationMs: 1000, stalledIntervalMs: 300 });
      const job = await queue.enqueue(['doc_a']);
      // A separate worker process (plain BullMQ, the same queue) takes the job, reports, and hangs until killed.
      const script = `
        import { Worker } from 'bullmq';
        const worker = new Worker(${JSON.stringify(namespace)}, async () => { process.stdout.write('taken\\n'); await new Promise(() => {}); },
          { connection: { url: ${JSON.stringify(url)}, maxRetriesPerRequest: null }, prefix: ${JSON.stringify(PREFIX)}, lockDuration: 1000, stalledInterval: 300 });
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: path.resolve(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('taken')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
      });
      expect((await queue.getJobs([job.id]))[0]).toMatchObject({ state: 'RUNNING' });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      const attempts: number[] = [];
      const worker = queue.startWorker(async (j) => {
        attempts.push(j.attempt);
        return { failures: [] };
      });
      const deadline = Date.now() + 15_000;
      let state = '';
      while (Date.now() < deadline) {
        state = (await queue.getJobs([job.id]))[0]?.state ?? 'missing';
        if (state === 'COMPLETED' || state === 'FAILED') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const info = (await queue.getJobs([job.id]))[0]!;
      // The lost attempt counts (as the in-process queue counts an expired lease): this is attempt 2.
      expect(info).toMatchObject({ state: 'COMPLETED', attempts: 2, progress: { total: 1, done: 1, failed: 0 } });
      expect(attempts).toEqual([2]);
      await worker.close();
    });

    it('keeps jobs as document ids (and the creating owner) only in Redis', async () => {
      const namespace = `q-data-${process.pid}-${Date.now()}`;
      const queue = await open(namespace);
      const job = await queue.enqueue(['doc_1', 'doc_2'], { owner: 'alice' });
      const connection = new Redis(url);
      try {
        expect(JSON.parse((await connection.hget(`${PREFIX}:${namespace}:${job.id}`, 'data'))!)).toEqual({ documentIds: ['doc_1', 'doc_2'], owner: 'alice' });
      } finally {
        await connection.quit();
      }
    });

    it('validates its options, naming the field', async () => {
      await expect(openBullmqQueue({ redisUrl: 'http://x' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'redisUrl' } });
      await expect(openBullmqQueue({ redisUrl: url, queueName: 'a:b' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'queueName' } });
      await expect(openBullmqQueue({ redisUrl: url, maxAttempts: 0 })).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { field: 'maxAttempts' } });
    });

    it('reports QUEUE_UNAVAILABLE when Redis does not answer', async () => {
      // Port 1 on loopback: nothing listens there, so the connection is refused at once.
      await expect(openBullmqQueue({ redisUrl: 'redis://127.0.0.1:1' })).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE', retriable: true });
    });
  });
});

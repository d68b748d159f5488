/**
 * Queue overhead benchmark (not part of the normal run): 2,000 jobs of 10 document ids through a
 * trivial processor, BullMQ with 1 and 2 workers against the in-process queue with 1 and 2 workers.
 *
 *   VANER_QUEUE_BENCH=1 npx vitest run test/queue-bullmq-throughput.test.ts
 *
 * Each worker is its own queue handle (own connections), as separate processes would have. Prints a table.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { openBullmqQueue } from '../src/jobs/bullmq/bullmq-queue.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue } from '../src/jobs/port.js';

const JOBS = Number(process.env.VANER_QUEUE_BENCH_JOBS ?? 2000);
const IDS_PER_JOB = 10;
const redisUrl = inject('redisUrl');
const enabled = process.env.VANER_QUEUE_BENCH === '1' && redisUrl !== null;

interface Row {
  readonly queue: string;
  readonly workers: number;
  readonly enqueueMs: number;
  readonly drainMs: number;
  readonly jobsPerSecond: number;
}

async function measure(label: string, handles: JobQueue[], workers: number): Promise<Row> {
  let done = 0;
  let finish!: () => void;
  const allDone = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const started = handles.slice(0, workers).map((q) =>
    q.startWorker(async () => {
      if (++done === JOBS) finish();
      return { failures: [] };
    }),
  );
  const ids = Array.from({ length: IDS_PER_JOB }, (_, i) => `doc_${i}`);
  const t0 = performance.now();
  const enqueued: string[] = [];
  // Enqueue as an API would: one call per job, 50 in flight.
  for (let i = 0; i < JOBS; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, JOBS - i) }, () => handles[0]!.enqueue(ids)));
    enqueued.push(...batch.map((j) => j.id));
  }
  const t1 = performance.now();
  await allDone;
  const t2 = performance.now();
  // The store-side view agrees: every job COMPLETED (checked on a sample of 100).
  const sample = await handles[0]!.getJobs(enqueued.filter((_, i) => i % Math.ceil(JOBS / 100) === 0));
  expect(sample.every((j) => j?.state === 'COMPLETED')).toBe(true);
  await Promise.all(started.map((w) => w.close()));
  return { queue: label, workers, enqueueMs: Math.round(t1 - t0), drainMs: Math.round(t2 - t0), jobsPerSecond: Math.round(JOBS / ((t2 - t0) / 1000)) };
}

describe.runIf(enabled)('queue throughput (VANER_QUEUE_BENCH=1)', () => {
  it(`${JOBS} jobs x ${IDS_PER_JOB} ids, trivial processor`, async () => {
    const rows: Row[] = [];
    for (const workers of [1, 2]) {
      const name = `bench-${process.pid}-${workers}`;
      const handles = await Promise.all([0, 1].map(() => openBullmqQueue({ redisUrl: redisUrl!, queueName: name, prefix: 'vaner-bench', drainDelaySeconds: 1 })));
      try {
        rows.push(await measure('bullmq', handles, workers));
      } finally {
        await Promise.all(handles.map((h) => h.close()));
        const connection = new Redis(redisUrl!);
        const q = new Queue(name, { connection, prefix: 'vaner-bench' });
        await q.obliterate({ force: true });
        await q.close();
        await connection.quit();
      }
    }
    for (const workers of [1, 2]) {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vaner-qbench-'));
      const file = path.join(dir, 'queue.db');
      const handles = [await openInProcessQueue({ path: file, pollIntervalMs: 10 }), await openInProcessQueue({ path: file, pollIntervalMs: 10 })];
      try {
        rows.push(await measure('in-process', handles, workers));
      } finally {
        await Promise.all(handles.map((h) => h.close()));
        await fs.rm(dir, { recursive: true, force: true });
      }
    }
    console.info(
      ['| queue | workers | enqueue (ms) | enqueue + drain (ms) | jobs/s |', '| --- | --- | --- | --- | --- |',
        ...rows.map((r) => `| ${r.queue} | ${r.workers} | ${r.enqueueMs} | ${r.drainMs} | ${r.jobsPerSecond} |`)].join('\n'),
    );
  }, 600_000);
});

/**
 * Fault tests with real processes (built CLI), for the in-process queue and for BullMQ: a worker
 * SIGKILLed mid-run and replaced, Redis crashed and restarted on the same port mid-run, a batch
 * mixing valid and invalid documents, and the API stopped with SIGTERM during a large submission and
 * restarted. After each: every valid document stored once and annotated, every invalid one reported
 * with its reason, no duplicate mention (document, start, end, type), every job COMPLETED.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  allJobs,
  buildCli,
  checkStore,
  corpus,
  createWorkspace,
  spawnVaner,
  startDurableRedis,
  startServe,
  submit,
  submitterKey,
  until,
  type Proc,
  type Workspace,
} from './fault-harness.js';

const DOCS = 1600;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

beforeAll(async () => {
  await buildCli();
}, 180_000);

function track(proc: Proc): Proc {
  cleanups.push(async () => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
  });
  return proc;
}

async function stop(proc: Proc): Promise<number | string> {
  proc.child.kill('SIGTERM');
  return proc.exited;
}

/** Every valid document stored once, annotated, with the same mentions as its template's others. */
function expectIntact(ws: Workspace, docs: ReturnType<typeof corpus>): void {
  const check = checkStore(ws);
  expect(check.duplicateMentions).toBe(0);
  expect(check.externalIds).toEqual(docs.map((d) => d.externalId).sort());
  expect(check.annotated).toBe(docs.length);
  const perTemplate = new Map<number, Set<number>>();
  for (const d of docs) {
    const set = perTemplate.get(d.template) ?? new Set<number>();
    set.add(check.mentionsByExternalId.get(d.externalId)!);
    perTemplate.set(d.template, set);
  }
  // Same text shape -> same mention count: a document annotated twice (duplicates) or not at all would differ.
  expect([...perTemplate.entries()].sort((a, b) => a[0] - b[0]).map(([, counts]) => [...counts])).toEqual([[4], [3], [3], [0]]);
}

async function submitMixed(url: string, key: string, docs: ReturnType<typeof corpus>): Promise<string[]> {
  const strip = (d: (typeof docs)[number]) => ({ externalId: d.externalId, title: d.title, text: d.text });
  const jobIds: string[] = [];
  // The first batch mixes invalid documents in: empty, too large (VANER_MAX_DOCUMENT_CHARS=2000), a repeated externalId.
  const first = [
    ...docs.slice(0, 400).map(strip),
    { externalId: 'BAD:empty', title: null, text: '   ' },
    { externalId: 'BAD:large', title: null, text: 'lithium '.repeat(300) },
    { externalId: docs[0]!.externalId, title: null, text: 'a second document under the same externalId' },
  ];
  const mixed = await submit(url, key, first);
  jobIds.push(mixed.jobId);
  expect(mixed.outcomes.filter((o) => o.outcome === 'CREATED')).toHaveLength(400);
  expect(mixed.outcomes.filter((o) => o.outcome === 'REJECTED').map((o) => [o.index, o.error?.code])).toEqual([
    [400, 'EMPTY_TEXT'],
    [401, 'DOCUMENT_TOO_LARGE'],
    [402, 'CONFLICT'],
  ]);
  for (let at = 400; at < docs.length; at += 400) jobIds.push((await submit(url, key, docs.slice(at, at + 400).map(strip))).jobId);
  return jobIds;
}

async function waitAllCompleted(url: string, key: string, expectedJobs: number, timeoutMs = 60_000): Promise<void> {
  await until('every job to complete', async () => {
    const jobs = await allJobs(url, key);
    return jobs.length >= expectedJobs && jobs.every((j) => j.state === 'COMPLETED') ? jobs : undefined;
  }, timeoutMs, 250);
  const jobs = await allJobs(url, key);
  expect(jobs.every((j) => j.failures.length === 0 && j.progress.failed === 0)).toBe(true);
}

/** Starts a worker, waits until it stored some (not all) documents, then SIGKILLs it. */
async function killWorkerMidRun(ws: Workspace, total: number): Promise<number> {
  const worker = track(spawnVaner(ws, ['worker']));
  const annotated = await until('the first worker to store some documents', () => {
    const n = checkStore(ws).annotated;
    return n > 0 ? n : undefined;
  }, 60_000, 20);
  worker.child.kill('SIGKILL');
  expect(await worker.exited).toBe('SIGKILL');
  expect(annotated).toBeLessThan(total);
  return annotated;
}

describe('fault recovery: in-process queue', () => {
  it('a SIGKILLed worker mid-run is replaced; a mixed batch reports its invalid documents', async () => {
    const ws = createWorkspace();
    cleanups.push(() => ws.remove());
    const key = await submitterKey(ws);
    const serve = track(await startServe(ws, [], { VANER_RUN_WORKER: 'false' }));
    const docs = corpus(DOCS);
    const jobIds = await submitMixed(serve.url, key, docs);
    await killWorkerMidRun(ws, DOCS);
    const second = track(spawnVaner(ws, ['worker']));
    await waitAllCompleted(serve.url, key, jobIds.length);
    expect(await stop(second)).toBe(0);
    expect(await stop(serve)).toBe(0);
    expectIntact(ws, docs);
  }, 120_000);

  it('serve stopped with SIGTERM during a large submission drains, and a restart finishes every job', async () => {
    const ws = createWorkspace();
    cleanups.push(() => ws.remove());
    const key = await submitterKey(ws);
    const docs = corpus(DOCS, 'S');
    const batches = Array.from({ length: DOCS / 100 }, (_, i) => docs.slice(i * 100, i * 100 + 100).map((d) => ({ externalId: d.externalId, title: d.title, text: d.text })));
    const first = track(await startServe(ws));
    let next = 0;
    for (; next < 6; next++) await submit(first.url, key, batches[next]!);
    // A request in flight when SIGTERM arrives: it either completes (drained) or is refused; never half-stored.
    const inFlight = submit(first.url, key, batches[next]!).then(() => true, () => false);
    first.child.kill('SIGTERM');
    const accepted = await inFlight;
    expect(await first.exited).toBe(0);
    if (accepted) next++;
    const afterStop = checkStore(ws);
    expect(afterStop.duplicateMentions).toBe(0);
    expect(afterStop.documents).toBe(next * 100);

    const second = track(await startServe(ws));
    for (; next < batches.length; next++) await submit(second.url, key, batches[next]!);
    await waitAllCompleted(second.url, key, batches.length);
    expect(await stop(second)).toBe(0);
    expectIntact(ws, docs);
  }, 120_000);
});

const redisAvailable = inject('redisUrl') !== null;

describe.skipIf(!redisAvailable)('fault recovery: BullMQ queue', () => {
  let redis: Awaited<ReturnType<typeof startDurableRedis>>;
  beforeAll(async () => {
    redis = await startDurableRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('a SIGKILLed worker and a Redis crash + restart on the same port lose nothing', async () => {
    const ws = createWorkspace({ VANER_QUEUE: 'bullmq', REDIS_URL: redis.url });
    cleanups.push(() => ws.remove());
    const key = await submitterKey(ws);
    const serve = track(await startServe(ws, [], { VANER_RUN_WORKER: 'false' }));
    const docs = corpus(DOCS, 'R');
    const jobIds = await submitMixed(serve.url, key, docs);
    await killWorkerMidRun(ws, DOCS);
    const second = track(spawnVaner(ws, ['worker']));
    await until('the second worker to make progress', () => (checkStore(ws).annotated > 0 ? true : undefined), 30_000, 20);
    await redis.restart();
    await waitAllCompleted(serve.url, key, jobIds.length, 90_000);
    expect(await stop(second)).toBe(0);
    expect(await stop(serve)).toBe(0);
    expectIntact(ws, docs);
  }, 150_000);
});

if (!redisAvailable) console.warn(`BullMQ fault tests skipped: ${inject('redisUnavailable')}`);

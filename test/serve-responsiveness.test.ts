/**
 * The API stays responsive while a document at the size limit is annotated: the built `vaner serve`
 * (real process, embedded store, in-process queue, dictionary labeler over the tiny KB) runs its
 * annotation worker in a child process, so labelling and linking 1,000,000 characters never block
 * the event loop that answers /healthz. The test samples /healthz back to back for as long as the
 * job runs and asserts the 99th percentile latency stays under 100 ms (or, on a host so loaded that
 * idle requests already exceed that, under twice the idle p99 measured just before); it prints the
 * figures (reported in the README with this command).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, createWorkspace, gql, startServe, submit, submitterKey, until, type Proc, type Workspace } from './fault-harness.js';

/**
 * About 1 kB of prose with three dictionary mentions (cyanosis, heart failure, lithium carbonate):
 * the labeler walks all 1,000,000 characters (~2 s of CPU here), with ~3,000 mentions to link and store.
 */
const PARAGRAPH = 'The patients were followed for twelve months and examined at every visit by two physicians. '.repeat(10) +
  'Cyanosis and heart failure followed lithium carbonate. ';
const TEXT = PARAGRAPH.repeat(Math.ceil(1_000_000 / PARAGRAPH.length)).slice(0, 1_000_000);

let ws: Workspace;
let serve: (Proc & { url: string }) | null = null;

beforeAll(async () => {
  await buildCli();
  ws = createWorkspace({ VANER_MAX_DOCUMENT_CHARS: '1000000', VANER_NER_BATCH_SIZE: '8' });
});

afterAll(async () => {
  if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
  ws?.remove();
});

/** One /healthz round trip in ms, then a 10 ms pause (so sampling does not itself load the host). */
async function timedHealthz(url: string): Promise<number> {
  const at = performance.now();
  const res = await fetch(url);
  expect(res.status).toBe(200);
  await res.json();
  const ms = performance.now() - at;
  await new Promise((r) => setTimeout(r, 10));
  return ms;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('vaner serve while a 1,000,000-character document is annotated', () => {
  it('answers /healthz in under 100 ms at p99, and the worker process is the one doing the work', async () => {
    const key = await submitterKey(ws);
    serve = await startServe(ws);
    const healthz = serve.url.replace(/\/graphql$/, '/healthz');
    // The worker child reports its labeler once it runs.
    await until('the worker process to be ready', async () => {
      const data = await gql<{ health: { labeler: { kind: string } | null } }>(serve!.url, key, '{ health { labeler { kind } } }');
      return data.health.labeler?.kind;
    }, 60_000);

    // The host's own noise first: the same requests with nothing to annotate.
    const idle: number[] = [];
    for (let i = 0; i < 150; i++) idle.push(await timedHealthz(healthz));
    idle.sort((a, b) => a - b);

    const { jobId, outcomes } = await submit(serve.url, key, [{ externalId: 'BIG:1', title: null, text: TEXT }]);
    expect(outcomes[0]!.outcome).toBe('CREATED');

    let state = 'QUEUED';
    let runningAt: number | null = null;
    let finishedAt: number | null = null;
    const poll = (async () => {
      while (state !== 'COMPLETED' && state !== 'FAILED' && state !== 'CANCELLED') {
        const data = await gql<{ job: { state: string } }>(serve!.url, key, 'query($id: ID!) { job(id: $id) { state } }', { id: jobId });
        state = data.job.state;
        const now = performance.now();
        if (state === 'RUNNING' && runningAt === null) runningAt = now;
        if (state !== 'QUEUED' && state !== 'RUNNING') finishedAt = now;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const samples: { at: number; ms: number }[] = [];
    const deadline = Date.now() + 240_000;
    while (finishedAt === null && Date.now() < deadline) {
      const at = performance.now();
      samples.push({ at, ms: await timedHealthz(healthz) });
    }
    await poll;
    expect(state).toBe('COMPLETED');
    expect(runningAt).not.toBeNull();

    // Only the samples taken while the job was RUNNING count.
    const during = samples.filter((s) => s.at >= runningAt! && s.at <= finishedAt!).map((s) => s.ms).sort((a, b) => a - b);
    const annotationMs = finishedAt! - runningAt!;
    const p50 = percentile(during, 50);
    const p99 = percentile(during, 99);
    const idleP99 = percentile(idle, 99);
    console.info(`/healthz during a 1,000,000-character annotation (${(annotationMs / 1000).toFixed(1)} s): ${during.length} requests, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${during.at(-1)!.toFixed(1)} ms; idle before it: p50 ${percentile(idle, 50).toFixed(1)} ms, p99 ${idleP99.toFixed(1)} ms`);
    // The annotation was real work, long enough for the sampling to mean something.
    expect(annotationMs).toBeGreaterThan(1000);
    expect(during.length).toBeGreaterThanOrEqual(20);
    // Under 100 ms; on a host so loaded that idle requests already take longer, no worse than
    // twice its idle p99 (annotation on the API's event loop made requests wait seconds).
    expect(p99).toBeLessThan(Math.max(100, 2 * idleP99));
    expect(during.at(-1)!).toBeLessThan(annotationMs / 2);

    const doc = await gql<{ document: { annotatedAt: string | null; mentions: unknown[] } }>(serve.url, key, '{ document(externalId: "BIG:1") { annotatedAt mentions { start } } }');
    expect(doc.document.annotatedAt).not.toBeNull();
    expect(doc.document.mentions.length).toBeGreaterThan(2500);

    // The child's worker metrics show in serve's /metrics (merged, each family once).
    const exposition = await (await fetch(serve.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(exposition).toContain('vaner_documents_annotated_total{outcome="annotated"} 1\n');
    expect(exposition).toMatch(/^vaner_labeler_batch_duration_seconds_count\{labeler="dictionary"\} 1$/m);
    for (const family of ['vaner_documents_annotated_total', 'vaner_labeler_batch_duration_seconds', 'vaner_queue_depth']) {
      expect(exposition.split('\n').filter((l) => l.startsWith(`# TYPE ${family} `)), family).toHaveLength(1);
    }

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  }, 300_000);
});

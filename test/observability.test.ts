/**
 * Observability and probes (issue 14, points 7 and 8) on the real HTTP server, the embedded store, the
 * in-process queue, the dictionary labeler and the entity linker: /livez, /readyz, /metrics content,
 * request ids in pino's structured logs, and the worker's documents and labeler-batch metrics.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntityName } from '../src/domain/index.js';
import type { ReadinessCheck } from '../src/graphql/observability.js';
import { startApiServer, type ApiServer } from '../src/graphql/server.js';
import { createAnnotateProcessor } from '../src/jobs/annotate-processor.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue } from '../src/jobs/port.js';
import { createDictionaryLabeler } from '../src/kb/dictionary-labeler.js';
import { createEntityLinker } from '../src/kb/entity-linker.js';
import { createLogger } from '../src/log.js';
import { createMetrics, type Metrics } from '../src/metrics.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';
import type { Store } from '../src/store/port.js';

let dir: string;
let store: Store;
let queue: JobQueue;
let metrics: Metrics;
let server: ApiServer | null;
let logLines: string[];

async function start(readiness: readonly ReadinessCheck[] = []): Promise<ApiServer> {
  server = await startApiServer({
    store,
    queue,
    logger: createLogger('debug', (line) => logLines.push(line)),
    host: '127.0.0.1',
    port: 0,
    limits: { maxDocumentChars: 1000, maxBatchDocuments: 10, maxBodyBytes: 65536 },
    ide: false,
    introspection: true,
    auth: { keys: null, anonymousRead: true, rateLimit: { perSecond: 10_000, burst: 10_000 } },
    metrics,
    readiness,
  });
  return server;
}

const base = (s: ApiServer): string => s.url.replace(/\/graphql$/, '');

/** The value of one sample line of an exposition, e.g. `vaner_jobs{state="QUEUED"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-obs-'));
  const file = path.join(dir, 'vaner.db');
  store = await openEmbeddedStore({ path: file });
  queue = await openInProcessQueue({ path: file });
  metrics = createMetrics({ queueStats: () => queue.stats() });
  logLines = [];
  server = null;
});

afterEach(async () => {
  await server?.close();
  await queue.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('/livez and /readyz', () => {
  it('livez answers while a readiness check fails; readyz reports each check and turns ready with it', async () => {
    let workerState: true | string = 'starting';
    const s = await start([{ name: 'worker', check: async () => workerState }]);
    const live = await fetch(`${base(s)}/livez`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'alive' }]);
    const notReady = await fetch(`${base(s)}/readyz`);
    expect([notReady.status, await notReady.json()]).toEqual([503, { status: 'not ready', checks: { store: 'ok', worker: 'starting' } }]);
    workerState = true;
    const ready = await fetch(`${base(s)}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', checks: { store: 'ok', worker: 'ok' } }]);
  });

  it('readyz fails when the store cannot be read', async () => {
    const s = await start();
    await store.close();
    const r = await fetch(`${base(s)}/readyz`);
    expect(r.status).toBe(503);
    const body = (await r.json()) as { status: string; checks: { store: string } };
    expect(body.status).toBe('not ready');
    expect(body.checks.store).toMatch(/^failed: /);
    // Reopened for afterEach.
    store = await openEmbeddedStore({ path: path.join(dir, 'vaner.db') });
  });
});

describe('/metrics', () => {
  it('exposes request latency by route, GraphQL latency by operation, jobs by state and queue depth', async () => {
    const s = await start();
    const query = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query Docs { documents(first: 1) { totalCount } }' }) });
    expect(query.status).toBe(200);
    await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query Broken { nope }' }) });
    await queue.enqueue(['doc-1', 'doc-2']);
    await queue.enqueue(['doc-3']);
    const r = await fetch(`${base(s)}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    expect(sample(text, 'vaner_graphql_operation_duration_seconds_count{operation="Docs",type="query",outcome="ok"}')).toBe(1);
    expect(sample(text, 'vaner_graphql_operation_duration_seconds_count{operation="Broken",type="invalid",outcome="error"}')).toBe(1);
    expect(sample(text, 'vaner_http_request_duration_seconds_count{method="POST",route="/graphql",status="200"}')).toBe(1);
    expect(sample(text, 'vaner_jobs{state="QUEUED"}')).toBe(2);
    expect(sample(text, 'vaner_jobs{state="RUNNING"}')).toBe(0);
    expect(sample(text, 'vaner_queue_depth')).toBe(2);
    expect(text).toContain('# TYPE vaner_documents_annotated_total counter');
    expect(text).toContain('# TYPE vaner_labeler_batch_duration_seconds histogram');
    // prom-client's process metrics, under the project prefix.
    expect(text).toMatch(/^vaner_process_resident_memory_bytes \d+/m);
  });

  it('labels at most 100 operation names; the rest are "other" (names are chosen by clients)', async () => {
    const s = await start();
    for (let i = 0; i < 103; i += 1) {
      await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `query Op${i} { documents(first: 0) { totalCount } }` }) });
    }
    const text = await (await fetch(`${base(s)}/metrics`)).text();
    const names = new Set([...text.matchAll(/vaner_graphql_operation_duration_seconds_count\{operation="([^"]+)"/g)].map((m) => m[1]));
    expect(names.size).toBe(101);
    expect(sample(text, 'vaner_graphql_operation_duration_seconds_count{operation="other",type="query",outcome="ok"}')).toBe(3);
  }, 60_000);

  it('counts annotated documents and times labeler batches of a real worker', async () => {
    const names: EntityName[] = [
      { entityId: 'MESH:D008094', type: 'CHEMICAL', name: 'lithium', origin: 'vocabulary' },
      { entityId: 'MESH:D003490', type: 'DISEASE', name: 'cyanosis', origin: 'vocabulary' },
    ];
    const labeler = await createDictionaryLabeler({ names });
    const linker = await createEntityLinker({ names });
    const s = await start();
    const { document } = (await store.putDocuments([{ text: 'Cyanosis after lithium.' }]))[0]!;
    const job = await queue.enqueue([document.id]);
    const worker = queue.startWorker(createAnnotateProcessor({ store, labeler, linker, metrics }));
    try {
      for (let i = 0; i < 200 && (await queue.getJobs([job.id]))[0]?.state !== 'COMPLETED'; i += 1) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await worker.close();
    }
    const text = await (await fetch(`${base(s)}/metrics`)).text();
    expect(sample(text, 'vaner_documents_annotated_total{outcome="annotated"}')).toBe(1);
    expect(sample(text, 'vaner_labeler_batch_duration_seconds_count{labeler="dictionary"}')).toBe(1);
    expect(sample(text, 'vaner_jobs{state="COMPLETED"}')).toBe(1);
    expect(sample(text, 'vaner_queue_depth')).toBe(0);
  });
});

describe('structured request logs', () => {
  it('logs each request through a child logger carrying its request id, echoed in X-Request-Id', async () => {
    const s = await start();
    const offered = await fetch(`${base(s)}/livez`, { headers: { 'x-request-id': 'lb-7f3a.1' } });
    expect(offered.headers.get('x-request-id')).toBe('lb-7f3a.1');
    // Not a short token: replaced, never copied into logs.
    const hostile = await fetch(`${base(s)}/livez`, { headers: { 'x-request-id': 'a b<script>' } });
    const generated = hostile.headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const lines = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['message'] === 'request');
    expect(lines.map((l) => [l['level'], l['requestId'], l['method'], l['path'], l['status']])).toEqual([
      ['debug', 'lb-7f3a.1', 'GET', '/livez', 200],
      ['debug', generated, 'GET', '/livez', 200],
    ]);
    expect(typeof lines[0]!['ms']).toBe('number');
    expect(lines[0]!['time']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

/**
 * API start-up with and without the dashboard: time from startApiServer() to listening, over an
 * embedded store and in-process queue (the same file for every run), alternating the two variants so
 * machine load affects both alike; plus the latency of GET / (the dashboard's index.html) and of an
 * asset once listening. Start-up of `vaner serve` as a whole is dominated by building the linker
 * (tens of seconds on the shipped KB); this isolates what serving the dashboard adds.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/api-startup.js [runs=15]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultDashboardDir } from '../src/graphql/dashboard.js';
import { startApiServer } from '../src/graphql/server.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import { silentLogger } from '../src/log.js';
import { openEmbeddedStore } from '../src/store/index.js';

const runs = Number(process.argv[2] ?? 15);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-startup-'));
const file = path.join(dir, 'vaner.db');
const store = await openEmbeddedStore({ path: file });
const queue = await openInProcessQueue({ path: file });
const dashboardDir = defaultDashboardDir();
if (!fs.existsSync(path.join(dashboardDir, 'index.html'))) throw new Error('dist/web missing: npm run build first');
const asset = fs.readdirSync(path.join(dashboardDir, 'assets')).find((f) => f.startsWith('index-') && f.endsWith('.js'))!;

const times: Record<'without' | 'with', number[]> = { without: [], with: [] };
const pageMs: number[] = [];
const assetMs: number[] = [];
for (let i = 0; i < runs * 2; i++) {
  const variant = i % 2 === 0 ? 'without' : 'with';
  const t0 = performance.now();
  const server = await startApiServer({
    store, queue, logger: silentLogger, host: '127.0.0.1', port: 0,
    limits: { maxDocumentChars: 1_000_000, maxBatchDocuments: 1000, maxBodyBytes: 10 << 20 },
    ide: true, introspection: true, auth: { keys: null, anonymousRead: true },
    dashboardDir: variant === 'with' ? dashboardDir : null,
  });
  times[variant].push(performance.now() - t0);
  await server.close();
}
// Serving, measured after the start-up runs so both variants start under the same conditions.
{
  const server = await startApiServer({
    store, queue, logger: silentLogger, host: '127.0.0.1', port: 0,
    limits: { maxDocumentChars: 1_000_000, maxBatchDocuments: 1000, maxBodyBytes: 10 << 20 },
    ide: true, introspection: true, auth: { keys: null, anonymousRead: true }, dashboardDir,
  });
  const origin = new URL(server.url).origin;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await (await fetch(`${origin}/`, { headers: { accept: 'text/html' } })).text();
    pageMs.push(performance.now() - t);
    t = performance.now();
    await (await fetch(`${origin}/assets/${asset}`)).arrayBuffer();
    assetMs.push(performance.now() - t);
  }
  await server.close();
}
await queue.close();
await store.close();
fs.rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
console.log(`| variant | runs | start-up median | p90 |`);
console.log(`|---|---|---|---|`);
for (const v of ['without', 'with'] as const) console.log(`| ${v} dashboard | ${runs} | ${median(times[v]).toFixed(1)} ms | ${p90(times[v]).toFixed(1)} ms |`);
console.log(`\nGET / (index.html) median ${median(pageMs).toFixed(1)} ms; GET /assets/${asset} median ${median(assetMs).toFixed(1)} ms`);

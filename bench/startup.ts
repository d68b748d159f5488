/**
 * Start-up times of the CLI as a user sees them (issue 14, point 7), on a data directory whose
 * knowledge base is already imported (a restart, not a first start):
 *
 * - `serve`: from spawning `vaner serve` to the first answer of GET /livez (the API answers) and to
 *   GET /readyz = 200 (the annotation worker has its labeler and linker); then SIGTERM;
 * - `annotate`: wall time of `vaner annotate <sample>` (start-up plus labelling 20 abstracts).
 *
 * Each CLI given is measured in turn, run after run, so machine load affects all alike. Give the
 * `dist/cli/main.js` of each build to compare (e.g. one built from an older commit):
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/startup.js [runs=3] [cli.js ...]
 *
 * The data directory (VANER_DATA_DIR, default a fresh one per CLI, first run imports the KB) is kept
 * between runs. Prints a markdown table of medians.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const runs = Number(process.argv[2] ?? 3);
const clis = process.argv.slice(3).length > 0 ? process.argv.slice(3).map((p) => path.resolve(p)) : [path.join(ROOT, 'dist', 'cli', 'main.js')];
const sample = path.join(ROOT, 'bench', 'ner-sample.PubTator.txt');
const dataDirs = new Map(clis.map((cli, i) => [cli, process.env.VANER_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), `vaner-startup-${i}-`))]));

function env(cli: string, port: number): NodeJS.ProcessEnv {
  return { ...process.env, VANER_DATA_DIR: dataDirs.get(cli)!, VANER_PORT: String(port), VANER_LOG_LEVEL: 'warn', VANER_FIRST_ADMIN_KEY: 'false' };
}

async function until(url: string, ok: (status: number) => boolean, deadline: number): Promise<number | null> {
  while (performance.now() < deadline) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (ok(r.status)) return performance.now();
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}

async function serveOnce(cli: string, port: number): Promise<{ live: number | null; ready: number | null }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'serve', '--port', String(port)], { env: env(cli, port), stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = t0 + 300_000;
  // Builds without /livez answer /healthz once listening: either counts as "the API answers".
  const live = await Promise.race([until(`${base}/livez`, (s) => s === 200, deadline), until(`${base}/healthz`, (s) => s === 200, deadline)]);
  // Without /readyz (older builds) readiness is the moment the API listens: they build everything first.
  const probe = await fetch(`${base}/readyz`).then((r) => r.status).catch(() => 0);
  const ready = probe === 404 ? live : await until(`${base}/readyz`, (s) => s === 200, deadline);
  child.kill('SIGTERM');
  await exited;
  return { live: live === null ? null : live - t0, ready: ready === null ? null : ready - t0 };
}

async function annotateOnce(cli: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'annotate', sample], { env: env(cli, 0), stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${cli} annotate exited with ${code}`);
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results = new Map(clis.map((cli) => [cli, { live: [] as number[], ready: [] as number[], annotate: [] as number[] }]));
// A first annotate per CLI imports the KB (and fills caches): not counted.
for (const cli of clis) await annotateOnce(cli);
let port = 47_000 + Math.floor(Math.random() * 1000);
for (let run = 0; run < runs; run += 1) {
  for (const cli of clis) {
    const r = results.get(cli)!;
    const s = await serveOnce(cli, port++);
    if (s.live !== null) r.live.push(s.live);
    if (s.ready !== null) r.ready.push(s.ready);
    r.annotate.push(await annotateOnce(cli));
  }
}
console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, ${os.cpus().length} CPUs, ${runs} runs each`);
console.log('| CLI | serve: API answers (/livez) | serve: ready (/readyz) | annotate sample (wall) |');
console.log('|---|---|---|---|');
for (const cli of clis) {
  const r = results.get(cli)!;
  const s = (xs: number[]) => (xs.length === 0 ? '—' : `${(median(xs) / 1000).toFixed(1)} s`);
  console.log(`| ${path.relative(process.cwd(), cli) || cli} | ${s(r.live)} | ${s(r.ready)} | ${s(r.annotate)} |`);
}

/**
 * Bulk submission benchmark: N documents (BC5CDR abstracts, repeated and perturbed, unique
 * externalIds) sent through the real API (`vaner serve`, no worker) to a separate `vaner worker`
 * (in-process queue, dictionary labeler), timed until every document is annotated. Reports
 * documents/s, peak RSS (VmHWM) of the API and worker processes, store size, and time per 1,000
 * documents as N grows; then reads a generated BioC XML file of --read-mb MB to show the reader's
 * memory stays flat.
 *
 *   npm run build && npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/bulk.js [N...] [--kb DIR] [--read-mb MB]
 *   (defaults: N = 1000 10000, --kb test/fixtures/kb-tiny, --read-mb 200)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { readDocuments, readPubTator } from '../src/formats/index.js';

const ROOT = process.cwd();
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args.splice(i, 2)[1];
};
const kbDir = path.resolve(flag('--kb') ?? path.join(ROOT, 'test', 'fixtures', 'kb-tiny'));
const readMb = Number(flag('--read-mb') ?? 200);
const sizes = args.length > 0 ? args.map(Number) : [1000, 10_000];
const SOURCE = fs.existsSync('/work/shared/data/bc5cdr/CDR_TrainingSet.PubTator.txt')
  ? '/work/shared/data/bc5cdr/CDR_TrainingSet.PubTator.txt'
  : path.join(ROOT, 'bench', 'ner-sample.PubTator.txt');

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function start(env: Record<string, string>, argv: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function runOnce(n: number, abstracts: { title: string; text: string }[]) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-bulk-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    VANER_DATA_DIR: dataDir, VANER_KB_DIR: kbDir, VANER_LABELER: 'dictionary', VANER_LOG_LEVEL: 'silent',
    VANER_MODEL_DIR: path.join(dataDir, 'none'), VANER_RUN_WORKER: 'false',
  };
  const key = execFileSync(process.execPath, [CLI, 'keys', 'create', '--role', 'submitter', '--owner', 'bench'], { env }).toString().trim();
  const api = start(env, ['serve', '--port', '0']);
  let url: string | undefined;
  while (!(url = /listening on (\S+)/.exec(api.output())?.[1])) {
    if (api.child.exitCode !== null) throw new Error(api.output());
    await new Promise((r) => setTimeout(r, 50));
  }
  const worker = start(env, ['worker']);
  const db = new Database(path.join(dataDir, 'vaner.db'), { readonly: true });
  const annotated = db.prepare<[], { c: number }>('SELECT COUNT(*) AS c FROM documents WHERE annotated_at IS NOT NULL');
  const t0 = performance.now();
  const batch = 500;
  for (let at = 0; at < n; at += batch) {
    const documents = Array.from({ length: Math.min(batch, n - at) }, (_, k) => {
      const i = at + k;
      const a = abstracts[i % abstracts.length]!;
      // Perturbed so no two texts are equal: the copy number goes at the end of the abstract.
      return { externalId: `BENCH:${i}`, title: a.title, text: `${a.text} (copy ${i})` };
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: 'mutation($d: [DocumentInput!]!) { submitDocuments(documents: $d) { job { id } } }', variables: { d: documents } }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  }
  const submitted = performance.now();
  while (annotated.get()!.c < n) await new Promise((r) => setTimeout(r, 200));
  const done = performance.now();
  const apiRss = peakRssMb(api.child.pid!);
  const workerRss = peakRssMb(worker.child.pid!);
  db.close();
  await stop(worker.child);
  await stop(api.child);
  const storeBytes = ['vaner.db', 'vaner.db-wal'].reduce((s, f) => s + (fs.existsSync(path.join(dataDir, f)) ? fs.statSync(path.join(dataDir, f)).size : 0), 0);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const seconds = (done - t0) / 1000;
  return { n, submitS: (submitted - t0) / 1000, totalS: seconds, docsPerS: n / seconds, msPer1k: (done - t0) / (n / 1000), apiRss, workerRss, storeMb: storeBytes / 2 ** 20 };
}

async function readBenchmark(mb: number): Promise<string> {
  const file = path.join(os.tmpdir(), `vaner-bulk-read-${process.pid}.xml`);
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, '<?xml version="1.0" encoding="UTF-8"?><collection><source>bench</source>\n');
  const doc = (i: number) =>
    `<document><id>${i}</id><passage><infon key="type">title</infon><offset>0</offset><text>Lithium toxicity</text>` +
    `<annotation id="${i}"><infon key="type">Chemical</infon><infon key="identifier">D008094</infon><location offset="0" length="7"/><text>Lithium</text></annotation></passage>` +
    `<passage><infon key="type">abstract</infon><offset>17</offset><text>${'Renal failure after lithium therapy was observed. '.repeat(20)}</text></passage></document>\n`;
  let written = 0;
  let count = 0;
  while (written < mb * 2 ** 20) {
    const chunk = Array.from({ length: 100 }, (_, k) => doc(count + k)).join('');
    fs.writeSync(out, chunk);
    written += Buffer.byteLength(chunk);
    count += 100;
  }
  fs.writeSync(out, '</collection>\n');
  fs.closeSync(out);
  const before = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  let read = 0;
  let mentions = 0;
  for await (const r of readDocuments(file, { format: 'bioc' })) {
    read++;
    mentions += r.mentions?.length ?? 0;
  }
  const seconds = (performance.now() - t0) / 1000;
  const peak = process.resourceUsage().maxRSS / 1024;
  fs.rmSync(file);
  return `| ${(written / 2 ** 20).toFixed(0)} MB | ${read} | ${mentions} | ${seconds.toFixed(1)} | ${((written / 2 ** 20) / seconds).toFixed(1)} | ${before.toFixed(0)} | ${peak.toFixed(0)} |`;
}

async function main(): Promise<void> {
  const abstracts: { title: string; text: string }[] = [];
  for await (const r of readPubTator(SOURCE)) abstracts.push({ title: r.title ?? '', text: r.text });
  console.log(`bulk submission: ${abstracts.length} BC5CDR abstracts from ${path.basename(SOURCE)}, repeated and perturbed; KB ${path.relative(ROOT, kbDir)}; dictionary labeler; ${os.cpus().length} CPUs\n`);
  console.log('| N | submit s | total s | docs/s | ms per 1,000 docs | API peak RSS MB | worker peak RSS MB | store MB |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const n of sizes) {
    const r = await runOnce(n, abstracts);
    console.log(`| ${r.n} | ${r.submitS.toFixed(1)} | ${r.totalS.toFixed(1)} | ${r.docsPerS.toFixed(0)} | ${r.msPer1k.toFixed(0)} | ${r.apiRss.toFixed(0)} | ${r.workerRss.toFixed(0)} | ${r.storeMb.toFixed(1)} |`);
  }
  if (readMb > 0) {
    console.log('\nstreaming BioC XML read (generated file):\n');
    console.log('| file | documents | mentions | seconds | MB/s | RSS before MB | peak RSS MB |');
    console.log('|---|---|---|---|---|---|---|');
    console.log(await readBenchmark(readMb));
  }
}

await main();

/**
 * Embedded store import benchmark: 100k synthetic entities with 4 names each (400k names) into a
 * fresh database, then an idempotent re-import, a full name stream, and search latency.
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/store-import.js [entities]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EntityRecord } from '../src/domain/index.js';
import { openEmbeddedStore } from '../src/store/index.js';

const count = Number(process.argv[2] ?? 100_000);
const words = ['acid', 'amine', 'oxide', 'sulfate', 'kinase', 'receptor', 'syndrome', 'toxicity', 'disease', 'factor'];

function record(i: number): EntityRecord {
  const w = (k: number) => words[(i * 7 + k * 3) % words.length]!;
  return {
    id: `MESH:C${String(i).padStart(6, '0')}`,
    type: i % 2 === 0 ? 'CHEMICAL' : 'DISEASE',
    name: `compound ${i} ${w(0)}`,
    synonyms: [`cmp-${i}`, `${w(1)} ${i} ${w(2)}`, `synthetic name number ${i}`],
    parentIds: i > 0 ? [`MESH:C${String(i - 1).padStart(6, '0')}`] : [],
    treeNumbers: [`D${i % 27}.${i}`],
    source: 'bench',
  };
}

/** Wall ms and this process's CPU ms (user + system): on a shared machine the CPU figure is the stable one. */
async function time<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const value = await fn();
  const cpu = process.cpuUsage(c0);
  return [value, Number(process.hrtime.bigint() - t0) / 1e6, (cpu.user + cpu.system) / 1000];
}
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-bench-'));
try {
  const records = Array.from({ length: count }, (_, i) => record(i));
  const store = await openEmbeddedStore({ path: path.join(dir, 'bench.db') });
  const rows: [string, string, string, string][] = [];
  const [first, importMs, importCpu] = await time(() => store.upsertEntities(records));
  rows.push(['import (fresh)', secs(importMs), secs(importCpu), JSON.stringify(first)]);
  const [second, reimportMs, reimportCpu] = await time(() => store.upsertEntities(records));
  rows.push(['re-import (no change)', secs(reimportMs), secs(reimportCpu), JSON.stringify(second)]);
  const [names, streamMs, streamCpu] = await time(async () => {
    let n = 0;
    for await (const _ of store.iterateNames()) n++;
    return n;
  });
  rows.push(['iterateNames (all)', secs(streamMs), secs(streamCpu), `${names} names`]);
  for (const q of ['compound 4242 kinase', 'kinase 77', 'cmp-9999', 'zz']) {
    const runs = 20;
    const [hits, ms, cpu] = await time(async () => {
      let last = 0;
      for (let i = 0; i < runs; i++) last = (await store.searchEntities(q, { first: 10 })).length;
      return last;
    });
    rows.push([`searchEntities '${q}' (per query)`, `${(ms / runs).toFixed(1)} ms`, `${(cpu / runs).toFixed(1)} ms`, `${hits} hits`]);
  }
  await store.close();
  const size = fs.statSync(path.join(dir, 'bench.db')).size + (fs.existsSync(path.join(dir, 'bench.db-wal')) ? fs.statSync(path.join(dir, 'bench.db-wal')).size : 0);
  rows.push(['database size', `${(size / 2 ** 20).toFixed(0)} MiB`, '', `${count} entities`]);
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`| ${'step'.padEnd(width)} | wall | cpu | result |`);
  console.log(`|${'-'.repeat(width + 2)}|------|-----|--------|`);
  for (const [step, wall, cpu, result] of rows) console.log(`| ${step.padEnd(width)} | ${wall} | ${cpu} | ${result} |`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Co-mention benchmark of the embedded store: synthetic PubMed-like documents with Zipfian
 * chemical and disease mentions (real MeSH ids from data/kb/mesh2024-trees.tsv.gz), loaded through
 * the store API (putDocuments + replaceMentions, so the count triggers run as in production), then
 * coMentions and coMentionGraph latencies at growing corpus sizes.
 *
 *   npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/co-mentions.js [sizes=10000,30000,100000] [seeds=200] [--reuse PATH]
 *
 * `--reuse PATH` keeps the store in PATH instead of a temporary directory: a first run loads it and
 * leaves it there, a later run with the same sizes reads it without loading again (the 100k load
 * takes minutes). The generator still runs on reuse, without writing, so the PRNG reaches the same
 * state and the seed sets are exactly those of a fresh run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { CoMentionArgs, EntityRecord, MentionInput } from '../src/domain/index.js';
import type { Store } from '../src/store/port.js';
import { openEmbeddedStore } from '../src/store/index.js';

const reuseAt = process.argv.indexOf('--reuse');
const reusePath = reuseAt >= 0 ? process.argv[reuseAt + 1] : undefined;
if (reuseAt >= 0 && reusePath === undefined) throw new Error('--reuse needs a path');
const positional = process.argv.slice(2).filter((_, i) => reuseAt < 0 || (i !== reuseAt - 2 && i !== reuseAt - 1));
const sizes = (positional[0] ?? '10000,30000,100000').split(',').map(Number);
const seedCount = Number(positional[1] ?? 200);
const CHEMICALS = 5000;
const DISEASES = 3000;
const SENTENCES = 8;
const PROVENANCE = { labeler: 'bench', modelVersion: 'bench-1', linkerVersion: 'bench-1' };

/** Deterministic PRNG (mulberry32): the same corpus every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(42);

/** Zipf(s = 1) sampler over ranks 0..n-1 by inverse CDF (binary search over cumulative weights). */
function zipf(n: number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1);
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Real MeSH descriptor ids: chemicals from tree D, diseases from tree C, spread over the id space. */
function meshIds(): { chemicals: string[]; diseases: string[] } {
  const file = path.resolve('data/kb/mesh2024-trees.tsv.gz');
  const byCode = new Map<string, Set<string>>([['D', new Set()], ['C', new Set()]]);
  if (fs.existsSync(file)) {
    for (const line of zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').slice(1)) {
      const [id, , , code] = line.split('\t');
      if (id && code) byCode.get(code)?.add(`MESH:${id}`);
    }
  }
  const pick = (ids: Set<string>, n: number, prefix: string): string[] => {
    const all = [...ids];
    if (all.length < n) return Array.from({ length: n }, (_, i) => `MESH:${prefix}${String(900000 + i).padStart(6, '0')}`);
    const step = all.length / n;
    return Array.from({ length: n }, (_, i) => all[Math.floor(i * step)]!);
  };
  return { chemicals: pick(byCode.get('D')!, CHEMICALS, 'D'), diseases: pick(byCode.get('C')!, DISEASES, 'C') };
}

const ids = meshIds();
// Zipf rank → id through a fixed shuffle, so frequent entities are scattered over the id space.
const shuffled = (list: string[]): string[] => {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
const chemicalByRank = shuffled(ids.chemicals);
const diseaseByRank = shuffled(ids.diseases);
const chemicalRank = zipf(CHEMICALS);
const diseaseRank = zipf(DISEASES);

/**
 * One abstract: 8 sentences, 4 to 12 mentions (mean 8), half chemicals, half diseases; 40% of the
 * mentions repeat an entity already in the document (abstracts name their topic several times).
 */
function syntheticSentences(): string[][] {
  const count = 4 + Math.floor(random() * 9);
  const chosen: { id: string; type: 'CHEMICAL' | 'DISEASE' }[] = [];
  const perSentence: { id: string; type: 'CHEMICAL' | 'DISEASE' }[][] = Array.from({ length: SENTENCES }, () => []);
  for (let m = 0; m < count; m++) {
    let pick: { id: string; type: 'CHEMICAL' | 'DISEASE' };
    if (chosen.length > 0 && random() < 0.4) pick = chosen[Math.floor(random() * chosen.length)]!;
    else if (random() < 0.5) pick = { id: chemicalByRank[chemicalRank()]!, type: 'CHEMICAL' };
    else pick = { id: diseaseByRank[diseaseRank()]!, type: 'DISEASE' };
    chosen.push(pick);
    perSentence[Math.floor(random() * SENTENCES)]!.push(pick);
  }
  return perSentence.map((s) => s.map((p) => `${p.type}|${p.id}`));
}

/** Lays the sentences out as text and computes exact mention offsets. */
function materialise(i: number): { text: string; mentions: MentionInput[] } {
  let text = '';
  const mentions: MentionInput[] = [];
  syntheticSentences().forEach((tokens, sentence) => {
    text += `Sentence ${sentence} of abstract ${i} reports`;
    for (const token of tokens) {
      const [type, id] = token.split('|') as ['CHEMICAL' | 'DISEASE', string];
      const word = id.slice('MESH:'.length).toLowerCase();
      text += ' ';
      mentions.push({ start: text.length, end: text.length + word.length, text: word, type, confidence: 0.9, entityId: id, linkMethod: 'exact', matchedName: word, linkConfidence: 1, sentence });
      text += word;
    }
    text += ' in patients. ';
  });
  return { text: text.trimEnd(), mentions };
}

/** Wall ms and this process's CPU ms: on a shared, overloaded machine the CPU figure is the stable one. */
async function time<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return [value, Number(process.hrtime.bigint() - t0) / 1e6, (c.user + c.system) / 1000];
}
const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};
const ms = (v: number): string => `${v.toFixed(1)} ms`;

const dir = reusePath === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-bench-co-')) : null;
// Rows are printed as soon as they are measured, so a run cut short still reports the sizes it reached.
console.log(`\n\`node dist/bench-build/bench/co-mentions.js ${sizes.join(',')} ${seedCount}\` (${os.cpus().length} CPUs, Node ${process.version})\n`);
const printLoad = (r: string[]): void => console.log(`load | ${r.join(' | ')} |`);
const printQuery = (r: string[]): void => console.log(`query | ${r.join(' | ')} |`);
const file = reusePath === undefined ? path.join(dir!, 'bench.db') : path.resolve(reusePath);
// A reused store only needs to be read when it already holds the largest size; otherwise it is (re)loaded.
const reusing = reusePath !== undefined && fs.existsSync(file);
if (reusePath !== undefined && !reusing) console.log(`--reuse: ${file} does not exist yet; loading it once and keeping it`);
const loadRows: string[][] = [];
const queryRows: string[][] = [];
try {
  const store: Store = await openEmbeddedStore({ path: file });
  const entities: EntityRecord[] = [
    ...ids.chemicals.map((id) => ({ id, type: 'CHEMICAL' as const, name: `chemical ${id}`, synonyms: [], parentIds: [], treeNumbers: [], source: 'bench' })),
    ...ids.diseases.map((id) => ({ id, type: 'DISEASE' as const, name: `disease ${id}`, synonyms: [], parentIds: [], treeNumbers: [], source: 'bench' })),
  ];
  if (!reusing) await store.upsertEntities(entities);
  let loaded = 0;
  let mentionTotal = 0;
  const BATCH = 500;
  for (const size of sizes) {
    const cpu0 = process.cpuUsage();
    const [, loadMs] = await time(async () => {
      while (loaded < size) {
        const n = Math.min(BATCH, size - loaded);
        const docs = Array.from({ length: n }, (_, k) => materialise(loaded + k));
        if (reusing) {
          for (const d of docs) mentionTotal += d.mentions.length;
          loaded += n;
          continue;
        }
        const stored = await store.putDocuments(docs.map((d, k) => ({ externalId: `bench-${loaded + k}`, text: d.text })));
        for (const [k, r] of stored.entries()) {
          const mentions = docs[k]!.mentions;
          mentionTotal += mentions.length;
          if (!(await store.replaceMentions(r.document.id, r.document.textHash, mentions, PROVENANCE))) throw new Error('stale hash in bench');
        }
        loaded += n;
      }
    });
    const cpu = process.cpuUsage(cpu0);
    const walSize = fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
    const loadWall = reusing ? 'reused' : `${(loadMs / 1000).toFixed(1)} s`;
    const loadCpu = reusing ? 'reused' : `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`;
    loadRows.push([String(size), String(mentionTotal), loadWall, loadCpu, `${((fs.statSync(file).size + walSize) / 2 ** 20).toFixed(0)} MiB`]);
    printLoad(loadRows.at(-1)!);

    // Seeds: uniform over entities that occur (most are rare), and drawn by mention frequency (Zipf: the popular ones).
    const present = [...ids.chemicals, ...ids.diseases];
    const uniform = Array.from({ length: seedCount }, () => present[Math.floor(random() * present.length)]!);
    const popular = Array.from({ length: seedCount }, () => (random() < 0.5 ? chemicalByRank[chemicalRank()]! : diseaseByRank[diseaseRank()]!));
    // One unmeasured pass over both seed sets first: the numbers below are warm (pages in the OS cache, statements prepared).
    for (const seed of [...uniform, ...popular]) await store.coMentions(seed, { first: 20 });
    const measure = async (label: string, seeds: string[], args: Omit<CoMentionArgs, 'first'>): Promise<void> => {
      const times: number[] = [];
      const cpus: number[] = [];
      let partners = 0;
      for (const seed of seeds) {
        const [page, t, c] = await time(() => store.coMentions(seed, { first: 20, ...args }));
        times.push(t);
        cpus.push(c);
        partners = Math.max(partners, page.totalCount);
      }
      queryRows.push([String(size), label, ms(quantile(times, 0.5)), ms(quantile(times, 0.95)), ms(quantile(cpus, 0.5)), ms(quantile(cpus, 0.95)), String(partners)]);
      printQuery(queryRows.at(-1)!);
    };
    await measure('coMentions COUNT, uniform seeds', uniform, {});
    await measure('coMentions LLR, uniform seeds', uniform, { orderBy: 'LLR' });
    await measure('coMentions COUNT, frequency-weighted seeds', popular, {});
    await measure('coMentions LLR, frequency-weighted seeds', popular, { orderBy: 'LLR' });
    await measure('coMentions NPMI SENTENCE, frequency-weighted', popular, { orderBy: 'NPMI', level: 'SENTENCE' });
    await measure('query-time count (rollUp path), freq.-weighted (50)', popular.slice(0, 50), { orderBy: 'LLR', rollUp: true });
    const graphTimes: number[] = [];
    const graphCpus: number[] = [];
    let graphEdges = 0;
    for (const seed of popular.slice(0, 50)) {
      const [g, t, c] = await time(() => store.coMentionGraph!({ seedIds: [seed], depth: 2, limit: 200, orderBy: 'LLR' }));
      graphTimes.push(t);
      graphCpus.push(c);
      graphEdges = Math.max(graphEdges, g.edges.length);
    }
    queryRows.push([
      String(size), 'coMentionGraph depth 2 limit 200 LLR, freq.-weighted (50)', ms(quantile(graphTimes, 0.5)), ms(quantile(graphTimes, 0.95)),
      ms(quantile(graphCpus, 0.5)), ms(quantile(graphCpus, 0.95)), `${graphEdges} edges`,
    ]);
    printQuery(queryRows.at(-1)!);
  }
  await store.close();

  console.log('\n| documents | mentions | load step wall (putDocuments + replaceMentions) | load step CPU | database size |');
  console.log('|---|---|---|---|---|');
  for (const r of loadRows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\n| documents | query (${seedCount} seeds unless noted, first 20) | wall p50 | wall p95 | CPU p50 | CPU p95 | max partners / edges |`);
  console.log('|---|---|---|---|---|---|---|');
  for (const r of queryRows) console.log(`| ${r.join(' | ')} |`);
} finally {
  if (dir !== null) fs.rmSync(dir, { recursive: true, force: true });
}

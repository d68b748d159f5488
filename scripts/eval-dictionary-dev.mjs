#!/usr/bin/env node
/**
 * Strict entity-level evaluation of the dictionary labeler on the BC5CDR DEVELOPMENT set: a
 * prediction counts only if document, start, end and type all equal a gold mention's. Every gold
 * mention counts, composite and unlinked (-1) ones included, since they are all spans to find.
 *
 * The labeler is built from the knowledge-base files directly (no store). Build the compiled module
 * first (npm run build, or any tsc emit of src/kb into --dist).
 *
 * Usage:
 *   node scripts/eval-dictionary-dev.mjs [--kb data/kb] [--dist dist]
 *     [--dev /work/shared/data/bc5cdr/CDR_DevelopmentSet.PubTator.txt] [--errors 30] [--priority CHEMICAL,DISEASE]
 *     [--exclude default|none|D27,D13] [--min-abbreviation 3] [--no-abbreviations] [--no-learned-stop-names] [--link]
 *
 * --link also scores the exact linker on the GOLD spans that carry one concept id (accuracy of
 * entityId, unlinked counted as wrong), per type.
 *
 * Note: data/kb/corpus-names.tsv.gz contains development-set mention names, so an honest score needs a
 * knowledge base built with `node scripts/build-kb-data.mjs --train-only --out /tmp/kb-train` and
 * `--kb /tmp/kb-train` here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const kbDir = resolve(option('--kb', 'data/kb'));
const dist = resolve(option('--dist', 'dist'));
const devFile = resolve(option('--dev', '/work/shared/data/bc5cdr/CDR_DevelopmentSet.PubTator.txt'));
const showErrors = Number(option('--errors', '0'));
const priority = option('--priority', '').split(',').filter(Boolean);
/** MeSH branches to leave out of the dictionary ('default' = DEFAULT_EXCLUDED_BRANCHES, 'none'). */
const excludeArg = option('--exclude', 'default');
const minAbbreviationLength = option('--min-abbreviation', undefined); // a number for every type

const kb = await import(pathToFileURL(`${dist}/kb/index.js`).href);

/** Parses PubTator into documents: text = title + ' ' + abstract, and gold spans. */
function readPubTator(file) {
  const docs = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const head = /^(\d+)\|([ta])\|(.*)$/.exec(line);
    if (head) {
      const doc = docs.get(head[1]) ?? { id: head[1], title: '', abstract: '', gold: [] };
      if (head[2] === 't') doc.title = head[3];
      else doc.abstract = head[3];
      docs.set(head[1], doc);
      continue;
    }
    const cols = line.split('\t');
    if (cols.length < 6 || cols[1] === 'CID') continue;
    const type = cols[4] === 'Chemical' ? 'CHEMICAL' : cols[4] === 'Disease' ? 'DISEASE' : null;
    if (type === null) continue;
    docs.get(cols[0]).gold.push({ start: Number(cols[1]), end: Number(cols[2]), type, text: cols[3], id: cols[5] });
  }
  return [...docs.values()].map((d) => ({ ...d, text: `${d.title} ${d.abstract}` }));
}

const docs = readPubTator(devFile);
for (const d of docs) {
  for (const g of d.gold) {
    if (d.text.slice(g.start, g.end) !== g.text) throw new Error(`offset mismatch in ${d.id} at ${g.start}`);
  }
}

let t = performance.now();
const names = [];
for await (const n of kb.readKnowledgeBaseNames(kbDir)) names.push(n);
const readSeconds = (performance.now() - t) / 1000;
t = performance.now();
const excludeEntityIds =
  excludeArg === 'none' ? new Set() : await kb.readDictionaryExclusions(kbDir, excludeArg === 'default' ? undefined : excludeArg.split(','));
const labeler = await kb.createDictionaryLabeler({
  names,
  types: ['CHEMICAL', 'DISEASE'],
  excludeEntityIds,
  // The stop names learned from the training corpora (dictionary-stop-names.tsv in the KB folder), as the app uses.
  stopNamesByType: args.includes('--no-learned-stop-names') ? new Set() : await kb.readLearnedStopNames(kbDir),
  propagateAbbreviations: !args.includes('--no-abbreviations'),
  ...(priority.length ? { typePriority: priority } : {}),
  ...(minAbbreviationLength ? { minAbbreviationLength: Number(minAbbreviationLength) } : {}),
});
const buildSeconds = (performance.now() - t) / 1000;
t = performance.now();
const predicted = await labeler.label(docs.map((d) => ({ id: d.id, text: d.text })));
const labelSeconds = (performance.now() - t) / 1000;

const counts = {};
const fp = new Map();
const fn = new Map();
const tpByName = new Map();
const bump = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
docs.forEach((doc, i) => {
  const key = (s) => `${s.start}:${s.end}:${s.type}`;
  const gold = new Set(doc.gold.map(key));
  const pred = new Set(predicted[i].map(key));
  for (const type of ['CHEMICAL', 'DISEASE']) counts[type] ??= { tp: 0, fp: 0, fn: 0 };
  for (const s of predicted[i]) {
    if (gold.has(key(s))) {
      counts[s.type].tp += 1;
      bump(tpByName, `${s.type}\t${s.text.toLowerCase()}`);
    } else {
      counts[s.type].fp += 1;
      bump(fp, `${s.type}\t${s.text.toLowerCase()}`);
    }
  }
  for (const g of doc.gold) {
    if (!pred.has(key(g))) {
      counts[g.type].fn += 1;
      bump(fn, `${g.type}\t${g.text.toLowerCase()}`);
    }
  }
});

const score = ({ tp, fp: f, fn: m }) => {
  const p = tp + f === 0 ? 0 : tp / (tp + f);
  const r = tp + m === 0 ? 0 : tp / (tp + m);
  const f1 = p + r === 0 ? 0 : (2 * p * r) / (p + r);
  return { tp, fp: f, fn: m, precision: +p.toFixed(4), recall: +r.toFixed(4), f1: +f1.toFixed(4) };
};
const micro = Object.values(counts).reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
const rows = { ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, score(v)])), micro: score(micro) };
console.log(`kb: ${kbDir}  dev: ${devFile}  documents: ${docs.length}`);
console.log(`names: ${names.length} (read ${readSeconds.toFixed(1)} s), dictionary built in ${buildSeconds.toFixed(1)} s, labelled in ${labelSeconds.toFixed(2)} s`);
console.log(JSON.stringify(labeler.stats));
console.table(rows);
if (showErrors > 0) {
  const top = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, showErrors).map(([k, n]) => `${n}\t${k}`).join('\n');
  console.log(`\nTop false positives:\n${top(fp)}\n\nTop false negatives:\n${top(fn)}`);
  const worse = [...fp.entries()]
    .filter(([k, n]) => n >= 3 && n > (tpByName.get(k) ?? 0))
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} fp / ${tpByName.get(k) ?? 0} tp\t${k}`);
  console.log(`\nNames wrong more often than right (fp >= 3):\n${worse.join('\n')}`);
}

if (args.includes('--link')) {
  const linker = await kb.createExactLinker({ names, annotationCounts: await kb.readAnnotationCounts(kbDir) });
  const tally = {};
  for (const doc of docs) {
    const gold = doc.gold.filter((g) => /^(?:[CD]\d+|OMIM:\d+)$/.test(g.id));
    const results = await linker.link(doc.text, gold.map((g) => ({ ...g, confidence: null })));
    gold.forEach((g, i) => {
      const t = (tally[g.type] ??= { spans: 0, correct: 0, exact: 0, normalized: 0, unlinked: 0 });
      const r = results[i];
      t.spans += 1;
      if (r.entityId === null) t.unlinked += 1;
      else t[r.method] += 1;
      const expected = g.id.startsWith('OMIM:') ? g.id : `MESH:${g.id}`;
      if (r.entityId === expected) t.correct += 1;
    });
  }
  console.log('\nExact linker on gold single-id spans:');
  console.table(Object.fromEntries(Object.entries(tally).map(([k, v]) => [k, { ...v, accuracy: +(v.correct / v.spans).toFixed(4) }])));
}

#!/usr/bin/env node
/**
 * Where a labeler's errors are, from a `vaner eval ner --predictions FILE` file: every gold span it missed and every
 * span it found that is not gold, sorted into the kinds that call for different fixes, with the most frequent texts of
 * each. This is how the 2026.12.07-6 runtime rules were found (README, "A binomial another head claimed is a species"):
 * 62 of Species-800's missed species lay under a span of another type.
 *
 *   missed gold span      `miss`      no predicted span overlaps it
 *                         `boundary`  a predicted span of its type overlaps it (the pairs are listed: gold | predicted)
 *                         `type`      only spans of other types overlap it (listed: their types and texts)
 *   predicted, not gold   `spurious`  no gold span overlaps it
 *                         `boundary`  a gold span of its type overlaps it
 *                         `type`      only gold spans of other types overlap it
 *
 * Scored types are the gold file's (as `vaner eval ner --skip-mismatched` scores them); predicted spans of other types
 * are no errors of their own but show up under `type`. Texts are compared lower-cased.
 *
 * Usage: node scripts/ner-errors.mjs FILE [--type TYPE] [--top N]    (Markdown on stdout)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { type: { type: 'string' }, top: { type: 'string', default: '15' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: node scripts/ner-errors.mjs FILE [--type TYPE] [--top N] (FILE from vaner eval ner --predictions)\n');
  process.exit(2);
}
const top = Number(values.top);
if (!Number.isInteger(top) || top < 1) {
  process.stderr.write(`--top: expected a positive integer, got ${values.top}\n`);
  process.exit(2);
}

const docs = [];
readFileSync(positionals[0], 'utf8').split('\n').forEach((line, i) => {
  if (!line.trim()) return;
  let doc;
  try {
    doc = JSON.parse(line);
  } catch {
    process.stderr.write(`${positionals[0]}:${i + 1}: not JSON\n`);
    process.exit(2);
  }
  if (typeof doc.text !== 'string' || !Array.isArray(doc.gold) || !Array.isArray(doc.predicted)) {
    process.stderr.write(`${positionals[0]}:${i + 1}: expected {id, text, gold: [...], predicted: [...]} (vaner eval ner --predictions)\n`);
    process.exit(2);
  }
  docs.push(doc);
});

const goldTypes = [...new Set(docs.flatMap((d) => d.gold.map((s) => s.type)))].sort();
const types = values.type !== undefined ? [values.type] : goldTypes;
const overlaps = (a, b) => a.start < b.end && b.start < a.end;
const same = (a, b) => a.start === b.start && a.end === b.end && a.type === b.type;

/** Counts `key` under `kind` in `table` (kind -> Map(key -> count)). */
function add(table, kind, key) {
  if (!table.has(kind)) table.set(kind, new Map());
  const m = table.get(kind);
  m.set(key, (m.get(key) ?? 0) + 1);
}

const out = [];
for (const type of types) {
  const missed = new Map();
  const found = new Map();
  let tp = 0;
  for (const d of docs) {
    const text = (s) => d.text.slice(s.start, s.end);
    const gold = d.gold.filter((s) => s.type === type);
    const pred = d.predicted.filter((s) => s.type === type);
    for (const g of gold) {
      if (pred.some((p) => same(p, g))) {
        tp++;
        continue;
      }
      const over = d.predicted.filter((p) => overlaps(p, g));
      if (over.length === 0) add(missed, 'miss', text(g).toLowerCase());
      else if (over.some((p) => p.type === type)) add(missed, 'boundary', `${text(g)} | ${over.filter((p) => p.type === type).map(text).join(' / ')}`);
      else add(missed, 'type', `${text(g)} ← ${over.map((p) => `${p.type} ${text(p)}`).join(' / ')}`);
    }
    for (const p of pred) {
      if (gold.some((g) => same(p, g))) continue;
      const over = d.gold.filter((g) => overlaps(p, g));
      if (over.length === 0) add(found, 'spurious', text(p).toLowerCase());
      else if (over.some((g) => g.type === type)) add(found, 'boundary', `${over.filter((g) => g.type === type).map(text).join(' / ')} | ${text(p)}`);
      else add(found, 'type', `${text(p)} (gold ${over.map((g) => g.type).join(' / ')})`);
    }
  }
  const count = (t, k) => [...(t.get(k)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const fn = ['miss', 'boundary', 'type'].reduce((a, k) => a + count(missed, k), 0);
  const fp = ['spurious', 'boundary', 'type'].reduce((a, k) => a + count(found, k), 0);
  out.push(`## ${type}: ${tp} right, ${fn} missed, ${fp} not gold`, '');
  out.push('| | miss / spurious | boundary | type |', '|---|---:|---:|---:|');
  out.push(`| missed gold spans | ${count(missed, 'miss')} | ${count(missed, 'boundary')} | ${count(missed, 'type')} |`);
  out.push(`| predicted, not gold | ${count(found, 'spurious')} | ${count(found, 'boundary')} | ${count(found, 'type')} |`, '');
  const list = (title, t, kind) => {
    const entries = [...(t.get(kind)?.entries() ?? [])].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top);
    if (entries.length === 0) return;
    out.push(`${title}:`, ...entries.map(([k, n]) => `- ${n} × ${k}`), '');
  };
  list('Missed, nothing predicted there', missed, 'miss');
  list('Missed, a span of the type with other boundaries (gold | predicted)', missed, 'boundary');
  list('Missed, only other types predicted there', missed, 'type');
  list('Spurious', found, 'spurious');
  list('Predicted with other boundaries (gold | predicted)', found, 'boundary');
  list('Predicted where the gold has another type', found, 'type');
}
process.stdout.write(`${out.join('\n')}\n`);

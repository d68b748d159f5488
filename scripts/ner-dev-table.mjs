// Turns the JSON lines of scripts/eval-ner-dev.sh (one or more files, or stdin) into one Markdown table: a row per
// (development set, gold type), a column per labeler version, strict F1 in percent (micro for sets with several
// types adds a row). Usage:
//   bash scripts/eval-ner-dev.sh model dictionary > /tmp/dev.jsonl && node scripts/ner-dev-table.mjs /tmp/dev.jsonl
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
const text = files.length > 0 ? files.map((f) => readFileSync(f, 'utf8')).join('\n') : readFileSync(0, 'utf8');
const columns = [];
const rows = new Map();
for (const line of text.split('\n')) {
  if (!line.trim()) continue;
  const { set, labeler, result } = JSON.parse(line);
  if (result.error) {
    process.stderr.write(`${set} / ${labeler}: the evaluation failed\n`);
    continue;
  }
  const column = `${labeler} ${result.labeler.version}`;
  if (!columns.includes(column)) columns.push(column);
  const types = Object.entries(result.perType);
  for (const [type, prf] of types.length > 1 ? [...types, ['micro', result.micro]] : types) {
    const key = `${set} ${type}`;
    if (!rows.has(key)) rows.set(key, new Map());
    rows.get(key).set(column, prf);
  }
}
const out = [`| development set, type | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`];
for (const [key, cells] of rows) {
  out.push(`| ${key} | ${columns.map((c) => (cells.has(c) ? (cells.get(c).f1 * 100).toFixed(2) : '—')).join(' | ')} |`);
}
process.stdout.write(`${out.join('\n')}\n`);

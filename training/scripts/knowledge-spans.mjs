#!/usr/bin/env node
/**
 * The knowledge matcher for training (docs/bundle-format.md, "Knowledge ids"): runs the runtime's dictionary
 * labeler (dist/kb, built by `npm run build`) over texts and prints the character spans it finds, so the
 * training data carries exactly the spans the runtime will compute. The word mapping lives in
 * training/vaner/knowledge.py (Python) and src/ner (Node); a parity test compares both.
 *
 * Usage: node training/scripts/knowledge-spans.mjs --kb DIR [--extra names.tsv] --types T1,T2 < in.jsonl > out.jsonl
 *   --kb DIR     vocabulary directory as data/kb (read with readKnowledgeBaseNames, dictionary exclusions applied)
 *   --extra F    names harvested from training annotations: `type<TAB>name<TAB>folds` (folds: comma-separated ints)
 *   in.jsonl     {"id", "text", "fold"}: fold k >= 0 leaves out the extra names seen only in fold k (so a
 *                sentence never gets features from names harvested from itself); fold -1 uses every name.
 *   out.jsonl    {"id", "spans": [[start, end, type], ...]} in input order.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const kb = await import(new URL('../../dist/kb/index.js', import.meta.url).href);
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const kbDir = option('--kb');
const types = (option('--types') ?? 'CHEMICAL,DISEASE').split(',');
if (!kbDir) {
  console.error('usage: knowledge-spans.mjs --kb DIR [--extra names.tsv] --types T1,T2 < in.jsonl');
  process.exit(2);
}

const base = [];
for await (const n of kb.readKnowledgeBaseNames(kbDir)) base.push(n);
const rules = await kb.readDictionaryRules(kbDir);
const extra = [];
const extraFile = option('--extra');
if (extraFile) {
  readFileSync(extraFile, 'utf8').split('\n').forEach((line, i) => {
    if (!line) return;
    const [type, name, folds] = line.split('\t');
    extra.push({ entry: { entityId: `TRAIN:${i}`, type, name, origin: 'annotation' }, folds: new Set(folds.split(',').map(Number)) });
  });
}

const inputs = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim()) inputs.push(JSON.parse(line));
}
const results = new Array(inputs.length);
const folds = [...new Set(inputs.map((x) => x.fold ?? -1))].sort((a, b) => a - b);
for (const fold of folds) {
  const names = [...base];
  for (const e of extra) {
    // A name harvested only from this fold's sentences is left out for them.
    if (fold >= 0 && e.folds.size === 1 && e.folds.has(fold)) continue;
    names.push(e.entry);
  }
  const labeler = await kb.createDictionaryLabeler({ names, types, ...rules });
  const idx = inputs.map((x, i) => ((x.fold ?? -1) === fold ? i : -1)).filter((i) => i >= 0);
  for (let k = 0; k < idx.length; k += 256) {
    const chunk = idx.slice(k, k + 256);
    const spans = await labeler.label(chunk.map((i) => ({ id: String(inputs[i].id), text: inputs[i].text })));
    chunk.forEach((i, j) => {
      results[i] = spans[j].map((s) => [s.start, s.end, s.type]);
    });
  }
  await labeler.close();
  process.stderr.write(`knowledge-spans: fold ${fold}: ${idx.length} texts, ${names.length} names\n`);
}
const out = [];
inputs.forEach((x, i) => out.push(JSON.stringify({ id: x.id, spans: results[i] })));
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));

#!/usr/bin/env node
/**
 * Learns, from a scheme's TRAINING annotations, the first words its annotators usually keep in a name, and records
 * them in a bundle's manifest as `schemes[].shrinkKeepsFirstWords[TYPE]` (docs/bundle-format.md): the words the
 * knowledge cut (src/ner/knowledge-boundaries.ts, shrinkToKnowledge) leaves at the start of a span.
 *
 * Why: the cut makes `Temporary hearing loss` the annotated `hearing loss` (BC5CDR annotates the disease, not its
 * modifiers), but BC5CDR does annotate `postoperative myalgia`, `myocardial hypertrophy`, `atrial tachyarrhythmia`:
 * 71 of the cut's 250 changes on BC5CDR development diseases undid a correct span. A word is kept when the training
 * annotations begin a longer name with it in at least `--share` of the cases where it is either the first word of a
 * name or the word right before one, and at least `--min` times in all.
 *
 * Words are the runtime's (src/ner/word-splitter.ts): runs of letters and digits, compared lower-cased.
 *
 * Usage: node scripts/learn-kept-first-words.mjs --pubtator FILE --corpus-type Disease --type DISEASE
 *          --bundle models/vaner-small --scheme bc5cdr [--min 5] [--share 0.7] [--write]
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    pubtator: { type: 'string' },
    'corpus-type': { type: 'string' },
    type: { type: 'string' },
    bundle: { type: 'string' },
    scheme: { type: 'string' },
    min: { type: 'string', default: '5' },
    share: { type: 'string', default: '0.7' },
    write: { type: 'boolean', default: false },
  },
});
for (const required of ['pubtator', 'corpus-type', 'type', 'bundle', 'scheme']) {
  if (!values[required]) {
    console.error(`--${required} is required (see the header of ${path.basename(process.argv[1])})`);
    process.exit(2);
  }
}
const min = Number(values.min);
const share = Number(values.share);

/** PubTator documents: text = title + ' ' + abstract, mentions with character offsets. */
function readPubtator(file) {
  const docs = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const head = /^(\d+)\|([ta])\|(.*)$/.exec(line);
    if (head) {
      const d = docs.get(head[1]) ?? { t: '', a: '', mentions: [] };
      d[head[2]] = head[3];
      docs.set(head[1], d);
      continue;
    }
    const cols = line.split('\t');
    if (cols.length >= 5 && /^\d+$/.test(cols[1] ?? '')) docs.get(cols[0])?.mentions.push({ start: Number(cols[1]), end: Number(cols[2]), type: cols[4] });
  }
  return [...docs.values()].map((d) => ({ text: `${d.t} ${d.a}`, mentions: d.mentions }));
}

const WORD = /[\p{L}\p{N}]+/gu;
const kept = new Map();
const dropped = new Map();
const add = (map, w) => map.set(w, (map.get(w) ?? 0) + 1);
for (const { text, mentions } of readPubtator(values.pubtator)) {
  for (const m of mentions.filter((x) => x.type === values['corpus-type'])) {
    const words = text.slice(m.start, m.end).match(WORD) ?? [];
    if (words.length > 1) add(kept, words[0].toLowerCase());
    // The word right before the name, separated by whitespace only (`Temporary` of `Temporary hearing loss`).
    const before = /([\p{L}\p{N}]+)\s+$/u.exec(text.slice(Math.max(0, m.start - 60), m.start));
    if (before) add(dropped, before[1].toLowerCase());
  }
}
const words = [...kept.keys()]
  .filter((w) => /^\p{L}+$/u.test(w))
  .filter((w) => {
    const k = kept.get(w);
    const n = k + (dropped.get(w) ?? 0);
    return n >= min && k / n >= share;
  })
  .sort();

const manifestPath = path.join(values.bundle, 'manifest.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const scheme = manifest.schemes.find((s) => s.name === values.scheme);
if (!scheme) {
  console.error(`${values.scheme} is not a scheme of ${manifestPath}`);
  process.exit(2);
}
process.stdout.write(`${words.length} first words kept for ${values.scheme} ${values.type}: ${words.join(', ')}\n`);
if (values.write) {
  scheme.shrinkKeepsFirstWords = { ...(scheme.shrinkKeepsFirstWords ?? {}), [values.type]: words };
  const tmp = `${manifestPath}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, manifestPath);
  process.stderr.write(`wrote schemes[${values.scheme}].shrinkKeepsFirstWords.${values.type} to ${manifestPath}\n`);
}

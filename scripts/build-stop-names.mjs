#!/usr/bin/env node
/**
 * Writes KB/dictionary-stop-names.tsv: the names the training corpora show annotators do not mark
 * (src/kb/learned-stop-names.ts). Runs the dictionary labeler of KB (its names and MeSH exclusions, no learned stop
 * names) over the BC5CDR (chemicals, diseases) and NCBI-disease (diseases) TRAINING documents, and the development
 * ones unless --train-only, the same splits as corpus-names.tsv.gz; test splits are never read. Deterministic.
 * scripts/build-kb-data.mjs runs it last; it needs the compiled modules (npm run build).
 *
 * Usage: node scripts/build-stop-names.mjs --kb DIR [--source /work/shared/data] [--train-only]
 *          [--min-matches 2] [--max-annotated-share 0.2]
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dist = new URL('../dist/', import.meta.url);
const kb = await import(new URL('kb/index.js', dist).href);
const formats = await import(new URL('formats/index.js', dist).href);

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const kbDir = option('--kb', undefined);
if (kbDir === undefined) {
  console.error('usage: build-stop-names.mjs --kb DIR [--source DATA] [--train-only] [--min-matches N] [--max-annotated-share X]');
  process.exit(2);
}
const source = resolve(option('--source', '/work/shared/data'));
const trainOnly = args.includes('--train-only');
const minMatches = Number(option('--min-matches', String(kb.DEFAULT_MIN_MATCHES)));
const maxAnnotatedShare = Number(option('--max-annotated-share', String(kb.DEFAULT_MAX_ANNOTATED_SHARE)));

/** Corpus files and the types each annotates (a match of another type says nothing about it). */
const CORPORA = [
  { file: 'bc5cdr/CDR_TrainingSet.PubTator.txt', types: ['CHEMICAL', 'DISEASE'] },
  { file: 'ncbi-disease/NCBItrainset_corpus.txt', types: ['DISEASE'] },
  ...(trainOnly
    ? []
    : [
        { file: 'bc5cdr/CDR_DevelopmentSet.PubTator.txt', types: ['CHEMICAL', 'DISEASE'] },
        { file: 'ncbi-disease/NCBIdevelopset_corpus.txt', types: ['DISEASE'] },
      ]),
];

const names = [];
for await (const n of kb.readKnowledgeBaseNames(kbDir)) names.push(n);
const labeler = await kb.createDictionaryLabeler({ names, excludeEntityIds: await kb.readDictionaryExclusions(kbDir) });

const counts = new Map();
let documents = 0;
let skipped = 0;
for (const { file, types } of CORPORA) {
  const records = [];
  // NCBI-disease's CompositeMention and Modifier classes are diseases; the reader maps the corpus's types. Its
  // training file has one mention whose offsets do not select its text: dropped (with a count), as `eval ner
  // --skip-mismatched` does.
  for await (const r of formats.readPubTator(join(source, file), { offsetMismatch: 'skip', onWarning: () => (skipped += 1) })) records.push(r);
  const predicted = await labeler.label(records.map((r, i) => ({ id: String(i), text: r.text })));
  kb.countNameMatches(
    records.map((r, i) => ({ text: r.text, gold: r.mentions ?? [], predicted: predicted[i] })),
    types,
    counts,
  );
  documents += records.length;
}
await labeler.close();

const rows = kb.chooseStopNames(counts.values(), { minMatches, maxAnnotatedShare });
const out = join(kbDir, kb.LEARNED_STOP_NAMES_FILE);
writeFileSync(out, kb.formatStopNames(rows));
process.stdout.write(JSON.stringify({ out, documents, skippedMentions: skipped, namesCounted: counts.size, stopNames: rows.length, minMatches, maxAnnotatedShare }) + '\n');

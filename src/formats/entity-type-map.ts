/**
 * Maps the type names corpora use to our EntityType. Lookup is case-insensitive and ignores `_`,
 * `-` and spaces, so `cell_line`, `CellLine` and `Cell-Line` are one key. Types not listed here
 * (GNormPlus `FamilyName`, NLM-Chem `OTHER`, …) are unknown: readers skip those mentions with a
 * counted warning rather than guessing.
 */
import type { EntityType } from '../domain/index.js';

const BUILT_IN: Readonly<Record<string, EntityType>> = {
  chemical: 'CHEMICAL',
  disease: 'DISEASE',
  specificdisease: 'DISEASE',
  diseaseclass: 'DISEASE',
  modifier: 'DISEASE',
  compositemention: 'DISEASE',
  gene: 'GENE',
  geneorgeneproduct: 'GENE',
  species: 'SPECIES',
  organism: 'SPECIES',
  protein: 'PROTEIN',
  dna: 'DNA',
  rna: 'RNA',
  cellline: 'CELL_LINE',
  celltype: 'CELL_TYPE',
  // tmVar 3 variant classes.
  variant: 'VARIANT',
  sequencevariant: 'VARIANT',
  proteinmutation: 'VARIANT',
  dnamutation: 'VARIANT',
  othermutation: 'VARIANT',
  snp: 'VARIANT',
  proteinallele: 'VARIANT',
  dnaallele: 'VARIANT',
  acidchange: 'VARIANT',
};

function key(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * The EntityType for a corpus type name, or null when unknown.
 * `extra` (caller mappings, keys normalised the same way) wins over the built-in table.
 */
export function mapEntityType(name: string, extra?: Readonly<Record<string, EntityType>>): EntityType | null {
  const k = key(name);
  if (extra) {
    for (const [from, to] of Object.entries(extra)) if (key(from) === k) return to;
  }
  // Our own names (`CHEMICAL`, `CELL_LINE`) normalise to keys of the table too.
  return BUILT_IN[k] ?? null;
}

const PUBTATOR_NAMES: Readonly<Record<EntityType, string>> = {
  CHEMICAL: 'Chemical',
  DISEASE: 'Disease',
  GENE: 'Gene',
  SPECIES: 'Species',
  PROTEIN: 'Protein',
  DNA: 'DNA',
  RNA: 'RNA',
  CELL_LINE: 'CellLine',
  CELL_TYPE: 'CellType',
  VARIANT: 'Variant',
};

/** The type name PubTator files use for an EntityType (`CHEMICAL` → `Chemical`). */
export function pubTatorTypeName(type: EntityType): string {
  return PUBTATOR_NAMES[type];
}

import { join } from 'node:path';
import type { EntityType, EntityName, EntityRecord } from '../domain/index.js';
import { readCorpusNames, type CorpusName } from './import/corpus-names.js';
import { readCtdMedic } from './import/ctd-medic.js';
import { readMeshChemicalDescriptors } from './import/mesh-descriptors.js';
import { readMeshSupplementaryChemicals } from './import/mesh-supplementary.js';
import { readMeshTrees } from './import/mesh-trees.js';

/** The files the knowledge base is read from (as shipped in data/kb). */
export const KB_FILES = {
  ctdDiseases: 'CTD_diseases.tsv.gz',
  meshThesaurus: 'mesh2024-descriptor-thesaurus.tsv.gz',
  meshTrees: 'mesh2024-trees.tsv.gz',
  meshChemicalNames: 'mesh-chemical-names-merged.tsv.gz',
  corpusNames: 'corpus-names.tsv.gz',
} as const;

/** What the source yields: entity records first (in import order), then corpus names. */
export type KnowledgeBaseItem =
  | { readonly kind: 'entity'; readonly record: EntityRecord }
  | { readonly kind: 'conflict'; readonly record: EntityRecord }
  | { readonly kind: 'name'; readonly name: EntityName };

/**
 * Reads the shipped vocabularies in an order that decides who owns an id:
 * 1. CTD MEDIC diseases (MESH:D…, MESH:C…, OMIM:…) -> DISEASE;
 * 2. MeSH 2024 descriptors in tree D -> CHEMICAL;
 * 3. MeSH supplementary chemical records (MESH:C…) -> CHEMICAL;
 * 4. corpus annotation names: ids no vocabulary knows become entities with source
 *    'corpus-annotation'; then every corpus name, with origin 'annotation', under the id it resolves
 *    to (OMIM ids CTD lists as alternatives resolve to the CTD disease).
 * A record whose id an earlier step already produced is yielded as a 'conflict' (and not imported).
 * Deterministic: the same files always yield the same items in the same order.
 */
export async function* readKnowledgeBase(kbDir: string): AsyncGenerator<KnowledgeBaseItem> {
  const file = (name: string): string => join(kbDir, name);
  /** Type of every id produced so far: decides conflicts and the type of corpus names. */
  const known = new Map<string, EntityType>();
  const emit = (record: EntityRecord): KnowledgeBaseItem => {
    if (known.has(record.id)) return { kind: 'conflict', record };
    known.set(record.id, record.type);
    return { kind: 'entity', record };
  };

  const altToPrimary = new Map<string, string>();
  const trees = readMeshTrees(file(KB_FILES.meshTrees)); // read while CTD streams
  trees.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  for await (const { record, altIds } of readCtdMedic(file(KB_FILES.ctdDiseases))) {
    yield emit(record);
    for (const alt of altIds) if (!altToPrimary.has(alt)) altToPrimary.set(alt, record.id);
  }
  for (const record of await readMeshChemicalDescriptors(file(KB_FILES.meshThesaurus), await trees)) yield emit(record);
  for (const record of await readMeshSupplementaryChemicals(file(KB_FILES.meshChemicalNames))) yield emit(record);

  const corpus = await readCorpusNames(file(KB_FILES.corpusNames));
  const resolve = (curie: string): string => (known.has(curie) ? curie : altToPrimary.get(curie) ?? curie);
  const unknown = new Map<string, CorpusName[]>();
  for (const entry of corpus) {
    const id = resolve(entry.curie);
    if (!known.has(id)) unknown.set(id, [...(unknown.get(id) ?? []), entry]);
  }
  for (const [id, entries] of [...unknown.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // The most frequent mention names the entity; its type is the one annotated most often.
    const best = [...entries].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0]!;
    const total = (type: string): number => entries.filter((e) => e.type === type).reduce((s, e) => s + e.count, 0);
    yield emit({
      id,
      type: total('CHEMICAL') > total('DISEASE') ? 'CHEMICAL' : 'DISEASE',
      name: best.name,
      synonyms: [],
      parentIds: [],
      treeNumbers: [],
      source: 'corpus-annotation',
    });
  }
  for (const entry of corpus) {
    const entityId = resolve(entry.curie);
    // Names belong to the entity: a chemical id annotated in a disease span still names a chemical.
    yield { kind: 'name', name: { entityId, type: known.get(entityId)!, name: entry.name, origin: 'annotation' } };
  }
}

/**
 * Every name the knowledge base holds, as the store would stream them, read straight from the files
 * (preferred names and synonyms with origin 'vocabulary', corpus names with origin 'annotation').
 * For building a dictionary or linker without a store (evaluation, benchmarks). Duplicates removed.
 */
export async function* readKnowledgeBaseNames(kbDir: string): AsyncGenerator<EntityName> {
  const seen = new Set<string>();
  const fresh = (name: EntityName): boolean => {
    const key = `${name.entityId}\u0000${name.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for await (const item of readKnowledgeBase(kbDir)) {
    if (item.kind === 'conflict') continue;
    if (item.kind === 'name') {
      if (fresh(item.name)) yield item.name;
      continue;
    }
    const { id, type, name, synonyms } = item.record;
    for (const n of [name, ...synonyms]) {
      const entry: EntityName = { entityId: id, type, name: n, origin: 'vocabulary' };
      if (fresh(entry)) yield entry;
    }
  }
}

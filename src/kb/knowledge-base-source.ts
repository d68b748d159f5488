import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityAlias, EntityType, EntityName, EntityRecord } from '../domain/index.js';
import { readCorpusNames, type CorpusName } from './import/corpus-names.js';
import { readCtdChemicalNames } from './import/ctd-chemical-names.js';
import { readCtdMedic } from './import/ctd-medic.js';
import { MESH_2024_DISEASES_SOURCE, readMeshDescriptors } from './import/mesh-descriptors.js';
import { readMeshSupplementaryChemicals } from './import/mesh-supplementary.js';
import { readMeshTrees } from './import/mesh-trees.js';
import { readTsvRows } from './import/tsv-lines.js';
import { deriveMeshHistory, type MeshHistoryLink } from './mesh-history.js';
import { normalizeName } from './normalize.js';

/** The files the knowledge base is read from (as shipped in data/kb). */
export const KB_FILES = {
  ctdDiseases: 'CTD_diseases.tsv.gz',
  meshThesaurus: 'mesh2024-descriptor-thesaurus.tsv.gz',
  meshTrees: 'mesh2024-trees.tsv.gz',
  meshChemicalNames: 'mesh-chemical-names-merged.tsv.gz',
  corpusNames: 'corpus-names.tsv.gz',
  /** Optional: descriptor ids of MeSH 2015, which tell promoted supplementary records (MeSH history) apart. */
  meshOlderDescriptors: 'mesh2015-descriptor-terms.tsv.gz',
  /** Optional: CTD's 2015 chemical names without ids, read as names-only entities (import/ctd-chemical-names.ts). */
  ctdChemicalNames: 'ctd-chemical-names-2015.txt.gz',
} as const;


/** What the source yields: entity records first (in import order), then corpus names. */
export type KnowledgeBaseItem =
  | { readonly kind: 'entity'; readonly record: EntityRecord }
  | { readonly kind: 'conflict'; readonly record: EntityRecord }
  | { readonly kind: 'name'; readonly name: EntityName }
  | { readonly kind: 'alias'; readonly alias: EntityAlias };

/**
 * Reads the shipped vocabularies in an order that decides who owns an id:
 * 1. CTD MEDIC diseases (MESH:D…, MESH:C…, OMIM:…) -> DISEASE;
 * 2. MeSH 2024 descriptors in tree D -> CHEMICAL; then those in trees C and F03 MEDIC lacks -> DISEASE, and the
 *    2024 entry terms of MEDIC's own descriptors that MEDIC does not name -> names of those DISEASE entities
 *    (both with source 'mesh-2024-diseases', which a user can disable on its own);
 * 3. MeSH supplementary chemical records (MESH:C…) -> CHEMICAL;
 * 4. corpus annotation names: ids no vocabulary knows become entities with source
 *    'corpus-annotation'; then every corpus name, with origin 'annotation', under the id it resolves
 *    to (OMIM ids CTD lists as alternatives resolve to the CTD disease, old MeSH supplementary ids
 *    to their current descriptor);
 * 5. MeSH history (src/kb/mesh-history.ts; needs the optional KB_FILES.meshOlderDescriptors): a
 *    supplementary id replaced by a newer descriptor is not an entity of its own but an 'alias' of
 *    that descriptor, and its names become the descriptor's names;
 * 6. CTD's 2015 chemical names (optional KB_FILES.ctdChemicalNames): each name no earlier step
 *    names (same normalised form) becomes a names-only CHEMICAL entity `CTDNAME:<line>`, recognised
 *    by the dictionary and the model's knowledge input, never linked to (import/ctd-chemical-names.ts).
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
  const historyTargets: { id: string; names: string[] }[] = [];
  /** MEDIC's diseases by id, with their names (the same objects as in historyTargets: MeSH 2024 adds names). */
  const medic = new Map<string, { id: string; names: string[] }>();
  for await (const { record, altIds } of readCtdMedic(file(KB_FILES.ctdDiseases))) {
    yield emit(record);
    const target = { id: record.id, names: [record.name, ...record.synonyms] };
    medic.set(record.id, target);
    historyTargets.push(target);
    for (const alt of altIds) if (!altToPrimary.has(alt)) altToPrimary.set(alt, record.id);
  }
  const { chemicals, diseases } = await readMeshDescriptors(file(KB_FILES.meshThesaurus), await trees);
  for (const record of chemicals) {
    yield emit(record);
    historyTargets.push({ id: record.id, names: [record.name, ...record.synonyms] });
  }
  // MEDIC is from 2017: MeSH 2024 adds disease descriptors (Hemorrhagic Cystitis, Ototoxicity) and entry terms of the
  // descriptors MEDIC has (Coronary Artery Spasm, of Coronary Vasospasm). A new descriptor becomes a DISEASE entity;
  // an entry term of a MEDIC descriptor that no MEDIC name of it matches (normalised, as the dictionary matches)
  // becomes a name of that MEDIC entity.
  const meshDiseaseNames: EntityName[] = [];
  for (const record of diseases) {
    const ofMedic = medic.get(record.id);
    if (ofMedic === undefined) {
      const item = emit(record);
      yield item;
      if (item.kind === 'entity') historyTargets.push({ id: record.id, names: [record.name, ...record.synonyms] });
      continue;
    }
    const keys = new Set(ofMedic.names.map(normalizeName));
    for (const name of [record.name, ...record.synonyms]) {
      const key = normalizeName(name);
      if (keys.has(key)) continue;
      keys.add(key);
      ofMedic.names.push(name);
      meshDiseaseNames.push({ entityId: record.id, type: 'DISEASE', name, origin: 'vocabulary', source: MESH_2024_DISEASES_SOURCE });
    }
  }
  const supplementary = await readMeshSupplementaryChemicals(file(KB_FILES.meshChemicalNames));
  const corpus = await readCorpusNames(file(KB_FILES.corpusNames));

  const history = await readHistory(kbDir, historyTargets, supplementary, corpus, new Set(medic.keys()));
  const historyOf = new Map(history.map((h) => [h.oldId, h.currentId]));
  const movedNames: EntityName[] = [];
  for (const record of supplementary) {
    const current = historyOf.get(record.id);
    if (current === undefined || !known.has(current)) {
      yield emit(record);
      continue;
    }
    for (const name of [record.name, ...record.synonyms]) movedNames.push({ entityId: current, type: known.get(current)!, name, origin: 'vocabulary' });
  }
  for (const h of history) {
    if (known.has(h.currentId) && !known.has(h.oldId)) yield { kind: 'alias', alias: { id: h.oldId, entityId: h.currentId, source: 'mesh-history', evidence: h.name } };
  }

  const resolve = (curie: string): string => {
    if (known.has(curie)) return curie;
    const moved = historyOf.get(curie);
    if (moved !== undefined && known.has(moved)) return moved;
    return altToPrimary.get(curie) ?? curie;
  };
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
  const ctdNamesFile = file(KB_FILES.ctdChemicalNames);
  if (existsSync(ctdNamesFile)) {
    // Every name the steps above import, normalised as the dictionary matches them: a CTD name with the same key
    // would only repeat a name that already has an id.
    const knownKeys = new Set<string>();
    const addKey = (name: string): void => void knownKeys.add(normalizeName(name));
    for (const t of historyTargets) t.names.forEach(addKey);
    for (const r of supplementary) [r.name, ...r.synonyms].forEach(addKey);
    for (const n of movedNames) addKey(n.name);
    for (const c of corpus) addKey(c.name);
    for await (const record of readCtdChemicalNames(ctdNamesFile, knownKeys)) yield emit(record);
  }
  for (const name of meshDiseaseNames) yield { kind: 'name', name };
  for (const name of movedNames) yield { kind: 'name', name };
  for (const entry of corpus) {
    const entityId = resolve(entry.curie);
    // Names belong to the entity: a chemical id annotated in a disease span still names a chemical.
    yield { kind: 'name', name: { entityId, type: known.get(entityId)!, name: entry.name, origin: 'annotation' } };
  }
}

/** MeSH history of the knowledge base in `kbDir` (empty without KB_FILES.meshOlderDescriptors). */
async function readHistory(
  kbDir: string,
  targets: readonly { id: string; names: string[] }[],
  supplementary: readonly EntityRecord[],
  corpus: readonly CorpusName[],
  currentIds: ReadonlySet<string>,
): Promise<MeshHistoryLink[]> {
  const olderFile = join(kbDir, KB_FILES.meshOlderDescriptors);
  if (!existsSync(olderFile)) return [];
  const olderDescriptorUis = new Set<string>();
  for await (const line of readTsvRows(olderFile, ['mesh_id', 'mesh_name'])) olderDescriptorUis.add(line.fields[0]!);
  const supplementaryNames = new Map<string, string[]>();
  const addName = (id: string, name: string): void => {
    const list = supplementaryNames.get(id) ?? [];
    if (!list.includes(name)) list.push(name);
    supplementaryNames.set(id, list);
  };
  for (const r of supplementary) for (const n of [r.name, ...r.synonyms]) addName(r.id, n);
  for (const c of corpus) if (c.curie.startsWith('MESH:C')) addName(c.curie, c.name);
  return deriveMeshHistory({ descriptors: targets, olderDescriptorUis, supplementaryNames, currentIds });
}

/** The MeSH history links of the knowledge base in `kbDir`: old id → current id (see readKnowledgeBase). */
export async function readKnowledgeBaseAliases(kbDir: string): Promise<EntityAlias[]> {
  const aliases: EntityAlias[] = [];
  for await (const item of readKnowledgeBase(kbDir)) if (item.kind === 'alias') aliases.push(item.alias);
  return aliases;
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
    if (item.kind === 'conflict' || item.kind === 'alias') continue;
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

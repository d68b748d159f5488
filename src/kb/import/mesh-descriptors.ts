import type { EntityRecord, EntityType } from '../../domain/index.js';
import { parentsFromTrees, type MeshTrees } from './mesh-trees.js';
import { formatError, readTsvRows } from './tsv-lines.js';

const HEADER = ['DescriptorUI', 'DescriptorName', 'ConceptUI', 'TermUI', 'TermName'];

/**
 * The source of the disease descriptors and entry terms read from MeSH 2024 (the chemical descriptors keep
 * 'mesh-2024'): a source of its own, so `vaner kb sources disable mesh-2024-diseases` gives back the MEDIC-only
 * diseases, whose concepts and ids match corpora annotated with MeSH 2015 (docs/knowledge-base.md, "MeSH 2024 diseases").
 */
export const MESH_2024_DISEASES_SOURCE = 'mesh-2024-diseases';

/**
 * The type a descriptor's tree numbers give it: D (Chemicals and Drugs) -> CHEMICAL; C (Diseases) and F03 (Mental
 * Disorders), the branches CTD MEDIC is built from -> DISEASE. A descriptor in D is a chemical whatever else it is
 * (the chemical import claims it first); other descriptors have no type here.
 */
export function meshDescriptorType(treeNumbers: readonly string[]): EntityType | undefined {
  if (treeNumbers.some((t) => t.startsWith('D'))) return 'CHEMICAL';
  if (treeNumbers.some((t) => t.startsWith('C') || t.startsWith('F03'))) return 'DISEASE';
  return undefined;
}

/** The chemical and the disease descriptors of the MeSH 2024 thesaurus (readMeshDescriptors). */
export interface MeshDescriptors {
  readonly chemicals: EntityRecord[];
  readonly diseases: EntityRecord[];
}

/**
 * Reads the MeSH 2024 thesaurus (`mesh2024-descriptor-thesaurus.tsv[.gz]`, one row per entry term) once and returns
 * an entity for every descriptor meshDescriptorType types, with all its entry terms as synonyms, its tree numbers and
 * parents derived from them (source 'mesh-2024' for chemicals, MESH_2024_DISEASES_SOURCE for diseases). Each list is
 * sorted by id.
 */
export async function readMeshDescriptors(file: string, trees: MeshTrees): Promise<MeshDescriptors> {
  const byId = new Map<string, { name: string; terms: string[]; type: EntityType }>();
  for await (const line of readTsvRows(file, HEADER)) {
    const [ui, name, , , term] = line.fields;
    if (ui === undefined || !/^D\d{6,9}$/.test(ui)) throw formatError(file, line.lineNumber, `invalid DescriptorUI '${ui ?? ''}'`);
    if (name === undefined || name.trim() === '' || term === undefined || term.trim() === '') {
      throw formatError(file, line.lineNumber, 'missing DescriptorName or TermName');
    }
    const type = meshDescriptorType(trees.treesByDescriptor.get(ui) ?? []);
    if (type === undefined) continue;
    const entry = byId.get(ui) ?? { name: name.trim(), terms: [], type };
    const t = term.trim();
    if (t !== entry.name && !entry.terms.includes(t)) entry.terms.push(t);
    byId.set(ui, entry);
  }
  const records = [...byId.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ui, { name, terms, type }]) => {
      const treeNumbers = trees.treesByDescriptor.get(ui) ?? [];
      return {
        id: `MESH:${ui}`,
        type,
        name,
        synonyms: terms,
        parentIds: parentsFromTrees(treeNumbers, trees.descriptorByTree),
        treeNumbers: [...treeNumbers],
        source: type === 'DISEASE' ? MESH_2024_DISEASES_SOURCE : 'mesh-2024',
      } satisfies EntityRecord;
    });
  return { chemicals: records.filter((r) => r.type === 'CHEMICAL'), diseases: records.filter((r) => r.type === 'DISEASE') };
}

/** The CHEMICAL descriptors (tree D) of the thesaurus: readMeshDescriptors(file, trees).chemicals. */
export async function readMeshChemicalDescriptors(file: string, trees: MeshTrees): Promise<EntityRecord[]> {
  return (await readMeshDescriptors(file, trees)).chemicals;
}

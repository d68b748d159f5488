import type { EntityRecord } from '../../domain/index.js';
import { parentsFromTrees, type MeshTrees } from './mesh-trees.js';
import { formatError, readTsvRows } from './tsv-lines.js';

const HEADER = ['DescriptorUI', 'DescriptorName', 'ConceptUI', 'TermUI', 'TermName'];

/**
 * Reads the MeSH 2024 thesaurus (`mesh2024-descriptor-thesaurus.tsv[.gz]`, one row per entry term)
 * and returns a CHEMICAL entity for every descriptor with a tree number in D (Chemicals and Drugs),
 * with all its entry terms as synonyms, its tree numbers and parents derived from them. Other
 * descriptors (diseases come from CTD MEDIC) are skipped. Output is sorted by id.
 */
export async function readMeshChemicalDescriptors(file: string, trees: MeshTrees): Promise<EntityRecord[]> {
  const byId = new Map<string, { name: string; terms: string[] }>();
  for await (const line of readTsvRows(file, HEADER)) {
    const [ui, name, , , term] = line.fields;
    if (ui === undefined || !/^D\d{6,9}$/.test(ui)) throw formatError(file, line.lineNumber, `invalid DescriptorUI '${ui ?? ''}'`);
    if (name === undefined || name.trim() === '' || term === undefined || term.trim() === '') {
      throw formatError(file, line.lineNumber, 'missing DescriptorName or TermName');
    }
    const treeNumbers = trees.treesByDescriptor.get(ui);
    if (treeNumbers === undefined || !treeNumbers.some((t) => t.startsWith('D'))) continue;
    const entry = byId.get(ui) ?? { name: name.trim(), terms: [] };
    const t = term.trim();
    if (t !== entry.name && !entry.terms.includes(t)) entry.terms.push(t);
    byId.set(ui, entry);
  }
  return [...byId.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ui, { name, terms }]) => {
      const treeNumbers = trees.treesByDescriptor.get(ui) ?? [];
      return {
        id: `MESH:${ui}`,
        type: 'CHEMICAL',
        name,
        synonyms: terms,
        parentIds: parentsFromTrees(treeNumbers, trees.descriptorByTree),
        treeNumbers: [...treeNumbers],
        source: 'mesh-2024',
      } satisfies EntityRecord;
    });
}

import type { EntityRecord } from '../../domain/index.js';
import { formatError, readTsvRows } from './tsv-lines.js';

const HEADER = ['mesh_id', 'name', 'sources'];

/**
 * Reads the MeSH-keyed chemical name merge (`mesh-chemical-names-merged.tsv[.gz]`: mesh_id, name,
 * sources, descriptor_in_D_tree) and returns a CHEMICAL entity for every supplementary record
 * (`MESH:C…`). The first name listed for an id is its preferred name (the file lists the canonical
 * label first); the rest become synonyms. Descriptor rows (`MESH:D…`) are skipped: the thesaurus
 * names those. Output is sorted by id.
 */
export async function readMeshSupplementaryChemicals(file: string): Promise<EntityRecord[]> {
  const byId = new Map<string, string[]>();
  for await (const line of readTsvRows(file, HEADER)) {
    const [id, name] = line.fields;
    if (id === undefined || !/^MESH:[CD]\d{6,9}$/.test(id)) throw formatError(file, line.lineNumber, `invalid mesh_id '${id ?? ''}'`);
    if (name === undefined || name.trim() === '') throw formatError(file, line.lineNumber, 'empty name');
    if (!id.startsWith('MESH:C')) continue;
    const names = byId.get(id) ?? [];
    const n = name.trim();
    if (!names.includes(n)) names.push(n);
    byId.set(id, names);
  }
  return [...byId.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, [name, ...synonyms]]) => ({
      id,
      type: 'CHEMICAL',
      name: name!,
      synonyms,
      parentIds: [],
      treeNumbers: [],
      source: 'mesh-supplementary',
    }) satisfies EntityRecord);
}

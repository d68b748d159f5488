import { formatError, readTsvRows } from './tsv-lines.js';

/** MeSH descriptor tree locations, both ways. */
export interface MeshTrees {
  /** DescriptorUI (D000001) -> its tree numbers, file order. */
  readonly treesByDescriptor: ReadonlyMap<string, readonly string[]>;
  /** Tree number -> DescriptorUI. */
  readonly descriptorByTree: ReadonlyMap<string, string>;
}

const HEADER = ['DescriptorUI', 'DescriptorName', 'tree_location'];
const TREE_NUMBER = /^[A-Z]\d{2}(?:\.\d{3})*$/;

/** Reads `mesh2024-trees.tsv[.gz]`: DescriptorUI, DescriptorName, tree_location, code, … (header row). */
export async function readMeshTrees(file: string): Promise<MeshTrees> {
  const treesByDescriptor = new Map<string, string[]>();
  const descriptorByTree = new Map<string, string>();
  for await (const line of readTsvRows(file, HEADER)) {
    const [ui, , tree] = line.fields;
    if (ui === undefined || !/^D\d{6,9}$/.test(ui)) throw formatError(file, line.lineNumber, `invalid DescriptorUI '${ui ?? ''}'`);
    if (tree === undefined || !TREE_NUMBER.test(tree)) throw formatError(file, line.lineNumber, `invalid tree number '${tree ?? ''}'`);
    const list = treesByDescriptor.get(ui) ?? [];
    if (!list.includes(tree)) list.push(tree);
    treesByDescriptor.set(ui, list);
    descriptorByTree.set(tree, ui);
  }
  return { treesByDescriptor, descriptorByTree };
}

/** Parent descriptors from tree numbers: the descriptor at each tree number minus its last segment. */
export function parentsFromTrees(trees: readonly string[], descriptorByTree: ReadonlyMap<string, string>): string[] {
  const parents = new Set<string>();
  for (const tree of trees) {
    const cut = tree.lastIndexOf('.');
    if (cut < 0) continue;
    const parent = descriptorByTree.get(tree.slice(0, cut));
    if (parent !== undefined) parents.add(`MESH:${parent}`);
  }
  return [...parents].sort();
}

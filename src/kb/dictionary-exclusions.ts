import { join } from 'node:path';
import { readMeshTrees } from './import/mesh-trees.js';
import { KB_FILES } from './knowledge-base-source.js';
import { readLearnedStopNames } from './learned-stop-names.js';

/**
 * MeSH branches whose descriptors name classes rather than chemical mentions in the sense of the
 * BC5CDR/CTD annotation guidelines (proteins, enzymes, nucleic acids, biological factors, and the
 * 'Chemical Actions and Uses' pharmacological classes such as 'analgesic' or 'adrenergic'). Chosen by
 * branch, measured on BC5CDR development (each branch lowered chemical false positives). They stay
 * in the KB for linking; the dictionary labeler just does not propose them as spans.
 */
export const DEFAULT_EXCLUDED_BRANCHES: readonly string[] = ['D08.811', 'D12.776', 'D13.444', 'D23', 'D27'];

/**
 * Ids (`MESH:D…`) of chemical descriptors whose every D tree number lies under one of `branches`
 * (a descriptor that is also, say, an organic chemical elsewhere in D stays matchable).
 */
export async function readDictionaryExclusions(kbDir: string, branches: readonly string[] = DEFAULT_EXCLUDED_BRANCHES): Promise<Set<string>> {
  const { treesByDescriptor } = await readMeshTrees(join(kbDir, KB_FILES.meshTrees));
  const under = (tree: string): boolean => branches.some((b) => tree === b || tree.startsWith(`${b}.`));
  const out = new Set<string>();
  for (const [ui, trees] of treesByDescriptor) {
    const chemical = trees.filter((t) => t.startsWith('D'));
    if (chemical.length > 0 && chemical.every(under)) out.add(`MESH:${ui}`);
  }
  return out;
}

/**
 * The dictionary options a vocabulary folder carries: the MeSH-branch exclusions and the stop names learned from the
 * training corpora (kb/learned-stop-names.ts). Every dictionary built over a folder takes both, so the `dictionary`
 * labeler, the model's knowledge matcher and the training-time matcher (training/scripts/knowledge-spans.mjs) agree.
 */
export async function readDictionaryRules(kbDir: string): Promise<{ excludeEntityIds: Set<string>; stopNamesByType: Set<string> }> {
  return { excludeEntityIds: await readDictionaryExclusions(kbDir), stopNamesByType: await readLearnedStopNames(kbDir) };
}

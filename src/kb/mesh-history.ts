/**
 * MeSH history: supplementary concept ids (`MESH:C…`) that a later MeSH release replaced with a new
 * descriptor (`MESH:D…`). NLM turns a supplementary record into a descriptor when a substance gets
 * its own heading (ropivacaine: C037663 until 2020, D000077212 since); literature annotated with the
 * older release (BC5CDR, CTD) then disagrees with a knowledge base built from the current one.
 *
 * The shipped data holds no explicit old → new table, so the mapping is derived from what it does
 * hold (method and coverage in docs/knowledge-base.md):
 * - the current descriptors with all their entry terms (MeSH 2024 thesaurus, CTD MEDIC);
 * - which descriptors already existed in MeSH 2015 (those cannot be promoted records);
 * - names given to supplementary ids by the shipped name files and the corpus annotations.
 * An old id maps to a descriptor that is NEWER than MeSH 2015 when one of its names equals (case,
 * Greek letters, hyphens, plurals folded) that descriptor's preferred name or an entry term, and
 * exactly one such descriptor exists. Ids the current release still holds are never remapped.
 */
import { foldedKey, normalizeName } from './normalize.js';

/** Comparison key of a name: normalizeName (case, Greek letters, hyphens, plurals), or the case fold when that is empty. */
const keyOf = (name: string): string => normalizeName(name) || foldedKey(name);

/** One derived history link. */
export interface MeshHistoryLink {
  /** The old supplementary id, e.g. MESH:C037663. */
  readonly oldId: string;
  /** The current descriptor, e.g. MESH:D000077212. */
  readonly currentId: string;
  /** The name shared by both (evidence). */
  readonly name: string;
}

export interface MeshHistoryInput {
  /** Current descriptors (MESH:D…) with every name. */
  readonly descriptors: Iterable<{ readonly id: string; readonly names: readonly string[] }>;
  /** Descriptor UIs (D…, no prefix) of the older release; they are never targets. */
  readonly olderDescriptorUis: ReadonlySet<string>;
  /** Supplementary ids (MESH:C…) with the names the shipped files give them. */
  readonly supplementaryNames: ReadonlyMap<string, readonly string[]>;
  /** Ids the current release holds as concepts of their own: never mapped away. */
  readonly currentIds: ReadonlySet<string>;
}

/** Derives the history links (see the module comment); sorted by old id, deterministic. */
export function deriveMeshHistory(input: MeshHistoryInput): MeshHistoryLink[] {
  const byKey = new Map<string, Set<string>>();
  for (const { id, names } of input.descriptors) {
    if (!/^MESH:D\d+$/.test(id) || input.olderDescriptorUis.has(id.slice(5))) continue;
    for (const name of names) {
      const key = keyOf(name);
      if (key === '') continue;
      const set = byKey.get(key) ?? new Set<string>();
      set.add(id);
      byKey.set(key, set);
    }
  }
  const links: MeshHistoryLink[] = [];
  for (const [oldId, names] of [...input.supplementaryNames.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!/^MESH:C\d+$/.test(oldId) || input.currentIds.has(oldId)) continue;
    const targets = new Map<string, string>();
    for (const name of names) for (const id of byKey.get(keyOf(name)) ?? []) if (!targets.has(id)) targets.set(id, name);
    if (targets.size !== 1) continue;
    const [[currentId, name]] = [...targets.entries()] as [[string, string]];
    links.push({ oldId, currentId, name });
  }
  return links;
}

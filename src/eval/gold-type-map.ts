/**
 * Renaming gold mention types before scoring, for corpora whose types the labeler reports under another name.
 * JNLPBA annotates `protein`, which the CoNLL reader keeps as PROTEIN; VANER labels proteins as GENE (the labeler
 * issue: "protein → GENE"), so scoring PROTEIN gold against GENE predictions would count every protein twice
 * (a false negative and a false positive) and score GENE not at all. Pure: no I/O.
 */
import type { EntityType } from '../domain/index.js';

/** Gold type → the type it is scored as. Types not listed keep their own. */
export type GoldTypeMap = ReadonlyMap<EntityType, EntityType>;

/**
 * The renaming `vaner eval ner` applies when none is given: PROTEIN → GENE when the labeler labels GENE and not
 * PROTEIN (VANER's types); empty otherwise, so a labeler that does report PROTEIN is scored on PROTEIN.
 */
export function defaultGoldTypeMap(labelerTypes: readonly EntityType[]): GoldTypeMap {
  return labelerTypes.includes('GENE') && !labelerTypes.includes('PROTEIN') ? new Map([['PROTEIN', 'GENE']]) : new Map();
}

/** The gold mentions with their types renamed by `map`, and how many of each type were renamed. */
export function mapGoldTypes<S extends { readonly type: EntityType }>(spans: readonly S[], map: GoldTypeMap, counts: Map<EntityType, number>): S[] {
  if (map.size === 0) return [...spans];
  return spans.map((span) => {
    const to = map.get(span.type);
    if (to === undefined || to === span.type) return span;
    counts.set(span.type, (counts.get(span.type) ?? 0) + 1);
    return { ...span, type: to };
  });
}

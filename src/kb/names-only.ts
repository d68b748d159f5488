/**
 * Names-only entities: names that come without an identifier, kept as entities so the dictionary labeler and the
 * VANER model's knowledge input recognise them. The linkers never link a mention to one (src/kb/entity-linker.ts,
 * exact-linker.ts), so a mention found only through such a name stays explicitly unlinked rather than getting an id
 * no other resource knows. A curator who merges one into an entity with a real id makes its name a name of that
 * entity, which the linkers then use. The id prefix alone says it: no store port or schema knows about them.
 *
 * - `CTDNAME:<line>`: CTD's 2015 chemical names without ids (src/kb/import/ctd-chemical-names.ts).
 * - `CORPUSNAME:<n>`: mention texts of training annotations of corpora without concept ids
 *   (scripts/build-annotation-names.mjs; data/kb/training-annotation-names.tsv.gz, a bundled vocabulary, holds the
 *   LINNAEUS species names, and the script also builds BC2GM and JNLPBA names for a user to import).
 */
export const NAMES_ONLY_ID_PREFIXES: readonly string[] = ['CTDNAME:', 'CORPUSNAME:'];

/** True when `id` is a names-only entity: recognised, never linked to. */
export function isNamesOnlyId(id: string): boolean {
  return NAMES_ONLY_ID_PREFIXES.some((prefix) => id.startsWith(prefix));
}

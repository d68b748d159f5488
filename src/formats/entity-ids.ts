/**
 * Identifier columns of PubTator files ↔ our CURIEs.
 *
 * PubTator writes MeSH ids bare (`D008012`, supplementary `C000081`) and other vocabularies with a
 * prefix (`OMIM:612345`); `-1` means "annotated but not linked"; composite mentions list several ids
 * separated by `|` (BC5CDR) or `+` (NCBI disease).
 */

const MESH_LOCAL = /^[CD]\d+$/;
const SPLITTABLE_PART = /^(?:-1|(?:MESH:)?[CD]\d+|OMIM:\d+)$/;

/**
 * Parses an id column into CURIEs. Bare MeSH ids gain `MESH:`; `-1` parts are dropped (an unlinked
 * component carries no id). The column is split on `|`/`+` only when every part is a MeSH/OMIM id or
 * `-1`: other vocabularies use `|` inside one id (tmVar `p|SUB|V|600|E`), which must stay whole.
 */
export function parsePubTatorIds(column: string): string[] {
  const value = column.trim();
  if (value === '' || value === '-1') return [];
  const parts = value.split(/[|+]/).map((p) => p.trim());
  if (parts.length > 1 && !parts.every((p) => SPLITTABLE_PART.test(p))) return [toCurie(value)];
  return parts.filter((p) => p !== '-1' && p !== '').map(toCurie);
}

function toCurie(id: string): string {
  return MESH_LOCAL.test(id) ? `MESH:${id}` : id;
}

/** Renders CURIEs as a PubTator id column: `MESH:` is dropped (as PubTator does), others kept whole, none → `-1`. */
export function formatPubTatorIds(ids: readonly string[]): string {
  if (ids.length === 0) return '-1';
  return ids.map((id) => (id.startsWith('MESH:') ? id.slice('MESH:'.length) : id)).join('|');
}

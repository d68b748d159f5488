/**
 * The lookup key of a name in the store: Unicode NFKC, lower case, runs of whitespace collapsed.
 * Deliberately mild (no punctuation stripping) so search stays predictable; the linker applies its
 * own, stronger normalisation on top of the names it streams.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

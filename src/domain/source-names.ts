/**
 * Knowledge-base source names: what `vaner kb sources` lists and `vaner kb import --source` takes.
 * Lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters.
 */
export const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function isSourceName(value: unknown): value is string {
  return typeof value === 'string' && SOURCE_NAME.test(value);
}

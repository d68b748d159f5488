/**
 * Checks every ID and String argument of every field before its resolver runs (applied by
 * authorization.ts, in the same schema walk): a length cap, and no control characters, bidi
 * overrides or lone surrogates. Ids, prefixes, queries and cursors never legitimately contain them,
 * and refusing them up front keeps terminal escapes and log-line forgery out of the store and logs.
 * Document texts are input-object fields, not arguments, and keep their tabs and newlines.
 */
import { VanerError } from '../errors.js';

/** Longest ID argument (entity CURIEs, document, job and key ids are far shorter). */
export const MAX_ID_CHARS = 256;
/** Longest String argument (search queries, externalId prefixes, cursors, owners). */
export const MAX_STRING_CHARS = 1024;

const FORBIDDEN = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/** BAD_USER_INPUT naming the argument when a string value breaks the rules; other values pass. */
export function checkStringArgument(argument: string, scalar: 'ID' | 'String', value: unknown): void {
  if (typeof value !== 'string') return;
  const max = scalar === 'ID' ? MAX_ID_CHARS : MAX_STRING_CHARS;
  if (value.length > max) {
    throw new VanerError('BAD_USER_INPUT', `${argument} is longer than ${max} characters`, { details: { field: argument, max } });
  }
  if (FORBIDDEN.test(value)) {
    throw new VanerError('BAD_USER_INPUT', `${argument} contains control or invisible formatting characters`, { details: { field: argument } });
  }
}

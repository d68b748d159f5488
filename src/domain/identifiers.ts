/**
 * The one rule for identifiers (document externalIds and every ID the API accepts, alone or in a
 * list) and the test for a text that shows nothing. Pure functions: the API, the submit use case and
 * both stores apply the same rule, so an id that was accepted once can always be looked up, listed,
 * logged and exported.
 *
 * An identifier is 1 to 256 UTF-16 code units with no control character (NUL, tab, line breaks, ESC
 * and the C1 range), no invisible formatting character (bidi overrides and isolates, zero-width
 * characters, byte-order marks, line and paragraph separators), no lone surrogate, no `|` (the
 * PubTator field separator) and no leading or trailing whitespace.
 */

/** Longest identifier (entity CURIEs, PMIDs, DOIs and generated ids are far shorter). */
export const MAX_IDENTIFIER_CHARS = 256;

// \p{Cc}: C0, DEL and C1 controls (NUL, tab, CR, LF, ESC...); \p{Cf}: format characters (bidi
// embeddings, overrides and isolates, ZWSP/ZWJ/ZWNJ, soft hyphen, BOM...); \p{Zl}\p{Zp}: U+2028/9.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why `value` is not a valid identifier, as a sentence about `field`; null when it is one. With
 * `prefix`, `value` is the start of identifiers (a filter): it may be empty or end with a space.
 */
export function identifierProblem(field: string, value: string, options: { readonly prefix?: boolean } = {}): string | null {
  if (value.length === 0) return options.prefix ? null : `${field} must not be empty`;
  if (value.length > MAX_IDENTIFIER_CHARS) return `${field} is longer than ${MAX_IDENTIFIER_CHARS} characters`;
  if (LONE_SURROGATE.test(value)) return `${field} is not valid Unicode (it contains a lone UTF-16 surrogate)`;
  if (INVISIBLE.test(value)) return `${field} contains control or invisible formatting characters`;
  if (value.includes('|')) return `${field} must not contain "|"`;
  if (options.prefix ? value.trimStart() !== value : value.trim() !== value) return `${field} must not start or end with whitespace`;
  return null;
}

/**
 * A character a reader sees: not whitespace, not a control, format, surrogate, private-use or
 * unassigned code point, not default-ignorable (U+3164 HANGUL FILLER, variation selectors...), and
 * not a combining mark on its own.
 */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{M}\p{Default_Ignorable_Code_Point}\u2800]/u;

/** Whether `text` holds at least one visible character (texts that do not are EMPTY_TEXT). */
export function hasVisibleCharacter(text: string): boolean {
  return VISIBLE.test(text);
}

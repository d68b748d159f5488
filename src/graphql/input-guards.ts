/**
 * Checks every ID and String argument of every field before its resolver runs (applied by
 * authorization.ts, in the same schema walk), list elements included. Two rules:
 *
 * - identifiers (ID arguments, and the String arguments that hold document externalIds) follow the
 *   one identifier rule of src/domain/identifiers.ts: 1-256 characters, no control or invisible
 *   formatting characters, no `|`, no surrounding whitespace (an externalId prefix may be empty);
 * - other strings (search queries, cursors, owners) are at most 1024 characters with no control or
 *   bidi characters and no lone surrogates.
 *
 * Refusing them up front keeps terminal escapes and log-line forgery out of the store and logs, and
 * ids that could never be looked up or exported out of the store. Document texts are input-object
 * fields, not arguments, and keep their tabs and newlines (submit-documents.ts checks their
 * externalIds with the same identifier rule).
 */
import { identifierProblem } from '../domain/index.js';
import { VanerError } from '../errors.js';

/** Longest String argument (search queries, externalId prefixes, cursors, owners). */
export const MAX_STRING_CHARS = 1024;

/** How an argument is checked. */
export type ArgumentRule = 'identifier' | 'identifierPrefix' | 'string';

/** String arguments that hold document externalIds (or their prefixes): checked as identifiers. */
const IDENTIFIER_STRING_ARGUMENTS: Readonly<Record<string, ArgumentRule>> = {
  externalId: 'identifier',
  externalIds: 'identifier',
  externalIdPrefix: 'identifierPrefix',
};

/** The rule for an argument of scalar type `scalar` named `name`. */
export function argumentRule(name: string, scalar: 'ID' | 'String'): ArgumentRule {
  if (scalar === 'ID') return 'identifier';
  return IDENTIFIER_STRING_ARGUMENTS[name] ?? 'string';
}

const FORBIDDEN = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

function problem(field: string, rule: ArgumentRule, value: string): string | null {
  if (rule !== 'string') return identifierProblem(field, value, { prefix: rule === 'identifierPrefix' });
  if (value.length > MAX_STRING_CHARS) return `${field} is longer than ${MAX_STRING_CHARS} characters`;
  if (FORBIDDEN.test(value)) return `${field} contains control or invisible formatting characters`;
  return null;
}

/**
 * BAD_USER_INPUT naming the argument (and the list index) when a string value, or a string element
 * of a list value, breaks `rule`; other values pass.
 */
export function checkArgument(argument: string, rule: ArgumentRule, value: unknown): void {
  const fail = (field: string, message: string): never => {
    throw new VanerError('BAD_USER_INPUT', message, { details: { field } });
  };
  if (typeof value === 'string') {
    const why = problem(argument, rule, value);
    if (why !== null) fail(argument, why);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item !== 'string') return;
      const field = `${argument}[${i}]`;
      const why = problem(field, rule, item);
      if (why !== null) fail(field, why);
    });
  }
}

/** The rule for key owner names: they end up in listings and in the curation audit trail. */
import { VanerError } from '../errors.js';

export const MAX_OWNER_CHARS = 100;

// Control and format characters (newlines, bidi overrides, zero-width marks) would let an owner
// name forge or hide lines in listings and audit records.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The trimmed owner; BAD_USER_INPUT for an empty, overlong or unprintable one. */
export function checkOwner(owner: string, field = 'owner'): string {
  const trimmed = owner.trim();
  if (trimmed === '' || trimmed.length > MAX_OWNER_CHARS || UNPRINTABLE.test(trimmed)) {
    throw new VanerError('BAD_USER_INPUT', `${field} must be 1 to ${MAX_OWNER_CHARS} printable characters`, { details: { field } });
  }
  return trimmed;
}

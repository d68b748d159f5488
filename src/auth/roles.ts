/**
 * Roles of API keys, ordered: each includes every role before it
 * (a curator may do what a submitter and a reader may do).
 */
import { VanerError } from '../errors.js';

export const ROLES = ['reader', 'submitter', 'curator', 'admin'] as const;

export type Role = (typeof ROLES)[number];

/** True when `have` includes `need` (same or higher in {@link ROLES}). */
export function roleIncludes(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Parses a role name (case-insensitive); BAD_USER_INPUT naming `field` and the allowed values otherwise. */
export function parseRole(value: string, field = 'role'): Role {
  const lower = value.trim().toLowerCase();
  if (!(ROLES as readonly string[]).includes(lower)) {
    throw new VanerError('BAD_USER_INPUT', `${field} must be one of ${ROLES.join(', ')}, got ${JSON.stringify(value)}`, { details: { field } });
  }
  return lower as Role;
}

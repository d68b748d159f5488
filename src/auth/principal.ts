/**
 * Who is making a request: an API key's identity, or an anonymous caller. Carried in the GraphQL
 * context so authorisation and the curation audit trail (the store's `actor`) use the same identity.
 */
import type { Role } from './roles.js';

export interface Principal {
  /** The API key's id; null for anonymous callers. */
  readonly keyId: string | null;
  /** The key's owner (recorded as `actor` by curation); 'anonymous' without a key. */
  readonly owner: string;
  /** The key's role; for anonymous callers 'reader' when anonymous reads are allowed, else null. */
  readonly role: Role | null;
}

export const ANONYMOUS_OWNER = 'anonymous';

/** The principal of a request without a key. */
export function anonymousPrincipal(allowRead: boolean): Principal {
  return { keyId: null, owner: ANONYMOUS_OWNER, role: allowRead ? 'reader' : null };
}

/**
 * The API key store port: create, list, revoke and verify keys. The embedded implementation is
 * sqlite-key-store.ts; only hashes are stored, so a created key's token is returned exactly once.
 */
import type { Principal } from './principal.js';
import type { Role } from './roles.js';

/** How a key came to be: `vaner keys create`, the createApiKey mutation, or the first-start admin key. */
export type KeyOrigin = 'cli' | 'api' | 'bootstrap';

export interface ApiKeyInfo {
  readonly id: string;
  readonly owner: string;
  readonly role: Role;
  readonly origin: KeyOrigin;
  /** Owner of the admin key that created it (API), or null (CLI, bootstrap). */
  readonly createdBy: string | null;
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601; null while the key is active. */
  readonly revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKeyInfo {
  /** The bearer token `vk_<id>_<secret>`; shown once, never stored. */
  readonly key: string;
}

export interface CreateKeyInput {
  readonly owner: string;
  readonly role: Role;
  readonly origin: KeyOrigin;
  /** @defaultValue null */
  readonly createdBy?: string | null;
}

export interface ApiKeyStore {
  /** BAD_USER_INPUT for an empty, overlong (> 100) or control-character owner. */
  create(input: CreateKeyInput): Promise<CreatedApiKey>;
  /**
   * Creates an admin key with origin 'bootstrap' only when no key (active or revoked) has ever
   * existed, atomically across processes; null otherwise. The stored row records that it was issued.
   */
  createFirstAdminKey(): Promise<CreatedApiKey | null>;
  /** Every key, oldest first. */
  list(): Promise<ApiKeyInfo[]>;
  /** Revokes a key (idempotent: revoking again keeps the first revokedAt). NOT_FOUND for an unknown id. */
  revoke(id: string): Promise<ApiKeyInfo>;
  /** The principal of a bearer token; UNAUTHENTICATED for a malformed, unknown or revoked token. */
  verify(token: string): Promise<Principal>;
  close(): Promise<void>;
}

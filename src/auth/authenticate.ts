/** Turns an HTTP Authorization header into a {@link Principal}. */
import { VanerError } from '../errors.js';
import type { ApiKeyStore } from './key-store.js';
import { anonymousPrincipal, type Principal } from './principal.js';

export interface AuthenticateOptions {
  readonly keys: ApiKeyStore;
  /** Whether callers without a key may read. */
  readonly anonymousRead: boolean;
}

/**
 * No header: the anonymous principal. `Bearer <token>`: the key's principal. Anything else (another
 * scheme, an empty, malformed, unknown or revoked token) is UNAUTHENTICATED: a client that sent a
 * credential meant to use it, so falling back to anonymous would hide its mistake.
 */
export async function authenticate(header: string | undefined, options: AuthenticateOptions): Promise<Principal> {
  if (header === undefined) return anonymousPrincipal(options.anonymousRead);
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  if (!match) throw new VanerError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <API key>"');
  return options.keys.verify(match[1]!);
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/** True for hosts that only accept connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Resolves VANER_ANONYMOUS_READ: 'auto' allows anonymous reads only when the API listens on a
 * loopback address (a newcomer's local instance just works; an exposed one requires keys).
 */
export function anonymousReadEnabled(setting: 'auto' | 'true' | 'false', host: string): boolean {
  return setting === 'auto' ? isLoopbackHost(host) : setting === 'true';
}

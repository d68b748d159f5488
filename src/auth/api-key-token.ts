/**
 * The API key token format and its keyed hash.
 *
 * A token is `vk_<id>_<secret>`: `id` is 16 hex characters (64 random bits) used to look the key up,
 * `secret` 64 hex characters (256 random bits). Hex, not base64url, because base64url contains `_`,
 * the separator. Only HMAC-SHA256(serverSecret, id + "." + secret) is stored.
 *
 * Why HMAC-SHA256 and not scrypt/argon2: slow hashes exist to make guessing low-entropy passwords
 * expensive. A 256-bit random secret cannot be guessed at any hash speed, so a slow hash would only
 * cost CPU on every request (and hand attackers a cheap way to burn it). Keying the hash with a
 * server secret kept outside the database means a copy of the database alone cannot even confirm a
 * candidate key. The id prefix gives an indexed lookup, and the comparison is constant-time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN = /^vk_([0-9a-f]{16})_([0-9a-f]{64})$/;

/** Key ids as they appear in tokens, listings and `revoke`. */
export const KEY_ID = /^[0-9a-f]{16}$/;

export interface ParsedToken {
  readonly id: string;
  readonly secret: string;
}

/** A new random token with its parts. */
export function generateToken(): { id: string; secret: string; token: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('hex');
  return { id, secret, token: `vk_${id}_${secret}` };
}

/** The parts of a well-formed token, or null. */
export function parseToken(token: string): ParsedToken | null {
  const match = TOKEN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

/** The stored form of a key: HMAC-SHA256 over id and secret with the server secret. */
export function hashSecret(serverSecret: Buffer, id: string, secret: string): Buffer {
  return createHmac('sha256', serverSecret).update(`${id}.${secret}`, 'utf8').digest();
}

/** Constant-time comparison of two hashes (false for different lengths). */
export function hashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

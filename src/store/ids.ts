/**
 * Time-ordered identifiers (ULID layout: 48-bit millisecond time + 80 random bits, Crockford base32).
 * Sorting ids sorts by creation time, which gives stable, meaningful keyset pagination for free.
 * Monotonic within one process: ids created in the same millisecond increment the random part.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = -1;
let lastRandom = 0n;

function encode(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value & 31n)]! + out;
    value >>= 5n;
  }
  return out;
}

/** A new id like `doc_01J...` (prefix + '_' + 26 characters). */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now === lastTime) {
    lastRandom = (lastRandom + 1n) & ((1n << 80n) - 1n);
  } else {
    lastTime = now;
    lastRandom = BigInt('0x' + randomBytes(10).toString('hex')) & ((1n << 79n) - 1n);
  }
  return `${prefix}_${encode(BigInt(now), 10)}${encode(lastRandom, 16)}`;
}

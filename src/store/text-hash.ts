import { createHash } from 'node:crypto';

/**
 * sha256 (hex) of title + U+0000 + text. The NUL separator keeps ("ab", "c") and ("a", "bc") apart;
 * a missing title hashes like an empty one.
 */
export function documentTextHash(title: string | null | undefined, text: string): string {
  return createHash('sha256').update(`${title ?? ''}\u0000${text}`, 'utf8').digest('hex');
}

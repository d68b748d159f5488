/**
 * Opaque keyset cursors: base64url of a JSON array whose first element names the list it belongs
 * to, so a cursor from one list is rejected by another instead of silently paging wrongly.
 */
import { VanerError } from '../errors.js';

export type CursorValue = string | number;

export function encodeCursor(list: string, values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify([list, ...values]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} for `list` with values of the given kinds.
 * Throws VanerError('BAD_USER_INPUT') for anything else.
 */
export function decodeCursor(list: string, cursor: string, kinds: readonly ('string' | 'number')[]): CursorValue[] {
  const invalid = (): VanerError => new VanerError('BAD_USER_INPUT', 'invalid pagination cursor', { details: { field: 'after' } });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length + 1 || parsed[0] !== list) throw invalid();
  const values = parsed.slice(1) as unknown[];
  values.forEach((v, i) => {
    if (typeof v !== kinds[i] || (typeof v === 'number' && !Number.isFinite(v))) throw invalid();
  });
  return values as CursorValue[];
}

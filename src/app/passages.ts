/**
 * Passages sent with a document (`DocumentInput.passages`): validated against the text and stored as
 * `metadata.passages` (the layout the exporters read, src/formats/bioc-model.ts StoredPassage).
 */
import type { ErrorCode } from '../errors.js';

export interface PassageInput {
  readonly offset: number;
  readonly length: number;
  readonly type?: string | null;
}

/**
 * Most passages one document may have. A PubMed abstract has a few, a PMC full text a few hundred;
 * the bound keeps a request from storing (and every export from rebuilding) tens of thousands.
 */
export const MAX_PASSAGES = 1000;
/** Longest passage type (`title`, `abstract`, `front`, `paragraph`, `table_caption`...). */
export const MAX_PASSAGE_TYPE_CHARS = 64;

const TYPE_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The first problem with the passages of a document whose text is `text`, or null. */
export function checkPassages(passages: readonly PassageInput[] | null | undefined, text: string): { code: ErrorCode; message: string } | null {
  if (passages === null || passages === undefined) return null;
  if (passages.length > MAX_PASSAGES) {
    return { code: 'BAD_USER_INPUT', message: `${passages.length} passages; the limit is ${MAX_PASSAGES}` };
  }
  let end = 0;
  for (const [i, p] of passages.entries()) {
    if (!Number.isInteger(p.offset) || !Number.isInteger(p.length) || p.offset < end || p.length < 0 || p.offset + p.length > text.length) {
      return { code: 'BAD_USER_INPUT', message: `passages[${i}] (offset ${p.offset}, length ${p.length}) must lie inside text, after the previous passage` };
    }
    if (typeof p.type === 'string' && (p.type.length > MAX_PASSAGE_TYPE_CHARS || TYPE_FORBIDDEN.test(p.type))) {
      return { code: 'BAD_USER_INPUT', message: `passages[${i}].type must be at most ${MAX_PASSAGE_TYPE_CHARS} characters without control or invisible formatting characters` };
    }
    end = p.offset + p.length;
  }
  return null;
}

/** The metadata stored for a document with these passages (null without passages). */
export function passagesMetadata(passages: readonly PassageInput[] | null | undefined): Record<string, unknown> | null {
  if (passages === null || passages === undefined || passages.length === 0) return null;
  return { passages: passages.map((p) => ({ offset: p.offset, length: p.length, infons: p.type ? { type: p.type } : {} })) };
}

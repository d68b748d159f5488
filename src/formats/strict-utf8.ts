import { utf8Error } from './format-error.js';

const BOM = '\ufeff';

/**
 * Decodes a whole file's bytes as strict UTF-8 (a leading BOM is dropped). On invalid bytes the error
 * names the 1-based line holding the first bad byte, found by decoding line by line only on failure.
 */
export function decodeUtf8Strict(bytes: Buffer, file: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return text.startsWith(BOM) ? text.slice(1) : text;
  } catch (error) {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let line = 1;
    let from = 0;
    for (;;) {
      const at = bytes.indexOf(0x0a, from);
      const end = at === -1 ? bytes.length : at;
      try {
        decoder.decode(bytes.subarray(from, end));
      } catch {
        throw utf8Error(file, line, error);
      }
      if (at === -1) break;
      from = at + 1;
      line += 1;
    }
    throw utf8Error(file, line, error);
  }
}

/**
 * For a streamed chunk that failed to decode: how many line feeds come before the line holding its first invalid
 * byte, so a streaming reader can name that line (its line count at the chunk's start + this) instead of the line
 * where the chunk began (up to 64 KiB earlier). Up to three leading continuation bytes may finish a character
 * begun in the previous chunk, and the last line may end inside a character the next chunk finishes; neither
 * counts as invalid here. 0 when no line of the chunk is invalid on its own (the bad sequence spans the boundary).
 */
export function newlinesBeforeBadUtf8(bytes: Uint8Array): number {
  let from = 0;
  while (from < 3 && from < bytes.length && ((bytes[from] as number) & 0xc0) === 0x80) from += 1;
  for (let newlines = 0; ; newlines += 1) {
    const at = bytes.indexOf(0x0a, from);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(from, at === -1 ? bytes.length : at), { stream: at === -1 });
    } catch {
      return newlines;
    }
    if (at === -1) return 0;
    from = at + 1;
  }
}

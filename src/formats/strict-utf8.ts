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

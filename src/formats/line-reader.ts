/**
 * Streams a (possibly gzipped) file as decoded lines with 1-based line numbers.
 *
 * Lines are split on bytes (LF) before decoding, so every line is decoded on its own with a fatal
 * UTF-8 decoder: invalid bytes raise VanerError('INVALID_UTF8') naming the exact line instead of
 * being replaced by U+FFFD (which node:readline would do silently). Memory stays at one chunk plus
 * the longest line.
 */
import { ioError, openByteStream } from './byte-source.js';
import { utf8Error } from './format-error.js';

export interface Line {
  /** The line without its terminator; a trailing CR (CRLF files) is removed. */
  readonly text: string;
  /** 1-based. */
  readonly number: number;
}

const LF = 0x0a;
const BOM = '\ufeff';

/** Yields every line of `file`; a final line without LF is yielded too, an empty trailing one is not. */
export async function* readLines(file: string, label: string = file): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let number = 0;
  let pending: Buffer[] = [];
  const decode = (bytes: Buffer): string => {
    number += 1;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (error) {
      throw utf8Error(label, number, error);
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (number === 1 && text.startsWith(BOM)) text = text.slice(1);
    return text;
  };
  const stream = await openByteStream(file);
  try {
    for await (const chunk of stream) {
      let from = 0;
      for (let at = chunk.indexOf(LF, from); at !== -1; at = chunk.indexOf(LF, from)) {
        const piece = chunk.subarray(from, at);
        const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        yield { text: decode(bytes), number };
        from = at + 1;
      }
      if (from < chunk.length) pending.push(chunk.subarray(from));
    }
  } catch (error) {
    throw ioError(label, error);
  }
  if (pending.length > 0) yield { text: decode(Buffer.concat(pending)), number };
}

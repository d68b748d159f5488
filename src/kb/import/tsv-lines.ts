import { basename } from 'node:path';
import { VanerError } from '../../errors.js';
import { readLines } from '../../formats/index.js';

/** One data line of a vocabulary file with its 1-based line number (for error messages). */
export interface SourceLine {
  readonly line: string;
  readonly lineNumber: number;
  readonly fields: string[];
}

/** An INVALID_FORMAT error that names the file and line, so a broken vocabulary is easy to find. */
export function formatError(file: string, lineNumber: number, problem: string): VanerError {
  return new VanerError('INVALID_FORMAT', `${basename(file)} line ${lineNumber}: ${problem}`, {
    details: { file: basename(file), line: lineNumber },
  });
}

/**
 * Streams the tab-separated lines of a (optionally gzipped) file, skipping blank lines and `#`
 * comments. Each line is decoded as strict UTF-8 (formats' readLines): invalid bytes are INVALID_UTF8
 * naming the line, never names stored with U+FFFD in them (node:readline replaced them silently). Read
 * errors (missing file, corrupt gzip) become INVALID_FORMAT or NOT_FOUND VanerErrors naming the file.
 */
export async function* readTsvLines(file: string): AsyncGenerator<SourceLine> {
  let lineNumber = 0;
  try {
    for await (const { text: line, number } of readLines(file)) {
      lineNumber = number;
      if (line.trim() === '' || line.startsWith('#')) continue;
      yield { line, lineNumber, fields: line.split('\t') };
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'INVALID_UTF8') {
      const line = Number((error as VanerError).details?.line ?? lineNumber + 1);
      throw new VanerError('INVALID_UTF8', `${basename(file)} line ${line}: invalid UTF-8 byte sequence; nothing was imported`, {
        cause: error,
        details: { file: basename(file), line },
      });
    }
    // readLines reports a missing file as BAD_USER_INPUT with the system error as its cause.
    if (code === 'ENOENT' || ((error as { cause?: { code?: unknown } }).cause?.code === 'ENOENT')) {
      throw new VanerError('NOT_FOUND', `vocabulary file ${basename(file)} not found`, { cause: error, details: { file: basename(file) } });
    }
    throw new VanerError('INVALID_FORMAT', `${basename(file)}: unreadable after line ${lineNumber}`, {
      cause: error,
      details: { file: basename(file), line: lineNumber },
    });
  }
}

/** Splits a `|`-separated list field, dropping empty items and duplicates, order kept. */
export function splitList(field: string | undefined): string[] {
  if (field === undefined || field === '') return [];
  return [...new Set(field.split('|').map((s) => s.trim()).filter((s) => s !== ''))];
}

/** Checks a header line's column names, so a reordered file fails loudly instead of importing garbage. */
export function expectHeader(file: string, got: SourceLine, expected: readonly string[]): void {
  for (let i = 0; i < expected.length; i += 1) {
    if (got.fields[i] !== expected[i]) {
      throw formatError(file, got.lineNumber, `expected column ${i + 1} to be '${expected[i]}', found '${got.fields[i] ?? ''}'`);
    }
  }
}

/**
 * The data lines of a vocabulary file with a header row: the first line is checked against
 * `header` (see expectHeader) and not yielded. An empty file yields nothing.
 */
export async function* readTsvRows(file: string, header: readonly string[]): AsyncGenerator<SourceLine> {
  let first = true;
  for await (const line of readTsvLines(file)) {
    if (first) {
      expectHeader(file, line, header);
      first = false;
      continue;
    }
    yield line;
  }
}

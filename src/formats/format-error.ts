import { VanerError } from '../errors.js';

/** A per-record error naming the file and the 1-based line: `file:line: message`. */
export function formatError(file: string, line: number, message: string, cause?: unknown): VanerError {
  return new VanerError('INVALID_FORMAT', `${file}:${line}: ${message}`, { details: { file, line }, cause });
}

/** A UTF-8 decoding error naming the file and the 1-based line. */
export function utf8Error(file: string, line: number, cause?: unknown): VanerError {
  return new VanerError('INVALID_UTF8', `${file}:${line}: invalid UTF-8 byte sequence`, { details: { file, line }, cause });
}

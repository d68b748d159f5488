/**
 * Opens a file as a byte stream, transparently gunzipping it when it starts with the gzip magic
 * bytes (1f 8b) — whatever its name says, so `corpus.txt` that is really gzip still reads.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { VanerError } from '../errors.js';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** True when the file's first two bytes are the gzip magic number. */
export async function isGzipFile(file: string): Promise<boolean> {
  const handle = await openOrThrow(file);
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/** The file's (decompressed) bytes as an async iterable of chunks; memory stays at one chunk. */
export async function openByteStream(file: string): Promise<AsyncIterable<Buffer>> {
  const gzip = await isGzipFile(file);
  const raw = createReadStream(file);
  if (!gzip) return raw;
  // pipeline() forwards errors to the returned stream and destroys the file stream when the consumer
  // stops early, so no file descriptor leaks; the callback is required but errors surface via iteration.
  return pipeline(raw, createGunzip(), () => {});
}

/** Reads a whole (possibly gzipped) file into one buffer; for one-document formats. */
export async function readAllBytes(file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of await openByteStream(file)) chunks.push(chunk);
  } catch (error) {
    throw ioError(file, error);
  }
  return Buffer.concat(chunks);
}

async function openOrThrow(file: string) {
  try {
    return await open(file, 'r');
  } catch (error) {
    throw ioError(file, error);
  }
}

/** Missing files are the user's input problem (BAD_USER_INPUT); a corrupt gzip is INVALID_FORMAT. */
export function ioError(file: string, error: unknown): VanerError {
  if (error instanceof VanerError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return new VanerError('BAD_USER_INPUT', `${file}: no such file`, { details: { file }, cause: error });
  if (code === 'EISDIR') return new VanerError('BAD_USER_INPUT', `${file}: is a directory`, { details: { file }, cause: error });
  if (code === 'EACCES') return new VanerError('BAD_USER_INPUT', `${file}: permission denied`, { details: { file }, cause: error });
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new VanerError('INVALID_FORMAT', `${file}: corrupt gzip data`, { details: { file }, cause: error });
  }
  return new VanerError('INTERNAL', `${file}: cannot read: ${(error as Error).message ?? String(error)}`, { details: { file }, cause: error });
}

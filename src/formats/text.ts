/**
 * Plain text: a file is one document (its whole content, line breaks kept, so offsets are into the
 * file as written); a directory is one document per `*.txt` file (also `*.txt.gz`), in file-name
 * order, not recursive. The external id is the file name without `.txt`/`.txt.gz`.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ioError, readAllBytes } from './byte-source.js';
import { decodeUtf8Strict } from './strict-utf8.js';
import type { DocumentRecord, ReaderOptions } from './types.js';

const TEXT_FILE = /\.txt(\.gz)?$/i;

/** Reads one text file or a directory of them. */
export async function* readText(target: string, options: ReaderOptions = {}): AsyncGenerator<DocumentRecord> {
  const info = await stat(target).catch((error: unknown) => {
    throw ioError(target, error);
  });
  if (!info.isDirectory()) {
    yield await readTextFile(target);
    return;
  }
  for (const file of await listFiles(target, TEXT_FILE, options)) yield await readTextFile(file);
}

/** One document from one file. */
export async function readTextFile(file: string): Promise<DocumentRecord> {
  const text = decodeUtf8Strict(await readAllBytes(file), file);
  return { externalId: path.basename(file).replace(TEXT_FILE, ''), title: null, text, metadata: null, line: 1, file };
}

/**
 * Files of `dir` whose names match `pattern`, sorted by name (code unit order, stable across
 * platforms). Other regular files are reported as IGNORED_FILE warnings; subdirectories too.
 */
export async function listFiles(dir: string, pattern: RegExp, options: ReaderOptions): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    throw ioError(dir, error);
  });
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.isFile() && pattern.test(entry.name)) names.push(entry.name);
    else options.onWarning?.({ kind: 'IGNORED_FILE', file: path.join(dir, entry.name), line: 0, subject: path.extname(entry.name) || entry.name, message: `not a ${pattern.source} file: ignored` });
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => path.join(dir, name));
}

/**
 * What a target (file or directory) holds, as a list of inputs each with its own format, so that a
 * directory mixing `a.PubTator.txt`, `b.txt` and `c.jsonl` is read as PubTator, text and JSONL rather
 * than as three plain-text documents.
 *
 * - A file is one input, in the given format or the one detectFormat finds (extension, then content).
 * - A directory holding `.ann` files is one BRAT input (BRAT pairs `.txt` and `.ann` files).
 * - Any other directory is one input per data file, in file-name order, not recursive; each file's
 *   format is detected on its own (or is the given one). Files without a data extension are
 *   reported as IGNORED_FILE warnings.
 */
import { stat } from 'node:fs/promises';
import { ioError } from './byte-source.js';
import { detectFormat } from './detect-format.js';
import { listFiles } from './text.js';
import type { FormatName, ReaderOptions } from './types.js';

/** One file (or BRAT directory) and the format it is read in. */
export interface PlannedInput {
  readonly path: string;
  readonly format: FormatName;
}

/** Extensions of the files a directory's documents are read from (gzip looked through). */
const DATA_FILE = /\.(txt|text|pubtator|jsonl|ndjson|conll|iob|bio|xml|json)(\.gz)?$/i;

/** The inputs of `target`; see the module comment. Throws BAD_USER_INPUT when it does not exist. */
export async function planInputs(target: string, format: FormatName | 'auto' = 'auto', options: ReaderOptions = {}): Promise<PlannedInput[]> {
  const info = await stat(target).catch((error: unknown) => {
    throw ioError(target, error);
  });
  if (!info.isDirectory()) return [{ path: target, format: format === 'auto' ? await detectFormat(target) : format }];
  if (format === 'brat') return [{ path: target, format }];
  if (format === 'auto' && (await detectFormat(target)) === 'brat') return [{ path: target, format: 'brat' }];
  const files = await listFiles(target, DATA_FILE, options);
  const planned: PlannedInput[] = [];
  for (const file of files) planned.push({ path: file, format: format === 'auto' ? await detectFormat(file) : format });
  return planned;
}

/** "a.pubtator (pubtator), dir/b.txt (text)" for messages; long lists are cut. */
export function describeInputs(inputs: readonly PlannedInput[], label: (file: string) => string = (f) => f): string {
  const shown = inputs.slice(0, 3).map((i) => `${label(i.path)} (${i.format})`);
  return inputs.length > 3 ? `${shown.join(', ')} and ${inputs.length - 3} more` : shown.join(', ');
}

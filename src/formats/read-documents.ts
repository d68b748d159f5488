import type { EntityType } from '../domain/index.js';
import { readBiocJson } from './bioc-json.js';
import { readBiocXml } from './bioc-xml.js';
import { readBrat } from './brat.js';
import { readConll } from './conll.js';
import { detectFormat } from './detect-format.js';
import { readJsonl } from './jsonl.js';
import { readLines } from './line-reader.js';
import { readPubTator } from './pubtator.js';
import { readText } from './text.js';
import type { DocumentRecord, FormatName, ReaderOptions } from './types.js';

export interface ReadDocumentsOptions extends ReaderOptions {
  /** @defaultValue 'auto' (detectFormat) */
  readonly format?: FormatName | 'auto';
  /** CoNLL only: the type of bare B/I tags. */
  readonly defaultType?: EntityType;
}

/** Resolves `auto` to a concrete format for `target`. */
export async function resolveFormat(target: string, format: FormatName | 'auto' = 'auto'): Promise<FormatName> {
  return format === 'auto' ? detectFormat(target) : format;
}

/** Streams the documents of a file or directory in the given (or detected) format. */
export async function* readDocuments(target: string, options: ReadDocumentsOptions = {}): AsyncGenerator<DocumentRecord> {
  const format = await resolveFormat(target, options.format);
  switch (format) {
    case 'pubtator':
      yield* readPubTator(target, options);
      return;
    case 'jsonl':
      yield* readJsonl(target, options);
      return;
    case 'conll':
      yield* readConll(target, options);
      return;
    case 'brat':
      yield* readBrat(target, options);
      return;
    case 'text':
      yield* readText(target, options);
      return;
    case 'bioc':
      yield* readBiocXml(target, options);
      return;
    case 'biocjson':
      yield* readBiocJson(target, options);
      return;
  }
}

/**
 * Counts documents cheaply where the format allows it without parsing (PubTator: title lines;
 * JSONL: non-blank lines); returns null for other formats, where a count would cost a full read.
 * Used to give progress bars a total.
 */
export async function countDocuments(target: string, format: FormatName): Promise<number | null> {
  if (format !== 'pubtator' && format !== 'jsonl') return null;
  let count = 0;
  const title = /^[^\t|]+\|t\|/;
  for await (const { text } of readLines(target)) {
    if (format === 'pubtator' ? title.test(text) : text.trim() !== '') count += 1;
  }
  return count;
}

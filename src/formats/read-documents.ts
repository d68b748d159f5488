import type { EntityType } from '../domain/index.js';
import { readBiocJson } from './bioc-json.js';
import { readBiocXml } from './bioc-xml.js';
import { readBrat } from './brat.js';
import { readConll } from './conll.js';
import { detectFormat } from './detect-format.js';
import { planInputs, type PlannedInput } from './input-plan.js';
import { VanerError } from '../errors.js';
import { readJsonl } from './jsonl.js';
import { readLines } from './line-reader.js';
import { readPubTator } from './pubtator.js';
import { readText } from './text.js';
import type { DocumentRecord, FormatName, ReaderOptions } from './types.js';

export interface ReadDocumentsOptions extends ReaderOptions {
  /** @defaultValue 'auto': each file's format detected on its own (see planInputs) */
  readonly format?: FormatName | 'auto';
  /** CoNLL only: the type of bare B/I tags. */
  readonly defaultType?: EntityType;
  /**
   * How the target is named in records (`file`) and error messages, when its path is not what the
   * user typed (standard input spooled to a temporary file is `<stdin>`). @defaultValue the path
   */
  readonly label?: string;
}

/** Resolves `auto` to a concrete format for one file (a directory may mix formats: use planInputs). */
export async function resolveFormat(target: string, format: FormatName | 'auto' = 'auto'): Promise<FormatName> {
  return format === 'auto' ? detectFormat(target) : format;
}

/** Streams the documents of a file or directory; a directory's files are each read in their own format. */
export async function* readDocuments(target: string, options: ReadDocumentsOptions = {}): AsyncGenerator<DocumentRecord> {
  yield* readPlanned(await planInputs(target, options.format ?? 'auto', options), options);
}

/** Streams the documents of planned inputs (planInputs), in order. */
export async function* readPlanned(inputs: readonly PlannedInput[], options: ReadDocumentsOptions = {}): AsyncGenerator<DocumentRecord> {
  for (const input of inputs) {
    const records = readOne(input.path, input.format, options);
    if (options.label === undefined) {
      yield* records;
      continue;
    }
    const label = options.label;
    try {
      for await (const record of records) yield { ...record, file: record.file === input.path ? label : record.file };
    } catch (error) {
      throw relabel(error, input.path, label);
    }
  }
}

/** The same error with `path` replaced by `label` in its message and details (a temporary file's name means nothing to the user). */
function relabel(error: unknown, path: string, label: string): unknown {
  if (!(error instanceof VanerError) || !error.message.includes(path)) return error;
  const details = error.details === undefined ? undefined : Object.fromEntries(Object.entries(error.details).map(([k, v]) => [k, v === path ? label : v]));
  return new VanerError(error.code, error.message.split(path).join(label), { retriable: error.retriable, cause: error.cause, ...(details ? { details } : {}) });
}

function readOne(target: string, format: FormatName, options: ReadDocumentsOptions): AsyncGenerator<DocumentRecord> {
  switch (format) {
    case 'pubtator':
      return readPubTator(target, options);
    case 'jsonl':
      return readJsonl(target, options);
    case 'conll':
      return readConll(target, options);
    case 'brat':
      return readBrat(target, options);
    case 'text':
      return readText(target, options);
    case 'bioc':
      return readBiocXml(target, options);
    case 'biocjson':
      return readBiocJson(target, options);
  }
}

/**
 * Counts documents cheaply where the format allows it without parsing (PubTator: title lines;
 * JSONL: non-blank lines; a text file: one); returns null when one input has another format, where
 * a count would cost a full read. Used to give progress bars a total.
 */
export async function countDocuments(inputs: readonly PlannedInput[]): Promise<number | null> {
  let count = 0;
  const title = /^[^\t|]+\|t\|/;
  for (const { path, format } of inputs) {
    if (format === 'text') {
      count += 1;
      continue;
    }
    if (format !== 'pubtator' && format !== 'jsonl') return null;
    for await (const { text } of readLines(path)) {
      if (format === 'pubtator' ? title.test(text) : text.trim() !== '') count += 1;
    }
  }
  return count;
}

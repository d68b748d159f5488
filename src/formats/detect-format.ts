/**
 * Guesses a file's format: a directory is BRAT when it holds `.ann` files, else plain text; a file
 * by its extension (`.pubtator`, `.jsonl`/`.ndjson`, `.conll`/`.iob`/`.bio`, `.gz` looked through),
 * otherwise by its first non-blank lines (gzip detected by magic bytes): a JSON object → JSONL,
 * `PMID|t|` → PubTator, token/tag lines → CoNLL, anything else → plain text.
 */
import { readdir, stat } from 'node:fs/promises';
import { ioError } from './byte-source.js';
import { readLines } from './line-reader.js';
import type { FormatName } from './types.js';

const SNIFF_LINES = 20;
const PUBTATOR_TITLE = /^[^\t|]+\|t\|/;
const CONLL_LINE = /^\S+(?:\t[^\t]*)*\t(?:O|[BI](?:-\S+)?)$|^\S+(?: \S+)* (?:O|[BI](?:-\S+)?)$/;
/**
 * A CoNLL line is one token and its columns. Longer lines are not tested against CONLL_LINE: its backtracking
 * overflows V8's regular-expression stack on a one-line text of about 25 MB ("Maximum call stack size exceeded").
 */
const MAX_CONLL_LINE = 10_000;

export async function detectFormat(target: string): Promise<FormatName> {
  const info = await stat(target).catch((error: unknown) => {
    throw ioError(target, error);
  });
  if (info.isDirectory()) {
    const names = await readdir(target);
    return names.some((n) => n.toLowerCase().endsWith('.ann')) ? 'brat' : 'text';
  }
  const name = target.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.pubtator')) return 'pubtator';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.conll') || name.endsWith('.iob') || name.endsWith('.bio')) return 'conll';
  if (name.endsWith('.ann')) return 'brat';
  if (name.endsWith('.xml')) return 'bioc';
  if (name.endsWith('.json')) return 'biocjson';
  return sniff(target);
}

async function sniff(file: string): Promise<FormatName> {
  const lines: string[] = [];
  for await (const { text } of readLines(file)) {
    if (text.trim() === '' || text.startsWith('-DOCSTART-')) continue;
    lines.push(text);
    if (lines.length >= SNIFF_LINES) break;
  }
  const first = lines[0];
  if (first === undefined) return 'text';
  if (first.trimStart().startsWith('<')) return 'bioc';
  // A BioC JSON collection is one (often pretty-printed) object: its first line is not a whole object.
  if (first.trim() === '{' || first.trim() === '[' || /^\{\s*"(?:source|date|key|documents)"/.test(first.trim())) return 'biocjson';
  if (first.trimStart().startsWith('{')) return 'jsonl';
  if (PUBTATOR_TITLE.test(first)) return 'pubtator';
  if (lines.every((line) => line.length <= MAX_CONLL_LINE && CONLL_LINE.test(line))) return 'conll';
  return 'text';
}

/**
 * BRAT standoff: a directory of `name.txt` + `name.ann` pairs (a single `.txt` path reads one pair).
 *
 * - `T1<TAB>Type start end<TAB>text`: a mention; offsets are code points into the `.txt` file as
 *   written (line breaks included). Discontinuous spans (`start end;start end`) are SKIPPED with a
 *   DISCONTINUOUS_SPAN warning: the covering span would include words that are not part of the
 *   mention, and a strict span evaluation would score it as wrong either way.
 * - `N1<TAB>Reference T1 DB:ID[<TAB>name]`: adds `DB:ID` to T1's ids (as written, e.g. `Taxonomy:9606`).
 * - `R1<TAB>Type Arg1:T1 Arg2:T2`: a relation, arguments as written.
 * - Events, attributes, modifications and notes (`E`, `A`, `M`, `#`, `*`) are not used by vaner-kg and
 *   are reported as IGNORED_LINE warnings.
 *
 * A `.txt` without its `.ann` is an error (gold without annotations is not "no mentions"); an `.ann`
 * without a `.txt` too. Mentions come out sorted by start, then end.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { EntityType } from '../domain/index.js';
import { ioError, readAllBytes } from './byte-source.js';
import { createOffsetConverter } from './code-point-offsets.js';
import { formatError } from './format-error.js';
import { mapEntityType } from './entity-type-map.js';
import { readLines } from './line-reader.js';
import { decodeUtf8Strict } from './strict-utf8.js';
import { listFiles } from './text.js';
import type { DocumentRecord, GoldMention, GoldRelation, ReaderOptions } from './types.js';
import { VanerError } from '../errors.js';

const TEXT_BOUND = /^([^\t ]+) (\d+ \d+(?:;\d+ \d+)*)$/;

/** Reads a BRAT directory (or one `.txt` with its `.ann`). */
export async function* readBrat(target: string, options: ReaderOptions = {}): AsyncGenerator<DocumentRecord> {
  const info = await stat(target).catch((error: unknown) => {
    throw ioError(target, error);
  });
  if (!info.isDirectory()) {
    yield await readBratPair(target.replace(/\.(txt|ann)$/i, ''), options);
    return;
  }
  const files = await listFiles(target, /\.(txt|ann)$/i, options);
  const stems = new Set(files.filter((f) => /\.txt$/i.test(f)).map((f) => f.slice(0, -4)));
  for (const ann of files.filter((f) => /\.ann$/i.test(f))) {
    if (!stems.has(ann.slice(0, -4))) throw new VanerError('INVALID_FORMAT', `${ann}: annotation file without its .txt`, { details: { file: ann, line: 0 } });
  }
  for (const stem of stems) yield await readBratPair(stem, options);
}

async function readBratPair(stem: string, options: ReaderOptions): Promise<DocumentRecord> {
  const txtFile = `${stem}.txt`;
  const annFile = `${stem}.ann`;
  const text = decodeUtf8Strict(await readAllBytes(txtFile), txtFile);
  const converter = createOffsetConverter(text);
  const byId = new Map<string, { mention: GoldMention; ids: string[] }>();
  const normalizations: { target: string; id: string; line: number }[] = [];
  const relations: GoldRelation[] = [];
  /** T ids skipped on purpose; their normalisations are dropped with them. */
  const skipped = new Set<string>();

  let lines: AsyncGenerator<{ text: string; number: number }>;
  try {
    await stat(annFile);
    lines = readLines(annFile);
  } catch (error) {
    throw new VanerError('INVALID_FORMAT', `${annFile}: missing (every .txt needs its .ann)`, { details: { file: annFile, line: 0 }, cause: error });
  }
  for await (const { text: line, number } of lines) {
    if (line.trim() === '') continue;
    const [id = '', body = '', mentionText] = line.split('\t');
    const kind = id.charAt(0);
    if (kind === 'T') {
      const match = TEXT_BOUND.exec(body);
      if (!match || mentionText === undefined) throw formatError(annFile, number, `expected "T<n><TAB>Type start end<TAB>text", got "${line}"`);
      const [, corpusType = '', spans = ''] = match;
      if (spans.includes(';')) {
        skipped.add(id);
        options.onWarning?.({ kind: 'DISCONTINUOUS_SPAN', file: annFile, line: number, subject: corpusType, message: `discontinuous span ${spans}: mention skipped` });
        continue;
      }
      const [startColumn = '', endColumn = ''] = spans.split(' ');
      const start = converter.toUtf16(Number(startColumn));
      const end = converter.toUtf16(Number(endColumn));
      if (start === null || end === null || start >= end) {
        throw formatError(annFile, number, `offsets ${spans} are outside the text (length ${text.length}) or empty`);
      }
      const actual = text.slice(start, end);
      if (actual !== mentionText) {
        const message = `mention text "${mentionText}" does not match the document text "${actual}" at ${spans}`;
        if (options.offsetMismatch !== 'skip') throw formatError(annFile, number, message);
        skipped.add(id);
        options.onWarning?.({ kind: 'OFFSET_MISMATCH', file: annFile, line: number, message: `${message}: mention skipped` });
        continue;
      }
      const type: EntityType | null = mapEntityType(corpusType, options.typeMap);
      if (type === null) {
        skipped.add(id);
        options.onWarning?.({ kind: 'UNKNOWN_TYPE', file: annFile, line: number, subject: corpusType, message: `unknown entity type "${corpusType}": mention skipped` });
        continue;
      }
      if (byId.has(id)) throw formatError(annFile, number, `duplicate annotation id ${id}`);
      byId.set(id, { mention: { start, end, text: actual, type, ids: [], corpusType }, ids: [] });
    } else if (kind === 'N') {
      const [, target = '', ref = ''] = /^\S+ (\S+) (\S+)$/.exec(body) ?? [];
      if (!target || !ref) throw formatError(annFile, number, `expected "N<n><TAB>Reference T<n> DB:ID", got "${line}"`);
      normalizations.push({ target, id: ref, line: number });
    } else if (kind === 'R') {
      const [type = '', ...args] = body.split(' ');
      if (!type || args.length === 0) throw formatError(annFile, number, `expected "R<n><TAB>Type Arg1:T<n> Arg2:T<n>", got "${line}"`);
      relations.push({ type, args, line: number });
    } else if ('EAM#*'.includes(kind) && kind !== '') {
      options.onWarning?.({ kind: 'IGNORED_LINE', file: annFile, line: number, subject: kind, message: `"${kind}" annotations are not used: line ignored` });
    } else {
      throw formatError(annFile, number, `unrecognised annotation line "${line}"`);
    }
  }
  for (const n of normalizations) {
    const entry = byId.get(n.target);
    // A normalisation of a skipped (discontinuous/unknown-type) mention goes with it; of an absent id it is an error.
    if (entry) entry.ids.push(n.id);
    else if (!skipped.has(n.target)) throw formatError(annFile, n.line, `normalisation refers to unknown annotation ${n.target}`);
  }
  const mentions = [...byId.values()]
    .map(({ mention, ids }) => ({ ...mention, ids }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  return { externalId: path.basename(stem), title: null, text, mentions, relations, line: 1, file: txtFile };
}

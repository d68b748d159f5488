/**
 * PubTator: one document per block, blocks separated by a blank line.
 *
 * ```
 * 6794356|t|Tricuspid valve regurgitation and lithium carbonate toxicity in a newborn infant.
 * 6794356|a|A newborn with massive tricuspid regurgitation, ...
 * 6794356	0	29	Tricuspid valve regurgitation	Disease	D014262
 * 6794356	CID	D016651	D003490
 * ```
 *
 * The document text is title + ' ' + abstract and mention offsets (code points) refer to it. Every
 * mention is checked against that text; a mismatch is an INVALID_FORMAT error naming the line.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { VanerError } from '../errors.js';
import type { EntityType } from '../domain/index.js';
import { createOffsetConverter } from './code-point-offsets.js';
import { formatPubTatorIds, parsePubTatorIds } from './entity-ids.js';
import { mapEntityType, pubTatorTypeName } from './entity-type-map.js';
import { formatError } from './format-error.js';
import { readLines } from './line-reader.js';
import type { DocumentRecord, GoldMention, GoldRelation, ReaderOptions } from './types.js';

const TITLE_OR_ABSTRACT = /^([^\t|]+)\|([ta])\|(.*)$/;
const INTEGER = /^\d+$/;
/**
 * A second column that starts like a number (or is empty) is a mention's start, never a relation type (CID,
 * Association, CPR:4 …): `-3`, `5.0` or `16 ` (a trailing space) are bad offsets to report, not a relation
 * that silently takes the mention away.
 */
const OFFSET_LIKE = /^\s*[-+.]?\d|^\s*$/;

interface OpenDocument {
  readonly pmid: string;
  readonly line: number;
  title: string;
  abstract: string | null;
  /** Set once the first annotation line fixes the text. */
  text: string | null;
  converter: ReturnType<typeof createOffsetConverter> | null;
  mentions: GoldMention[];
  relations: GoldRelation[];
}

/** Joins title and abstract the way PubTator offsets expect; an empty abstract adds no space. */
export function pubTatorText(title: string, abstract: string | null): string {
  return abstract === null || abstract === '' ? title : `${title} ${abstract}`;
}

/** Streams the documents of a PubTator file (optionally gzipped). */
export async function* readPubTator(file: string, options: ReaderOptions = {}): AsyncGenerator<DocumentRecord> {
  let doc: OpenDocument | null = null;
  const finish = (current: OpenDocument): DocumentRecord => ({
    externalId: current.pmid,
    title: current.title,
    text: current.text ?? pubTatorText(current.title, current.abstract),
    mentions: current.mentions,
    relations: current.relations,
    line: current.line,
    file,
  });

  for await (const { text: line, number } of readLines(file)) {
    if (line.trim() === '') {
      if (doc) yield finish(doc);
      doc = null;
      continue;
    }
    const header = TITLE_OR_ABSTRACT.exec(line);
    if (header) {
      const [, pmid = '', kind, value = ''] = header;
      if (kind === 't') {
        // Some files omit the blank line between documents: a new title starts a new document.
        if (doc) yield finish(doc);
        doc = { pmid, line: number, title: value, abstract: null, text: null, converter: null, mentions: [], relations: [] };
        continue;
      }
      if (!doc) throw formatError(file, number, `abstract line for ${pmid} without a title line before it`);
      if (doc.pmid !== pmid) throw formatError(file, number, `abstract line for ${pmid} inside document ${doc.pmid}`);
      if (doc.abstract !== null) throw formatError(file, number, `second abstract line for ${pmid}`);
      if (doc.text !== null) throw formatError(file, number, `abstract line for ${pmid} after its annotations`);
      doc.abstract = value;
      continue;
    }
    const columns = line.split('\t');
    if (columns.length < 3) {
      throw formatError(file, number, `expected "PMID|t|title", "PMID|a|abstract" or a tab-separated annotation line, got "${truncate(line)}"`);
    }
    if (!doc) throw formatError(file, number, 'annotation line without a title line before it');
    const pmid = columns[0] as string;
    if (pmid !== doc.pmid) throw formatError(file, number, `annotation for ${pmid} inside document ${doc.pmid}`);
    if (doc.text === null) {
      doc.text = pubTatorText(doc.title, doc.abstract);
      doc.converter = createOffsetConverter(doc.text);
    }
    if (INTEGER.test(columns[1] as string) && INTEGER.test(columns[2] as string)) {
      const mention = parseMention(file, number, columns, doc, options);
      if (mention) doc.mentions.push(mention);
    } else if (OFFSET_LIKE.test(columns[1] as string)) {
      throw formatError(file, number, `mention offsets must be whole numbers from 0, got start "${truncate(columns[1] as string)}" and end "${truncate(columns[2] as string)}"`);
    } else {
      doc.relations.push({ type: columns[1] as string, args: columns.slice(2), line: number });
    }
  }
  if (doc) yield finish(doc);
}

function parseMention(file: string, number: number, columns: string[], doc: OpenDocument, options: ReaderOptions): GoldMention | null {
  if (columns.length < 5) {
    throw formatError(file, number, `mention line needs at least 5 tab-separated columns (PMID, start, end, text, type), got ${columns.length}`);
  }
  const [, startColumn = '', endColumn = '', mentionText = '', corpusType = '', idColumn, ...extraColumns] = columns;
  const text = doc.text as string;
  const converter = doc.converter as ReturnType<typeof createOffsetConverter>;
  const start = converter.toUtf16(Number(startColumn));
  const end = converter.toUtf16(Number(endColumn));
  if (start === null || end === null || start >= end) {
    throw formatError(file, number, `mention offsets ${startColumn}-${endColumn} are outside the document text (length ${text.length}) or empty`);
  }
  const actual = text.slice(start, end);
  if (actual !== mentionText) {
    const message = `mention text "${truncate(mentionText)}" does not match the document text "${truncate(actual)}" at ${startColumn}-${endColumn}`;
    if (options.offsetMismatch !== 'skip') throw formatError(file, number, message);
    options.onWarning?.({ kind: 'OFFSET_MISMATCH', file, line: number, message: `${message}: mention skipped` });
    return null;
  }
  const type: EntityType | null = mapEntityType(corpusType, options.typeMap);
  if (type === null) {
    options.onWarning?.({ kind: 'UNKNOWN_TYPE', file, line: number, subject: corpusType, message: `unknown entity type "${corpusType}": mention skipped` });
    return null;
  }
  return {
    start,
    end,
    text: mentionText,
    type,
    ids: idColumn === undefined ? [] : parsePubTatorIds(idColumn),
    corpusType,
    ...(idColumn === undefined ? {} : { idColumn }),
    ...(extraColumns.length > 0 ? { extraColumns } : {}),
  };
}

function truncate(value: string, max = 80): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}

// ---------- writer ----------

/** What the writer needs of a document; DocumentRecord fits. */
export interface PubTatorDocument {
  /** Written as the PMID column; must be non-empty without tabs, `|` or line breaks. */
  readonly externalId: string | null;
  /** When null, the text up to its first line break is written as the title. */
  readonly title: string | null;
  readonly text: string;
  readonly mentions?: readonly Omit<GoldMention, 'corpusType' | 'idColumn' | 'extraColumns'>[] | readonly GoldMention[];
  readonly relations?: readonly Pick<GoldRelation, 'type' | 'args'>[];
}

/**
 * Renders one document as PubTator lines, ending with the blank separator line.
 *
 * PubTator cannot hold line breaks inside a title or abstract. Each CR or LF is written as a space,
 * which keeps every offset valid. A document with a title whose text starts with title + ' ' is
 * written as that title and the rest as abstract; otherwise the text's first line becomes the title,
 * so offsets into the text stay offsets into title + ' ' + abstract.
 */
export function formatPubTatorDocument(doc: PubTatorDocument): string {
  const { title, abstract } = splitTitle(doc);
  const id = doc.externalId ?? '';
  if (/[\t|\r\n]/.test(id) || id === '') {
    throw new VanerError('BAD_USER_INPUT', `external id "${id}" cannot be written as a PubTator PMID (empty, or contains a tab, "|" or a line break)`, { details: { externalId: id } });
  }
  const text = pubTatorText(title, abstract);
  const converter = createOffsetConverter(text);
  const lines = [`${id}|t|${title}`, `${id}|a|${abstract}`];
  for (const m of doc.mentions ?? []) {
    const gold = m as GoldMention;
    const columns = [
      id,
      String(converter.toCodePoints(m.start)),
      String(converter.toCodePoints(m.end)),
      oneLine(m.text),
      gold.corpusType ?? pubTatorTypeName(m.type),
      idColumnFor(gold),
      ...(gold.extraColumns ?? []),
    ];
    lines.push(columns.join('\t'));
  }
  for (const r of doc.relations ?? []) lines.push([id, r.type, ...r.args].join('\t'));
  return lines.join('\n') + '\n\n';
}

/** The mention's original id column when it still says the same as `ids`, else the rendered ids. */
function idColumnFor(mention: Pick<GoldMention, 'ids' | 'idColumn'>): string {
  if (mention.idColumn !== undefined && !/[\t\r\n]/.test(mention.idColumn)) {
    const parsed = parsePubTatorIds(mention.idColumn);
    if (parsed.length === mention.ids.length && parsed.every((id, i) => id === mention.ids[i])) return mention.idColumn;
  }
  return formatPubTatorIds(mention.ids);
}

function splitTitle(doc: PubTatorDocument): { title: string; abstract: string } {
  const text = oneLine(doc.text);
  if (doc.title !== null) {
    const title = oneLine(doc.title);
    if (text === title) return { title, abstract: '' };
    if (text.startsWith(`${title} `)) return { title, abstract: text.slice(title.length + 1) };
  }
  const breakAt = doc.text.search(/[\r\n]/);
  if (breakAt === -1) return { title: text, abstract: '' };
  // The break character itself becomes the ' ' PubTator puts between title and abstract.
  return { title: text.slice(0, breakAt), abstract: text.slice(breakAt + 1) };
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}

/** Writes documents as PubTator to a stream, honouring backpressure. Does not end the stream. */
export async function writePubTator(docs: AsyncIterable<PubTatorDocument> | Iterable<PubTatorDocument>, out: Writable): Promise<number> {
  let count = 0;
  for await (const doc of docs) {
    if (!out.write(formatPubTatorDocument(doc))) await once(out, 'drain');
    count += 1;
  }
  return count;
}

/**
 * CoNLL / IOB: one `token<TAB>tag` line per token (extra middle columns allowed: the first column is
 * the token, the last the tag; lines without a tab are split on spaces), a blank line between
 * sentences, `-DOCSTART-` lines ignored.
 *
 * Each sentence is one record: its text is the tokens joined by single spaces (the original spacing
 * is lost in CoNLL), offsets are into that text, and the external id is `<file name>:<sentence n>`
 * (1-based). Tags: `O`, `B-<type>`, `I-<type>`, or bare `B`/`I` when the caller gives `defaultType`.
 * Malformed sequences follow conlleval: an `I-X` after `O` or after another type starts a new mention.
 */
import path from 'node:path';
import type { EntityType } from '../domain/index.js';
import { mapEntityType } from './entity-type-map.js';
import { formatError } from './format-error.js';
import { readLines } from './line-reader.js';
import type { DocumentRecord, GoldMention, ReaderOptions } from './types.js';

export interface ConllOptions extends ReaderOptions {
  /** Type of bare `B`/`I` tags (single-type corpora). Without it, a bare tag is an error. */
  readonly defaultType?: EntityType;
}

const TAG = /^(?:O|([BI])(?:-(.+))?)$/;

interface Token {
  readonly text: string;
  readonly line: number;
  /** 'B' | 'I' | 'O' */
  readonly prefix: string;
  /** The corpus type name ('' for bare tags and O). */
  readonly type: string;
}

/** Streams sentences of a CoNLL file (optionally gzipped) as records. */
export async function* readConll(file: string, options: ConllOptions = {}): AsyncGenerator<DocumentRecord> {
  const base = path.basename(file);
  let tokens: Token[] = [];
  let sentence = 0;
  const flush = (): DocumentRecord | null => {
    if (tokens.length === 0) return null;
    sentence += 1;
    const record = buildSentence(file, `${base}:${sentence}`, tokens, options);
    tokens = [];
    return record;
  };
  for await (const { text: line, number } of readLines(file)) {
    if (line.trim() === '' || line.startsWith('-DOCSTART-')) {
      const record = flush();
      if (record) yield record;
      continue;
    }
    const columns = line.includes('\t') ? line.split('\t') : line.trim().split(/ +/);
    if (columns.length < 2) throw formatError(file, number, `expected "token<TAB>tag", got "${line}"`);
    const token = columns[0] as string;
    const tag = (columns[columns.length - 1] as string).trim();
    if (token === '' || /\s/.test(token)) throw formatError(file, number, `token "${token}" is empty or contains whitespace`);
    const match = TAG.exec(tag);
    if (!match) throw formatError(file, number, `tag "${tag}" is not O, B-<type> or I-<type>`);
    const [, prefix = 'O', type = ''] = match;
    if (prefix !== 'O' && type === '' && options.defaultType === undefined) {
      throw formatError(file, number, `tag "${tag}" has no type; pass a default type for single-type corpora`);
    }
    tokens.push({ text: token, line: number, prefix, type });
  }
  const record = flush();
  if (record) yield record;
}

function buildSentence(file: string, externalId: string, tokens: readonly Token[], options: ConllOptions): DocumentRecord {
  const text = tokens.map((t) => t.text).join(' ');
  const mentions: GoldMention[] = [];
  let offset = 0;
  let open: { start: number; end: number; corpusType: string; line: number } | null = null;
  const close = (): void => {
    if (!open) return;
    const { start, end, corpusType, line } = open;
    open = null;
    const type = corpusType === '' ? (options.defaultType as EntityType) : mapEntityType(corpusType, options.typeMap);
    if (type === null) {
      options.onWarning?.({ kind: 'UNKNOWN_TYPE', file, line, subject: corpusType, message: `unknown entity type "${corpusType}": mention skipped` });
      return;
    }
    mentions.push({ start, end, text: text.slice(start, end), type, ids: [], corpusType: corpusType === '' ? type : corpusType });
  };
  for (const token of tokens) {
    const start = offset;
    const end = start + token.text.length;
    offset = end + 1;
    if (token.prefix === 'O') {
      close();
    } else if (token.prefix === 'B' || open === null || (open as { corpusType: string }).corpusType !== token.type) {
      close();
      open = { start, end, corpusType: token.type, line: token.line };
    } else {
      open.end = end;
    }
  }
  close();
  return { externalId, title: null, text, mentions, line: tokens[0]?.line ?? 0, file };
}

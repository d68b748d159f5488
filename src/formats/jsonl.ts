/**
 * JSON Lines: one document per line,
 * `{"externalId": "…", "title": "…", "text": "…", "metadata": {…}, "mentions": [{start, end, type, ids?}]}`.
 * Only `text` is required. Unknown keys are errors (a misspelt `txt` must not become an empty
 * document). Blank lines are skipped. Mention offsets are UTF-16 offsets into `text` (what
 * JavaScript's String.prototype.slice counts), and are verified like every other reader's.
 */
import { z } from 'zod';
import type { EntityType } from '../domain/index.js';
import { mapEntityType } from './entity-type-map.js';
import { formatError } from './format-error.js';
import { readLines } from './line-reader.js';
import type { DocumentRecord, GoldMention, ReaderOptions } from './types.js';

const mentionSchema = z.strictObject({
  start: z.number().int().min(0),
  end: z.number().int().min(1),
  text: z.string().optional(),
  type: z.string().min(1),
  ids: z.array(z.string()).optional(),
});

const lineSchema = z.strictObject({
  externalId: z.string().min(1).nullish(),
  title: z.string().nullish(),
  text: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  mentions: z.array(mentionSchema).optional(),
});

/** Streams the documents of a JSONL file (optionally gzipped). */
export async function* readJsonl(file: string, options: ReaderOptions = {}): AsyncGenerator<DocumentRecord> {
  for await (const { text: line, number } of readLines(file)) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw formatError(file, number, `not valid JSON: ${(error as Error).message}`, error);
    }
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(line)'}: ${issue.message}`);
      throw formatError(file, number, `invalid document: ${problems.join('; ')}`);
    }
    const doc = parsed.data;
    const record: DocumentRecord = {
      externalId: doc.externalId ?? null,
      title: doc.title ?? null,
      text: doc.text,
      metadata: doc.metadata ?? null,
      line: number,
      file,
      ...(doc.mentions ? { mentions: parseMentions(file, number, doc.text, doc.mentions, options) } : {}),
    };
    yield record;
  }
}

function parseMentions(file: string, number: number, text: string, raw: z.infer<typeof mentionSchema>[], options: ReaderOptions): GoldMention[] {
  const mentions: GoldMention[] = [];
  raw.forEach((m, index) => {
    if (m.end <= m.start || m.end > text.length) {
      throw formatError(file, number, `mentions.${index}: offsets ${m.start}-${m.end} are empty or outside the text (length ${text.length})`);
    }
    const actual = text.slice(m.start, m.end);
    if (m.text !== undefined && m.text !== actual) {
      const message = `mentions.${index}: text "${m.text}" does not match the document text "${actual}" at ${m.start}-${m.end}`;
      if (options.offsetMismatch !== 'skip') throw formatError(file, number, message);
      options.onWarning?.({ kind: 'OFFSET_MISMATCH', file, line: number, message: `${message}: mention skipped` });
      return;
    }
    const type: EntityType | null = mapEntityType(m.type, options.typeMap);
    if (type === null) {
      options.onWarning?.({ kind: 'UNKNOWN_TYPE', file, line: number, subject: m.type, message: `unknown entity type "${m.type}": mention skipped` });
      return;
    }
    mentions.push({ start: m.start, end: m.end, text: actual, type, ids: m.ids ?? [], corpusType: m.type });
  });
  return mentions;
}

/**
 * BioC JSON reader (the PubTator3 / bioc Python `BioCJSON` layout): a collection object whose
 * `documents` array holds the documents, or a bare array of documents.
 *
 * Streamed in constant memory: a small scanner walks the decoded characters tracking strings and
 * nesting, cuts out one document object at a time and hands only that to JSON.parse, so a multi-GB
 * collection never sits in memory as a whole (no streaming JSON parser is installed; this scanner
 * only has to find object boundaries, which JSON makes unambiguous outside strings).
 */
import { z } from 'zod';
import { ioError, openByteStream } from './byte-source.js';
import { biocToRecord, type BiocDocument } from './bioc-model.js';
import { formatError, utf8Error } from './format-error.js';
import { newlinesBeforeBadUtf8 } from './strict-utf8.js';
import type { DocumentRecord, ReaderOptions } from './types.js';

const infons = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional();
const location = z.object({ offset: z.number().int(), length: z.number().int() });
const annotation = z.object({ id: z.union([z.string(), z.number()]).nullish(), infons, text: z.string().nullish(), locations: z.array(location) });
const passage = z.object({
  offset: z.number().int(),
  infons,
  text: z.string().nullish(),
  annotations: z.array(annotation).optional(),
  sentences: z.array(z.object({ annotations: z.array(annotation).optional() })).optional(),
});
const relation = z.object({ id: z.union([z.string(), z.number()]).nullish(), infons, nodes: z.array(z.object({ refid: z.union([z.string(), z.number()]) })).optional() });
const documentSchema = z.object({
  id: z.union([z.string(), z.number()]),
  infons,
  passages: z.array(passage),
  relations: z.array(relation).optional(),
});

type RawInfons = z.infer<typeof infons>;

function toInfons(raw: RawInfons): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) if (v !== null) out[k] = String(v);
  return out;
}

/** Parses one cut-out document object (text of the object, the line it starts on). */
function parseDocument(json: string, file: string, line: number): BiocDocument {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw formatError(file, line, `document is not valid JSON: ${(error as Error).message}`, error);
  }
  const parsed = documentSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.message}`);
    throw formatError(file, line, `invalid BioC document: ${problems.slice(0, 3).join('; ')}`);
  }
  const d = parsed.data;
  const toAnnotation = (a: z.infer<typeof annotation>) => ({
    id: a.id === undefined || a.id === null ? null : String(a.id),
    infons: toInfons(a.infons),
    text: a.text ?? null,
    locations: a.locations,
    line,
  });
  return {
    id: String(d.id),
    infons: toInfons(d.infons),
    line,
    passages: d.passages.map((p) => ({
      offset: p.offset,
      infons: toInfons(p.infons),
      text: p.text ?? null,
      // Sentence-level annotations carry document offsets too; they belong to the passage.
      annotations: [...(p.annotations ?? []), ...(p.sentences ?? []).flatMap((s) => s.annotations ?? [])].map(toAnnotation),
      line,
    })),
    relations: (d.relations ?? []).map((r) => ({ id: r.id == null ? null : String(r.id), infons: toInfons(r.infons), refids: (r.nodes ?? []).map((n) => String(n.refid)), line })),
  };
}

/** Streams the documents of a BioC JSON file (optionally gzipped). */
export async function* readBiocJson(file: string, options: ReaderOptions = {}): AsyncGenerator<DocumentRecord> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let line = 1;
  let depth = 0;
  let inString = false;
  let escape = false;
  /** Depth at which a '{' starts a document: 2 inside a collection's documents array, 1 in a bare array. */
  let docDepth = -1;
  let rootIsArray: boolean | null = null;
  let stringStart = -1;
  let lastKey = '';
  let keyParts: string[] = [];
  let capture: string[] | null = null;
  let captureStart = 0;
  let captureLine = 0;
  let sawRoot = false;

  const stream = await openByteStream(file);
  const ready: BiocDocument[] = [];
  const scan = (chunk: string): void => {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0x0a) line++;
      if (inString) {
        if (escape) escape = false;
        else if (c === 0x5c) escape = true;
        else if (c === 0x22) {
          inString = false;
          if (stringStart !== -1) {
            keyParts.push(chunk.slice(stringStart, i));
            lastKey = keyParts.join('');
            stringStart = -1;
          }
        }
        continue;
      }
      switch (c) {
        case 0x22: // "
          inString = true;
          // Strings directly inside the root object are keys or scalar values; remember the last one.
          if (depth === 1 && rootIsArray === false) {
            stringStart = i + 1;
            keyParts = [];
          }
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (depth === 0) {
            if (sawRoot) throw formatError(file, line, 'more than one top-level JSON value');
            sawRoot = true;
            rootIsArray = c === 0x5b;
            if (rootIsArray) docDepth = 1;
          } else if (c === 0x5b && depth === 1 && rootIsArray === false && lastKey === 'documents') {
            docDepth = 2;
          }
          depth++;
          if (c === 0x7b && depth === docDepth + 1 && capture === null) {
            capture = [];
            captureStart = i;
            captureLine = line;
          }
          break;
        case 0x7d: // }
        case 0x5d: // ]
          if (depth === 0) throw formatError(file, line, `unexpected "${String.fromCharCode(c)}"`);
          if (c === 0x7d && capture !== null && depth === docDepth + 1) {
            capture.push(chunk.slice(captureStart, i + 1));
            ready.push(parseDocument(capture.join(''), file, captureLine));
            capture = null;
          }
          depth--;
          if (c === 0x5d && depth === 1 && docDepth === 2) docDepth = -1;
          break;
        default:
          if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xfeff) {
            throw formatError(file, line, 'not a BioC JSON collection (expected "{" or "[")');
          }
      }
    }
    if (capture !== null) {
      capture.push(chunk.slice(captureStart));
      captureStart = 0;
    }
    if (stringStart !== -1) {
      keyParts.push(chunk.slice(stringStart));
      stringStart = 0;
    }
  };

  try {
    for await (const bytes of stream) {
      let chunk: string;
      try {
        chunk = decoder.decode(bytes, { stream: true });
      } catch (error) {
        throw utf8Error(file, line + newlinesBeforeBadUtf8(bytes), error);
      }
      scan(chunk);
      for (const doc of ready.splice(0)) yield biocToRecord(doc, file, options);
    }
    try {
      scan(decoder.decode());
    } catch (error) {
      throw utf8Error(file, line, error);
    }
  } catch (error) {
    throw ioError(file, error);
  }
  for (const doc of ready.splice(0)) yield biocToRecord(doc, file, options);
  if (!sawRoot) throw formatError(file, line, 'empty file: no BioC collection');
  if (depth !== 0 || inString) throw formatError(file, line, 'the file ends inside a JSON value (truncated?)');
}

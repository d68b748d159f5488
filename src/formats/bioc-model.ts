/**
 * The BioC data model (collection → documents → passages → annotations with locations) as both BioC
 * readers build it, and its conversion to a DocumentRecord.
 *
 * Offsets: BioC passage and annotation offsets are document offsets. Like PubTator, the files written
 * by the BioC tools (PubTator3, BC5CDR) count them in Unicode code points; we convert them to UTF-16
 * (our span unit). The document text is rebuilt by placing every passage at its offset and filling
 * gaps with spaces, so BioC offsets stay valid offsets into the text (a PubTator-derived document:
 * title at 0, abstract at title length + 1 gives exactly PubTator's title + ' ' + abstract).
 */
import { createOffsetConverter } from './code-point-offsets.js';
import { parsePubTatorIds } from './entity-ids.js';
import { mapEntityType } from './entity-type-map.js';
import { formatError } from './format-error.js';
import type { DocumentRecord, GoldMention, GoldRelation, ReaderOptions } from './types.js';

export interface BiocLocation {
  readonly offset: number;
  readonly length: number;
}

export interface BiocAnnotation {
  readonly id: string | null;
  readonly infons: Readonly<Record<string, string>>;
  readonly text: string | null;
  readonly locations: readonly BiocLocation[];
  /** Line of the annotation in its file (the document's line in BioC JSON). */
  readonly line: number;
}

export interface BiocPassage {
  readonly offset: number;
  readonly infons: Readonly<Record<string, string>>;
  /** null for a passage that carries sentences only. */
  readonly text: string | null;
  readonly annotations: readonly BiocAnnotation[];
  readonly line: number;
}

export interface BiocRelation {
  readonly id: string | null;
  readonly infons: Readonly<Record<string, string>>;
  readonly refids: readonly string[];
  readonly line: number;
}

export interface BiocDocument {
  readonly id: string;
  readonly infons: Readonly<Record<string, string>>;
  readonly passages: readonly BiocPassage[];
  readonly relations: readonly BiocRelation[];
  readonly line: number;
}

/**
 * How a document's passages are kept in `metadata.passages` so exporters can rebuild them:
 * UTF-16 offset and length into the document text, and the passage infons (`type`, `section_type`...).
 */
export interface StoredPassage {
  readonly offset: number;
  readonly length: number;
  readonly infons: Readonly<Record<string, string>>;
}

/** Infon keys that carry an annotation's identifier in common BioC corpora (PubTator3, BC5CDR, NLM-Chem). */
const ID_KEYS = ['identifier', 'Identifier', 'MESH', 'NCBI Gene', 'NCBI_Gene', 'Gene', 'ncbi_gene', 'ID'];

function truncate(value: string, max = 80): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}

/** Converts one BioC document; throws INVALID_FORMAT naming file and line for broken offsets. */
export function biocToRecord(doc: BiocDocument, file: string, options: ReaderOptions): DocumentRecord {
  if (doc.id === '') throw formatError(file, doc.line, 'document without an <id>');
  // Build the text in code points first: BioC offsets count code points.
  let text = '';
  let codePoints = 0;
  const passages: StoredPassage[] = [];
  for (const passage of doc.passages) {
    if (!Number.isInteger(passage.offset) || passage.offset < 0) {
      throw formatError(file, passage.line, `passage offset ${passage.offset} is not a non-negative integer`);
    }
    if (passage.offset < codePoints) {
      throw formatError(file, passage.line, `passage at offset ${passage.offset} overlaps the previous passage (which ends at ${codePoints})`);
    }
    const body = passage.text ?? '';
    text += ' '.repeat(passage.offset - codePoints);
    passages.push({ offset: text.length, length: body.length, infons: passage.infons });
    text += body;
    codePoints = passage.offset + [...body].length;
  }
  const converter = createOffsetConverter(text);
  const mentions: GoldMention[] = [];
  for (const passage of doc.passages) {
    for (const annotation of passage.annotations) {
      const mention = toMention(annotation, text, converter, file, options);
      if (mention) mentions.push(mention);
    }
  }
  mentions.sort((a, b) => a.start - b.start || a.end - b.end);
  const relations: GoldRelation[] = doc.relations.map((r) => ({ type: r.infons.type ?? r.infons.relation ?? 'relation', args: r.refids, line: r.line }));
  const first = doc.passages[0];
  const firstType = (first?.infons.type ?? first?.infons.section_type ?? '').toLowerCase();
  const title = first !== undefined && first.offset === 0 && (firstType === 'title' || firstType === 'front') ? (first.text ?? '') : null;
  return {
    externalId: doc.id,
    title,
    text,
    mentions,
    relations,
    metadata: { passages, ...(Object.keys(doc.infons).length > 0 ? { infons: doc.infons } : {}) },
    line: doc.line,
    file,
  };
}

function toMention(
  annotation: BiocAnnotation,
  text: string,
  converter: ReturnType<typeof createOffsetConverter>,
  file: string,
  options: ReaderOptions,
): GoldMention | null {
  const { line } = annotation;
  if (annotation.locations.length === 0) throw formatError(file, line, `annotation ${annotation.id ?? ''} has no location`);
  if (annotation.locations.length > 1) {
    options.onWarning?.({ kind: 'DISCONTINUOUS_SPAN', file, line, message: `annotation ${annotation.id ?? ''} has ${annotation.locations.length} locations: skipped` });
    return null;
  }
  const location = annotation.locations[0]!;
  if (!Number.isInteger(location.offset) || !Number.isInteger(location.length) || location.offset < 0 || location.length < 1) {
    throw formatError(file, line, `annotation location offset=${location.offset} length=${location.length} is not a valid span`);
  }
  const start = converter.toUtf16(location.offset);
  const end = converter.toUtf16(location.offset + location.length);
  if (start === null || end === null) {
    throw formatError(file, line, `annotation span ${location.offset}+${location.length} lies outside the document text (length ${text.length})`);
  }
  const actual = text.slice(start, end);
  if (annotation.text !== null && annotation.text !== actual) {
    const message = `annotation text "${truncate(annotation.text)}" does not match the document text "${truncate(actual)}" at ${location.offset}+${location.length}`;
    if (options.offsetMismatch !== 'skip') throw formatError(file, line, message);
    options.onWarning?.({ kind: 'OFFSET_MISMATCH', file, line, message: `${message}: annotation skipped` });
    return null;
  }
  const corpusType = annotation.infons.type ?? '';
  const type = mapEntityType(corpusType, options.typeMap);
  if (type === null) {
    options.onWarning?.({ kind: 'UNKNOWN_TYPE', file, line, subject: corpusType, message: `unknown entity type "${corpusType}": annotation skipped` });
    return null;
  }
  const idKey = ID_KEYS.find((k) => annotation.infons[k] !== undefined);
  const idColumn = idKey === undefined ? undefined : annotation.infons[idKey]!;
  return {
    start,
    end,
    text: actual,
    type,
    ids: idColumn === undefined ? [] : parsePubTatorIds(idColumn),
    corpusType,
    ...(idColumn === undefined ? {} : { idColumn }),
  };
}

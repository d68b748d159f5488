/**
 * Export of stored documents and their mentions as PubTator, BioC JSON, BioC XML or JSONL, streamed
 * page by page from the store (`listDocuments`), so memory stays at one page whatever the corpus size.
 * Original passages and offsets are kept: BioC documents are written with their stored passages
 * (`metadata.passages`), PubTator ones with their title/abstract split.
 */
import { VanerError } from '../errors.js';
import { formatPubTatorDocument } from '../formats/index.js';
import {
  BIOC_JSON_TAIL,
  BIOC_XML_TAIL,
  biocJsonHead,
  biocXmlHead,
  formatBiocJsonDocument,
  formatBiocXmlDocument,
  storedPassages,
  type ExportDocument,
  type ExportMention,
} from '../formats/bioc-writer.js';
import type { DocumentFilter, Mention, StoredDocument } from '../domain/index.js';
import type { DocumentStore, KnowledgeBaseStore } from '../store/index.js';

/**
 * Which entity ids an export writes: `stored` as the mentions hold them; `current` resolved through
 * merges and alias ids (an old MeSH supplementary id becomes its current descriptor); `legacy` the
 * current entity written under its first alias when it has one (the old MeSH id that BC5CDR, CTD
 * and other literature annotated with older MeSH releases use).
 */
export type ExportIds = 'stored' | 'current' | 'legacy';
export const EXPORT_IDS: readonly ExportIds[] = ['stored', 'current', 'legacy'];

export type ExportFormat = 'pubtator' | 'biocjson' | 'bioc' | 'jsonl';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['pubtator', 'biocjson', 'bioc', 'jsonl'];

export interface ExportOptions {
  readonly format: ExportFormat;
  readonly filter?: DocumentFilter;
  /** Documents read per store call. @defaultValue 200 */
  readonly pageSize?: number;
  /** `<source>` of a BioC collection. @defaultValue 'vaner-kg' */
  readonly source?: string;
  /** Stops the export between pages. */
  readonly signal?: AbortSignal;
  /**
   * Told about every document that was written changed (an externalId PubTator cannot hold) or left
   * out (it could not be formatted): one bad document never fails the export.
   * @defaultValue ignore
   */
  readonly onWarning?: (warning: ExportWarning) => void;
  /** @defaultValue 'stored' */
  readonly ids?: ExportIds;
}

/** A document the export wrote with an escaped id, or skipped. */
export interface ExportWarning {
  readonly documentId: string;
  readonly externalId: string | null;
  readonly action: 'escaped' | 'skipped';
  readonly message: string;
}

/**
 * The PMID column for a document: its externalId with each character PubTator cannot hold in that
 * column (tab, `|`, line breaks and other control characters) replaced by `_`; the internal id when
 * it has none. Ids accepted since identifiers are validated never change; older ones might.
 */
export function pubTatorId(doc: Pick<StoredDocument, 'id' | 'externalId'>): string {
  if (doc.externalId === null || doc.externalId === '') return doc.id;
  return doc.externalId.replace(/[|\p{Cc}\p{Zl}\p{Zp}]/gu, '_');
}

/**
 * A document's mentions as exported: rejected ones left out, mentions of one span and type (a
 * composite link stores one per entity) merged into one with every linked id, in text order.
 */
export function exportMentions(mentions: readonly Mention[]): ExportMention[] {
  const bySpan = new Map<string, { start: number; end: number; text: string; type: Mention['type']; ids: string[] }>();
  for (const m of mentions) {
    if (m.review === 'rejected') continue;
    const key = `${m.start}:${m.end}:${m.type}`;
    let entry = bySpan.get(key);
    if (entry === undefined) {
      entry = { start: m.start, end: m.end, text: m.text, type: m.type, ids: [] };
      bySpan.set(key, entry);
    }
    if (m.entityId !== null && !entry.ids.includes(m.entityId)) entry.ids.push(m.entityId);
  }
  return [...bySpan.values()].sort((a, b) => a.start - b.start || a.end - b.end || a.type.localeCompare(b.type));
}

function toExportDocument(doc: StoredDocument, mentions: readonly Mention[]): ExportDocument {
  return { id: doc.externalId ?? doc.id, title: doc.title, text: doc.text, passages: storedPassages(doc.metadata, doc.text), mentions: exportMentions(mentions) };
}

/** The opening of an export file (empty for line formats). */
export function exportHead(format: ExportFormat, source = 'vaner-kg', date = new Date().toISOString().slice(0, 10)): string {
  if (format === 'bioc') return biocXmlHead(source, date);
  if (format === 'biocjson') return biocJsonHead(source, date);
  return '';
}

/** The closing of an export file. */
export function exportTail(format: ExportFormat): string {
  if (format === 'bioc') return BIOC_XML_TAIL;
  if (format === 'biocjson') return BIOC_JSON_TAIL;
  return '';
}

/** One document in `format`, without head or tail (BioC JSON documents are joined by ',' by the caller). */
export function formatDocument(format: ExportFormat, doc: StoredDocument, mentions: readonly Mention[]): string {
  const out = toExportDocument(doc, mentions);
  switch (format) {
    case 'pubtator':
      return formatPubTatorDocument({ externalId: pubTatorId(doc), title: doc.title, text: doc.text, mentions: out.mentions });
    case 'biocjson':
      return formatBiocJsonDocument(out);
    case 'bioc':
      return formatBiocXmlDocument(out);
    case 'jsonl':
      return `${JSON.stringify({
        externalId: out.id,
        title: doc.title,
        text: doc.text,
        metadata: doc.metadata,
        mentions: out.mentions.map((m) => ({ start: m.start, end: m.end, text: m.text, type: m.type, ids: m.ids })),
      })}\n`;
  }
}

/** A whole file holding one document (what `Document.export` returns). */
export function exportOneDocument(format: ExportFormat, doc: StoredDocument, mentions: readonly Mention[]): string {
  return exportHead(format) + formatDocument(format, doc, mentions) + exportTail(format);
}

/** Streams the export as string chunks: head, one chunk per document, tail. */
export async function* exportDocuments(
  store: Pick<DocumentStore, 'listDocuments' | 'getMentionsByDocument'> & Partial<Pick<KnowledgeBaseStore, 'getEntities'>>,
  options: ExportOptions,
): AsyncGenerator<string> {
  if (!EXPORT_FORMATS.includes(options.format)) {
    throw new VanerError('BAD_USER_INPUT', `unknown export format ${JSON.stringify(options.format)}; one of ${EXPORT_FORMATS.join(', ')}`, { details: { field: 'format' } });
  }
  const ids = options.ids ?? 'stored';
  if (!EXPORT_IDS.includes(ids)) throw new VanerError('BAD_USER_INPUT', `unknown ids choice ${JSON.stringify(ids)}; one of ${EXPORT_IDS.join(', ')}`, { details: { field: 'ids' } });
  if (ids !== 'stored' && store.getEntities === undefined) throw new VanerError('INTERNAL', 'exporting current or legacy ids needs the knowledge base');
  /** Stored id -> the id to write, for one page of mentions (one batch read of the knowledge base). */
  const rewrite = async (pageMentions: readonly (readonly Mention[])[]): Promise<(m: Mention) => Mention> => {
    if (ids === 'stored') return (m) => m;
    const stored = [...new Set(pageMentions.flat().map((m) => m.entityId).filter((id): id is string => id !== null))];
    const entities = stored.length === 0 ? [] : await store.getEntities!(stored);
    const to = new Map<string, string>();
    stored.forEach((id, i) => {
      const e = entities[i];
      // An id the knowledge base does not hold is written as it is.
      if (e !== null && e !== undefined) to.set(id, ids === 'legacy' && (e.aliases?.length ?? 0) > 0 ? e.aliases![0]! : e.id);
    });
    return (m) => (m.entityId === null || !to.has(m.entityId) ? m : { ...m, entityId: to.get(m.entityId)! });
  };
  const pageSize = options.pageSize ?? 200;
  yield exportHead(options.format, options.source);
  let after: string | null = null;
  let written = 0;
  for (;;) {
    if (options.signal?.aborted) throw new VanerError('CANCELLED', 'export stopped', { retriable: true });
    const page = await store.listDocuments({ first: pageSize, after, filter: options.filter ?? {} });
    const mentions = await store.getMentionsByDocument(page.items.map((d) => d.id));
    const idOf = await rewrite(mentions);
    for (const [i, doc] of page.items.entries()) {
      let chunk: string;
      try {
        chunk = formatDocument(options.format, doc, (mentions[i] ?? []).map(idOf));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        options.onWarning?.({ documentId: doc.id, externalId: doc.externalId, action: 'skipped', message: `document ${doc.externalId ?? doc.id} skipped: ${reason}` });
        continue;
      }
      if (options.format === 'pubtator' && doc.externalId !== null && pubTatorId(doc) !== doc.externalId) {
        options.onWarning?.({ documentId: doc.id, externalId: doc.externalId, action: 'escaped', message: `document ${JSON.stringify(doc.externalId)} written as PMID ${pubTatorId(doc)} (PubTator cannot hold tabs, "|" or line breaks in it)` });
      }
      yield options.format === 'biocjson' && written > 0 ? `,\n${chunk}` : chunk;
      written++;
    }
    if (!page.hasNextPage || page.endCursor === null) break;
    after = page.endCursor;
  }
  yield exportTail(options.format);
}

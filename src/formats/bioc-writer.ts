/**
 * BioC writers (XML and JSON), one document at a time so exports stream: write the head, every
 * document, then the tail. Offsets are written in Unicode code points, as the readers expect and the
 * BioC tools write them; passages are the stored ones (`metadata.passages`) when the document came
 * from BioC, else title and abstract (PubTator's split), else one passage holding the whole text.
 */
import { createOffsetConverter } from './code-point-offsets.js';
import { formatPubTatorIds } from './entity-ids.js';
import { pubTatorTypeName } from './entity-type-map.js';
import type { StoredPassage } from './bioc-model.js';
import type { EntityType } from '../domain/index.js';

/** A mention as written: UTF-16 offsets into the text, its type and linked ids. */
export interface ExportMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly type: EntityType;
  readonly ids: readonly string[];
}

/** What the writers need of a stored document. */
export interface ExportDocument {
  /** Written as the BioC document id (the store id when there is no externalId). */
  readonly id: string;
  readonly title: string | null;
  readonly text: string;
  readonly passages: readonly StoredPassage[] | null;
  readonly mentions: readonly ExportMention[];
}

interface Passage {
  readonly infons: Readonly<Record<string, string>>;
  readonly start: number;
  readonly end: number;
}

/** Reads `metadata.passages` when it is well-formed and covers valid ranges of `text`; null otherwise. */
export function storedPassages(metadata: Record<string, unknown> | null, text: string): StoredPassage[] | null {
  const raw = metadata?.passages;
  if (!Array.isArray(raw) || raw.length === 0) return null;
  let end = 0;
  const out: StoredPassage[] = [];
  for (const p of raw as unknown[]) {
    const q = p as Partial<StoredPassage> | null;
    if (q === null || typeof q !== 'object' || !Number.isInteger(q.offset) || !Number.isInteger(q.length)) return null;
    if (q.offset! < end || q.offset! + q.length! > text.length) return null;
    end = q.offset! + q.length!;
    out.push({ offset: q.offset!, length: q.length!, infons: typeof q.infons === 'object' && q.infons !== null ? q.infons : {} });
  }
  return out;
}

function passagesOf(doc: ExportDocument): Passage[] {
  if (doc.passages !== null && doc.passages.length > 0) return doc.passages.map((p) => ({ infons: p.infons, start: p.offset, end: p.offset + p.length }));
  if (doc.title !== null && doc.title !== '' && doc.text.startsWith(doc.title)) {
    const title: Passage = { infons: { type: 'title' }, start: 0, end: doc.title.length };
    if (doc.text.length <= doc.title.length + 1) return [title];
    // PubTator: title + ' ' + abstract, the abstract passage starts after the separating character.
    return [title, { infons: { type: 'abstract' }, start: doc.title.length + 1, end: doc.text.length }];
  }
  return [{ infons: { type: 'text' }, start: 0, end: doc.text.length }];
}

interface BiocAnnotationOut {
  readonly id: string;
  readonly infons: Record<string, string>;
  readonly text: string;
  readonly locations: { offset: number; length: number }[];
}

interface BiocPassageOut {
  readonly offset: number;
  readonly infons: Readonly<Record<string, string>>;
  readonly text: string;
  readonly annotations: BiocAnnotationOut[];
}

/** The document in the BioC data model, code point offsets. Mentions go to the passage holding their start. */
function toBioc(doc: ExportDocument): { id: string; passages: BiocPassageOut[] } {
  const converter = createOffsetConverter(doc.text);
  const passages = passagesOf(doc);
  const out: BiocPassageOut[] = passages.map((p) => ({ offset: converter.toCodePoints(p.start), infons: p.infons, text: doc.text.slice(p.start, p.end), annotations: [] }));
  let n = 0;
  for (const m of doc.mentions) {
    let index = passages.findIndex((p) => m.start >= p.start && m.start < p.end);
    if (index === -1) {
      // A mention in a gap between passages: the last passage starting before it.
      index = 0;
      passages.forEach((p, i) => {
        if (p.start <= m.start) index = i;
      });
    }
    const start = converter.toCodePoints(m.start);
    out[index]!.annotations.push({
      id: String(n++),
      infons: { type: pubTatorTypeName(m.type), identifier: formatPubTatorIds(m.ids) },
      text: m.text,
      locations: [{ offset: start, length: converter.toCodePoints(m.end) - start }],
    });
  }
  return { id: doc.id, passages: out };
}

// ---------- JSON ----------

/** Opens a BioC JSON collection; follow with documents joined by ',' and {@link BIOC_JSON_TAIL}. */
export function biocJsonHead(source: string, date: string): string {
  return `{"source":${JSON.stringify(source)},"date":${JSON.stringify(date)},"key":"vaner-kg.key","infons":{},"documents":[\n`;
}

export const BIOC_JSON_TAIL = '\n]}\n';

/** One document as a BioC JSON object (one line). */
export function formatBiocJsonDocument(doc: ExportDocument): string {
  const bioc = toBioc(doc);
  return JSON.stringify({
    id: bioc.id,
    infons: {},
    passages: bioc.passages.map((p) => ({ offset: p.offset, infons: p.infons, text: p.text, sentences: [], annotations: p.annotations, relations: [] })),
    relations: [],
  });
}

// ---------- XML ----------

// CR as a character reference: XML parsers turn a literal CR (LF) into LF, which would shift offsets.
const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };

/**
 * Escapes text for XML. Characters XML 1.0 cannot hold at all (most C0 controls) are written as
 * spaces, one for one, so offsets stay valid.
 */
function xml(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[&<>"\r]/g, (c) => XML_ESCAPES[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ' ');
}

function infonsXml(infons: Readonly<Record<string, string>>, indent: string): string {
  return Object.entries(infons).map(([k, v]) => `${indent}<infon key="${xml(k)}">${xml(v)}</infon>\n`).join('');
}

/** Opens a BioC XML collection; follow with documents and {@link BIOC_XML_TAIL}. */
export function biocXmlHead(source: string, date: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE collection SYSTEM "BioC.dtd">\n<collection>\n<source>${xml(source)}</source>\n<date>${xml(date)}</date>\n<key>vaner-kg.key</key>\n`;
}

export const BIOC_XML_TAIL = '</collection>\n';

/** One `<document>` element. */
export function formatBiocXmlDocument(doc: ExportDocument): string {
  const bioc = toBioc(doc);
  const parts = [`<document>\n  <id>${xml(bioc.id)}</id>\n`];
  for (const p of bioc.passages) {
    parts.push(`  <passage>\n${infonsXml(p.infons, '    ')}    <offset>${p.offset}</offset>\n    <text>${xml(p.text)}</text>\n`);
    for (const a of p.annotations) {
      parts.push(`    <annotation id="${xml(a.id)}">\n${infonsXml(a.infons, '      ')}`);
      for (const l of a.locations) parts.push(`      <location offset="${l.offset}" length="${l.length}"/>\n`);
      parts.push(`      <text>${xml(a.text)}</text>\n    </annotation>\n`);
    }
    parts.push('  </passage>\n');
  }
  parts.push('</document>\n');
  return parts.join('');
}

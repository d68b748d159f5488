/**
 * BioC XML reader (bioc.dtd: collection → document → passage → annotation/location), streamed with
 * saxes (a maintained, non-validating streaming XML parser): one document is held at a time, so
 * memory stays constant however large the collection. DOCTYPE declarations are read, never fetched.
 */
import { SaxesParser } from 'saxes';
import { ioError, openByteStream } from './byte-source.js';
import { biocToRecord, type BiocAnnotation, type BiocDocument, type BiocLocation, type BiocPassage, type BiocRelation } from './bioc-model.js';
import { formatError, utf8Error } from './format-error.js';
import { newlinesBeforeBadUtf8 } from './strict-utf8.js';
import type { DocumentRecord, ReaderOptions } from './types.js';

interface OpenPassage {
  offset: number | null;
  infons: Record<string, string>;
  text: string | null;
  annotations: BiocAnnotation[];
  line: number;
}

interface OpenAnnotation {
  id: string | null;
  infons: Record<string, string>;
  text: string | null;
  locations: BiocLocation[];
  line: number;
}

interface OpenRelation {
  id: string | null;
  infons: Record<string, string>;
  refids: string[];
  line: number;
}

interface OpenDocument {
  id: string;
  infons: Record<string, string>;
  passages: BiocPassage[];
  relations: BiocRelation[];
  line: number;
}

/** Streams the documents of a BioC XML file (optionally gzipped). */
export async function* readBiocXml(file: string, options: ReaderOptions = {}): AsyncGenerator<DocumentRecord> {
  const parser = new SaxesParser({ position: true });
  const ready: BiocDocument[] = [];
  const stack: string[] = [];
  let text = '';
  let infonKey: string | null = null;
  let doc: OpenDocument | null = null;
  let passage: OpenPassage | null = null;
  let annotation: OpenAnnotation | null = null;
  let relation: OpenRelation | null = null;
  let sawCollection = false;

  const integer = (name: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isInteger(n)) {
      throw formatError(file, parser.line, `<${name}> must be an integer, got ${JSON.stringify(value ?? null)}`);
    }
    return n;
  };

  parser.on('opentag', (tag) => {
    // Without the xmlns option saxes gives plain string attributes.
    const attributes = tag.attributes as Record<string, string | undefined>;
    stack.push(tag.name);
    text = '';
    switch (tag.name) {
      case 'collection':
        sawCollection = true;
        break;
      case 'document':
        doc = { id: '', infons: {}, passages: [], relations: [], line: parser.line };
        break;
      case 'passage':
        if (doc === null) throw formatError(file, parser.line, '<passage> outside a <document>');
        passage = { offset: null, infons: {}, text: null, annotations: [], line: parser.line };
        break;
      case 'annotation':
        annotation = { id: attributes.id ?? null, infons: {}, text: null, locations: [], line: parser.line };
        break;
      case 'relation':
        relation = { id: attributes.id ?? null, infons: {}, refids: [], line: parser.line };
        break;
      case 'location':
        if (annotation === null) throw formatError(file, parser.line, '<location> outside an <annotation>');
        annotation.locations.push({ offset: integer('location offset', attributes.offset), length: integer('location length', attributes.length) });
        break;
      case 'node':
        if (relation !== null && attributes.refid !== undefined) relation.refids.push(attributes.refid);
        break;
      case 'infon':
        infonKey = attributes.key ?? '';
        break;
    }
  });
  parser.on('text', (value) => {
    text += value;
  });
  parser.on('cdata', (value) => {
    text += value;
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    const parent = stack.at(-1);
    switch (tag.name) {
      case 'id':
        if (parent === 'document' && doc !== null) doc.id = text.trim();
        break;
      case 'offset':
        if (parent === 'passage' && passage !== null) passage.offset = integer('offset', text);
        break;
      case 'text':
        if (parent === 'passage' && passage !== null) passage.text = text;
        else if (parent === 'annotation' && annotation !== null) annotation.text = text;
        break;
      case 'infon': {
        const target = parent === 'annotation' ? annotation : parent === 'relation' ? relation : parent === 'passage' ? passage : parent === 'document' ? doc : null;
        if (target !== null && infonKey !== null) target.infons[infonKey] = text;
        infonKey = null;
        break;
      }
      case 'annotation':
        // Annotations of sentences carry document offsets too; they belong to the enclosing passage.
        if (annotation !== null && passage !== null) passage.annotations.push(annotation);
        else if (annotation !== null) throw formatError(file, annotation.line, '<annotation> outside a <passage>');
        annotation = null;
        break;
      case 'relation':
        if (relation !== null && doc !== null && (parent === 'document' || parent === 'passage')) doc.relations.push(relation);
        relation = null;
        break;
      case 'passage':
        if (passage !== null && doc !== null) {
          if (passage.offset === null) throw formatError(file, passage.line, '<passage> without an <offset>');
          doc.passages.push({ ...passage, offset: passage.offset });
        }
        passage = null;
        break;
      case 'document':
        if (doc !== null) ready.push(doc);
        doc = null;
        break;
    }
    text = '';
  });

  const decoder = new TextDecoder('utf-8', { fatal: true });
  const write = (chunk: string): void => {
    try {
      parser.write(chunk);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'INVALID_FORMAT') throw error;
      throw formatError(file, parser.line, `malformed XML: ${(error as Error).message}`, error);
    }
  };
  try {
    for await (const bytes of await openByteStream(file)) {
      let chunk: string;
      try {
        chunk = decoder.decode(bytes, { stream: true });
      } catch (error) {
        throw utf8Error(file, parser.line + newlinesBeforeBadUtf8(bytes), error);
      }
      write(chunk);
      for (const d of ready.splice(0)) yield biocToRecord(d, file, options);
    }
    write(decoder.decode());
    try {
      parser.close();
    } catch (error) {
      throw formatError(file, parser.line, `malformed XML: ${(error as Error).message}`, error);
    }
  } catch (error) {
    throw ioError(file, error);
  }
  for (const d of ready.splice(0)) yield biocToRecord(d, file, options);
  if (!sawCollection) throw formatError(file, parser.line, 'not a BioC XML file: no <collection> element');
}

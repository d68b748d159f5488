import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { VanerError } from '../../errors.js';
import { newlinesBeforeBadUtf8 } from '../../formats/index.js';
import type { EntityType } from '../../domain/index.js';
import { VocabularyProblems } from './vocabulary-problems.js';
import type { VocabularyFile, VocabularyTerm } from './vocabulary-types.js';

/**
 * Entity type of a MeSH descriptor from its tree numbers: C (Diseases) and F03 (Mental Disorders)
 * are diseases, D (Chemicals and Drugs) chemicals, B01–B05 (organisms) species. Disease trees win
 * over chemical ones (a descriptor in both is rare and disease-like: poisoning categories).
 */
export function meshTypeOfTrees(trees: readonly string[]): EntityType | null {
  if (trees.some((t) => t.startsWith('C') || t.startsWith('F03'))) return 'DISEASE';
  if (trees.some((t) => t.startsWith('D'))) return 'CHEMICAL';
  if (trees.some((t) => /^B0[1-5]/.test(t))) return 'SPECIES';
  return null;
}

export interface MeshXmlReadOptions {
  /** Type of every record; by default from the tree numbers (meshTypeOfTrees), records of no type skipped. */
  readonly type?: EntityType;
}

interface OpenRecord {
  line: number;
  kind: 'descriptor' | 'supplemental';
  ui: string;
  name: string;
  terms: string[];
  trees: string[];
  mappedTo: string[];
  /** Supplementary records: SCRClass 1 chemical, 2 protocol, 3 disease, 4 organism. */
  scrClass: string | null;
}

const SCR_CLASS_TYPES: Readonly<Record<string, EntityType>> = { '1': 'CHEMICAL', '3': 'DISEASE', '4': 'SPECIES' };

/**
 * Reads MeSH XML as NLM distributes it (optionally gzipped): descriptor records
 * (`desc20XX.xml`: DescriptorRecord → DescriptorUI, DescriptorName, TreeNumberList, ConceptList →
 * TermList → Term → String) and supplementary concept records (`supp20XX.xml`: SupplementalRecord,
 * HeadingMappedToList). Ids become `MESH:<UI>`; every term of every concept is a synonym; parents
 * come from the tree numbers (descriptors of this file only); a supplementary record's parents are
 * the descriptors it is mapped to, its type its SCRClass (1 chemical, 3 disease, 4 organism; 2, protocols, skipped). Streamed with saxes; a malformed file is an INVALID_FORMAT error
 * naming the line.
 */
export async function readMeshXmlVocabulary(file: string, options: MeshXmlReadOptions = {}): Promise<VocabularyFile> {
  const problems = new VocabularyProblems(file);
  const parser = new SaxesParser({ position: true });
  const records: OpenRecord[] = [];
  const stack: string[] = [];
  let text = '';
  let record: OpenRecord | null = null;
  let sawRoot = false;

  parser.on('opentag', (tag) => {
    stack.push(tag.name);
    text = '';
    if (tag.name === 'DescriptorRecordSet' || tag.name === 'SupplementalRecordSet') sawRoot = true;
    if (tag.name === 'DescriptorRecord' || tag.name === 'SupplementalRecord') {
      const scrClass = (tag.attributes as Record<string, string | undefined>).SCRClass ?? null;
      record = { line: parser.line, kind: tag.name === 'DescriptorRecord' ? 'descriptor' : 'supplemental', ui: '', name: '', terms: [], trees: [], mappedTo: [], scrClass };
    }
  });
  parser.on('text', (value) => {
    text += value;
  });
  parser.on('closetag', (tag) => {
    stack.pop();
    const parent = stack.at(-1);
    const grand = stack.at(-2);
    const r = record as OpenRecord | null;
    if (r === null) return;
    const value = text.trim();
    switch (tag.name) {
      case 'DescriptorUI':
        if (parent === 'DescriptorRecord') r.ui = value;
        // A supplementary record's HeadingMappedTo → DescriptorReferredTo → DescriptorUI (may carry a '*' qualifier mark).
        else if (grand === 'HeadingMappedTo') r.mappedTo.push(value.replace(/^\*/, ''));
        break;
      case 'SupplementalRecordUI':
        if (parent === 'SupplementalRecord') r.ui = value;
        break;
      case 'String':
        if ((parent === 'DescriptorName' && grand === 'DescriptorRecord') || (parent === 'SupplementalRecordName' && grand === 'SupplementalRecord')) r.name = value;
        else if (parent === 'Term') r.terms.push(value);
        break;
      case 'TreeNumber':
        r.trees.push(value);
        break;
      case 'DescriptorRecord':
      case 'SupplementalRecord':
        records.push(r);
        record = null;
        break;
    }
  });

  const raw = createReadStream(file);
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  if (stream !== raw) raw.on('error', (error) => stream.destroy(error));
  try {
    // One streaming, fatal decoder: a character split between two reads stays whole (Buffer#toString per
    // chunk turned each half into U+FFFD), and invalid bytes are an error, never replaced.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const decode = (chunk?: Buffer): string => {
      try {
        return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
      } catch (error) {
        const line = parser.line + (chunk === undefined ? 0 : newlinesBeforeBadUtf8(chunk));
        throw new VanerError('INVALID_UTF8', `${basename(file)} line ${line}: invalid UTF-8 byte sequence; nothing was imported`, {
          cause: error,
          details: { file: basename(file), line },
        });
      }
    };
    for await (const chunk of stream) parser.write(decode(chunk as Buffer));
    parser.write(decode());
    parser.close();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      throw new VanerError('NOT_FOUND', `vocabulary file ${basename(file)} not found`, { cause: error, details: { file: basename(file) } });
    }
    if (error instanceof VanerError) throw error;
    // saxes reports well-formedness errors as "file:line:column: message".
    throw new VanerError('INVALID_FORMAT', `${basename(file)} line ${parser.line}: not well-formed XML (${(error as Error).message.replace(/^[^:]*:\d+:\d+:\s*/, '')}); nothing was imported`, {
      cause: error,
      details: { file: basename(file), line: parser.line },
    });
  } finally {
    raw.destroy();
  }
  if (!sawRoot) problems.add(1, 'no DescriptorRecordSet or SupplementalRecordSet: is this a MeSH XML file?');

  const byTree = new Map<string, string>();
  for (const r of records) for (const t of r.trees) byTree.set(t, r.ui);
  const terms: VocabularyTerm[] = [];
  const seen = new Map<string, number>();
  let noType = 0;
  for (const r of records) {
    const bad: string[] = [];
    if (!/^[CD]\d{6,9}$/.test(r.ui)) bad.push(`record UI '${r.ui}' is not a MeSH descriptor (D…) or supplementary (C…) id`);
    if (r.name === '') bad.push(`record ${r.ui} has no name`);
    const previous = seen.get(r.ui);
    if (previous !== undefined) bad.push(`record ${r.ui} already defined on line ${previous}`);
    if (bad.length > 0) {
      problems.add(r.line, bad.join('; '));
      continue;
    }
    seen.set(r.ui, r.line);
    const type = options.type ?? (r.kind === 'descriptor' ? meshTypeOfTrees(r.trees) : SCR_CLASS_TYPES[r.scrClass ?? '1'] ?? null);
    if (type === null) {
      noType += 1;
      continue;
    }
    const parents = new Set<string>();
    for (const t of r.trees) {
      const cut = t.lastIndexOf('.');
      const p = cut < 0 ? undefined : byTree.get(t.slice(0, cut));
      if (p !== undefined && p !== r.ui) parents.add(`MESH:${p}`);
    }
    for (const d of r.mappedTo) if (/^D\d{6,9}$/.test(d)) parents.add(`MESH:${d}`);
    terms.push({
      id: `MESH:${r.ui}`,
      type,
      name: r.name,
      synonyms: [...new Set(r.terms.filter((t) => t !== r.name && t !== ''))],
      parentIds: [...parents].sort(),
      treeNumbers: [...new Set(r.trees)],
      line: r.line,
    });
  }
  problems.throwIfAny();
  return { format: 'mesh-xml', terms, skipped: noType > 0 ? { 'no entity type': noType } : {} };
}

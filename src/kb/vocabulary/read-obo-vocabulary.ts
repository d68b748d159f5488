import type { EntityType } from '../../domain/index.js';
import { readTsvLines } from '../import/tsv-lines.js';
import { VocabularyProblems } from './vocabulary-problems.js';
import { VOCABULARY_ID, type VocabularyFile, type VocabularyTerm } from './vocabulary-types.js';

/** Entity type of the ontologies whose prefix says what they name (used when no type is given). */
export const OBO_PREFIX_TYPES: Readonly<Record<string, EntityType>> = {
  DOID: 'DISEASE',
  MONDO: 'DISEASE',
  HP: 'DISEASE',
  ORDO: 'DISEASE',
  CHEBI: 'CHEMICAL',
  NCBITAXON: 'SPECIES',
  PR: 'PROTEIN',
  CL: 'CELL_TYPE',
  CLO: 'CELL_LINE',
};

/** Synonym scopes kept: OBO 1.2 EXACT and RELATED (BROAD and NARROW name other concepts). */
const KEPT_SCOPES = new Set(['EXACT', 'RELATED']);

interface OpenTerm {
  line: number;
  id: string | null;
  name: string | null;
  synonyms: string[];
  parents: string[];
  altIds: string[];
  obsolete: boolean;
}

/**
 * Reads the quoted string at the start of `value` (OBO escapes: \" \\ \n \t and any escaped
 * character as itself). Returns the text and the rest after the closing quote, or null when unclosed.
 */
function quoted(value: string): { text: string; rest: string } | null {
  if (!value.startsWith('"')) return null;
  let text = '';
  for (let i = 1; i < value.length; i += 1) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      const next = value[i + 1]!;
      text += next === 'n' ? ' ' : next === 't' ? ' ' : next;
      i += 1;
    } else if (c === '"') {
      return { text, rest: value.slice(i + 1).trim() };
    } else {
      text += c;
    }
  }
  return null;
}

/** A tag value without its trailing `! comment` and `{modifiers}` (an escaped `\!` is kept). */
function plainValue(value: string): string {
  let out = value;
  const bang = out.search(/(?<!\\)\s!/);
  if (bang >= 0) out = out.slice(0, bang);
  out = out.replace(/\s*\{[^}]*\}\s*$/, '');
  return out.replace(/\\(.)/g, '$1').trim();
}

export interface OboReadOptions {
  /** Type of every term; by default from the id prefix (OBO_PREFIX_TYPES). */
  readonly type?: EntityType;
}

/**
 * Reads an OBO 1.2 file (optionally gzipped), e.g. a Disease Ontology or ChEBI export: every
 * `[Term]` stanza with its id, name, EXACT and RELATED synonyms (also the OBO 1.0 `exact_synonym` /
 * `related_synonym` tags), `is_a` parents and `alt_id`s. Obsolete terms (`is_obsolete: true`) are
 * skipped and counted; `[Typedef]` and `[Instance]` stanzas are ignored. Ids keep their prefix.
 */
export async function readOboVocabulary(file: string, options: OboReadOptions = {}): Promise<VocabularyFile> {
  const problems = new VocabularyProblems(file);
  const terms: VocabularyTerm[] = [];
  const seen = new Map<string, number>();
  let obsolete = 0;
  let term: OpenTerm | null = null;
  let sawStanza = false;

  const typeOf = (id: string): EntityType | null => {
    if (options.type !== undefined) return options.type;
    const prefix = id.slice(0, id.indexOf(':')).toUpperCase();
    return OBO_PREFIX_TYPES[prefix] ?? null;
  };

  const close = (): void => {
    const t = term;
    term = null;
    if (t === null) return;
    if (t.id === null) return problems.add(t.line, '[Term] without an id');
    if (t.obsolete) {
      obsolete += 1;
      return;
    }
    const bad: string[] = [];
    if (!VOCABULARY_ID.test(t.id)) bad.push(`id '${t.id}' is not PREFIX:identifier`);
    if (t.name === null || t.name === '') bad.push(`term ${t.id} has no name`);
    const type = typeOf(t.id);
    if (type === null) bad.push(`no entity type for the prefix of ${t.id}; give one with --type`);
    const badParent = t.parents.find((p) => !VOCABULARY_ID.test(p));
    if (badParent !== undefined) bad.push(`is_a '${badParent}' is not PREFIX:identifier`);
    const previous = seen.get(t.id);
    if (previous !== undefined) bad.push(`id ${t.id} already defined on line ${previous}`);
    if (bad.length > 0) return problems.add(t.line, bad.join('; '));
    seen.set(t.id, t.line);
    const name = t.name!;
    terms.push({
      id: t.id,
      type: type!,
      name,
      synonyms: [...new Set(t.synonyms.filter((s) => s !== name))],
      parentIds: [...new Set(t.parents)],
      treeNumbers: [],
      line: t.line,
      ...(t.altIds.length > 0 ? { altIds: [...new Set(t.altIds)] } : {}),
    });
  };

  for await (const { line, lineNumber } of readTsvLines(file)) {
    const trimmed = line.trim();
    if (trimmed.startsWith('!')) continue;
    const stanza = /^\[(\w+)\]$/.exec(trimmed);
    if (stanza !== null) {
      close();
      sawStanza = true;
      if (stanza[1] === 'Term') term = { line: lineNumber, id: null, name: null, synonyms: [], parents: [], altIds: [], obsolete: false };
      continue;
    }
    if (term === null) continue; // header tags, or a stanza other than [Term]
    const colon = trimmed.indexOf(':');
    if (colon <= 0) {
      problems.add(lineNumber, `expected 'tag: value', found '${trimmed.slice(0, 80)}'`);
      continue;
    }
    const tag = trimmed.slice(0, colon).trim();
    const value = trimmed.slice(colon + 1).trim();
    switch (tag) {
      case 'id':
        if (term.id !== null) problems.add(lineNumber, `second id in the [Term] of ${term.id}`);
        else term.id = plainValue(value);
        break;
      case 'name':
        term.name = plainValue(value);
        break;
      case 'synonym':
      case 'exact_synonym':
      case 'related_synonym': {
        const q = quoted(value);
        if (q === null) {
          problems.add(lineNumber, `${tag} must start with a quoted string`);
          break;
        }
        const scope = tag === 'synonym' ? (/^([A-Z_]+)/.exec(q.rest)?.[1] ?? 'RELATED') : tag === 'exact_synonym' ? 'EXACT' : 'RELATED';
        const text = q.text.trim();
        if (KEPT_SCOPES.has(scope) && text !== '') term.synonyms.push(text);
        break;
      }
      case 'is_a': {
        const parent = plainValue(value).split(/\s+/)[0] ?? '';
        if (parent !== '') term.parents.push(parent);
        break;
      }
      case 'alt_id':
        term.altIds.push(plainValue(value));
        break;
      case 'is_obsolete':
        term.obsolete = plainValue(value) === 'true';
        break;
      default:
        break;
    }
  }
  close();
  if (!sawStanza) problems.add(1, 'no [Term] stanza found: is this an OBO file?');
  problems.throwIfAny();
  return { format: 'obo', terms, skipped: obsolete > 0 ? { obsolete } : {} };
}

import { isEntityType, type EntityType } from '../../domain/index.js';
import { readTsvLines, splitList } from '../import/tsv-lines.js';
import { VocabularyProblems } from './vocabulary-problems.js';
import { VOCABULARY_ID, type VocabularyFile, type VocabularyTerm } from './vocabulary-types.js';

/** The header line a tab-separated vocabulary must start with. */
export const TSV_VOCABULARY_HEADER = ['id', 'type', 'name', 'synonyms', 'parents'] as const;

/**
 * Reads a tab-separated vocabulary (optionally gzipped): the header line
 * `id<TAB>type<TAB>name<TAB>synonyms<TAB>parents`, then one concept per line; synonyms and parents
 * are `|`-separated and may be empty (trailing empty columns may be left off). `type` is an entity
 * type (CHEMICAL, DISEASE, GENE, SPECIES, …; case-insensitive). Blank lines and lines starting with
 * `#` are skipped. Every bad line is reported (see VocabularyProblems); nothing is returned then.
 */
export async function readTsvVocabulary(file: string): Promise<VocabularyFile> {
  const problems = new VocabularyProblems(file);
  const terms: VocabularyTerm[] = [];
  const seen = new Map<string, number>();
  let header = true;
  for await (const { fields, lineNumber } of readTsvLines(file)) {
    if (header) {
      header = false;
      const got = fields.map((f) => f.trim().toLowerCase());
      if (TSV_VOCABULARY_HEADER.some((column, i) => got[i] !== column) || got.length > TSV_VOCABULARY_HEADER.length) {
        problems.add(lineNumber, `the header must be '${TSV_VOCABULARY_HEADER.join('<TAB>')}', found '${fields.join('<TAB>')}'`);
        break;
      }
      continue;
    }
    if (fields.length < 3 || fields.length > 5) {
      problems.add(lineNumber, `expected 5 tab-separated columns (id, type, name, synonyms, parents), found ${fields.length}`);
      continue;
    }
    const [rawId = '', rawType = '', rawName = '', synonyms, parents] = fields;
    const id = rawId.trim();
    const type = rawType.trim().toUpperCase();
    const name = rawName.trim();
    const bad: string[] = [];
    if (!VOCABULARY_ID.test(id)) bad.push(`id '${id}' is not PREFIX:identifier`);
    if (!isEntityType(type)) bad.push(`type '${rawType}' is not an entity type`);
    if (name === '') bad.push('name is empty');
    const parentIds = splitList(parents);
    const badParent = parentIds.find((p) => !VOCABULARY_ID.test(p));
    if (badParent !== undefined) bad.push(`parent '${badParent}' is not PREFIX:identifier`);
    if (parentIds.includes(id)) bad.push(`${id} lists itself as a parent`);
    const previous = seen.get(id);
    if (previous !== undefined) bad.push(`id ${id} already defined on line ${previous}`);
    if (bad.length > 0) {
      problems.add(lineNumber, bad.join('; '));
      continue;
    }
    seen.set(id, lineNumber);
    terms.push({
      id,
      type: type as EntityType,
      name,
      synonyms: splitList(synonyms).filter((s) => s !== name),
      parentIds,
      treeNumbers: [],
      line: lineNumber,
    });
  }
  if (header) problems.add(1, 'the file is empty (expected the header line)');
  problems.throwIfAny();
  return { format: 'tsv', terms, skipped: {} };
}

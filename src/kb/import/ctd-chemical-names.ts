import type { EntityRecord } from '../../domain/index.js';
import { normalizeName } from '../normalize.js';
import { formatError, readTsvLines } from './tsv-lines.js';

/** Ids of CTD's chemical names without an identifier: `CTDNAME:<line of the names file>` (src/kb/names-only.ts). */
export const NAMES_ONLY_ID_PREFIX = 'CTDNAME:';

/** The source of the names-only chemical entities (`vaner kb sources` lists, disables and removes it). */
export const CTD_CHEMICAL_NAMES_SOURCE = 'ctd-chemical-names-2015';

/** Longest name read: CTD lists a few IUPAC names of several hundred characters; longer lines are not names. */
const MAX_NAME_LENGTH = 1000;

/**
 * Reads CTD's 2015 chemical names file (one name per line, no ids; `data/kb/ctd-chemical-names-2015.txt.gz`) and
 * yields a names-only CHEMICAL entity for each name whose normalised form (`normalizeName`, the dictionary's key) is
 * not in `knownKeys`, nor a repeat of an earlier line. CTD's chemical vocabulary names MeSH supplementary records
 * (drug codes such as `SM 21`, `A-86929`, `KF17837`) that no file with ids in data/kb names; BC5CDR's annotators
 * worked from the same vocabulary. The id is the line number, so it stays the same when other vocabularies change.
 */
export async function* readCtdChemicalNames(file: string, knownKeys: ReadonlySet<string>): AsyncGenerator<EntityRecord> {
  const seen = new Set<string>();
  for await (const { line, lineNumber } of readTsvLines(file)) {
    const name = line.trim();
    if (name.includes('\t')) throw formatError(file, lineNumber, 'expected one name per line, found a tab');
    if (name.length > MAX_NAME_LENGTH) throw formatError(file, lineNumber, `name longer than ${MAX_NAME_LENGTH} characters`);
    const key = normalizeName(name);
    if (key === '' || knownKeys.has(key) || seen.has(key)) continue;
    seen.add(key);
    yield {
      id: `${NAMES_ONLY_ID_PREFIX}${lineNumber}`,
      type: 'CHEMICAL',
      name,
      synonyms: [],
      parentIds: [],
      treeNumbers: [],
      source: CTD_CHEMICAL_NAMES_SOURCE,
    };
  }
}

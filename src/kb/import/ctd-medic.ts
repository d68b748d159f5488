import type { EntityRecord } from '../../domain/index.js';
import { formatError, readTsvLines, splitList } from './tsv-lines.js';

/** A CTD MEDIC disease and the alternative ids (OMIM, DO) that CTD maps onto it. */
export interface CtdDisease {
  readonly record: EntityRecord;
  readonly altIds: readonly string[];
}

const ROOT_ID = 'MESH:C';
const DISEASE_ID = /^(?:MESH:[CD]\d{6,9}|OMIM:\d+)$/;

/**
 * OMIM titles imported into MEDIC mark alternative titles with ', INCLUDED' (and sometimes list the
 * bare word 'INCLUDED'): strip the marker, drop the bare word, which would otherwise match the verb.
 */
function cleanSynonyms(synonyms: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of synonyms) {
    const cleaned = s.replace(/,\s*INCLUDED$/, '').trim();
    if (cleaned !== '' && cleaned !== 'INCLUDED') out.add(cleaned);
  }
  return [...out];
}

/**
 * Streams CTD MEDIC (`CTD_diseases.tsv[.gz]`): DiseaseName, DiseaseID, AltDiseaseIDs, Definition,
 * ParentIDs, TreeNumbers, ParentTreeNumbers, Synonyms, SlimMappings. Every row becomes a DISEASE
 * entity with all its synonyms (preferred name excluded), parents and tree numbers.
 */
export async function* readCtdMedic(file: string): AsyncGenerator<CtdDisease> {
  for await (const { fields, lineNumber } of readTsvLines(file)) {
    if (fields.length < 8) throw formatError(file, lineNumber, `expected at least 8 tab-separated fields, found ${fields.length}`);
    const [name, id, alt, , parents, trees, , synonyms] = fields as [string, string, string, string, string, string, string, string];
    // MEDIC's root row ('Diseases', MESH:C, tree C) is the category itself, not a disease concept.
    if (id === ROOT_ID) continue;
    if (!DISEASE_ID.test(id)) throw formatError(file, lineNumber, `invalid DiseaseID '${id}'`);
    const preferred = name.trim();
    if (preferred === '') throw formatError(file, lineNumber, 'empty DiseaseName');
    yield {
      record: {
        id,
        type: 'DISEASE',
        name: preferred,
        synonyms: cleanSynonyms(splitList(synonyms)).filter((s) => s !== preferred),
        parentIds: splitList(parents).filter((p) => p !== ROOT_ID),
        treeNumbers: splitList(trees),
        source: 'ctd-medic',
      },
      altIds: splitList(alt),
    };
  }
}

/**
 * Gene and species vocabularies shipped in data/kb beside the MeSH/CTD files, imported as ordinary vocabulary
 * sources (`vaner kb sources` lists, disables and removes them like a user's). Why by default: the shipped chemical
 * and disease vocabularies give the VANER model no GENE or SPECIES knowledge ids at all, and with these two the model's
 * development F1 rises (README, "The model reads the knowledge base"); genes and species mentions also get NCBI ids.
 * The first two are built from TRAINING annotations only (scripts/build-species-gene-vocabularies.mjs); the third is the
 * MeSH organisms (tree B) filtered by rules measured on development sets (scripts/build-mesh-organisms.mjs), a
 * vocabulary rather than a corpus: development scores measured with them stay honest. The fourth holds the species
 * mention texts of the LINNAEUS training annotations (a corpus without ids) as names-only entities
 * (scripts/build-annotation-names.mjs): recognised, never linked to.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { silentLogger, type Logger } from '../log.js';
import type { KnowledgeBaseStore } from '../store/ports/index.js';
import { importVocabularyFile, type ImportVocabularyResult } from './import-vocabulary.js';

export const BUNDLED_VOCABULARIES: readonly { readonly source: string; readonly file: string }[] = [
  { source: 'ncbi-gene-train', file: 'ncbi-gene-train.tsv.gz' },
  { source: 'ncbi-taxonomy-s800-train', file: 'ncbi-taxonomy-s800-train.tsv.gz' },
  { source: 'mesh-organisms', file: 'mesh-organisms.tsv.gz' },
  // Names-only (CORPUSNAME:…, src/kb/names-only.ts): LINNAEUS training species mention texts.
  { source: 'training-annotation-names', file: 'training-annotation-names.tsv.gz' },
];

/**
 * Imports each bundled vocabulary whose file is in `kbDir` and whose source the store does not have yet. A source a
 * curator disabled stays as it is; one they removed comes back with the next `vaner kb import` (documented).
 * A KB folder without the files (an older data/kb, a user's own folder) imports nothing.
 */
export async function importBundledVocabularies(
  store: Pick<KnowledgeBaseStore, 'importVocabulary' | 'listSources'>,
  kbDir: string,
  logger: Logger = silentLogger,
): Promise<ImportVocabularyResult[]> {
  const present = new Set((await store.listSources()).map((s) => s.name));
  const results: ImportVocabularyResult[] = [];
  for (const { source, file } of BUNDLED_VOCABULARIES) {
    const full = path.join(kbDir, file);
    if (present.has(source) || !existsSync(full)) continue;
    results.push(await importVocabularyFile(store, { file: full, source, logger }));
  }
  return results;
}

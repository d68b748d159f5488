import { join } from 'node:path';
import { readCorpusNames } from './import/corpus-names.js';
import { KB_FILES } from './knowledge-base-source.js';

/**
 * Entity id -> number of training/development mentions annotated with it, summed over its corpus
 * names (data/kb/corpus-names.tsv.gz). The exact linker uses it to break ties between entities that
 * share a name: the one annotators chose more often is the likelier reading.
 */
export async function readAnnotationCounts(kbDir: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const entry of await readCorpusNames(join(kbDir, KB_FILES.corpusNames))) {
    counts.set(entry.curie, (counts.get(entry.curie) ?? 0) + entry.count);
  }
  return counts;
}

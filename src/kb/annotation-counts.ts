import { join } from 'node:path';
import { readCorpusNames } from './import/corpus-names.js';
import { KB_FILES } from './knowledge-base-source.js';
import { foldedKey } from './normalize.js';

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

/**
 * `entityId \u0000 foldedKey(name)` -> how often the training corpora annotated that exact text
 * (case folded) with that entity: the per-name prior that decides names several entities share
 * ('psychosis' is Psychoses, Substance-Induced in BC5CDR's convention, not Psychotic Disorders).
 */
export async function readAnnotationNameCounts(kbDir: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const entry of await readCorpusNames(join(kbDir, KB_FILES.corpusNames))) {
    const key = annotationNameKey(entry.curie, entry.name);
    counts.set(key, (counts.get(key) ?? 0) + entry.count);
  }
  return counts;
}

/** The key of readAnnotationNameCounts. */
export function annotationNameKey(entityId: string, name: string): string {
  return `${entityId}\u0000${foldedKey(name)}`;
}

/**
 * Licensed corpora (BC5CDR, NCBI-disease, …) are not in the repository. Tests that need one find it
 * the way the training pipeline does (training/vaner/data.py): under $VANER_DATA, else under
 * ../shared/data beside the repository. A test whose corpus is absent is reported as skipped, and its
 * name says which file it looked for.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const CORPUS_DIR = process.env.VANER_DATA || path.resolve(import.meta.dirname, '..', '..', 'shared', 'data');

export interface CorpusFile {
  readonly path: string;
  readonly present: boolean;
  /** `title` when the file is present, else a name that says the test skips and why. */
  name(title: string): string;
}

/** A corpus file by its path under CORPUS_DIR, e.g. 'bc5cdr/CDR_DevelopmentSet.PubTator.txt'. */
export function corpusFile(relative: string): CorpusFile {
  const file = path.join(CORPUS_DIR, relative);
  const present = existsSync(file);
  return { path: file, present, name: (title) => (present ? title : `${title} — SKIPPED: ${file} is absent (set VANER_DATA to the corpora folder)`) };
}

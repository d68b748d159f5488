import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { VanerError } from '../../errors.js';
import type { EntityType } from '../../domain/index.js';
import { readMeshXmlVocabulary } from './read-mesh-xml-vocabulary.js';
import { readOboVocabulary } from './read-obo-vocabulary.js';
import { readTsvVocabulary } from './read-tsv-vocabulary.js';
import { VOCABULARY_FORMATS, type VocabularyFile, type VocabularyFormat } from './vocabulary-types.js';

export interface ReadVocabularyOptions {
  /** @defaultValue from the file name: `.obo` → obo, `.xml` → mesh-xml, otherwise tsv (a `.gz` suffix is looked through) */
  readonly format?: VocabularyFormat;
  /** Entity type of every term (OBO and MeSH XML; a TSV file names its own types). */
  readonly type?: EntityType;
}

/** The format a file name suggests (see ReadVocabularyOptions.format). */
export function vocabularyFormatOf(file: string): VocabularyFormat {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.obo')) return 'obo';
  if (name.endsWith('.xml')) return 'mesh-xml';
  return 'tsv';
}

/**
 * Reads a whole vocabulary file and checks every line before anything is imported: a file with a
 * bad line yields one INVALID_FORMAT error listing the bad lines (see VocabularyProblems), so a
 * failed file never reaches the store half-read.
 */
export async function readVocabulary(file: string, options: ReadVocabularyOptions = {}): Promise<VocabularyFile> {
  const format = options.format ?? vocabularyFormatOf(file);
  if (!(VOCABULARY_FORMATS as readonly string[]).includes(format)) {
    throw new VanerError('BAD_USER_INPUT', `unknown vocabulary format '${String(format)}' (expected ${VOCABULARY_FORMATS.join(', ')})`, { details: { field: 'format' } });
  }
  if (format === 'tsv' && options.type !== undefined) {
    throw new VanerError('BAD_USER_INPUT', 'a TSV vocabulary names the type of each line; --type is for OBO and MeSH XML files', { details: { field: 'type' } });
  }
  // A directory would fail inside a reader as "unreadable" or "not well-formed XML (EISDIR …)".
  if ((await stat(file).catch(() => null))?.isDirectory()) {
    throw new VanerError('BAD_USER_INPUT', `vocabulary file ${basename(file)} is a directory; give one file`, { details: { file: basename(file) } });
  }
  const typed = options.type === undefined ? {} : { type: options.type };
  if (format === 'obo') return readOboVocabulary(file, typed);
  if (format === 'mesh-xml') return readMeshXmlVocabulary(file, typed);
  return readTsvVocabulary(file);
}

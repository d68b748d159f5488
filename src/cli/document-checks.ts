/**
 * The per-document checks the CLI applies before labelling locally (`vaner annotate`), the same
 * limits the API applies on submit: a document longer than VANER_MAX_DOCUMENT_CHARS is
 * DOCUMENT_TOO_LARGE, one without a visible character is EMPTY_TEXT. Each rejected document is
 * reported on stderr as `error [CODE]: file:line: …` and skipped, so one bad document neither stops
 * the run nor passes silently.
 */
import path from 'node:path';
import { VanerError } from '../errors.js';
import { describeInputs, type DocumentRecord, type PlannedInput } from '../formats/index.js';

/** A character that is neither white space nor an invisible control or format character (ZWSP, bidi marks, BOM). */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}]/u;

export function hasVisibleCharacter(text: string): boolean {
  return VISIBLE.test(text);
}

export interface CheckedDocuments {
  /** The documents that pass, in input order. */
  readonly documents: AsyncGenerator<DocumentRecord>;
  /** Documents rejected so far. */
  rejected(): number;
}

export function checkDocuments(records: AsyncIterable<DocumentRecord>, maxDocumentChars: number, write: (text: string) => void = (t) => process.stderr.write(t)): CheckedDocuments {
  let rejected = 0;
  const reject = (record: DocumentRecord, code: 'DOCUMENT_TOO_LARGE' | 'EMPTY_TEXT', message: string): void => {
    rejected += 1;
    const id = record.externalId === null ? '' : ` ${record.externalId}`;
    write(`error [${code}]: ${displayPath(record.file)}:${record.line}: document${id} ${message}; skipped\n`);
  };
  async function* documents(): AsyncGenerator<DocumentRecord> {
    for await (const record of records) {
      // Counted as the API counts them (UTF-16 code units of the text, and of the title on its own).
      const length = Math.max(record.text.length, record.title?.length ?? 0);
      if (length > maxDocumentChars) {
        reject(record, 'DOCUMENT_TOO_LARGE', `has ${length} characters; the limit is ${maxDocumentChars} (VANER_MAX_DOCUMENT_CHARS)`);
        continue;
      }
      if (!hasVisibleCharacter(record.text)) {
        reject(record, 'EMPTY_TEXT', 'has no visible character');
        continue;
      }
      yield record;
    }
  }
  return { documents: documents(), rejected: () => rejected };
}

/** The error for an input without any document: what was read, as what. */
export function noDocumentError(label: string, plan: readonly PlannedInput[]): VanerError {
  const what = plan.length === 0 ? 'no file with a document extension (.txt, .pubtator, .jsonl, .xml, .json, .conll ...)' : describeInputs(plan, displayPath);
  return new VanerError('BAD_USER_INPUT', `no document found in ${label} (read: ${what})`, { details: { file: label } });
}

/** A path relative to the working directory when it lies below it, else as given. */
export function displayPath(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

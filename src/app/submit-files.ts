/**
 * The submitFiles use case: files sent in a request body (what a browser can upload) are read with
 * the same format readers as `vaner submit`, then stored and queued through submitDocuments in
 * batches of the configured maximum, one job per batch. The files live in a private temporary
 * directory for the duration of the call only; messages name the uploaded file, never that directory.
 *
 * Invalid documents across batches: every record is validated before any batch is stored. An upload none of whose
 * documents is valid is refused whole, with every error (indices counted across the upload). A batch whose every
 * document is invalid, in an upload with valid ones elsewhere, is reported like any batch (its documents REJECTED,
 * an empty job) rather than refusing the call: the batches before it are already stored and queued, and a refusal
 * told the submitter the upload had failed when most of it had not (and, when the first batch was the invalid one,
 * refused the valid batches after it).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isVanerError, VanerError } from '../errors.js';
import type { JobQueue } from '../jobs/port.js';
import { readDocuments, resolveFormat, type DocumentRecord, type FormatName, type FormatWarning } from '../formats/index.js';
import type { DocumentStore } from '../store/index.js';
import { allInvalid, submitDocuments, validateDocument, type SubmissionResult, type SubmitDocumentInput, type SubmitLimits } from './submit-documents.js';

/** Most files in one call (a BRAT collection is a .txt and an .ann per document). */
export const MAX_UPLOAD_FILES = 2000;

export interface UploadFile {
  /** The file's name as the client had it; only its last path segment is used. */
  readonly name: string;
  readonly content: string;
  /** @defaultValue 'utf8'; 'base64' for binary content such as gzip */
  readonly encoding?: 'utf8' | 'base64' | null;
}

export interface FileSubmissionResult {
  /** The formats the files were read as (detected per file unless one was named). */
  readonly formats: FormatName[];
  readonly documentCount: number;
  /** One per batch of at most maxBatchDocuments documents, in file order. */
  readonly submissions: SubmissionResult[];
  /** What the readers skipped on purpose, e.g. `abstracts.txt:12: IGNORED_LINE ...`. */
  readonly warnings: string[];
}

const SAFE_NAME = /^[^/\\\0]+$/;
/** Standard base64, once whitespace (line-wrapped encoders) is removed; a plain character class, so no backtracking. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function isBase64(content: string): boolean {
  const compact = content.replace(/\s+/g, '');
  return compact.length % 4 === 0 && BASE64.test(compact);
}

function checkFiles(files: readonly UploadFile[]): string[] {
  if (files.length === 0) throw new VanerError('BAD_USER_INPUT', 'no files to submit', { details: { field: 'files' } });
  if (files.length > MAX_UPLOAD_FILES) {
    throw new VanerError('BAD_USER_INPUT', `at most ${MAX_UPLOAD_FILES} files per call, got ${files.length}`, { details: { field: 'files' } });
  }
  const names = files.map((f, index) => {
    // Browsers send bare names; a path from another client keeps its last segment only.
    const name = f.name.split(/[/\\]/).pop() ?? '';
    if (name === '' || name === '.' || name === '..' || !SAFE_NAME.test(name)) {
      throw new VanerError('BAD_USER_INPUT', `file ${index}: ${JSON.stringify(f.name)} is not a usable file name`, { details: { index, field: 'name' } });
    }
    return name;
  });
  files.forEach((f, index) => {
    // Buffer.from(…, 'base64') skips what is not base64: text sent as BASE64 by mistake became bytes nobody sent.
    if (f.encoding === 'base64' && !isBase64(f.content)) {
      throw new VanerError('BAD_USER_INPUT', `file ${index}: ${names[index]} is not valid base64 (encoding BASE64)`, { details: { index, field: 'content' } });
    }
  });
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (seen.has(name)) throw new VanerError('BAD_USER_INPUT', `file ${index}: ${name} is sent twice`, { details: { index, field: 'name' } });
    seen.add(name);
  });
  return names;
}

/** The batch input of one record (BioC passages travel along so exports can rebuild them), as `vaner submit` sends it. */
function toInput(r: DocumentRecord): SubmitDocumentInput {
  const passages = (r.metadata as { passages?: unknown } | null | undefined)?.passages;
  return {
    externalId: r.externalId,
    title: r.title,
    text: r.text,
    passages: Array.isArray(passages)
      ? (passages as { offset: number; length: number; infons?: Record<string, string> }[]).map((p) => ({ offset: p.offset, length: p.length, type: p.infons?.type ?? null }))
      : null,
  };
}

/** Reads, stores and queues the uploaded files. INVALID_FORMAT / INVALID_UTF8 name the file and line. */
export async function submitFiles(
  store: DocumentStore,
  queue: JobQueue,
  limits: SubmitLimits,
  files: readonly UploadFile[],
  format: FormatName | 'auto' = 'auto',
  options: { readonly owner?: string | null } = {},
): Promise<FileSubmissionResult> {
  const names = checkFiles(files);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vaner-upload-'));
  // Readers name the file they read; clients know it by its uploaded name only.
  const clientPath = (text: string): string => text.replaceAll(`${dir}${path.sep}`, '').replaceAll(dir, '(upload)');
  try {
    await Promise.all(files.map((f, i) => writeFile(path.join(dir, names[i]!), Buffer.from(f.content, f.encoding === 'base64' ? 'base64' : 'utf8'))));
    // BRAT pairs a .txt with an .ann file: the collection is the directory. Every other format is read file by file.
    const brat = format === 'brat' || (format === 'auto' && names.some((n) => n.toLowerCase().endsWith('.ann')));
    const targets = brat ? [dir] : names.map((n) => path.join(dir, n));
    const warnings: string[] = [];
    const onWarning = (w: FormatWarning): void => {
      if (warnings.length < 100) warnings.push(clientPath(`${w.file}:${w.line}: ${w.kind} ${w.message}`));
    };
    const records: DocumentRecord[] = [];
    const used = new Set<FormatName>();
    for (const target of targets) {
      const resolved = await resolveFormat(target, brat ? 'brat' : format);
      used.add(resolved);
      for await (const record of readDocuments(target, { format: resolved, onWarning })) records.push(record);
    }
    if (records.length === 0) throw new VanerError('BAD_USER_INPUT', 'the files hold no documents', { details: { field: 'files' } });
    const inputs = records.map(toInput);
    const problems = inputs.map((input) => validateDocument(input, limits));
    if (problems.every((p) => p !== null)) {
      throw allInvalid(problems.map((p, index) => ({ index, ...p! })));
    }
    const submissions: SubmissionResult[] = [];
    for (let i = 0; i < inputs.length; i += limits.maxBatchDocuments) {
      const batch = inputs.slice(i, i + limits.maxBatchDocuments);
      const batchProblems = problems.slice(i, i + limits.maxBatchDocuments);
      if (batchProblems.every((p) => p !== null)) {
        // Nothing to store: the batch's rejections and an empty job (completed at once), as a batch of documents
        // that are all unchanged gets one, so every batch has a job to show.
        const job = await queue.enqueue([], { owner: options.owner ?? null });
        const outcomes = batchProblems.map((p, index) => ({ index, externalId: batch[index]!.externalId ?? null, documentId: null, outcome: 'REJECTED' as const, error: { code: p!.code, message: p!.message } }));
        submissions.push({ job, documents: [], outcomes });
        continue;
      }
      submissions.push(await submitDocuments(store, queue, limits, batch, options));
    }
    return { formats: [...used], documentCount: records.length, submissions, warnings };
  } catch (error) {
    if (isVanerError(error)) throw new VanerError(error.code, clientPath(error.message), { retriable: error.retriable, details: error.details === undefined ? undefined : JSON.parse(clientPath(JSON.stringify(error.details))) as Record<string, unknown> });
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

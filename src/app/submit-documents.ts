/**
 * The submitDocuments use case, independent of HTTP and GraphQL so it can be tested directly.
 *
 * Rule for batches (documented in the schema):
 * - more than `maxBatchDocuments` inputs, or none at all, fails the whole call before any write;
 * - every input is validated before anything is written;
 * - invalid inputs are REJECTED with a per-index error while valid ones are stored, so nothing good
 *   is lost; when every input is invalid the call fails with a coded error carrying every index;
 * - valid inputs go to `store.putDocuments` (idempotent by externalId); created and updated
 *   documents, and unchanged ones that were never annotated, are enqueued in one job. A job with no
 *   documents is still created (the queue completes it at once) so clients always get a job to poll.
 * - `options.scheme` (the annotation scheme) travels with the job to the annotate processor; an unchanged
 *   document annotated under another scheme is enqueued again.
 */
import { hasVisibleCharacter, identifierProblem } from '../domain/index.js';
import { VanerError, type ErrorCode } from '../errors.js';
import type { EnqueueOptions, JobInfo, JobQueue } from '../jobs/port.js';
import type { DocumentInput, PutOutcome, StoredDocument } from '../domain/index.js';
import type { DocumentStore } from '../store/index.js';
import { checkPassages, passagesMetadata, type PassageInput } from './passages.js';

export interface SubmitLimits {
  /** Largest accepted text (and title), in UTF-16 code units: the unit mention offsets are counted in. */
  readonly maxDocumentChars: number;
  /** Most documents per call. */
  readonly maxBatchDocuments: number;
}

export interface SubmitDocumentInput {
  readonly externalId?: string | null;
  readonly title?: string | null;
  readonly text: string;
  /** Original passages (BioC), kept in metadata.passages for export. */
  readonly passages?: readonly PassageInput[] | null;
}

export type SubmissionOutcomeKind = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'REJECTED';

export interface InputError {
  readonly index: number;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface SubmissionOutcome {
  readonly index: number;
  /** The input's externalId as sent (null when it had none): how a caller finds a rejected input in its file. */
  readonly externalId: string | null;
  readonly documentId: string | null;
  readonly outcome: SubmissionOutcomeKind;
  readonly error: { readonly code: ErrorCode; readonly message: string } | null;
}

export interface SubmissionResult {
  readonly job: JobInfo;
  /** Accepted documents, in input order. */
  readonly documents: StoredDocument[];
  /** One per input, in input order. */
  readonly outcomes: SubmissionOutcome[];
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one: such a
// string has no UTF-8 encoding, so storing it would corrupt the text or break offsets later.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first problem with one input, or null when it is valid. Exported for tests. */
export function validateDocument(input: SubmitDocumentInput, limits: SubmitLimits): { code: ErrorCode; message: string } | null {
  for (const field of ['externalId', 'title', 'text'] as const) {
    const value = input[field];
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) {
      return { code: 'INVALID_UTF8', message: `${field} is not valid Unicode (it contains a lone UTF-16 surrogate)` };
    }
  }
  if (input.externalId !== undefined && input.externalId !== null) {
    const why = identifierProblem('externalId', input.externalId);
    if (why !== null) return { code: 'BAD_USER_INPUT', message: input.externalId === '' ? 'externalId must not be empty; omit it instead' : why };
  }
  if (!hasVisibleCharacter(input.text)) {
    return { code: 'EMPTY_TEXT', message: 'text is empty or has no visible character' };
  }
  if (input.text.length > limits.maxDocumentChars) {
    return { code: 'DOCUMENT_TOO_LARGE', message: `text has ${input.text.length} characters; the limit is ${limits.maxDocumentChars}` };
  }
  if (typeof input.title === 'string' && input.title.length > limits.maxDocumentChars) {
    return { code: 'DOCUMENT_TOO_LARGE', message: `title has ${input.title.length} characters; the limit is ${limits.maxDocumentChars}` };
  }
  return checkPassages(input.passages, input.text);
}

/**
 * The error for a call none of whose inputs is valid: the inputs' common code (BAD_USER_INPUT when they differ),
 * with every error in `details.errors`. Also what submitFiles refuses a whole upload with.
 */
export function allInvalid(errors: readonly InputError[]): VanerError {
  const code: ErrorCode = new Set(errors.map((e) => e.code)).size === 1 ? errors[0]!.code : 'BAD_USER_INPUT';
  const message = errors.length === 1 ? errors[0]!.message : `all ${errors.length} documents are invalid`;
  return new VanerError(code, message, { details: { errors } });
}

const OUTCOME: Record<PutOutcome, SubmissionOutcomeKind> = { created: 'CREATED', updated: 'UPDATED', unchanged: 'UNCHANGED' };

/**
 * Validates, stores and enqueues a batch of documents (see the module comment for the rules).
 * Throws VanerError PAYLOAD_TOO_LARGE for an oversized batch, BAD_USER_INPUT for an empty one,
 * and, when every input is invalid, the inputs' common code (or BAD_USER_INPUT when they differ)
 * with `details.errors` = [{ index, code, message }].
 */
export async function submitDocuments(
  store: Pick<DocumentStore, 'putDocuments'>,
  queue: JobQueue,
  limits: SubmitLimits,
  inputs: readonly SubmitDocumentInput[],
  options: EnqueueOptions = {},
): Promise<SubmissionResult> {
  if (inputs.length > limits.maxBatchDocuments) {
    throw new VanerError('PAYLOAD_TOO_LARGE', `${inputs.length} documents in one call; the limit is ${limits.maxBatchDocuments}`, {
      details: { documents: inputs.length, limit: limits.maxBatchDocuments },
    });
  }
  if (inputs.length === 0) {
    throw new VanerError('BAD_USER_INPUT', 'documents must contain at least one document', { details: { field: 'documents' } });
  }

  const errors: InputError[] = [];
  const accepted: { index: number; input: DocumentInput }[] = [];
  const firstIndexOfExternalId = new Map<string, number>();
  inputs.forEach((input, index) => {
    const problem = validateDocument(input, limits);
    if (problem) {
      errors.push({ index, ...problem });
      return;
    }
    const externalId = input.externalId ?? null;
    if (externalId !== null) {
      // Two inputs for one externalId would race inside putDocuments (the last silently wins);
      // the later ones are refused so the caller sees the ambiguity.
      const first = firstIndexOfExternalId.get(externalId);
      if (first !== undefined) {
        errors.push({ index, code: 'CONFLICT', message: `externalId ${JSON.stringify(externalId)} already appears at index ${first} of this batch` });
        return;
      }
      firstIndexOfExternalId.set(externalId, index);
    }
    accepted.push({ index, input: { externalId, title: input.title ?? null, text: input.text, metadata: passagesMetadata(input.passages) } });
  });

  if (accepted.length === 0) throw allInvalid(errors);

  const results = await store.putDocuments(accepted.map((a) => a.input));
  if (results.length !== accepted.length) {
    throw new VanerError('INTERNAL', `putDocuments returned ${results.length} results for ${accepted.length} documents`);
  }

  const toAnnotate = new Set<string>();
  for (const { document, outcome } of results) {
    // Unchanged but never annotated: an earlier job failed or is still pending. Enqueueing again is
    // safe because replaceMentions is atomic and refuses stale text hashes. Unchanged but annotated under
    // another scheme than the one asked for: annotated again under that scheme.
    const otherScheme = options.scheme !== undefined && options.scheme !== null && document.scheme !== options.scheme;
    if (outcome !== 'unchanged' || document.annotatedAt === null || otherScheme) toAnnotate.add(document.id);
  }
  // The job records who submitted (and so who created or changed each document it holds), and the scheme.
  const job = await queue.enqueue([...toAnnotate], { owner: options.owner ?? null, scheme: options.scheme ?? null });

  const externalIdAt = (index: number): string | null => inputs[index]!.externalId ?? null;
  const outcomes: SubmissionOutcome[] = inputs.map((_, index) => ({ index, externalId: externalIdAt(index), documentId: null, outcome: 'REJECTED', error: null }));
  for (const e of errors) outcomes[e.index] = { index: e.index, externalId: externalIdAt(e.index), documentId: null, outcome: 'REJECTED', error: { code: e.code, message: e.message } };
  accepted.forEach(({ index }, i) => {
    const result = results[i]!;
    outcomes[index] = { index, externalId: externalIdAt(index), documentId: result.document.id, outcome: OUTCOME[result.outcome], error: null };
  });

  return { job, documents: results.map((r) => r.document), outcomes };
}

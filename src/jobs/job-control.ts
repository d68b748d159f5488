/**
 * Rules every queue adapter shares, so the two adapters cannot drift apart: argument validation
 * (ids, pages, worker concurrency, progress), what may be cancelled, what a retry re-runs, and what
 * counts as a processor's result.
 */
import { VanerError } from '../errors.js';
import type { DocumentFailure, JobInfo, JobProgress, ListJobsArgs, ProcessResult, WorkerOptions } from './port.js';

/** Most jobs one listJobs page returns. */
export const MAX_JOB_PAGE = 1000;

const STATES = new Set(['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED']);

/** Validated listJobs arguments; `updatedSinceMs` is epoch ms (or null). */
export interface CheckedListArgs {
  readonly state: ListJobsArgs['state'];
  readonly first: number;
  readonly after: string | null;
  readonly updatedSinceMs: number | null;
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/**
 * Epoch ms of an ISO 8601 date or date-time, or null. Stricter than Date.parse, which takes `2026-02-30` for
 * March 2 and free text such as `Dec 8 2026`: a listing filtered by a day that does not exist answers nothing
 * the caller meant. A time without an offset is UTC, as a date alone is.
 */
export function parseIsoTimestamp(text: string): number | null {
  const m = ISO_TIMESTAMP.exec(text);
  if (m === null) return null;
  const n = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || n(10) > 23 || n(11) > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000));
  const date = new Date(ms);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  const offsetMinutes = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (n(10) * 60 + n(11));
  return ms - offsetMinutes * 60_000;
}

/** Throws BAD_USER_INPUT naming the field for a bad page size, state or timestamp. */
export function checkListArgs(args: ListJobsArgs): CheckedListArgs {
  if (!Number.isInteger(args.first) || args.first < 0 || args.first > MAX_JOB_PAGE) {
    throw new VanerError('BAD_USER_INPUT', `first must be an integer in [0, ${MAX_JOB_PAGE}]`, { details: { field: 'first' } });
  }
  if (args.state !== undefined && args.state !== null && !STATES.has(args.state)) {
    throw new VanerError('BAD_USER_INPUT', `unknown job state ${JSON.stringify(args.state)}`, { details: { field: 'state' } });
  }
  let updatedSinceMs: number | null = null;
  if (args.updatedSince !== undefined && args.updatedSince !== null) {
    updatedSinceMs = parseIsoTimestamp(args.updatedSince);
    if (updatedSinceMs === null) {
      throw new VanerError('BAD_USER_INPUT', 'updatedSince must be an ISO 8601 timestamp of a real date and time, e.g. 2026-12-08T09:30:00Z', { details: { field: 'updatedSince' } });
    }
  }
  return { state: args.state ?? null, first: args.first, after: args.after ?? null, updatedSinceMs };
}

/** NOT_FOUND for a job id the queue does not know. */
export function jobNotFound(id: string): VanerError {
  return new VanerError('NOT_FOUND', `no job with id ${JSON.stringify(id)}`, { details: { jobId: id } });
}

/** CONFLICT for cancelling a job that already finished. */
export function notCancellable(info: JobInfo): VanerError {
  return new VanerError('CONFLICT', `job ${info.id} is ${info.state} and can no longer be cancelled`, { details: { jobId: info.id, state: info.state } });
}

/**
 * The documents a retry of `info` re-runs: all of a FAILED or CANCELLED job (the processor skips
 * those already annotated), the failed ones of a COMPLETED job. CONFLICT when there is nothing to retry.
 */
/** A scheme for EnqueueOptions: null or a non-empty string. */
export function checkScheme(scheme: unknown): string | null {
  if (scheme === undefined || scheme === null) return null;
  if (typeof scheme !== 'string' || scheme === '' || scheme.length > 100) {
    throw new VanerError('BAD_USER_INPUT', 'scheme must be a non-empty string of at most 100 characters', { details: { field: 'scheme' } });
  }
  return scheme;
}

export function documentsToRetry(info: JobInfo): string[] {
  if (info.state === 'FAILED' || info.state === 'CANCELLED') return [...info.documentIds];
  if (info.state === 'COMPLETED' && info.failures.length > 0) return [...new Set(info.failures.map((f) => f.documentId))];
  const why = info.state === 'COMPLETED' ? 'completed without failures' : `still ${info.state}`;
  throw new VanerError('CONFLICT', `job ${info.id} is ${why}; there is nothing to retry`, { details: { jobId: info.id, state: info.state } });
}

/** Most ids one enqueue or getJobs call accepts (the same bound as a GraphQL page). */
export const MAX_JOB_IDS = 10_000;
/** Most jobs one worker runs at once (VANER_WORKER_CONCURRENCY has the same bound). */
export const MAX_WORKER_CONCURRENCY = 64;

/** BAD_USER_INPUT naming the field (and index) unless `ids` is an array of at most MAX_JOB_IDS non-empty strings. */
export function checkJobIds(ids: readonly string[], field: 'documentIds' | 'ids'): void {
  if (!Array.isArray(ids)) throw new VanerError('BAD_USER_INPUT', `${field} must be an array of ids`, { details: { field } });
  if (ids.length > MAX_JOB_IDS) throw new VanerError('BAD_USER_INPUT', `${field}: at most ${MAX_JOB_IDS} ids`, { details: { field } });
  ids.forEach((id, index) => {
    if (typeof id !== 'string' || id === '') {
      throw new VanerError('BAD_USER_INPUT', `${field}[${index}] must be a non-empty string`, { details: { field, index } });
    }
  });
}

/** The worker's concurrency (default 1); BAD_USER_INPUT outside 1..MAX_WORKER_CONCURRENCY. */
export function checkConcurrency(options: WorkerOptions): number {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_WORKER_CONCURRENCY) {
    throw new VanerError('BAD_USER_INPUT', `concurrency must be an integer between 1 and ${MAX_WORKER_CONCURRENCY}`, { details: { field: 'concurrency' } });
  }
  return concurrency;
}

/** CONFLICT unless the job can still be cancelled (it has not completed or failed). */
export function checkCancellable(info: JobInfo): void {
  if (info.state === 'COMPLETED' || info.state === 'FAILED') throw notCancellable(info);
}

/** BAD_USER_INPUT unless every progress count is a non-negative integer. */
export function checkProgress(progress: JobProgress): void {
  const ok = [progress.total, progress.done, progress.failed].every((n) => Number.isInteger(n) && n >= 0);
  if (!ok) throw new VanerError('BAD_USER_INPUT', 'progress counts must be non-negative integers', { details: { field: 'progress' } });
}

/** The processor's result, checked: a malformed one fails the job (INTERNAL, not retried). */
export function checkProcessResult(result: unknown): DocumentFailure[] {
  const failures = (result as ProcessResult | undefined)?.failures;
  const valid = Array.isArray(failures) && failures.every((f: DocumentFailure) =>
    typeof f === 'object' && f !== null && typeof f.documentId === 'string' && typeof f.code === 'string' && typeof f.message === 'string');
  if (!valid) throw new VanerError('INTERNAL', 'processor returned no valid { failures } result');
  return failures.map((f) => ({ documentId: f.documentId, code: f.code, message: f.message }));
}

/**
 * Rules every queue adapter shares for listing, cancelling and retrying jobs, so the two adapters
 * cannot drift apart: argument validation and "what does a retry re-run".
 */
import { VanerError } from '../errors.js';
import type { JobInfo, ListJobsArgs } from './port.js';

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
    updatedSinceMs = Date.parse(args.updatedSince);
    if (Number.isNaN(updatedSinceMs)) {
      throw new VanerError('BAD_USER_INPUT', 'updatedSince must be an ISO 8601 timestamp', { details: { field: 'updatedSince' } });
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
export function documentsToRetry(info: JobInfo): string[] {
  if (info.state === 'FAILED' || info.state === 'CANCELLED') return [...info.documentIds];
  if (info.state === 'COMPLETED' && info.failures.length > 0) return [...new Set(info.failures.map((f) => f.documentId))];
  const why = info.state === 'COMPLETED' ? 'completed without failures' : `still ${info.state}`;
  throw new VanerError('CONFLICT', `job ${info.id} is ${why}; there is nothing to retry`, { details: { jobId: info.id, state: info.state } });
}

/**
 * Maps a BullMQ job (its state, data, progress and return value) to the port's JobInfo.
 * What this adapter writes into a BullMQ job:
 *   data        { documentIds, owner, scheme? }     (ids, the creating key's owner and the annotation scheme; never texts)
 *   progress    { total, done, failed, updatedAt }  (set by the processor through QueueJob.updateProgress)
 *   returnvalue { failures, progress }              (the processor's ProcessResult and its final progress)
 */
import type { Job } from 'bullmq';
import type { DocumentFailure, JobInfo, JobProgress, JobState } from '../port.js';

export interface AnnotateJobData {
  readonly documentIds: readonly string[];
  /** Absent in jobs written before owners were recorded. */
  readonly owner?: string | null;
  /** Absent in jobs queued before schemes existed: the labeler's default. */
  readonly scheme?: string | null;
}

export interface StoredProgress extends JobProgress {
  /** ms since the epoch; BullMQ keeps no timestamp for progress updates. */
  readonly updatedAt: number;
}

export interface AnnotateJobResult {
  readonly failures: readonly DocumentFailure[];
  readonly progress: JobProgress;
  /** Set when the job stopped at a batch boundary because it was cancelled; the job reads CANCELLED. */
  readonly cancelled?: boolean;
}

export type AnnotateJob = Job<AnnotateJobData, AnnotateJobResult>;

/** BullMQ state -> port state; null for a job BullMQ no longer knows ('unknown': removed). */
export function mapState(state: string): JobState | null {
  switch (state) {
    case 'waiting':
    case 'delayed': // includes a job waiting out its retry backoff
    case 'prioritized':
    case 'waiting-children':
      return 'QUEUED';
    case 'active':
      return 'RUNNING';
    case 'completed':
      return 'COMPLETED';
    case 'failed':
      return 'FAILED';
    default:
      return null;
  }
}

function isProgress(value: unknown): value is StoredProgress {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.total === 'number' && typeof p.done === 'number' && typeof p.failed === 'number';
}

/**
 * Attempts that ended: BullMQ's `attemptsMade` (bumped on every completion, failure and retry) plus
 * `stalledCounter` (attempts lost with their worker). A job returned to waiting at shutdown bumps
 * neither, so its attempt is refunded, as in the in-process queue.
 */
export function finishedAttempts(job: AnnotateJob): number {
  return (job.attemptsMade ?? 0) + (job.stalledCounter ?? 0);
}

const iso = (ms: number | undefined | null): string | null => (typeof ms === 'number' && ms > 0 ? new Date(ms).toISOString() : null);

/** Builds the JobInfo of `job` given its state (read separately with `job.getState()`). */
export function toJobInfo(job: AnnotateJob, bullState: string): JobInfo | null {
  const mapped = mapState(bullState);
  if (mapped === null || job.id === undefined) return null;
  // BullMQ has no cancelled state: a cancelled running job completes with a result that says so.
  const state: JobState = mapped === 'COMPLETED' && job.returnvalue?.cancelled === true ? 'CANCELLED' : mapped;
  const documentIds = [...job.data.documentIds];
  const result = state === 'COMPLETED' || state === 'CANCELLED' ? job.returnvalue : null;
  const stored = isProgress(job.progress) ? job.progress : null;
  const progress: JobProgress = result?.progress ?? (stored ? { total: stored.total, done: stored.done, failed: stored.failed } : { total: documentIds.length, done: 0, failed: 0 });
  const finishedOn = state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELLED' ? (job.finishedOn ?? null) : null;
  const updated = Math.max(job.timestamp, job.processedOn ?? 0, job.finishedOn ?? 0, stored?.updatedAt ?? 0);
  return {
    id: job.id,
    owner: job.data.owner ?? null,
    state,
    documentIds,
    scheme: job.data.scheme ?? null,
    progress: { total: progress.total, done: progress.done, failed: progress.failed },
    failures: result ? result.failures.map((f) => ({ documentId: f.documentId, code: f.code, message: f.message })) : [],
    attempts: finishedAttempts(job) + (state === 'RUNNING' ? 1 : 0),
    // Like the in-process queue: the last attempt's error while a retry is pending, none once completed.
    error: state === 'COMPLETED' || state === 'CANCELLED' ? null : job.failedReason ? job.failedReason : state === 'FAILED' ? 'failed' : null,
    createdAt: iso(job.timestamp)!,
    updatedAt: iso(updated)!,
    finishedAt: iso(finishedOn),
  };
}

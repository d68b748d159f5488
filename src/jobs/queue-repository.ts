/**
 * SQL of the in-process queue: enqueue, atomic claim with a lease, heartbeat, and the transitions a
 * finished attempt can make. Every transition of a running job is conditioned on its lease token, so
 * a worker that lost its lease (it stalled past the lease and another process took the job over)
 * can no longer change the job.
 */
import type { SqliteDatabase } from '../store/index.js';
import { newId } from '../store/index.js';
import type { DocumentFailure, JobInfo, JobPage, JobProgress, JobState } from './port.js';
import type { CheckedListArgs } from './job-control.js';
import { takePage } from '../domain/index.js';

interface JobRow {
  id: string;
  state: JobState;
  total: number;
  done: number;
  failed: number;
  failures: string;
  attempts: number;
  error: string | null;
  scheme: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  owner: string | null;
}

/** A job this process holds the lease of. */
export interface ClaimedJob {
  readonly id: string;
  readonly documentIds: readonly string[];
  readonly scheme: string | null;
  /** 1 on the first try. */
  readonly attempt: number;
  readonly leaseToken: string;
}

export interface QueueRepository {
  enqueue(documentIds: readonly string[], owner: string | null, scheme: string | null): JobInfo;
  getJobs(ids: readonly string[]): (JobInfo | null)[];
  /** Returns expired leases to the queue (or fails them when no attempt is left). Returns how many jobs it touched. */
  recoverExpired(maxAttempts: number): number;
  claim(owner: string, leaseMs: number, maxAttempts: number): ClaimedJob | null;
  heartbeat(owner: string, leaseMs: number): void;
  /** false when the lease was lost. */
  updateProgress(job: ClaimedJob, progress: JobProgress): boolean;
  complete(job: ClaimedJob, failures: readonly DocumentFailure[]): boolean;
  fail(job: ClaimedJob, error: string): boolean;
  retryLater(job: ClaimedJob, error: string, delayMs: number): boolean;
  /** Back to QUEUED, refunding the attempt: the job was interrupted by shutdown, not by its own fault. */
  release(job: ClaimedJob): boolean;
  listJobs(args: CheckedListArgs): JobPage;
  /** Jobs per state (every state present, 0 when none). */
  countByState(): Record<JobState, number>;
  /**
   * QUEUED -> CANCELLED; RUNNING -> cancellation requested (the holder stops at its next batch boundary).
   * Returns the job after the change, or null when unknown; finished jobs are returned unchanged.
   */
  cancel(id: string): JobInfo | null;
  /** True when someone asked to cancel this running job. */
  cancelRequested(job: ClaimedJob): boolean;
  /** RUNNING -> CANCELLED after the holder stopped at a batch boundary, keeping the failures seen so far. */
  markCancelled(job: ClaimedJob): boolean;
}

export function createQueueRepository(db: SqliteDatabase): QueueRepository {
  const insertJob = db.prepare(
    `INSERT INTO queue_jobs (id, state, total, available_at, created_at, updated_at, finished_at, owner, scheme)
     VALUES (@id, @state, @total, @availableAt, @now, @now, @finishedAt, @owner, @scheme)`,
  );
  const countStates = db.prepare<[], { state: JobState; n: number }>('SELECT state, COUNT(*) AS n FROM queue_jobs GROUP BY state');
  const insertDocument = db.prepare('INSERT INTO queue_job_documents (job_id, position, document_id) VALUES (?, ?, ?)');
  const jobsByIds = db.prepare<[string], JobRow>('SELECT * FROM queue_jobs WHERE id IN (SELECT value FROM json_each(?))');
  const documentsOf = db.prepare<[string], { document_id: string }>('SELECT document_id FROM queue_job_documents WHERE job_id = ? ORDER BY position');
  const requeueExpired = db.prepare(
    `UPDATE queue_jobs SET state = 'QUEUED', lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, available_at = @nowMs, updated_at = @now
      WHERE state = 'RUNNING' AND lease_expires_at < @nowMs AND attempts < @maxAttempts`,
  );
  // A worker that vanished on the last attempt: the attempt counts, so a job that kills its process cannot loop forever.
  const failExpired = db.prepare(
    `UPDATE queue_jobs SET state = 'FAILED', error = 'worker lost (lease expired) on the last attempt', lease_owner = NULL, lease_token = NULL,
            lease_expires_at = NULL, updated_at = @now, finished_at = @now
      WHERE state = 'RUNNING' AND lease_expires_at < @nowMs AND attempts >= @maxAttempts`,
  );
  const nextReady = db.prepare<[number], { id: string; attempts: number; scheme: string | null }>(
    "SELECT id, attempts, scheme FROM queue_jobs WHERE state = 'QUEUED' AND available_at <= ? ORDER BY seq LIMIT 1",
  );
  const takeLease = db.prepare(
    `UPDATE queue_jobs SET state = 'RUNNING', attempts = attempts + 1, lease_owner = @owner, lease_token = @token,
            lease_expires_at = @expires, updated_at = @now
      WHERE id = @id AND state = 'QUEUED'`,
  );
  const extendLeases = db.prepare("UPDATE queue_jobs SET lease_expires_at = ? WHERE lease_owner = ? AND state = 'RUNNING'");
  // A requested cancellation makes the update fail, which is how the worker learns of it at the batch boundary.
  const setProgress = db.prepare(
    "UPDATE queue_jobs SET done = @done, failed = @failed, updated_at = @now WHERE id = @id AND lease_token = @token AND state = 'RUNNING' AND cancel_requested = 0",
  );
  const cancelQueued = db.prepare(
    "UPDATE queue_jobs SET state = 'CANCELLED', updated_at = @now, finished_at = @now WHERE id = @id AND state = 'QUEUED'",
  );
  const requestCancel = db.prepare("UPDATE queue_jobs SET cancel_requested = 1, updated_at = @now WHERE id = @id AND state = 'RUNNING'");
  const isCancelRequested = db.prepare<[string, string], { c: number }>(
    "SELECT cancel_requested AS c FROM queue_jobs WHERE id = ? AND lease_token = ? AND state = 'RUNNING'",
  );
  const setCancelled = db.prepare(
    `UPDATE queue_jobs SET state = 'CANCELLED', lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now, finished_at = @now
      WHERE id = @id AND lease_token = @token AND state = 'RUNNING'`,
  );
  // A cancelled job whose worker died: nothing will honour the request, so it is honoured here.
  const cancelExpired = db.prepare(
    `UPDATE queue_jobs SET state = 'CANCELLED', lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now, finished_at = @now
      WHERE state = 'RUNNING' AND lease_expires_at < @nowMs AND cancel_requested = 1`,
  );
  const listPage = db.prepare<{ state: string | null; after: string | null; since: string | null; limit: number }, JobRow>(
    `SELECT * FROM queue_jobs
      WHERE (@state IS NULL OR state = @state) AND (@after IS NULL OR id > @after) AND (@since IS NULL OR updated_at >= @since)
      ORDER BY id LIMIT @limit`,
  );
  const setCompleted = db.prepare(
    `UPDATE queue_jobs SET state = 'COMPLETED', done = total - @failed, failed = @failed, failures = @failures, error = NULL,
            lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, updated_at = @now, finished_at = @now
      WHERE id = @id AND lease_token = @token AND state = 'RUNNING'`,
  );
  const setFailed = db.prepare(
    `UPDATE queue_jobs SET state = 'FAILED', error = @error, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
            updated_at = @now, finished_at = @now
      WHERE id = @id AND lease_token = @token AND state = 'RUNNING'`,
  );
  const setRetry = db.prepare(
    `UPDATE queue_jobs SET state = 'QUEUED', error = @error, available_at = @availableAt, lease_owner = NULL, lease_token = NULL,
            lease_expires_at = NULL, updated_at = @now
      WHERE id = @id AND lease_token = @token AND state = 'RUNNING'`,
  );
  const setReleased = db.prepare(
    `UPDATE queue_jobs SET state = 'QUEUED', attempts = attempts - 1, available_at = @nowMs, lease_owner = NULL, lease_token = NULL,
            lease_expires_at = NULL, updated_at = @now
      WHERE id = @id AND lease_token = @token AND state = 'RUNNING'`,
  );

  const toInfo = (row: JobRow): JobInfo => ({
    id: row.id,
    owner: row.owner,
    state: row.state,
    documentIds: documentsOf.all(row.id).map((r) => r.document_id),
    scheme: row.scheme,
    progress: { total: row.total, done: row.done, failed: row.failed },
    failures: JSON.parse(row.failures) as DocumentFailure[],
    attempts: row.attempts,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  });
  const stamp = (): { now: string; nowMs: number } => {
    const nowMs = Date.now();
    return { now: new Date(nowMs).toISOString(), nowMs };
  };

  const recoverTx = db.transaction((maxAttempts: number): number => {
    const { now, nowMs } = stamp();
    return (
      cancelExpired.run({ now, nowMs }).changes +
      requeueExpired.run({ now, nowMs, maxAttempts }).changes +
      failExpired.run({ now, nowMs, maxAttempts }).changes
    );
  });

  return {
    enqueue: (documentIds, owner, scheme) =>
      db.transaction((): JobInfo => {
        const { now, nowMs } = stamp();
        const id = newId('job');
        // An empty job has nothing to wait for: it is born COMPLETED.
        const empty = documentIds.length === 0;
        insertJob.run({ id, state: empty ? 'COMPLETED' : 'QUEUED', total: documentIds.length, availableAt: nowMs, now, finishedAt: empty ? now : null, owner, scheme });
        documentIds.forEach((doc, position) => insertDocument.run(id, position, doc));
        return toInfo(jobsByIds.get(JSON.stringify([id]))!);
      }).immediate(),
    getJobs: db.transaction((ids: readonly string[]): (JobInfo | null)[] => {
      const found = new Map(jobsByIds.all(JSON.stringify(ids)).map((row) => [row.id, toInfo(row)]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    recoverExpired: (maxAttempts) => recoverTx.immediate(maxAttempts),
    claim: (owner, leaseMs, maxAttempts) =>
      db.transaction((): ClaimedJob | null => {
        recoverTx(maxAttempts);
        const { now, nowMs } = stamp();
        const next = nextReady.get(nowMs);
        if (next === undefined) return null;
        const token = newId('lease');
        // Inside an IMMEDIATE transaction no other connection can claim between the SELECT and this UPDATE.
        takeLease.run({ id: next.id, owner, token, expires: nowMs + leaseMs, now });
        return { id: next.id, documentIds: documentsOf.all(next.id).map((r) => r.document_id), scheme: next.scheme, attempt: next.attempts + 1, leaseToken: token };
      }).immediate(),
    heartbeat: (owner, leaseMs) => {
      extendLeases.run(Date.now() + leaseMs, owner);
    },
    updateProgress: (job, progress) => setProgress.run({ id: job.id, token: job.leaseToken, done: progress.done, failed: progress.failed, now: stamp().now }).changes > 0,
    complete: (job, failures) => {
      const failed = new Set(failures.map((f) => f.documentId)).size;
      return setCompleted.run({ id: job.id, token: job.leaseToken, failed, failures: JSON.stringify(failures), now: stamp().now }).changes > 0;
    },
    fail: (job, error) => setFailed.run({ id: job.id, token: job.leaseToken, error, now: stamp().now }).changes > 0,
    retryLater: (job, error, delayMs) => {
      const { now, nowMs } = stamp();
      return setRetry.run({ id: job.id, token: job.leaseToken, error, availableAt: nowMs + delayMs, now }).changes > 0;
    },
    release: (job) => setReleased.run({ id: job.id, token: job.leaseToken, ...stamp() }).changes > 0,
    listJobs: (args) =>
      db.transaction((): JobPage => {
        const since = args.updatedSinceMs === null ? null : new Date(args.updatedSinceMs).toISOString();
        const { items, hasNextPage } = takePage(listPage.all({ state: args.state ?? null, after: args.after, since, limit: args.first + 1 }).map(toInfo), args.first);
        return { items, endCursor: items.at(-1)?.id ?? null, hasNextPage };
      })(),
    countByState: () => {
      const counts: Record<JobState, number> = { QUEUED: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 };
      for (const { state, n } of countStates.all()) counts[state] = n;
      return counts;
    },
    cancel: (id) =>
      db.transaction((): JobInfo | null => {
        const { now } = stamp();
        if (cancelQueued.run({ id, now }).changes === 0) requestCancel.run({ id, now });
        const row = jobsByIds.get(JSON.stringify([id]));
        return row === undefined ? null : toInfo(row);
      }).immediate(),
    cancelRequested: (job) => (isCancelRequested.get(job.id, job.leaseToken)?.c ?? 0) === 1,
    markCancelled: (job) => setCancelled.run({ id: job.id, token: job.leaseToken, now: stamp().now }).changes > 0,
  };
}

/**
 * The queue port. The in-process adapter (default, persisted in the embedded SQLite database) and the
 * BullMQ adapter implement it and pass the same conformance suite (test/conformance/queue-suite.ts).
 * Jobs carry document ids, never document texts.
 */
export type JobState = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface JobProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
}

export interface DocumentFailure {
  readonly documentId: string;
  readonly code: string;
  readonly message: string;
}

export interface JobInfo {
  readonly id: string;
  /** The API key owner who created the job (submitted or re-annotated its documents); null for jobs made by local CLI commands or before owners were recorded. */
  readonly owner: string | null;
  readonly state: JobState;
  readonly documentIds: readonly string[];
  /** The annotation scheme the job was submitted with (README "Schemes"); null: the labeler's default. */
  readonly scheme: string | null;
  readonly progress: JobProgress;
  readonly failures: readonly DocumentFailure[];
  readonly attempts: number;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/** What a processor sees of a job. */
export interface QueueJob {
  readonly id: string;
  readonly documentIds: readonly string[];
  /** The annotation scheme the job was submitted with; null: the labeler's default. */
  readonly scheme: string | null;
  /** 1 on the first try. */
  readonly attempt: number;
  updateProgress(progress: JobProgress): Promise<void>;
}

export interface ProcessResult {
  readonly failures: readonly DocumentFailure[];
}

/**
 * Processor contract (BullMQ's): `signal` aborts when the worker shuts down; the processor must stop
 * between batches and throw. A thrown VanerError with retriable=false fails the job for good;
 * anything else is retried with backoff up to the queue's attempt limit.
 */
export type Processor = (job: QueueJob, token: string | undefined, signal: AbortSignal) => Promise<ProcessResult>;

export interface WorkerOptions {
  /** @defaultValue 1 */
  readonly concurrency?: number;
}

export interface QueueWorker {
  /** Stops taking jobs, aborts in-flight ones at their next batch boundary, and waits for them. Idempotent. */
  close(): Promise<void>;
}

/** Arguments of {@link JobQueue.listJobs}. */
export interface ListJobsArgs {
  /** Only jobs in this state; all states when absent. */
  readonly state?: JobState | null;
  /** Page size, 0 to 1000. */
  readonly first: number;
  /** The `endCursor` of the previous page (a job id): jobs created after it. */
  readonly after?: string | null;
  /** ISO 8601: only jobs whose `updatedAt` is at or after this instant (polling dashboards). */
  readonly updatedSince?: string | null;
}

/** A page of jobs, oldest first (job ids are time-ordered, so a job id is the cursor). */
export interface JobPage {
  readonly items: JobInfo[];
  /** Id of the last item, null when items is empty. */
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

/** What the queue holds now, for metrics (read at scrape time). */
export interface QueueStats {
  /** Jobs per state. BullMQ counts by its own states (cancelled jobs read as completed there). */
  readonly jobs: Readonly<Record<JobState, number>>;
  /** Jobs waiting for a worker (QUEUED): the queue depth. */
  readonly depth: number;
  /** The adapter's own Prometheus exposition text (BullMQ's `exportPrometheusMetrics`), or null. */
  readonly prometheus: string | null;
}

/** Per-job options of {@link JobQueue.enqueue}, carried through the queue to the processor. */
export interface EnqueueOptions {
  /** Who creates the job. @defaultValue null */
  readonly owner?: string | null;
  /** Annotation scheme (a name from the labeler's schemes); null or absent: the labeler's default. */
  readonly scheme?: string | null;
}

export interface JobQueue {
  readonly kind: 'in-process' | 'bullmq';
  /** A new job for `documentIds`, recorded as created by `options.owner` (docs/access-control.md, "Ownership"), labelled under `options.scheme`. */
  enqueue(documentIds: readonly string[], options?: EnqueueOptions): Promise<JobInfo>;
  getJobs(ids: readonly string[]): Promise<(JobInfo | null)[]>;
  /** Jobs oldest first, filtered; BAD_USER_INPUT for first outside 0..1000 or a malformed updatedSince. */
  listJobs(args: ListJobsArgs): Promise<JobPage>;
  /**
   * Cancels a job. QUEUED: CANCELLED at once. RUNNING: the cancellation is recorded and the job stops
   * at its next batch boundary (its next `updateProgress` throws CANCELLED), then reads CANCELLED.
   * Finished jobs: CONFLICT. Unknown id: NOT_FOUND. Returns the job as it is after the call
   * (a running job still reads RUNNING until it reaches the boundary).
   */
  cancel(id: string): Promise<JobInfo>;
  /**
   * Enqueues a NEW job for what a finished job left undone: every document of a FAILED or CANCELLED
   * job, the failed documents of a COMPLETED one, with the same options (scheme). CONFLICT for a QUEUED or RUNNING job, or a COMPLETED
   * one without failures; NOT_FOUND for an unknown id. The processor skips documents already annotated
   * by the same labeler version, so retrying is cheap and never duplicates mentions. The new job keeps
   * the owner of the one it retries.
   */
  retry(id: string): Promise<JobInfo>;
  startWorker(processor: Processor, options?: WorkerOptions): QueueWorker;
  /** Jobs by state and the queue depth (see QueueStats). */
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}

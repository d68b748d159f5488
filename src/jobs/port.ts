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
  readonly state: JobState;
  readonly documentIds: readonly string[];
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

export interface JobQueue {
  readonly kind: 'in-process' | 'bullmq';
  enqueue(documentIds: readonly string[]): Promise<JobInfo>;
  getJobs(ids: readonly string[]): Promise<(JobInfo | null)[]>;
  startWorker(processor: Processor, options?: WorkerOptions): QueueWorker;
  close(): Promise<void>;
}

/**
 * The in-process queue: the JobQueue port persisted in SQLite, so jobs survive restarts and several
 * processes sharing the database file can run workers side by side.
 *
 * Claiming is one IMMEDIATE transaction (no two connections can take the same job). A claimed job
 * carries a lease that a heartbeat extends; a lease that runs out (its process died or hung) returns
 * the job to the queue, and every later write by the old holder is refused by its stale lease token.
 */
import { randomUUID } from 'node:crypto';
import { isVanerError, VanerError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { openSqliteDatabase } from '../store/index.js';
import type { DocumentFailure, EnqueueOptions, JobInfo, JobQueue, Processor, QueueJob, QueueWorker, WorkerOptions } from './port.js';
import { checkCancellable, checkConcurrency, checkJobIds, checkListArgs, checkProcessResult, checkProgress, checkScheme, documentsToRetry, jobNotFound } from './job-control.js';
import { migrateQueueSchema } from './queue-schema.js';
import { createQueueRepository, type ClaimedJob } from './queue-repository.js';

export interface InProcessQueueOptions {
  /** Database file (may be the store's). */
  readonly path: string;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
  /** Tries per job before it is FAILED. @defaultValue 3 */
  readonly maxAttempts?: number;
  /** Delay before the first retry; doubles with each further attempt. @defaultValue 1000 */
  readonly backoffMs?: number;
  /** How often an idle worker looks for jobs enqueued by other processes. @defaultValue 250 */
  readonly pollIntervalMs?: number;
  /** How long a claimed job stays reserved without a heartbeat (heartbeats run every third of it). @defaultValue 30000 */
  readonly leaseMs?: number;
}

function positiveInt(value: number | undefined, fallback: number, field: string, min: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) {
    throw new VanerError('CONFIG_INVALID', `${field} must be an integer >= ${min}`, { details: { field, value: v } });
  }
  return v;
}

function describeError(error: unknown): string {
  if (isVanerError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Opens the queue at `options.path`, creating its tables, and returns stale leases to the queue. */
export async function openInProcessQueue(options: InProcessQueueOptions): Promise<JobQueue> {
  const logger = options.logger ?? silentLogger;
  const maxAttempts = positiveInt(options.maxAttempts, 3, 'maxAttempts', 1);
  const backoffMs = positiveInt(options.backoffMs, 1000, 'backoffMs', 0);
  const pollIntervalMs = positiveInt(options.pollIntervalMs, 250, 'pollIntervalMs', 1);
  const leaseMs = positiveInt(options.leaseMs, 30_000, 'leaseMs', 3);
  const db = openSqliteDatabase({ path: options.path });
  let repo: ReturnType<typeof createQueueRepository>;
  try {
    migrateQueueSchema(db);
    repo = createQueueRepository(db);
    const recovered = repo.recoverExpired(maxAttempts);
    if (recovered > 0) logger.warn('queue: recovered jobs whose worker lease expired', { jobs: recovered });
  } catch (error) {
    db.close();
    throw error;
  }

  // One owner per open queue: heartbeats extend every lease it holds.
  const owner = randomUUID();
  const workers = new Set<{ close(): Promise<void>; wake(): void }>();
  let heartbeat: NodeJS.Timeout | null = null;
  let closing: Promise<void> | null = null;

  const ensureOpen = (): void => {
    if (closing !== null) throw new VanerError('QUEUE_UNAVAILABLE', 'the queue is closed');
  };

  const startWorker = (processor: Processor, workerOptions: WorkerOptions = {}): QueueWorker => {
    ensureOpen();
    const concurrency = checkConcurrency(workerOptions);
    heartbeat ??= setInterval(() => {
      try {
        repo.heartbeat(owner, leaseMs);
      } catch (error) {
        logger.error('queue: heartbeat failed', { error: describeError(error) });
      }
    }, Math.floor(leaseMs / 3)).unref();

    const controller = new AbortController();
    const running = new Set<Promise<void>>();
    let stopping = false;
    let timer: NodeJS.Timeout | null = null;
    let closed: Promise<void> | null = null;

    const execute = async (claimed: ClaimedJob): Promise<void> => {
      // Aborted when the job is cancelled; the processor sees it together with the worker's shutdown signal.
      const cancellation = new AbortController();
      const job: QueueJob = {
        id: claimed.id,
        documentIds: claimed.documentIds,
        scheme: claimed.scheme,
        attempt: claimed.attempt,
        async updateProgress(progress) {
          checkProgress(progress);
          if (!repo.updateProgress(claimed, progress)) {
            if (repo.cancelRequested(claimed)) {
              const error = new VanerError('CANCELLED', `job ${claimed.id} was cancelled`);
              cancellation.abort(error);
              throw error;
            }
            throw new VanerError('CONFLICT', `job ${claimed.id} is no longer held by this worker`);
          }
        },
      };
      let outcome: { ok: true; failures: readonly DocumentFailure[] } | { ok: false; error: unknown };
      try {
        const signal = AbortSignal.any([controller.signal, cancellation.signal]);
        outcome = { ok: true, failures: checkProcessResult(await processor(job, claimed.leaseToken, signal)) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      let kept: boolean;
      if (!outcome.ok && (cancellation.signal.aborted || repo.cancelRequested(claimed))) {
        // Stopped at a batch boundary because someone cancelled it (or shut down after they did).
        kept = repo.markCancelled(claimed);
        logger.info('queue: job cancelled', { jobId: claimed.id });
      } else if (outcome.ok) {
        kept = repo.complete(claimed, outcome.failures);
      } else if (stopping && controller.signal.aborted) {
        // Shutdown interrupted it: not the job's fault, so the attempt is refunded.
        kept = repo.release(claimed);
        logger.info('queue: job returned to the queue at shutdown', { jobId: claimed.id });
      } else if ((isVanerError(outcome.error) && !outcome.error.retriable) || claimed.attempt >= maxAttempts) {
        kept = repo.fail(claimed, describeError(outcome.error));
        logger.warn('queue: job failed', { jobId: claimed.id, attempt: claimed.attempt, error: describeError(outcome.error) });
      } else {
        const delay = backoffMs * 2 ** (claimed.attempt - 1);
        kept = repo.retryLater(claimed, describeError(outcome.error), delay);
        logger.warn('queue: job will be retried', { jobId: claimed.id, attempt: claimed.attempt, delayMs: delay, error: describeError(outcome.error) });
      }
      if (!kept) logger.warn('queue: lease lost before the job finished; its outcome was discarded', { jobId: claimed.id });
    };

    const pump = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (stopping) return;
      try {
        while (running.size < concurrency) {
          const claimed = repo.claim(owner, leaseMs, maxAttempts);
          if (claimed === null) break;
          const task: Promise<void> = execute(claimed)
            .catch((error: unknown) => logger.error('queue: could not record a job outcome', { jobId: claimed.id, error: describeError(error) }))
            .finally(() => {
              running.delete(task);
              if (!stopping) setImmediate(pump);
            });
          running.add(task);
        }
      } catch (error) {
        // A busy or failing database must not kill the worker: log and try again at the next poll.
        logger.error('queue: claim failed', { error: describeError(error) });
      }
      if (!stopping) timer = setTimeout(pump, pollIntervalMs);
    };

    const worker = {
      wake: () => {
        if (!stopping) setImmediate(pump);
      },
      close: (): Promise<void> => {
        closed ??= (async () => {
          stopping = true;
          if (timer !== null) clearTimeout(timer);
          controller.abort(new VanerError('CANCELLED', 'the worker is shutting down', { retriable: true }));
          while (running.size > 0) await Promise.allSettled([...running]);
          workers.delete(worker);
        })();
        return closed;
      },
    };
    workers.add(worker);
    setImmediate(pump);
    return { close: worker.close };
  };

  logger.info('in-process queue opened', { path: options.path, maxAttempts, backoffMs });

  return {
    kind: 'in-process',
    async enqueue(documentIds: readonly string[], options: EnqueueOptions = {}): Promise<JobInfo> {
      ensureOpen();
      checkJobIds(documentIds, 'documentIds');
      const info = repo.enqueue(documentIds, options.owner ?? null, checkScheme(options.scheme));
      for (const w of workers) w.wake();
      return info;
    },
    async getJobs(ids) {
      ensureOpen();
      checkJobIds(ids, 'ids');
      return repo.getJobs(ids);
    },
    async listJobs(args) {
      ensureOpen();
      return repo.listJobs(checkListArgs(args));
    },
    async stats() {
      ensureOpen();
      const jobs = repo.countByState();
      return { jobs, depth: jobs.QUEUED, prometheus: null };
    },
    async cancel(id) {
      ensureOpen();
      const info = repo.cancel(id);
      if (info === null) throw jobNotFound(id);
      checkCancellable(info);
      return info;
    },
    async retry(id) {
      ensureOpen();
      const [info] = repo.getJobs([id]);
      if (info === null || info === undefined) throw jobNotFound(id);
      const retried = repo.enqueue(documentsToRetry(info), info.owner, info.scheme);
      for (const w of workers) w.wake();
      return retried;
    },
    startWorker,
    close(): Promise<void> {
      closing ??= (async () => {
        await Promise.allSettled([...workers].map((w) => w.close()));
        if (heartbeat !== null) clearInterval(heartbeat);
        db.close();
        logger.info('in-process queue closed', { path: options.path });
      })();
      return closing;
    },
  };
}

/**
 * The production queue adapter: BullMQ over Redis. Jobs carry document ids only; any number of
 * `vaner worker` processes on any hosts consume the same queue.
 *
 * Failure handling, all BullMQ's own machinery:
 * - a thrown error is retried with exponential backoff up to `maxAttempts` tries;
 * - a VanerError with retriable=false becomes an `UnrecoverableError`, so it fails at once;
 * - a worker that dies without closing (SIGKILL, OOM) stops renewing its job lock; after
 *   `lockDurationMs` another worker's stalled check (every `stalledIntervalMs`) moves the job back
 *   to waiting, up to `maxStalledCount` times;
 * - `QueueWorker.close()` aborts the processor's signal, and a job interrupted that way is moved back
 *   to waiting (it did not fail, so it costs no attempt), then BullMQ's `worker.close()` waits for it.
 */
import { Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { VanerError, isVanerError } from '../../errors.js';
import { takePage } from '../../domain/index.js';
import { silentLogger } from '../../log.js';
import { newId } from '../../store/index.js';
import type { JobInfo, JobProgress, JobState, JobQueue, Processor, QueueJob, QueueWorker, WorkerOptions } from '../port.js';
import { checkCancellable, checkConcurrency, checkJobIds, checkListArgs, checkProcessResult, checkProgress, checkScheme, documentsToRetry, jobNotFound } from '../job-control.js';
import { resolveBullmqOptions, type BullmqQueueOptions, type ResolvedBullmqOptions } from './bullmq-options.js';
import { finishedAttempts, toJobInfo, type AnnotateJob, type AnnotateJobData, type AnnotateJobResult, type StoredProgress } from './job-info.js';

export type { BullmqQueueOptions } from './bullmq-options.js';

/** The BullMQ job name of every annotate job (one queue, one kind of job). */
const JOB_NAME = 'annotate';
/** How long opening waits for Redis to answer before giving up with QUEUE_UNAVAILABLE. */
const CONNECT_TIMEOUT_MS = 10_000;

function unavailable(error: unknown): VanerError {
  if (isVanerError(error)) return error;
  return new VanerError('QUEUE_UNAVAILABLE', 'the job queue (Redis) is unavailable', { retriable: true, cause: error });
}

async function connect(url: string, workerConnection: boolean): Promise<Redis> {
  // Workers block on Redis (BRPOPLPUSH/BZPOPMIN); BullMQ requires maxRetriesPerRequest: null for them so
  // a reconnect never fails a blocking call. The producer fails fast instead, so an API request gets an error.
  const redis = new Redis(url, { maxRetriesPerRequest: workerConnection ? null : 3, connectTimeout: CONNECT_TIMEOUT_MS, lazyConnect: true });
  redis.on('error', () => {
    // Connection errors surface as rejected commands; without a listener ioredis would print them.
  });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw unavailable(error);
  }
}

/**
 * Opens the queue: connects to Redis (QUEUE_UNAVAILABLE when it does not answer within 10 s) and
 * returns a JobQueue. `close()` closes the workers it started, then the queue and its connection.
 */
export async function openBullmqQueue(options: BullmqQueueOptions): Promise<JobQueue> {
  const opts = resolveBullmqOptions(options);
  const logger = opts.logger ?? silentLogger;
  const connection = await connect(opts.redisUrl, false);
  const queue = new Queue<AnnotateJobData, AnnotateJobResult>(opts.queueName, {
    connection,
    prefix: opts.prefix,
    defaultJobOptions: {
      attempts: opts.maxAttempts,
      backoff: { type: 'exponential', delay: opts.backoffMs },
      removeOnComplete: { age: opts.keepFinishedSeconds },
      removeOnFail: { age: opts.keepFinishedSeconds },
    },
  });
  queue.on('error', (error) => logger.error('bullmq queue error', { error: String(error) }));
  const workers = new Set<QueueWorker>();
  // Under the queue's own key space, so obliterating the queue removes these too. Jobs BullMQ does not
  // hold (empty jobs, queued jobs removed by a cancel) are kept there as JobInfo records.
  const emptyJobKey = (id: string): string => `${opts.prefix}:${opts.queueName}:empty-job:${id}`;
  const cancelKey = cancelKeyOf(opts);
  let closed: Promise<void> | null = null;

  const assertOpen = (): void => {
    if (closed !== null) throw new VanerError('QUEUE_UNAVAILABLE', 'the job queue is closed');
  };

  const self: JobQueue = {
    kind: 'bullmq',

    async enqueue(documentIds, options = {}) {
      const owner = options.owner ?? null;
      assertOpen();
      checkJobIds(documentIds, 'documentIds');
      const scheme = checkScheme(options.scheme);
      // Our own time-ordered id (as the in-process queue's) instead of BullMQ's counter.
      const id = newId('job');
      try {
        if (documentIds.length === 0) {
          // Nothing to process: complete at once. BullMQ can only complete a job a worker holds, so an
          // empty job is kept beside the queue's keys, with the same lifetime as a finished job.
          const now = new Date().toISOString();
          const info: JobInfo = {
            id, owner, state: 'COMPLETED', documentIds: [], scheme, progress: { total: 0, done: 0, failed: 0 }, failures: [],
            attempts: 0, error: null, createdAt: now, updatedAt: now, finishedAt: now,
          };
          await connection.set(emptyJobKey(id), JSON.stringify(info), 'EX', opts.keepFinishedSeconds);
          return info;
        }
        const data: AnnotateJobData = { documentIds: [...documentIds], owner, ...(scheme === null ? {} : { scheme }) };
        const job = (await queue.add(JOB_NAME, data, { jobId: id })) as AnnotateJob;
        return toJobInfo(job, 'waiting')!;
      } catch (error) {
        throw unavailable(error);
      }
    },

    async getJobs(ids) {
      assertOpen();
      checkJobIds(ids, 'ids');
      if (ids.length === 0) return [];
      try {
        const found = await Promise.all(
          ids.map(async (id): Promise<JobInfo | null> => {
            // The job hash and its state are two reads; a job finishing between them would pair a
            // running job's fields with 'completed'. Read state, job, state until both states agree.
            for (let tries = 0; ; tries++) {
              const before = await queue.getJobState(id);
              const job = (await queue.getJob(id)) as AnnotateJob | undefined;
              if (job === undefined || job === null) return null;
              const after = await job.getState();
              if (before === after || tries >= 4) return toJobInfo(job, after);
            }
          }),
        );
        const missing = ids.filter((_, i) => found[i] === null);
        if (missing.length === 0) return found;
        const empty = await connection.mget(...missing.map(emptyJobKey));
        const emptyById = new Map(missing.map((id, i) => [id, empty[i]]));
        return found.map((info, i) => {
          if (info !== null) return info;
          const stored = emptyById.get(ids[i]!);
          return typeof stored === 'string' ? (JSON.parse(stored) as JobInfo) : null;
        });
      } catch (error) {
        throw unavailable(error);
      }
    },

    async stats() {
      assertOpen();
      try {
        const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');
        const jobs: Record<JobState, number> = { QUEUED: 0, RUNNING: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 };
        for (const [bullState, state] of BULL_STATES) jobs[state] += counts[bullState] ?? 0;
        // BullMQ's own exposition (bullmq_job_count by state, completed and failed totals), as operators know it.
        const prometheus = await queue.exportPrometheusMetrics();
        return { jobs, depth: jobs.QUEUED, prometheus };
      } catch (error) {
        throw new VanerError('QUEUE_UNAVAILABLE', `cannot read the queue's counts: ${(error as Error).message}`, { retriable: true, cause: error });
      }
    },
    async listJobs(args) {
      assertOpen();
      const checked = checkListArgs(args);
      try {
        // BullMQ indexes jobs by state only: read the states asked for, then filter and page here.
        // Cost grows with the jobs Redis keeps (finished ones for keepFinishedSeconds).
        const wanted = checked.state === null ? null : [checked.state];
        const all: JobInfo[] = [];
        for (const [bullState, state] of BULL_STATES) {
          if (wanted !== null && !wanted.includes(state) && !(state === 'COMPLETED' && wanted.includes('CANCELLED'))) continue;
          const jobs = (await queue.getJobs([bullState as 'waiting'], 0, -1)) as AnnotateJob[];
          for (const job of jobs) {
            const info = job ? toJobInfo(job, bullState) : null;
            if (info !== null) all.push(info);
          }
        }
        for await (const keys of connection.scanStream({ match: emptyJobKey('*'), count: 500 }) as AsyncIterable<string[]>) {
          if (keys.length === 0) continue;
          for (const value of await connection.mget(...keys)) if (typeof value === 'string') all.push(JSON.parse(value) as JobInfo);
        }
        const since = checked.updatedSinceMs;
        const matching = all
          .filter((j) => (checked.state === null || j.state === checked.state) && (checked.after === null || j.id > checked.after))
          .filter((j) => since === null || Date.parse(j.updatedAt) >= since)
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const { items, hasNextPage } = takePage(matching, checked.first);
        return { items, endCursor: items.at(-1)?.id ?? null, hasNextPage };
      } catch (error) {
        throw unavailable(error);
      }
    },

    async cancel(id) {
      assertOpen();
      const [info] = await self.getJobs([id]);
      if (info === null || info === undefined) throw jobNotFound(id);
      if (info.state === 'CANCELLED') return info;
      checkCancellable(info);
      try {
        // Recorded first: a worker taking the job between our read and the removal still sees it.
        await connection.set(cancelKey(id), '1', 'EX', opts.keepFinishedSeconds);
        if (info.state === 'QUEUED') {
          const job = await queue.getJob(id);
          let removed = false;
          try {
            if (job) removed = (await queue.remove(id)) === 1;
          } catch {
            // Locked: a worker has just taken it and will honour the cancel key at its first boundary.
          }
          if (removed) {
            const now = new Date().toISOString();
            const cancelled: JobInfo = { ...info, state: 'CANCELLED', updatedAt: now, finishedAt: now };
            await connection.set(emptyJobKey(id), JSON.stringify(cancelled), 'EX', opts.keepFinishedSeconds);
            return cancelled;
          }
        }
        const [after] = await self.getJobs([id]);
        return after ?? info;
      } catch (error) {
        throw unavailable(error);
      }
    },

    async retry(id) {
      assertOpen();
      const [info] = await self.getJobs([id]);
      if (info === null || info === undefined) throw jobNotFound(id);
      return self.enqueue(documentsToRetry(info), { owner: info.owner, scheme: info.scheme });
    },

    startWorker(processor, workerOptions) {
      assertOpen();
      const worker = startBullmqWorker(opts, processor, workerOptions ?? {}, logger);
      workers.add(worker);
      return worker;
    },

    close() {
      closed ??= (async () => {
        const failures: unknown[] = [];
        for (const worker of workers) await worker.close().catch((e: unknown) => failures.push(e));
        await queue.close().catch((e: unknown) => failures.push(e));
        await connection.quit().catch(() => connection.disconnect());
        if (failures.length > 0) logger.error('bullmq queue: errors while closing', { errors: failures.map(String) });
      })();
      return closed;
    },
  };
  return self;
}

/** BullMQ states listJobs reads, with the port state each maps to. */
const BULL_STATES: readonly (readonly [string, JobState])[] = [
  ['waiting', 'QUEUED'],
  ['prioritized', 'QUEUED'],
  ['delayed', 'QUEUED'],
  ['active', 'RUNNING'],
  ['completed', 'COMPLETED'],
  ['failed', 'FAILED'],
];

/** The key whose presence asks the workers to stop a job at its next batch boundary. */
function cancelKeyOf(opts: ResolvedBullmqOptions): (id: string) => string {
  return (id) => `${opts.prefix}:${opts.queueName}:cancel:${id}`;
}

function startBullmqWorker(opts: ResolvedBullmqOptions, processor: Processor, options: WorkerOptions, logger: NonNullable<ResolvedBullmqOptions['logger']>): QueueWorker {
  const concurrency = checkConcurrency(options);
  const shutdown = new AbortController();
  // The worker's connection is made lazily by BullMQ from these options (it duplicates it for blocking calls).
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  connection.on('error', (error) => logger.warn('bullmq worker: redis connection error', { error: String(error) }));

  const cancelKey = cancelKeyOf(opts);
  const run = async (job: AnnotateJob, token: string | undefined): Promise<AnnotateJobResult> => {
    const cancellation = new AbortController();
    const cancelled = (): AnnotateJobResult => {
      const stored = job.progress as Partial<StoredProgress> | undefined;
      const progress: JobProgress = { total: job.data.documentIds.length, done: stored?.done ?? 0, failed: stored?.failed ?? 0 };
      logger.info('bullmq worker: job cancelled', { jobId: job.id });
      return { failures: [], progress, cancelled: true };
    };
    if ((await connection.exists(cancelKey(job.id!))) === 1) return cancelled();
    const backToWaiting = async (): Promise<never> => {
      // Shutdown is not a failure: return the job untouched for another worker (no attempt spent).
      await job.moveToWait(token);
      throw new WaitingError();
    };
    if (shutdown.signal.aborted) return backToWaiting();
    const total = job.data.documentIds.length;
    const queueJob: QueueJob = {
      id: job.id!,
      documentIds: job.data.documentIds,
      scheme: job.data.scheme ?? null,
      attempt: finishedAttempts(job) + 1,
      async updateProgress(progress) {
        checkProgress(progress);
        // The batch boundary: where a cancel request is honoured (one EXISTS per batch). Checked before
        // recording progress, as the in-process queue refuses the update of a cancelled job.
        if ((await connection.exists(cancelKey(job.id!))) === 1) {
          const error = new VanerError('CANCELLED', `job ${job.id} was cancelled`);
          cancellation.abort(error);
          throw error;
        }
        const stored: StoredProgress = { total: progress.total, done: progress.done, failed: progress.failed, updatedAt: Date.now() };
        await job.updateProgress(stored);
      },
    };
    try {
      const failures = checkProcessResult(await processor(queueJob, token, AbortSignal.any([shutdown.signal, cancellation.signal])));
      // Final counts as the in-process queue records them: every document is done or failed.
      const failed = new Set(failures.map((f) => f.documentId)).size;
      const progress: JobProgress = { total, done: total - failed, failed };
      return { failures, progress };
    } catch (error) {
      if (cancellation.signal.aborted) return cancelled();
      if (shutdown.signal.aborted) return backToWaiting();
      if (isVanerError(error) && !error.retriable) {
        // Permanent: BullMQ fails the job without spending the remaining attempts.
        throw new UnrecoverableError(`${error.code}: ${error.message}`);
      }
      const message = isVanerError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      logger.warn('bullmq worker: job attempt failed, will retry if attempts remain', { jobId: job.id, attempt: job.attemptsStarted, error: message });
      throw new Error(message, { cause: error });
    }
  };

  const worker = new Worker<AnnotateJobData, AnnotateJobResult>(opts.queueName, (job, token) => run(job, token), {
    connection,
    prefix: opts.prefix,
    concurrency,
    lockDuration: opts.lockDurationMs,
    stalledInterval: opts.stalledIntervalMs,
    maxStalledCount: opts.maxStalledCount,
    drainDelay: opts.drainDelaySeconds,
  });
  worker.on('error', (error) => logger.error('bullmq worker error', { error: String(error) }));
  worker.on('failed', (job, error) => {
    if (job && job.finishedOn) logger.warn('bullmq job failed', { jobId: job.id, attempts: job.attemptsMade, error: error.message });
  });

  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        shutdown.abort(new VanerError('CANCELLED', 'the worker is shutting down', { retriable: true }));
        try {
          await worker.close();
        } finally {
          await connection.quit().catch(() => connection.disconnect());
        }
      })();
      return closing;
    },
  };
}

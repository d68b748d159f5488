/**
 * Options of the BullMQ queue adapter, with their defaults and validation: each default is documented
 * on its field, and a bad value is refused at construction with an error that names the field.
 */
import { VanerError } from '../../errors.js';
import type { Logger } from '../../log.js';

export interface BullmqQueueOptions {
  /** redis://host:port[/db] */
  readonly redisUrl: string;
  /** @defaultValue 'vaner-annotate' */
  readonly queueName?: string;
  /** Key prefix of every Redis key of the queue. @defaultValue 'vaner' */
  readonly prefix?: string;
  /** Tries per job, the first included. @defaultValue 3 */
  readonly maxAttempts?: number;
  /** First retry delay; doubles on each further retry (BullMQ 'exponential' backoff). @defaultValue 1000 */
  readonly backoffMs?: number;
  /**
   * How long a worker's lock on a job lasts before it must be renewed (renewed every lockDuration/2).
   * A worker that dies (SIGKILL) stops renewing; once the lock expires the job counts as stalled.
   * @defaultValue 30000
   */
  readonly lockDurationMs?: number;
  /** How often each worker looks for stalled jobs and moves them back to waiting. @defaultValue 30000 */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) and be retried before it fails. @defaultValue 1 */
  readonly maxStalledCount?: number;
  /** Seconds a worker blocks waiting for a job on an empty queue (BullMQ `drainDelay`). @defaultValue 5 */
  readonly drainDelaySeconds?: number;
  /** Finished jobs are kept this long for `getJobs`, then removed. @defaultValue 7 days */
  readonly keepFinishedSeconds?: number;
  readonly logger?: Logger;
}

export type ResolvedBullmqOptions = Required<Omit<BullmqQueueOptions, 'logger'>> & Pick<BullmqQueueOptions, 'logger'>;

function invalid(field: string, message: string): never {
  throw new VanerError('CONFIG_INVALID', `bullmq queue: ${field} ${message}`, { details: { field } });
}

function positiveInt(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) invalid(field, `must be an integer >= ${min}`);
  return value;
}

/** Applies defaults and validates; throws VanerError('CONFIG_INVALID') naming the field. */
export function resolveBullmqOptions(options: BullmqQueueOptions): ResolvedBullmqOptions {
  if (typeof options.redisUrl !== 'string' || !/^rediss?:\/\//u.test(options.redisUrl)) {
    invalid('redisUrl', 'must be a redis:// or rediss:// URL');
  }
  const queueName = options.queueName ?? 'vaner-annotate';
  const prefix = options.prefix ?? 'vaner';
  // BullMQ builds keys as prefix:queueName:...; a colon inside either would make keys ambiguous.
  if (!/^[A-Za-z0-9_.-]+$/u.test(queueName)) invalid('queueName', 'must match [A-Za-z0-9_.-]+');
  if (!/^[A-Za-z0-9_.{}-]+$/u.test(prefix)) invalid('prefix', 'must match [A-Za-z0-9_.{}-]+');
  return {
    redisUrl: options.redisUrl,
    queueName,
    prefix,
    maxAttempts: positiveInt('maxAttempts', options.maxAttempts ?? 3, 1),
    backoffMs: positiveInt('backoffMs', options.backoffMs ?? 1000, 0),
    lockDurationMs: positiveInt('lockDurationMs', options.lockDurationMs ?? 30_000, 100),
    stalledIntervalMs: positiveInt('stalledIntervalMs', options.stalledIntervalMs ?? 30_000, 100),
    maxStalledCount: positiveInt('maxStalledCount', options.maxStalledCount ?? 1, 0),
    drainDelaySeconds: positiveInt('drainDelaySeconds', options.drainDelaySeconds ?? 5, 1),
    keepFinishedSeconds: positiveInt('keepFinishedSeconds', options.keepFinishedSeconds ?? 7 * 24 * 3600, 1),
    logger: options.logger,
  };
}

/**
 * The annotation worker `vaner serve` runs beside its API: a child process running `vaner worker`
 * with the parent's resolved configuration.
 *
 * Why a process and not the API's own event loop: labelling and linking are CPU-bound JavaScript
 * (the dictionary's trie walk, the tokenizer, the linker's approximate matching, sentence indexing)
 * and synchronous SQLite writes of tens of thousands of mentions. On the API's thread a 1,000,000-
 * character document stalled every client for seconds. A child has its own event loop, heap and
 * garbage collector; the queue (the in-process SQLite queue with leases, or BullMQ) already
 * coordinates workers across processes, so nothing else changes.
 *
 * Life cycle: the child reports `{ kind: 'ready', labeler }` over IPC once its worker runs. If it
 * exits before it was ever ready (a bad labeler setting, a missing model bundle), `failed` rejects
 * with its exit status so `serve` stops with an error instead of running without annotation. Later
 * unexpected exits are logged and the child is restarted after a delay that doubles up to 30 s
 * (reset after a minute of running); its leased jobs return to the queue. `close()` sends SIGTERM
 * (the worker finishes or aborts its batch at the next boundary) and SIGKILLs after `stopTimeoutMs`.
 * The child exits by itself when the parent dies (the IPC channel closes). It runs at niceness
 * +10, so when annotation and requests compete for the CPU, requests win.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { configToEnv, PROJECT_ROOT, type Config } from '../config.js';
import { VanerError } from '../errors.js';
import type { LabelerInfo } from '../graphql/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

export interface WorkerProcessOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Variables the child inherits besides the configuration (PATH, NODE_OPTIONS...). @defaultValue {} */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  /** The CLI entry point. @defaultValue dist/cli/main.js of this package */
  readonly cliPath?: string;
  /** First restart delay after an unexpected exit; doubles up to 30 s. @defaultValue 1000 */
  readonly restartDelayMs?: number;
  /** How long `close()` waits for the child to drain after SIGTERM before SIGKILL. @defaultValue 60000 */
  readonly stopTimeoutMs?: number;
}

export interface WorkerProcess {
  /** The labeler the running child reported; null until a child is ready. */
  labelerInfo(): LabelerInfo | null;
  /** Resolves when the first child is ready. */
  readonly ready: Promise<void>;
  /** Rejects (VanerError MODEL_UNAVAILABLE) when the first child exits before it was ready; never resolves otherwise. */
  readonly failed: Promise<never>;
  /** The running child's pid, or null. */
  pid(): number | null;
  /** Stops the child (SIGTERM, then SIGKILL after stopTimeoutMs) and does not restart it. Idempotent. */
  close(): Promise<void>;
  /**
   * `metrics` whose exposition carries the child's worker metrics (documents annotated, labeler batch
   * latency) in place of this process's own, empty ones: one scrape of `serve` still shows them.
   */
  withWorkerMetrics(metrics: Metrics): Metrics;
}

/** The metric families a worker records (src/metrics.ts); `serve` shows its child's. */
export const WORKER_METRIC_NAMES = ['vaner_documents_annotated_total', 'vaner_labeler_batch_duration_seconds'] as const;

/** Asked of the child over IPC; it answers with a {@link WorkerMetricsMessage} of the same id. */
export interface WorkerMetricsRequest {
  readonly kind: 'metrics';
  readonly id: number;
}

export interface WorkerMetricsMessage {
  readonly kind: 'metrics';
  readonly id: number;
  /** Prometheus exposition text of the WORKER_METRIC_NAMES families. */
  readonly text: string;
}

/** `exposition` without the families named in `names` (their HELP, TYPE and sample lines). */
export function withoutFamilies(exposition: string, names: readonly string[]): string {
  const owned = (line: string): boolean => {
    const metric = line.startsWith('# HELP ') || line.startsWith('# TYPE ') ? line.split(' ')[2]! : line.split(/[{ ]/)[0]!;
    return names.some((n) => metric === n || (metric.startsWith(n) && /^_(bucket|sum|count)$/.test(metric.slice(n.length))));
  };
  return exposition.split('\n').filter((line) => line === '' || !owned(line)).join('\n');
}

/** What the child sends over IPC when its worker runs. */
export interface WorkerReadyMessage {
  readonly kind: 'ready';
  readonly labeler: LabelerInfo;
}

const MAX_RESTART_DELAY_MS = 30_000;
/** Niceness of the worker child: below the API, as batch work should be. */
export const WORKER_NICENESS = 10;
const STABLE_AFTER_MS = 60_000;

export function isWorkerReadyMessage(message: unknown): message is WorkerReadyMessage {
  const m = message as { kind?: unknown; labeler?: { kind?: unknown; version?: unknown } } | null;
  return typeof m === 'object' && m !== null && m.kind === 'ready' && typeof m.labeler?.kind === 'string' && typeof m.labeler.version === 'string';
}

/** Starts `vaner worker` as a child process (see the module comment). */
export function startWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const { logger } = options;
  const cliPath = options.cliPath ?? path.join(PROJECT_ROOT, 'dist', 'cli', 'main.js');
  const initialDelay = options.restartDelayMs ?? 1000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 60_000;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.baseEnv ?? {})) if (v !== undefined) env[k] = v;
  Object.assign(env, configToEnv(options.config));

  let child: ChildProcess | null = null;
  let labeler: LabelerInfo | null = null;
  let everReady = false;
  let closing = false;
  let delay = initialDelay;
  let restartTimer: NodeJS.Timeout | null = null;
  let resolveReady!: () => void;
  let rejectFailed!: (error: Error) => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const failed = new Promise<never>((_, reject) => (rejectFailed = reject));
  // A rejection nobody awaits (serve exited for another reason) must not crash the process.
  failed.catch(() => undefined);

  const launch = (): void => {
    const startedAt = Date.now();
    const proc = spawn(process.execPath, [cliPath, 'worker'], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child = proc;
    // Batch work yields to the API when both want the CPU: the child runs at a lower priority (nice
    // +10; raising niceness needs no privilege). Where the OS refuses, it runs at the default priority.
    if (proc.pid !== undefined) {
      try {
        os.setPriority(proc.pid, WORKER_NICENESS);
      } catch (error) {
        logger.warn('could not lower the annotation worker process priority', { error: error instanceof Error ? error.message : String(error) });
      }
    }
    proc.on('message', (message) => {
      const m = message as Partial<WorkerMetricsMessage> | null;
      if (m?.kind === 'metrics' && typeof m.id === 'number' && typeof m.text === 'string') {
        metricsWaiters.get(m.id)?.(m.text);
        metricsWaiters.delete(m.id);
        return;
      }
      if (!isWorkerReadyMessage(message)) return;
      labeler = message.labeler;
      if (!everReady) logger.info('annotation worker process ready', { pid: proc.pid, labeler: message.labeler.kind });
      everReady = true;
      resolveReady();
    });
    proc.on('error', (error) => logger.error('annotation worker process error', { error: error.message }));
    proc.once('exit', (code, signal) => {
      if (child === proc) child = null;
      labeler = null;
      if (closing) return;
      if (!everReady) {
        rejectFailed(new VanerError('MODEL_UNAVAILABLE', `the annotation worker process exited before it was ready (${signal ?? `exit status ${code}`}); its error is above`));
        return;
      }
      if (Date.now() - startedAt > STABLE_AFTER_MS) delay = initialDelay;
      logger.error('annotation worker process exited; restarting', { code, signal, restartInMs: delay });
      restartTimer = setTimeout(() => {
        restartTimer = null;
        if (!closing) launch();
      }, delay);
      delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
    });
  };
  launch();

  const metricsWaiters = new Map<number, (text: string) => void>();
  let nextMetricsId = 0;
  /** The child's worker metrics, or '' when no child answers within a second. */
  const workerMetricsText = (): Promise<string> => {
    const proc = child;
    if (!proc?.connected) return Promise.resolve('');
    const id = nextMetricsId++;
    return new Promise<string>((resolve) => {
      const timer = setTimeout(() => {
        metricsWaiters.delete(id);
        resolve('');
      }, 1000);
      metricsWaiters.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      const request: WorkerMetricsRequest = { kind: 'metrics', id };
      proc.send(request, (error) => {
        if (error) metricsWaiters.get(id)?.('');
      });
    });
  };

  let closed: Promise<void> | null = null;
  return {
    withWorkerMetrics: (metrics) => ({
      ...metrics,
      async exposition() {
        const [own, worker] = await Promise.all([metrics.exposition(), workerMetricsText()]);
        const merged = withoutFamilies(own, WORKER_METRIC_NAMES).trimEnd();
        return worker.trim() === '' ? `${merged}\n` : `${merged}\n${worker.trimEnd()}\n`;
      },
    }),
    labelerInfo: () => labeler,
    ready,
    failed,
    pid: () => child?.pid ?? null,
    close() {
      closed ??= (async () => {
        closing = true;
        if (restartTimer) clearTimeout(restartTimer);
        const proc = child;
        if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        proc.kill('SIGTERM');
        const timer = setTimeout(() => {
          logger.warn('annotation worker process did not stop in time; killing it', { pid: proc.pid, stopTimeoutMs });
          proc.kill('SIGKILL');
        }, stopTimeoutMs);
        await exited;
        clearTimeout(timer);
      })();
      return closed;
    },
  };
}

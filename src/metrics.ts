/**
 * Prometheus metrics through prom-client, in a registry owned by the composition root and passed to
 * what it instruments (never prom-client's global registry, so tests and processes stay separate).
 *
 * | metric | type | labels | what |
 * |---|---|---|---|
 * | `vaner_http_request_duration_seconds` | histogram | method, route, status | every HTTP request |
 * | `vaner_graphql_operation_duration_seconds` | histogram | operation, type, outcome | GraphQL operations by name |
 * | `vaner_jobs` | gauge | state | jobs per state, read from the queue at scrape time |
 * | `vaner_queue_depth` | gauge | | jobs waiting for a worker |
 * | `vaner_documents_annotated_total` | counter | outcome | documents labelled, linked and stored; `rate()` = documents per second |
 * | `vaner_labeler_batch_duration_seconds` | histogram | labeler | one labeller call over a batch of documents |
 * | `vaner_process_*`, `vaner_nodejs_*` | | | prom-client's default process metrics (CPU, memory, event-loop lag) |
 *
 * With the BullMQ queue, BullMQ's own `bullmq_job_count{state}` and completed/failed totals are appended
 * to the exposition. docs/observability.md has a scrape configuration.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a queue reports at scrape time (the JobQueue port's `stats()` result; declared here so the kernel imports no layer above it). */
export interface QueueCounts {
  readonly jobs: Readonly<Record<string, number>>;
  readonly depth: number;
  readonly prometheus: string | null;
}

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly graphqlDuration: Histogram<'operation' | 'type' | 'outcome'>;
  readonly documentsAnnotated: Counter<'outcome'>;
  readonly labelerBatchDuration: Histogram<'labeler'>;
  /** The exposition text of this registry plus the queue's own, when the queue has one. */
  exposition(): Promise<string>;
  /** The content type of `exposition()`. */
  readonly contentType: string;
}

export interface CreateMetricsOptions {
  /** Read at scrape time for `vaner_jobs` and `vaner_queue_depth` (and BullMQ's own metrics). @defaultValue none: those gauges stay absent */
  readonly queueStats?: () => Promise<QueueCounts>;
  /** Collect prom-client's default process metrics. @defaultValue true */
  readonly processMetrics?: boolean;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'vaner_' });
  const httpDuration = new Histogram({
    name: 'vaner_http_request_duration_seconds',
    help: 'HTTP request latency by method, route (a fixed set; other paths are "other") and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const graphqlDuration = new Histogram({
    name: 'vaner_graphql_operation_duration_seconds',
    help: 'GraphQL operation latency by operation name (anonymous, or other past the first 100 names), type and outcome',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const documentsAnnotated = new Counter({
    name: 'vaner_documents_annotated_total',
    help: 'Documents annotated by workers of this process, by outcome (annotated, skipped, failed); rate() gives documents per second',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const labelerBatchDuration = new Histogram({
    name: 'vaner_labeler_batch_duration_seconds',
    help: 'Duration of one labeler call over a batch of documents, by labeler kind',
    labelNames: ['labeler'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  // One read of the queue per scrape, shared by both gauges (prom-client runs their collect() concurrently).
  // A queue that cannot be read (Redis down) leaves the gauges out of that scrape instead of failing it.
  let pending: Promise<QueueCounts | null> | null = null;
  const readStats = options.queueStats;
  const stats = (): Promise<QueueCounts | null> => (pending ??= readStats ? readStats().catch(() => null) : Promise.resolve(null));
  if (readStats) {
    new Gauge({
      name: 'vaner_jobs',
      help: 'Annotation jobs per state',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const current = await stats();
        if (current) for (const [state, n] of Object.entries(current.jobs)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'vaner_queue_depth',
      help: 'Annotation jobs waiting for a worker',
      registers: [registry],
      async collect() {
        this.reset();
        const current = await stats();
        if (current) this.set(current.depth);
      },
    });
  }
  return {
    registry,
    httpDuration,
    graphqlDuration,
    documentsAnnotated,
    labelerBatchDuration,
    contentType: registry.contentType,
    async exposition() {
      pending = null;
      const own = await registry.metrics();
      const queue = readStats ? (await stats())?.prometheus : null;
      return queue ? `${own.trimEnd()}\n${queue.trimEnd()}\n` : own;
    },
  };
}

/**
 * Typed configuration, validated once at start. Every value comes from an environment variable
 * (read only by the composition root, which passes `process.env` in) or a CLI flag override.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { VanerError } from './errors.js';

/** The project root (one level above src/ or dist/). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Environment values are strings; CLI flags pass booleans.
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes'),
]);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const fields = z.object({
  dataDir: z.string().min(1),
  host: z.string().min(1),
  port: int(0, 65535),
  store: z.enum(['embedded', 'neo4j']),
  queue: z.enum(['in-process', 'bullmq']),
  redisUrl: z.string().url(),
  neo4jUri: z.string().nullable(),
  neo4jUser: z.string(),
  neo4jPassword: z.string().nullable(),
  labeler: z.enum(['auto', 'model', 'dictionary', 'union']),
  modelDir: z.string().min(1),
  scheme: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case scheme name such as bc5cdr or ncbi-disease').nullable(),
  kbDir: z.string().min(1),
  executionProviders: z.array(z.enum(['cuda', 'cpu'])).min(1),
  modelPrecision: z.enum(['auto', 'fp32', 'int8']),
  modelThresholds: z.enum(['bundle', 'none']),
  modelSpanConfidence: z.enum(['bundle', 'mean', 'min', 'edge']),
  nerBatchSize: int(1, 1024),
  nerThreads: int(0, 256),
  workerConcurrency: int(1, 64),
  queueLeaseMs: int(300, 3_600_000),
  runWorker: bool,
  maxDocumentChars: int(1, 100_000_000),
  maxBatchDocuments: int(1, 100_000),
  maxBodyBytes: int(1024, 1_000_000_000),
  ide: bool,
  introspection: bool,
  logLevel: z.enum(['silent', 'error', 'warn', 'info', 'debug']),
  // Access control and abuse resistance (docs/access-control.md).
  anonymousRead: z.enum(['auto', 'true', 'false']),
  firstAdminKey: bool,
  maxQueryDepth: int(1, 1000),
  maxQueryCost: int(1, 1_000_000_000),
  maxAliases: int(0, 100_000),
  maxResponseBytes: int(1024, 1_000_000_000),
  headersTimeoutMs: int(100, 3_600_000),
  requestTimeoutMs: int(100, 3_600_000),
  keepAliveTimeoutMs: int(0, 3_600_000),
  maxConnections: int(1, 1_000_000),
  rateLimitPerSecond: z.coerce.number().min(0).max(1_000_000),
  rateLimitBurst: int(1, 1_000_000),
});

const schema = fields.superRefine((config, context) => {
  if (config.requestTimeoutMs < config.headersTimeoutMs) {
    context.addIssue({ code: 'custom', path: ['requestTimeoutMs'], message: 'must be at least the headers timeout (VANER_HEADERS_TIMEOUT_MS)' });
  }
  if (config.store === 'neo4j') {
    if (!config.neo4jUri) context.addIssue({ code: 'custom', path: ['neo4jUri'], message: 'required when store is neo4j' });
    if (!config.neo4jPassword) context.addIssue({ code: 'custom', path: ['neo4jPassword'], message: 'required when store is neo4j' });
  }
});

export type Config = z.infer<typeof fields>;

/** Environment variable for each field, with its default. Documented in the README's configuration table. */
export const CONFIG_ENV: Record<keyof Config, { env: string; default: string | null; doc: string }> = {
  dataDir: { env: 'VANER_DATA_DIR', default: './var', doc: 'where the embedded database and queue live' },
  host: { env: 'VANER_HOST', default: '127.0.0.1', doc: 'address the API listens on' },
  port: { env: 'VANER_PORT', default: '4000', doc: 'API port (0 = any free port)' },
  store: { env: 'VANER_STORE', default: 'embedded', doc: '`embedded` (SQLite) or `neo4j` (Neo4j 5; needs NEO4J_URI and NEO4J_PASSWORD)' },
  queue: { env: 'VANER_QUEUE', default: 'in-process', doc: '`in-process` (persisted in the embedded database) or `bullmq` (Redis at REDIS_URL)' },
  redisUrl: { env: 'REDIS_URL', default: 'redis://127.0.0.1:6379', doc: 'Redis for the BullMQ queue' },
  neo4jUri: { env: 'NEO4J_URI', default: null, doc: 'Neo4j 5 URI, e.g. neo4j://localhost:7687' },
  neo4jUser: { env: 'NEO4J_USER', default: 'neo4j', doc: 'Neo4j user' },
  neo4jPassword: { env: 'NEO4J_PASSWORD', default: null, doc: 'Neo4j password' },
  labeler: { env: 'VANER_LABELER', default: 'auto', doc: '`auto` (the VANER model for every type of its bundle, with the live dictionary as its knowledge input; the dictionary alone, with a log line, without a bundle), `model` (VANER; fails without a bundle), `dictionary`, `union` (dictionary spans first, the model adds the rest)' },
  scheme: { env: 'VANER_SCHEME', default: null, doc: 'annotation scheme used when a request names none (`bc5cdr`, `ncbi-disease`, `bc2gm`, `jnlpba`, `linnaeus`, `s800`; README "Schemes"); default: the bundle\'s `defaultScheme`' },
  modelDir: { env: 'VANER_MODEL_DIR', default: path.join(PROJECT_ROOT, 'models', 'vaner-small'), doc: 'VANER model bundle directory' },
  kbDir: { env: 'VANER_KB_DIR', default: path.join(PROJECT_ROOT, 'data', 'kb'), doc: 'vocabularies imported by `vaner kb import`' },
  executionProviders: { env: 'VANER_EXECUTION_PROVIDERS', default: 'cpu', doc: 'ONNX Runtime providers in order of preference, e.g. `cuda,cpu`' },
  modelPrecision: { env: 'VANER_MODEL_PRECISION', default: 'auto', doc: 'which weights of the bundle run: `auto` (its int8 weights on CPU when it has them, float32 otherwise), `fp32`, `int8` ([docs/bundle-format.md](docs/bundle-format.md))' },
  modelSpanConfidence: { env: 'VANER_MODEL_SPAN_CONFIDENCE', default: 'bundle', doc: 'how the model scores a span: `bundle` as the bundle chose per scheme and type on development sets, or `mean`, `min`, `edge` for every type (for choosing the rules, [docs/bundle-format.md](docs/bundle-format.md))' },
  modelThresholds: { env: 'VANER_MODEL_THRESHOLDS', default: 'bundle', doc: 'decision thresholds of the model: `bundle` drops spans below the per-scheme, per-type confidence the bundle chose on development sets, `none` keeps every decoded span (for choosing thresholds, [docs/bundle-format.md](docs/bundle-format.md))' },
  nerBatchSize: { env: 'VANER_NER_BATCH_SIZE', default: '16', doc: 'sequences per ONNX batch' },
  nerThreads: { env: 'VANER_NER_THREADS', default: '0', doc: 'ONNX intra-op threads (0 = runtime default)' },
  workerConcurrency: { env: 'VANER_WORKER_CONCURRENCY', default: '1', doc: 'jobs a worker processes at once' },
  queueLeaseMs: { env: 'VANER_QUEUE_LEASE_MS', default: '30000', doc: 'how long a job stays reserved for a worker that stopped answering (lease / BullMQ lock) before another worker takes it over' },
  runWorker: { env: 'VANER_RUN_WORKER', default: 'true', doc: '`serve` also runs an annotation worker (`vaner worker` in a child process, so labelling never blocks the API)' },
  maxDocumentChars: { env: 'VANER_MAX_DOCUMENT_CHARS', default: '1000000', doc: 'largest accepted document (characters)' },
  maxBatchDocuments: { env: 'VANER_MAX_BATCH_DOCUMENTS', default: '1000', doc: 'most documents per submitDocuments call' },
  maxBodyBytes: { env: 'VANER_MAX_BODY_BYTES', default: '10485760', doc: 'largest accepted HTTP request body' },
  ide: { env: 'VANER_IDE', default: 'true', doc: 'serve the GraphiQL IDE at /graphql for browsers' },
  introspection: { env: 'VANER_INTROSPECTION', default: 'true', doc: 'allow GraphQL introspection' },
  logLevel: { env: 'VANER_LOG_LEVEL', default: 'info', doc: '`silent`, `error`, `warn`, `info`, `debug` (one JSON line per HTTP request); pino JSON lines on stderr with request ids ([docs/observability.md](docs/observability.md))' },
  anonymousRead: { env: 'VANER_ANONYMOUS_READ', default: 'auto', doc: 'reads without an API key: `auto` (only when VANER_HOST is a loopback address), `true`, `false`; writes always need a key' },
  firstAdminKey: { env: 'VANER_FIRST_ADMIN_KEY', default: 'true', doc: '`serve` creates and prints (once, to stderr) an admin key when no API key has ever existed' },
  maxQueryDepth: { env: 'VANER_MAX_QUERY_DEPTH', default: '10', doc: 'deepest field nesting of a GraphQL operation' },
  maxQueryCost: { env: 'VANER_MAX_QUERY_COST', default: '5000', doc: 'largest estimated cost of a GraphQL operation (lists weighted by `first` or their list argument\'s length, searches, exports and co-mentions by their work; docs/access-control.md)' },
  maxAliases: { env: 'VANER_MAX_ALIASES', default: '30', doc: 'most aliased fields in one GraphQL document' },
  headersTimeoutMs: { env: 'VANER_HEADERS_TIMEOUT_MS', default: '10000', doc: 'time a client has to send its request headers; slower connections are closed (408)' },
  requestTimeoutMs: { env: 'VANER_REQUEST_TIMEOUT_MS', default: '60000', doc: 'time a client has to send its whole request, body included (at least the headers timeout)' },
  keepAliveTimeoutMs: { env: 'VANER_KEEP_ALIVE_TIMEOUT_MS', default: '5000', doc: 'how long an idle keep-alive connection stays open' },
  maxConnections: { env: 'VANER_MAX_CONNECTIONS', default: '1000', doc: 'most open HTTP connections; further ones are closed at once' },
  maxResponseBytes: { env: 'VANER_MAX_RESPONSE_BYTES', default: '16777216', doc: 'most bytes of strings (texts, exports, names) in one GraphQL response; larger answers are RESPONSE_TOO_LARGE' },
  rateLimitPerSecond: { env: 'VANER_RATE_LIMIT_PER_SECOND', default: '20', doc: 'sustained API requests per second per key (per address without a key); 0 = off' },
  rateLimitBurst: { env: 'VANER_RATE_LIMIT_BURST', default: '40', doc: 'requests a key (or address) may make at once' },
};

/**
 * Builds the configuration from an environment and explicit overrides (CLI flags win).
 * Throws VanerError('CONFIG_INVALID') naming every invalid field and its variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(CONFIG_ENV) as [keyof Config, (typeof CONFIG_ENV)[keyof Config]][]) {
    const value = env[spec.env] ?? spec.default;
    raw[field] = field === 'executionProviders' && typeof value === 'string'
      ? value.split(',').map((s) => s.trim()).filter(Boolean)
      : value;
  }
  for (const [field, value] of Object.entries(overrides)) if (value !== undefined) raw[field] = value;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? '');
      const variable = CONFIG_ENV[field as keyof Config]?.env;
      return `${field}${variable ? ` (${variable})` : ''}: ${issue.message}`;
    });
    throw new VanerError('CONFIG_INVALID', `invalid configuration: ${problems.join('; ')}`, { details: { problems } });
  }
  const config = parsed.data;
  return { ...config, dataDir: path.resolve(config.dataDir) };
}

/**
 * The environment that makes {@link loadConfig} return `config` again (null fields are left out), so
 * a child process — `vaner serve`'s annotation worker — runs with exactly its parent's resolved
 * configuration, CLI flag overrides included.
 */
export function configToEnv(config: Config): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [field, spec] of Object.entries(CONFIG_ENV) as [keyof Config, (typeof CONFIG_ENV)[keyof Config]][]) {
    const value = config[field];
    if (value === null || value === undefined) continue;
    env[spec.env] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return env;
}

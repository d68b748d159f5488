/**
 * Composition root: builds the adapters from the configuration, wires them, and owns shutdown.
 * Everything else receives its dependencies as arguments, so tests and both adapters of a port can be
 * swapped in (docs/architecture.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { VanerError } from './errors.js';
import type { EntityType, Labeler } from './domain/index.js';
import type { Linker } from './kb/linker-types.js';
import type { Store } from './store/port.js';
import type { JobQueue, QueueWorker } from './jobs/port.js';
import { openEmbeddedStore, openNeo4jStore } from './store/index.js';
import { openInProcessQueue, openBullmqQueue, createAnnotateProcessor } from './jobs/index.js';
import {
  importKnowledgeBase,
  importBundledVocabularies,
  createDictionaryLabeler,
  createEntityLinker,
  createLiveDictionary,
  createLiveLinker,
  createNgramIndexCache,
  readAnnotationCounts,
  readAnnotationNameCounts,
  readDictionaryRules,
} from './kb/index.js';
import { createLabeler, createUnionLabeler, readManifest, resolveScheme } from './ner/index.js';
import { openSqliteKeyStore, type ApiKeyStore } from './auth/index.js';

export type LabelerChoice = Config['labeler'];

/** The adapters the API needs (see {@link createApiApp}). */
export interface ApiApp {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly queue: JobQueue;
  /** API keys, in the same database file (table api_keys). */
  readonly keys: ApiKeyStore;
  /** This process's Prometheus registry: queue gauges, and the workers' documents and labeler batches. */
  readonly metrics: Metrics;
  /** Closes queue, key store and store in that order; idempotent, every step runs even if one fails. */
  close(): Promise<void>;
}

export interface App extends ApiApp {
  readonly labeler: Labeler;
  readonly linker: Linker;
  /** Starts a worker that annotates queued jobs; closed by `close()`. */
  startWorker(): QueueWorker;
  /** Closes workers, labeler, queue and store in that order; idempotent, every step runs even if one fails. */
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** Overrides `config.labeler`. */
  readonly labeler?: LabelerChoice;
  readonly logger?: Logger;
  /**
   * Import the shipped vocabularies when the store has no entities yet (first start).
   * @defaultValue true
   */
  readonly importKnowledgeBase?: boolean;
}

export function databasePath(config: Config): string {
  return path.join(config.dataDir, 'vaner.db');
}

/**
 * What the API needs and nothing more: store, queue and key store, with the shipped knowledge base
 * imported on first start. `vaner serve` uses it and runs annotation in a child process
 * (cli/worker-process.ts), so the API process never builds a labeler or linker.
 */
export async function createApiApp(config: Config, options: Pick<CreateAppOptions, 'logger' | 'importKnowledgeBase'> = {}): Promise<ApiApp> {
  const logger = options.logger ?? createLogger(config.logLevel);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore(config, logger);
  const cleanups: (() => Promise<void>)[] = [() => store.close()];
  try {
    if (options.importKnowledgeBase ?? true) await ensureKnowledgeBase(store, config, logger);
    const queue = await openQueue(config, logger);
    cleanups.unshift(() => queue.close());
    // API keys live in the embedded database file whatever the store (table api_keys).
    const keys = openSqliteKeyStore({ path: databasePath(config), dataDir: config.dataDir });
    cleanups.unshift(() => keys.close());
    const metrics = createMetrics({ queueStats: () => queue.stats() });
    let closed: Promise<void> | null = null;
    return {
      config, logger, store, queue, keys, metrics,
      close() {
        closed ??= runAll(cleanups, logger);
        return closed;
      },
    };
  } catch (error) {
    await runAll(cleanups, logger);
    throw error;
  }
}

export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const base = await createApiApp(config, options);
  const { store, queue, logger } = base;
  const cleanups: (() => Promise<void>)[] = [() => base.close()];
  try {
    const [labeler, linker] = await Promise.all([
      buildLabeler(store, config, options.labeler ?? config.labeler, logger),
      buildLinker(store, config, logger),
    ]);
    cleanups.unshift(() => labeler.close());
    const { metrics } = base;
    const workers: QueueWorker[] = [];
    let closed: Promise<void> | null = null;
    return {
      ...base, labeler, linker,
      startWorker() {
        const processor = createAnnotateProcessor({ store, labeler, linker, logger, batchSize: config.nerBatchSize, metrics });
        const worker = queue.startWorker(processor, { concurrency: config.workerConcurrency });
        workers.push(worker);
        return worker;
      },
      close() {
        closed ??= runAll([...workers.map((w) => () => w.close()), ...cleanups], logger);
        return closed;
      },
    };
  } catch (error) {
    await runAll(cleanups, logger);
    throw error;
  }
}

/** The configured store: Neo4j (production) or the embedded SQLite database under the data directory. */
export async function openStore(config: Config, logger: Logger): Promise<Store> {
  if (config.store === 'neo4j') {
    // loadConfig guarantees both are set when store is neo4j.
    return openNeo4jStore({ uri: config.neo4jUri ?? '', user: config.neo4jUser, password: config.neo4jPassword ?? '', logger });
  }
  return openEmbeddedStore({ path: databasePath(config), logger });
}

/** The configured queue: BullMQ over REDIS_URL, or the in-process queue in the embedded database file. */
export async function openQueue(config: Config, logger: Logger): Promise<JobQueue> {
  return config.queue === 'bullmq'
    ? openBullmqQueue({ redisUrl: config.redisUrl, logger, lockDurationMs: config.queueLeaseMs, stalledIntervalMs: config.queueLeaseMs })
    : openInProcessQueue({ path: databasePath(config), logger, leaseMs: config.queueLeaseMs });
}

/** Imports the shipped vocabularies on first start (an empty store); later starts keep what is there. */
export async function ensureKnowledgeBase(store: Store, config: Config, logger: Logger): Promise<void> {
  if ((await store.countEntities()) > 0) return;
  logger.info('knowledge base is empty: importing the shipped vocabularies', { kbDir: config.kbDir });
  const result = await importKnowledgeBase(store, { kbDir: config.kbDir, logger });
  const bundled = await importBundledVocabularies(store, config.kbDir, logger);
  logger.info('knowledge base imported', { seconds: result.seconds, entities: result.entities, names: result.names, vocabularies: bundled.map((b) => b.source) });
}

/**
 * The entity linker over the store's current names, with corpus-frequency priors from the shipped KB
 * and curated links from the store. It follows curation while the app runs: before each link call it
 * checks `store.kbRevision()` and the audit trail, applying new synonyms, removals and merges as
 * deltas, and rebuilds from the store only when names changed otherwise (a re-import).
 */
export async function buildLinker(store: Store, config: Config, logger?: Logger): Promise<Linker> {
  const [annotationCounts, annotationNameCounts] = await Promise.all([readAnnotationCounts(config.kbDir), readAnnotationNameCounts(config.kbDir)]);
  // The approximate-candidate index persists in the data directory, keyed by the names it indexes:
  // restarts and `vaner annotate` read it; a KB change rebuilds it (kb/ngram-index-cache.ts).
  const buildIndex = createNgramIndexCache({ dir: path.join(config.dataDir, 'linker-index'), ...(logger ? { logger } : {}) });
  return createLiveLinker({
    store,
    ...(logger ? { logger } : {}),
    build: async () => createEntityLinker({ names: store.iterateNames(), annotationCounts, annotationNameCounts, curatedLinks: await store.curatedLinks(), buildIndex }),
  });
}

/**
 * The dictionary labeler over the store's names, following curation while the app runs (kb/live-dictionary.ts):
 * a curator's synonym is matched in the next document. It is the `dictionary` labeler and the VANER model's
 * knowledge matcher (docs/bundle-format.md, "Knowledge ids"): the same names, exclusions and stop names.
 */
export async function buildDictionary(store: Store, config: Config, logger: Logger) {
  // Broad MeSH branches (proteins, enzymes, drug-action classes) and the names the training corpora leave
  // unannotated (kb/learned-stop-names.ts) stay linkable but are not labelled.
  const rules = await readDictionaryRules(config.kbDir);
  return createLiveDictionary({
    store,
    logger,
    build: () => createDictionaryLabeler({ names: store.iterateNames(), ...rules }),
  });
}

/**
 * 'auto' runs the VANER model for every type of its bundle when one exists (the live dictionary feeds its
 * knowledge channel) and falls back to the dictionary labeler with a log line; 'model' requires the bundle;
 * 'dictionary' is the live dictionary alone; 'union' adds the dictionary's spans first, the model's after.
 * `config.scheme` (VANER_SCHEME) is the model's default annotation scheme; an unknown one fails here, naming the
 * bundle's schemes.
 */
export async function buildLabeler(store: Store, config: Config, choice: LabelerChoice, logger: Logger): Promise<Labeler> {
  const hasBundle = fs.existsSync(path.join(config.modelDir, 'manifest.json'));
  if ((choice === 'model' || choice === 'union') && !hasBundle) {
    throw new VanerError('MODEL_UNAVAILABLE', `no model bundle at ${config.modelDir} (VANER_MODEL_DIR)`);
  }
  const usable = choice === 'auto' && hasBundle ? await bundleFormatUsable(config.modelDir, logger) : hasBundle;
  const dictionary = await buildDictionary(store, config, logger);
  if (choice === 'dictionary' || (choice === 'auto' && !usable)) {
    if (choice === 'auto' && !hasBundle) logger.warn('no model bundle found; using the dictionary labeler', { modelDir: config.modelDir });
    return dictionary;
  }
  let model: Labeler;
  try {
    model = await createLabeler(config.modelDir, {
      knowledge: dictionary,
      ...(config.scheme === null ? {} : { scheme: config.scheme }),
      executionProviders: config.executionProviders,
      precision: config.modelPrecision,
      thresholds: config.modelThresholds,
      spanConfidence: config.modelSpanConfidence,
      batchSize: config.nerBatchSize,
      intraOpThreads: config.nerThreads,
      logger,
    });
  } catch (error) {
    await dictionary.close();
    throw error;
  }
  if (choice === 'union') {
    // The curated dictionary's spans win overlaps; the model adds what the dictionary lacks. Measured on
    // development data in the README.
    return createUnionLabeler([dictionary, model], { overlap: 'priority' });
  }
  // The model does not own its knowledge matcher: closing the labeler closes both, the model first.
  return withCleanup(model, () => dictionary.close());
}

/**
 * The schemes of the labeler `buildLabeler(store, config, choice)` builds, read from the bundle's manifest without
 * loading the model, for commands that enqueue work for workers started with the same configuration
 * (`vaner reannotate`). Null when `choice` needs a bundle this machine does not have: the workers run elsewhere, and
 * they check schemes themselves. An unknown VANER_SCHEME fails here as it does in buildLabeler.
 */
export async function labelerSchemes(config: Config, choice: LabelerChoice, logger: Logger): Promise<Pick<Labeler, 'kind' | 'schemes' | 'defaultScheme'> | null> {
  const dictionary = { kind: 'dictionary', schemes: [], defaultScheme: null };
  const hasBundle = fs.existsSync(path.join(config.modelDir, 'manifest.json'));
  if (choice === 'dictionary') return dictionary;
  if (!hasBundle) return choice === 'auto' ? dictionary : null;
  if (choice === 'auto' && !(await bundleFormatUsable(config.modelDir, logger))) return dictionary;
  const manifest = await readManifest(config.modelDir);
  return {
    kind: choice === 'union' ? 'union' : 'vaner',
    schemes: manifest.schemes.map((s) => s.name),
    defaultScheme: resolveScheme(manifest, config.scheme).name,
  };
}

/**
 * False, with a log line, when the bundle is of a format version this runtime does not read (a version 1 bundle
 * left in VANER_MODEL_DIR): `auto` then falls back to the dictionary instead of refusing to start. Every other
 * problem of the bundle (a bad field, a missing file) still fails, as `model` and `union` fail for this one too.
 */
async function bundleFormatUsable(modelDir: string, logger: Logger): Promise<boolean> {
  try {
    await readManifest(modelDir);
    return true;
  } catch (error) {
    const found = (error as VanerError).details?.['formatVersion'];
    if ((error as VanerError).code !== 'MODEL_INVALID' || found === undefined) throw error;
    logger.warn('model bundle format not supported; using the dictionary labeler', { modelDir, formatVersion: found, error: (error as Error).message });
    return false;
  }
}

/** `labeler`, whose close() also runs `cleanup` afterwards (idempotent; both run even if the first fails). */
function withCleanup(labeler: Labeler, cleanup: () => Promise<void>): Labeler {
  let closing: Promise<void> | null = null;
  return {
    kind: labeler.kind,
    get version() {
      return labeler.version;
    },
    types: labeler.types,
    schemes: labeler.schemes,
    defaultScheme: labeler.defaultScheme,
    label: (inputs, options) => labeler.label(inputs, options),
    close() {
      closing ??= (async () => {
        try {
          await labeler.close();
        } finally {
          await cleanup();
        }
      })();
      return closing;
    },
  };
}

async function runAll(steps: readonly (() => Promise<void>)[], logger: Logger): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      logger.error('cleanup step failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}

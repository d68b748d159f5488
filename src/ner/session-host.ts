/**
 * Where an ONNX session lives: on the calling thread, or in a dedicated worker thread.
 *
 * onnxruntime-node 1.30 runs inference synchronously on the thread that calls `session.run` (see predict.ts), so
 * a session on the main thread stalls the event loop for a whole batch (0.5-1 s for vaner-small at batch 16 on a
 * loaded 2-core host). The worker host moves the session to a `worker_threads` Worker: the main thread only posts
 * the batch's id and mask arrays and receives the logits, so an API server sharing the process stays responsive.
 * Both hosts expose the same {@link HostedSession}; predict.ts does not know which it has.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { VanerError } from '../errors.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './onnx-worker.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A batch for the model: int64 ids, mask and knowledge ids, all [batch, seq] row-major. */
export interface BatchFeeds {
  readonly ids: BigInt64Array;
  readonly mask: BigInt64Array;
  readonly knowledge: BigInt64Array;
  readonly dims: readonly [number, number];
}

/** The model's output tensor for a batch. */
export interface BatchLogits {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** A loaded session, wherever it runs. */
export interface HostedSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: BatchFeeds): Promise<BatchLogits>;
  release(): Promise<void>;
}

/** How to open a session. */
export interface OpenOptions {
  readonly provider: string;
  readonly intraOpThreads: number;
  readonly io: { readonly inputIds: string; readonly attentionMask: string; readonly knowledgeIds: string; readonly logits: string };
}

function sessionOptions(options: OpenOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [options.provider],
    intraOpNumThreads: options.intraOpThreads,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
}

/** Opens a session on the calling thread. Rejects with the runtime's error when the provider cannot load. */
export async function openInThread(modelPath: string, options: OpenOptions): Promise<HostedSession> {
  const session = await ort.InferenceSession.create(modelPath, sessionOptions(options));
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      const out = await session.run({
        [options.io.inputIds]: new ort.Tensor('int64', feeds.ids, [...feeds.dims]),
        [options.io.attentionMask]: new ort.Tensor('int64', feeds.mask, [...feeds.dims]),
        [options.io.knowledgeIds]: new ort.Tensor('int64', feeds.knowledge, [...feeds.dims]),
      });
      const t = out[options.io.logits];
      if (t === undefined) return { type: 'missing', dims: [], data: new Float32Array(0) };
      return { type: t.type, dims: t.dims, data: t.data as Float32Array };
    },
    release: () => session.release(),
  };
}

/**
 * The worker thread running onnx-worker.ts. From the compiled dist/ it is that file's JavaScript; from
 * the TypeScript sources (vitest, where no .js sits beside this file) the same file is transpiled to
 * CommonJS with the TypeScript compiler (a development dependency) and evaluated, so tests run the
 * very program production runs.
 */
function startWorker(data: WorkerData): Worker {
  const compiled = new URL('./onnx-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData: data });
  const source = readFileSync(fileURLToPath(new URL('./onnx-worker.ts', import.meta.url)), 'utf8');
  const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
  const program = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  return new Worker(program, { eval: true, workerData: data });
}

/**
 * Opens a session in a new worker thread. Rejects with the runtime's error when the provider cannot load (the
 * worker is then terminated). If the worker dies, every pending and later call rejects with MODEL_UNAVAILABLE.
 */
export async function openInWorker(modelPath: string, options: OpenOptions): Promise<HostedSession> {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const worker = startWorker({ ortPath });
  // The worker keeps the process alive only while a call is pending: an idle labeler that nobody closed must not
  // stop a CLI command from exiting, and a pending call must not let the process exit under it.
  worker.unref();
  const pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let dead: Error | null = null;
  const failAll = (error: Error): void => {
    dead ??= error;
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  };
  worker.on('message', (reply: WorkerReply) => {
    const p = pending.get(reply.id);
    if (p === undefined) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.ok) p.resolve(reply);
    else p.reject(new Error(reply.message ?? 'unknown error'));
  });
  worker.on('error', (error) => failAll(new VanerError('MODEL_UNAVAILABLE', `the ONNX worker thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => failAll(new VanerError('MODEL_UNAVAILABLE', `the ONNX worker thread exited (code ${code})`)));
  const call = (message: DistributiveOmit<WorkerRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (dead !== null) {
        reject(dead);
        return;
      }
      const id = nextId++;
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id }, transfer);
    });

  let opened: WorkerReply;
  try {
    opened = await call({ kind: 'open', modelPath, options: sessionOptions(options) });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  let released: Promise<void> | null = null;
  return {
    inputNames: opened.inputNames ?? [],
    outputNames: opened.outputNames ?? [],
    async run(feeds) {
      // The arrays are built per batch and not used afterwards, so they are transferred, not copied.
      const reply = await call(
        { kind: 'run', ids: feeds.ids, mask: feeds.mask, knowledge: feeds.knowledge, dims: [...feeds.dims], io: options.io },
        [feeds.ids.buffer as ArrayBuffer, feeds.mask.buffer as ArrayBuffer, feeds.knowledge.buffer as ArrayBuffer],
      );
      return { type: reply.type ?? 'missing', dims: reply.dims ?? [], data: reply.data ?? new Float32Array(0) };
    },
    release() {
      released ??= (async () => {
        try {
          if (dead === null) await call({ kind: 'release' });
        } finally {
          await worker.terminate();
        }
      })();
      return released;
    },
  };
}

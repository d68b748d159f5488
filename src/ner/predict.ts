/**
 * Stage 2 of the labeler (encode → predict → decode, src/ner/README.md). With session-host.ts, the only code that touches ONNX Runtime.
 *
 * Execution providers. `createSession` tries the configured providers in order, one session per attempt with that
 * single provider, and keeps the first that loads; it logs the chosen provider once. On Linux x64,
 * onnxruntime-node 1.30 bundles only the CPU provider in its npm tarball; the CUDA 12 provider libraries
 * (`libonnxruntime_providers_cuda.so`, `_shared.so`, `_tensorrt.so`) are downloaded from NuGet
 * (Microsoft.ML.OnnxRuntime.Gpu.Linux) by its postinstall script, node_modules/onnxruntime-node/script/install.js.
 * This repository denies that script (`"allowScripts": { "onnxruntime-node": false }` in package.json, npm's
 * install-script policy) so that CPU-only and offline machines do not download the GPU package; on a Linux x64
 * host with CUDA 12 and cuDNN 9, run it directly:
 *   `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install`
 * (`parseInstallFlag()` in script/install-utils.js reads that variable), then set `VANER_EXECUTION_PROVIDERS=cuda,cpu`.
 *
 * Threading. `session.run` is *not* off the main thread in onnxruntime-node 1.30: dist/backend.js wraps the native
 * call in `setImmediate`, and the binding's `run` is synchronous (dist/binding.d.ts: "a simple synchronized
 * inference session object wrap"). Measured, a session on the main thread stalls the event loop for a whole batch
 * (gaps up to 1-1.4 s with a vaner-small-sized model at batch 32; src/ner/README.md). So by default the session
 * lives in a worker thread (session-host.ts, `thread: 'worker'`); `thread: 'main'` keeps it on the calling thread
 * (one less copy of the logits; fine for CLI batch jobs).
 */
import { VanerError } from '../errors.js';
import type { Logger } from '../log.js';
import { planBatches } from './batch-plan.js';
import { openInThread, openInWorker, type HostedSession } from './session-host.js';

/** The graph's input and output names (manifest.io). */
export interface ModelIo {
  readonly inputIds: string;
  readonly attentionMask: string;
  readonly knowledgeIds: string;
  readonly logits: string;
}

/** Providers the runtime can be asked for. */
export type ExecutionProvider = 'cuda' | 'cpu';

/** Where the ONNX session runs: a dedicated worker thread, or the calling thread. */
export type SessionThread = 'worker' | 'main';

/** A loaded ONNX session and the provider that loaded it. */
export interface ModelSession {
  readonly session: HostedSession;
  readonly provider: ExecutionProvider;
  readonly thread: SessionThread;
}

/** Options of {@link createSession}. */
export interface SessionOptions {
  /** Tried in order; the first that loads wins. @defaultValue ['cpu'] */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** ONNX Runtime intra-op threads; 0 lets the runtime choose (one per physical core). @defaultValue 0 */
  readonly intraOpThreads?: number;
  /** Names the session must have (manifest.io). */
  readonly io: ModelIo;
  /** @defaultValue 'worker' */
  readonly thread?: SessionThread;
  readonly logger: Logger;
}

/**
 * Creates an inference session with the first execution provider that loads.
 * @throws VanerError('MODEL_UNAVAILABLE') listing each provider and why it failed, when none loads;
 *   VanerError('MODEL_INVALID') when the graph lacks the inputs or output the manifest names.
 */
export async function createSession(modelPath: string, options: SessionOptions): Promise<ModelSession> {
  const providers = options.executionProviders ?? ['cpu'];
  if (providers.length === 0) throw new VanerError('CONFIG_INVALID', 'executionProviders: must list at least one provider');
  const failures: string[] = [];
  const thread = options.thread ?? 'worker';
  const open = thread === 'worker' ? openInWorker : openInThread;
  for (const provider of providers) {
    let session: HostedSession;
    try {
      session = await open(modelPath, { provider, intraOpThreads: options.intraOpThreads ?? 0, io: options.io });
    } catch (cause) {
      failures.push(`${provider}: ${(cause as Error).message}`);
      continue;
    }
    const missing = [
      ...[options.io.inputIds, options.io.attentionMask, options.io.knowledgeIds].filter((n) => !session.inputNames.includes(n)).map((n) => `input ${n}`),
      ...[options.io.logits].filter((n) => !session.outputNames.includes(n)).map((n) => `output ${n}`),
    ];
    if (missing.length > 0) {
      await session.release();
      throw new VanerError('MODEL_INVALID', `model graph lacks ${missing.join(', ')} named in manifest.io`, { details: { missing } });
    }
    options.logger.info('ner: onnx session ready', { provider, thread, failed: failures, intraOpThreads: options.intraOpThreads ?? 0 });
    return { session, provider, thread };
  }
  throw new VanerError('MODEL_UNAVAILABLE', `no execution provider could load the model: ${failures.join('; ')}`, {
    details: { tried: providers, failures },
  });
}

/** One sequence to run: unpadded ids, their knowledge ids (same length), and the positions whose logits are wanted. */
export interface PredictInput {
  readonly inputIds: readonly number[];
  readonly knowledgeIds: readonly number[];
  readonly wordPositions: readonly number[];
}

/** Timing of one batch, for benchmarks. */
export interface BatchTiming {
  readonly size: number;
  /** Padded length of the batch. */
  readonly length: number;
  readonly ms: number;
}

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Sequences per ONNX run. @defaultValue 16 */
  readonly batchSize?: number;
  readonly padId: number;
  readonly io: ModelIo;
  /** Checked before every batch. */
  readonly signal?: AbortSignal;
  readonly onBatch?: (timing: BatchTiming) => void;
}

/**
 * Logits of the requested positions of each sequence: `rows[i]` holds `wordPositions.length * heads * labels`
 * floats, position-major, then head, then label.
 */
export interface PredictOutput {
  readonly rows: Float32Array[];
  readonly heads: number;
  readonly labels: number;
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VanerError('CANCELLED', 'labeling was cancelled', { cause: signal.reason });
}

/**
 * Runs sequences through the model in length-bucketed batches (right padding with `padId`, mask 0, knowledge id 0); results come
 * back in input order. Because the model masks padded keys, a sequence's logits do not depend on its batch.
 * @throws VanerError('CANCELLED') when `signal` is aborted before a batch; VanerError('MODEL_INVALID') when the
 *   output does not have the documented [batch, seq, heads, labels] shape.
 */
export async function predict(session: HostedSession, inputs: readonly PredictInput[], options: PredictOptions): Promise<PredictOutput> {
  const rows: Float32Array[] = new Array<Float32Array>(inputs.length);
  let heads = 0;
  let labels = 0;
  checkAbort(options.signal);
  for (const batch of planBatches(inputs.map((s) => s.inputIds.length), options.batchSize ?? 16)) {
    checkAbort(options.signal);
    const length = Math.max(...batch.map((i) => inputs[i]!.inputIds.length));
    const ids = new BigInt64Array(batch.length * length).fill(BigInt(options.padId));
    const mask = new BigInt64Array(batch.length * length);
    const knowledge = new BigInt64Array(batch.length * length);
    batch.forEach((index, b) => {
      const seq = inputs[index]!.inputIds;
      const kn = inputs[index]!.knowledgeIds;
      if (kn.length !== seq.length) throw new VanerError('INTERNAL', `sequence ${index}: ${kn.length} knowledge ids for ${seq.length} input ids`);
      for (let t = 0; t < seq.length; t++) {
        ids[b * length + t] = BigInt(seq[t]!);
        mask[b * length + t] = 1n;
        knowledge[b * length + t] = BigInt(kn[t]!);
      }
    });
    const started = performance.now();
    const logits = await session.run({ ids, mask, knowledge, dims: [batch.length, length] });
    const ms = performance.now() - started;
    const dims = logits.dims;
    if (logits.type !== 'float32' || dims.length !== 4 || dims[0] !== batch.length || dims[1] !== length) {
      throw new VanerError('MODEL_INVALID', `model output ${options.io.logits} must be float32 [batch, seq, heads, labels]; got ${logits.type} [${dims.join(', ')}]`);
    }
    heads = dims[2]!;
    labels = dims[3]!;
    const data = logits.data;
    const stride = heads * labels;
    batch.forEach((index, b) => {
      const positions = inputs[index]!.wordPositions;
      const row = new Float32Array(positions.length * stride);
      positions.forEach((p, k) => row.set(data.subarray((b * length + p) * stride, (b * length + p + 1) * stride), k * stride));
      rows[index] = row;
    });
    options.onBatch?.({ size: batch.length, length, ms });
  }
  return { rows, heads, labels };
}

/**
 * The program of the ONNX worker thread (session-host.ts `openInWorker`): it owns one
 * InferenceSession and answers the main thread's messages, so inference never blocks the main
 * thread's event loop. Runs as dist/ner/onnx-worker.js; when the project runs from its TypeScript
 * sources (vitest), session-host.ts transpiles this same file for the thread.
 *
 * onnxruntime-node is loaded from the absolute path the main thread resolved (`workerData.ortPath`),
 * so the thread loads exactly the runtime the main thread would, however it was started.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as Ort from 'onnxruntime-node';

/** A message from the main thread; `id` pairs it with its reply. */
export type WorkerRequest =
  | { readonly id: number; readonly kind: 'open'; readonly modelPath: string; readonly options: Ort.InferenceSession.SessionOptions }
  | {
      readonly id: number;
      readonly kind: 'run';
      readonly ids: BigInt64Array;
      readonly mask: BigInt64Array;
      readonly knowledge: BigInt64Array;
      readonly dims: number[];
      readonly io: { readonly inputIds: string; readonly attentionMask: string; readonly knowledgeIds: string; readonly logits: string };
    }
  | { readonly id: number; readonly kind: 'release' };

/** The answer to one request. */
export interface WorkerReply {
  readonly id: number;
  readonly ok: boolean;
  readonly message?: string;
  readonly inputNames?: readonly string[];
  readonly outputNames?: readonly string[];
  readonly type?: string;
  readonly dims?: readonly number[];
  readonly data?: Float32Array;
}

/** What the main thread passes at start. */
export interface WorkerData {
  readonly ortPath: string;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('onnx-worker.ts runs only as a worker thread');
  const { ortPath } = workerData as WorkerData;
  const loaded = (await import(ortPath)) as typeof Ort & { default?: typeof Ort };
  const ort = loaded.default ?? loaded;
  let session: Ort.InferenceSession | null = null;

  const handle = async (msg: WorkerRequest): Promise<void> => {
    if (msg.kind === 'open') {
      session = await ort.InferenceSession.create(msg.modelPath, msg.options);
      port.postMessage({ id: msg.id, ok: true, inputNames: session.inputNames, outputNames: session.outputNames } satisfies WorkerReply);
    } else if (msg.kind === 'run') {
      if (session === null) throw new Error('no session is open');
      const out = await session.run({
        [msg.io.inputIds]: new ort.Tensor('int64', msg.ids, msg.dims),
        [msg.io.attentionMask]: new ort.Tensor('int64', msg.mask, msg.dims),
        [msg.io.knowledgeIds]: new ort.Tensor('int64', msg.knowledge, msg.dims),
      });
      const t = out[msg.io.logits];
      if (t === undefined) {
        port.postMessage({ id: msg.id, ok: true, type: 'missing', dims: [], data: new Float32Array(0) } satisfies WorkerReply);
        return;
      }
      // Copied into a buffer this thread owns so it can be transferred (the runtime's buffer may not be detachable).
      const data = t.type === 'float32' ? Float32Array.from(t.data as Float32Array) : new Float32Array(0);
      port.postMessage({ id: msg.id, ok: true, type: t.type, dims: Array.from(t.dims), data } satisfies WorkerReply, [data.buffer]);
    } else {
      if (session !== null) await session.release();
      session = null;
      port.postMessage({ id: msg.id, ok: true } satisfies WorkerReply);
    }
  };

  port.on('message', (msg: WorkerRequest) => {
    handle(msg).catch((error: unknown) => {
      port.postMessage({ id: msg.id, ok: false, message: String((error as Error | undefined)?.message ?? error) } satisfies WorkerReply);
    });
  });
}

void main();

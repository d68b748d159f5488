/**
 * `vaner bench ner`: throughput and latency of the VANER labeler on BC5CDR-like abstracts, printed as a table.
 *
 *   vaner bench ner [--bundle DIR] [--input FILE.PubTator] [--docs N] [--docs-per-call K]
 *                   [--batch-size B] [--threads T] [--providers cpu|cuda,cpu] [--thread worker|main]
 *                   [--scheme NAME] [--knowledge kb|none] [--precision auto|fp32|int8]
 *
 * Knowledge: `kb` (default) builds the dictionary matcher from the shipped vocabularies (VANER_KB_DIR, no store),
 * as the knowledge channel of the bundle reads it in production; its matching time is part of the measured time
 * and its build time is printed separately. `none` runs with every knowledge id 0 (the model alone).
 * Precision: which weights run (VANER_MODEL_PRECISION, default `auto`: the bundle's int8 weights on CPU when it has
 * them); the table's `weights` row says which ran.
 *
 * Input: titles and abstracts of a PubTator file (text = title + ' ' + abstract, as PubTator offsets assume).
 * Default: the BC5CDR development set in ../shared/data if present, else bench/ner-sample.PubTator.txt.
 * One warm-up call (not timed) precedes the measured run, so session and kernel initialisation are excluded.
 *
 * Compute: `model GFLOP/s` is the operations of the batches that ran (src/ner/model-flops.ts, from the padded batch
 * shapes) over the wall time; `matmul GFLOP/s` is what onnxruntime reaches on one large float32 MatMul
 * (bench/matmul.onnx, the same thread count, measured before the labeler starts), i.e. what this machine can do at
 * best. For int8 weights the model's "FLOP" are int8 multiply-adds, so it can exceed the float32 matmul rate.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { PROJECT_ROOT } from '../../config.js';
import { isVanerError, VanerError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { createDictionaryLabeler, readDictionaryRules, readKnowledgeBaseNames } from '../../kb/index.js';
import { createLabeler, segmentDocument, type BatchTiming, type ExecutionProvider } from '../../ner/index.js';
import { batchFlops } from '../../ner/model-flops.js';
import type { LabelInput } from '../../domain/index.js';

const USAGE =
  'usage: vaner bench ner [--bundle DIR] [--input FILE] [--docs N] [--docs-per-call K] [--batch-size B] [--threads T] [--providers cpu|cuda,cpu] [--thread worker|main] [--scheme NAME] [--knowledge kb|none] [--precision auto|fp32|int8]';

/** Titles and abstracts of a PubTator file; annotation lines are ignored. */
function readPubTatorTexts(content: string, limit: number): LabelInput[] {
  const docs = new Map<string, { title: string; abstract: string }>();
  for (const line of content.split('\n')) {
    const m = /^([^|\t]+)\|([ta])\|(.*)$/.exec(line.replace(/\r$/, ''));
    if (m === null) continue;
    const doc = docs.get(m[1]!) ?? { title: '', abstract: '' };
    if (m[2] === 't') doc.title = m[3]!;
    else doc.abstract = m[3]!;
    docs.set(m[1]!, doc);
  }
  return [...docs].slice(0, limit).map(([id, d]) => ({ id, text: `${d.title} ${d.abstract}` }));
}

function positiveInt(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new VanerError('BAD_USER_INPUT', `--${name}: must be an integer >= ${min}, got "${value}"`);
  return n;
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Renders rows as an aligned two-column table. */
/**
 * GFLOP/s of onnxruntime on Y = A @ B with A [512, 4096] and B [4096, 512]: 2.1 GFLOP per run against a 1 MB result,
 * so copying the result out of onnxruntime does not hide the rate (it did with model-sized products); best of 5
 * rounds of ~0.2 s each, with `threads` intra-op threads (0 = runtime default).
 */
async function matmulRate(threads: number): Promise<number> {
  const [m, k, n] = [512, 4096, 512];
  const session = await ort.InferenceSession.create(path.join(PROJECT_ROOT, 'bench', 'matmul.onnx'), {
    intraOpNumThreads: threads,
    executionProviders: ['cpu'],
  });
  try {
    const a = new ort.Tensor('float32', Float32Array.from({ length: m * k }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5), [m, k]);
    const b = new ort.Tensor('float32', Float32Array.from({ length: k * n }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5), [k, n]);
    await session.run({ A: a, B: b }); // warm-up
    let best = 0;
    for (let round = 0; round < 5; round++) {
      let runs = 0;
      const started = performance.now();
      while (performance.now() - started < 200) {
        await session.run({ A: a, B: b });
        runs += 1;
      }
      best = Math.max(best, (2 * m * k * n * runs) / ((performance.now() - started) / 1000) / 1e9);
    }
    return best;
  } finally {
    await session.release();
  }
}

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}

/**
 * Runs the benchmark. Returns the exit code: 0 on success, 2 for usage errors, 1 for other failures.
 * @param argv - the arguments after `bench ner`
 * @param env - the process environment (VANER_MODEL_DIR is the default bundle)
 */
export async function run(argv: string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        bundle: { type: 'string' },
        input: { type: 'string' },
        docs: { type: 'string' },
        'docs-per-call': { type: 'string' },
        'batch-size': { type: 'string' },
        threads: { type: 'string' },
        providers: { type: 'string' },
        thread: { type: 'string' },
        scheme: { type: 'string' },
        knowledge: { type: 'string' },
        precision: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const bundle = values.bundle ?? env['VANER_MODEL_DIR'] ?? path.join(PROJECT_ROOT, 'models', 'vaner-small');
    const devFile = path.join(PROJECT_ROOT, '..', 'shared', 'data', 'bc5cdr', 'CDR_DevelopmentSet.PubTator.txt');
    const input = values.input ?? (existsSync(devFile) ? devFile : path.join(PROJECT_ROOT, 'bench', 'ner-sample.PubTator.txt'));
    const docCount = positiveInt('docs', values.docs, 100);
    const perCall = positiveInt('docs-per-call', values['docs-per-call'], 8);
    const batchSize = positiveInt('batch-size', values['batch-size'], 16);
    const threads = positiveInt('threads', values.threads, 0, 0);
    const providers = (values.providers ?? 'cpu').split(',').map((p) => p.trim());
    for (const p of providers) {
      if (p !== 'cpu' && p !== 'cuda') throw new VanerError('BAD_USER_INPUT', `--providers: "${p}" is not cpu or cuda`);
    }
    const precision = values.precision ?? env['VANER_MODEL_PRECISION'] ?? 'auto';
    if (precision !== 'auto' && precision !== 'fp32' && precision !== 'int8') throw new VanerError('BAD_USER_INPUT', `--precision: "${precision}" is not auto, fp32 or int8`);
    const thread = values.thread ?? 'worker';
    if (thread !== 'worker' && thread !== 'main') throw new VanerError('BAD_USER_INPUT', `--thread: "${thread}" is not worker or main`);
    let content: string;
    try {
      content = await readFile(input, 'utf8');
    } catch (cause) {
      throw new VanerError('NOT_FOUND', `--input: cannot read ${input}`, { cause });
    }
    const docs = readPubTatorTexts(content, docCount);
    if (docs.length === 0) throw new VanerError('INVALID_FORMAT', `--input: no titles or abstracts in ${input}`);

    const knowledgeChoice = values.knowledge ?? 'kb';
    if (knowledgeChoice !== 'kb' && knowledgeChoice !== 'none') throw new VanerError('BAD_USER_INPUT', `--knowledge: "${knowledgeChoice}" is not kb or none`);
    const kbDir = env['VANER_KB_DIR'] ?? path.join(PROJECT_ROOT, 'data', 'kb');
    const dictionaryStarted = performance.now();
    const knowledge = knowledgeChoice === 'none'
      ? null
      : await createDictionaryLabeler({ names: readKnowledgeBaseNames(kbDir), ...(await readDictionaryRules(kbDir)) });
    const dictionarySeconds = (performance.now() - dictionaryStarted) / 1000;

    // Measured before the labeler's session exists: its intra-op threads keep spinning for a while after each run
    // and would take cores from the measurement.
    const matmul = providers[0] === 'cpu' ? await matmulRate(threads) : null;
    const timings: BatchTiming[] = [];
    let record = false;
    const labeler = await createLabeler(bundle, {
      knowledge,
      ...(values.scheme === undefined ? {} : { scheme: values.scheme }),
      executionProviders: providers as ExecutionProvider[],
      precision,
      batchSize,
      intraOpThreads: threads,
      thread,
      logger: createLogger('warn'),
      onBatch: (t) => {
        if (record) timings.push(t);
      },
    });
    try {
      await labeler.label(docs.slice(0, 1)); // warm-up, untimed
      record = true;
      const words = docs.reduce((n, d) => n + segmentDocument(d.text).words.length, 0);
      const chars = docs.reduce((n, d) => n + d.text.length, 0);
      let spans = 0;
      // session.run blocks the event loop for a batch (see src/ner/predict.ts); measure how long it stalls.
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      const started = performance.now();
      for (let i = 0; i < docs.length; i += perCall) {
        for (const s of await labeler.label(docs.slice(i, i + perCall))) spans += s.length;
      }
      const seconds = (performance.now() - started) / 1000;
      loopDelay.disable();
      const latencies = timings.map((t) => t.ms).sort((a, b) => a - b);
      const paddedTokens = timings.reduce((n, t) => n + t.size * t.length, 0);
      const m = labeler.manifest;
      const flops = timings.reduce((n, t) => n + batchFlops(m.architecture, m.heads.length, m.labels.length, t.size, t.length), 0);
      process.stdout.write(
        table([
          ['bundle', `${labeler.version} (${path.relative(process.cwd(), bundle) || bundle})`],
          ['input', `${path.basename(input)}: ${docs.length} documents, ${chars} chars, ${words} words`],
          ['provider', labeler.provider],
          ['weights', labeler.precision === 'int8' ? `int8 (${labeler.manifest.int8Weights?.file})` : `float32 (${labeler.manifest.weights.file})`],
          ['session thread', labeler.thread],
          ['threads (intra-op)', threads === 0 ? '0 (runtime default)' : String(threads)],
          ['batch size / docs per call', `${batchSize} / ${perCall}`],
          ['types (one pass)', labeler.types.join(', ')],
          ['scheme', labeler.defaultScheme ?? '-'],
          ['knowledge', knowledge === null ? 'none (ids 0)' : `dictionary of ${knowledge.stats.namesIndexed} names (built in ${dictionarySeconds.toFixed(1)} s, untimed)`],
          ['wall time', `${seconds.toFixed(2)} s`],
          ['documents/s', (docs.length / seconds).toFixed(2)],
          ['tokens/s (words)', (words / seconds).toFixed(0)],
          ['model tokens/s (padded)', (paddedTokens / seconds).toFixed(0)],
          ['FLOP per padded token', `${(flops / Math.max(1, paddedTokens) / 1e6).toFixed(2)} M`],
          ['model GFLOP/s', `${(flops / seconds / 1e9).toFixed(1)}${labeler.precision === 'int8' ? ' (int8 multiply-adds)' : ''}`],
          ['matmul GFLOP/s (float32, same threads)', matmul === null ? '- (not on cpu)' : `${matmul.toFixed(1)} (model at ${((flops / seconds / 1e9 / matmul) * 100).toFixed(0)} %)`],
          ['batches', String(timings.length)],
          ['batch latency p50', `${percentile(latencies, 0.5).toFixed(1)} ms`],
          ['batch latency p95', `${percentile(latencies, 0.95).toFixed(1)} ms`],
          ['event-loop stall max', `${(loopDelay.max / 1e6).toFixed(1)} ms`],
          ['spans found', String(spans)],
          ['peak RSS', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`],
        ]),
      );
    } finally {
      await labeler.close();
    }
    return 0;
  } catch (error) {
    const code = isVanerError(error) ? error.code : 'INTERNAL';
    process.stderr.write(`bench ner: ${code}: ${(error as Error).message}\n`);
    return code === 'BAD_USER_INPUT' ? 2 : 1;
  }
}

/**
 * The VANER labeler: a model bundle (format version 2) behind the Labeler contract (src/domain/labeler.ts).
 *
 * label() runs the three stages of STYLE.md guideline 2 over all documents of a call at once:
 *   knowledge (the matcher over each whole document -> a knowledge id per word, knowledge.ts)
 *   -> segment + encode under the scheme's one prompt (pure)
 *   -> predict (ONNX, length-bucketed batches across documents; one pass labels every type)
 *   -> decode every head (pure) -> overlaps between types -> document offsets (here, in `toDocumentSpans`, and
 *   nowhere else).
 */
import { z } from 'zod';
import { VanerError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { loadTokenizer, readManifest, verifyModel, type WeightsPrecision } from './bundle.js';
import { decodeType, headProbabilities, mergeWindows, SPAN_CONFIDENCES, type ScoredWordSpan, type SpanConfidence, type WordSpan } from './decode.js';
import { encodeDocument, promptPrefix, type DocumentEncoding } from './encode.js';
import { knowledgeIdsForWords, type KnowledgeMatcher } from './knowledge.js';
import { isInsideNameOfType, isKnowledgeSpan, isKnownSpan, knowledgeWordSpans, shrinkToKnowledge, snapToKnowledge } from './knowledge-boundaries.js';
import { resolveScheme, rulesSchemeFor, TYPE_LIST_RULES, type Manifest } from './manifest.js';
import {
  createSession,
  predict,
  type BatchTiming,
  type ExecutionProvider,
  type ModelSession,
  type PredictInput,
  type SessionThread,
} from './predict.js';
import { retypeBinomials } from './name-forms.js';
import { segmentDocument } from './segment-document.js';
import { resolveOverlaps } from './span-overlaps.js';
import { propagateAbbreviations } from './abbreviation-propagation.js';
import { balanceParentheses } from './balance-parentheses.js';
import { extendToTokenStart } from './token-starts.js';
import { joinSaltForms } from './salt-forms.js';
import { pooledConfidences, propagateMentions } from './mention-consistency.js';
import { withEncodeCache, type SubwordEncoder } from './subword-tokenizer.js';
import { ENTITY_TYPES, schemeFor, type EntityType, type LabelInput, type LabelOptions, type Labeler, type Span } from '../domain/index.js';
import type { Word } from './word-splitter.js';

/** Options of {@link createLabeler}. */
export interface ModelLabelerOptions {
  /** ONNX Runtime execution providers in order of preference; the first that loads wins. @defaultValue ['cpu'] */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** Sequences (windows) per ONNX run. @defaultValue 16 */
  readonly batchSize?: number;
  /** ONNX Runtime intra-op threads; 0 = runtime default. @defaultValue 0 */
  readonly intraOpThreads?: number;
  /** Entity types to label, a subset of the bundle's. @defaultValue every type of the bundle, in manifest order */
  readonly types?: readonly EntityType[];
  /** Words shared by consecutive windows when a sentence is longer than a window. @defaultValue 16 */
  readonly windowOverlapWords?: number;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
  /**
   * Where the ONNX session runs. `'worker'` keeps the event loop free while a batch runs (onnxruntime-node's
   * `run` is synchronous, see predict.ts); `'main'` saves a copy of the logits per batch. @defaultValue 'worker'
   */
  readonly thread?: SessionThread;
  /** Called after each ONNX batch (benchmarks). */
  readonly onBatch?: (timing: BatchTiming) => void;
  /**
   * The knowledge matcher (docs/bundle-format.md, "Knowledge ids"): labels whole documents into knowledge-base
   * name spans, e.g. the dictionary labeler over the store's names, or a live one that follows curation. `null`
   * runs the model with every knowledge id 0 (it then sees no knowledge base; its F1 drops). Required (an object
   * or an explicit null) because a bundle whose model reads knowledge must not silently run without it.
   */
  readonly knowledge: KnowledgeMatcher | null;
  /** Scheme used when a call names none (VANER_SCHEME). @defaultValue manifest.defaultScheme */
  readonly scheme?: string;
  /**
   * Which weights run (VANER_MODEL_PRECISION): `'fp32'` the bundle's float32 `weights`; `'int8'` its `int8Weights`
   * (CONFIG_INVALID when it has none); `'auto'` int8 when the bundle has them and the first execution provider is
   * the CPU (about 1.5x the throughput on CPU, README "Speed"), float32 otherwise (GPUs, bundles without int8).
   * @defaultValue 'auto'
   */
  readonly precision?: 'auto' | WeightsPrecision;
  /**
   * Decision thresholds (VANER_MODEL_THRESHOLDS): `'bundle'` drops spans below their scheme's `minConfidence` for
   * their type (manifest; chosen on development splits), `'none'` keeps every decoded span, which is what
   * scripts/tune-thresholds.mjs needs to choose them.
   * @defaultValue 'bundle'
   */
  readonly thresholds?: 'bundle' | 'none';
  /**
   * How span confidences are computed (VANER_MODEL_SPAN_CONFIDENCE): `'bundle'` as the scheme's `spanConfidence`
   * says per type (absent: `mean`), or one of decode.ts's ways for every type, which is how
   * scripts/tune-thresholds.mjs gets the predictions it chooses among. @defaultValue 'bundle'
   */
  readonly spanConfidence?: 'bundle' | SpanConfidence;
  /**
   * A short form defined after a span, "nitroglycerin (NTG)", becomes a span of the same type wherever it occurs in
   * the document (abbreviation-propagation.ts), as the dictionary labeler does. @defaultValue true
   */
  readonly propagateAbbreviations?: boolean;
}

/** A VANER labeler, with what benchmarks and logs want to know about it. */
export interface ModelLabeler extends Labeler {
  /** The provider that loaded the model. */
  readonly provider: ExecutionProvider;
  /** Where the session runs. */
  readonly thread: SessionThread;
  /** Which weights run (see {@link ModelLabelerOptions.precision}). */
  readonly precision: WeightsPrecision;
  readonly manifest: Manifest;
}

/** The weights `precision` selects for a bundle and provider list (see {@link ModelLabelerOptions.precision}). */
export function choosePrecision(manifest: Manifest, precision: 'auto' | WeightsPrecision, providers: readonly ExecutionProvider[]): WeightsPrecision {
  if (precision !== 'auto') return precision;
  return manifest.int8Weights !== undefined && providers[0] === 'cpu' ? 'int8' : 'fp32';
}

const optionsSchema = z.object({
  executionProviders: z.array(z.enum(['cuda', 'cpu'])).min(1).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  intraOpThreads: z.number().int().min(0).max(1024).optional(),
  types: z.array(z.enum(ENTITY_TYPES)).min(1).optional(),
  windowOverlapWords: z.number().int().min(0).max(1024).optional(),
  thread: z.enum(['worker', 'main']).optional(),
  logger: z.unknown().optional(),
  onBatch: z.unknown().optional(),
  knowledge: z.custom<KnowledgeMatcher | null>(
    (v) => v === null || (typeof v === 'object' && typeof (v as { label?: unknown }).label === 'function'),
    'must be a knowledge matcher (an object with label(inputs, options)) or null',
  ),
  scheme: z.string().min(1).optional(),
  precision: z.enum(['auto', 'fp32', 'int8']).optional(),
  thresholds: z.enum(['bundle', 'none']).optional(),
  spanConfidence: z.enum(['bundle', ...SPAN_CONFIDENCES]).optional(),
  propagateAbbreviations: z.boolean().optional(),
});

function validateOptions(options: ModelLabelerOptions): void {
  const result = optionsSchema.safeParse(options);
  if (result.success) return;
  const fields = result.error.issues.map((i) => `options.${i.path.map(String).join('.')}: ${i.message}`);
  throw new VanerError('CONFIG_INVALID', `invalid labeler options: ${fields.join('; ')}`, { details: { fields } });
}

/**
 * Word spans -> character spans of the original text. The one place where word indices become document offsets:
 * a span runs from its first word's start to its last word's end, so it never includes surrounding whitespace
 * and `text.slice(start, end)` is exactly the mention.
 */
function toDocumentSpans(text: string, words: readonly Word[], spans: readonly ScoredWordSpan<EntityType>[]): Span[] {
  return spans.map((s) => {
    const start = words[s.start]!.start;
    const end = words[s.end - 1]!.end;
    return { start, end, type: s.type, text: text.slice(start, end), confidence: s.confidence };
  });
}

/** Lets timers and I/O run between synchronous steps, then honours an abort that arrived meanwhile. */
async function yieldToEventLoop(signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw new VanerError('CANCELLED', 'labeling was cancelled', { cause: signal.reason });
}

/**
 * Loads a VANER bundle and returns a Labeler. The manifest is read first (it names the other files); then the
 * tokenizer is loaded while the model is hashed and its ONNX session created.
 * @throws VanerError('CONFIG_INVALID') for bad options (naming the field); 'MODEL_INVALID' / 'MODEL_UNAVAILABLE'
 *   from the bundle and the runtime
 */
export async function createLabeler(bundleDir: string, options: ModelLabelerOptions): Promise<ModelLabeler> {
  validateOptions(options);
  const logger = options.logger ?? silentLogger;
  const manifest = await readManifest(bundleDir);
  try {
    resolveScheme(manifest, options.scheme);
  } catch (error) {
    throw new VanerError('CONFIG_INVALID', `options.scheme: ${(error as Error).message}`, { cause: error, details: (error as VanerError).details });
  }
  const bundleTypes = manifest.entityTypes.map((t) => t.type);
  const types = options.types ?? bundleTypes;
  const unknown = types.filter((t) => !bundleTypes.includes(t));
  if (unknown.length > 0) {
    throw new VanerError('CONFIG_INVALID', `options.types: ${unknown.join(', ')} not in bundle ${manifest.name} (has ${bundleTypes.join(', ')})`);
  }
  const providers = options.executionProviders ?? ['cpu'];
  const precision = choosePrecision(manifest, options.precision ?? 'auto', providers);
  const [tokenizerResult, sessionResult] = await Promise.allSettled([
    loadTokenizer(bundleDir, manifest),
    verifyModel(bundleDir, manifest, precision).then((modelPath) =>
      createSession(modelPath, {
        executionProviders: providers,
        intraOpThreads: options.intraOpThreads ?? 0,
        io: manifest.io,
        thread: options.thread ?? 'worker',
        logger,
      }),
    ),
  ]);
  if (tokenizerResult.status === 'rejected' || sessionResult.status === 'rejected') {
    // Do not leak a session that loaded when the tokenizer did not.
    if (sessionResult.status === 'fulfilled') await sessionResult.value.session.release().catch(() => undefined);
    throw tokenizerResult.status === 'rejected' ? tokenizerResult.reason : (sessionResult as PromiseRejectedResult).reason;
  }
  const encoder = withEncodeCache(tokenizerResult.value);
  return buildLabeler(manifest, encoder, sessionResult.value, precision, bundleTypes.filter((t) => types.includes(t)), options, logger);
}

function buildLabeler(
  manifest: Manifest,
  encoder: SubwordEncoder & { clear(): void },
  model: ModelSession,
  precision: WeightsPrecision,
  types: readonly EntityType[],
  options: ModelLabelerOptions,
  logger: Logger,
): ModelLabeler {
  const batchSize = options.batchSize ?? 16;
  const abbreviations = options.propagateAbbreviations ?? true;
  const overlapWords = options.windowOverlapWords ?? 16;
  const schemes = manifest.schemes.map((s) => s.name);
  const defaultScheme = resolveScheme(manifest, options.scheme).name;
  const heads = new Map(manifest.entityTypes.map((t) => [t.type, t.head]));
  const knowledgeTypes = manifest.knowledge.types;
  // Each scheme's instruction is encoded once, on first use, not per window.
  const prefixes = new Map<string, readonly number[]>();
  const prefixOf = (name: string): readonly number[] => {
    let prefix = prefixes.get(name);
    if (prefix === undefined) {
      prefix = promptPrefix(manifest.special.bosId, encoder.encode(resolveScheme(manifest, name).instruction), manifest.special.sepId);
      prefixes.set(name, prefix);
    }
    return prefix;
  };
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | null = null;
  const self = { kind: 'vaner', schemes, defaultScheme };
  const hasRules = (s: Manifest['schemes'][number]) =>
    Object.keys(s.minConfidence ?? {}).length > 0 || Object.keys(s.spanConfidence ?? {}).length > 0 ||
    TYPE_LIST_RULES.some((field) => (s[field] ?? []).length > 0) || s.poolConfidence === true;
  const ignoresThresholds = options.thresholds === 'none' && manifest.schemes.some(hasRules);
  const confidenceOverride = options.spanConfidence ?? 'bundle';

  async function labelAll(inputs: readonly LabelInput[], labelOptions: LabelOptions): Promise<Span[][]> {
    const wanted = labelOptions.types ?? types;
    const unsupported = wanted.filter((t) => !types.includes(t));
    if (unsupported.length > 0) {
      throw new VanerError('BAD_USER_INPUT', `types: ${unsupported.join(', ')} not supported by ${manifest.name} (has ${types.join(', ')})`);
    }
    const active = types.filter((t) => wanted.includes(t));
    const schemeName = schemeFor(self, labelOptions.scheme)!;
    const prefix = prefixOf(schemeName);
    // Where spans of two types overlap, the scheme's own types win (span-overlaps.ts says why).
    const scheme = resolveScheme(manifest, schemeName);
    const primaryTypes = scheme.types;
    // The bundle's decision rules, chosen on development sets (docs/bundle-format.md); `none` = off. Each type follows
    // the rules of the scheme that lists it with the dataset this scheme's instruction names for it (rulesSchemeFor):
    // the scheme's own for its types, `bc2gm`'s for genes under `bc5cdr`, and so on.
    type Rules = Partial<typeof scheme>;
    const rulesByType = new Map<EntityType, Rules>(
      types.map((t) => [t, options.thresholds === 'none' ? {} : rulesSchemeFor(manifest, scheme, t) ?? {}]),
    );
    const rulesOf = (type: EntityType): Rules => rulesByType.get(type) ?? {};
    const keptFirstWords = new Map(types.map((t) => [t, new Set(rulesOf(t).shrinkKeepsFirstWords?.[t] ?? [])]));
    const spreadTypes = new Set<string>(types.filter((t) => rulesOf(t).propagateMentions?.includes(t) === true));
    const tokenStartTypes = new Set<EntityType>(types.filter((t) => rulesOf(t).extendToTokenStart?.includes(t) === true));
    const confidenceOf = (type: EntityType): SpanConfidence =>
      confidenceOverride !== 'bundle' ? confidenceOverride : rulesOf(type).spanConfidence?.[type] ?? 'mean';
    const signal = labelOptions.signal;

    // Stage 0: knowledge-base spans over each whole document. One matcher call per document, yielding between
    // them: the dictionary matches synchronously (~1-5 ms per abstract), so a batch in one call would stall the
    // event loop of an API server sharing the process.
    const knowledgeSpans: (readonly Span[])[] = [];
    for (const input of inputs) {
      if (options.knowledge === null) {
        knowledgeSpans.push([]);
        continue;
      }
      await yieldToEventLoop(signal);
      const [spans] = await options.knowledge.label([input], { types: knowledgeTypes, ...(signal === undefined ? {} : { signal }) });
      if (spans === undefined) throw new VanerError('INTERNAL', `knowledge matcher returned no result for document ${input.id}`);
      knowledgeSpans.push(spans);
    }

    // Stage 1: encode every document under the prompt. Encoding is synchronous and the subword tokenizer costs
    // ~0.1 ms per uncached word, so we yield to the event loop between documents: a call with many documents must
    // not stall the process (a 8-abstract call stalled it ~200 ms in one piece before).
    const docs: { input: LabelInput; words: readonly Word[]; encoding: DocumentEncoding; knowledge: readonly WordSpan<EntityType>[] }[] = [];
    for (const [d, input] of inputs.entries()) {
      await yieldToEventLoop(signal);
      const segmented = segmentDocument(input.text);
      const wordKnowledge = knowledgeIdsForWords(segmented.words, knowledgeSpans[d]!, knowledgeTypes);
      const encoding = encodeDocument(
        segmented.words.map((w) => w.text),
        segmented.sentences,
        prefix,
        wordKnowledge,
        encoder,
        { maxLength: manifest.maxLength, overlapWords },
      );
      for (const o of encoding.oversizedWords) {
        const word = segmented.words[o.wordIndex]!;
        logger.warn('ner: word longer than a model window; labelled from its first subwords', {
          id: input.id, start: word.start, end: word.end, subwords: o.subwords, kept: o.kept,
        });
      }
      docs.push({ input, words: segmented.words, encoding, knowledge: knowledgeWordSpans(wordKnowledge, knowledgeTypes) });
    }
    const sequences: PredictInput[] = [];
    const firstSequence = docs.map((d) => {
      const first = sequences.length;
      // Loops, not push(...spread): a long document has more windows and spans than a call takes arguments.
      for (const sequence of d.encoding.sequences) sequences.push(sequence);
      return first;
    });

    // Stage 2: one length-bucketed run over all windows of all documents; one pass labels every type.
    const out = await predict(model.session, sequences, {
      batchSize,
      padId: manifest.special.padId,
      io: manifest.io,
      ...(signal === undefined ? {} : { signal }),
      ...(options.onBatch === undefined ? {} : { onBatch: options.onBatch }),
    });
    if (sequences.length > 0 && out.labels !== manifest.labels.length) {
      throw new VanerError('MODEL_INVALID', `model output has ${out.labels} labels, manifest.labels has ${manifest.labels.length}`);
    }

    // Stage 3: decode every head of the pass, resolve overlaps between types, then map to document offsets.
    const results: Span[][] = [];
    for (const [d, doc] of docs.entries()) {
      if (d > 0) await yieldToEventLoop(signal);
      const windows = doc.encoding.windows;
      const base = firstSequence[d]!;
      let spans: ScoredWordSpan<EntityType>[] = [];
      let speciesProbs: Float32Array | undefined;
      const keepsFirstWord = (span: ScoredWordSpan<EntityType>): boolean => keptFirstWords.get(span.type)?.has(doc.words[span.start]!.text.toLowerCase()) ?? false;
      const textOfSpan = (span: ScoredWordSpan<EntityType>): string => doc.input.text.slice(doc.words[span.start]!.start, doc.words[span.end - 1]!.end);
      for (const type of active) {
        const head = heads.get(type)!;
        if (windows.length > 0 && head >= out.heads) throw new VanerError('MODEL_INVALID', `model output has ${out.heads} heads; ${type} reads head ${head}`);
        const perWindow = windows.map((w, k) => headProbabilities(out.rows[base + k]!, w.end - w.start, out.heads, out.labels, head));
        const merged = mergeWindows(windows, perWindow, doc.words.length, manifest.labels.length);
        if (type === 'SPECIES') speciesProbs = merged;
        // A span inside a knowledge-base name of its type takes the name's boundaries (knowledge-boundaries.ts);
        // then spans below the scheme's threshold go (a name the knowledge base has and a novel one have their own),
        // before overlaps are resolved, so a dropped span cannot suppress another type's.
        const rules = rulesOf(type);
        const floor = rules.minConfidence?.[type];
        const decoded = snapToKnowledge(decodeType(merged, doc.words.length, type, confidenceOf(type)), doc.knowledge);
        const shrinkTypes = new Set<string>(rules.shrinkToKnowledge?.includes(type) === true ? [type] : []);
        const shrunk = shrinkToKnowledge(decoded, doc.knowledge, shrinkTypes, keepsFirstWord);
        // With poolConfidence, a span is held to the threshold with the best confidence of its text in the document.
        const scores = rules.poolConfidence === true ? pooledConfidences(shrunk, textOfSpan) : shrunk.map((s) => s.confidence);
        for (const [k, span] of shrunk.entries()) {
          if (isInsideNameOfType(span, doc.knowledge, 'SPECIES')) continue; // a piece of an organism's name
          if (floor !== undefined && scores[k]! < (isKnownSpan(span, doc.knowledge, textOfSpan(span)) ? floor.known : floor.novel)) continue;
          spans.push(span);
        }
      }
      // A Latin binomial another head claimed is a species when the species head leans that way (name-forms.ts).
      if (options.thresholds !== 'none' && speciesProbs !== undefined) {
        spans = retypeBinomials(doc.input.text, doc.words, spans, speciesProbs, manifest.labels.length, (s) => isKnowledgeSpan(s, doc.knowledge));
      }
      // Unbalanced parentheses are cut first, so a definition right after the cut span ("(Hs)") is seen.
      // Then spans of a whole-token corpus take their token's start, so a definition after "AO-GLD (X)" sees all of it.
      // A salt word after a chemical joins it (salt-forms.ts), also before the definitions: "bupropion HCl (BUP)".
      const found = joinSaltForms(
        doc.input.text,
        extendToTokenStart(
          doc.input.text,
          balanceParentheses(doc.input.text, toDocumentSpans(doc.input.text, doc.words, resolveOverlaps(spans, types, primaryTypes))),
          tokenStartTypes,
        ),
      );
      const expanded = abbreviations ? propagateAbbreviations(doc.input.text, found, 'lenient') : found;
      results.push(spreadTypes.size > 0 ? propagateMentions(doc.input.text, expanded, spreadTypes) : expanded);
    }
    return results;
  }

  return {
    kind: 'vaner',
    // int8 weights label slightly differently from float32 ones, so the version (stored with every mention, and what
    // reannotation compares) says which ran.
    // Likewise a labeler that ignores the bundle's thresholds (VANER_MODEL_THRESHOLDS=none) keeps spans it would drop.
    // So does a confidence other than the bundle's (VANER_MODEL_SPAN_CONFIDENCE).
    version: `${manifest.name}@${manifest.version}${precision === 'int8' ? '+int8' : ''}${ignoresThresholds ? '+nothresholds' : ''}${
      confidenceOverride === 'bundle' ? '' : `+confidence-${confidenceOverride}`}`,
    types,
    schemes,
    defaultScheme,
    provider: model.provider,
    thread: model.thread,
    precision,
    manifest,
    async label(inputs, labelOptions = {}) {
      if (closing !== null) throw new VanerError('MODEL_UNAVAILABLE', 'the labeler is closed');
      const run = labelAll(inputs, labelOptions);
      inFlight.add(run);
      try {
        return await run;
      } finally {
        inFlight.delete(run);
      }
    },
    close() {
      // Idempotent: every caller gets the same promise. In-flight calls finish first (they hold the session);
      // then each cleanup runs even if another failed.
      closing ??= (async () => {
        await Promise.allSettled([...inFlight]);
        const results = await Promise.allSettled([model.session.release(), Promise.resolve().then(() => encoder.clear())]);
        const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
        if (failures.length > 0) {
          throw new VanerError('INTERNAL', `closing the labeler failed: ${failures.map((f) => String(f)).join('; ')}`, {
            cause: new AggregateError(failures),
          });
        }
      })();
      return closing;
    },
  };
}

/**
 * Model tests against the tiny real bundle (format 2) written by the Python pipeline (test/fixtures/tiny-bundle):
 * tokenizer, input (ids and knowledge ids) and logits parity with Python, exact spans, batching invariance, long
 * documents, cancellation, bundle errors. The knowledge matcher is the dictionary labeler over the tiny KB
 * (test/fixtures/kb-tiny) with the production exclusions. The tiny model is too small to be a useful NER model;
 * exact spans are recorded outputs.
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, readManifest, verifyModel } from '../src/ner/bundle.js';
import { encodeDocument, promptPrefix } from '../src/ner/encode.js';
import { createDictionaryLabeler, readDictionaryRules, readKnowledgeBaseNames, type DictionaryLabeler } from '../src/kb/index.js';
import { createLabeler, createUnionLabeler, segmentDocument, type ModelLabeler, type ModelLabelerOptions } from '../src/ner/index.js';
import type { Manifest } from '../src/ner/manifest.js';
import { createSession, predict } from '../src/ner/predict.js';
import type { SubwordEncoder } from '../src/ner/subword-tokenizer.js';
import type { Span } from '../src/domain/index.js';
import { createLogger, silentLogger } from '../src/log.js';

// VANER_TEST_BUNDLE lets a developer run the same suite against another bundle (e.g. models/vaner-small).
const BUNDLE = path.resolve(process.env['VANER_TEST_BUNDLE'] ?? 'test/fixtures/tiny-bundle');

interface Reference {
  examples: { instruction: string; words: string[]; knowledgeIdsByWord: number[] }[];
  input_ids: number[][];
  attention_mask: number[][];
  knowledge_ids: number[][];
  dims: number[];
  logits: number[];
  atol: number;
}
interface Parity {
  cases: { word: string; ids: number[] }[];
  sentences: { text: string; ids: number[] }[];
}
const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(BUNDLE, file), 'utf8')) as T;

/** A copy of the bundle in a temp dir, to break on purpose. */
function copyBundle(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vaner-tiny-'));
  for (const f of readdirSync(BUNDLE)) copyFileSync(path.join(BUNDLE, f), path.join(dir, f));
  return dir;
}

const SENTENCES = [
  'Cisplatin-induced nephrotoxicity was observed in 12 patients with lung cancer.',
  'Naloxone reversed the antihypertensive effect of clonidine in rats.',
  'Mutations in BRCA1 increase the risk of breast cancer in women.',
  'Lithium carbonate toxicity caused tricuspid regurgitation and atrial flutter in a newborn infant.',
];

const plain = (spans: readonly Span[]) => spans.map((s) => [s.start, s.end, s.type, s.text]);

/** The span of `spans` that starts where `o` does, with its type. */
const spanAt = (spans: readonly Span[], o: Span) => spans.find((x) => x.start === o.start && x.type === o.type);

const KB = path.resolve('test/fixtures/kb-tiny');
let knowledge: DictionaryLabeler;
/**
 * The bundle with the tiny KB's dictionary as its knowledge matcher, on its float32 weights (the parity and recorded
 * spans below are float32 properties; the int8 weights have their own tests).
 */
const open = (options: Partial<ModelLabelerOptions> = {}, dir = BUNDLE): Promise<ModelLabeler> =>
  createLabeler(dir, { knowledge, precision: 'fp32', ...options });

describe('tiny bundle', () => {
  let manifest: Manifest;
  let tokenizer: SubwordEncoder;
  let labeler: ModelLabeler;

  /**
   * The bundle on its float32 weights with a knowledge matcher that adds `name` to the tiny KB's spans (and drops the
   * ones it overlaps): how the knowledge tests below make the knowledge base know a name around a model span.
   */
  function labelerWithName(name: Span): Promise<ModelLabeler> {
    const matcher = {
      async label(inputs: readonly { id: string; text: string }[]) {
        const [base] = await knowledge.label(inputs, { types: manifest.knowledge.types });
        return [[...base!.filter((k) => k.end <= name.start || k.start >= name.end), name]];
      },
    };
    return createLabeler(BUNDLE, { knowledge: matcher, precision: 'fp32', intraOpThreads: 1 });
  }

  /** A copy of the bundle whose default scheme drops `type` below `floor` (known and novel), with `rules` added. */
  function floorBundle(type: string, floor: number, rules: Record<string, unknown> = {}): string {
    const dir = copyBundle();
    const raw = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { schemes: { name: string; minConfidence?: unknown }[] };
    Object.assign(raw.schemes.find((s) => s.name === manifest.defaultScheme)!, { minConfidence: { [type]: { known: floor, novel: floor } } }, rules);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
    return dir;
  }

  /**
   * Mention texts (at least `minLength` characters) the tiny model labels again, with another confidence, when they
   * are repeated in an appended sentence (it labels a word alike wherever it stands, so its context sets the score):
   * the text, all its spans, the two occurrences and a floor between their confidences.
   */
  async function* repeatedTexts(minLength: number) {
    for (const sentence of SENTENCES) {
      const [found] = await labeler.label([{ id: 's', text: sentence }]);
      for (const s of found!.filter((f) => f.text.length >= minLength)) {
        const text = `${sentence} Later ${s.text} was seen again.`;
        const [both] = await labeler.label([{ id: 'x', text }]);
        const pair = both!.filter((o) => o.text === s.text && o.type === s.type);
        if (pair.length !== 2 || Math.abs(pair[0]!.confidence! - pair[1]!.confidence!) < 1e-4) continue;
        const [low, high] = [...pair].sort((a, b) => a.confidence! - b.confidence!) as [Span, Span];
        yield { type: s.type, text, both: both!, low, high, floor: (low.confidence! + high.confidence!) / 2 };
      }
    }
  }

  beforeAll(async () => {
    knowledge = await createDictionaryLabeler({ names: readKnowledgeBaseNames(KB), ...(await readDictionaryRules(KB)) });
    manifest = await readManifest(BUNDLE);
    tokenizer = await loadTokenizer(BUNDLE, manifest);
    labeler = await open({ batchSize: 8, intraOpThreads: 1 });
  });
  afterAll(async () => {
    await labeler?.close();
  });

  it('tokenizer parity: every word and sentence gets the exact sentencepiece ids', () => {
    const parity = readJson<Parity>('tokenizer-parity.json');
    expect(parity.cases.length).toBeGreaterThan(100);
    const mismatches = [...parity.cases.map((c) => ({ text: c.word, ids: c.ids })), ...parity.sentences]
      .map((c) => ({ text: c.text, expected: c.ids, actual: [...tokenizer.encode(c.text)] }))
      .filter((c) => JSON.stringify(c.expected) !== JSON.stringify(c.actual));
    expect(mismatches).toEqual([]);
  });

  it('input construction parity: the encoder builds the exact input_ids and knowledge_ids Python built', () => {
    const ref = readJson<Reference>('reference-logits.json');
    expect(ref.examples.some((ex) => ex.knowledgeIdsByWord.some((k) => k > 0))).toBe(true);
    ref.examples.forEach((ex, i) => {
      const prefix = promptPrefix(manifest.special.bosId, tokenizer.encode(ex.instruction), manifest.special.sepId);
      const enc = encodeDocument(ex.words, [{ start: 0, end: ex.words.length }], prefix, ex.knowledgeIdsByWord, tokenizer, {
        maxLength: manifest.maxLength,
        overlapWords: 16,
      });
      expect(enc.windows).toEqual([{ start: 0, end: ex.words.length }]);
      const length = ref.attention_mask[i]!.reduce((a, b) => a + b, 0);
      expect(enc.sequences[0]!.inputIds).toEqual(ref.input_ids[i]!.slice(0, length));
      expect(enc.sequences[0]!.knowledgeIds).toEqual(ref.knowledge_ids[i]!.slice(0, length));
    });
  });

  for (const thread of ['worker', 'main'] as const) {
    it(`logits parity with torch (max abs diff <= 1e-4), alone and in one padded batch, session on the ${thread} thread`, async () => {
      const ref = readJson<Reference>('reference-logits.json');
      const [, seq, heads, labels] = ref.dims as [number, number, number, number];
      const modelPath = await verifyModel(BUNDLE, manifest);
      const { session } = await createSession(modelPath, { io: manifest.io, logger: silentLogger, intraOpThreads: 1, thread });
      try {
        const inputs = ref.input_ids.map((ids, i) => {
          const length = ref.attention_mask[i]!.reduce((a, b) => a + b, 0);
          return { inputIds: ids.slice(0, length), knowledgeIds: ref.knowledge_ids[i]!.slice(0, length), wordPositions: Array.from({ length }, (_, p) => p) };
        });
        for (const batchSize of [1, inputs.length]) {
          const out = await predict(session, inputs, { batchSize, padId: manifest.special.padId, io: manifest.io });
          expect([out.heads, out.labels]).toEqual([heads, labels]);
          let maxDiff = 0;
          inputs.forEach((input, i) => {
            const row = out.rows[i]!;
            for (let p = 0; p < input.inputIds.length; p++) {
              for (let k = 0; k < heads * labels; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(row[p * heads * labels + k]! - ref.logits[(i * seq + p) * heads * labels + k]!));
              }
            }
          });
          expect(maxDiff).toBeLessThanOrEqual(1e-4);
        }
      } finally {
        await session.release();
      }
    });
  }

  it('a released worker session rejects further batches with MODEL_UNAVAILABLE; release is idempotent', async () => {
    const modelPath = await verifyModel(BUNDLE, manifest);
    const { session } = await createSession(modelPath, { io: manifest.io, logger: silentLogger, thread: 'worker' });
    const release = session.release();
    expect(session.release()).toBe(release);
    await release;
    await expect(
      predict(session, [{ inputIds: [1, 5, 3, 9], knowledgeIds: [0, 0, 0, 1], wordPositions: [3] }], { padId: manifest.special.padId, io: manifest.io }),
    ).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it('gives identical spans with the session on the main thread and in a worker thread', async () => {
    const main = await open({ thread: 'main', batchSize: 8, intraOpThreads: 1 });
    try {
      expect([labeler.thread, main.thread]).toEqual(['worker', 'main']);
      const docs = SENTENCES.map((text, i) => ({ id: String(i), text }));
      const a = await labeler.label(docs);
      const b = await main.label(docs);
      expect(b.map(plain)).toEqual(a.map(plain));
      expect(b.flat().map((s) => s.confidence)).toEqual(a.flat().map((s) => s.confidence));
    } finally {
      await main.close();
    }
  });

  it('labels crafted sentences with exact, offset-consistent spans', async () => {
    const text = SENTENCES.join(' ');
    const [spans] = await labeler.label([{ id: 'crafted', text }]);
    for (const s of spans!) {
      expect(text.slice(s.start, s.end)).toBe(s.text);
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
    expect(plain(spans!)).toEqual(EXPECTED_CRAFTED);
    spans!.forEach((s, i) => expect(s.confidence!).toBeCloseTo(EXPECTED_CRAFTED_CONFIDENCE[i]!, 4));
  });

  it('reports offsets into the original text: leading whitespace shifts spans, astral characters count as two', async () => {
    const base = SENTENCES.join(' ');
    const shifted = '\u3000\t\u00a0 ' + base;
    const emoji = '😀 𝛂-TNF ' + base;
    const [a, b, c] = await labeler.label([{ id: 'a', text: base }, { id: 'b', text: shifted }, { id: 'c', text: emoji }]);
    expect(plain(b!)).toEqual(plain(a!).map(([start, end, type, t]) => [(start as number) + 4, (end as number) + 4, type, t]));
    for (const s of c!) expect(emoji.slice(s.start, s.end)).toBe(s.text);
  });

  it('gives a document the same spans alone, next to a long document, and among many short ones, at batch sizes 1 and 8', async () => {
    const target = { id: 't', text: SENTENCES[0]! };
    const long = { id: 'long', text: Array.from({ length: 30 }, (_, i) => SENTENCES[i % 3]).join(' ') };
    const shorts = Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, text: SENTENCES[i % 3]!.slice(0, 20 + i * 3) }));
    const one = await open({ batchSize: 1, intraOpThreads: 1 });
    try {
      const alone = (await labeler.label([target]))[0]!;
      expect(alone.length).toBeGreaterThan(0); // otherwise the comparisons below could not fail
      const results = [
        (await one.label([target]))[0]!,
        (await labeler.label([long, target]))[1]!,
        (await one.label([long, target]))[1]!,
        (await labeler.label([...shorts, target, ...shorts]))[12]!,
        (await one.label([...shorts.slice(0, 3), target]))[3]!,
      ];
      for (const r of results) {
        expect(plain(r)).toEqual(plain(alone));
        r.forEach((s, i) => expect(s.confidence!).toBeCloseTo(alone[i]!.confidence!, 5));
      }
    } finally {
      await one.close();
    }
  });

  it('labels a 20k-character document in windows, with spans in document coordinates', async () => {
    const parts: string[] = [];
    for (let i = 0; parts.join(' ').length < 20_000; i++) parts.push(SENTENCES[i % SENTENCES.length]!);
    const text = parts.join(' ');
    expect(text.length).toBeGreaterThanOrEqual(20_000);
    const [spans] = await labeler.label([{ id: 'long', text }]);
    expect(spans!.length).toBeGreaterThan(0);
    let previousEnd = 0;
    for (const s of spans!) {
      expect(text.slice(s.start, s.end)).toBe(s.text);
      expect(s.start).toBeGreaterThanOrEqual(previousEnd); // sorted, non-overlapping
      previousEnd = s.end;
    }
    // Many windows, and spans found near the end: offsets are document offsets, not window offsets.
    const { words, sentences } = segmentDocument(text);
    const prefix = promptPrefix(manifest.special.bosId, tokenizer.encode(manifest.schemes[0]!.instruction), manifest.special.sepId);
    const enc = encodeDocument(words.map((w) => w.text), sentences, prefix, [], tokenizer, { maxLength: manifest.maxLength, overlapWords: 16 });
    expect(enc.windows.length).toBeGreaterThan(20);
    expect(spans!.some((s) => s.start > text.length - 1000)).toBe(true);
  });

  it('splits one sentence longer than a window into overlapping windows, covering every word', async () => {
    const text = Array.from({ length: 40 }, () => 'cisplatin and naloxone induced nephrotoxicity').join(' , ') + ' .';
    const [spans] = await labeler.label([{ id: 'run-on', text }]);
    for (const s of spans!) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(spans!.length).toBeGreaterThan(0);
  });

  it('labels around a word longer than a window and reports it instead of truncating silently', async () => {
    const lines: string[] = [];
    const l = await open({ intraOpThreads: 1, logger: createLogger('warn', (line) => lines.push(line)) });
    try {
      const monster = Array.from({ length: 400 }, (_, i) => 'qzxjvkw'[i % 7]).join('');
      const text = `${SENTENCES[0]} ${monster} ${SENTENCES[1]}`;
      const [spans] = await l.label([{ id: 'monster', text }]);
      for (const s of spans!) expect(text.slice(s.start, s.end)).toBe(s.text);
      const warnings = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const start = SENTENCES[0]!.length + 1;
      // One warning for the document (one pass), naming the word's offsets.
      expect(warnings.map((w) => [w['message'], w['id'], w['start'], w['end']])).toEqual([
        ['ner: word longer than a model window; labelled from its first subwords', 'monster', start, start + 400],
      ]);
    } finally {
      await l.close();
    }
  });

  it('honours an already aborted signal and an abort between batches', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(labeler.label([{ id: 'a', text: SENTENCES[0]! }], { signal: controller.signal })).rejects.toMatchObject({
      name: 'VanerError',
      code: 'CANCELLED',
    });
    const midway = new AbortController();
    let batches = 0;
    const aborting = await open({
      batchSize: 1,
      intraOpThreads: 1,
      onBatch: () => {
        if (++batches === 2) midway.abort();
      },
    });
    try {
      const docs = SENTENCES.map((text, i) => ({ id: String(i), text }));
      await expect(aborting.label(docs, { signal: midway.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(batches).toBe(2);
    } finally {
      await aborting.close();
    }
  });

  it('the scheme\'s types win overlaps: their spans equal those of a call restricted to them', async () => {
    const docs = SENTENCES.map((text, i) => ({ id: `s${i}`, text }));
    for (const scheme of ['s800', 'bc5cdr', 'jnlpba']) {
      const own = manifest.schemes.find((s) => s.name === scheme)!.types;
      const all = await labeler.label(docs, { scheme });
      const only = await labeler.label(docs, { scheme, types: own });
      // Other types may only fill what the scheme's types leave free.
      expect(all.map((spans) => plain(spans.filter((s) => own.includes(s.type))))).toEqual(only.map(plain));
    }
  });

  it('restricts types per call and rejects types the bundle lacks', async () => {
    const text = SENTENCES.join(' ');
    const [all] = await labeler.label([{ id: 'x', text }]);
    const [chemical] = await labeler.label([{ id: 'x', text }], { types: ['CHEMICAL'] });
    expect(chemical!.every((s) => s.type === 'CHEMICAL')).toBe(true);
    expect(labeler.types).toEqual(manifest.entityTypes.map((t) => t.type));
    await expect(labeler.label([{ id: 'x', text }], { types: ['VARIANT'] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(open({ types: ['VARIANT'] })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(all!.length).toBeGreaterThanOrEqual(chemical!.length);
  });

  it('refuses an empty union', () => {
    expect(() => createUnionLabeler([])).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('a union of single-type labelers equals the labeler of all types', async () => {
    const text = SENTENCES.join(' ');
    const parts = await Promise.all(manifest.entityTypes.map((t) => open({ types: [t.type], intraOpThreads: 1 })));
    const union = createUnionLabeler(parts);
    try {
      expect(union.kind).toBe('union');
      expect(union.version).toBe(parts.map((p) => `vaner:${p.version}`).join('+'));
      expect(union.types).toEqual(labeler.types);
      const [fromUnion] = await union.label([{ id: 'u', text }]);
      const [direct] = await labeler.label([{ id: 'u', text }]);
      expect(plain(fromUnion!)).toEqual(plain(direct!));
    } finally {
      await union.close();
      await union.close(); // idempotent
    }
  });

  it('reports its identity and chosen provider; close is idempotent and label after close fails', async () => {
    const lines: string[] = [];
    const l = await open({ executionProviders: ['cuda', 'cpu'], logger: createLogger('info', (line) => lines.push(line)) });
    expect(l.kind).toBe('vaner');
    expect(l.version).toBe(`${manifest.name}@${manifest.version}`);
    expect(l.provider).toBe('cpu');
    const ready = lines.map((line) => JSON.parse(line) as { message: string; provider: string; failed: string[] });
    expect(ready.map((r) => [r.message, r.provider])).toEqual([['ner: onnx session ready', 'cpu']]);
    expect(ready[0]!.failed[0]).toMatch(/^cuda: /);
    const closing = l.close();
    expect(l.close()).toBe(closing);
    await closing;
    await expect(l.label([{ id: 'x', text: 'x' }])).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it('int8 weights: auto runs them on CPU and says so in the version; their spans equal float32 spans here', async () => {
    const int8 = await open({ precision: 'auto', intraOpThreads: 1 });
    const cudaFirst = await open({ precision: 'auto', executionProviders: ['cuda', 'cpu'], intraOpThreads: 1 });
    try {
      expect(int8.precision).toBe('int8');
      expect(int8.version).toBe(`${manifest.name}@${manifest.version}+int8`);
      // A list that prefers a GPU gets the float32 weights (DynamicQuantizeMatMul is a CPU kernel).
      expect(cudaFirst.precision).toBe('fp32');
      const docs = SENTENCES.map((text, i) => ({ id: `s${i}`, text }));
      const [a, b] = await Promise.all([int8.label(docs), labeler.label(docs)]);
      expect(a.flat().length).toBeGreaterThan(0);
      // Quantization moves logits by a few hundredths (check-bundle.mjs); on these sentences no decision flips.
      expect(a.map(plain)).toEqual(b.map(plain));
    } finally {
      await Promise.all([int8.close(), cudaFirst.close()]);
    }
  });

  it('knowledge boundaries: a span inside a knowledge-base name of its type comes out with the name\'s extent', async () => {
    // Each candidate: a span the model found, and a knowledge name one word longer around it (the next word). The
    // labeler reads that name as input too, so it may change its mind; a candidate counts when a span of that type
    // still overlaps the name, and then it must be the name itself, never a piece of it.
    let checked = 0;
    for (const [i, text] of SENTENCES.entries()) {
      const [found] = await labeler.label([{ id: `s${i}`, text }]);
      const words = segmentDocument(text).words;
      for (const s of found!) {
        const next = words.find((w) => w.start > s.end);
        if (next === undefined) continue;
        const name = { start: s.start, end: next.end, type: s.type, text: text.slice(s.start, next.end), confidence: null };
        const l = await labelerWithName(name);
        try {
          const [out] = await l.label([{ id: 'x', text }]);
          const inside = out!.filter((o) => o.type === s.type && o.start < name.end && name.start < o.end);
          if (inside.length === 0) continue;
          expect(inside.filter((o) => o.start >= name.start && o.end <= name.end).map((o) => [o.start, o.end])).toEqual([[name.start, name.end]]);
          checked++;
        } finally {
          await l.close();
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('a span of another type inside an organism name the knowledge base knows is dropped', async () => {
    // Each candidate: a non-SPECIES span the model found, and a SPECIES knowledge name one word longer around it (the
    // next word). The labeler reads that name as input too and may change its mind; whatever it finds, no span of
    // another type may lie strictly inside the name. It counts when, without the name, the span was there.
    let checked = 0;
    for (const [i, text] of SENTENCES.entries()) {
      const [found] = await labeler.label([{ id: `s${i}`, text }]);
      const words = segmentDocument(text).words;
      for (const s of found!.filter((f) => f.type !== 'SPECIES')) {
        const next = words.find((w) => w.start > s.end);
        if (next === undefined) continue;
        const name = { start: s.start, end: next.end, type: 'SPECIES' as const, text: text.slice(s.start, next.end), confidence: null };
        const l = await labelerWithName(name);
        try {
          const [out] = await l.label([{ id: 'x', text }]);
          const pieces = out!.filter((o) => o.type !== 'SPECIES' && o.start >= name.start && o.end <= name.end && (o.start !== name.start || o.end !== name.end));
          expect(pieces).toEqual([]);
          checked++;
        } finally {
          await l.close();
        }
      }
      if (checked >= 6) break; // each candidate opens a labeler: a few are enough
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('abbreviations: a short form defined after a model span is labelled where it recurs; the option turns it off', async () => {
    // Each candidate: a span the model found, "(CX)" inserted after it (C its first letter) and "CX" used once more at
    // the end. It counts when, without propagation, the model still finds the long form but not the later "CX".
    const off = await open({ intraOpThreads: 1, propagateAbbreviations: false });
    let checked = 0;
    try {
      for (const sentence of SENTENCES) {
        const [found] = await off.label([{ id: 's', text: sentence }]);
        for (const s of found!) {
          const short = `${s.text[0]!.toUpperCase()}X`;
          const text = `${sentence.slice(0, s.end)} (${short})${sentence.slice(s.end)} Then ${short} was given again.`;
          const later = text.lastIndexOf(short);
          const [without] = await off.label([{ id: 'x', text }]);
          if (!without!.some((o) => o.start === s.start && o.end === s.end && o.type === s.type)) continue;
          if (without!.some((o) => o.start <= later && o.end > later)) continue;
          const [withIt] = await labeler.label([{ id: 'x', text }]);
          const long = withIt!.find((o) => o.start === s.start && o.end === s.end && o.type === s.type)!;
          expect(withIt!.find((o) => o.start === later)).toEqual({ start: later, end: later + 2, type: s.type, text: short, confidence: long.confidence });
          checked++;
        }
      }
    } finally {
      await off.close();
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('shrinkToKnowledge: a listed type\'s span holding one knowledge-base name is cut to it; thresholds none turns it off', async () => {
    // Each candidate: a model span of two or more words, and a knowledge name = its first or last word. It counts when
    // the labeler (which reads the name as input) still finds a span of that type holding the name.
    const dir = copyBundle();
    let checked = 0;
    try {
      const raw = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { schemes: { name: string; shrinkToKnowledge?: string[] }[] };
      raw.schemes.find((s) => s.name === manifest.defaultScheme)!.shrinkToKnowledge = manifest.entityTypes.map((t) => t.type);
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
      for (const [i, text] of SENTENCES.entries()) {
        const [found] = await labeler.label([{ id: `s${i}`, text }]);
        const words = segmentDocument(text).words;
        for (const s of found!) {
          const inside = words.filter((w) => w.start >= s.start && w.end <= s.end);
          if (inside.length < 2) continue;
          for (const word of [inside[0]!, inside[inside.length - 1]!]) {
            const name = { start: word.start, end: word.end, type: s.type, text: text.slice(word.start, word.end), confidence: null };
            const matcher = {
              async label(inputs: readonly { id: string; text: string }[]) {
                const [base] = await knowledge.label(inputs, { types: manifest.knowledge.types });
                return [[...base!.filter((k) => k.end <= s.start || k.start >= s.end), name]];
              },
            };
            const on = await createLabeler(dir, { knowledge: matcher, precision: 'fp32', intraOpThreads: 1 });
            const off = await createLabeler(dir, { knowledge: matcher, precision: 'fp32', intraOpThreads: 1, thresholds: 'none' });
            try {
              const [rawSpans] = await off.label([{ id: 'x', text }]);
              const holding = rawSpans!.filter((o) => o.type === s.type && o.start <= name.start && name.end <= o.end && (o.start !== name.start || o.end !== name.end));
              if (holding.length === 0) continue;
              const [cut] = await on.label([{ id: 'x', text }]);
              expect(cut!.some((o) => o.type === s.type && o.start === name.start && o.end === name.end)).toBe(true);
              expect(cut!.filter((o) => holding.some((h) => h.start === o.start && h.end === o.end && h.type === o.type))).toEqual([]);
              checked++;
            } finally {
              await Promise.all([on.close(), off.close()]);
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('spanConfidence: the manifest\'s choice per type, or the option for every type, rescores the same spans', async () => {
    const dir = copyBundle();
    const raw = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { schemes: { name: string; spanConfidence?: unknown }[] };
    raw.schemes.find((s) => s.name === manifest.defaultScheme)!.spanConfidence = Object.fromEntries(manifest.entityTypes.map((t) => [t.type, 'min']));
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
    const [fromManifest, fromOption, edge] = await Promise.all([
      open({ intraOpThreads: 1 }, dir),
      open({ intraOpThreads: 1, spanConfidence: 'min' }),
      open({ intraOpThreads: 1, spanConfidence: 'edge' }),
    ]);
    try {
      expect(fromOption.version).toBe(`${labeler.version}+confidence-min`);
      expect(fromManifest.version).toBe(labeler.version);
      let lower = 0;
      for (const sentence of SENTENCES) {
        const input = [{ id: 's', text: sentence }];
        const [[mean], [min], [viaOption], [withEdge]] = await Promise.all([labeler, fromManifest, fromOption, edge].map((l) => l.label(input)));
        // No thresholds in the tiny bundle: the spans are the same, only their confidences differ.
        expect(plain(min!)).toEqual(plain(mean!));
        expect(plain(withEdge!)).toEqual(plain(mean!));
        expect(viaOption).toEqual(min);
        min!.forEach((s, i) => {
          expect(s.confidence!).toBeLessThanOrEqual(mean![i]!.confidence! + 1e-6);
          if (s.confidence! < mean![i]!.confidence! - 1e-4) lower++;
        });
      }
      // Some multi-word span had a word less certain than its average (else the test would check nothing).
      expect(lower).toBeGreaterThan(0);
    } finally {
      await Promise.all([fromManifest.close(), fromOption.close(), edge.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('propagateMentions: a listed type\'s mention text recurring in the document becomes a span there, after thresholds; none turns it off', async () => {
    // A threshold between a repeated text's two confidences drops one occurrence, and the rule must bring it back
    // with the kept one's confidence (and only with the rule listed).
    let checked = 0;
    for await (const { type, text, both, low, high, floor } of repeatedTexts(3)) {
      const dirs = [floorBundle(type, floor), floorBundle(type, floor, { propagateMentions: [type] })];
      const [thresholdOnly, spread] = await Promise.all(dirs.map((d) => open({ intraOpThreads: 1 }, d)));
      const none = await open({ intraOpThreads: 1, thresholds: 'none' }, dirs[1]);
      try {
        const [dropped] = await thresholdOnly!.label([{ id: 'x', text }]);
        expect(spanAt(dropped!, low)).toBeUndefined();
        // Another type's span, no longer overlapped by the dropped one, may take the place: then it stays.
        if (dropped!.some((o) => o.start < low.end && low.start < o.end)) continue;
        const [back] = await spread!.label([{ id: 'x', text }]);
        expect(spanAt(back!, low)).toEqual({ ...low, confidence: high.confidence });
        expect(spanAt(back!, high)).toEqual(high);
        const [raw] = await none.label([{ id: 'x', text }]);
        expect(plain(raw!)).toEqual(plain(both));
        checked++;
      } finally {
        await Promise.all([thresholdOnly!.close(), spread!.close(), none.close()]);
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      }
    }
    expect(checked).toBeGreaterThan(0);
    const dir = copyBundle();
    try {
      const raw = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { schemes: { propagateMentions?: string[] }[] };
      raw.schemes[0]!.propagateMentions = ['NOT_A_TYPE'];
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
      await expect(open({}, dir)).rejects.toMatchObject({ message: expect.stringContaining('propagateMentions') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('poolConfidence: a span whose text scores higher elsewhere in the document passes the threshold with that score', async () => {
    // A threshold between a repeated text's two confidences drops the weaker occurrence unless the scheme pools
    // confidences by text; the span keeps its own confidence.
    let checked = 0;
    for await (const { type, text, low, high, floor } of repeatedTexts(1)) {
      const dirs = [floorBundle(type, floor), floorBundle(type, floor, { poolConfidence: true })];
      const [alone, pooled] = await Promise.all(dirs.map((d) => open({ intraOpThreads: 1 }, d)));
      try {
        const [dropped] = await alone!.label([{ id: 'x', text }]);
        expect(spanAt(dropped!, low)).toBeUndefined();
        if (dropped!.some((o) => o.start < low.end && low.start < o.end)) continue; // another type took the place
        const [kept] = await pooled!.label([{ id: 'x', text }]);
        expect(spanAt(kept!, low)).toEqual(low);
        expect(spanAt(kept!, high)).toEqual(high);
        checked++;
      } finally {
        await Promise.all([alone!.close(), pooled!.close()]);
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      }
    }
    expect(checked).toBeGreaterThan(0);
    const dir = floorBundle('CHEMICAL', 0.5, { poolConfidence: 'yes' });
    try {
      await expect(open({}, dir)).rejects.toMatchObject({ message: expect.stringContaining('poolConfidence') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decision thresholds: a scheme\'s minConfidence drops its spans below it, before overlaps; none keeps them', async () => {
    const docs = SENTENCES.map((text, i) => ({ id: `s${i}`, text }));
    const all = (await labeler.label(docs, { scheme: manifest.defaultScheme })).flat();
    const counts = new Map<string, number>();
    for (const s of all) counts.set(s.type, (counts.get(s.type) ?? 0) + 1);
    const type = [...counts].sort((a, b) => b[1] - a[1])[0]![0] as Span['type'];
    const confidences = all.filter((s) => s.type === type).map((s) => s.confidence!).sort((a, b) => a - b);
    expect(confidences.length).toBeGreaterThan(1);
    // A floor between the lowest and the highest confidence of that type: some spans go, some stay.
    const floor = (confidences[0]! + confidences[confidences.length - 1]!) / 2;
    const dir = copyBundle();
    try {
      const raw = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { schemes: { name: string; minConfidence?: Record<string, { known: number; novel: number }> }[] };
      raw.schemes.find((s) => s.name === manifest.defaultScheme)!.minConfidence = { [type]: { known: floor, novel: floor } };
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
      const thresholded = await open({ intraOpThreads: 1 }, dir);
      const raw2 = await open({ intraOpThreads: 1, thresholds: 'none' }, dir);
      try {
        const kept = (await thresholded.label(docs)).flat();
        const ofType = kept.filter((s) => s.type === type);
        expect(ofType.length).toBeGreaterThan(0);
        expect(ofType.every((s) => s.confidence! >= floor)).toBe(true);
        // Every span of that type at or above the floor survives, and no span of that type below it does.
        expect(ofType.map((s) => [s.start, s.end])).toEqual(all.filter((s) => s.type === type && s.confidence! >= floor).map((s) => [s.start, s.end]));
        expect(kept.length).toBeLessThan(all.length);
        // A scheme whose instruction names another dataset for that type has none of these thresholds: nothing is
        // dropped there (a scheme naming the same dataset borrows them: next test).
        const defaults = manifest.schemes.find((s) => s.name === manifest.defaultScheme)!;
        const other = manifest.schemes.find((s) => s.name !== manifest.defaultScheme && s.datasets[type] !== defaults.datasets[type]);
        if (other) expect((await thresholded.label(docs, { scheme: other.name })).flat().length).toBe((await labeler.label(docs, { scheme: other.name })).flat().length);
        // `none` keeps every decoded span and says so in the version stored with mentions.
        expect((await raw2.label(docs)).map(plain)).toEqual((await labeler.label(docs)).map(plain));
        expect(raw2.version).toBe(`${manifest.name}@${manifest.version}+nothresholds`);
        expect(thresholded.version).toBe(`${manifest.name}@${manifest.version}`);
      } finally {
        await Promise.all([thresholded.close(), raw2.close()]);
      }
      await expect(open({ thresholds: 'some' as 'none' }, dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('options.thresholds') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a type a scheme does not list follows the rules of the scheme that lists it with the same dataset', async () => {
    // One pass labels every type; a scheme's instruction names, per type, the corpus whose guidelines its spans
    // follow, so the chemicals of `ncbi-disease` (BC5CDR's) must get the thresholds of the scheme listing CHEMICAL with
    // BC5CDR, and the genes of the default scheme those of the BC2GM scheme.
    const docs = SENTENCES.map((text, i) => ({ id: `s${i}`, text }));
    const triples = [];
    for (const borrower of manifest.schemes) {
      const all = (await labeler.label(docs, { scheme: borrower.name })).flat();
      for (const { type } of manifest.entityTypes) {
        if (borrower.types.includes(type)) continue;
        const lender = manifest.schemes.find((s) => s.types.includes(type) && s.datasets[type] === borrower.datasets[type]);
        const confidences = [...new Set(all.filter((s) => s.type === type).map((s) => s.confidence!))].sort((a, b) => a - b);
        if (lender !== undefined && confidences.length > 1) triples.push({ borrower, lender, type, all, confidences });
      }
    }
    expect(triples.length).toBeGreaterThan(0);
    const { borrower, lender, type, all, confidences } = triples.sort((a, b) => b.confidences.length - a.confidences.length)[0]!;
    const floor = (confidences[0]! + confidences[confidences.length - 1]!) / 2;
    const dir = copyBundle();
    const ownDir = copyBundle();
    try {
      type Raw = { schemes: { name: string; minConfidence?: Record<string, { known: number; novel: number }> }[] };
      const raw = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Raw;
      raw.schemes.find((s) => s.name === lender.name)!.minConfidence = { [type]: { known: floor, novel: floor } };
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
      // The borrower's own rule for the type wins over the lender's: here, keep everything.
      raw.schemes.find((s) => s.name === borrower.name)!.minConfidence = { [type]: { known: 0, novel: 0 } };
      writeFileSync(path.join(ownDir, 'manifest.json'), JSON.stringify(raw));
      const [borrowing, own] = await Promise.all([open({ intraOpThreads: 1 }, dir), open({ intraOpThreads: 1 }, ownDir)]);
      try {
        const kept = (await borrowing.label(docs, { scheme: borrower.name })).flat().filter((s) => s.type === type);
        expect(kept.map((s) => [s.start, s.end])).toEqual(all.filter((s) => s.type === type && s.confidence! >= floor).map((s) => [s.start, s.end]));
        expect(kept.length).toBeLessThan(all.filter((s) => s.type === type).length);
        expect((await own.label(docs, { scheme: borrower.name })).map(plain)).toEqual((await labeler.label(docs, { scheme: borrower.name })).map(plain));
        // A scheme naming another dataset for the type borrows nothing.
        const apart = manifest.schemes.find((s) => s.datasets[type] !== lender.datasets[type]);
        if (apart) expect((await borrowing.label(docs, { scheme: apart.name })).map(plain)).toEqual((await labeler.label(docs, { scheme: apart.name })).map(plain));
      } finally {
        await Promise.all([borrowing.close(), own.close()]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(ownDir, { recursive: true, force: true });
    }
  });

  it('decision thresholds: known spans (exactly a knowledge-base name) and novel spans have their own', async () => {
    const docs = SENTENCES.map((text, i) => ({ id: `s${i}`, text }));
    const all = (await labeler.label(docs)).flat();
    const names = (await knowledge.label(docs, { types: manifest.knowledge.types })).flatMap((spans, i) => spans.map((n) => `${i}:${n.start}:${n.end}:${n.type}`));
    const perDoc = await labeler.label(docs);
    const isKnown = (i: number, s: Span): boolean => names.includes(`${i}:${s.start}:${s.end}:${s.type}`);
    const known = perDoc.flatMap((spans, i) => spans.filter((s) => isKnown(i, s)));
    const novel = perDoc.flatMap((spans, i) => spans.filter((s) => !isKnown(i, s)));
    expect(known.length).toBeGreaterThan(0);
    expect(novel.length).toBeGreaterThan(0);
    expect(known.length + novel.length).toBe(all.length);
    const dir = copyBundle();
    try {
      const raw = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { schemes: { name: string; minConfidence?: Record<string, { known: number; novel: number }> }[] };
      // Every type: keep what the knowledge base names, drop every novel span (confidence is < 1 here).
      expect(novel.every((s) => s.confidence! < 1)).toBe(true);
      raw.schemes.find((s) => s.name === manifest.defaultScheme)!.minConfidence = Object.fromEntries(manifest.entityTypes.map((t) => [t.type, { known: 0, novel: 1 }]));
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
      const l = await open({ intraOpThreads: 1 }, dir);
      try {
        const out = await l.label(docs);
        expect(out.flatMap((spans, i) => spans.map((s) => isKnown(i, s)))).toEqual(known.map(() => true));
        expect(out.flat().map((s) => [s.start, s.end, s.type])).toEqual(known.map((s) => [s.start, s.end, s.type]));
      } finally {
        await l.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('int8 weights: missing from the manifest is CONFIG_INVALID naming quantize2; a changed file is MODEL_INVALID', async () => {
    const dir = copyBundle();
    try {
      const int8File = manifest.int8Weights!.file;
      const bytes = readFileSync(path.join(dir, int8File));
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
      writeFileSync(path.join(dir, int8File), bytes);
      await expect(open({ precision: 'int8' }, dir)).rejects.toMatchObject({ code: 'MODEL_INVALID', details: { field: 'manifest.int8Weights.sha256' } });
      const raw = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      delete raw['int8Weights'];
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
      await expect(open({ precision: 'int8' }, dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('quantize2') });
      // auto falls back to float32 for a bundle without int8 weights.
      const l = await open({ precision: 'auto' }, dir);
      expect(l.precision).toBe('fp32');
      await l.close();
      await expect(open({ precision: 'int4' as 'int8' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('options.precision') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with MODEL_UNAVAILABLE listing each provider when none loads', async () => {
    await expect(open({ executionProviders: ['cuda'] })).rejects.toMatchObject({
      code: 'MODEL_UNAVAILABLE',
      message: expect.stringMatching(/^no execution provider could load the model: cuda: /),
    });
  });

  it('rejects bad options naming the field', async () => {
    await expect(open({ batchSize: 0 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('options.batchSize'),
    });
  });

  it('rejects a model whose checksum differs and a manifest with a bad field', async () => {
    const dir = copyBundle();
    try {
      const model = readFileSync(path.join(dir, 'model.onnx'));
      model[model.length - 1] = model[model.length - 1]! ^ 1;
      writeFileSync(path.join(dir, 'model.onnx'), model);
      await expect(open({}, dir)).rejects.toMatchObject({ code: 'MODEL_INVALID', details: { field: 'manifest.weights.sha256' } });
      const raw = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { entityTypes: { head: number }[]; heads: unknown[] };
      raw.entityTypes[raw.entityTypes.length - 1]!.head = raw.heads.length;
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
      await expect(open({}, dir)).rejects.toMatchObject({
        code: 'MODEL_INVALID',
        message: expect.stringContaining(`manifest.entityTypes[${raw.entityTypes.length - 1}].head: must be < heads.length`),
      });
      // A version 1 bundle (one pass per type, no knowledge input) is refused naming the version found.
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...raw, formatVersion: 1 }));
      await expect(open({}, dir)).rejects.toMatchObject({
        code: 'MODEL_INVALID',
        message: 'bundle format version 1 is not supported: retrain or use a version 2 bundle',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Recorded from the tiny bundle vaner-tiny@2026.12.06-tiny (format 2) with the tiny KB's dictionary as knowledge
 * matcher (it finds "Lithium carbonate", "tricuspid regurgitation" and "atrial flutter" here), as written by
 * `/usr/bin/python3 training/train.py tiny2`; re-record if the fixture is regenerated. The tiny model is not a
 * useful NER model: these spans pin behaviour, not quality. [start, end, type, text]
 */
const EXPECTED_CRAFTED: [number, number, string, string][] = [
  [0, 9, 'GENE', 'Cisplatin'],
  [71, 77, 'DISEASE', 'cancer'],
  [187, 200, 'DISEASE', 'breast cancer'],
  [211, 228, 'CHEMICAL', 'Lithium carbonate'],
  [229, 237, 'DISEASE', 'toxicity'],
  [245, 268, 'DISEASE', 'tricuspid regurgitation'],
  [273, 287, 'DISEASE', 'atrial flutter'],
];
const EXPECTED_CRAFTED_CONFIDENCE = [0.4933, 0.7029, 0.6115, 0.707, 0.641, 0.7916, 0.8391];

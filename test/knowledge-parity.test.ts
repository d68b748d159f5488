/**
 * Knowledge-feature parity between training (Python) and the runtime (Node): the same texts and knowledge base
 * must give the same words and the same per-word knowledge ids (docs/bundle-format.md, "Knowledge ids"), or the
 * model sees at inference features it never saw in training.
 *
 * Python: `/usr/bin/python3 training/train.py knowledge-ids` (training/vaner/words.py splits words; the spans come
 * from the runtime's dictionary labeler in dist/ via training/scripts/knowledge-spans.mjs; training/vaner/knowledge.py
 * maps them to words). Node: the runtime's own path: splitWords, the dictionary labeler over the same KB names with
 * the production exclusions, called with `types: knowledge.types` as createLabeler calls it, and knowledgeIdsForWords.
 *
 * Texts: every sentence and every whole document of bench/ner-sample.PubTator.txt, plus thousands of synthetic
 * sentences built (seeded, so every run tests the same texts) from data/kb names with tricky surroundings: case
 * changes, plurals, Greek letters spelled and written, hyphen and slash compounds, parentheses, abbreviation
 * definitions, quotes, trailing punctuation. Needs dist/ (npm test builds it first) and python3 (scripts/ensure-system-deps.sh).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityName } from '../src/domain/index.js';
import { createDictionaryLabeler, readDictionaryRules, readKnowledgeBaseNames } from '../src/kb/index.js';
import { knowledgeIdsForWords, readManifest, splitSentences, splitWords } from '../src/ner/index.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const KB = path.join(ROOT, 'data', 'kb');
const SYNTHETIC = 3000;

/** mulberry32: a small seeded generator, so the synthetic texts are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pubtatorTexts(content: string): string[] {
  const docs = new Map<string, string[]>();
  for (const line of content.split('\n')) {
    const m = /^([^|\t]+)\|([ta])\|(.*)$/.exec(line);
    if (m) docs.set(m[1]!, [...(docs.get(m[1]!) ?? []), m[3]!]);
  }
  return [...docs.values()].map((parts) => parts.join(' '));
}

const GREEK: [RegExp, string][] = [[/alpha/gi, 'α'], [/beta/gi, 'β'], [/gamma/gi, 'γ'], [/delta/gi, 'δ'], [/kappa/gi, 'κ']];
const SPELLED: [RegExp, string][] = [[/α/g, 'alpha'], [/β/g, 'beta'], [/γ/g, 'gamma'], [/δ/g, 'delta'], [/κ/g, 'kappa']];

/** A surface variant of a name: as is, lower, upper, plural, Greek letters written or spelled. */
function variant(name: string, r: () => number): string {
  const k = Math.floor(r() * 7);
  if (k === 1) return name.toLowerCase();
  if (k === 2) return name.toUpperCase();
  if (k === 3) return /s$/i.test(name) ? name : `${name}${/(x|ch|sh)$/i.test(name) ? 'es' : 's'}`;
  if (k === 4) return GREEK.reduce((s, [re, g]) => s.replace(re, g), name);
  if (k === 5) return SPELLED.reduce((s, [re, g]) => s.replace(re, g), name);
  return name;
}

const abbreviate = (name: string): string =>
  name.split(/[\s-]+/).filter(Boolean).map((w) => w[0]!.toUpperCase()).join('').slice(0, 5) || 'X';

const TEMPLATES: ((a: string, b: string, c: string, ab: string) => string)[] = [
  (a, b) => `${a} induced ${b} in two patients.`,
  (a, b, _c, ab) => `Treatment with ${a} (${ab}) reduced ${b}; ${ab}-treated rats recovered.`,
  (a, b) => `${a}-associated ${b}, e.g. "${a}", was reported [12].`,
  (a, b, c) => `${a}/${b} and ${c} levels were measured: ${a}, ${b}, ${c}.`,
  (a, b) => `The anti-${a} antibody did not bind ${b}-positive cells...`,
  (a, b, c) => `(${a}) ${b}? ${c}!`,
  (a, b) => `Patients with ${b} received ${a}-containing drugs, not ${a.toLowerCase()}.`,
  (a, b, c) => `${a}, ${b} and/or ${c} were non-${b}-related.`,
];

function synthetic(names: readonly string[], count: number): string[] {
  const r = random(20261206);
  const pick = (): string => variant(names[Math.floor(r() * names.length)]!, r);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = pick();
    out.push(TEMPLATES[i % TEMPLATES.length]!(a, pick(), pick(), abbreviate(a)));
  }
  return out;
}

interface PythonRow {
  id: string;
  words: [string, number, number][];
  knowledge_ids_by_word: number[];
}

describe('knowledge-feature parity, Python training vs Node runtime', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vaner-parity-'));
  let texts: string[] = [];
  let names: EntityName[] = [];
  beforeAll(async () => {
    for await (const n of readKnowledgeBaseNames(KB)) names.push(n);
    const docs = pubtatorTexts(readFileSync(path.join(ROOT, 'bench', 'ner-sample.PubTator.txt'), 'utf8'));
    const sentences = docs.flatMap((d) => splitSentences(d).map((s) => d.slice(s.start, s.end)));
    // Names with letters and at most four words make readable sentences; sampled over the whole KB.
    const usable = names.map((n) => n.name).filter((n) => /\p{L}/u.test(n) && n.split(' ').length <= 4 && !n.includes(','));
    texts = [...docs, ...sentences, ...synthetic(usable, SYNTHETIC)];
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives identical words and per-word knowledge ids on thousands of texts', async () => {
    expect(texts.length).toBeGreaterThan(SYNTHETIC + 100);
    const input = path.join(dir, 'texts.jsonl');
    const output = path.join(dir, 'out.jsonl');
    writeFileSync(input, texts.map((text, i) => JSON.stringify({ id: String(i), text })).join('\n') + '\n');
    await run('/usr/bin/python3', ['training/train.py', 'knowledge-ids', '--kb', KB, '--texts', input, '--out', output], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    const python = readFileSync(output, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as PythonRow);
    expect(python.length).toBe(texts.length);

    // The runtime side, as createLabeler runs it: the bundle's knowledge types, the dictionary over the KB names.
    const { knowledge } = await readManifest(path.join(ROOT, 'test', 'fixtures', 'tiny-bundle'));
    const matcher = await createDictionaryLabeler({ names, ...(await readDictionaryRules(KB)) });
    const spans = await matcher.label(texts.map((text, i) => ({ id: String(i), text })), { types: knowledge.types });
    const mismatches: unknown[] = [];
    let marked = 0;
    let words = 0;
    texts.forEach((text, i) => {
      const w = splitWords(text);
      const ids = knowledgeIdsForWords(w, spans[i]!, knowledge.types);
      const node = { words: w.map((x) => [x.text, x.start, x.end]), ids };
      const py = { words: python[i]!.words, ids: python[i]!.knowledge_ids_by_word };
      if (JSON.stringify(node) !== JSON.stringify(py)) mismatches.push({ text, node, py });
      marked += ids.filter((k) => k > 0).length;
      words += ids.length;
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
    // Not vacuous: a good share of the words are covered by knowledge-base names, of several types.
    expect(marked / words).toBeGreaterThan(0.1);
    expect(new Set(spans.flat().map((s) => s.type)).size).toBeGreaterThanOrEqual(2);
  }, 300_000);
});

#!/usr/bin/env node
// Chooses a bundle's decision rules on development predictions (manifest `schemes[].minConfidence`,
// `schemes[].shrinkToKnowledge`, `schemes[].propagateMentions` and `schemes[].spanConfidence`,
// docs/bundle-format.md), and with --write records them in the manifest.
//
//   VANER_MODEL_THRESHOLDS=none PREDICTIONS=/tmp/pred bash scripts/eval-ner-dev.sh model dictionary
//   for c in min edge; do
//     VANER_MODEL_THRESHOLDS=none VANER_MODEL_SPAN_CONFIDENCE=$c PREDICTIONS=/tmp/pred/$c bash scripts/eval-ner-dev.sh model
//   done
//   node scripts/tune-thresholds.mjs --bundle models/vaner-small --predictions /tmp/pred [--write]
//
// Input: one `<scheme>.jsonl` per scheme, written by `vaner eval ner --predictions` with the thresholds off (every
// decoded span with its confidence), and `knowledge/<scheme>.jsonl`, the dictionary labeler's spans of the same
// documents (the dictionary is the model's knowledge matcher: the same names, so the same spans), and optionally
// `min/<scheme>.jsonl` and `edge/<scheme>.jsonl`, the same run with the other span confidences (src/ner/decode.ts;
// `<scheme>.jsonl` itself is `mean`). A predicted span
// equal to a knowledge span is `known`, any other `novel`. For each type of a scheme that its gold file has, the
// combination of the shrink rule (on/off: a span containing exactly one knowledge span of its type is cut to it) and
// a pair of thresholds (each one of 0, 0.50, 0.55, ..., 0.95) with the best strict F1 is kept when it gains at least
// --min-gain F1 points over keeping every span (a smaller gain is within the noise of one development set).
// With more than one span confidence, each is tried, and one other than `mean` is kept only when its best rules gain
// at least --min-gain over `mean`'s best (the choice is one more thing fitted to the development set).
// Then, with every type's thresholds in place, a type's mentions spread to the other occurrences of the same string in
// the document (src/ner/mention-consistency.ts) when that gains at least --min-gain too.
// Why two: spans the knowledge base confirms are mostly right, the model's novel spans much less so (BC5CDR
// development chemicals: 87.9 with known >= 0, novel >= 0.95, against 86.0 for one threshold).
//
// --cross-check adds two honest columns: the rules chosen on one half of the documents and scored on the other
// (both ways, counts pooled: 2-fold cross-validation of the choice itself), and the dictionary on the same
// documents. The gap between "F1, tuned" and the cross-checked F1 is what choosing on the development set adds by
// itself; the held-out test sets will not get it.
//
// The simulation drops spans from the labeler's output, after overlaps between types were resolved; the labeler
// drops them before (so a dropped span no longer hides another type's), so re-measure with eval-ner-dev.sh.
import { readFileSync, readdirSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

// The runtime's rule itself (built by `npm run build`), so the simulation cannot drift from what the labeler does.
const { shrinkToKnowledge } = await import(new URL('../dist/ner/knowledge-boundaries.js', import.meta.url).href);
const { propagateMentions, pooledConfidences } = await import(new URL('../dist/ner/mention-consistency.js', import.meta.url).href);
const { SPAN_CONFIDENCES } = await import(new URL('../dist/ner/decode.js', import.meta.url).href);
const { isKnownByForm } = await import(new URL('../dist/ner/name-forms.js', import.meta.url).href);

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    predictions: { type: 'string' },
    'min-gain': { type: 'string', default: '0.3' },
    write: { type: 'boolean', default: false },
    'cross-check': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || !values.bundle || !values.predictions) {
  process.stderr.write('usage: node scripts/tune-thresholds.mjs --bundle DIR --predictions DIR [--min-gain 0.3] [--write] [--cross-check]\n');
  process.exit(values.help ? 0 : 2);
}
const minGain = Number(values['min-gain']);
if (!Number.isFinite(minGain) || minGain < 0) throw new Error(`--min-gain: not a non-negative number: ${values['min-gain']}`);
const manifestPath = path.join(values.bundle, 'manifest.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const GRID = [0, ...Array.from({ length: 10 }, (_, i) => Math.round((0.5 + 0.05 * i) * 100) / 100)];

const readLines = (file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const key = (s) => `${s.start}:${s.end}`;

/**
 * The spans of `type` in predictions `p` of one document, after the runtime's own shrink rule when `shrink`, with the
 * first words the scheme's cut keeps (`keptFirstWords`, manifest `shrinkKeepsFirstWords[type]`, not chosen here), and
 * with `pool` (manifest `poolConfidence`, not chosen here) each span scored by the best confidence of its text.
 */
function spansOf(p, d, type, shrink, keptFirstWords, pool) {
  const spans = p.predicted.filter((s) => s.type === type);
  // The runtime's first word (src/ner/word-splitter.ts): the leading run of letters and digits.
  const keepsFirstWord = (s) => keptFirstWords.has((/^[\p{L}\p{N}]+/u.exec(p.text.slice(s.start, s.end))?.[0] ?? '').toLowerCase());
  const kept = shrink ? shrinkToKnowledge(spans, d.knowledgeSpans, new Set([type]), keepsFirstWord) : spans;
  if (!pool) return kept;
  const pooled = pooledConfidences(kept, (s) => p.text.slice(s.start, s.end));
  return kept.map((s, i) => ({ ...s, confidence: pooled[i] }));
}

/** The span confidences (src/ner/decode.ts) whose predictions may sit beside `<scheme>.jsonl`, in subfolders. */
const OTHER_CONFIDENCES = SPAN_CONFIDENCES.filter((c) => c !== 'mean');

/** A document's spans of `type` under span confidence `confidence`, plain or shrunk. */
const spansFor = (d, confidence, type, shrink) => d.spans.get(confidence)[shrink ? 'shrunk' : 'plain'].get(type);

/**
 * Whether a span passes the thresholds: `known` when it is exactly a knowledge-base name (`names`) or, as the runtime
 * counts it, a SPECIES span in binomial form or a CHEMICAL span written as a drug code (src/ner/name-forms.ts,
 * isKnownByForm); else `novel`.
 */
const passes = (s, names, known, novel, text) =>
  (s.confidence ?? 1) >= (names.has(key(s)) || isKnownByForm(s.type, text.slice(s.start, s.end)) ? known : novel);

/** Strict counts of `type` when known spans need >= known and novel ones >= novel (after the shrink rule). */
function countsAt(documents, type, confidence, shrink, known, novel) {
  const c = { tp: 0, fp: 0, fn: 0 };
  for (const d of documents) {
    const gold = new Set(d.gold.filter((s) => s.type === type).map(key));
    const names = d.knowledge.get(type) ?? new Set();
    const spans = spansFor(d, confidence, type, shrink);
    const kept = new Set(spans.filter((s) => passes(s, names, known, novel, d.text)).map(key));
    for (const k of kept) (gold.has(k) ? c.tp++ : c.fp++);
    for (const k of gold) if (!kept.has(k)) c.fn++;
  }
  return c;
}

const f1Of = (c) => (c.tp === 0 ? 0 : (200 * c.tp) / (2 * c.tp + c.fp + c.fn));
const f1At = (documents, type, confidence, shrink, known, novel) => f1Of(countsAt(documents, type, confidence, shrink, known, novel));
const add = (a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn });

/** The rule with the best F1 on `documents` under one span confidence ({t: null} = keep every span). */
function chooseAt(documents, type, confidence) {
  const base = f1At(documents, type, confidence, false, 0, 0);
  let best = { t: null, shrink: false, f1: base };
  for (const shrink of [false, true]) {
    for (const known of GRID) {
      for (const novel of GRID) {
        const f1 = f1At(documents, type, confidence, shrink, known, novel);
        if (f1 > best.f1 + 1e-9) best = { t: { known, novel }, shrink, f1 };
      }
    }
  }
  const keep = best.t !== null && best.f1 - base >= minGain;
  return keep ? { ...best, base, confidence } : { t: null, shrink: false, f1: base, base, confidence: 'mean' };
}

/**
 * The rule with the best F1 on `documents`: `mean`'s, unless another span confidence's best rule gains >= --min-gain
 * over it (keeping every span, `base`, is the same under every confidence).
 */
function choose(documents, type, confidences) {
  let best = chooseAt(documents, type, 'mean');
  const mean = best.f1;
  for (const confidence of confidences.filter((c) => c !== 'mean')) {
    const r = chooseAt(documents, type, confidence);
    if (r.t !== null && r.f1 - mean >= minGain && r.f1 > best.f1 + 1e-9) best = { ...r, base: best.base };
  }
  return best;
}

/** One document's spans of `types` after the threshold rules (`rules`: type -> choose() result), with their text. */
function keptSpans(d, types, rules) {
  const out = [];
  for (const type of types) {
    const r = rules.get(type);
    const names = d.knowledge.get(type) ?? new Set();
    for (const s of spansFor(d, r.confidence, type, r.shrink)) {
      if (r.t && !passes(s, names, r.t.known, r.t.novel, d.text)) continue;
      out.push({ ...s, text: d.text.slice(s.start, s.end) });
    }
  }
  return out;
}

/** Strict counts per type of `spans(d)` over `documents`. */
function countsByType(documents, types, spansOfDocument) {
  const out = new Map(types.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  for (const d of documents) {
    const spans = spansOfDocument(d);
    for (const type of types) {
      const c = out.get(type);
      const gold = new Set(d.gold.filter((s) => s.type === type).map(key));
      const found = new Set(spans.filter((s) => s.type === type).map(key));
      for (const k of found) (gold.has(k) ? c.tp++ : c.fp++);
      for (const k of gold) if (!found.has(k)) c.fn++;
    }
  }
  return out;
}

/**
 * The rules of one scheme: per type the thresholds and shrink rule (choose), then whether its mentions spread to
 * repeats of the same string (the runtime's propagateMentions, after every type's thresholds), kept on a gain of
 * at least --min-gain.
 */
function chooseScheme(documents, types, confidences) {
  const rules = new Map(types.map((t) => [t, { ...choose(documents, t, confidences), spread: false }]));
  const before = countsByType(documents, types, (d) => keptSpans(d, types, rules));
  for (const type of types) {
    const after = countsByType(documents, [type], (d) => propagateMentions(d.text, keptSpans(d, types, rules), new Set([type])));
    if (f1Of(after.get(type)) - f1Of(before.get(type)) >= minGain) rules.get(type).spread = true;
  }
  return rules;
}

/** Counts per type under `rules`, as the runtime applies them (thresholds, then the spread types together). */
function scoreScheme(documents, types, rules) {
  const spread = new Set(types.filter((t) => rules.get(t).spread));
  return countsByType(documents, types, (d) => {
    const kept = keptSpans(d, types, rules);
    return spread.size > 0 ? propagateMentions(d.text, kept, spread) : kept;
  });
}

/** Rules chosen on one half, scored on the other, both ways, counts pooled per type. */
function crossCheck(documents, types, confidences) {
  const [a, b] = halves(documents);
  const one = scoreScheme(b, types, chooseScheme(a, types, confidences));
  const two = scoreScheme(a, types, chooseScheme(b, types, confidences));
  return new Map(types.map((t) => [t, add(one.get(t), two.get(t))]));
}

/** Two halves by a hash of the document id (stable across runs and models). */
function halves(documents) {
  const h = (id) => [...String(id)].reduce((a, ch) => (Math.imul(a, 31) + ch.charCodeAt(0)) >>> 0, 7);
  return [documents.filter((d) => h(d.id) % 2 === 0), documents.filter((d) => h(d.id) % 2 === 1)];
}

const files = readdirSync(values.predictions).filter((f) => f.endsWith('.jsonl'));
if (files.length === 0) throw new Error(`no <scheme>.jsonl files in ${values.predictions}`);
const rows = [];
for (const file of files) {
  const name = file.replace(/\.jsonl$/, '');
  const scheme = manifest.schemes.find((s) => s.name === name);
  if (!scheme) throw new Error(`${file}: ${name} is not a scheme of ${manifest.name} (${manifest.schemes.map((s) => s.name).join(', ')})`);
  const knowledgeFile = path.join(values.predictions, 'knowledge', file);
  if (!existsSync(knowledgeFile)) throw new Error(`${knowledgeFile}: missing (the dictionary's predictions of the same documents; see the header)`);
  const knowledge = new Map(readLines(knowledgeFile).map((d) => [d.id, d.predicted]));
  const documents = readLines(path.join(values.predictions, file)).map((d) => {
    if (!knowledge.has(d.id)) throw new Error(`${knowledgeFile}: no document ${d.id}`);
    const knowledgeSpans = knowledge.get(d.id);
    const byType = new Map();
    for (const s of knowledgeSpans) {
      if (!byType.has(s.type)) byType.set(s.type, new Set());
      byType.get(s.type).add(key(s));
    }
    return { ...d, knowledgeSpans, knowledge: byType };
  });
  const goldTypes = new Set(documents.flatMap((d) => d.gold.map((s) => s.type)));
  const types = scheme.types.filter((t) => goldTypes.has(t));
  const keptFirstWords = new Map(types.map((t) => [t, new Set(scheme.shrinkKeepsFirstWords?.[t] ?? [])]));
  // The same documents under the other span confidences, where their predictions are there.
  const predictionsBy = new Map([['mean', new Map(documents.map((d) => [d.id, d]))]]);
  for (const confidence of OTHER_CONFIDENCES) {
    const other = path.join(values.predictions, confidence, file);
    if (!existsSync(other)) continue;
    const byId = new Map(readLines(other).map((d) => [d.id, d]));
    for (const d of documents) if (!byId.has(d.id)) throw new Error(`${other}: no document ${d.id}`);
    predictionsBy.set(confidence, byId);
  }
  const confidences = [...predictionsBy.keys()];
  for (const d of documents) {
    d.spans = new Map(confidences.map((c) => {
      const p = predictionsBy.get(c).get(d.id);
      return [c, {
        plain: new Map(types.map((t) => [t, spansOf(p, d, t, false, new Set(), scheme.poolConfidence === true)])),
        shrunk: new Map(types.map((t) => [t, spansOf(p, d, t, true, keptFirstWords.get(t), scheme.poolConfidence === true)])),
      }];
    }));
  }
  const rules = chooseScheme(documents, types, confidences);
  const scored = scoreScheme(documents, types, rules);
  const held = values['cross-check'] ? crossCheck(documents, types, confidences) : null;
  for (const type of types) {
    const r = rules.get(type);
    const shown = r.t ? `${r.t.known.toFixed(2)} / ${r.t.novel.toFixed(2)}` : '—';
    const row = [name, type, r.base.toFixed(2), r.t ? r.confidence : '—', r.shrink ? 'yes' : 'no', shown, r.spread ? 'yes' : 'no', f1Of(scored.get(type)).toFixed(2)];
    if (held) {
      // The dictionary's spans are the knowledge spans.
      const dictionary = documents.some((d) => d.knowledge.has(type))
        ? f1Of(countsByType(documents, [type], (d) => d.knowledgeSpans).get(type)).toFixed(2) : '—';
      row.push(f1Of(held.get(type)).toFixed(2), dictionary);
    }
    rows.push(row);
  }
  const chosen = Object.fromEntries(types.filter((t) => rules.get(t).t).map((t) => [t, rules.get(t).t]));
  const ways = Object.fromEntries(types.filter((t) => rules.get(t).confidence !== 'mean').map((t) => [t, rules.get(t).confidence]));
  const fields = {
    minConfidence: Object.keys(chosen).length > 0 ? chosen : undefined,
    shrinkToKnowledge: types.filter((t) => rules.get(t).shrink),
    propagateMentions: types.filter((t) => rules.get(t).spread),
    spanConfidence: Object.keys(ways).length > 0 ? ways : undefined,
  };
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) delete scheme[field];
    else scheme[field] = value;
  }
}
process.stdout.write(values['cross-check']
  ? '| scheme | type | F1, every span | span confidence | cut to the name inside | thresholds known / novel | spread to repeats | F1, tuned | F1, rules from the other half | dictionary |\n|---|---|---:|---|---|---:|---|---:|---:|---:|\n'
  : '| scheme | type | F1, every span | span confidence | cut to the name inside | thresholds known / novel | spread to repeats | F1, tuned |\n|---|---|---:|---|---|---:|---|---:|\n');
for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
if (values.write) {
  const tmp = `${manifestPath}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, manifestPath);
  process.stderr.write(`wrote the decision rules of ${files.length} scheme(s) to ${manifestPath}\n`);
} else if (existsSync(manifestPath)) {
  process.stderr.write('(dry run: --write records these thresholds in the manifest)\n');
}

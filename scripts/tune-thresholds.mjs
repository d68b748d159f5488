#!/usr/bin/env node
// Chooses a bundle's decision rules on development predictions (manifest `schemes[].minConfidence` and
// `schemes[].shrinkToKnowledge`, docs/bundle-format.md), and with --write records them in the manifest.
//
//   VANER_MODEL_THRESHOLDS=none PREDICTIONS=/tmp/pred bash scripts/eval-ner-dev.sh model dictionary
//   node scripts/tune-thresholds.mjs --bundle models/vaner-small --predictions /tmp/pred [--write]
//
// Input: one `<scheme>.jsonl` per scheme, written by `vaner eval ner --predictions` with the thresholds off (every
// decoded span with its confidence), and `knowledge/<scheme>.jsonl`, the dictionary labeler's spans of the same
// documents (the dictionary is the model's knowledge matcher: the same names, so the same spans). A predicted span
// equal to a knowledge span is `known`, any other `novel`. For each type of a scheme that its gold file has, the
// combination of the shrink rule (on/off: a span containing exactly one knowledge span of its type is cut to it) and
// a pair of thresholds (each one of 0, 0.50, 0.55, ..., 0.95) with the best strict F1 is kept when it gains at least
// --min-gain F1 points over keeping every span (a smaller gain is within the noise of one development set).
// Why two: spans the knowledge base confirms are mostly right, the model's novel spans much less so (BC5CDR
// development chemicals: 87.9 with known >= 0, novel >= 0.95, against 86.0 for one threshold).
//
// The simulation drops spans from the labeler's output, after overlaps between types were resolved; the labeler
// drops them before (so a dropped span no longer hides another type's), so re-measure with eval-ner-dev.sh.
import { readFileSync, readdirSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

// The runtime's rule itself (built by `npm run build`), so the simulation cannot drift from what the labeler does.
const { shrinkToKnowledge } = await import(new URL('../dist/ner/knowledge-boundaries.js', import.meta.url).href);

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    predictions: { type: 'string' },
    'min-gain': { type: 'string', default: '0.3' },
    write: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || !values.bundle || !values.predictions) {
  process.stderr.write('usage: node scripts/tune-thresholds.mjs --bundle DIR --predictions DIR [--min-gain 0.3] [--write]\n');
  process.exit(values.help ? 0 : 2);
}
const minGain = Number(values['min-gain']);
if (!Number.isFinite(minGain) || minGain < 0) throw new Error(`--min-gain: not a non-negative number: ${values['min-gain']}`);
const manifestPath = path.join(values.bundle, 'manifest.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const GRID = [0, ...Array.from({ length: 10 }, (_, i) => Math.round((0.5 + 0.05 * i) * 100) / 100)];

const readLines = (file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const key = (s) => `${s.start}:${s.end}`;

/** The spans of `type` in one document, after the runtime's own shrink rule when `shrink`. */
function spansOf(d, type, shrink) {
  const spans = d.predicted.filter((s) => s.type === type);
  return shrink ? shrinkToKnowledge(spans, d.knowledgeSpans, new Set([type])) : spans;
}

/** Strict F1 (percent) of `type` when known spans need >= known and novel ones >= novel (after the shrink rule). */
function f1At(documents, type, shrink, known, novel) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const d of documents) {
    const gold = new Set(d.gold.filter((s) => s.type === type).map(key));
    const names = d.knowledge.get(type) ?? new Set();
    const spans = shrink ? d.shrunk.get(type) : d.plain.get(type);
    const kept = new Set(spans.filter((s) => (s.confidence ?? 1) >= (names.has(key(s)) ? known : novel)).map(key));
    for (const k of kept) (gold.has(k) ? tp++ : fp++);
    for (const k of gold) if (!kept.has(k)) fn++;
  }
  return tp === 0 ? 0 : (200 * tp) / (2 * tp + fp + fn);
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
  const chosen = {};
  const shrinkTypes = [];
  for (const type of scheme.types.filter((t) => goldTypes.has(t))) {
    for (const d of documents) {
      (d.plain ??= new Map()).set(type, spansOf(d, type, false));
      (d.shrunk ??= new Map()).set(type, spansOf(d, type, true));
    }
    const base = f1At(documents, type, false, 0, 0);
    let best = { t: null, shrink: false, f1: base };
    for (const shrink of [false, true]) {
      for (const known of GRID) {
        for (const novel of GRID) {
          const f1 = f1At(documents, type, shrink, known, novel);
          if (f1 > best.f1 + 1e-9) best = { t: { known, novel }, shrink, f1 };
        }
      }
    }
    const keep = best.t !== null && best.f1 - base >= minGain;
    if (keep) {
      chosen[type] = best.t;
      if (best.shrink) shrinkTypes.push(type);
    }
    const shown = keep ? `${best.t.known.toFixed(2)} / ${best.t.novel.toFixed(2)}` : '—';
    rows.push([name, type, base.toFixed(2), keep && best.shrink ? 'yes' : 'no', shown, (keep ? best.f1 : base).toFixed(2)]);
  }
  if (Object.keys(chosen).length > 0) scheme.minConfidence = chosen;
  else delete scheme.minConfidence;
  if (shrinkTypes.length > 0) scheme.shrinkToKnowledge = shrinkTypes;
  else delete scheme.shrinkToKnowledge;
}
process.stdout.write('| scheme | type | F1, every span | cut to the name inside | thresholds known / novel | F1, tuned |\n|---|---|---:|---|---:|---:|\n');
for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
if (values.write) {
  const tmp = `${manifestPath}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, manifestPath);
  process.stderr.write(`wrote minConfidence of ${files.length} scheme(s) to ${manifestPath}\n`);
} else if (existsSync(manifestPath)) {
  process.stderr.write('(dry run: --write records these thresholds in the manifest)\n');
}

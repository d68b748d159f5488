// Checks a freshly written bundle with the product's own runtimes (called by training/vaner/export.py):
//  * runs model.onnx in onnxruntime-node on reference-logits.json's batch and compares with torch's logits (and the
//    manifest's int8Weights file, when there is one, by label agreement);
//  * encodes every word of tokenizer-parity.json with @huggingface/tokenizers and compares with sentencepiece.
// Prints one JSON line with the results; exits 1 when a check fails. Usage:
//   node training/scripts/check-bundle.mjs <bundle-dir> [--reference file] [--parity file]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';

const [dir, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const result = {};
let failed = false;

// Runs one model file on the reference batch; returns its logits and dims.
async function runReference(file, ref) {
  const session = await ort.InferenceSession.create(file);
  const b = ref.input_ids.length;
  const s = ref.input_ids[0].length;
  const tensor = (rows) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [b, s]);
  const feeds = { input_ids: tensor(ref.input_ids), attention_mask: tensor(ref.attention_mask) };
  // Format-2 bundles take a third input (docs/bundle-format.md, "Knowledge ids").
  if (ref.knowledge_ids) feeds.knowledge_ids = tensor(ref.knowledge_ids);
  const out = await session.run(feeds);
  await session.release();
  return { data: out.logits.data, dims: Array.from(out.logits.dims) };
}

if (opt.reference) {
  const ref = JSON.parse(readFileSync(opt.reference, 'utf8'));
  const logits = await runReference(join(dir, 'model.onnx'), ref);
  let maxDiff = 0;
  for (let i = 0; i < ref.logits.length; i++) maxDiff = Math.max(maxDiff, Math.abs(logits.data[i] - ref.logits[i]));
  const dimsOk = JSON.stringify(logits.dims) === JSON.stringify(ref.dims);
  result.onnx = { dims: logits.dims, maxAbsDiff: maxDiff, atol: ref.atol };
  if (!dimsOk || !(maxDiff <= ref.atol)) failed = true;
  // Int8 weights (quantize.py) cannot match torch to 1e-4; what must hold is the decision: the label argmax at
  // real (unpadded) positions agrees with torch's at >= 90 % of (position, head) pairs, and nothing is NaN.
  const manifestPath = join(dir, 'manifest.json');
  const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : {};
  if (manifest.int8Weights) {
    const q = await runReference(join(dir, manifest.int8Weights.file), ref);
    const labels = ref.dims[ref.dims.length - 1];
    const mask = ref.attention_mask.flat();
    const perPosition = ref.logits.length / mask.length;
    let agree = 0;
    let total = 0;
    let qMax = 0;
    for (let g = 0; g < ref.logits.length; g += labels) {
      if (!mask[Math.floor(g / perPosition)]) continue;
      const argmax = (a) => { let k = 0; for (let j = 1; j < labels; j++) if (a[g + j] > a[g + k]) k = j; return k; };
      total += 1;
      if (argmax(q.data) === argmax(ref.logits)) agree += 1;
      for (let j = 0; j < labels; j++) qMax = Math.max(qMax, Math.abs(q.data[g + j] - ref.logits[g + j]));
    }
    result.int8 = { dims: q.dims, maxAbsDiff: qMax, argmaxAgreement: total ? agree / total : 0, pairs: total };
    if (JSON.stringify(q.dims) !== JSON.stringify(ref.dims) || !(qMax < Infinity) || agree < 0.9 * total) failed = true;
  }
}

if (opt.parity) {
  const parity = JSON.parse(readFileSync(opt.parity, 'utf8'));
  const tok = new Tokenizer(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), {});
  const mismatches = [];
  const all = [...parity.cases.map((c) => ({ text: c.word, ids: c.ids })), ...parity.sentences];
  for (const c of all) {
    const ids = tok.encode(c.text, { add_special_tokens: false }).ids;
    if (JSON.stringify(ids) !== JSON.stringify(c.ids)) mismatches.push({ text: c.text, sp: c.ids, js: ids });
  }
  result.tokenizer = { cases: all.length, mismatches: mismatches.slice(0, 20), mismatchCount: mismatches.length };
  if (mismatches.length) failed = true;
}

console.log(JSON.stringify(result));
process.exit(failed ? 1 : 0);

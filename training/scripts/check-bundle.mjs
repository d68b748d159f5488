// Checks a freshly written bundle with the product's own runtimes (called by training/vaner/export.py):
//  * runs model.onnx in onnxruntime-node on reference-logits.json's batch and compares with torch's logits;
//  * encodes every word of tokenizer-parity.json with @huggingface/tokenizers and compares with sentencepiece.
// Prints one JSON line with the results; exits 1 when a check fails. Usage:
//   node training/scripts/check-bundle.mjs <bundle-dir> [--reference file] [--parity file]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';

const [dir, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const result = {};
let failed = false;

if (opt.reference) {
  const ref = JSON.parse(readFileSync(opt.reference, 'utf8'));
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
  const b = ref.input_ids.length;
  const s = ref.input_ids[0].length;
  const ids = new ort.Tensor('int64', BigInt64Array.from(ref.input_ids.flat().map(BigInt)), [b, s]);
  const mask = new ort.Tensor('int64', BigInt64Array.from(ref.attention_mask.flat().map(BigInt)), [b, s]);
  const feeds = { input_ids: ids, attention_mask: mask };
  // Format-2 bundles take a third input (docs/bundle-format.md, "Knowledge ids").
  if (ref.knowledge_ids) feeds.knowledge_ids = new ort.Tensor('int64', BigInt64Array.from(ref.knowledge_ids.flat().map(BigInt)), [b, s]);
  const out = await session.run(feeds);
  const logits = out.logits;
  let maxDiff = 0;
  for (let i = 0; i < ref.logits.length; i++) maxDiff = Math.max(maxDiff, Math.abs(logits.data[i] - ref.logits[i]));
  const dimsOk = JSON.stringify(Array.from(logits.dims)) === JSON.stringify(ref.dims);
  result.onnx = { dims: Array.from(logits.dims), maxAbsDiff: maxDiff, atol: ref.atol };
  if (!dimsOk || !(maxDiff <= ref.atol)) failed = true;
  await session.release();
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

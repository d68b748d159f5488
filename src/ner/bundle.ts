/**
 * Reading a VANER model bundle directory (docs/bundle-format.md): manifest, model checksum, tokenizer.
 * The steps are separate functions so the labeler factory can run the slow ones (hashing the model and creating the
 * ONNX session; parsing the tokenizer) in parallel.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VanerError } from '../errors.js';
import { parseManifest, type Manifest } from './manifest.js';
import { createSubwordEncoder, type SubwordEncoder } from './subword-tokenizer.js';

/** A loaded bundle; the ONNX session is created separately (predict.ts). */
export interface Bundle {
  readonly dir: string;
  readonly manifest: Manifest;
  /** Absolute path of the verified model.onnx. */
  readonly modelPath: string;
  readonly tokenizer: SubwordEncoder;
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new VanerError('MODEL_UNAVAILABLE', `model bundle: cannot read ${what} at ${file}`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new VanerError('MODEL_INVALID', `model bundle: ${what} is not valid JSON (${(cause as Error).message})`, { cause });
  }
}

/**
 * Reads and validates `<dir>/manifest.json`.
 * @throws VanerError('MODEL_UNAVAILABLE') when it cannot be read; VanerError('MODEL_INVALID') naming each bad field.
 */
export async function readManifest(dir: string): Promise<Manifest> {
  return parseManifest(await readJson(path.join(dir, 'manifest.json'), 'manifest.json'));
}

/** Hex SHA-256 of a file, streamed so a large model is never held in memory twice. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Which weights of a bundle to run: the float32 `weights` or the optional `int8Weights` (CPU). */
export type WeightsPrecision = 'fp32' | 'int8';

/**
 * Checks the model file of `precision` against its manifest sha256 and returns its absolute path.
 * @throws VanerError('MODEL_UNAVAILABLE') when the file is missing; VanerError('MODEL_INVALID') when the digest
 *   differs; VanerError('CONFIG_INVALID') when int8 is asked of a bundle without `int8Weights`.
 */
export async function verifyModel(dir: string, manifest: Manifest, precision: WeightsPrecision = 'fp32'): Promise<string> {
  const field = precision === 'int8' ? 'int8Weights' : 'weights';
  const entry = precision === 'int8' ? manifest.int8Weights : manifest.weights;
  if (entry === undefined) {
    throw new VanerError('CONFIG_INVALID', `model bundle ${manifest.name}@${manifest.version} has no int8 weights (manifest.int8Weights); use precision fp32 or auto, or add them with \`python3 training/train.py quantize2 --out ${dir}\``, {
      details: { field: 'precision', precision },
    });
  }
  const modelPath = path.resolve(dir, entry.file);
  let actual: string;
  try {
    actual = await sha256File(modelPath);
  } catch (cause) {
    throw new VanerError('MODEL_UNAVAILABLE', `model bundle: cannot read ${entry.file} in ${dir}`, { cause });
  }
  if (actual !== entry.sha256) {
    throw new VanerError(
      'MODEL_INVALID',
      `model bundle: sha256 of ${entry.file} is ${actual}, manifest.${field}.sha256 says ${entry.sha256}`,
      { details: { field: `manifest.${field}.sha256`, expected: entry.sha256, actual } },
    );
  }
  return modelPath;
}

/**
 * Loads `<dir>/<manifest.tokenizer>`.
 * @throws VanerError('MODEL_UNAVAILABLE' | 'MODEL_INVALID')
 */
export async function loadTokenizer(dir: string, manifest: Manifest): Promise<SubwordEncoder> {
  const json = await readJson(path.join(dir, manifest.tokenizer), manifest.tokenizer);
  return createSubwordEncoder(json, manifest.tokenizer);
}

/** Reads the manifest, then verifies the model and loads the tokenizer in parallel. */
export async function loadBundle(dir: string): Promise<Bundle> {
  const manifest = await readManifest(dir);
  const [modelPath, tokenizer] = await Promise.all([verifyModel(dir, manifest), loadTokenizer(dir, manifest)]);
  return { dir, manifest, modelPath, tokenizer };
}

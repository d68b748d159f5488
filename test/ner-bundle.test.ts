import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readManifest, verifyModel } from '../src/ner/bundle.js';
import { parseManifest, type Manifest } from '../src/ner/manifest.js';

const MODEL_BYTES = Buffer.from('pretend this is an onnx graph');
const MODEL_SHA = createHash('sha256').update(MODEL_BYTES).digest('hex');

function validManifest(): Record<string, unknown> {
  return {
    formatVersion: 1,
    name: 'vaner-test',
    version: '1',
    architecture: {
      family: 'llama', bidirectional: true, hiddenSize: 16, numLayers: 1, numHeads: 2, numKeyValueHeads: 2,
      intermediateSize: 32, vocabSize: 100, maxPositionEmbeddings: 64, ropeTheta: 10000, rmsNormEps: 1e-6,
    },
    labelScheme: 'BIO',
    labels: ['O', 'B', 'I'],
    heads: [{ name: 'instruction', types: ['CHEMICAL', 'DISEASE'] }],
    entityTypes: [
      { type: 'CHEMICAL', head: 0, dataset: 'BC5CDR', instruction: 'find chemicals' },
      { type: 'DISEASE', head: 0, dataset: 'BC5CDR', instruction: 'find diseases' },
    ],
    maxLength: 64,
    special: { bosId: 1, sepId: 3, padId: 0 },
    io: { inputIds: 'input_ids', attentionMask: 'attention_mask', logits: 'logits' },
    tokenizer: 'tokenizer.json',
    weights: { file: 'model.onnx', sha256: MODEL_SHA, quantized: false, parameters: 1000 },
    trainingData: ['BC5CDR train'],
    metrics: {},
    createdAt: '2026-11-26T00:00:00Z',
  };
}

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toMatchObject({ name: 'VanerError', code: 'MODEL_INVALID' });
    return (error as { details: { fields: string[] } }).details.fields;
  }
  throw new Error('expected a MODEL_INVALID error');
}

describe('parseManifest', () => {
  it('accepts a valid manifest', () => {
    const m: Manifest = parseManifest(validManifest());
    expect(m.entityTypes.map((t) => t.type)).toEqual(['CHEMICAL', 'DISEASE']);
  });

  it('names the field of a head out of range', () => {
    const raw = validManifest();
    (raw['entityTypes'] as Record<string, unknown>[]).push({ type: 'GENE', head: 1, dataset: 'BC2GM', instruction: 'genes' });
    expect(fieldsOf(() => parseManifest(raw))).toEqual(['manifest.entityTypes[2].head: must be < heads.length']);
  });

  it('names every invalid field at once', () => {
    const raw = validManifest();
    raw['formatVersion'] = 2;
    raw['labels'] = ['O', 'I', 'B'];
    (raw['weights'] as Record<string, unknown>)['sha256'] = 'ABC';
    (raw['entityTypes'] as Record<string, unknown>[])[1]!['type'] = 'TOXIN';
    delete (raw['io'] as Record<string, unknown>)['logits'];
    const fields = fieldsOf(() => parseManifest(raw));
    expect(fields.map((f) => f.split(':')[0])).toEqual([
      'manifest.formatVersion',
      'manifest.labels[1]',
      'manifest.labels[2]',
      'manifest.entityTypes[1].type',
      'manifest.io.logits',
      'manifest.weights.sha256',
    ]);
    expect(fields).toContain('manifest.weights.sha256: must be 64 lower-case hex digits');
  });

  it('checks cross-field rules: type in its head, duplicates, maxLength, special ids', () => {
    const raw = validManifest();
    raw['heads'] = [{ name: 'instruction', types: ['CHEMICAL'] }];
    (raw['entityTypes'] as Record<string, unknown>[])[1]!['type'] = 'CHEMICAL';
    raw['maxLength'] = 65;
    (raw['special'] as Record<string, unknown>)['sepId'] = 100;
    expect(fieldsOf(() => parseManifest(raw))).toEqual([
      'manifest.entityTypes[1].type: duplicate type',
      'manifest.maxLength: must be <= architecture.maxPositionEmbeddings',
      'manifest.special.sepId: must be < architecture.vocabSize',
    ]);
    const other = validManifest();
    other['heads'] = [{ name: 'instruction', types: ['CHEMICAL'] }];
    expect(fieldsOf(() => parseManifest(other))).toEqual(['manifest.entityTypes[1].type: not among heads[0].types']);
  });

  it('rejects a non-object', () => {
    expect(fieldsOf(() => parseManifest([]))[0]).toMatch(/^manifest: /);
  });
});

describe('bundle files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'vaner-bundle-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('readManifest reports unreadable and unparsable manifests with distinct codes', async () => {
    await expect(readManifest(dir)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    writeFileSync(path.join(dir, 'manifest.json'), '{ nope');
    await expect(readManifest(dir)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/not valid JSON/) });
  });

  it('verifyModel accepts the right digest and rejects a different one naming the field', async () => {
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(validManifest()));
    writeFileSync(path.join(dir, 'model.onnx'), MODEL_BYTES);
    const manifest = await readManifest(dir);
    expect(await verifyModel(dir, manifest)).toBe(path.resolve(dir, 'model.onnx'));
    writeFileSync(path.join(dir, 'model.onnx'), Buffer.concat([MODEL_BYTES, Buffer.from('!')]));
    await expect(verifyModel(dir, manifest)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      details: { field: 'manifest.weights.sha256', expected: MODEL_SHA },
    });
  });

  it('verifyModel reports a missing model as MODEL_UNAVAILABLE', async () => {
    await expect(verifyModel(dir, parseManifest(validManifest()))).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });
});

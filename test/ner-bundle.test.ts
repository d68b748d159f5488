import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readManifest, verifyModel } from '../src/ner/bundle.js';
import { parseManifest, resolveScheme, rulesSchemeFor, type Manifest } from '../src/ner/manifest.js';
import type { EntityType } from '../src/domain/index.js';

const MODEL_BYTES = Buffer.from('pretend this is an onnx graph');
const MODEL_SHA = createHash('sha256').update(MODEL_BYTES).digest('hex');

function validManifest(): Record<string, unknown> {
  return {
    formatVersion: 2,
    name: 'vaner-test',
    version: '1',
    architecture: {
      family: 'llama', bidirectional: true, hiddenSize: 16, numLayers: 1, numHeads: 2, numKeyValueHeads: 2,
      intermediateSize: 32, vocabSize: 100, maxPositionEmbeddings: 64, ropeTheta: 10000, rmsNormEps: 1e-6,
    },
    labelScheme: 'BIO',
    labels: ['O', 'B', 'I'],
    heads: [{ name: 'CHEMICAL', types: ['CHEMICAL'] }, { name: 'DISEASE', types: ['DISEASE'] }],
    entityTypes: [{ type: 'CHEMICAL', head: 0 }, { type: 'DISEASE', head: 1 }],
    schemes: [
      { name: 'bc5cdr', types: ['CHEMICAL', 'DISEASE'], datasets: { CHEMICAL: 'BC5CDR', DISEASE: 'BC5CDR' }, instruction: 'chemical (BC5CDR), disease (BC5CDR)' },
      { name: 'ncbi-disease', types: ['DISEASE'], datasets: { CHEMICAL: 'BC5CDR', DISEASE: 'NCBI-disease' }, instruction: 'chemical (BC5CDR), disease (NCBI-disease)' },
    ],
    defaultScheme: 'bc5cdr',
    knowledge: { input: 'knowledge_ids', types: ['CHEMICAL', 'DISEASE'], matcher: 'dictionary' },
    maxLength: 64,
    special: { bosId: 1, sepId: 3, padId: 0 },
    io: { inputIds: 'input_ids', attentionMask: 'attention_mask', knowledgeIds: 'knowledge_ids', logits: 'logits' },
    tokenizer: 'tokenizer.json',
    weights: { file: 'model.onnx', sha256: MODEL_SHA, quantized: false, parameters: 1000 },
    trainingData: ['BC5CDR train'],
    metrics: {},
    createdAt: '2026-12-06T00:00:00Z',
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

const schemes = (raw: Record<string, unknown>) => raw['schemes'] as Record<string, unknown>[];

describe('parseManifest (format version 2)', () => {
  it('accepts a valid manifest', () => {
    const m: Manifest = parseManifest(validManifest());
    expect(m.entityTypes.map((t) => [t.type, t.head])).toEqual([['CHEMICAL', 0], ['DISEASE', 1]]);
    expect(m.schemes.map((s) => s.name)).toEqual(['bc5cdr', 'ncbi-disease']);
    expect(m.knowledge.types).toEqual(['CHEMICAL', 'DISEASE']);
  });

  it('refuses a version 1 manifest with a coded error naming the version found', () => {
    const v1 = { ...validManifest(), formatVersion: 1 };
    expect(() => parseManifest(v1)).toThrow(expect.objectContaining({
      code: 'MODEL_INVALID',
      message: 'bundle format version 1 is not supported: retrain or use a version 2 bundle',
      details: expect.objectContaining({ formatVersion: 1 }),
    }));
    expect(() => parseManifest({ ...validManifest(), formatVersion: 3 })).toThrow(/bundle format version 3 is not supported: this runtime reads version 2/);
    const missing = validManifest();
    delete missing['formatVersion'];
    expect(fieldsOf(() => parseManifest(missing))).toEqual(['manifest.formatVersion: bundle format version missing is not supported: this runtime reads version 2']);
  });

  it('names the field of a head out of range', () => {
    const raw = validManifest();
    (raw['entityTypes'] as Record<string, unknown>[]).push({ type: 'GENE', head: 2 });
    for (const s of schemes(raw)) (s['datasets'] as Record<string, string>)['GENE'] = 'BC2GM';
    expect(fieldsOf(() => parseManifest(raw))).toEqual(['manifest.entityTypes[2].head: must be < heads.length']);
  });

  it('names every invalid field at once', () => {
    const raw = validManifest();
    raw['labels'] = ['O', 'I', 'B'];
    (raw['weights'] as Record<string, unknown>)['sha256'] = 'ABC';
    (raw['entityTypes'] as Record<string, unknown>[])[1]!['type'] = 'TOXIN';
    delete (raw['io'] as Record<string, unknown>)['knowledgeIds'];
    schemes(raw)[1]!['name'] = 'NCBI Disease';
    raw['knowledge'] = { input: 'knowledge_ids', types: [], matcher: 'regex' };
    const fields = fieldsOf(() => parseManifest(raw));
    expect(fields.map((f) => f.split(':')[0])).toEqual([
      'manifest.labels[1]',
      'manifest.labels[2]',
      'manifest.entityTypes[1].type',
      'manifest.schemes[1].name',
      'manifest.knowledge.types',
      'manifest.knowledge.matcher',
      'manifest.io.knowledgeIds',
      'manifest.weights.sha256',
    ]);
    expect(fields).toContain('manifest.weights.sha256: must be 64 lower-case hex digits');
    expect(fields).toContain('manifest.schemes[1].name: must be lower case letters, digits and hyphens');
  });

  it('checks cross-field rules: type in its head, duplicates, schemes, default scheme, knowledge, maxLength, special ids', () => {
    const raw = validManifest();
    raw['heads'] = [{ name: 'x', types: ['CHEMICAL'] }, { name: 'y', types: ['CHEMICAL'] }];
    (raw['entityTypes'] as Record<string, unknown>[])[1]!['type'] = 'CHEMICAL';
    raw['maxLength'] = 65;
    (raw['special'] as Record<string, unknown>)['sepId'] = 100;
    expect(fieldsOf(() => parseManifest(raw))).toEqual([
      'manifest.entityTypes[1].type: duplicate type',
      'manifest.schemes[0].types[1]: DISEASE is not in entityTypes',
      'manifest.schemes[1].types[0]: DISEASE is not in entityTypes',
      'manifest.maxLength: must be <= architecture.maxPositionEmbeddings',
      'manifest.special.sepId: must be < architecture.vocabSize',
    ]);
    const other = validManifest();
    other['heads'] = [{ name: 'x', types: ['CHEMICAL'] }, { name: 'y', types: ['CHEMICAL'] }];
    expect(fieldsOf(() => parseManifest(other))).toEqual(['manifest.entityTypes[1].type: not among heads[1].types']);
    const badSchemes = validManifest();
    schemes(badSchemes)[1]!['name'] = 'bc5cdr';
    delete (schemes(badSchemes)[0]!['datasets'] as Record<string, string>)['DISEASE'];
    badSchemes['defaultScheme'] = 's800';
    badSchemes['knowledge'] = { input: 'kn', types: ['CHEMICAL', 'CHEMICAL'], matcher: 'dictionary' };
    expect(fieldsOf(() => parseManifest(badSchemes))).toEqual([
      'manifest.schemes[0].datasets.DISEASE: required for every type of entityTypes',
      'manifest.schemes[1].name: duplicate scheme name',
      'manifest.defaultScheme: must name one of schemes (bc5cdr)',
      'manifest.knowledge.types[1]: duplicate type',
      'manifest.knowledge.input: must equal io.knowledgeIds (knowledge_ids)',
    ]);
  });

  it('minConfidence: optional per scheme; each key a type of entityTypes, known and novel thresholds in [0, 1]', () => {
    const ok = validManifest();
    schemes(ok)[0]!['minConfidence'] = { DISEASE: { known: 0.5, novel: 0.9 }, CHEMICAL: { known: 0, novel: 0 } };
    expect(parseManifest(ok).schemes[0]!.minConfidence).toEqual({ DISEASE: { known: 0.5, novel: 0.9 }, CHEMICAL: { known: 0, novel: 0 } });
    expect(parseManifest(validManifest()).schemes[0]!.minConfidence).toBeUndefined();
    const bad = validManifest();
    schemes(bad)[0]!['minConfidence'] = { GENE: { known: 0.5, novel: 0.5 } };
    schemes(bad)[1]!['minConfidence'] = { DISEASE: { known: 0.5, novel: 1.5 } };
    expect(fieldsOf(() => parseManifest(bad))).toEqual([
      'manifest.schemes[1].minConfidence.DISEASE.novel: Too big: expected number to be <=1',
      'manifest.schemes[0].minConfidence.GENE: GENE is not in entityTypes',
    ]);
    const shrink = validManifest();
    schemes(shrink)[0]!['shrinkToKnowledge'] = ['DISEASE', 'GENE'];
    expect(fieldsOf(() => parseManifest(shrink))).toEqual(['manifest.schemes[0].shrinkToKnowledge[1]: GENE is not in entityTypes']);
    schemes(shrink)[0]!['shrinkToKnowledge'] = ['DISEASE'];
    expect(parseManifest(shrink).schemes[0]!.shrinkToKnowledge).toEqual(['DISEASE']);
    const tokens = validManifest();
    schemes(tokens)[0]!['extendToTokenStart'] = ['GENE'];
    expect(fieldsOf(() => parseManifest(tokens))).toEqual(['manifest.schemes[0].extendToTokenStart[0]: GENE is not in entityTypes']);
    schemes(tokens)[0]!['extendToTokenStart'] = ['DISEASE'];
    expect(parseManifest(tokens).schemes[0]!.extendToTokenStart).toEqual(['DISEASE']);
    const keeps = validManifest();
    schemes(keeps)[0]!['shrinkKeepsFirstWords'] = { GENE: ['human'] };
    expect(fieldsOf(() => parseManifest(keeps))).toEqual(['manifest.schemes[0].shrinkKeepsFirstWords.GENE: GENE is not in entityTypes']);
    schemes(keeps)[0]!['shrinkKeepsFirstWords'] = { DISEASE: [''] };
    expect(fieldsOf(() => parseManifest(keeps))[0]).toMatch(/^manifest\.schemes\[0\]\.shrinkKeepsFirstWords\.DISEASE\[0\]: /);
    schemes(keeps)[0]!['shrinkKeepsFirstWords'] = { DISEASE: ['postoperative'] };
    expect(parseManifest(keeps).schemes[0]!.shrinkKeepsFirstWords).toEqual({ DISEASE: ['postoperative'] });
    const single = validManifest();
    schemes(single)[0]!['minConfidence'] = { DISEASE: 0.8 };
    expect(fieldsOf(() => parseManifest(single))[0]).toMatch(/^manifest\.schemes\[0\]\.minConfidence\.DISEASE: /);
  });

  it('spanConfidence: optional per scheme; each key a type of entityTypes, each value mean, min or edge', () => {
    const ok = validManifest();
    schemes(ok)[0]!['spanConfidence'] = { DISEASE: 'min', CHEMICAL: 'edge' };
    expect(parseManifest(ok).schemes[0]!.spanConfidence).toEqual({ DISEASE: 'min', CHEMICAL: 'edge' });
    expect(parseManifest(validManifest()).schemes[0]!.spanConfidence).toBeUndefined();
    const unknownType = validManifest();
    schemes(unknownType)[0]!['spanConfidence'] = { GENE: 'min' };
    expect(fieldsOf(() => parseManifest(unknownType))).toEqual(['manifest.schemes[0].spanConfidence.GENE: GENE is not in entityTypes']);
    const unknownWay = validManifest();
    schemes(unknownWay)[1]!['spanConfidence'] = { DISEASE: 'median' };
    const [field] = fieldsOf(() => parseManifest(unknownWay));
    expect(field).toMatch(/^manifest\.schemes\[1\]\.spanConfidence\.DISEASE: .*"mean"\|"min"\|"edge"/);
  });

  it('rejects a non-object', () => {
    expect(fieldsOf(() => parseManifest([]))[0]).toMatch(/^manifest.formatVersion: /);
  });

  it('resolveScheme picks the named or default scheme and names the available ones for an unknown name', () => {
    const m = parseManifest(validManifest());
    expect(resolveScheme(m, undefined).name).toBe('bc5cdr');
    expect(resolveScheme(m, 'ncbi-disease').instruction).toBe('chemical (BC5CDR), disease (NCBI-disease)');
    expect(() => resolveScheme(m, 'bc2gm')).toThrow(expect.objectContaining({
      code: 'BAD_USER_INPUT',
      message: "unknown annotation scheme 'bc2gm' for vaner-test: available schemes are bc5cdr, ncbi-disease",
      details: { field: 'scheme', scheme: 'bc2gm', available: ['bc5cdr', 'ncbi-disease'] },
    }));
  });

  it('rulesSchemeFor: a type a scheme does not list takes the rules of the scheme listing it with the same dataset', () => {
    // The shipped manifest: every scheme's instruction names a dataset for each of the eight types.
    const shipped = parseManifest(JSON.parse(readFileSync('models/vaner-small/manifest.json', 'utf8')));
    const lender = (scheme: string, type: EntityType) => rulesSchemeFor(shipped, resolveScheme(shipped, scheme), type)?.name;
    expect(lender('s800', 'SPECIES')).toBe('s800');
    expect(lender('s800', 'DISEASE')).toBe('bc5cdr');
    expect(lender('bc5cdr', 'GENE')).toBe('bc2gm');
    expect(lender('bc5cdr', 'SPECIES')).toBe('linnaeus');
    expect(lender('bc5cdr', 'CELL_TYPE')).toBe('jnlpba');
    expect(lender('jnlpba', 'GENE')).toBe('jnlpba');
    expect(lender('ncbi-disease', 'CHEMICAL')).toBe('bc5cdr');
    expect(lender('ncbi-disease', 'DISEASE')).toBe('ncbi-disease');
    expect(lender('bc2gm', 'DISEASE')).toBe('bc5cdr'); // BC5CDR's diseases, not NCBI-disease's
    // A scheme's own rule for a type it does not list wins; no scheme listing the type with that dataset: none.
    const m = parseManifest(validManifest());
    const own = { ...resolveScheme(m, 'ncbi-disease'), minConfidence: { CHEMICAL: { known: 0, novel: 0.5 } } };
    expect(rulesSchemeFor(m, own, 'CHEMICAL')).toBe(own);
    expect(rulesSchemeFor(m, resolveScheme(m, 'ncbi-disease'), 'CHEMICAL')?.name).toBe('bc5cdr');
    expect(rulesSchemeFor(m, resolveScheme(m, 'bc5cdr'), 'GENE')).toBeUndefined();
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

  it('validates the optional int8Weights entry naming its fields, and verifyModel checks the int8 file', async () => {
    const int8 = { file: 'model.int8.onnx', sha256: MODEL_SHA, method: 'dynamic-int8-per-column', matmuls: 28 };
    expect(parseManifest({ ...validManifest(), int8Weights: int8 }).int8Weights).toEqual(int8);
    expect(() => parseManifest({ ...validManifest(), int8Weights: { ...int8, sha256: 'ABC', matmuls: -1 } })).toThrow(
      /manifest\.int8Weights\.sha256: must be 64 lower-case hex digits.*manifest\.int8Weights\.matmuls/s,
    );
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...validManifest(), int8Weights: int8 }));
    const manifest = await readManifest(dir);
    await expect(verifyModel(dir, manifest, 'int8')).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    writeFileSync(path.join(dir, 'model.int8.onnx'), MODEL_BYTES);
    expect(await verifyModel(dir, manifest, 'int8')).toBe(path.resolve(dir, 'model.int8.onnx'));
  });

  it('verifyModel reports a missing model as MODEL_UNAVAILABLE', async () => {
    await expect(verifyModel(dir, parseManifest(validManifest()))).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });
});

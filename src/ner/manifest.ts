/**
 * The bundle manifest (docs/bundle-format.md, format version 2) and its validation.
 *
 * Validation reports every problem at once, each prefixed by the field's path in the manifest
 * (`manifest.entityTypes[2].head: must be < heads.length`), so whoever built a broken bundle can fix it in one go.
 * A manifest of another format version is refused before anything else is checked, naming the version found: a
 * version 1 bundle runs one pass per type without knowledge input, which this runtime no longer does.
 */
import { z } from 'zod';
import { VanerError } from '../errors.js';
import { ENTITY_TYPES, type EntityType } from '../domain/index.js';
import { SPAN_CONFIDENCES } from './decode.js';

/** The only bundle format this runtime reads. */
export const BUNDLE_FORMAT_VERSION = 2;

const nonNegInt = z.number().int().min(0);
const posInt = z.number().int().min(1);
const entityType = z.enum(ENTITY_TYPES);

const architectureSchema = z.object({
  family: z.literal('llama'),
  bidirectional: z.literal(true),
  hiddenSize: posInt,
  numLayers: posInt,
  numHeads: posInt,
  numKeyValueHeads: posInt,
  intermediateSize: posInt,
  vocabSize: posInt,
  maxPositionEmbeddings: posInt,
  ropeTheta: z.number().positive(),
  rmsNormEps: z.number().positive(),
});

/** Scheme names are what users type (`--scheme`, VANER_SCHEME, GraphQL `scheme`): lower case, digits, hyphens. */
export const SCHEME_NAME = /^[a-z0-9][a-z0-9-]*$/;

const schemeSchema = z.object({
  name: z.string().regex(SCHEME_NAME, 'must be lower case letters, digits and hyphens'),
  description: z.string().optional(),
  types: z.array(entityType).min(1),
  datasets: z.record(z.string(), z.string().min(1)),
  instruction: z.string().min(1),
  // Optional per-type decision thresholds: a span of that type whose confidence (decode.ts) is below the threshold
  // is dropped; `known` applies to a span that is exactly a knowledge-base name of its type, `novel` to the others.
  // Chosen on development splits by scripts/tune-thresholds.mjs (docs/bundle-format.md); absent = keep every span.
  minConfidence: z.record(z.string(), z.object({ known: z.number().min(0).max(1), novel: z.number().min(0).max(1) })).optional(),
  // Optional: types whose spans are cut to the one knowledge-base name of their type they contain (src/ner/
  // knowledge-boundaries.ts, shrinkToKnowledge); chosen on development splits with the thresholds.
  shrinkToKnowledge: z.array(entityType).optional(),
  // Optional: per type, lower-case first words the cut keeps (`postoperative` of `postoperative myalgia`): words the
  // scheme's training annotations usually include at the start of a name (scripts/learn-kept-first-words.mjs).
  shrinkKeepsFirstWords: z.record(z.string(), z.array(z.string().min(1))).optional(),
  // Optional: types whose mentions spread to the other occurrences of the same string in a document
  // (src/ner/mention-consistency.ts); chosen on development splits with the thresholds.
  propagateMentions: z.array(entityType).optional(),
  // Optional: types whose spans begin where a written token begins, never after a hyphen inside one (src/ner/
  // token-starts.ts): for corpora that annotate whole tokens (NCBI-disease), taken from their training annotations.
  extendToTokenStart: z.array(entityType).optional(),
  // Optional: the thresholds compare each span's confidence pooled over the spans of the same text in the document
  // (src/ner/mention-consistency.ts, pooledConfidences); absent = each span on its own.
  poolConfidence: z.boolean().optional(),
  // Optional: per type, how a span's confidence is computed from its words (decode.ts, SpanConfidence; absent =
  // `mean`); chosen on development splits with the thresholds it is compared against.
  spanConfidence: z.record(z.string(), z.enum(SPAN_CONFIDENCES)).optional(),
});

/** The per-type rules of a scheme: lists of types, and records keyed by type (validated and looked up alike). */
export const TYPE_LIST_RULES = ['shrinkToKnowledge', 'propagateMentions', 'extendToTokenStart'] as const;
const TYPE_RECORD_RULES = ['minConfidence', 'spanConfidence', 'shrinkKeepsFirstWords'] as const;

const manifestSchema = z
  .object({
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    name: z.string().min(1),
    version: z.string().min(1),
    architecture: architectureSchema,
    labelScheme: z.literal('BIO'),
    // The decoder relies on this exact order: index 0 = O, 1 = B, 2 = I.
    labels: z.tuple([z.literal('O'), z.literal('B'), z.literal('I')]),
    heads: z.array(z.object({ name: z.string().min(1), types: z.array(entityType).min(1) })).min(1),
    entityTypes: z.array(z.object({ type: entityType, head: nonNegInt })).min(1),
    schemes: z.array(schemeSchema).min(1),
    defaultScheme: z.string().min(1),
    knowledge: z.object({
      input: z.string().min(1),
      types: z.array(entityType).min(1),
      matcher: z.literal('dictionary'),
    }),
    maxLength: z.number().int().min(8),
    special: z.object({ bosId: nonNegInt, sepId: nonNegInt, padId: nonNegInt }),
    io: z.object({
      inputIds: z.string().min(1),
      attentionMask: z.string().min(1),
      knowledgeIds: z.string().min(1),
      logits: z.string().min(1),
    }),
    tokenizer: z.string().min(1),
    weights: z.object({
      file: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
      quantized: z.boolean(),
      parameters: nonNegInt,
    }),
    // Optional int8 copy of the weights for CPU inference (training/vaner/quantize.py, docs/bundle-format.md).
    int8Weights: z
      .object({
        file: z.string().min(1),
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
        method: z.string().min(1),
        matmuls: nonNegInt,
      })
      .optional(),
    trainingData: z.array(z.string()),
    metrics: z.record(z.string(), z.unknown()),
    createdAt: z.string().min(1),
  })
  .superRefine((m, ctx) => {
    // Cross-field rules zod cannot express per field.
    const seen = new Set<EntityType>();
    m.entityTypes.forEach((t, i) => {
      const head = m.heads[t.head];
      if (head === undefined) {
        ctx.addIssue({ code: 'custom', path: ['entityTypes', i, 'head'], message: 'must be < heads.length' });
      } else if (!head.types.includes(t.type)) {
        ctx.addIssue({ code: 'custom', path: ['entityTypes', i, 'type'], message: `not among heads[${t.head}].types` });
      }
      if (seen.has(t.type)) ctx.addIssue({ code: 'custom', path: ['entityTypes', i, 'type'], message: 'duplicate type' });
      seen.add(t.type);
    });
    const names = new Set<string>();
    m.schemes.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['schemes', i, 'name'], message: 'duplicate scheme name' });
      names.add(s.name);
      s.types.forEach((t, k) => {
        if (!seen.has(t)) ctx.addIssue({ code: 'custom', path: ['schemes', i, 'types', k], message: `${t} is not in entityTypes` });
      });
      for (const t of seen) {
        if (s.datasets[t] === undefined) ctx.addIssue({ code: 'custom', path: ['schemes', i, 'datasets', t], message: 'required for every type of entityTypes' });
      }
      for (const field of TYPE_LIST_RULES) {
        (s[field] ?? []).forEach((t, k) => {
          if (!seen.has(t)) ctx.addIssue({ code: 'custom', path: ['schemes', i, field, k], message: `${t} is not in entityTypes` });
        });
      }
      for (const field of TYPE_RECORD_RULES) {
        for (const t of Object.keys(s[field] ?? {})) {
          if (!seen.has(t as EntityType)) ctx.addIssue({ code: 'custom', path: ['schemes', i, field, t], message: `${t} is not in entityTypes` });
        }
      }
    });
    if (!names.has(m.defaultScheme)) {
      ctx.addIssue({ code: 'custom', path: ['defaultScheme'], message: `must name one of schemes (${[...names].join(', ')})` });
    }
    const knowledgeSeen = new Set<EntityType>();
    m.knowledge.types.forEach((t, i) => {
      if (knowledgeSeen.has(t)) ctx.addIssue({ code: 'custom', path: ['knowledge', 'types', i], message: 'duplicate type' });
      knowledgeSeen.add(t);
    });
    if (m.knowledge.input !== m.io.knowledgeIds) {
      ctx.addIssue({ code: 'custom', path: ['knowledge', 'input'], message: `must equal io.knowledgeIds (${m.io.knowledgeIds})` });
    }
    if (m.maxLength > m.architecture.maxPositionEmbeddings) {
      ctx.addIssue({ code: 'custom', path: ['maxLength'], message: 'must be <= architecture.maxPositionEmbeddings' });
    }
    for (const key of ['bosId', 'sepId', 'padId'] as const) {
      if (m.special[key] >= m.architecture.vocabSize) {
        ctx.addIssue({ code: 'custom', path: ['special', key], message: 'must be < architecture.vocabSize' });
      }
    }
  });

/** A validated manifest. */
export type Manifest = z.infer<typeof manifestSchema>;

/** One annotation scheme of a manifest. */
export type Scheme = Manifest['schemes'][number];

/** Formats a zod path as the manifest field a human would write: `manifest.entityTypes[2].head`. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = 'manifest';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return out;
}

/**
 * Validates a parsed manifest.json.
 * @throws VanerError('MODEL_INVALID') listing every invalid field as `manifest.<path>: <problem>`;
 *   `details.fields` holds the same lines. A manifest of another format version fails with one message naming
 *   the version found (`details.formatVersion`).
 */
export function parseManifest(raw: unknown): Manifest {
  const found = typeof raw === 'object' && raw !== null ? (raw as { formatVersion?: unknown }).formatVersion : undefined;
  if (found !== BUNDLE_FORMAT_VERSION) {
    const shown = found === undefined ? 'missing' : JSON.stringify(found);
    const message = found === 1
      ? 'bundle format version 1 is not supported: retrain or use a version 2 bundle'
      : `bundle format version ${shown} is not supported: this runtime reads version ${BUNDLE_FORMAT_VERSION}`;
    throw new VanerError('MODEL_INVALID', message, {
      details: { fields: [`manifest.formatVersion: ${message}`], formatVersion: found ?? null },
    });
  }
  const result = manifestSchema.safeParse(raw);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => `${fieldName(issue.path)}: ${issue.message}`);
  throw new VanerError('MODEL_INVALID', `invalid bundle manifest: ${fields.join('; ')}`, { details: { fields } });
}

/**
 * The scheme a call uses: `name` when given, else the manifest's default.
 * @throws VanerError('BAD_USER_INPUT') naming the available schemes when `name` is not one of them
 */
export function resolveScheme(manifest: Manifest, name: string | null | undefined): Scheme {
  const wanted = name ?? manifest.defaultScheme;
  const scheme = manifest.schemes.find((s) => s.name === wanted);
  if (scheme === undefined) {
    const available = manifest.schemes.map((s) => s.name);
    throw new VanerError('BAD_USER_INPUT', `unknown annotation scheme '${wanted}' for ${manifest.name}: available schemes are ${available.join(', ')}`, {
      details: { field: 'scheme', scheme: wanted, available },
    });
  }
  return scheme;
}

/** Whether `scheme` lists `type` or sets any decision rule for it. */
function hasRulesFor(scheme: Scheme, type: EntityType): boolean {
  return scheme.types.includes(type) || TYPE_LIST_RULES.some((field) => (scheme[field] ?? []).includes(type)) ||
    TYPE_RECORD_RULES.some((field) => scheme[field]?.[type] !== undefined);
}

/**
 * The scheme whose decision rules (thresholds, span confidence, cuts, spreading, pooling) apply to `type` under
 * `scheme`: the scheme itself for the types it lists or sets a rule for; for another type, the scheme that lists it
 * and names the same dataset for it. Why: one pass labels every type, and the instruction names, per type, the corpus
 * whose guidelines its spans follow (`bc5cdr` says `gene (BC2GM)`), so a gene span under `bc5cdr` is what the `bc2gm`
 * scheme decodes, and its rules, chosen on BC2GM development data, fit it. Without this, a type the scheme says nothing
 * about kept every decoded span (a `Macaques` disease under `s800`; genes under the default scheme). Undefined when no
 * scheme lists the type with that dataset (then no rules apply).
 */
export function rulesSchemeFor(manifest: Manifest, scheme: Scheme, type: EntityType): Scheme | undefined {
  if (hasRulesFor(scheme, type)) return scheme;
  const dataset = scheme.datasets[type];
  return manifest.schemes.find((s) => s.types.includes(type) && s.datasets[type] === dataset);
}

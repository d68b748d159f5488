/**
 * The bundle manifest (docs/bundle-format.md, format version 1) and its validation.
 *
 * Validation reports every problem at once, each prefixed by the field's path in the manifest
 * (`manifest.entityTypes[2].head: must be < heads.length`), so whoever built a broken bundle can fix it in one go.
 */
import { z } from 'zod';
import { VanerError } from '../errors.js';
import { ENTITY_TYPES, type EntityType } from '../domain/index.js';

const nonNegInt = z.number().int().min(0);
const posInt = z.number().int().min(1);

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

const manifestSchema = z
  .object({
    formatVersion: z.literal(1),
    name: z.string().min(1),
    version: z.string().min(1),
    architecture: architectureSchema,
    labelScheme: z.literal('BIO'),
    // The decoder relies on this exact order: index 0 = O, 1 = B, 2 = I.
    labels: z.tuple([z.literal('O'), z.literal('B'), z.literal('I')]),
    heads: z.array(z.object({ name: z.string().min(1), types: z.array(z.enum(ENTITY_TYPES)).min(1) })).min(1),
    entityTypes: z
      .array(
        z.object({
          type: z.enum(ENTITY_TYPES),
          head: nonNegInt,
          dataset: z.string().min(1),
          instruction: z.string().min(1),
        }),
      )
      .min(1),
    maxLength: z.number().int().min(8),
    special: z.object({ bosId: nonNegInt, sepId: nonNegInt, padId: nonNegInt }),
    io: z.object({ inputIds: z.string().min(1), attentionMask: z.string().min(1), logits: z.string().min(1) }),
    tokenizer: z.string().min(1),
    weights: z.object({
      file: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
      quantized: z.boolean(),
      parameters: nonNegInt,
    }),
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

/** Formats a zod path as the manifest field a human would write: `manifest.entityTypes[2].head`. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = 'manifest';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return out;
}

/**
 * Validates a parsed manifest.json.
 * @throws VanerError('MODEL_INVALID') listing every invalid field as `manifest.<path>: <problem>`;
 *   `details.fields` holds the same lines.
 */
export function parseManifest(raw: unknown): Manifest {
  const result = manifestSchema.safeParse(raw);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => `${fieldName(issue.path)}: ${issue.message}`);
  throw new VanerError('MODEL_INVALID', `invalid bundle manifest: ${fields.join('; ')}`, { details: { fields } });
}

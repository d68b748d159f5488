/** Resolvers of the upload SDL (./schema.ts). */
import type { FormatName } from '../../formats/index.js';
import type { GraphQLContext } from '../context.js';
import { submitFiles, type UploadFile } from '../../app/index.js';

const FORMATS: Record<string, FormatName | 'auto'> = {
  AUTO: 'auto', PUBTATOR: 'pubtator', TEXT: 'text', JSONL: 'jsonl', CONLL: 'conll', BRAT: 'brat', BIOC: 'bioc', BIOCJSON: 'biocjson',
};

export const uploadsResolvers = {
  UploadFormat: FORMATS,
  UploadEncoding: { UTF8: 'utf8', BASE64: 'base64' },
  Mutation: {
    submitFiles: async (_: unknown, args: { files: UploadFile[]; format?: FormatName | 'auto' | null }, ctx: GraphQLContext) => {
      const result = await submitFiles(ctx.store, ctx.queue, ctx.limits, args.files, args.format ?? 'auto', { owner: ctx.principal.owner });
      for (const s of result.submissions) {
        for (const doc of s.documents) ctx.loaders.documents.prime(doc.id, doc);
        ctx.loaders.jobs.prime(s.job.id, s.job);
      }
      return result;
    },
  },
};

/** Resolvers of the jobs SDL (./schema.ts). */
import { isVanerError, VanerError } from '../../errors.js';
import { exportOneDocument, type ExportFormat } from '../../app/export-documents.js';
import type { JobInfo, JobState } from '../../jobs/port.js';
import { reannotate } from '../../app/reannotate.js';
import type { StoredDocument } from '../../domain/index.js';
import type { GraphQLContext } from '../context.js';
import { checkFirst } from '../pagination.js';

/** Most externalIds one documentsByExternalId call accepts. */
const MAX_EXTERNAL_IDS = 1000;

function remember(ctx: GraphQLContext, job: JobInfo): JobInfo {
  ctx.loaders.jobs.clear(job.id).prime(job.id, job);
  return job;
}

export const jobsResolvers = {
  ExportFormat: { PUBTATOR: 'pubtator', BIOCJSON: 'biocjson', BIOC: 'bioc', JSONL: 'jsonl' },

  Query: {
    jobs: async (
      _: unknown,
      args: { state?: JobState | null; first?: number | null; after?: string | null; updatedSince?: string | null },
      ctx: GraphQLContext,
    ) => {
      const page = await ctx.queue.listJobs({ state: args.state ?? null, first: checkFirst(args.first, 20), after: args.after ?? null, updatedSince: args.updatedSince ?? null });
      for (const job of page.items) ctx.loaders.jobs.prime(job.id, job);
      return { edges: page.items.map((node) => ({ cursor: node.id, node })), pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
    },

    documentsByExternalId: async (_: unknown, args: { externalIds: string[] }, ctx: GraphQLContext) => {
      if (args.externalIds.length > MAX_EXTERNAL_IDS) {
        throw new VanerError('BAD_USER_INPUT', `at most ${MAX_EXTERNAL_IDS} externalIds per call`, { details: { field: 'externalIds' } });
      }
      const found = await ctx.loaders.documentsByExternalId.loadMany(args.externalIds);
      return found.map((d) => {
        if (d instanceof Error) throw d;
        return d;
      });
    },
  },

  Mutation: {
    retryJob: async (_: unknown, args: { id: string }, ctx: GraphQLContext) => remember(ctx, await ctx.queue.retry(args.id)),

    retryDocuments: async (_: unknown, args: { jobId: string; documentIds: string[] }, ctx: GraphQLContext) => {
      const [job] = await ctx.queue.getJobs([args.jobId]);
      if (!job) throw new VanerError('NOT_FOUND', `no job with id ${JSON.stringify(args.jobId)}`, { details: { jobId: args.jobId } });
      if (job.state === 'QUEUED' || job.state === 'RUNNING') {
        throw new VanerError('CONFLICT', `job ${job.id} is still ${job.state}`, { details: { jobId: job.id, state: job.state } });
      }
      if (args.documentIds.length === 0) throw new VanerError('BAD_USER_INPUT', 'documentIds must not be empty', { details: { field: 'documentIds' } });
      const inJob = new Set(job.documentIds);
      const foreign = args.documentIds.filter((id) => !inJob.has(id));
      if (foreign.length > 0) {
        throw new VanerError('BAD_USER_INPUT', `${foreign.length} document id(s) are not part of job ${job.id}`, { details: { field: 'documentIds', ids: foreign.slice(0, 10) } });
      }
      return remember(ctx, await ctx.queue.enqueue([...new Set(args.documentIds)]));
    },

    cancelJob: async (_: unknown, args: { id: string }, ctx: GraphQLContext) => remember(ctx, await ctx.queue.cancel(args.id)),

    reannotate: (_: unknown, args: { olderThanModel?: string | null; all?: boolean | null; externalIdPrefix?: string | null }, ctx: GraphQLContext) =>
      reannotate(ctx.store, ctx.queue, args),
  },

  Document: {
    export: async (doc: StoredDocument, args: { format: ExportFormat }, ctx: GraphQLContext) => {
      const mentions = await ctx.loaders.mentionsByDocument.load(doc.id);
      try {
        return exportOneDocument(args.format, doc, mentions);
      } catch (error) {
        if (isVanerError(error)) throw error;
        throw new VanerError('INVALID_FORMAT', `document ${doc.id} cannot be written as ${args.format}`, { details: { documentId: doc.id, format: args.format }, cause: error });
      }
    },
  },
};

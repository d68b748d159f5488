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

/**
 * The job `id`, when the caller may change it: its creator (the same API key owner) or an admin.
 * NOT_FOUND for an unknown id; FORBIDDEN otherwise, also for jobs with no recorded owner (made by
 * local CLI commands), which only admins change (docs/access-control.md, "Ownership").
 */
async function ownJob(ctx: GraphQLContext, id: string, action: 'cancel' | 'retry'): Promise<JobInfo> {
  const [job] = await ctx.queue.getJobs([id]);
  if (!job) throw new VanerError('NOT_FOUND', `no job with id ${JSON.stringify(id)}`, { details: { jobId: id } });
  const { principal } = ctx;
  if (principal.role === 'admin' || (job.owner !== null && job.owner === principal.owner)) return job;
  throw new VanerError('FORBIDDEN', `only the key owner that created job ${job.id} (or an admin) may ${action} it`, { details: { jobId: job.id } });
}

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
    retryJob: async (_: unknown, args: { id: string }, ctx: GraphQLContext) => {
      await ownJob(ctx, args.id, 'retry');
      return remember(ctx, await ctx.queue.retry(args.id));
    },

    retryDocuments: async (_: unknown, args: { jobId: string; documentIds: string[] }, ctx: GraphQLContext) => {
      const job = await ownJob(ctx, args.jobId, 'retry');
      if (job.state === 'QUEUED' || job.state === 'RUNNING') {
        throw new VanerError('CONFLICT', `job ${job.id} is still ${job.state}`, { details: { jobId: job.id, state: job.state } });
      }
      if (args.documentIds.length === 0) throw new VanerError('BAD_USER_INPUT', 'documentIds must not be empty', { details: { field: 'documentIds' } });
      const inJob = new Set(job.documentIds);
      const foreign = args.documentIds.filter((id) => !inJob.has(id));
      if (foreign.length > 0) {
        throw new VanerError('BAD_USER_INPUT', `${foreign.length} document id(s) are not part of job ${job.id}`, { details: { field: 'documentIds', ids: foreign.slice(0, 10) } });
      }
      return remember(ctx, await ctx.queue.enqueue([...new Set(args.documentIds)], { owner: job.owner }));
    },

    cancelJob: async (_: unknown, args: { id: string }, ctx: GraphQLContext) => {
      await ownJob(ctx, args.id, 'cancel');
      return remember(ctx, await ctx.queue.cancel(args.id));
    },

    reannotate: (_: unknown, args: { olderThanModel?: string | null; all?: boolean | null; externalIdPrefix?: string | null; scheme?: string | null }, ctx: GraphQLContext) => {
      const info = ctx.labelerInfo;
      const labeler = info && { kind: info.kind, schemes: info.schemes ?? [], defaultScheme: info.defaultScheme ?? null };
      return reannotate(ctx.store, ctx.queue, { ...args, owner: ctx.principal.owner, labeler });
    },
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

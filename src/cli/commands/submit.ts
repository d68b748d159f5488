/** `vaner submit`: streams documents from files to a running API in submitDocuments batches. */
import { VanerError, isVanerError } from '../../errors.js';
import { schemeFor } from '../../domain/index.js';
import { documentTextHash } from '../../store/index.js';
import { countDocuments, planInputs, readPlanned, FORMAT_NAMES, type DocumentRecord, type PlannedInput, createWarningTally } from '../../formats/index.js';
import { parseChoice, parseCommandArgs, parseIntegerFlag } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { displayPath, noDocumentError } from '../document-checks.js';
import { createGraphQLClient, type GraphQLClient } from '../graphql-client.js';
import { openCliInputs, type CliInputs } from '../input-files.js';
import { createProgress } from '../progress.js';
import { waitForShutdownSignal } from '../shutdown-signal.js';

export const HELP = `usage: vaner submit <files...|-> [--url URL] [--batch-size N] [--input-format auto|${FORMAT_NAMES.join('|')}] [--scheme NAME] [--wait] [--resume]

Reads documents from the files (streaming; gzip detected; - or /dev/stdin for standard input; a
directory's files each in their own format) and sends them to the API with the
submitDocuments mutation, N at a time. Transient failures (network, HTTP 429/502/503/504, store or
queue unavailable) are retried with exponential backoff. Annotations in the files (PubTator
mentions, ...) are not sent: the server annotates the text itself. Resubmitting is safe: documents
are idempotent by externalId. Exit status 1 when a document was rejected or failed. BioC passages
are sent along and kept for export. An input without any document is an error (exit status 2).
Writing needs an API key with the submitter role in
VANER_API_KEY (vaner keys create --role submitter --owner NAME); a batch refused for the key
(UNAUTHENTICATED, FORBIDDEN) stops the run there.

Batches are also cut so a request body stays under --max-body-bytes; a single document larger than
that is reported as rejected (PAYLOAD_TOO_LARGE) and not sent. A batch the server still refuses as
too large is split in halves and resent.

--resume asks the API, per batch, which externalIds are already stored with the same title and text
(their textHash) and does not upload those (counted as "skipped"); other documents are sent as usual.
With --scheme, a document stored under another scheme is sent again, so it is annotated under NAME.

--scheme NAME has the workers label the documents under that annotation scheme (README "Schemes":
bc5cdr, ncbi-disease, bc2gm, jnlpba, linnaeus, s800); stored mentions record it. It is checked
against the API's labeler (health.labeler.schemes) before any file is read: an unknown scheme is an
error naming the available ones (exit status 2). Without --scheme: the labeler's default (VANER_SCHEME
of the workers, else the bundle's).

options:
  --url URL         GraphQL endpoint (default http://VANER_HOST:VANER_PORT/graphql, i.e. http://127.0.0.1:4000/graphql)
  --batch-size N    documents per request, 1-1000 (default 100)
  --input-format F  input format (default auto: per file, by extension and content); --format is
                    an old spelling, still accepted here (submit has no output format)
  --scheme NAME     annotation scheme of the jobs (see above; default: the labeler's)
  --resume          skip documents already stored with the same title and text (see above)
  --max-body-bytes N  largest request body to send (default VANER_MAX_BODY_BYTES, 10485760)
  --wait            poll the annotation jobs until they finish and report their failures
  --poll-ms N       --wait polling interval (default 1000)
  --retries N       retries of a transient failure, 0-20 (default 5; backoff 0.5 s doubling, max 30 s)
  -h, --help        show this help
`;

const SUBMIT = `mutation Submit($documents: [DocumentInput!]!, $scheme: String) {
  submitDocuments(documents: $documents, scheme: $scheme) {
    job { id state }
    outcomes { index documentId outcome error { code message } }
  }
}`;

const STORED = `query Stored($externalIds: [String!]!) {
  documentsByExternalId(externalIds: $externalIds) { externalId textHash scheme }
}`;

interface StoredData {
  documentsByExternalId: ({ externalId: string; textHash: string; scheme: string | null } | null)[];
}

const LABELER = `query Labeler { health { labeler { kind schemes defaultScheme } } }`;

interface LabelerData {
  health: { labeler: { kind: string; schemes: string[]; defaultScheme: string | null } | null };
}

/** Room left in a request body for the query text and JSON framing around the documents. */
const BODY_OVERHEAD_BYTES = 4096;

/** The GraphQL input of one record: BioC passages travel along so exports can rebuild them. */
function toInput(r: DocumentRecord): Record<string, unknown> {
  const passages = (r.metadata as { passages?: unknown } | null | undefined)?.passages;
  const input: Record<string, unknown> = { externalId: r.externalId, title: r.title, text: r.text };
  if (Array.isArray(passages)) {
    input.passages = (passages as { offset: number; length: number; infons?: Record<string, string> }[]).map((p) => ({
      offset: p.offset,
      length: p.length,
      type: p.infons?.type ?? null,
    }));
  }
  return input;
}

const JOB = `query Job($id: ID!) {
  job(id: $id) { id state progress { total done failed } failures { documentId code message } error }
}`;

interface SubmitData {
  submitDocuments: {
    job: { id: string; state: string };
    outcomes: { index: number; documentId: string | null; outcome: 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'REJECTED'; error: { code: string; message: string } | null }[];
  };
}

interface JobData {
  job: {
    id: string;
    state: 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
    progress: { total: number; done: number; failed: number };
    failures: { documentId: string; code: string; message: string }[];
    error: string | null;
  } | null;
}

/**
 * submitDocuments' per-document errors (`extensions.details.errors` when every document of a batch is invalid),
 * or null when the details do not name one error for each document of the batch.
 */
function documentErrors(details: Record<string, unknown> | undefined, batchLength: number): { index: number; code: string; message: string }[] | null {
  const errors = (details?.server as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length !== batchLength) return null;
  const valid = errors.every((e: { index?: unknown; code?: unknown; message?: unknown }) =>
    Number.isInteger(e?.index) && (e.index as number) >= 0 && (e.index as number) < batchLength && typeof e.code === 'string' && typeof e.message === 'string');
  return valid ? (errors as { index: number; code: string; message: string }[]) : null;
}

/** Reasons grouped by code, with the first occurrence for the user to look at. */
class ReasonTally {
  private readonly byCode = new Map<string, { count: number; first: string }>();
  add(code: string, where: string, message: string, count = 1): void {
    const entry = this.byCode.get(code);
    if (entry) entry.count += count;
    else this.byCode.set(code, { count, first: `${where}: ${message}` });
  }
  get total(): number {
    return [...this.byCode.values()].reduce((n, e) => n + e.count, 0);
  }
  lines(indent: string): string[] {
    return [...this.byCode.entries()].sort((a, b) => b[1].count - a[1].count).map(([code, e]) => `${indent}${code} x${e.count} (first: ${e.first})`);
  }
}

export async function run(argv: string[], env: Env): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      url: { type: 'string' },
      'batch-size': { type: 'string' },
      'input-format': { type: 'string' },
      format: { type: 'string' },
      wait: { type: 'boolean' },
      resume: { type: 'boolean' },
      'max-body-bytes': { type: 'string' },
      scheme: { type: 'string' },
      'poll-ms': { type: 'string' },
      retries: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new VanerError('BAD_USER_INPUT', 'submit needs at least one file; see `vaner submit --help`');
  const batchSize = parseIntegerFlag('batch-size', values['batch-size'], 1, 1000) ?? 100;
  const pollMs = parseIntegerFlag('poll-ms', values['poll-ms'], 50, 60_000) ?? 1000;
  const retries = parseIntegerFlag('retries', values.retries, 0, 20) ?? 5;
  if (values.format !== undefined && values['input-format'] !== undefined) {
    throw new VanerError('BAD_USER_INPUT', '--format is the old spelling of --input-format; give only --input-format');
  }
  const formatFlag = values['input-format'] !== undefined ? 'input-format' : 'format';
  const format = parseChoice(formatFlag, values['input-format'] ?? values.format, ['auto', ...FORMAT_NAMES] as const) ?? 'auto';
  if (values.format !== undefined) process.stderr.write('warning: --format means the output format in other commands; use --input-format for the input of submit\n');
  const { config, logger } = loadCliConfig(env);
  const maxBodyBytes = parseIntegerFlag('max-body-bytes', values['max-body-bytes'], 8192, 1_000_000_000) ?? config.maxBodyBytes;
  const bodyBudget = maxBodyBytes - BODY_OVERHEAD_BYTES;
  const url = values.url ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}/graphql`;
  try {
    new URL(url);
  } catch {
    throw new VanerError('BAD_USER_INPUT', `--url "${url}" is not a URL`);
  }

  const abort = new AbortController();
  const shutdown = waitForShutdownSignal();
  void shutdown.signal.then(() => abort.abort());
  const client = createGraphQLClient({
    url,
    // Writes need a submitter key (Authorization: Bearer); VANER_API_KEY as the other CLI clients.
    apiKey: env.VANER_API_KEY ?? null,
    retries,
    signal: abort.signal,
    onRetry: (attempt, delayMs, reason) => logger.warn('retrying request', { attempt, delayMs, reason }),
  });
  const scheme = values.scheme ?? null;
  let opened: CliInputs | null = null;
  try {
    if (scheme !== null) {
      // Before any file is read or document sent: an unknown scheme names the available ones (as annotate does).
      // An API that runs no worker does not know its labeler; the workers then check the scheme and fail the jobs.
      const { health } = await client.request<LabelerData>(LABELER, {});
      if (health.labeler !== null) schemeFor(health.labeler, scheme);
      else process.stderr.write(`warning: the API does not report its labeler (no worker in that process), so scheme ${scheme} is checked by the workers: a job under a scheme they lack fails\n`);
    }
    opened = await openCliInputs(positionals);
    const files = opened.inputs;
    const warnings = createWarningTally();
    const plans: PlannedInput[][] = [];
    let total: number | null = 0;
    // Fast first pass (PubTator, JSONL, text) so the bar can show an ETA; other formats show the rate only.
    for (const file of files) {
      const plan = await planInputs(file.path, format, { onWarning: warnings.add });
      plans.push(plan);
      const count = await countDocuments(plan);
      total = count === null || total === null ? null : total + count;
    }
    if (total === 0) {
      for (const line of warnings.lines()) process.stderr.write(`warning: ${line}\n`);
      throw noDocumentError(files.map((f) => f.label).join(', '), plans.flat());
    }

    const started = Date.now();
    const counts = { created: 0, updated: 0, unchanged: 0, skipped: 0 };
    const rejected = new ReasonTally();
    const failed = new ReasonTally();
    const jobIds: string[] = [];
    let sent = 0;
    let read = 0;
    /** Size of the batch being sent, counted as failed when the run stops on it. */
    let inFlight = 0;
    let interrupted = false;
    const progress = createProgress('submit', total);
    try {
      const where = (r: DocumentRecord) => `${displayPath(r.file)}:${r.line}`;
      /** Drops the records the store already holds with the same title and text (--resume). */
      const notYetStored = async (batch: DocumentRecord[]): Promise<DocumentRecord[]> => {
        const ids = batch.flatMap((r) => (r.externalId === null ? [] : [r.externalId]));
        if (ids.length === 0) return batch;
        const { documentsByExternalId } = await client.request<StoredData>(STORED, { externalIds: ids });
        const stored = new Map(documentsByExternalId.flatMap((d) => (d === null ? [] : [[d.externalId, d] as const])));
        return batch.filter((r) => {
          const d = r.externalId === null ? undefined : stored.get(r.externalId);
          // Under another scheme than the one asked for: sent, so the server annotates it again under that scheme.
          return d === undefined || d.textHash !== documentTextHash(r.title, r.text) || (scheme !== null && d.scheme !== scheme);
        });
      };
      const sendBatch = async (all: DocumentRecord[]): Promise<void> => {
        inFlight = all.length;
        const batch = values.resume ? await notYetStored(all) : all;
        counts.skipped += all.length - batch.length;
        if (batch.length > 0) await sendDocuments(batch);
        sent += all.length;
        inFlight = 0;
        progress.increment(all.length);
      };
      const sendDocuments = async (batch: DocumentRecord[]): Promise<void> => {
        try {
          const data = await client.request<SubmitData>(SUBMIT, { documents: batch.map(toInput), scheme });
          const result = data.submitDocuments;
          jobIds.push(result.job.id);
          for (const o of result.outcomes) {
            if (o.outcome === 'REJECTED') rejected.add(o.error?.code ?? 'UNKNOWN', where(batch[o.index] as DocumentRecord), o.error?.message ?? 'no reason given');
            else counts[o.outcome.toLowerCase() as keyof typeof counts] += 1;
          }
        } catch (error) {
          // Transient failures were already retried; give up on the whole run (the server is gone).
          if (!isVanerError(error) || error.retriable || error.code === 'CANCELLED') throw error;
          // The key, not the batch, is refused: every later batch would be too, so stop instead of uploading the rest.
          if (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN') throw error;
          if (error.code === 'PAYLOAD_TOO_LARGE' && batch.length > 1) {
            // Our size estimate and the server's limit disagree: halve until the server accepts.
            const half = Math.ceil(batch.length / 2);
            await sendDocuments(batch.slice(0, half));
            await sendDocuments(batch.slice(half));
            return;
          }
          // Every document invalid: the server lists each one's reason, as it does in outcomes when some are valid.
          const perDocument = documentErrors(error.details, batch.length);
          if (perDocument !== null) {
            for (const e of perDocument) rejected.add(e.code, where(batch[e.index] as DocumentRecord), e.message);
            return;
          }
          // A permanent answer about this batch (too large...): record it and go on.
          rejected.add(error.code, where(batch[0] as DocumentRecord), `${error.message} (batch of ${batch.length})`, batch.length);
        }
      };
      let batch: DocumentRecord[] = [];
      let batchBytes = 0;
      outer: for (const [i, file] of files.entries()) {
        for await (const record of readPlanned(plans[i] as PlannedInput[], { onWarning: warnings.add, ...(file.spooled ? { label: file.label } : {}) })) {
          if (abort.signal.aborted) {
            interrupted = true;
            break outer;
          }
          read += 1;
          const bytes = Buffer.byteLength(JSON.stringify(toInput(record)), 'utf8') + 1;
          if (bytes > bodyBudget) {
            // Alone over the body limit: the server could never take it. Report, do not send.
            rejected.add('PAYLOAD_TOO_LARGE', where(record), `document is ${bytes} bytes as JSON; a request body may hold ${maxBodyBytes}`);
            sent += 1;
            progress.increment(1);
            continue;
          }
          if (batch.length > 0 && batchBytes + bytes > bodyBudget) {
            await sendBatch(batch);
            batch = [];
            batchBytes = 0;
          }
          batch.push(record);
          batchBytes += bytes;
          if (batch.length >= batchSize) {
            await sendBatch(batch);
            batch = [];
            batchBytes = 0;
          }
        }
      }
      if (batch.length > 0 && !interrupted) await sendBatch(batch);
    } catch (error) {
      progress.stop();
      failed.add(isVanerError(error) ? error.code : 'INTERNAL', 'request', `${(error as Error).message}; the run stopped there`, inFlight);
      printSummary();
      if (isVanerError(error) && error.code === 'CANCELLED') return 130;
      throw error;
    }
    progress.stop();
    if (read === 0 && !interrupted) {
      for (const line of warnings.lines()) process.stderr.write(`warning: ${line}\n`);
      throw noDocumentError(files.map((f) => f.label).join(', '), plans.flat());
    }
    printSummary();

    if (values.wait && !interrupted && jobIds.length > 0) {
      const outcome = await waitForJobs(client, jobIds, pollMs, abort.signal);
      process.stdout.write(`  annotated ${outcome.done}, failed ${outcome.failed} in ${jobIds.length} job(s)${outcome.cancelled ? ' (stopped waiting)' : ''}\n`);
      for (const line of outcome.failures.lines('    ')) process.stdout.write(`${line}\n`);
      if (outcome.failed > 0) return 1;
    }
    if (interrupted) return 130;
    return rejected.total > 0 || failed.total > 0 ? 1 : 0;

    function printSummary(): void {
      const seconds = (Date.now() - started) / 1000;
      for (const line of warnings.lines()) process.stderr.write(`warning: ${line}\n`);
      process.stdout.write(
        [
          `submitted ${sent} documents from ${files.length} file(s) in ${seconds.toFixed(1)} s (${seconds > 0 ? (sent / seconds).toFixed(1) : sent} docs/s)${interrupted ? ' (interrupted)' : ''}`,
          `  created ${counts.created}, updated ${counts.updated}, unchanged ${counts.unchanged}, rejected ${rejected.total}, failed ${failed.total}${values.resume ? `, skipped ${counts.skipped} (already stored)` : ''}`,
          ...rejected.lines('  rejected: '),
          ...failed.lines('  failed: '),
          '',
        ].join('\n'),
      );
    }
  } finally {
    shutdown.dispose();
    await opened?.dispose();
  }
}

async function waitForJobs(client: GraphQLClient, ids: readonly string[], pollMs: number, signal: AbortSignal) {
  const pending = new Set(ids);
  /** The last state seen of every job polled so far. */
  const latest = new Map<string, NonNullable<JobData['job']>>();
  const progress = createProgress('annotate', null);
  let reported = 0;
  try {
    while (pending.size > 0 && !signal.aborted) {
      for (const id of [...pending]) {
        const { job } = await client.request<JobData>(JOB, { id });
        if (!job) throw new VanerError('NOT_FOUND', `job ${id} disappeared from the server`);
        latest.set(id, job);
        if (job.state === 'COMPLETED' || job.state === 'FAILED' || job.state === 'CANCELLED') pending.delete(id);
      }
      const processed = [...latest.values()].reduce((n, job) => n + job.progress.done + job.progress.failed, 0);
      if (processed > reported) progress.increment(processed - reported);
      reported = processed;
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } catch (error) {
    // Ctrl-C while waiting only stops the waiting; the jobs go on on the server.
    if (!signal.aborted) throw error;
  } finally {
    progress.stop();
  }
  const failures = new ReasonTally();
  let done = 0;
  let failed = 0;
  for (const job of latest.values()) {
    if (pending.has(job.id)) continue;
    done += job.progress.done;
    failed += job.progress.failed;
    for (const f of job.failures) failures.add(f.code, `document ${f.documentId}`, f.message);
    const missing = job.progress.total - job.progress.done - job.progress.failed;
    if (job.state !== 'COMPLETED' && missing > 0) {
      failed += missing;
      failures.add(`JOB_${job.state}`, `job ${job.id}`, job.error ?? 'no reason given', missing);
    }
  }
  return { done, failed, failures, cancelled: signal.aborted };
}

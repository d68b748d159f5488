/**
 * Submissions and jobs: upload files (drag and drop or a file picker; the formats `vaner submit`
 * reads) or paste a text, then follow every job live: progress, per-document failures, retry and
 * cancel. The list polls `jobs(updatedSince:)` with the newest server timestamp it has seen.
 */
import { useCallback, useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import { problemsOf, type ApiProblem } from '../api/problems';
import { useSession } from '../api/session';
import { Problems } from '../components/Problems';
import { graphql } from '../gql';
import type { JobFieldsFragment, UploadFormat } from '../gql/graphql';

graphql(`
  fragment JobFields on Job {
    id state attempts error createdAt updatedAt finishedAt
    progress { total done failed }
    failures { documentId code message }
  }
`);

const JobsQuery = graphql(`
  query Jobs($after: String, $updatedSince: String) {
    jobs(first: 100, after: $after, updatedSince: $updatedSince) {
      pageInfo { hasNextPage endCursor }
      edges { node { ...JobFields } }
    }
  }
`);

const JobDocuments = graphql(`
  query JobDocuments($id: ID!) {
    job(id: $id) { id documents(first: 50) { totalCount edges { node { id externalId title annotatedAt } } } }
  }
`);

const SubmitFiles = graphql(`
  mutation SubmitFiles($files: [UploadFileInput!]!, $format: UploadFormat) {
    submitFiles(files: $files, format: $format) {
      formats documentCount warnings
      submissions { job { ...JobFields } outcomes { index externalId outcome error { code message } } }
    }
  }
`);

const SubmitText = graphql(`
  mutation SubmitText($documents: [DocumentInput!]!) {
    submitDocuments(documents: $documents) {
      job { ...JobFields }
      documents { id externalId }
      outcomes { index outcome error { code message } }
    }
  }
`);

const RetryJob = graphql(`
  mutation RetryJob($id: ID!) { retryJob(id: $id) { ...JobFields } }
`);

const CancelJob = graphql(`
  mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobFields } }
`);

type Job = JobFieldsFragment;
const ACTIVE = new Set(['QUEUED', 'RUNNING']);
const MAX_PAGES = 10;

/** Every job, kept current by polling for the ones changed since the newest update seen. */
function useJobs() {
  const client = useClient();
  const [jobs, setJobs] = useState<Map<string, Job>>(new Map());
  const [problems, setProblems] = useState<readonly ApiProblem[]>([]);
  const [loaded, setLoaded] = useState(false);
  const newest = useRef<string | null>(null);

  const merge = useCallback((list: readonly Job[]) => {
    if (list.length === 0) return;
    for (const j of list) if (newest.current === null || j.updatedAt > newest.current) newest.current = j.updatedAt;
    setJobs((old) => {
      const next = new Map(old);
      for (const j of list) next.set(j.id, j);
      return next;
    });
  }, []);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchAll = async (updatedSince: string | null) => {
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await client.query(JobsQuery, { after, updatedSince }, { requestPolicy: 'network-only' }).toPromise();
        if (stopped) return;
        setProblems(problemsOf(r.error));
        if (!r.data) return;
        merge(r.data.jobs.edges.map((e) => e.node));
        if (!r.data.jobs.pageInfo.hasNextPage) return;
        after = r.data.jobs.pageInfo.endCursor ?? null;
      }
    };
    const poll = async () => {
      await fetchAll(newest.current);
      if (stopped) return;
      setLoaded(true);
      timer = setTimeout(poll, document.hidden ? 5000 : 1000);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, merge]);

  const sorted = [...jobs.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
  return { jobs: sorted, problems, loaded, merge };
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function readFile(file: File): Promise<{ name: string; content: string; encoding: 'UTF8' | 'BASE64' }> {
  const bytes = await file.arrayBuffer();
  if (/\.gz$/i.test(file.name)) return { name: file.name, content: toBase64(bytes), encoding: 'BASE64' };
  try {
    return { name: file.name, content: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF8' };
  } catch {
    // Not UTF-8 (file.text() would have replaced the bad bytes with U+FFFD unnoticed): the bytes go as they
    // are, and the server's reader answers INVALID_UTF8 naming the file and line.
    return { name: file.name, content: toBase64(bytes), encoding: 'BASE64' };
  }
}

/** A rejected document of an upload: its position in the upload (1-based, across every batch), its externalId and why. */
interface Rejection {
  position: number;
  externalId: string | null;
  code: string;
  message: string;
}

/** How many rejections the page lists; the count says how many there were. */
const MAX_REJECTIONS_SHOWN = 100;

const FORMATS: { value: UploadFormat; label: string }[] = [
  { value: 'AUTO', label: 'detect from name and content' },
  { value: 'PUBTATOR', label: 'PubTator' },
  { value: 'BIOC', label: 'BioC XML' },
  { value: 'BIOCJSON', label: 'BioC JSON' },
  { value: 'BRAT', label: 'BRAT (.txt + .ann)' },
  { value: 'JSONL', label: 'JSONL' },
  { value: 'CONLL', label: 'CoNLL' },
  { value: 'TEXT', label: 'plain text (one document per file)' },
];

function Upload({ onJobs }: { onJobs: (jobs: Job[]) => void }) {
  const [, submitFiles] = useMutation(SubmitFiles);
  const [, submitText] = useMutation(SubmitText);
  const [files, setFiles] = useState<File[]>([]);
  const [format, setFormat] = useState<UploadFormat>('AUTO');
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<readonly ApiProblem[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [rejected, setRejected] = useState<Rejection[]>([]);
  const [text, setText] = useState('');
  const [externalId, setExternalId] = useState('');
  const [title, setTitle] = useState('');

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    setFiles((old) => [...old, ...Array.from(e.dataTransfer.files)]);
  };

  const upload = async () => {
    setBusy(true);
    setMessage(null);
    setRejected([]);
    const r = await submitFiles({ files: await Promise.all(files.map(readFile)), format });
    setBusy(false);
    setProblems(problemsOf(r.error));
    const s = r.data?.submitFiles;
    if (s) {
      // Each batch (submission) numbers its outcomes from 0: the position in the upload adds the batches before it.
      const rejections: Rejection[] = [];
      let before = 0;
      for (const x of s.submissions) {
        for (const o of x.outcomes) {
          if (o.outcome === 'REJECTED') rejections.push({ position: before + o.index + 1, externalId: o.externalId ?? null, code: o.error?.code ?? '', message: o.error?.message ?? '' });
        }
        before += x.outcomes.length;
      }
      setRejected(rejections);
      setMessage(
        `Read ${s.documentCount} document${s.documentCount === 1 ? '' : 's'} (${s.formats.join(', ').toLowerCase()}); ${s.submissions.length} job${s.submissions.length === 1 ? '' : 's'} queued` +
          (rejections.length ? `; ${rejections.length} rejected (listed below), the others stored` : '') +
          (s.warnings.length ? `; ${s.warnings.length} reader warning(s): ${s.warnings.slice(0, 3).join('; ')}` : '') + '.',
      );
      setFiles([]);
      onJobs(s.submissions.map((x) => x.job));
    }
  };

  const pasteSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    setRejected([]);
    const r = await submitText({ documents: [{ text, externalId: externalId.trim() || null, title: title.trim() || null }] });
    setBusy(false);
    setProblems(problemsOf(r.error));
    const s = r.data?.submitDocuments;
    if (s) {
      const o = s.outcomes[0];
      setMessage(o?.outcome === 'REJECTED' ? `Rejected: ${o.error?.code} ${o.error?.message}` : `Document ${o?.outcome.toLowerCase()}; job ${s.job.id} queued.`);
      if (o?.outcome !== 'REJECTED') setText('');
      onJobs([s.job]);
    }
  };

  return (
    <section className="panel" aria-labelledby="submit-h" data-testid="submit">
      <h2 id="submit-h">Submit documents</h2>
      <div className="two-col">
        <div>
          <div
            className={`dropzone${dragging ? ' dragging' : ''}`}
            data-testid="dropzone"
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={drop}
          >
            <p>Drop PubTator, BioC XML/JSON, BRAT (.txt + .ann), JSONL, CoNLL or text files here (.gz too),</p>
            <label className="button" htmlFor="file-input">or choose files…</label>
            <input id="file-input" type="file" multiple className="visually-hidden-input" onChange={(e) => setFiles((old) => [...old, ...Array.from(e.target.files ?? [])])} />
          </div>
          {files.length > 0 && (
            <ul className="compact" aria-label="Files to upload">
              {files.map((f, i) => (
                <li key={`${f.name}-${i}`}>
                  {f.name} <span className="muted">({(f.size / 1024).toFixed(1)} KiB)</span>{' '}
                  <button type="button" className="link" aria-label={`Remove ${f.name}`} onClick={() => setFiles(files.filter((_, j) => j !== i))}>remove</button>
                </li>
              ))}
            </ul>
          )}
          <div className="row">
            <label>Format <select value={format} onChange={(e) => setFormat(e.target.value as UploadFormat)}>{FORMATS.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}</select></label>
            <button type="button" className="primary" disabled={files.length === 0 || busy} onClick={upload}>{busy ? 'Uploading…' : `Upload ${files.length || ''} file${files.length === 1 ? '' : 's'}`}</button>
          </div>
        </div>
        <form onSubmit={pasteSubmit} className="stack">
          <label htmlFor="paste-text">Or paste a text</label>
          <textarea id="paste-text" rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder="Abstract text to label and link…" />
          <div className="row">
            <label>External id <input value={externalId} onChange={(e) => setExternalId(e.target.value)} placeholder="optional, e.g. PMID:123" /></label>
            <label>Title <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="optional" /></label>
          </div>
          <div><button type="submit" disabled={!text.trim() || busy}>Submit text</button></div>
        </form>
      </div>
      {message && <p role="status" className="ok" data-testid="submit-message">{message}</p>}
      {rejected.length > 0 && (
        <div className="problems" role="alert" data-testid="rejected-documents">
          <strong>{rejected.length} document{rejected.length === 1 ? ' was' : 's were'} rejected and not stored</strong> (position in the upload, external id, why):
          <ul>
            {rejected.slice(0, MAX_REJECTIONS_SHOWN).map((x) => (
              <li key={x.position}>
                document {x.position}{x.externalId !== null && <> (<strong>{x.externalId}</strong>)</>}: <code className="code">{x.code}</code> {x.message}
              </li>
            ))}
            {rejected.length > MAX_REJECTIONS_SHOWN && <li>… and {rejected.length - MAX_REJECTIONS_SHOWN} more</li>}
          </ul>
          <p className="advice">Correct them in the file and upload it again: the stored documents come back UNCHANGED and are not annotated twice.</p>
        </div>
      )}
      <Problems problems={problems} title="The submission was refused" />
    </section>
  );
}

function JobDocs({ id }: { id: string }) {
  const [r] = useQuery({ query: JobDocuments, variables: { id } });
  const c = r.data?.job?.documents;
  return (
    <>
      <Problems problems={problemsOf(r.error)} />
      {c && (
        <ul className="compact">
          {c.edges.map(({ node }) => (
            <li key={node.id}>
              <Link to={`/documents/${encodeURIComponent(node.id)}`}>{node.externalId ?? node.id}</Link> {node.title}
              {!node.annotatedAt && <span className="tag">not annotated</span>}
            </li>
          ))}
          {c.totalCount > c.edges.length && <li className="muted">… and {c.totalCount - c.edges.length} more</li>}
        </ul>
      )}
    </>
  );
}

function JobRow({ job, canChange, onChanged }: { job: Job; canChange: boolean; onChanged: (jobs: Job[]) => void }) {
  const [, retry] = useMutation(RetryJob);
  const [, cancel] = useMutation(CancelJob);
  const [problems, setProblems] = useState<readonly ApiProblem[]>([]);
  const [showDocs, setShowDocs] = useState(false);
  const active = ACTIVE.has(job.state);
  const retriable = job.state === 'FAILED' || job.state === 'CANCELLED' || (job.state === 'COMPLETED' && job.progress.failed > 0);
  const p = job.progress;
  return (
    <li className={`job state-${job.state.toLowerCase()}`} data-job-id={job.id} data-state={job.state}>
      <div className="job-head">
        <span className="state">{job.state}</span>
        <code>{job.id}</code>
        <progress max={Math.max(1, p.total)} value={p.done + p.failed} aria-label={`Job ${job.id} progress`} />
        <span data-testid="job-progress">{p.done}/{p.total} done{p.failed ? `, ${p.failed} failed` : ''}</span>
        <span className="muted small">{new Date(job.createdAt).toLocaleString('en')}</span>
        {canChange && active && (
          <button type="button" onClick={async () => { const r = await cancel({ id: job.id }); setProblems(problemsOf(r.error)); if (r.data) onChanged([r.data.cancelJob]); }}>Cancel</button>
        )}
        {canChange && retriable && (
          <button type="button" onClick={async () => { const r = await retry({ id: job.id }); setProblems(problemsOf(r.error)); if (r.data) onChanged([r.data.retryJob]); }}>Retry</button>
        )}
        <button type="button" className="link" aria-expanded={showDocs} onClick={() => setShowDocs(!showDocs)}>{showDocs ? 'hide documents' : 'documents'}</button>
      </div>
      {job.error && <p className="problems">Job failed: {job.error}</p>}
      {job.failures.length > 0 && (
        <details>
          <summary>{job.failures.length} document failure{job.failures.length === 1 ? '' : 's'}</summary>
          <ul className="compact">
            {job.failures.map((f) => (
              <li key={f.documentId}><Link to={`/documents/${encodeURIComponent(f.documentId)}`}>{f.documentId}</Link>: <code className="code">{f.code}</code> {f.message}</li>
            ))}
          </ul>
        </details>
      )}
      {showDocs && <JobDocs id={job.id} />}
      <Problems problems={problems} />
    </li>
  );
}

export function JobsPage() {
  const session = useSession();
  const { jobs, problems, loaded, merge } = useJobs();
  const canSubmit = session.can('SUBMITTER');
  return (
    <div>
      <h1>{canSubmit ? 'Submit & jobs' : 'Jobs'}</h1>
      {canSubmit ? <Upload onJobs={merge} /> : <p className="muted">Submitting needs a submitter, curator or admin key. <Link to="/signin">Sign in</Link> with one to upload documents.</p>}
      <section aria-labelledby="jobs-h">
        <h2 id="jobs-h">Jobs <span className="muted">(newest first, updated live)</span></h2>
        <Problems problems={problems} />
        {loaded && jobs.length === 0 && <p className="empty">No jobs yet. {canSubmit ? 'Upload a file above (try bench/ner-sample.PubTator.txt from the repository).' : ''}</p>}
        <ul className="jobs" data-testid="jobs" aria-live="polite">
          {jobs.map((j) => (
            <JobRow key={j.id} job={j} canChange={canSubmit} onChanged={merge} />
          ))}
        </ul>
      </section>
    </div>
  );
}

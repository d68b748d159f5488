/**
 * Harness of the fault and bulk tests: real `vaner` processes (node dist/cli/main.js) over a temporary
 * data directory with the tiny knowledge base and the dictionary labeler, a GraphQL client with an
 * API key issued by `vaner keys create`, a Redis with an append-only file that can be restarted on
 * the same port, and the checks every fault test ends with (read straight from the SQLite file).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';

const run = promisify(execFile);
export const ROOT = path.resolve(import.meta.dirname, '..');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

/**
 * Builds dist/ (the tests spawn the built CLI, as test/cli-commands.test.ts does). Only the server
 * and CLI (tsc): the dashboard bundle (`npm run build:web`, minutes of vite) is not needed to spawn
 * commands, and `npm test` builds everything before the suites run.
 */
export async function buildCli(): Promise<void> {
  await run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
}

export interface Workspace {
  readonly dataDir: string;
  readonly env: Record<string, string>;
  remove(): void;
}

export function createWorkspace(extra: Record<string, string> = {}): Workspace {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vaner-fault-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    VANER_DATA_DIR: dataDir,
    VANER_KB_DIR: path.join(ROOT, 'test', 'fixtures', 'kb-tiny'),
    VANER_MODEL_DIR: path.join(dataDir, 'no-model'),
    VANER_LABELER: 'dictionary',
    VANER_LOG_LEVEL: 'silent',
    VANER_DEBUG: '',
    VANER_NER_BATCH_SIZE: '4',
    VANER_QUEUE_LEASE_MS: '1500',
    VANER_MAX_DOCUMENT_CHARS: '2000',
    ...extra,
  };
  return { dataDir, env, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

export async function vaner(ws: Workspace, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: ws.env, cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export async function submitterKey(ws: Workspace): Promise<string> {
  const out = await vaner(ws, 'keys', 'create', '--role', 'submitter', '--owner', 'fault-test');
  if (out.code !== 0) throw new Error(`keys create failed: ${out.stderr}`);
  return out.stdout.trim();
}

export interface Proc {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  readonly output: () => string;
}

export function spawnVaner(ws: Workspace, args: string[]): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { env: ws.env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, exited, output: () => output };
}

export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts `vaner serve --port 0` and resolves with its GraphQL URL. */
export async function startServe(ws: Workspace, extraArgs: string[] = [], extraEnv: Record<string, string> = {}): Promise<Proc & { url: string }> {
  const proc = spawnVaner({ ...ws, env: { ...ws.env, ...extraEnv } }, ['serve', '--port', '0', '--host', '127.0.0.1', ...extraArgs]);
  const url = await until('serve to listen', () => /listening on (\S+)/.exec(proc.output())?.[1] ?? (proc.child.exitCode !== null ? 'exited' : undefined), 60_000);
  if (url === 'exited') throw new Error(`serve exited: ${proc.output()}`);
  return { ...proc, url };
}

export async function gql<T>(url: string, key: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) throw Object.assign(new Error(body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')), { errors: body.errors });
  return body.data as T;
}

export const SUBMIT = `mutation($documents: [DocumentInput!]!) {
  submitDocuments(documents: $documents) { job { id } outcomes { index outcome error { code message } } }
}`;

export interface SubmitOutcome {
  index: number;
  outcome: string;
  error: { code: string; message: string } | null;
}

export async function submit(url: string, key: string, documents: { externalId: string; title: string | null; text: string }[]): Promise<{ jobId: string; outcomes: SubmitOutcome[] }> {
  const data = await gql<{ submitDocuments: { job: { id: string }; outcomes: SubmitOutcome[] } }>(url, key, SUBMIT, { documents });
  return { jobId: data.submitDocuments.job.id, outcomes: data.submitDocuments.outcomes };
}

/** Texts the tiny KB's dictionary finds several mentions in; 4 templates, numbered copies. */
const TEMPLATES = [
  ['Lithium carbonate toxicity.', 'Cyanosis and heart failure after lithium in patient {n}.'],
  ['Atrial flutter.', 'Atrial flutter and cyanosis were seen in case {n}.'],
  ['Heart failure.', 'Case {n}: heart failure, then lithium carbonate was stopped.'],
  ['No findings.', 'Case {n} had nothing of note.'],
] as const;

export function corpus(count: number, prefix = 'F'): { externalId: string; title: string; text: string; template: number }[] {
  return Array.from({ length: count }, (_, n) => {
    const template = n % TEMPLATES.length;
    const [title, abstract] = TEMPLATES[template]!;
    return { externalId: `${prefix}:${n}`, title, text: `${title} ${abstract.replace('{n}', String(n))}`, template };
  });
}

export const JOBS = `query($after: String) { jobs(first: 100, after: $after) { edges { node { id state progress { total done failed } failures { documentId code message } } } pageInfo { endCursor hasNextPage } } }`;

export interface JobView {
  id: string;
  state: string;
  progress: { total: number; done: number; failed: number };
  failures: { documentId: string; code: string; message: string }[];
}

export async function allJobs(url: string, key: string | null): Promise<JobView[]> {
  const out: JobView[] = [];
  let after: string | null = null;
  for (;;) {
    const data: { jobs: { edges: { node: JobView }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } } = await gql(url, key, JOBS, { after });
    out.push(...data.jobs.edges.map((e) => e.node));
    if (!data.jobs.pageInfo.hasNextPage) return out;
    after = data.jobs.pageInfo.endCursor;
  }
}

export interface StoreCheck {
  documents: number;
  annotated: number;
  /** (document, start, end, type) keys stored more than once. */
  duplicateMentions: number;
  /** externalId -> number of mentions */
  mentionsByExternalId: Map<string, number>;
  externalIds: string[];
}

/** Reads the embedded store file directly (read-only), after the processes stopped or while they run. */
export function checkStore(ws: Workspace): StoreCheck {
  const db = new Database(path.join(ws.dataDir, 'vaner.db'), { readonly: true, fileMustExist: true });
  try {
    const docs = db.prepare<[], { external_id: string; annotated_at: string | null; n: number }>(
      `SELECT d.external_id, d.annotated_at, (SELECT COUNT(*) FROM mentions m WHERE m.document_id = d.id) AS n FROM documents d ORDER BY d.external_id`,
    ).all();
    const duplicates = db.prepare<[], { c: number }>(
      `SELECT COUNT(*) AS c FROM (SELECT document_id FROM mentions GROUP BY document_id, start_offset, end_offset, type HAVING COUNT(*) > 1)`,
    ).get()!.c;
    return {
      documents: docs.length,
      annotated: docs.filter((d) => d.annotated_at !== null).length,
      duplicateMentions: duplicates,
      mentionsByExternalId: new Map(docs.map((d) => [d.external_id, d.n])),
      externalIds: docs.map((d) => d.external_id),
    };
  } finally {
    db.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server with an append-only file (fsync always) in its own folder, so a restart on the same
 * port finds every job again; `restart()` kills it with SIGKILL (a crash) and starts it anew.
 */
export async function startDurableRedis(): Promise<{ url: string; restart(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'vaner-redis-'));
  let child: ChildProcess | null = null;
  const up = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--loglevel', 'warning'], { stdio: 'ignore' });
    await until('redis to answer', async () => ((await ping(port)) ? true : undefined), 10_000, 50);
  };
  const down = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (c === null || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  };
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await down('SIGKILL');
      await up();
    },
    async stop() {
      await down('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

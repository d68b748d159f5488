/**
 * Annotation schemes through the commands that make jobs, against a real `vaner serve` whose worker runs the tiny
 * v2 bundle (six schemes, default bc5cdr):
 * - `vaner submit --scheme` is checked against the API's labeler before anything is sent, reaches the worker, and the
 *   stored documents and mentions record it; `--resume` sends a document stored under another scheme again.
 * - `vaner reannotate` enqueues each document under the scheme it was stored with (one job per scheme), or every
 *   document under `--scheme`; a stored scheme the configured labeler lacks becomes its default, with a note.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, createWorkspace, gql, startServe, submitterKey, until, vaner, type Proc, type Workspace } from './fault-harness.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
const SCHEMES = 'bc5cdr, ncbi-disease, bc2gm, jnlpba, linnaeus, s800';
let ws: Workspace;
let key: string;
let serve: Proc & { url: string };

interface StoredView {
  externalId: string;
  scheme: string | null;
  mentions: { scheme: string | null; labeler: string }[];
}

async function stored(...externalIds: string[]): Promise<(StoredView | null)[]> {
  const data = await gql<{ documentsByExternalId: (StoredView | null)[] }>(
    serve.url,
    key,
    'query($ids: [String!]!) { documentsByExternalId(externalIds: $ids) { externalId scheme mentions { scheme labeler } } }',
    { ids: externalIds },
  );
  return data.documentsByExternalId;
}

/** The job ids and schemes a `vaner reannotate` run printed, after waiting for the worker to finish them. */
async function reannotated(stdout: string): Promise<string[]> {
  const jobs = [...stdout.matchAll(/^ {2}(\S+) \((\d+) documents(?:, scheme (\S+))?\)$/gm)];
  for (const [, id] of jobs) {
    await until(`job ${id}`, async () => {
      const { job } = await gql<{ job: { state: string } }>(serve.url, key, 'query($id: ID!) { job(id: $id) { state } }', { id });
      return job.state === 'COMPLETED' ? true : undefined;
    }, 60_000);
  }
  return jobs.map(([, , count, scheme]) => `${count} ${scheme ?? 'default'}`).sort();
}

beforeAll(async () => {
  await buildCli();
  ws = createWorkspace({ VANER_MODEL_DIR: path.join(FIXTURES, 'tiny-bundle'), VANER_LABELER: 'auto', VANER_NER_THREADS: '1' });
  key = await submitterKey(ws);
  ws.env.VANER_API_KEY = key;
  serve = await startServe(ws);
  // The worker child reports its labeler (and so its schemes) to the API once it runs.
  await until('the worker to report its labeler', async () => (await gql<{ health: { labeler: unknown } }>(serve.url, key, '{ health { labeler { kind } } }')).health.labeler ?? undefined, 60_000);
}, 180_000);

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  ws?.remove();
});

describe('vaner submit --scheme', () => {
  const input = path.join(FIXTURES, 'cli', 'tiny.pubtator');

  it('refuses an unknown scheme before sending anything, naming the available ones', async () => {
    const result = await vaner(ws, 'submit', input, '--url', serve.url, '--scheme', 'bc4cdr');
    expect([result.code, result.stdout, result.stderr]).toEqual([2, '', `error [BAD_USER_INPUT]: unknown annotation scheme 'bc4cdr': available schemes are ${SCHEMES}\n`]);
    expect(await stored('1', '2')).toEqual([null, null]);
  });

  it('labels under the scheme; stored documents and mentions record it; --resume resends those under another scheme', async () => {
    const first = await vaner(ws, 'submit', input, '--url', serve.url, '--scheme', 'ncbi-disease', '--wait', '--poll-ms', '100');
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(first.stdout.split('\n').slice(1)).toEqual(['  created 2, updated 0, unchanged 0, rejected 0, failed 0', '  annotated 2, failed 0 in 1 job(s)', '']);
    const [one, two] = await stored('1', '2');
    expect([one?.scheme, two?.scheme]).toEqual(['ncbi-disease', 'ncbi-disease']);
    expect(one!.mentions.length).toBeGreaterThan(0);
    expect(new Set(one!.mentions.map((m) => `${m.labeler} ${m.scheme}`))).toEqual(new Set(['vaner ncbi-disease']));

    const same = await vaner(ws, 'submit', input, '--url', serve.url, '--scheme', 'ncbi-disease', '--resume');
    expect(same.stdout.split('\n')[1]).toBe('  created 0, updated 0, unchanged 0, rejected 0, failed 0, skipped 2 (already stored)');
    const other = await vaner(ws, 'submit', input, '--url', serve.url, '--scheme', 's800', '--resume', '--wait', '--poll-ms', '100');
    expect(other.code).toBe(0);
    expect(other.stdout.split('\n').slice(1, 3)).toEqual(['  created 0, updated 0, unchanged 2, rejected 0, failed 0, skipped 0 (already stored)', '  annotated 2, failed 0 in 1 job(s)']);
    expect((await stored('1', '2')).map((d) => d?.scheme)).toEqual(['s800', 's800']);
    expect(new Set((await stored('1'))[0]!.mentions.map((m) => m.scheme))).toEqual(new Set(['s800']));
  }, 60_000);

  it('sends the scheme unchecked, with a warning, to an API that runs no worker (the worker checks it)', async () => {
    const alone = createWorkspace({ VANER_MODEL_DIR: path.join(FIXTURES, 'tiny-bundle'), VANER_LABELER: 'auto' });
    alone.env.VANER_API_KEY = await submitterKey(alone);
    const api = await startServe(alone, ['--no-worker']);
    try {
      const result = await vaner(alone, 'submit', input, '--url', api.url, '--scheme', 'jnlpba');
      expect([result.code, result.stderr]).toEqual([0, 'warning: the API does not report its labeler (no worker in that process), so scheme jnlpba is checked by the workers: a job under a scheme they lack fails\n']);
      expect(result.stdout.split('\n')[1]).toBe('  created 2, updated 0, unchanged 0, rejected 0, failed 0');
      const { jobs } = await gql<{ jobs: { edges: { node: { scheme: string | null; state: string } }[] } }>(api.url, alone.env.VANER_API_KEY, '{ jobs(first: 10) { edges { node { scheme state } } } }');
      expect(jobs.edges.map((e) => e.node)).toEqual([{ scheme: 'jnlpba', state: 'QUEUED' }]);
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
      alone.remove();
    }
  }, 60_000);
});

describe('vaner reannotate and schemes', () => {
  it('re-labels each document under its stored scheme, or all under --scheme; an unknown --scheme enqueues nothing', async () => {
    // 1 and 2 are stored under s800 (above); e3 under the default.
    const jsonl = path.join(ws.dataDir, 'e3.jsonl');
    writeFileSync(jsonl, '{"externalId":"e3","text":"Lithium causes cyanosis."}\n');
    expect((await vaner(ws, 'submit', jsonl, '--url', serve.url, '--wait', '--poll-ms', '100')).code).toBe(0);
    expect((await stored('e3'))[0]?.scheme).toBe('bc5cdr');

    const kept = await vaner(ws, 'reannotate', '--all');
    expect([kept.code, kept.stderr, kept.stdout.split('\n')[0]]).toEqual([0, '', 'enqueued 3 documents in 2 job(s)']);
    expect(await reannotated(kept.stdout)).toEqual(['1 bc5cdr', '2 s800']);
    expect((await stored('1', '2', 'e3')).map((d) => d?.scheme)).toEqual(['s800', 's800', 'bc5cdr']);

    const jobCount = async () => (await gql<{ jobs: { edges: unknown[] } }>(serve.url, key, '{ jobs(first: 100) { edges { node { id } } } }')).jobs.edges.length;
    const before = await jobCount();
    const unknown = await vaner(ws, 'reannotate', '--all', '--scheme', 'bc4cdr');
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([2, '', `error [BAD_USER_INPUT]: unknown annotation scheme 'bc4cdr': available schemes are ${SCHEMES}\n`]);
    expect(await jobCount()).toBe(before);

    const chosen = await vaner(ws, 'reannotate', '--all', '--scheme', 'linnaeus');
    expect(chosen.stdout.split('\n')[0]).toBe('enqueued 3 documents in 1 job(s)');
    expect(await reannotated(chosen.stdout)).toEqual(['3 linnaeus']);
    expect((await stored('1', '2', 'e3')).map((d) => d?.scheme)).toEqual(['linnaeus', 'linnaeus', 'linnaeus']);

    // A labeler without the stored scheme (here: the dictionary, which has none) gets its default, with a note.
    const dictionary = await vaner({ ...ws, env: { ...ws.env, VANER_LABELER: 'dictionary' } }, 'reannotate', '--older-than-model', 'another-version');
    expect(dictionary.stderr).toBe('note: 3 document(s) were stored under schemes the dictionary labeler does not offer (linnaeus 3): enqueued without a scheme (it has none)\n');
    expect(dictionary.stdout.split('\n').slice(0, 1)).toEqual(['enqueued 3 documents in 1 job(s)']);
    expect(await reannotated(dictionary.stdout)).toEqual(['3 default']);
  }, 120_000);
});

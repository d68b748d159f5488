/**
 * End-to-end tests of the built `vaner` CLI: builds dist/ once, then spawns `node dist/cli/main.js`
 * with a temporary VANER_DATA_DIR and the tiny knowledge base in test/fixtures/kb-tiny (six MeSH
 * entities taken unmodified from the shipped vocabularies), and asserts exact output lines.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/command-table.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const dataDir = mkdtempSync(path.join(tmpdir(), 'vaner-cli-'));

const env = {
  ...process.env,
  VANER_DATA_DIR: dataDir,
  VANER_KB_DIR: path.join(FIXTURES, 'kb-tiny'),
  VANER_MODEL_DIR: path.join(dataDir, 'no-model-here'),
  VANER_LABELER: 'dictionary',
  VANER_LOG_LEVEL: 'silent',
  VANER_DEBUG: '',
};

async function vaner(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return vanerWith({}, ...args);
}

async function vanerWith(extraEnv: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv }, cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  await run('npm', ['run', 'build:server', '--silent'], { cwd: ROOT });
}, 180_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('vaner dispatcher', () => {
  it('lists the commands and rejects unknown ones with a usage error', async () => {
    const help = await vaner('--help');
    expect(help.code).toBe(0);
    // Other modules add commands to the table; every entry must be listed, ours with these words.
    const width = Math.max(...COMMANDS.map((c) => c.name.length));
    expect(help.stdout.split('\n').slice(0, 3 + COMMANDS.length + 1)).toEqual([
      'usage: vaner <command> [subcommand] [options]',
      '',
      'commands:',
      ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
      '',
    ]);
    for (const [name, summary] of [
      ['serve', 'run the GraphQL API (and a worker unless --no-worker)'],
      ['kb import', 'import the shipped vocabularies, or your own (--vocabulary FILE --source NAME)'],
      ['submit', 'send documents from files to a running API'],
      ['annotate', 'label and link a file without storing it'],
      ['eval ner', 'strict entity-level P/R/F1 of a labeler on a gold file'],
      ['bench ner', 'NER throughput and latency benchmark'],
    ]) {
      expect(help.stdout).toContain(`  ${(name as string).padEnd(width)}  ${summary}\n`);
    }
    const unknown = await vaner('frobnicate');
    expect([unknown.code, unknown.stderr]).toEqual([2, 'error [BAD_USER_INPUT]: unknown command "frobnicate"; run `vaner --help` for the list\n']);
  });

  it('turns bad flags into usage errors without a stack trace', async () => {
    const missing = await vaner('eval', 'ner');
    expect([missing.code, missing.stderr]).toEqual([2, 'error [BAD_USER_INPUT]: --gold <file> is required; see `vaner eval ner --help`\n']);
    const badChoice = await vaner('annotate', 'x.txt', '--format', 'xml');
    expect([badChoice.code, badChoice.stderr]).toEqual([2, 'error [BAD_USER_INPUT]: --format must be one of pubtator, json, got "xml"\n']);
    const unknownFlag = await vaner('serve', '--prot', '4000');
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/^error \[BAD_USER_INPUT\]: Unknown option '--prot'/);
    expect(unknownFlag.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints per-command help', async () => {
    const help = await vaner('kb', 'import', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout.split('\n')[0]).toBe('usage: vaner kb import [--kb-dir DIR]');
  });

  it('finds bench ner (owned by the NER module) through the same dispatch', async () => {
    const help = await vaner('bench', 'ner', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/bench ner/);
  });
});

describe('vaner annotate', () => {
  const input = path.join(FIXTURES, 'cli', 'tiny.pubtator');

  it('labels and links a PubTator file, keeping PubTator offsets (importing the empty KB first)', async () => {
    const result = await vaner('annotate', input);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '1|t|Lithium carbonate toxicity.',
        '1|a|Cyanosis and heart failure after lithium.',
        '1\t0\t17\tLithium carbonate\tChemical\tD016651',
        '1\t28\t36\tCyanosis\tDisease\tD003490',
        '1\t41\t54\theart failure\tDisease\tD006333',
        '1\t61\t68\tlithium\tChemical\tD008094',
        '',
        '2|t|Atrial flutter.',
        '2|a|',
        '2\t0\t14\tAtrial flutter\tDisease\tD001282',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints one JSON object per document with --format json', async () => {
    const result = await vaner('annotate', input, '--format', 'json');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      {
        externalId: '1',
        text: 'Lithium carbonate toxicity. Cyanosis and heart failure after lithium.',
        mentions: [
          { start: 0, end: 17, text: 'Lithium carbonate', type: 'CHEMICAL', entityId: 'MESH:D016651', confidence: null, linkMethod: 'exact', scheme: null },
          { start: 28, end: 36, text: 'Cyanosis', type: 'DISEASE', entityId: 'MESH:D003490', confidence: null, linkMethod: 'exact', scheme: null },
          { start: 41, end: 54, text: 'heart failure', type: 'DISEASE', entityId: 'MESH:D006333', confidence: null, linkMethod: 'exact', scheme: null },
          { start: 61, end: 68, text: 'lithium', type: 'CHEMICAL', entityId: 'MESH:D008094', confidence: null, linkMethod: 'exact', scheme: null },
        ],
      },
      {
        externalId: '2',
        text: 'Atrial flutter.',
        mentions: [{ start: 0, end: 14, text: 'Atrial flutter', type: 'DISEASE', entityId: 'MESH:D001282', confidence: null, linkMethod: 'normalized', scheme: null }],
      },
    ]);
  });

  it('annotates a plain text file as one document named after the file', async () => {
    const file = path.join(dataDir, 'note.txt');
    writeFileSync(file, 'Cyanosis\nafter lithium.');
    const result = await vaner('annotate', file);
    expect(result.stdout).toBe('note|t|Cyanosis\nnote|a|after lithium.\nnote\t0\t8\tCyanosis\tDisease\tD003490\nnote\t15\t22\tlithium\tChemical\tD008094\n\n');
  });

  it('reports a malformed input line with its file and line, exit status 1', async () => {
    const file = path.join(dataDir, 'bad.pubtator');
    writeFileSync(file, '1|t|Title.\n1|a|Text.\n1\t0\t5\tTitle\tChemical\n1\t0\t99\tTitle.\tChemical\t-1\n');
    const result = await vaner('annotate', file, '--input-format', 'pubtator');
    expect([result.code, result.stdout, result.stderr]).toEqual([1, '', `error [INVALID_FORMAT]: ${file}:4: mention offsets 0-99 are outside the document text (length 12) or empty\n`]);
  });
});

describe('annotation schemes from the CLI (the tiny v2 bundle)', () => {
  const input = path.join(FIXTURES, 'cli', 'tiny.pubtator');
  const model = { VANER_MODEL_DIR: path.join(FIXTURES, 'tiny-bundle'), VANER_LABELER: 'auto', VANER_NER_THREADS: '1' };
  const SCHEMES = 'bc5cdr, ncbi-disease, bc2gm, jnlpba, linnaeus, s800';

  it('vaner annotate --scheme labels with the model under that scheme; VANER_SCHEME sets the default', async () => {
    const chosen = await vanerWith(model, 'annotate', input, '--format', 'json', '--scheme', 'ncbi-disease');
    expect([chosen.code, chosen.stderr]).toEqual([0, '']);
    const docs = chosen.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { mentions: { scheme: string; confidence: number }[] });
    const mentions = docs.flatMap((d) => d.mentions);
    expect(mentions.length).toBeGreaterThan(0);
    expect(new Set(mentions.map((m) => m.scheme))).toEqual(new Set(['ncbi-disease']));
    expect(mentions.every((m) => typeof m.confidence === 'number')).toBe(true); // the model, not the dictionary
    const byEnv = await vanerWith({ ...model, VANER_SCHEME: 's800' }, 'annotate', input, '--format', 'json');
    expect(new Set(byEnv.stdout.trimEnd().split('\n').flatMap((l) => (JSON.parse(l) as { mentions: { scheme: string }[] }).mentions.map((m) => m.scheme)))).toEqual(new Set(['s800']));
  });

  it('an unknown scheme is a usage error naming the available ones; the dictionary has none', async () => {
    const unknown = await vanerWith(model, 'annotate', input, '--scheme', 'bc4cdr');
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([2, '', `error [BAD_USER_INPUT]: unknown annotation scheme 'bc4cdr': available schemes are ${SCHEMES}\n`]);
    const dictionary = await vaner('annotate', input, '--scheme', 'bc5cdr');
    expect([dictionary.code, dictionary.stderr]).toEqual([2, "error [BAD_USER_INPUT]: unknown annotation scheme 'bc5cdr': the dictionary labeler has no annotation schemes (a VANER model bundle has)\n"]);
    const evalUnknown = await vanerWith(model, 'eval', 'ner', '--gold', path.join(FIXTURES, 'cli', 'tiny-gold.pubtator'), '--scheme', 'craft');
    expect([evalUnknown.code, evalUnknown.stderr]).toEqual([2, `error [BAD_USER_INPUT]: unknown annotation scheme 'craft': available schemes are ${SCHEMES}\n`]);
  });

  it('vaner eval ner --scheme scores the model under that scheme and reports it', async () => {
    const result = await vanerWith(model, 'eval', 'ner', '--gold', path.join(FIXTURES, 'cli', 'tiny-gold.pubtator'), '--scheme', 'ncbi-disease', '--json');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^scored 2 documents with labeler vaner vaner-tiny@\S+ \(scheme ncbi-disease\)\n$/);
    expect((JSON.parse(result.stdout) as { labeler: unknown }).labeler).toEqual({ kind: 'vaner', version: expect.stringMatching(/^vaner-tiny@/) as unknown, scheme: 'ncbi-disease' });
  });

  it('vaner eval ner --predictions writes each document with its gold and predicted spans, consistent with the scores', async () => {
    const out = path.join(dataDir, 'predictions.jsonl');
    const result = await vanerWith(model, 'eval', 'ner', '--gold', path.join(FIXTURES, 'cli', 'tiny-gold.pubtator'), '--predictions', out, '--json');
    expect(result.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as {
      id: string; text: string; gold: { start: number; end: number; type: string }[]; predicted: { start: number; end: number; type: string; confidence: number }[];
    });
    expect(lines.length).toBe(2);
    const scores = JSON.parse(result.stdout) as { micro: { tp: number; fp: number; fn: number } };
    const key = (s: { start: number; end: number; type: string }): string => `${s.start}:${s.end}:${s.type}`;
    const gold = lines.flatMap((l) => l.gold.map((g) => `${l.id}/${key(g)}`));
    const predicted = lines.flatMap((l) => l.predicted.map((p) => `${l.id}/${key(p)}`));
    expect(gold.length).toBe(scores.micro.tp + scores.micro.fn);
    expect(lines.every((l) => l.text.length > 0 && l.predicted.every((p) => typeof p.confidence === 'number'))).toBe(true);
    expect(predicted.filter((p) => gold.includes(p)).length).toBe(scores.micro.tp);
    // An unwritable destination is a usage error, and no partial file is left.
    const bad = await vanerWith(model, 'eval', 'ner', '--gold', path.join(FIXTURES, 'cli', 'tiny-gold.pubtator'), '--predictions', path.join(dataDir, 'no', 'such', 'dir', 'p.jsonl'));
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('error [BAD_USER_INPUT]: cannot write --predictions')]);
    // A directory: it was INTERNAL EISDIR after the whole evaluation, and the temporary file stayed behind.
    const taken = path.join(dataDir, 'predictions-dir');
    mkdirSync(taken);
    const dirResult = await vanerWith(model, 'eval', 'ner', '--gold', path.join(FIXTURES, 'cli', 'tiny-gold.pubtator'), '--predictions', taken);
    expect([dirResult.code, dirResult.stderr]).toEqual([2, `error [BAD_USER_INPUT]: cannot write --predictions ${taken}: it is a directory\n`]);
    expect(readdirSync(dataDir).filter((name) => name.includes('predictions-dir'))).toEqual(['predictions-dir']);
  });

  it('vaner eval ner scores JNLPBA protein gold as GENE for the model, says so, and --gold-type-map none keeps PROTEIN', async () => {
    const file = path.join(dataDir, 'jnlpba-like.conll');
    writeFileSync(file, ['Activation\tO', 'of\tO', 'NF-kappa\tB-protein', 'B\tI-protein', 'in\tO', 'Jurkat\tB-cell_line', 'cells\tI-cell_line', '.\tO', '',
      'The\tO', 'IL-2\tB-DNA', 'promoter\tI-DNA', 'binds\tO', 'c-Rel\tB-protein', '.\tO', ''].join('\n'));
    const mapped = await vanerWith(model, 'eval', 'ner', '--gold', file, '--input-format', 'conll', '--scheme', 'jnlpba', '--json');
    expect(mapped.code).toBe(0);
    expect(mapped.stderr.split('\n')[0]).toBe('gold types renamed before scoring: PROTEIN→GENE (2 mentions): the vaner labeler has GENE and no PROTEIN type; --gold-type-map none keeps PROTEIN');
    const json = JSON.parse(mapped.stdout) as { goldTypeMap: unknown; perType: Record<string, { support: number }> };
    expect(json.goldTypeMap).toEqual({ PROTEIN: 'GENE' });
    expect(Object.fromEntries(Object.entries(json.perType).map(([t, c]) => [t, c.support]))).toEqual({ GENE: 2, DNA: 1, CELL_LINE: 1 });
    const asIs = await vanerWith(model, 'eval', 'ner', '--gold', file, '--input-format', 'conll', '--scheme', 'jnlpba', '--gold-type-map', 'none', '--json');
    expect(asIs.code).toBe(0);
    expect(asIs.stderr).not.toContain('renamed');
    const plain = JSON.parse(asIs.stdout) as { goldTypeMap: unknown; perType: Record<string, { support: number; tp: number }> };
    expect(plain.goldTypeMap).toEqual({});
    expect(Object.keys(plain.perType)).toEqual(['PROTEIN', 'DNA', 'CELL_LINE']);
    expect(plain.perType.PROTEIN).toMatchObject({ support: 2, tp: 0 }); // the model never says PROTEIN
    // Asking for PROTEIN by name keeps it too.
    const named = await vanerWith(model, 'eval', 'ner', '--gold', file, '--input-format', 'conll', '--scheme', 'jnlpba', '--types', 'PROTEIN,DNA', '--json');
    expect([named.code, named.stderr.includes('renamed')]).toEqual([0, false]);
    expect(Object.keys((JSON.parse(named.stdout) as { perType: object }).perType)).toEqual(['PROTEIN', 'DNA']);
  });
});

describe('vaner eval ner', () => {
  const gold = path.join(FIXTURES, 'cli', 'tiny-gold.pubtator');

  it('prints strict P/R/F1 per gold type and micro overall', async () => {
    const result = await vaner('eval', 'ner', '--gold', gold);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'type      precision  recall      f1  tp  fp  fn',
      'CHEMICAL     100.00  100.00  100.00   2   0   0',
      'DISEASE       66.67   50.00   57.14   2   1   2',
      'micro         80.00   66.67   72.73   4   1   2',
      '',
    ]);
    expect(result.stderr).toMatch(/^scored 2 documents with labeler dictionary dictionary-[0-9a-f]+\n$/);
  });

  it('restricts to --types and prints JSON with --json', async () => {
    const result = await vaner('eval', 'ner', '--gold', gold, '--types', 'CHEMICAL', '--json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json).toEqual({
      gold,
      labeler: { kind: 'dictionary', version: expect.stringMatching(/^dictionary-[0-9a-f]+$/) as unknown, scheme: null },
      goldTypeMap: {},
      documents: 2,
      perType: { CHEMICAL: { tp: 2, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1, support: 2 } },
      micro: { tp: 2, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1, support: 2 },
    });
  });

  it('scores CoNLL gold on the text rebuilt from its tokens', async () => {
    const file = path.join(dataDir, 'gold.conll');
    writeFileSync(file, ['Lithium\tB-Chemical', 'carbonate\tI-Chemical', 'causes\tO', 'cyanosis\tB-Disease', '.\tO', '', 'Heart\tB-Disease', 'failure\tO', ''].join('\n'));
    const result = await vaner('eval', 'ner', '--gold', file, '--input-format', 'conll');
    expect(result.code).toBe(0);
    // The old spelling still works (eval has no output format to confuse it with), with a warning.
    const old = await vaner('eval', 'ner', '--gold', file, '--format', 'conll');
    expect([old.code, old.stdout]).toEqual([0, result.stdout]);
    expect(old.stderr).toContain('warning: --format means the output format in other commands; use --input-format for the gold file\n');
    expect(result.stderr).not.toContain('warning: --format');
    expect(result.stdout.split('\n')).toEqual([
      'type      precision  recall      f1  tp  fp  fn',
      'CHEMICAL     100.00  100.00  100.00   1   0   0',
      'DISEASE       50.00   50.00   50.00   1   1   1',
      'micro         66.67   66.67   66.67   2   1   1',
      '',
    ]);
  });

  it('--gold-type-map renames gold types for any labeler, and refuses what is not a type', async () => {
    const file = path.join(dataDir, 'renamed.conll');
    writeFileSync(file, ['Lithium\tB-protein', 'causes\tO', 'cyanosis\tB-Disease', '.\tO', ''].join('\n'));
    // The tiny KB's dictionary has no GENE type: nothing is renamed unless asked.
    const asIs = await vaner('eval', 'ner', '--gold', file, '--input-format', 'conll', '--json');
    expect(Object.keys((JSON.parse(asIs.stdout) as { perType: object }).perType)).toEqual(['DISEASE', 'PROTEIN']);
    expect(asIs.stderr).not.toContain('renamed');
    const asked = await vaner('eval', 'ner', '--gold', file, '--input-format', 'conll', '--gold-type-map', 'protein=chemical', '--json');
    expect(asked.code).toBe(0);
    expect(asked.stderr.split('\n')[0]).toBe('gold types renamed before scoring: PROTEIN→CHEMICAL (1 mention) (--gold-type-map)');
    expect((JSON.parse(asked.stdout) as { perType: Record<string, unknown> }).perType.CHEMICAL).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    const bad = await vaner('eval', 'ner', '--gold', file, '--gold-type-map', 'protein=enzyme');
    expect([bad.code, bad.stderr]).toEqual([2, 'error [BAD_USER_INPUT]: --gold-type-map takes FROM=TO pairs of entity types separated by commas (e.g. protein=GENE) or none; "enzyme" is not one of CHEMICAL, DISEASE, GENE, SPECIES, PROTEIN, DNA, RNA, CELL_LINE, CELL_TYPE, VARIANT\n']);
    const twice = await vaner('eval', 'ner', '--gold', file, '--gold-type-map', 'protein=GENE,Protein=CHEMICAL');
    expect([twice.code, twice.stderr]).toEqual([2, 'error [BAD_USER_INPUT]: --gold-type-map takes FROM=TO pairs of entity types separated by commas (e.g. protein=GENE) or none; PROTEIN is mapped twice\n']);
  });
});

describe('vaner serve + submit', () => {
  it('submits a PubTator and a JSONL file in batches, waits for annotation, and drains on SIGTERM', async () => {
    const serveDir = mkdtempSync(path.join(tmpdir(), 'vaner-serve-'));
    const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1'], { env: { ...env, VANER_DATA_DIR: serveDir }, cwd: ROOT });
    try {
      let out = '';
      server.stdout.setEncoding('utf8');
      const url = await new Promise<string>((resolve, reject) => {
        server.stdout.on('data', (chunk: string) => {
          out += chunk;
          const match = /vaner-kg listening on (http:\/\/127\.0\.0\.1:\d+\/graphql)\n/.exec(out);
          if (match) resolve(match[1] as string);
        });
        server.once('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
      });
      const jsonl = path.join(serveDir, 'more.jsonl');
      writeFileSync(jsonl, '{"externalId":"e1","text":"   "}\n{"externalId":"e2","text":"Lithium causes cyanosis."}\n');
      // Writes need a key with the submitter role (docs/access-control.md).
      const created = await vanerWith({ VANER_DATA_DIR: serveDir }, 'keys', 'create', '--role', 'submitter', '--owner', 'cli-test');
      expect(created.code).toBe(0);
      const withKey = { VANER_API_KEY: created.stdout.trim() };
      const anonymous = await vaner('submit', path.join(FIXTURES, 'cli', 'tiny.pubtator'), '--url', url, '--retries', '0');
      expect(anonymous.code).toBe(1);
      // Refused for the key, not for the documents: the run stops there (see test/bulk-submit.test.ts).
      expect(anonymous.stdout.split('\n')[1]).toBe('  created 0, updated 0, unchanged 0, rejected 0, failed 2');
      expect(anonymous.stdout).toContain('failed: UNAUTHENTICATED x2');
      expect(anonymous.stderr).toMatch(/^error \[UNAUTHENTICATED\]: server: /);
      const first = await vanerWith(withKey, 'submit', path.join(FIXTURES, 'cli', 'tiny.pubtator'), jsonl, '--url', url, '--batch-size', '2', '--wait', '--poll-ms', '100');
      const lines = first.stdout.split('\n');
      expect(first.code).toBe(1); // one document was rejected
      expect(lines[0]).toMatch(/^submitted 4 documents from 2 file\(s\) in \d+\.\d s \(\d+(\.\d)? docs\/s\)$/);
      expect(lines.slice(1)).toEqual([
        '  created 3, updated 0, unchanged 0, rejected 1, failed 0',
        `  rejected: EMPTY_TEXT x1 (first: ${jsonl}:1: text is empty or has no visible character)`,
        '  annotated 3, failed 0 in 2 job(s)',
        '',
      ]);
      const again = await vanerWith(withKey, 'submit', path.join(FIXTURES, 'cli', 'tiny.pubtator'), '--url', url);
      expect(again.code).toBe(0);
      expect(again.stdout.split('\n')[1]).toBe('  created 0, updated 0, unchanged 2, rejected 0, failed 0');
      server.kill('SIGTERM');
      const [code] = (await once(server, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
      rmSync(serveDir, { recursive: true, force: true });
    }
  });

  it('fails with a clear error when the API cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/graphql`;
    const result = await vaner('submit', path.join(FIXTURES, 'cli', 'tiny.pubtator'), '--url', url, '--retries', '0');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error [INTERNAL]: cannot reach ${url} (ECONNREFUSED)\n`);
    expect(result.stdout.split('\n').slice(1)).toEqual([
      '  created 0, updated 0, unchanged 0, rejected 0, failed 2',
      `  failed: INTERNAL x2 (first: request: cannot reach ${url} (ECONNREFUSED); the run stopped there)`,
      '',
    ]);
  });
});

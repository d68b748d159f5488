/**
 * The CLI's input handling, end to end through the built `vaner` (issue 14, point 6): standard input
 * as `-` and /dev/stdin, a format per file inside directories, the document size limit in
 * `annotate`, inputs without any document, group help and `vaner help <command>`, and the
 * --format (output) / --input-format (input) split. The tiny KB and the dictionary labeler keep it fast.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentDocument } from '../src/ner/segment-document.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const TINY = path.join(FIXTURES, 'cli', 'tiny.pubtator');
const dataDir = mkdtempSync(path.join(tmpdir(), 'vaner-cli-input-'));

const env = {
  ...process.env,
  VANER_DATA_DIR: dataDir,
  VANER_KB_DIR: path.join(FIXTURES, 'kb-tiny'),
  VANER_MODEL_DIR: path.join(dataDir, 'no-model-here'),
  VANER_LABELER: 'dictionary',
  VANER_LOG_LEVEL: 'silent',
  VANER_DEBUG: '',
};

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args` (a shell command line when `shell` is set, for redirections), feeding `stdin`. */
function vaner(args: readonly string[], options: { stdin?: string | Buffer; env?: Record<string, string>; shell?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = options.shell
      ? spawn('/bin/sh', ['-c', options.shell], { env: { ...env, ...options.env, VANER: `${process.execPath} ${CLI}` }, cwd: ROOT })
      : spawn(process.execPath, [CLI, ...args], { env: { ...env, ...options.env }, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

let fileOutput: string;

beforeAll(async () => {
  await promisify(execFile)('npm', ['run', 'build:server', '--silent'], { cwd: ROOT });
  const result = await vaner(['annotate', TINY]);
  expect(result.code).toBe(0);
  fileOutput = result.stdout;
  expect(fileOutput).toContain('1\t0\t17\tLithium carbonate\tChemical\tD016651\n');
}, 240_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('standard input', () => {
  it('reads `-` from a pipe, detecting the format from the content', async () => {
    const result = await vaner(['annotate', '-'], { stdin: readFileSync(TINY) });
    expect([result.code, result.stderr, result.stdout]).toEqual([0, '', fileOutput]);
  });

  it('reads /dev/stdin when it is a pipe (it cannot be reread or seeked)', async () => {
    const result = await vaner([], { shell: `cat "${TINY}" | $VANER annotate /dev/stdin` });
    expect([result.code, result.stderr, result.stdout]).toEqual([0, '', fileOutput]);
  });

  it('names standard input <stdin> in error messages, not the temporary copy', async () => {
    const result = await vaner(['annotate', '-', '--input-format', 'pubtator'], { stdin: '1|t|Title.\n1\t0\t99\tTitle.\tChemical\t-1\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error [INVALID_FORMAT]: <stdin>:2: mention offsets 0-99 are outside the document text (length 6) or empty\n');
  });

  it('refuses `-` twice', async () => {
    const result = await vaner(['submit', '-', '-', '--url', 'http://127.0.0.1:9/graphql']);
    expect([result.code, result.stderr]).toEqual([2, 'error [BAD_USER_INPUT]: standard input (-) can be read only once\n']);
  });
});

describe('directories', () => {
  it('reads each file of a directory in its own format: a.PubTator.txt as PubTator, b.txt as text', async () => {
    const dir = path.join(dataDir, 'mixed');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a.PubTator.txt'), readFileSync(TINY));
    writeFileSync(path.join(dir, 'b.txt'), 'Cyanosis after lithium.');
    writeFileSync(path.join(dir, 'notes.md'), 'not a document');
    const result = await vaner(['annotate', dir, '--format', 'json']);
    expect(result.code).toBe(0);
    const docs = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { externalId: string; text: string });
    expect(docs.map((d) => [d.externalId, d.text])).toEqual([
      ['1', 'Lithium carbonate toxicity. Cyanosis and heart failure after lithium.'],
      ['2', 'Atrial flutter.'],
      ['b', 'Cyanosis after lithium.'],
    ]);
    expect(result.stderr).toBe(`warning: skipped 1 IGNORED_FILE ".md" (first at ${path.join(dir, 'notes.md')}:0)\n`);
  });
});

describe('inputs without a document', () => {
  it('annotate: an empty directory is a usage error naming what was read', async () => {
    const dir = path.join(dataDir, 'empty-dir');
    mkdirSync(dir);
    const result = await vaner(['annotate', dir]);
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toBe(`error [BAD_USER_INPUT]: no document found in ${dir} (read: no file with a document extension (.txt, .pubtator, .jsonl, .xml, .json, .conll ...))\n`);
  });

  it('annotate: an empty JSONL file and an empty stdin say so and exit non-zero', async () => {
    const file = path.join(dataDir, 'empty.jsonl');
    writeFileSync(file, '\n\n');
    const jsonl = await vaner(['annotate', file]);
    expect([jsonl.code, jsonl.stderr]).toEqual([2, `error [BAD_USER_INPUT]: no document found in ${file} (read: ${file} (jsonl))\n`]);
    const empty = await vaner(['annotate', '-']);
    expect([empty.code, empty.stdout, empty.stderr]).toEqual([1, '', 'error [EMPTY_TEXT]: <stdin>:1: document stdin has no visible character; skipped\n']);
  });

  it('submit: an input without documents fails before contacting the API', async () => {
    const file = path.join(dataDir, 'nothing.pubtator');
    writeFileSync(file, '');
    // Port 9 (discard) is never our API: reaching it would be a different error.
    const result = await vaner(['submit', file, '--url', 'http://127.0.0.1:9/graphql', '--retries', '0']);
    expect([result.code, result.stdout, result.stderr]).toEqual([2, '', `error [BAD_USER_INPUT]: no document found in ${file} (read: ${file} (pubtator))\n`]);
  });
});

describe('annotate document limit', () => {
  it('rejects a 5 MB one-line document with DOCUMENT_TOO_LARGE, keeps the others, exit 1', async () => {
    const big = `${'lithium causes cyanosis '.repeat(Math.ceil(5_000_000 / 24)).slice(0, 5_000_000)}`;
    const lines = [JSON.stringify({ externalId: 'small', text: 'Cyanosis after lithium.' }), JSON.stringify({ externalId: 'big', text: big })];
    const file = path.join(dataDir, 'big.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await vaner(['annotate', file, '--format', 'json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error [DOCUMENT_TOO_LARGE]: ${file}:2: document big has 5000000 characters; the limit is 1000000 (VANER_MAX_DOCUMENT_CHARS); skipped\n`);
    expect(result.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { externalId: string }).externalId)).toEqual(['small']);
  });

  it('--format pubtator: a document whose externalId PubTator cannot hold is skipped with its line, the others printed, exit 1', async () => {
    const file = path.join(dataDir, 'ids.jsonl');
    writeFileSync(file, ['{"externalId":"ok1","text":"Cyanosis after lithium."}', '{"externalId":"a|b","text":"Lithium."}', '{"text":"No id at all."}', '{"externalId":"ok2","text":"Lithium."}', ''].join('\n'));
    const result = await vaner(['annotate', file, '--format', 'pubtator']);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `error [BAD_USER_INPUT]: ${file}:2: external id "a|b" cannot be written as a PubTator PMID (empty, or contains a tab, "|" or a line break); skipped (--format json writes it)`,
      `error [BAD_USER_INPUT]: ${file}:3: external id "" cannot be written as a PubTator PMID (empty, or contains a tab, "|" or a line break); skipped (--format json writes it)`,
      '',
    ]);
    expect(result.stdout.split('\n').filter((l) => l.includes('|t|'))).toEqual(['ok1|t|Cyanosis after lithium.', 'ok2|t|Lithium.']);
  });

  it('segments a 5 MB one-line text (the model labeler path) without "Maximum call stack size exceeded"', () => {
    const text = 'lithium causes cyanosis '.repeat(Math.ceil(5_000_000 / 24)).slice(0, 5_000_000);
    const { words, sentences } = segmentDocument(text);
    expect(words.length).toBe(625_000);
    expect(sentences).toEqual([{ start: 0, end: 625_000 }]);
    expect(words.at(-1)).toEqual({ start: 4_999_992, end: 4_999_999, text: 'lithium' });
  });
});

describe('help', () => {
  it('a command group alone prints its subcommands (stderr, status 2 like `vaner` alone); --help prints them to stdout', async () => {
    for (const group of ['kb', 'keys', 'eval', 'bench']) {
      const alone = await vaner([group]);
      expect(alone.code).toBe(2);
      expect(alone.stderr.split('\n').slice(0, 3)).toEqual([`usage: vaner ${group} <subcommand> [options]`, '', 'subcommands:']);
      const asked = await vaner([group, '--help']);
      expect([asked.code, asked.stdout]).toEqual([0, alone.stderr]);
    }
    const keys = await vaner(['help', 'keys']);
    expect(keys.stdout).toMatch(/^ {2}keys create +create an API key/m);
    expect(keys.stdout).toMatch(/^ {2}keys revoke +revoke an API key by id$/m);
    const unknown = await vaner(['keys', 'frob']);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'error [BAD_USER_INPUT]: unknown command "keys frob"; `vaner keys` has create, list, revoke\n']);
  });

  it('`vaner help <command>` prints that command\'s help', async () => {
    const viaHelp = await vaner(['help', 'annotate']);
    const viaFlag = await vaner(['annotate', '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaHelp.stdout.split('\n')[0]).toBe('usage: vaner annotate <file|dir|-> [--format pubtator|json] [--input-format F] [--labeler auto|model|dictionary|union] [--scheme NAME]');
    const two = await vaner(['help', 'kb', 'import']);
    expect(two.stdout.split('\n')[0]).toBe('usage: vaner kb import [--kb-dir DIR]');
    const none = await vaner(['help', 'frobnicate']);
    expect(none.code).toBe(2);
  });
});

describe('--format is the output, --input-format the input', () => {
  it('submit takes --input-format; its old --format still works with a warning, both at once is an error', async () => {
    const file = path.join(dataDir, 'one.txt');
    writeFileSync(file, 'Cyanosis.');
    const url = 'http://127.0.0.1:9/graphql';
    const both = await vaner(['submit', file, '--url', url, '--format', 'text', '--input-format', 'text']);
    expect([both.code, both.stderr]).toEqual([2, 'error [BAD_USER_INPUT]: --format is the old spelling of --input-format; give only --input-format\n']);
    const bad = await vaner(['submit', file, '--url', url, '--input-format', 'xml']);
    expect([bad.code, bad.stderr]).toEqual([2, 'error [BAD_USER_INPUT]: --input-format must be one of auto, pubtator, text, jsonl, conll, brat, bioc, biocjson, got "xml"\n']);
    const old = await vaner(['submit', file, '--url', url, '--format', 'text', '--retries', '0']);
    expect(old.stderr.split('\n')[0]).toBe('warning: --format means the output format in other commands; use --input-format for the input of submit');
    // It went on to send (and found no API there), so the old spelling was accepted.
    expect(old.stderr).toMatch(/error \[INTERNAL\]: cannot reach http:\/\/127\.0\.0\.1:9\/graphql/);
  });

  it('annotate: --format chooses the output, --input-format the input', async () => {
    const asText = await vaner(['annotate', TINY, '--input-format', 'text', '--format', 'json']);
    expect(asText.code).toBe(0);
    const doc = JSON.parse(asText.stdout) as { externalId: string; text: string };
    expect(doc.externalId).toBe('tiny.pubtator');
    expect(doc.text).toBe(readFileSync(TINY, 'utf8'));
  });
});

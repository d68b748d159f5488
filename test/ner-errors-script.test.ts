/** scripts/ner-errors.mjs: sorts a labeler's errors from `vaner eval ner --predictions` into kinds, with their texts. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = path.resolve('scripts/ner-errors.mjs');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vaner-errors-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (text: string, s: string, type: string, from = 0) => ({ start: text.indexOf(s, from), end: text.indexOf(s, from) + s.length, type });

describe('ner-errors.mjs', () => {
  it('counts right spans, misses, boundary and type errors, spurious spans, per gold type, with their texts', async () => {
    const t = 'Litoreibacter albidus and Bacillus subtilis grew; elephant dung; lung cancer in mice.';
    const doc = {
      id: 'd1',
      text: t,
      gold: [
        at(t, 'Litoreibacter albidus', 'SPECIES'), // only a CHEMICAL span there: type
        at(t, 'Bacillus subtilis', 'SPECIES'), // right
        at(t, 'elephant', 'SPECIES'), // nothing there: miss
        at(t, 'mice', 'SPECIES'), // predicted longer: boundary
        at(t, 'lung cancer', 'DISEASE'), // right
      ],
      predicted: [
        { ...at(t, 'Litoreibacter', 'CHEMICAL'), confidence: 0.9 },
        { ...at(t, 'Bacillus subtilis', 'SPECIES'), confidence: 0.9 },
        { ...at(t, 'dung', 'SPECIES'), confidence: 0.6 }, // spurious
        { ...at(t, 'in mice', 'SPECIES'), confidence: 0.7 },
        { ...at(t, 'lung cancer', 'DISEASE'), confidence: 0.8 },
      ],
    };
    const file = path.join(dir, 'pred.jsonl');
    writeFileSync(file, `${JSON.stringify(doc)}\n`);
    const { stdout } = await run('node', [SCRIPT, file]);
    expect(stdout).toContain('## DISEASE: 1 right, 0 missed, 0 not gold');
    expect(stdout).toContain('## SPECIES: 1 right, 3 missed, 2 not gold');
    expect(stdout).toContain('| missed gold spans | 1 | 1 | 1 |');
    expect(stdout).toContain('| predicted, not gold | 1 | 1 | 0 |');
    expect(stdout).toContain('- 1 × elephant');
    expect(stdout).toContain('- 1 × mice | in mice');
    expect(stdout).toContain('- 1 × Litoreibacter albidus ← CHEMICAL Litoreibacter');
    expect(stdout).toContain('- 1 × dung');
    // --type keeps one type; the CHEMICAL span is no error of its own (the gold has no CHEMICAL type).
    const only = await run('node', [SCRIPT, file, '--type', 'DISEASE']);
    expect(only.stdout).not.toContain('SPECIES:');
    expect(stdout).not.toContain('## CHEMICAL');
  });

  it('refuses a file that is not a predictions file, naming the line', async () => {
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(file, '{"id":"d1","text":"x","gold":[],"predicted":[]}\n{"id":"d2","spans":[]}\n');
    await expect(run('node', [SCRIPT, file])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('bad.jsonl:2: expected {id, text, gold') });
    writeFileSync(file, 'not json\n');
    await expect(run('node', [SCRIPT, file])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('bad.jsonl:1: not JSON') });
    await expect(run('node', [SCRIPT])).rejects.toMatchObject({ code: 2 });
  });
});

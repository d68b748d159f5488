// Splits each line of stdin (JSON strings, one per line) with src/ner/word-splitter.ts and prints the words as
// JSON arrays, one per line. Used by training/tests to keep training/vaner/words.py identical to the runtime.
// The TS source is transpiled on the fly with the repository's own typescript package.
import ts from 'typescript';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const src = readFileSync(new URL('../../src/ner/word-splitter.ts', import.meta.url), 'utf8');
const js = ts.transpileModule(src, {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
}).outputText;
const file = join(mkdtempSync(join(tmpdir(), 'ws-')), 'word-splitter.mjs');
writeFileSync(file, js);
const { splitWords } = await import(file);
const lines = readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0);
for (const line of lines) console.log(JSON.stringify(splitWords(JSON.parse(line)).map((w) => w.text)));

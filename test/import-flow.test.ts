/**
 * The one-way flow of docs/architecture.md, checked over every import in src/ (type-only imports
 * included: a type is a dependency too). The layers, lowest first; a file may import its own module
 * and any module of a lower layer, nothing else. Parsed with TypeScript's own pre-processor, so
 * `import`, `export … from`, `import type` and dynamic `import()` are all seen.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', 'src');

/** Layers, lowest first. Each entry: module name → path prefixes under src/ (first match wins, longest first). */
export const LAYERS: readonly (readonly [string, readonly string[]])[][] = [
  [['kernel', ['domain/', 'errors.ts', 'log.ts', 'metrics.ts', 'config.ts']]],
  [['formats', ['formats/']], ['ner', ['ner/']]],
  [['store-ports', ['store/ports/', 'store/port.ts']]],
  [['kb', ['kb/']]],
  [['store', ['store/']]],
  [['store-embedded', ['store/embedded/']], ['store-neo4j', ['store/neo4j/']]],
  [['store-surface', ['store/index.ts']]],
  [['jobs', ['jobs/']], ['auth', ['auth/']]],
  [['app', ['app/']], ['eval', ['eval/']]],
  [['graphql', ['graphql/']]],
  [['main', ['main.ts']]],
  [['cli', ['cli/']]],
];

const prefixes = LAYERS.flatMap((layer, level) => layer.flatMap(([name, ps]) => ps.map((p) => ({ p, name, level })))).sort((a, b) => b.p.length - a.p.length);

/** The module and layer of a file under src/ (a path relative to src/, with '/'), or null when no layer claims it. */
export function moduleOf(file: string): { name: string; level: number } | null {
  const hit = prefixes.find(({ p }) => (p.endsWith('/') ? file.startsWith(p) : file === p));
  return hit === undefined ? null : { name: hit.name, level: hit.level };
}

/** Why `from` may not import `to` (both relative to src/), or null when the import follows the flow. */
export function violation(from: string, to: string): string | null {
  const a = moduleOf(from);
  const b = moduleOf(to);
  if (a === null) return `${from} belongs to no layer: add its folder to LAYERS and to docs/architecture.md`;
  if (b === null) return `${to} belongs to no layer: add its folder to LAYERS and to docs/architecture.md`;
  if (a.name === b.name || b.level < a.level) return null;
  return `${from} (${a.name}) imports ${to} (${b.name}), which is ${b.level === a.level ? 'beside it' : 'above it'}`;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every relative import of every source file, as [from, to] paths relative to src/. */
function imports(): [string, string][] {
  const out: [string, string][] = [];
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), fileName).replace(/\.js$/, '.ts');
      out.push([path.relative(SRC, file).split(path.sep).join('/'), path.relative(SRC, target).split(path.sep).join('/')]);
    }
  }
  return out;
}

describe('import flow (docs/architecture.md)', () => {
  it('the rule catches imports against the flow (negative controls)', () => {
    expect(violation('formats/pubtator.ts', 'ner/word-splitter.ts')).toMatch(/beside it/);
    expect(violation('ner/encode.ts', 'kb/normalize.ts')).toMatch(/above it/);
    expect(violation('store/embedded/sqlite-kb.ts', 'store/neo4j/statements.ts')).toMatch(/beside it/);
    expect(violation('kb/live-linker.ts', 'store/embedded/sqlite-store.ts')).toMatch(/above it/);
    expect(violation('store/cursor.ts', 'graphql/schema.ts')).toMatch(/above it/);
    expect(violation('domain/index.ts', 'ner/index.ts')).toMatch(/above it/);
    expect(violation('somewhere/new.ts', 'domain/index.ts')).toMatch(/no layer/);
    expect(violation('graphql/resolvers.ts', 'store/port.ts')).toBeNull();
    expect(violation('store/embedded/sqlite-store.ts', 'store/curation/curation-service.ts')).toBeNull();
  });

  it('every import in src/ follows the flow', () => {
    const found = imports();
    expect(found.length).toBeGreaterThan(300);
    expect(found.map(([from, to]) => violation(from, to)).filter((v) => v !== null)).toEqual([]);
  });
});

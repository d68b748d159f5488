/**
 * Every method of every port is exercised by that port's conformance suite, so no adapter method
 * can stay untested against a real server (the Neo4j and BullMQ runs execute the same suites).
 * Methods are read from the port interfaces with TypeScript's parser; a suite covers a method when
 * it calls it (`.<method>(`) or, for `close`, when it closes what it opened.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Port interface → the suite that must call each of its methods. */
const PORTS: readonly { file: string; iface: string; suite: string }[] = [
  { file: 'src/store/ports/knowledge-base.ts', iface: 'KnowledgeBaseStore', suite: 'test/conformance/knowledge-base-suite.ts' },
  { file: 'src/store/ports/documents.ts', iface: 'DocumentStore', suite: 'test/conformance/documents-suite.ts' },
  { file: 'src/store/ports/curation.ts', iface: 'CurationStore', suite: 'test/conformance/curation-suite.ts' },
  { file: 'src/store/ports/co-mentions.ts', iface: 'CoMentionStore', suite: 'test/conformance/co-mentions-suite.ts' },
  { file: 'src/jobs/port.ts', iface: 'JobQueue', suite: 'test/conformance/queue-suite.ts' },
  { file: 'src/jobs/port.ts', iface: 'QueueWorker', suite: 'test/conformance/queue-suite.ts' },
  { file: 'src/jobs/port.ts', iface: 'QueueJob', suite: 'test/conformance/queue-suite.ts' },
];

/** The method names of `iface` declared in `file` (its own members, not inherited ones). */
export function portMethods(file: string, iface: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === iface);
  if (found === undefined) throw new Error(`${file} declares no interface ${iface}`);
  return found.members.filter(ts.isMethodSignature).map((m) => m.name.getText(source));
}

/** The methods of `methods` that `suiteText` never calls. */
export function uncalled(methods: readonly string[], suiteText: string): string[] {
  return methods.filter((m) => !new RegExp(`\\.${m}\\(`).test(suiteText));
}

describe('port coverage of the conformance suites', () => {
  it('finds methods and misses (negative control)', () => {
    expect(portMethods('src/store/ports/curation.ts', 'CurationStore')).toContain('relinkMention');
    expect(uncalled(['addSynonym', 'relinkMention'], 'await store.addSynonym(id, n, a);')).toEqual(['relinkMention']);
  });

  for (const { file, iface, suite } of PORTS) {
    it(`${suite} calls every method of ${iface}`, () => {
      const methods = portMethods(file, iface);
      expect(methods.length).toBeGreaterThan(0);
      expect(uncalled(methods, fs.readFileSync(path.join(ROOT, suite), 'utf8'))).toEqual([]);
    });
  }
});

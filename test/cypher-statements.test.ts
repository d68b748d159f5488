/**
 * Every Cypher statement the project sends to Neo4j, checked by Neo4j's own Cypher 5 parser and
 * semantic analysis (@neo4j-cypher/language-support, the engine behind Neo4j's editors), against a
 * schema of this project's labels, relationship types and property keys plus the Neo4j 5 procedure
 * and function registry that the package ships. Any diagnostic, error or warning, fails the test.
 * No Neo4j server runs here, so this is the check every statement gets on every run.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNotParamError, lintCypherQuery, testData, type DbSchema } from '@neo4j-cypher/language-support';
import * as statements from '../src/store/neo4j/statements.js';
import { MIGRATION_STATEMENTS, readMigrations } from '../src/store/neo4j/migrate.js';
import { splitCypherStatements } from '../src/store/neo4j/cypher-split.js';

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '..', 'migrations');

const SCHEMA: DbSchema = {
  labels: ['Entity', 'Name', 'Document', 'Mention', 'CurationEdit', 'KbMeta', 'Migration', 'MigrationLock', 'KbSource', 'Alias'],
  relationshipTypes: ['HAS_NAME', 'CHILD_OF', 'MERGED_INTO', 'HAS_MENTION', 'REFERS_TO'],
  propertyKeys: [
    'id', 'type', 'name', 'source', 'parentIds', 'treeNumbers', 'curated', 'mergedInto', 'updatedAt', 'locked',
    'key', 'entityId', 'norm', 'origin', 'removed', 'seq', 'revision', 'nameSeq',
    'externalId', 'title', 'text', 'textHash', 'metadata', 'createdAt', 'annotatedAt', 'labeler', 'modelVersion', 'createdBy',
    'documentId', 'start', 'end', 'confidence', 'linkMethod', 'matchedName', 'linkConfidence', 'sentence', 'linkerVersion',
    'review', 'reviewedBy', 'reviewedAt', 'at', 'actor', 'action', 'target', 'before', 'after', 'scheme',
    'version', 'checksum', 'appliedAt', 'holder', 'expiresAt', 'claiming',
    'retired', 'enabled', 'format', 'file', 'importedAt', 'evidence',
  ],
  // Neo4j 5's real procedures and functions (db.awaitIndexes, …), as shipped with the package.
  procedures: testData.mockSchema.procedures,
  functions: testData.mockSchema.functions,
  defaultLanguage: 'CYPHER 5',
};

interface Diagnostic {
  readonly severity: number | undefined;
  readonly message: string;
}

/** Diagnostics for one statement; undeclared `$parameters` are expected (values arrive at run time). */
function check(statement: string): Diagnostic[] {
  return lintCypherQuery(statement, SCHEMA)
    .diagnostics.map((d) => ({ severity: d.severity, message: typeof d.message === 'string' ? d.message : d.message.value }))
    .filter((d) => isNotParamError(d));
}

async function collectStatements(): Promise<{ name: string; text: string }[]> {
  const out: { name: string; text: string }[] = [];
  for (const [name, value] of Object.entries(statements)) if (typeof value === 'string') out.push({ name: `statements.${name}`, text: value });
  for (const [name, value] of Object.entries(MIGRATION_STATEMENTS)) out.push({ name: `migrate.${name}`, text: value });
  for (const file of await readMigrations(MIGRATIONS_DIR)) {
    file.statements.forEach((text, i) => out.push({ name: `migrations/${file.file}#${i + 1}`, text }));
  }
  return out;
}

describe('Cypher statements (Neo4j Cypher 5 parser and semantic analysis)', () => {
  it('the checker reports broken statements (negative controls)', () => {
    expect(check('MATCH (n:Entity) RETRN n').length).toBeGreaterThan(0); // syntax
    expect(check('MATCH (n:Entity) RETURN m')).toEqual([{ severity: 1, message: 'Variable `m` not defined' }]); // semantics
    expect(check('MATCH (n:Entity) WITH n.id AS id RETURN n').length).toBeGreaterThan(0); // out of scope after WITH
    expect(check('CALL db.noSuchProcedure()').length).toBeGreaterThan(0); // unknown procedure
    expect(check('MATCH (n:Enity) RETURN n').length).toBeGreaterThan(0); // a label this project does not have
    expect(check('MATCH (n:Entity) RETURN n.id AS id')).toEqual([]); // and a sound one passes
  });

  it('collects every statement: statements.ts, migrate.ts and each statement of each migration file', async () => {
    const all = await collectStatements();
    const exported = Object.values(statements).filter((v) => typeof v === 'string').length;
    const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.cypher'));
    let inFiles = 0;
    for (const f of files) inFiles += splitCypherStatements(await fs.readFile(path.join(MIGRATIONS_DIR, f), 'utf8')).length;
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(all.length).toBe(exported + Object.keys(MIGRATION_STATEMENTS).length + inFiles);
    console.info(`cypher check: ${all.length} statements (${exported} in statements.ts, ${Object.keys(MIGRATION_STATEMENTS).length} in migrate.ts, ${inFiles} in ${files.length} migration files)`);
  });

  it('every statement parses and passes semantic analysis with no diagnostics', async () => {
    const problems: string[] = [];
    for (const { name, text } of await collectStatements()) {
      for (const d of check(text)) problems.push(`${name}: [${d.severity === 1 ? 'error' : 'warning'}] ${d.message}`);
    }
    expect(problems).toEqual([]);
    // About a second per statement on a loaded 2-core machine, and the statement list grows: 60 s was too tight.
  }, 180_000);
});

describe('splitCypherStatements', () => {
  it('splits on top-level semicolons only', () => {
    const script = [
      "// a comment; not a split",
      "CREATE (:A {s: 'x;y'});",
      '/* block; comment */ MATCH (`we;ird`) RETURN "a\\";b" AS q ;',
      '  ;',
      'RETURN 1',
    ].join('\n');
    expect(splitCypherStatements(script)).toEqual([
      "// a comment; not a split\nCREATE (:A {s: 'x;y'})",
      '/* block; comment */ MATCH (`we;ird`) RETURN "a\\";b" AS q',
      'RETURN 1',
    ]);
  });

  it('drops comment-only pieces', () => {
    expect(splitCypherStatements('// only a comment\n;\n/* and another */')).toEqual([]);
  });
});

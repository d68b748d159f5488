/**
 * The Neo4j store against a real Neo4j 5 server: the shared Store conformance suite plus the
 * migration runner (twice, concurrently, a changed file). Runs only when NEO4J_URI is set; no Neo4j
 * can be installed on the development machines (see docs/deployment.md for running it locally).
 *
 * WARNING: it deletes all data (not the schema) of the database it is pointed at between tests. Use
 * a throw-away server or a dedicated database (NEO4J_DATABASE).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNeo4jStore } from '../src/store/neo4j/neo4j-store.js';
import { DELETE_ALL_DATA } from '../src/store/neo4j/statements.js';
import { migrate } from '../src/store/neo4j/migrate.js';
import { describeStoreConformance } from './conformance/store-suite.js';

const uri = process.env.NEO4J_URI;
const user = process.env.NEO4J_USER ?? 'neo4j';
const password = process.env.NEO4J_PASSWORD ?? '';
const database = process.env.NEO4J_DATABASE || undefined;

const enabled = uri !== undefined && uri !== '';
if (!enabled) {
  console.warn(
    'Neo4j suites skipped: NEO4J_URI is not set. To run them against a throw-away Neo4j 5:\n' +
      '  docker run --rm -d -p 7687:7687 -e NEO4J_AUTH=neo4j/test-password neo4j:5\n' +
      '  NEO4J_URI=bolt://localhost:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=test-password npx vitest run test/neo4j-store.test.ts',
  );
}
describe.skipIf(!enabled)('Neo4j store against NEO4J_URI', () => {
  const url = uri ?? '';
  let admin: Driver;
  beforeAll(async () => {
    admin = neo4j.driver(url, neo4j.auth.basic(user, password));
  });
  afterAll(async () => {
    await admin.close();
  });

  const wipe = async (): Promise<void> => {
    const session = admin.session({ database });
    try {
      // CALL … IN TRANSACTIONS needs an auto-commit transaction: session.run, not executeWrite.
      await session.run(DELETE_ALL_DATA);
    } finally {
      await session.close();
    }
  };

  describeStoreConformance('neo4j', async () => {
    await wipe();
    return openNeo4jStore({ uri: url, user, password, database });
  });

  describe('Neo4j migrations', () => {
    const labelOf = 'VanerMigrationTest';
    let dir: string;
    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vaner-migrations-'));
    });
    afterAll(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('applies pending files once, safely from two processes at once, and refuses a changed file', async () => {
      // A private migration folder whose versions cannot clash with the shipped ones.
      await fs.writeFile(path.join(dir, '9001-test-node.cypher'), `MERGE (:${labelOf} {id: 1});\nMERGE (:${labelOf} {id: 2});\n`);
      const session = admin.session({ database });
      try {
        await session.run('MATCH (m:Migration) WHERE m.version >= 9000 DELETE m');
        await session.run(`MATCH (n:${labelOf}) DELETE n`);
      } finally {
        await session.close();
      }
      const drivers = [neo4j.driver(url, neo4j.auth.basic(user, password)), neo4j.driver(url, neo4j.auth.basic(user, password))];
      try {
        const results = await Promise.all(drivers.map((d) => migrate(d, { dir, database })));
        // Exactly one of the two applied the file; the other found it recorded.
        expect(results.map((r) => r.applied).sort()).toEqual([[], ['9001-test-node.cypher']]);
        expect(await migrate(drivers[0]!, { dir, database })).toMatchObject({ applied: [] });
        await fs.writeFile(path.join(dir, '9001-test-node.cypher'), `MERGE (:${labelOf} {id: 3});\n`);
        await expect(migrate(drivers[0]!, { dir, database })).rejects.toMatchObject({ code: 'CONFLICT', details: { file: '9001-test-node.cypher' } });
      } finally {
        await Promise.all(drivers.map((d) => d.close()));
      }
      const check = admin.session({ database });
      try {
        const count = await check.run(`MATCH (n:${labelOf}) RETURN count(n) AS n`);
        expect(count.records[0]!.get('n').toNumber()).toBe(2);
        await check.run('MATCH (m:Migration) WHERE m.version >= 9000 DELETE m');
        await check.run(`MATCH (n:${labelOf}) DELETE n`);
      } finally {
        await check.close();
      }
    });
  });
});

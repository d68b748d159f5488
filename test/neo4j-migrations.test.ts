/**
 * The migration files and their reader, without a server: naming, numbering, statement splitting,
 * checksums, and `vaner migrate`'s checks before it connects. (Applying them needs Neo4j: see
 * test/neo4j-store.test.ts.)
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from '../src/store/neo4j/migrate.js';
import { run } from '../src/cli/commands/migrate.js';

describe('migration files', () => {
  it('the shipped folder is the default and holds versions 1..5 in order', async () => {
    expect(DEFAULT_MIGRATIONS_DIR).toBe(path.resolve(import.meta.dirname, '..', 'migrations'));
    const files = await readMigrations(DEFAULT_MIGRATIONS_DIR);
    expect(files.map((f) => [f.version, f.name, f.statements.length])).toEqual([
      [1, 'constraints', 7],
      [2, 'indexes', 7],
      [3, 'name-search', 2],
      [4, 'kb-meta', 1],
      [5, 'kb-sources', 7],
    ]);
    const text = await fs.readFile(path.join(DEFAULT_MIGRATIONS_DIR, '0001-constraints.cypher'), 'utf8');
    expect(files[0]!.checksum).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(files[0]!.statements[0]).toMatch(/^\/\/ Uniqueness constraints[\s\S]*CREATE CONSTRAINT entity_id IF NOT EXISTS FOR \(e:Entity\) REQUIRE e\.id IS UNIQUE$/u);
  });

  describe('refusals', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vaner-mig-'));
    });
    afterEach(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('refuses a misnamed file instead of skipping it', async () => {
      await fs.writeFile(path.join(dir, '1-bad.cypher'), 'RETURN 1;');
      await expect(readMigrations(dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { file: '1-bad.cypher' } });
    });

    it('refuses two files with one version', async () => {
      await fs.writeFile(path.join(dir, '0001-a.cypher'), 'RETURN 1;');
      await fs.writeFile(path.join(dir, '0001-b.cypher'), 'RETURN 2;');
      await expect(readMigrations(dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { file: '0001-b.cypher' } });
    });

    it('refuses a file without statements', async () => {
      await fs.writeFile(path.join(dir, '0001-empty.cypher'), '// nothing here\n');
      await expect(readMigrations(dir)).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { file: '0001-empty.cypher' } });
    });

    it('refuses a missing folder', async () => {
      await expect(readMigrations(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    });
  });

  describe('vaner migrate', () => {
    it('needs NEO4J_URI and NEO4J_PASSWORD', async () => {
      await expect(run([], {})).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { variable: 'NEO4J_URI' } });
      await expect(run([], { NEO4J_URI: 'bolt://127.0.0.1:1' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { variable: 'NEO4J_PASSWORD' } });
    });

    it('reports STORE_UNAVAILABLE when Neo4j does not answer', async () => {
      // Port 1 on loopback: nothing listens, the connection is refused at once.
      await expect(run([], { NEO4J_URI: 'bolt://127.0.0.1:1', NEO4J_PASSWORD: 'x', VANER_LOG_LEVEL: 'silent' })).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        retriable: true,
      });
    });

    it('--dry-run lists the files without connecting', async () => {
      const chunks: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => {
        chunks.push(String(chunk));
        return true;
      }) as typeof process.stdout.write;
      try {
        expect(await run(['--dry-run'], {})).toBe(0);
      } finally {
        process.stdout.write = write;
      }
      expect(chunks.join('').split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 2))).toEqual([
        ['0001-constraints.cypher', '7 statements'],
        ['0002-indexes.cypher', '7 statements'],
        ['0003-name-search.cypher', '2 statements'],
        ['0004-kb-meta.cypher', '1 statements'],
        ['0005-kb-sources.cypher', '7 statements'],
      ]);
    });
  });
});

/**
 * The linker's persisted candidate index (issue 14, point 7): a restart reads the 3-gram index from
 * the data directory instead of rebuilding it; a change of names rebuilds it; a damaged file is
 * rebuilt with a warning, never trusted; the loaded index answers exactly as a freshly built one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntityName } from '../src/domain/index.js';
import { createEntityLinker } from '../src/kb/entity-linker.js';
import { createNgramIndexCache } from '../src/kb/ngram-index-cache.js';
import { buildNgramIndex } from '../src/kb/ngram-index.js';
import { createLogger } from '../src/log.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-index-cache-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const KEYS = ['lithium carbonate', 'lithium', 'cyanosis', 'heart failure', 'atrial flutter', 'carbon monoxide', 'sodium chloride'];
const QUERIES = ['lithium carbonat', 'heart failures', 'flutter atrial', 'sodium', 'zzz', 'carbon'];

describe('persisted n-gram index', () => {
  it('stores the index on first use and reads it back on the next start, answering identically', () => {
    const first = createNgramIndexCache({ dir });
    const built = first(KEYS);
    expect(first.stats).toEqual({ hits: 0, misses: 1 });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    const restarted = createNgramIndexCache({ dir });
    const loaded = restarted(KEYS);
    expect(restarted.stats).toEqual({ hits: 1, misses: 0 });
    const reference = buildNgramIndex(KEYS);
    for (const q of QUERIES) {
      expect(loaded.search(q, 5)).toEqual(reference.search(q, 5));
      expect(built.search(q, 5)).toEqual(reference.search(q, 5));
    }
    expect(loaded.size).toBe(KEYS.length);
  });

  it('rebuilds when the names change (another file), and keeps only the most recent files', () => {
    const cache = createNgramIndexCache({ dir, maxFiles: 2 });
    cache(KEYS);
    cache([...KEYS, 'aspirin']);
    cache(KEYS.slice(1));
    expect(cache.stats).toEqual({ hits: 0, misses: 3 });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(2);
    const again = createNgramIndexCache({ dir, maxFiles: 2 });
    again(KEYS.slice(1));
    expect(again.stats.hits).toBe(1);
  });

  it('rebuilds a damaged file with a warning instead of trusting it', () => {
    createNgramIndexCache({ dir })(KEYS);
    const [file] = fs.readdirSync(dir);
    fs.truncateSync(path.join(dir, file!), 100);
    const lines: string[] = [];
    const cache = createNgramIndexCache({ dir, logger: createLogger('warn', (l) => lines.push(l)) });
    const index = cache(KEYS);
    expect(cache.stats).toEqual({ hits: 0, misses: 1 });
    expect(index.search('lithium', 1)).toEqual(buildNgramIndex(KEYS).search('lithium', 1));
    expect(lines.map((l) => (JSON.parse(l) as { message: string; why: string }).why)).toEqual([expect.stringMatching(/^is 100 bytes, expected \d+$/)]);
    // The rewritten file is whole again.
    expect(createNgramIndexCache({ dir })(KEYS).size).toBe(KEYS.length);
  });

  it('links the same way with a persisted index as with a built one', async () => {
    const names: EntityName[] = [
      { entityId: 'MESH:D016651', type: 'CHEMICAL', name: 'Lithium Carbonate', origin: 'vocabulary' },
      { entityId: 'MESH:D008094', type: 'CHEMICAL', name: 'Lithium', origin: 'vocabulary' },
      { entityId: 'MESH:D003490', type: 'DISEASE', name: 'Cyanosis', origin: 'vocabulary' },
      { entityId: 'MESH:D006333', type: 'DISEASE', name: 'Heart Failure', origin: 'vocabulary' },
      { entityId: 'MESH:D006333', type: 'DISEASE', name: 'heart failure', origin: 'curator' },
    ];
    const text = 'Lithium carbonates caused cyanosys and hearts failure.';
    const spans = [
      { start: 0, end: 18, type: 'CHEMICAL' as const, text: 'Lithium carbonates', confidence: null },
      { start: 26, end: 34, type: 'DISEASE' as const, text: 'cyanosys', confidence: null },
      { start: 39, end: 53, type: 'DISEASE' as const, text: 'hearts failure', confidence: null },
    ];
    const plain = await createEntityLinker({ names });
    const cache = createNgramIndexCache({ dir });
    await createEntityLinker({ names, buildIndex: cache });
    const restarted = createNgramIndexCache({ dir });
    const persisted = await createEntityLinker({ names, buildIndex: restarted });
    expect(restarted.stats.hits).toBe(2);
    expect(await persisted.link(text, spans)).toEqual(await plain.link(text, spans));
    expect(persisted.version).toBe(plain.version);
  });
});

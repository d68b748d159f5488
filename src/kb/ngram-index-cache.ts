/**
 * The linker's approximate-candidate index (character 3-gram TF-IDF, ngram-index.ts) persisted in the
 * data directory, so a restart, a new worker or a `vaner annotate` run reads it instead of rebuilding
 * it from ~200k names every time.
 *
 * A file is named by a SHA-256 of the index format and the exact list of keys it indexes, so it is
 * rebuilt exactly when the knowledge base's names change (an import, a merge, a curator's synonym that
 * the next full rebuild picks up) and reused otherwise, whatever the revision counter says. Files are
 * written to a temporary name and renamed, so concurrent processes never read a half-written index;
 * the least recently used ones beyond `maxFiles` are removed. A cache that cannot be read or written
 * costs a rebuild and a warning, never a failure.
 *
 * Layout (little-endian): 32-byte header `VNGI`, format, n, grams, postings; then gramCodes (f64 ×
 * grams), df (i32 × grams), offsets (i32 × grams + 1), postingKeys (i32 × postings), postingWeights
 * (f32 × postings).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { silentLogger, type Logger } from '../log.js';
import { buildNgramIndexParts, ngramIndexFromParts, type NgramIndex, type NgramIndexParts } from './ngram-index.js';

const MAGIC = 0x49474e56; // 'VNGI'
/** Bump when the parts or their meaning change: old files are then never read. */
const FORMAT = 1;
const HEADER_BYTES = 32;

export interface NgramIndexCacheOptions {
  /** Directory of the index files (created when missing), e.g. `<VANER_DATA_DIR>/linker-index`. */
  readonly dir: string;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
  /** Index files kept (one per entity type per KB version). @defaultValue 8 */
  readonly maxFiles?: number;
}

/** What a cache did, for logs and tests. */
export interface NgramIndexCacheStats {
  hits: number;
  misses: number;
}

/** An index builder that reads a stored index for the same keys, or builds and stores one. */
export interface NgramIndexCache {
  (keys: readonly string[]): NgramIndex;
  readonly stats: NgramIndexCacheStats;
}

export function createNgramIndexCache(options: NgramIndexCacheOptions): NgramIndexCache {
  const logger = options.logger ?? silentLogger;
  const maxFiles = options.maxFiles ?? 8;
  const stats: NgramIndexCacheStats = { hits: 0, misses: 0 };
  const build = (keys: readonly string[]): NgramIndex => {
    const file = path.join(options.dir, `ngram-${keyHash(keys)}.bin`);
    const stored = readParts(file, keys.length, logger);
    if (stored !== null) {
      stats.hits += 1;
      touch(file);
      logger.info('linker index read from the data directory', { file: path.basename(file), keys: keys.length });
      return ngramIndexFromParts(stored);
    }
    stats.misses += 1;
    const parts = buildNgramIndexParts(keys);
    writeParts(file, parts, logger);
    logger.info('linker index built and stored', { file: path.basename(file), keys: keys.length });
    prune(options.dir, maxFiles, logger);
    return ngramIndexFromParts(parts);
  };
  return Object.assign(build, { stats });
}

function keyHash(keys: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`ngram-index v${FORMAT}\n${keys.length}\n`);
  // NUL never occurs in a normalised name, so the joined list is unambiguous.
  for (const key of keys) hash.update(`${key}\u0000`);
  return hash.digest('hex').slice(0, 32);
}

function readParts(file: string, expectedKeys: number, logger: Logger): NgramIndexParts | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') logger.warn('linker index cache unreadable; rebuilding', { file, error: (error as Error).message });
    return null;
  }
  const bad = (why: string): null => {
    logger.warn('linker index cache invalid; rebuilding', { file, why });
    return null;
  };
  if (bytes.length < HEADER_BYTES) return bad('shorter than its header');
  const [magic, format, n, grams, postings] = [0, 4, 8, 12, 16].map((at) => bytes.readUInt32LE(at)) as [number, number, number, number, number];
  if (magic !== MAGIC || format !== FORMAT) return bad('not an index of this format');
  if (n !== expectedKeys) return bad(`indexes ${n} keys, expected ${expectedKeys}`);
  const size = HEADER_BYTES + grams * 8 + grams * 4 + (grams + 1) * 4 + postings * 4 + postings * 4;
  if (bytes.length !== size) return bad(`is ${bytes.length} bytes, expected ${size}`);
  let at = HEADER_BYTES;
  // Copies (slice) give each typed array its own aligned buffer whatever the Buffer's byteOffset.
  const take = (length: number): ArrayBuffer => {
    const view = bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + length);
    at += length;
    return view as ArrayBuffer;
  };
  return {
    n,
    gramCodes: new Float64Array(take(grams * 8)),
    df: new Int32Array(take(grams * 4)),
    offsets: new Int32Array(take((grams + 1) * 4)),
    postingKeys: new Int32Array(take(postings * 4)),
    postingWeights: new Float32Array(take(postings * 4)),
  };
}

function writeParts(file: string, parts: NgramIndexParts, logger: Logger): void {
  const header = Buffer.alloc(HEADER_BYTES);
  [MAGIC, FORMAT, parts.n, parts.gramCodes.length, parts.postingKeys.length].forEach((value, i) => header.writeUInt32LE(value, i * 4));
  const chunks = [header, ...[parts.gramCodes, parts.df, parts.offsets, parts.postingKeys, parts.postingWeights].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))];
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, Buffer.concat(chunks), { mode: 0o600 });
    renameSync(tmp, file);
  } catch (error) {
    logger.warn('linker index cache not written', { file, error: (error as Error).message });
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing was written.
    }
  }
}

/** Marks a file as used now, so pruning keeps the indexes in use. */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Read-only data directories still serve the cache.
  }
}

/** Removes the least recently used index files beyond `maxFiles` (and leftovers of interrupted writes). */
function prune(dir: string, maxFiles: number, logger: Logger): void {
  try {
    const entries = readdirSync(dir)
      .filter((name) => name.startsWith('ngram-'))
      .map((name) => ({ name, file: path.join(dir, name), mtime: statSync(path.join(dir, name)).mtimeMs }));
    const stale = Date.now() - 10 * 60_000;
    for (const e of entries) if (e.name.endsWith('.tmp') && e.mtime < stale) unlinkSync(e.file);
    const indexes = entries.filter((e) => e.name.endsWith('.bin')).sort((a, b) => b.mtime - a.mtime);
    for (const e of indexes.slice(maxFiles)) unlinkSync(e.file);
  } catch (error) {
    logger.warn('linker index cache not pruned', { dir, error: (error as Error).message });
  }
}

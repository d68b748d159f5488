/**
 * API keys against the real SQLite key store in a temp data directory: hashing, verification,
 * revocation, the first admin key, the server secret, roles, the rate limiter (with a recorded
 * clock), the build-time @auth rules, and the `vaner keys` commands through the real dispatcher.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  authenticate,
  anonymousReadEnabled,
  createRateLimiter,
  issueFirstAdminKey,
  openSqliteKeyStore,
  parseRole,
  roleIncludes,
  SERVER_SECRET_FILE,
  type ApiKeyStore,
} from '../src/auth/index.js';
import { runCli } from '../src/cli/dispatch.js';
import { applyAuthorization } from '../src/graphql/authorization.js';
import { openSqliteDatabase } from '../src/store/index.js';

let dir: string;
let file: string;
let keys: ApiKeyStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-auth-'));
  file = path.join(dir, 'vaner.db');
  keys = openSqliteKeyStore({ path: file, dataDir: dir });
});

afterEach(async () => {
  await keys.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

describe('roles', () => {
  it('each role includes the ones before it and no later one', () => {
    expect(roleIncludes('admin', 'reader')).toBe(true);
    expect(roleIncludes('curator', 'submitter')).toBe(true);
    expect(roleIncludes('submitter', 'submitter')).toBe(true);
    expect(roleIncludes('submitter', 'curator')).toBe(false);
    expect(roleIncludes('reader', 'submitter')).toBe(false);
    expect(parseRole(' Curator ')).toBe('curator');
    expect(() => parseRole('root')).toThrow('role must be one of reader, submitter, curator, admin, got "root"');
  });
});

describe('SQLite key store', () => {
  it('creates vk_<id>_<secret> keys, stores only an HMAC of them, and verifies them', async () => {
    const created = await keys.create({ owner: '  Ada Lovelace ', role: 'curator', origin: 'cli' });
    expect(created.key).toMatch(/^vk_[0-9a-f]{16}_[0-9a-f]{64}$/);
    expect(created.key.slice(3, 19)).toBe(created.id);
    expect(created).toMatchObject({ owner: 'Ada Lovelace', role: 'curator', origin: 'cli', createdBy: null, revokedAt: null });
    expect(await keys.verify(created.key)).toEqual({ keyId: created.id, owner: 'Ada Lovelace', role: 'curator' });

    const db = openSqliteDatabase({ path: file });
    try {
      const row = db.prepare('SELECT * FROM api_keys WHERE id = ?').get(created.id) as Record<string, unknown>;
      expect((row.secret_hash as Buffer).length).toBe(32);
      const everything = JSON.stringify(db.prepare('SELECT * FROM api_keys').all());
      expect(everything).not.toContain(created.key.slice(20));
    } finally {
      db.close();
    }
  });

  it('refuses malformed, unknown, tampered and revoked keys with UNAUTHENTICATED', async () => {
    const created = await keys.create({ owner: 'svc', role: 'reader', origin: 'api', createdBy: 'root' });
    const tampered = created.key.slice(0, -1) + (created.key.endsWith('0') ? '1' : '0');
    expect(await code(keys.verify('not-a-key'))).toBe('UNAUTHENTICATED');
    expect(await code(keys.verify(`vk_${'0'.repeat(16)}_${'0'.repeat(64)}`))).toBe('UNAUTHENTICATED');
    expect(await code(keys.verify(tampered))).toBe('UNAUTHENTICATED');
    const revoked = await keys.revoke(created.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await code(keys.verify(created.key))).toBe('UNAUTHENTICATED');
    // Idempotent: the first revocation time is kept.
    expect((await keys.revoke(created.id)).revokedAt).toBe(revoked.revokedAt);
    expect(await code(keys.revoke('ffffffffffffffff'))).toBe('NOT_FOUND');
    expect(await code(keys.revoke("' OR 1=1 --"))).toBe('NOT_FOUND');
  });

  it('rejects bad owners with BAD_USER_INPUT', async () => {
    for (const owner of ['', '   ', 'x'.repeat(101), 'evil\nowner', 'bidi\u202Eowner']) {
      expect(await code(keys.create({ owner, role: 'reader', origin: 'cli' }))).toBe('BAD_USER_INPUT');
    }
    expect(await keys.list()).toEqual([]);
  });

  it('a key created in another process (another connection) is accepted at once, a revoked one refused at once', async () => {
    const other = openSqliteKeyStore({ path: file, dataDir: dir });
    try {
      const created = await other.create({ owner: 'cli-user', role: 'submitter', origin: 'cli' });
      expect((await keys.verify(created.key)).role).toBe('submitter');
      await other.revoke(created.id);
      expect(await code(keys.verify(created.key))).toBe('UNAUTHENTICATED');
    } finally {
      await other.close();
    }
  });

  it('the server secret is a 0600 file in the data dir; without it old keys no longer verify', async () => {
    const created = await keys.create({ owner: 'a', role: 'reader', origin: 'cli' });
    const secretFile = path.join(dir, SERVER_SECRET_FILE);
    expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);
    await keys.close();
    fs.rmSync(secretFile);
    keys = openSqliteKeyStore({ path: file, dataDir: dir });
    expect(await code(keys.verify(created.key))).toBe('UNAUTHENTICATED');
  });

  it('issues the first admin key exactly once, printed once, and records it', async () => {
    const printed: string[] = [];
    const first = await issueFirstAdminKey(keys, (t) => printed.push(t));
    expect(first).toMatchObject({ owner: 'admin', role: 'admin', origin: 'bootstrap' });
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain(`  ${first!.key}\n`);
    expect(printed[0]).toContain('vaner keys create --role');
    // A second start (and a second process) prints nothing, even after the key is revoked.
    await keys.revoke(first!.id);
    const other = openSqliteKeyStore({ path: file, dataDir: dir });
    try {
      expect(await issueFirstAdminKey(other, (t) => printed.push(t))).toBeNull();
    } finally {
      await other.close();
    }
    expect(await issueFirstAdminKey(keys, (t) => printed.push(t))).toBeNull();
    expect(printed).toHaveLength(1);
    expect((await keys.list()).map((k) => [k.origin, k.role])).toEqual([['bootstrap', 'admin']]);
  });
});

describe('authenticate', () => {
  it('no header is anonymous; Bearer <key> is the key; anything else is UNAUTHENTICATED', async () => {
    const created = await keys.create({ owner: 'o', role: 'reader', origin: 'cli' });
    expect(await authenticate(undefined, { keys, anonymousRead: true })).toEqual({ keyId: null, owner: 'anonymous', role: 'reader' });
    expect(await authenticate(undefined, { keys, anonymousRead: false })).toEqual({ keyId: null, owner: 'anonymous', role: null });
    expect((await authenticate(`Bearer ${created.key}`, { keys, anonymousRead: false })).keyId).toBe(created.id);
    for (const header of ['', 'Basic dXNlcjpwYXNz', 'Bearer', `Token ${created.key}`, 'Bearer vk_123_abc']) {
      expect(await code(authenticate(header, { keys, anonymousRead: true }))).toBe('UNAUTHENTICATED');
    }
  });

  it('VANER_ANONYMOUS_READ=auto allows anonymous reads only on loopback hosts', () => {
    expect(anonymousReadEnabled('auto', '127.0.0.1')).toBe(true);
    expect(anonymousReadEnabled('auto', '::1')).toBe(true);
    expect(anonymousReadEnabled('auto', 'localhost')).toBe(true);
    expect(anonymousReadEnabled('auto', '0.0.0.0')).toBe(false);
    expect(anonymousReadEnabled('auto', '10.1.2.3')).toBe(false);
    expect(anonymousReadEnabled('true', '0.0.0.0')).toBe(true);
    expect(anonymousReadEnabled('false', '127.0.0.1')).toBe(false);
  });
});

describe('rate limiter (token bucket)', () => {
  it('allows a burst, then the sustained rate, and says when to retry', () => {
    let now = 0;
    const limiter = createRateLimiter({ perSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.take('k').allowed)).toEqual([true, true, true, false]);
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('other').allowed).toBe(true); // buckets are per caller
    now = 500; // half a second refills one token at 2/s
    expect([limiter.take('k').allowed, limiter.take('k').allowed]).toEqual([true, false]);
    now = 10_000; // refills up to the burst, not beyond
    expect([1, 2, 3, 4].map(() => limiter.take('k').allowed)).toEqual([true, true, true, false]);
  });

  it('retryAfter grows with a slower rate; 0 per second turns limiting off; memory is bounded', () => {
    let now = 0;
    const slow = createRateLimiter({ perSecond: 0.1, burst: 1, now: () => now });
    expect(slow.take('k').allowed).toBe(true);
    expect(slow.take('k')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    const off = createRateLimiter({ perSecond: 0, burst: 1 });
    expect(Array.from({ length: 100 }, () => off.take('k').allowed).every(Boolean)).toBe(true);
    const bounded = createRateLimiter({ perSecond: 1, burst: 1, maxCallers: 2, now: () => now });
    bounded.take('a');
    bounded.take('b');
    bounded.take('c'); // evicts a (idle longest), whose bucket starts full again
    expect(bounded.take('a').allowed).toBe(true);
    expect(bounded.take('c').allowed).toBe(false);
    expect(() => createRateLimiter({ perSecond: -1, burst: 1 })).toThrow('perSecond');
  });
});

describe('@auth schema rules (build time)', () => {
  it('a Mutation field without @auth fails the build, naming it', () => {
    const sdl = 'type Query { a: Int } type Mutation { ok: Int @auth(requires: ADMIN) forgotten: Int }';
    expect(() => applyAuthorization(sdl, {})).toThrow('Mutation.forgotten declares no @auth(requires: ...) role');
  });

  it('wraps Query fields (default READER) and declared fields; leaves plain fields alone', async () => {
    const sdl = 'type Query { a: Int  b: Int @auth(requires: ADMIN) } type Thing { x: Int }';
    const wrapped = applyAuthorization(sdl, { Query: { a: () => 1, b: () => 2 } }) as Record<string, Record<string, (...a: unknown[]) => unknown>>;
    expect(wrapped['Thing']).toEqual({});
    const ctx = (role: 'reader' | 'admin' | null, keyId: string | null) => ({ principal: { keyId, owner: 'o', role } });
    expect(wrapped['Query']!['a']!(null, {}, ctx('reader', null), null)).toBe(1);
    expect(() => wrapped['Query']!['a']!(null, {}, ctx(null, null), null)).toThrow('Query.a needs an API key with role reader');
    expect(() => wrapped['Query']!['b']!(null, {}, ctx('reader', 'k1'), null)).toThrow('Query.b needs role admin; this key has role reader');
    expect(wrapped['Query']!['b']!(null, {}, ctx('admin', 'k1'), null)).toBe(2);
  });
});

describe('vaner keys (through the real dispatcher)', () => {
  it('create prints the key once on stdout; list shows it without the secret; revoke revokes it', async () => {
    await keys.close();
    const env = { VANER_DATA_DIR: dir, VANER_LOG_LEVEL: 'silent' };
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    try {
      expect(await runCli(['keys', 'create', '--role', 'submitter', '--owner', 'lab-pipeline'], env)).toBe(0);
      const key = out.join('').trim();
      expect(key).toMatch(/^vk_[0-9a-f]{16}_[0-9a-f]{64}$/);
      const id = key.slice(3, 19);
      expect(err.join('')).toBe(`created submitter key ${id} for lab-pipeline; store the key now, it cannot be shown again\n`);

      out.length = 0;
      expect(await runCli(['keys', 'list', '--json'], env)).toBe(0);
      const listed = out.join('').trim().split('\n').map((l) => JSON.parse(l));
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ id, owner: 'lab-pipeline', role: 'submitter', origin: 'cli', revokedAt: null });
      expect(out.join('')).not.toContain(key.slice(20));

      out.length = 0;
      expect(await runCli(['keys', 'list'], env)).toBe(0);
      expect(out.join('').split('\n')[0]).toMatch(/^ID\s+OWNER\s+ROLE\s+ORIGIN\s+CREATEDAT\s+REVOKEDAT$/);

      out.length = 0;
      expect(await runCli(['keys', 'revoke', id], env)).toBe(0);
      expect(out.join('')).toMatch(new RegExp(`^revoked ${id} \\(submitter, lab-pipeline\\) at \\d{4}-`));

      err.length = 0;
      expect(await runCli(['keys', 'create', '--role', 'root', '--owner', 'x'], env)).toBe(2);
      expect(err.join('')).toBe('error [BAD_USER_INPUT]: --role must be one of reader, submitter, curator, admin, got "root"\n');
      err.length = 0;
      expect(await runCli(['keys', 'revoke', 'ffffffffffffffff'], env)).toBe(1);
      expect(err.join('')).toBe('error [NOT_FOUND]: no API key with id "ffffffffffffffff"\n');
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      keys = openSqliteKeyStore({ path: file, dataDir: dir });
    }
    const verified = await code(keys.verify('x'));
    expect(verified).toBe('UNAUTHENTICATED');
  });
});

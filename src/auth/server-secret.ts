/**
 * The server secret that keys the API key hashes: 32 random bytes in a file in the data directory
 * (mode 0600), created on first use. Kept out of the database on purpose (see api-key-token.ts):
 * losing the file invalidates every key, so back it up together with the database.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { VanerError } from '../errors.js';

export const SERVER_SECRET_FILE = 'auth-secret';
const SECRET_BYTES = 32;

/** Reads `<dataDir>/auth-secret`, creating it when absent. Safe when several processes start at once. */
export function loadOrCreateServerSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, SERVER_SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    // Written to a private temporary file, then linked into place: link() fails when another
    // process won the race, and nobody ever reads a half-written secret.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      fs.writeFileSync(tmp, randomBytes(SECRET_BYTES).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
      fs.linkSync(tmp, file);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') {
        throw new VanerError('CONFIG_INVALID', 'cannot create the server secret in the data directory (VANER_DATA_DIR)', { cause: error });
      }
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  const hex = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new VanerError('CONFIG_INVALID', `the server secret file ${SERVER_SECRET_FILE} in the data directory is malformed; restore it from a backup`);
  }
  return Buffer.from(hex, 'hex');
}

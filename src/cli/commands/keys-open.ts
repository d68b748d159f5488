/** Opens the API key store of the configured data directory for the `vaner keys` commands. */
import fs from 'node:fs';
import { openSqliteKeyStore, type ApiKeyStore } from '../../auth/index.js';
import type { Config } from '../../config.js';
import { databasePath } from '../../main.js';

/** The key store in `config.dataDir` (the same database file `vaner serve` uses). */
export function openConfiguredKeyStore(config: Config): ApiKeyStore {
  fs.mkdirSync(config.dataDir, { recursive: true });
  return openSqliteKeyStore({ path: databasePath(config), dataDir: config.dataDir });
}

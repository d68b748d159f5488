/** `vaner keys list`: every API key (never a secret), as a table or JSON lines. */
import type { ApiKeyInfo } from '../../auth/index.js';
import { parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { openConfiguredKeyStore } from './keys-open.js';

export const HELP = `usage: vaner keys list [--json]

Lists the API keys of the data directory (VANER_DATA_DIR), oldest first: id, owner, role, origin
(cli, api or bootstrap), created and revoked times. Secrets are never stored, so never shown.

options:
  --json       one JSON object per line
  -h, --help   show this help
`;

const COLUMNS = ['id', 'owner', 'role', 'origin', 'createdAt', 'revokedAt'] as const;

/** The table `vaner keys list` prints; exported for tests. */
export function formatKeyTable(keys: readonly ApiKeyInfo[]): string {
  const rows = [COLUMNS.map((c) => c.toUpperCase()), ...keys.map((k) => COLUMNS.map((c) => k[c] ?? '-'))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { config } = loadCliConfig(env);
  const keys = openConfiguredKeyStore(config);
  try {
    const list = await keys.list();
    process.stdout.write(values.json ? list.map((k) => JSON.stringify(k) + '\n').join('') : formatKeyTable(list));
    return 0;
  } finally {
    await keys.close();
  }
}

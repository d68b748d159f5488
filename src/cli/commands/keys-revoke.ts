/** `vaner keys revoke <id>`: revokes an API key; a running server refuses it on the next request. */
import { VanerError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { openConfiguredKeyStore } from './keys-open.js';

export const HELP = `usage: vaner keys revoke <id>

Revokes the API key with this id (as shown by \`vaner keys list\`, or the 16 hex characters after
"vk_" in the key). Revoking twice is harmless; an unknown id is NOT_FOUND.

options:
  -h, --help   show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new VanerError('BAD_USER_INPUT', 'vaner keys revoke needs exactly one key id');
  const { config } = loadCliConfig(env);
  const keys = openConfiguredKeyStore(config);
  try {
    const key = await keys.revoke(positionals[0]!);
    process.stdout.write(`revoked ${key.id} (${key.role}, ${key.owner}) at ${key.revokedAt}\n`);
    return 0;
  } finally {
    await keys.close();
  }
}

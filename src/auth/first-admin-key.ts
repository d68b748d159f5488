/**
 * First start: when no API key has ever existed, issue an admin key and print it once, so a
 * newcomer is not locked out of their own instance. The key row (origin 'bootstrap') records that
 * it was issued; it is never printed again (create more with `vaner keys create --role admin`).
 */
import type { ApiKeyStore, CreatedApiKey } from './key-store.js';

/** Issues and prints the first admin key if none ever existed; returns it, or null. */
export async function issueFirstAdminKey(keys: ApiKeyStore, write: (text: string) => void): Promise<CreatedApiKey | null> {
  const created = await keys.createFirstAdminKey();
  if (created) {
    write(
      [
        'vaner-kg: no API key existed, so an admin key was created. It is shown only this once; store it now:',
        '',
        `  ${created.key}`,
        '',
        'Send it as "Authorization: Bearer <key>". Create keys for others with',
        '`vaner keys create --role reader|submitter|curator|admin --owner NAME`; list and revoke them with',
        '`vaner keys list` and `vaner keys revoke <id>`.',
        '',
      ].join('\n'),
    );
  }
  return created;
}

/**
 * The README's configuration table is what users read to configure the service; it is generated from
 * src/config.ts (`node scripts/config-table.mjs` after `npm run build`) and must not drift from it (it had, for
 * VANER_LABELER and VANER_SCHEME, until 2026-12-07).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_ENV } from '../src/config.js';

describe('README configuration table', () => {
  it('has exactly one row per setting of src/config.ts, as scripts/config-table.mjs prints it', () => {
    const root = path.resolve('.');
    const readme = readFileSync('README.md', 'utf8').split('\n');
    // The table that follows the "| variable | default | what |" header, up to the first line that is not a row.
    const header = readme.indexOf('| variable | default | what |');
    expect(header).toBeGreaterThan(0);
    const end = readme.findIndex((l, i) => i > header && !l.startsWith('|'));
    const rows = readme.slice(header + 2, end);
    const expected = Object.values(CONFIG_ENV).map((spec) => {
      const def = spec.default === null ? '—' : `\`${spec.default.replace(`${root}/`, '')}\``;
      return `| \`${spec.env}\` | ${def} | ${spec.doc} |`;
    });
    expect(rows).toEqual(expected);
  });
});

// Prints the README's configuration table from src/config.ts (run after `npm run build`).
import { CONFIG_ENV } from '../dist/config.js';
import path from 'node:path';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
console.log('| variable | default | what |');
console.log('|---|---|---|');
for (const spec of Object.values(CONFIG_ENV)) {
  const def = spec.default === null ? '—' : '`' + spec.default.replace(root + '/', '') + '`';
  console.log(`| \`${spec.env}\` | ${def} | ${spec.doc} |`);
}

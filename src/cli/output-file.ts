/**
 * Checks an output file option (`vaner export --out`, `vaner eval ner --predictions`) before any work is
 * done: a destination that is a directory, or in a directory that does not exist, is BAD_USER_INPUT naming
 * the option, not a raw EISDIR/ENOENT (INTERNAL) once the whole export or evaluation has run.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VanerError } from '../errors.js';

export async function checkOutputFile(flag: string, file: string): Promise<void> {
  const fail = (why: string): VanerError => new VanerError('BAD_USER_INPUT', `cannot write ${flag} ${file}: ${why}`, { details: { field: flag, file } });
  const target = await stat(file).catch(() => null);
  if (target?.isDirectory()) throw fail('it is a directory');
  const dir = path.dirname(file);
  const parent = await stat(dir).catch(() => null);
  if (parent === null) throw fail(`directory ${dir} does not exist`);
  if (!parent.isDirectory()) throw fail(`${dir} is not a directory`);
}

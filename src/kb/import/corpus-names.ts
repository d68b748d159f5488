import type { EntityType } from '../../domain/index.js';
import { formatError, readTsvRows } from './tsv-lines.js';

/** One mention string annotated with a concept in the training/development corpora, and how often. */
export interface CorpusName {
  readonly curie: string;
  readonly type: Extract<EntityType, 'CHEMICAL' | 'DISEASE'>;
  readonly name: string;
  readonly count: number;
}

const HEADER = ['curie', 'type', 'name', 'count'];
const CURIE = /^(?:MESH:[CD]\d{6,9}|OMIM:\d+)$/;

/** Reads `corpus-names.tsv[.gz]` (built by scripts/build-kb-data.mjs): curie, type, name, count. */
export async function readCorpusNames(file: string): Promise<CorpusName[]> {
  const out: CorpusName[] = [];
  for await (const line of readTsvRows(file, HEADER)) {
    const [curie, type, name, count] = line.fields;
    if (line.fields.length !== 4) throw formatError(file, line.lineNumber, `expected 4 tab-separated fields, found ${line.fields.length}`);
    if (!CURIE.test(curie!)) throw formatError(file, line.lineNumber, `invalid curie '${curie}'`);
    if (type !== 'CHEMICAL' && type !== 'DISEASE') throw formatError(file, line.lineNumber, `invalid type '${type}'`);
    if (name!.trim() === '') throw formatError(file, line.lineNumber, 'empty name');
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1) throw formatError(file, line.lineNumber, `invalid count '${count}'`);
    out.push({ curie: curie!, type, name: name!.trim(), count: n });
  }
  return out;
}

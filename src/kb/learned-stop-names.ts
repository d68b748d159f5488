import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENTITY_TYPES, isEntityType, type EntityType, type Span } from '../domain/index.js';
import { VanerError } from '../errors.js';
import { foldedKey } from './normalize.js';

/**
 * Names the training corpora show annotators do not mark, learned from their annotations: a name is a stop name of
 * a type when the dictionary matched it at least `minMatches` times in corpora that annotate that type and at most
 * `maxAnnotatedShare` of those matches touched an annotation of the type (the same span, or one overlapping it).
 * 'VIP' and 'NPY' (peptides BC5CDR does not call chemicals), 'Hg' of "mm Hg", 'MAP' (mean arterial pressure) are
 * the kind it finds; 'hemolytic', which matches inside annotated "hemolytic anemia", is not, because a name that
 * touches annotations still tells the model where a mention is. It complements the hand-made, type-less
 * DEFAULT_STOP_NAMES (ordinary English) and the MeSH-branch exclusions (whole classes).
 *
 * The file lives in the vocabulary folder (data/kb/dictionary-stop-names.tsv, written by
 * scripts/build-stop-names.mjs from the same corpora and splits as corpus-names.tsv.gz); the dictionary labeler
 * skips such names unless a curator added them (a curator's synonym always counts). With the training-only KB,
 * development F1 of the dictionary: BC5CDR chemicals 87.78 → 88.88, diseases 83.77 → 83.86, NCBI-disease 75.84 →
 * 77.24; of the model, through its knowledge input: chemicals 90.77 → 91.05, other sets within ±0.05 (README).
 */
export const LEARNED_STOP_NAMES_FILE = 'dictionary-stop-names.tsv';

export const DEFAULT_MIN_MATCHES = 2;
export const DEFAULT_MAX_ANNOTATED_SHARE = 0.2;

/** How often the dictionary matched one text (folded) as one type, and how many of those matches touched gold. */
export interface NameMatchCount {
  readonly type: EntityType;
  readonly name: string;
  readonly matches: number;
  readonly annotated: number;
}

interface GoldSpan {
  readonly start: number;
  readonly end: number;
  readonly type: EntityType;
}

/** The key the dictionary labeler looks names up by: type, tab, the folded name. */
export function stopNameKey(type: EntityType, name: string): string {
  return `${type}\t${foldedKey(name)}`;
}

/**
 * Counts, per (type, folded text), the dictionary's matches of `types` in annotated documents and how many touch a
 * gold span of the same type. Only `types` the corpus annotates may be given: a match of a type the corpus does not
 * annotate says nothing.
 */
export function countNameMatches(
  documents: readonly { readonly text: string; readonly gold: readonly GoldSpan[]; readonly predicted: readonly Span[] }[],
  types: readonly EntityType[],
  into: Map<string, NameMatchCount> = new Map(),
): Map<string, NameMatchCount> {
  const wanted = new Set(types);
  for (const doc of documents) {
    for (const span of doc.predicted) {
      if (!wanted.has(span.type)) continue;
      const key = stopNameKey(span.type, doc.text.slice(span.start, span.end));
      const touches = doc.gold.some((g) => g.type === span.type && g.start < span.end && span.start < g.end);
      const before = into.get(key);
      into.set(key, {
        type: span.type,
        name: foldedKey(doc.text.slice(span.start, span.end)),
        matches: (before?.matches ?? 0) + 1,
        annotated: (before?.annotated ?? 0) + (touches ? 1 : 0),
      });
    }
  }
  return into;
}

/** The counts that make stop names, sorted by type then name (a deterministic file). */
export function chooseStopNames(
  counts: Iterable<NameMatchCount>,
  options: { readonly minMatches?: number; readonly maxAnnotatedShare?: number } = {},
): NameMatchCount[] {
  const minMatches = options.minMatches ?? DEFAULT_MIN_MATCHES;
  const maxShare = options.maxAnnotatedShare ?? DEFAULT_MAX_ANNOTATED_SHARE;
  return [...counts]
    .filter((c) => c.matches >= minMatches && c.annotated / c.matches <= maxShare)
    .sort((a, b) => (a.type === b.type ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : ENTITY_TYPES.indexOf(a.type) - ENTITY_TYPES.indexOf(b.type)));
}

const HEADER = 'type\tname\tmatches\tannotated';

/** The file's text: a header, then one `type, name, matches, annotated` row per stop name. */
export function formatStopNames(rows: readonly NameMatchCount[]): string {
  return [HEADER, ...rows.map((r) => `${r.type}\t${r.name}\t${r.matches}\t${r.annotated}`)].join('\n') + '\n';
}

/** Parses the file's text into stopNameKey keys; a malformed row is an INVALID_FORMAT error naming file and line. */
export function parseStopNames(text: string, file: string): Set<string> {
  const keys = new Set<string>();
  const lines = text.split('\n');
  if (lines[0]?.replace(/\r$/, '') !== HEADER) {
    throw new VanerError('INVALID_FORMAT', `${file}:1: expected the header "${HEADER.replaceAll('\t', '<TAB>')}"`);
  }
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    if (i === 0 || line === '') continue;
    const [type, name, matches, annotated, ...rest] = line.split('\t');
    if (type === undefined || !isEntityType(type) || !name || rest.length > 0 || !/^\d+$/.test(matches ?? '') || !/^\d+$/.test(annotated ?? '')) {
      throw new VanerError('INVALID_FORMAT', `${file}:${i + 1}: expected type<TAB>name<TAB>matches<TAB>annotated with a known type, got "${line.slice(0, 80)}"`);
    }
    keys.add(stopNameKey(type, name));
  }
  return keys;
}

/** The stop names of a vocabulary folder; none when it has no such file (a user's own folder). */
export async function readLearnedStopNames(kbDir: string): Promise<Set<string>> {
  const file = join(kbDir, LEARNED_STOP_NAMES_FILE);
  if (!existsSync(file)) return new Set();
  return parseStopNames(await readFile(file, 'utf8'), file);
}

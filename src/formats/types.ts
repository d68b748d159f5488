/**
 * Records every reader yields. Offsets are UTF-16 code unit offsets into `text`, end exclusive
 * (the labeler contract in src/ner/types.ts), whatever the source format counted in.
 */
import type { EntityType } from '../domain/index.js';

/** One annotated mention from a gold file. */
export interface GoldMention {
  readonly start: number;
  readonly end: number;
  /** Always text.slice(start, end) of the record's text (readers verify it). */
  readonly text: string;
  readonly type: EntityType;
  /**
   * Normalised identifiers. Bare MeSH ids (`D008012`, `C000081`) become CURIEs (`MESH:D008012`);
   * ids with a prefix (`OMIM:612345`) and other ids (NCBI Gene numbers, tmVar strings) are kept as
   * written. `-1` (explicitly unlinked) is an empty array.
   */
  readonly ids: readonly string[];
  /** The type as the corpus wrote it (`SpecificDisease`, `protein`), so writers can keep it. */
  readonly corpusType?: string;
  /**
   * The id column exactly as written (` D008661`, `D001943+D010051`, `D002544|-1`); writers reuse it
   * while it still parses to `ids`, so a read → write round trip keeps the file's spelling.
   */
  readonly idColumn?: string;
  /** Columns after the id column (BC5CDR composite mentions list their parts there), kept for writers. */
  readonly extraColumns?: readonly string[];
}

/** A relation line (PubTator `pmid\tCID\tD1\tD2`, BRAT `R1\tType Arg1:T1 Arg2:T2`), arguments as written. */
export interface GoldRelation {
  readonly type: string;
  readonly args: readonly string[];
  readonly line: number;
}

/** One document read from a file. */
export interface DocumentRecord {
  /** The file's id for the document (PMID, file name, CoNLL `file:sentence`); null when a JSONL line has none. */
  readonly externalId: string | null;
  readonly title: string | null;
  /** The text that mention offsets refer to. For PubTator this is title + ' ' + abstract. */
  readonly text: string;
  /** Present when the format carries annotations (PubTator, CoNLL, BRAT, JSONL with mentions). */
  readonly mentions?: readonly GoldMention[];
  readonly relations?: readonly GoldRelation[];
  readonly metadata?: Readonly<Record<string, unknown>> | null;
  /** 1-based line where the record starts in its file (1 for one-document files). */
  readonly line: number;
  /** The file the record came from (for error messages further down). */
  readonly file: string;
}

export type FormatName = 'pubtator' | 'text' | 'jsonl' | 'conll' | 'brat' | 'bioc' | 'biocjson';
export const FORMAT_NAMES: readonly FormatName[] = ['pubtator', 'text', 'jsonl', 'conll', 'brat', 'bioc', 'biocjson'];

/** Something a reader skipped on purpose; reported through `onWarning` and counted, never silent. */
export interface FormatWarning {
  readonly kind: 'UNKNOWN_TYPE' | 'DISCONTINUOUS_SPAN' | 'IGNORED_LINE' | 'IGNORED_FILE' | 'OFFSET_MISMATCH';
  readonly file: string;
  readonly line: number;
  readonly message: string;
  /** The corpus type for UNKNOWN_TYPE, the annotation kind for IGNORED_LINE. */
  readonly subject?: string;
}

/** Options every reader takes. */
export interface ReaderOptions {
  /** Called for every skipped annotation. @defaultValue none (the warning is still counted by a tally if given one) */
  readonly onWarning?: (warning: FormatWarning) => void;
  /** Extra corpus-type → EntityType mappings, checked before the built-in table. */
  readonly typeMap?: Readonly<Record<string, EntityType>>;
  /**
   * What to do with a mention whose offsets do not select its text (PubTator, BRAT): `error` throws
   * INVALID_FORMAT naming the line; `skip` drops the mention with an OFFSET_MISMATCH warning. Several
   * public corpora (NCBI disease training set, GNormPlus) contain a handful of such lines.
   * @defaultValue 'error'
   */
  readonly offsetMismatch?: 'error' | 'skip';
}

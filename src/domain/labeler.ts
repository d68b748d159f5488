/**
 * The labeler contract shared by the dictionary labeler (src/kb/dictionary-labeler.ts), the VANER
 * model runtime (src/ner/) and their union. Spans are character offsets into the input text (UTF-16
 * code units, as String.prototype.slice), end exclusive. For text without characters outside the
 * Basic Multilingual Plane these equal Unicode code point offsets (PubTator, BioC, Python).
 */
import type { EntityType } from './entity-types.js';

export interface LabelInput {
  /** Caller's id, echoed for logs only. */
  readonly id: string;
  readonly text: string;
}

export interface Span {
  readonly start: number;
  readonly end: number;
  readonly type: EntityType;
  /** Always text.slice(start, end) of the input. */
  readonly text: string;
  /** In [0, 1]; null when the labeler has no notion of confidence. */
  readonly confidence: number | null;
}

export interface LabelOptions {
  /** Checked between batches; an aborted signal rejects with a VanerError('CANCELLED'). */
  readonly signal?: AbortSignal;
  /** Restrict to these types (default: all the labeler supports). */
  readonly types?: readonly EntityType[];
  /**
   * Annotation scheme (a name from `Labeler.schemes`, e.g. `ncbi-disease`); default `Labeler.defaultScheme`.
   * An unknown name, or any name for a labeler without schemes, is a BAD_USER_INPUT naming the available ones
   * (see schemeFor in schemes.ts).
   */
  readonly scheme?: string;
}

export interface Labeler {
  /** 'dictionary', 'vaner', or 'union'. */
  readonly kind: string;
  /** Model or dictionary version recorded on every mention it produces. */
  readonly version: string;
  readonly types: readonly EntityType[];
  /** Annotation schemes a caller may pick (a model bundle's `schemes`); empty for the dictionary. */
  readonly schemes: readonly string[];
  /** The scheme used when a call names none; null for a labeler without schemes. */
  readonly defaultScheme: string | null;
  /** One result array per input, same order and length. */
  label(inputs: readonly LabelInput[], options?: LabelOptions): Promise<Span[][]>;
  /** Idempotent; releases sessions and threads. */
  close(): Promise<void>;
}

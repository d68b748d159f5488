import type { EntityType, Span, LinkMethod } from '../domain/index.js';

/** The outcome of linking one span; entityId null = explicitly left unlinked. */
export interface LinkResult {
  readonly entityId: string | null;
  readonly method: LinkMethod | null;
  /** The KB name (or abbreviation long form) that produced the link. */
  readonly matchedName: string | null;
  readonly confidence: number | null;
  /** Composite mentions ("breast and ovarian cancer") may link to several entities; entityId is the first. */
  readonly additionalEntityIds?: readonly string[];
}

export interface Linker {
  /** Recorded on every mention it links. */
  readonly version: string;
  /** One result per span, same order and length. `text` is the whole document (for abbreviations). */
  link(text: string, spans: readonly Span[]): Promise<LinkResult[]>;
}

export type { EntityType };

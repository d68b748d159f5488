/**
 * Splits a text into plain and highlighted pieces from character offsets (UTF-16, end exclusive, as
 * the API gives them). Overlapping spans cannot both be inline marks: the earlier (then longer) one
 * is drawn and the others are returned as `hidden`, so the page can list them instead of losing them.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type Piece<T extends Span> = { readonly text: string; readonly span: T | null };

export function highlightPieces<T extends Span>(text: string, spans: readonly T[]): { pieces: Piece<T>[]; hidden: T[] } {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const pieces: Piece<T>[] = [];
  const hidden: T[] = [];
  let at = 0;
  for (const span of sorted) {
    if (span.start < at || span.end > text.length || span.end <= span.start) {
      hidden.push(span);
      continue;
    }
    if (span.start > at) pieces.push({ text: text.slice(at, span.start), span: null });
    pieces.push({ text: text.slice(span.start, span.end), span });
    at = span.end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), span: null });
  return { pieces, hidden };
}

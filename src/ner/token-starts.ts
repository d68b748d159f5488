import type { EntityType, Span } from '../domain/index.js';
import { WORD_CHAR } from './abbreviation-propagation.js';

/** Where a written token begins: after white space, an opening bracket, a slash or a quote. */
const TOKEN_BREAK = /[\s([{/"'\u2018\u201c]/u;

/**
 * Spans of `types` that begin inside a hyphenated token, right after its hyphen (`GLD` of `AO-GLD`, `papillary renal
 * cell carcinomas` of `non-papillary renal cell carcinomas`), begin at the token's start instead. For corpora that
 * annotate whole written tokens: not one of the NCBI-disease training or development mentions begins after a hyphen
 * inside a token (0 of 5,145 and 0 of 787), while the model, whose words split at hyphens, starts spans there (six
 * times on the development set, each a mention whose gold span is the whole token). BC5CDR does annotate such
 * pieces (`nephropathy` of `ADR-nephropathy`), so this is a per-scheme rule (manifest `extendToTokenStart`).
 * Spans lying wholly inside the added stretch (`APRT` of `APRT-HPRT-deficient` read as a gene) give way; a span only
 * partly inside it keeps the extension from happening. Returns spans sorted by start.
 */
export function extendToTokenStart(text: string, spans: readonly Span[], types: ReadonlySet<EntityType>): Span[] {
  if (types.size === 0) return [...spans];
  let result = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  for (const span of [...result]) {
    const s = span.start;
    if (!types.has(span.type) || s < 2 || text[s - 1] !== '-' || !WORD_CHAR.test(text[s - 2]!)) continue;
    if (!result.includes(span)) continue; // gave way to an earlier extension
    let from = s - 1;
    while (from > 0 && !TOKEN_BREAK.test(text[from - 1]!)) from--;
    if (!WORD_CHAR.test(text[from]!)) continue; // "-GLD" after a bracket: nothing to take
    const others = result.filter((o) => o !== span && o.start < s && o.end > from);
    if (others.some((o) => o.start < from || o.end > s)) continue;
    const extended: Span = { ...span, start: from, text: text.slice(from, span.end) };
    result = [...result.filter((o) => o !== span && !others.includes(o)), extended].sort((a, b) => a.start - b.start || a.end - b.end);
  }
  return result;
}

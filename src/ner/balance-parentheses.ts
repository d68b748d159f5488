import type { Span } from '../domain/index.js';

/**
 * The end of `text` before its first "(" that no later ")" in the same text closes, or before a ")" that closes
 * nothing and ends the text; `text.length` when the parentheses balance (or only an inner ")" is unmatched).
 */
function balancedEnd(text: string): number {
  let open = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') {
      // Unmatched when, from here on, more parentheses open than close.
      let depth = 0;
      for (let j = i; j < text.length; j++) {
        if (text[j] === '(') depth++;
        else if (text[j] === ')') depth--;
      }
      if (depth > 0) return i;
      open++;
    } else if (c === ')') {
      if (open === 0 && i === text.length - 1) return i;
      if (open > 0) open--;
    }
  }
  return text.length;
}

/**
 * A mention does not end inside a parenthesis it opened, nor on a ")" it did not open: the model's word pieces
 * sometimes run a span into a parenthesised remark, `KMM 3842(T`, `Heliothis subflexa (Hs`, `p70 ( s6k`, or end it on
 * the closing parenthesis of text around it, `CIC chloride - channel family )`. Such a span is cut before the
 * unmatched parenthesis (and the spaces before it); a span left with nothing is dropped; two spans cut to the same
 * extent and type become one, the higher confidence kept. Spans with balanced parentheses are returned unchanged.
 * Development F1 with the 2026.12.07-1 bundle (`vaner eval ner`, int8): Species-800 +1.2, BC2GM +0.5, JNLPBA +0.15,
 * BC5CDR, NCBI-disease and LINNAEUS unchanged (src/ner/README.md).
 */
export function balanceParentheses(text: string, spans: readonly Span[]): Span[] {
  const byKey = new Map<string, Span>();
  for (const span of spans) {
    let out = span;
    const cut = balancedEnd(span.text);
    if (cut < span.text.length) {
      const kept = span.text.slice(0, cut).trimEnd();
      if (kept.length === 0 || !/[\p{L}\p{N}]/u.test(kept)) continue;
      out = { ...span, end: span.start + kept.length, text: text.slice(span.start, span.start + kept.length) };
    }
    const key = `${out.start}:${out.end}:${out.type}`;
    const seen = byKey.get(key);
    if (seen === undefined || (out.confidence ?? 1) > (seen.confidence ?? 1)) byKey.set(key, out);
  }
  return [...byKey.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

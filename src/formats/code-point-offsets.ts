/**
 * PubTator and BRAT files count offsets in Unicode code points (they are written by Python tools);
 * our spans count UTF-16 code units (String.prototype.slice). The two differ only after a character
 * outside the Basic Multilingual Plane, so texts without surrogates take the identity fast path.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/** Converts offsets between code points and UTF-16 units for one text. */
export interface OffsetConverter {
  /** Code point offset → UTF-16 offset; null when beyond the text. */
  toUtf16(codePointOffset: number): number | null;
  /** UTF-16 offset → code point offset. */
  toCodePoints(utf16Offset: number): number;
}

export function createOffsetConverter(text: string): OffsetConverter {
  if (!SURROGATE.test(text)) {
    return {
      toUtf16: (offset) => (offset <= text.length ? offset : null),
      toCodePoints: (offset) => offset,
    };
  }
  // utf16At[cp] = UTF-16 offset of code point cp (plus one entry for the end of the text).
  const utf16At: number[] = [];
  let unit = 0;
  for (const ch of text) {
    utf16At.push(unit);
    unit += ch.length;
  }
  utf16At.push(unit);
  return {
    toUtf16: (offset) => utf16At[offset] ?? null,
    toCodePoints(offset) {
      // Binary search: the largest cp with utf16At[cp] <= offset.
      let lo = 0;
      let hi = utf16At.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((utf16At[mid] as number) <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    },
  };
}

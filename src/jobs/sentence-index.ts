/**
 * Sentence index of a character offset, for sentence-level co-mentions. Sentences come from the
 * labeler's splitter (src/ner/sentence-splitter.ts) so both agree on where sentences end.
 */
import { splitSentences } from '../ner/sentence-splitter.js';

/** Returns a function mapping an offset to the index of the sentence containing it (or the last sentence starting before it). */
export function sentenceIndexer(text: string): (offset: number) => number {
  const starts = splitSentences(text).map((s) => s.start);
  return (offset) => {
    // Binary search for the last sentence start <= offset; offsets before the first sentence (leading whitespace) map to 0.
    let lo = 0;
    let hi = starts.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  };
}

/**
 * A document as the labeler sees it: sentences, and the words of each, with offsets into the original text.
 */
import type { WordRange } from './encode.js';
import { splitSentences } from './sentence-splitter.js';
import { splitWords, type Word } from './word-splitter.js';

/** Words of a document and, as word ranges, its sentences. */
export interface SegmentedDocument {
  readonly words: readonly Word[];
  /** In order, contiguous, covering every word; no empty sentence. */
  readonly sentences: readonly WordRange[];
}

/**
 * Splits a text into sentences and words. The sentence splitter leaves out only whitespace between sentences,
 * and whitespace never belongs to a word, so every word of the text lies in exactly one sentence.
 */
export function segmentDocument(text: string): SegmentedDocument {
  const words: Word[] = [];
  const sentences: WordRange[] = [];
  for (const s of splitSentences(text)) {
    const start = words.length;
    // A loop, not push(...spread): a sentence of a one-line multi-megabyte text has more words than
    // a call may take arguments ("Maximum call stack size exceeded").
    for (const word of splitWords(text, s.start, s.end)) words.push(word);
    if (words.length > start) sentences.push({ start, end: words.length });
  }
  return { words, sentences };
}

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
    words.push(...splitWords(text, s.start, s.end));
    if (words.length > start) sentences.push({ start, end: words.length });
  }
  return { words, sentences };
}

/**
 * Stage 1 of the labeler (encode → predict → decode, src/ner/README.md): words -> model windows. Pure: the same words, sentences,
 * prompts and encoder always give the same windows.
 *
 * Input construction follows docs/bundle-format.md (version 2) exactly:
 * `[bosId] + encode(instruction) + [sepId] + encode(w_1) + ... + encode(w_n)`, each word encoded alone, an empty
 * encoding replaced by `[unk]`, a word's label read at its first subword; `knowledge_ids` is 0 under the prompt
 * and, for every subword of a word, that word's knowledge id (knowledge.ts).
 *
 * Windowing. A document rarely fits `maxLength`, so its words are cut into windows:
 * - whole sentences are packed greedily into a window while their subwords fit (the model was trained on
 *   sentence-bounded inputs, so sentence edges are the least harmful places to cut);
 * - a sentence longer than a window is split into word windows that overlap by `overlapWords` words, so every word
 *   near a cut is also seen with context on both sides (decode.ts picks, per word, the window where it lies
 *   farther from an edge);
 * - a single word with more subwords than a window holds (a pathological string of thousands of characters)
 *   gets a window of its own holding its first subwords. Its label is read at its first subword, so it is still
 *   labelled; the cut is reported in `oversizedWords` rather than passing silently.
 * One prompt (the chosen scheme's instruction) serves every window: all types are read from the same pass.
 */
import { VanerError } from '../errors.js';
import type { SubwordEncoder } from './subword-tokenizer.js';

/** A half-open range of word indices `[start, end)`. */
export interface WordRange {
  readonly start: number;
  readonly end: number;
}

/** A word whose subwords did not fit one window. */
export interface OversizedWord {
  readonly wordIndex: number;
  readonly subwords: number;
  /** How many of its subwords the window holds. */
  readonly kept: number;
}

/** Word windows of one document. */
export interface WindowPlan {
  /** Ordered by start; together they cover every word; consecutive windows may overlap. */
  readonly windows: readonly WordRange[];
  readonly oversizedWords: readonly OversizedWord[];
}

/** One model input: unpadded ids, their knowledge ids, and, per word of the window, the position of its first subword. */
export interface EncodedWindow {
  readonly inputIds: readonly number[];
  /** Same length as `inputIds`: 0 under the prompt, the word's knowledge id on each of its subwords. */
  readonly knowledgeIds: readonly number[];
  readonly wordPositions: readonly number[];
}

/** A document ready for the model. */
export interface DocumentEncoding extends WindowPlan {
  /** `sequences[w]`: window `w` under the prompt. */
  readonly sequences: readonly EncodedWindow[];
}

/** Options of {@link encodeDocument}. */
export interface EncodeOptions {
  /** Longest sequence the model accepts, prompt included (manifest.maxLength). */
  readonly maxLength: number;
  /** Words shared by consecutive windows when a sentence has to be split. */
  readonly overlapWords: number;
}

/** `[bosId] + instructionIds + [sepId]`, the prompt every window of a pass starts with. */
export function promptPrefix(bosId: number, instructionIds: readonly number[], sepId: number): number[] {
  return [bosId, ...instructionIds, sepId];
}

/** Subword ids of each word; an empty encoding becomes `[unkId]` (docs/bundle-format.md). */
export function encodeWords(words: readonly string[], encoder: SubwordEncoder): (readonly number[])[] {
  return words.map((w) => {
    const ids = encoder.encode(w);
    return ids.length > 0 ? ids : [encoder.unkId];
  });
}

/**
 * Plans word windows. Pure.
 * @param wordLengths - subwords per word (each >= 1)
 * @param sentences - sentence word ranges, in order, covering every word
 * @param budget - subwords a window may hold (maxLength minus the prompt)
 * @param overlapWords - words shared by consecutive windows of a split sentence
 */
export function planWindows(
  wordLengths: readonly number[],
  sentences: readonly WordRange[],
  budget: number,
  overlapWords: number,
): WindowPlan {
  if (!Number.isInteger(budget) || budget < 1) throw new VanerError('INTERNAL', `window budget must be a positive integer, got ${budget}`);
  const windows: WordRange[] = [];
  const oversizedWords: OversizedWord[] = [];
  let open: { start: number; end: number; tokens: number } | null = null;
  const flush = (): void => {
    if (open !== null) windows.push({ start: open.start, end: open.end });
    open = null;
  };
  // Longest run of words from `start` (not past `end`) whose subwords fit the budget.
  const fill = (start: number, end: number): number => {
    let at = start;
    let tokens = 0;
    while (at < end && tokens + wordLengths[at]! <= budget) tokens += wordLengths[at++]!;
    return at;
  };
  for (const sentence of sentences) {
    let tokens = 0;
    for (let i = sentence.start; i < sentence.end; i++) tokens += wordLengths[i]!;
    if (sentence.end === sentence.start) continue;
    if (tokens <= budget) {
      if (open !== null && open.end === sentence.start && open.tokens + tokens <= budget) {
        open.end = sentence.end;
        open.tokens += tokens;
      } else {
        flush();
        open = { start: sentence.start, end: sentence.end, tokens };
      }
      continue;
    }
    flush();
    let start = sentence.start;
    let coveredTo = sentence.start; // every word before this is in some window already
    while (coveredTo < sentence.end) {
      let end = fill(start, sentence.end);
      if (end <= coveredTo) {
        // Overlapping back would add no new word (the next word is long): restart at the first uncovered word.
        start = coveredTo;
        end = fill(start, sentence.end);
      }
      if (end === start) {
        const subwords = wordLengths[start]!;
        oversizedWords.push({ wordIndex: start, subwords, kept: budget });
        end = start + 1;
      }
      windows.push({ start, end });
      coveredTo = end;
      start = Math.max(start + 1, end - overlapWords);
    }
  }
  flush();
  return { windows, oversizedWords };
}

/**
 * Builds one window's input: the prompt, then each word's subwords (an oversized word cut to `budget`), and the
 * matching knowledge ids (0 under the prompt, the word's id on each of its subwords). Pure.
 * @param wordKnowledge - knowledge id per word of the document (knowledgeIdsForWords)
 */
export function encodeWindow(
  prefix: readonly number[],
  wordIds: readonly (readonly number[])[],
  wordKnowledge: readonly number[],
  range: WordRange,
  budget: number,
): EncodedWindow {
  const inputIds = [...prefix];
  const knowledgeIds = new Array<number>(prefix.length).fill(0);
  const wordPositions: number[] = [];
  for (let i = range.start; i < range.end; i++) {
    const ids = wordIds[i]!;
    const k = wordKnowledge[i] ?? 0;
    wordPositions.push(inputIds.length);
    for (let s = 0; s < ids.length && s < budget; s++) {
      inputIds.push(ids[s]!);
      knowledgeIds.push(k);
    }
  }
  return { inputIds, knowledgeIds, wordPositions };
}

/**
 * Encodes one document under the prompt. Pure given a deterministic encoder.
 * @param words - the document's words (word splitter output, text only)
 * @param sentences - sentence word ranges covering every word, in order
 * @param prefix - the prompt prefix (see {@link promptPrefix})
 * @param wordKnowledge - knowledge id per word (knowledge.ts); missing entries read as 0
 * @throws VanerError('MODEL_INVALID') when the prompt leaves no room for words
 */
export function encodeDocument(
  words: readonly string[],
  sentences: readonly WordRange[],
  prefix: readonly number[],
  wordKnowledge: readonly number[],
  encoder: SubwordEncoder,
  options: EncodeOptions,
): DocumentEncoding {
  const budget = options.maxLength - prefix.length;
  if (budget < 1) {
    throw new VanerError('MODEL_INVALID', `an instruction of ${prefix.length - 2} subwords leaves no room in maxLength ${options.maxLength}`);
  }
  const wordIds = encodeWords(words, encoder);
  const plan = planWindows(
    wordIds.map((ids) => ids.length),
    sentences,
    budget,
    options.overlapWords,
  );
  const sequences = plan.windows.map((range) => encodeWindow(prefix, wordIds, wordKnowledge, range, budget));
  return { windows: plan.windows, oversizedWords: plan.oversizedWords, sequences };
}

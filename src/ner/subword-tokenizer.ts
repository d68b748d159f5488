/**
 * The bundle's subword tokenizer (Hugging Face `tokenizer.json`, run by `@huggingface/tokenizers`), reduced to
 * what the encoder needs: the ids of one string encoded alone, without special tokens (docs/bundle-format.md,
 * "Input construction").
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { VanerError } from '../errors.js';

/** Encodes strings to subword ids. Implementations must be deterministic: the encoder caches their results. */
export interface SubwordEncoder {
  /** Ids of `text` encoded alone, without special tokens; may be empty (e.g. for a lone control character). */
  encode(text: string): readonly number[];
  /** The unknown-token id, given to a word whose encoding is empty. */
  readonly unkId: number;
}

/**
 * Builds a SubwordEncoder from the parsed contents of a tokenizer.json.
 * @throws VanerError('MODEL_INVALID') when the JSON is not a tokenizer the library can load or has no unknown token.
 */
export function createSubwordEncoder(tokenizerJson: unknown, source: string): SubwordEncoder {
  let tokenizer: Tokenizer;
  try {
    // The second argument is tokenizer_config.json; bundles do not ship one, and none of its options apply to
    // encoding without special tokens.
    tokenizer = new Tokenizer(tokenizerJson as object, {});
  } catch (cause) {
    throw new VanerError('MODEL_INVALID', `${source}: not a loadable tokenizer.json (${(cause as Error).message})`, { cause });
  }
  const unkId = findUnkId(tokenizerJson, tokenizer);
  if (unkId === undefined) {
    throw new VanerError('MODEL_INVALID', `${source}: the tokenizer has no unknown token (model.unk_id or model.unk_token)`);
  }
  const encodeAlone = (text: string): number[] => tokenizer.encode(text, { add_special_tokens: false }).ids;
  return {
    unkId,
    encode: (text) => (text.length <= MAX_ENCODED_CODE_POINTS ? encodeAlone(text) : longWordPieces(text).flatMap(encodeAlone)),
  };
}

/**
 * Longest string encoded in one call, in code points. The library's Unigram encoder overflows the call stack on a
 * word of some hundred thousand characters (`Maximum call stack size exceeded` for 1 MB of DNA letters), so a longer
 * word is encoded in pieces of this many code points, each as a word of its own (the Python side,
 * training/vaner/pipeline2.py BundleTokenizer, does the same). No corpus word comes near it.
 */
export const MAX_ENCODED_CODE_POINTS = 10_000;

/** `text` cut into pieces of at most MAX_ENCODED_CODE_POINTS code points (a surrogate pair stays whole). */
export function longWordPieces(text: string): string[] {
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += MAX_ENCODED_CODE_POINTS) pieces.push(points.slice(i, i + MAX_ENCODED_CODE_POINTS).join(''));
  return pieces;
}

function findUnkId(json: unknown, tokenizer: Tokenizer): number | undefined {
  const model = (json as { model?: { unk_id?: unknown; unk_token?: unknown } }).model ?? {};
  if (typeof model.unk_id === 'number') return model.unk_id; // Unigram (SentencePiece)
  if (typeof model.unk_token === 'string') return tokenizer.token_to_id(model.unk_token); // BPE, WordPiece
  return undefined;
}

/**
 * Wraps an encoder with a bounded cache. Biomedical text repeats its words (`the`, `of`, drug and gene names), and
 * encoding is the costliest pure step of the labeler. When the cache is full it is cleared rather than evicted
 * entry by entry: simpler, and the words that matter come back within a document.
 * @param maxEntries - @defaultValue 100000
 */
export function withEncodeCache(encoder: SubwordEncoder, maxEntries = 100_000): SubwordEncoder & { clear(): void } {
  const cache = new Map<string, readonly number[]>();
  return {
    unkId: encoder.unkId,
    encode(text) {
      let ids = cache.get(text);
      if (ids === undefined) {
        if (cache.size >= maxEntries) cache.clear();
        ids = Object.freeze([...encoder.encode(text)]);
        cache.set(text, ids);
      }
      return ids;
    },
    clear: () => cache.clear(),
  };
}

/**
 * Character 3-gram TF-IDF index with cosine scoring over an inverted index (postings per gram), for
 * approximate name matching. Built once from a list of keys (normalised names) into flat typed
 * arrays (CSR layout), so ~200k names index in about a second and take a few tens of MB. A query
 * only touches the postings of its own grams; no scan over all names.
 */

/** One scored key: its index in the list the index was built from, and the cosine in [0, 1]. */
export interface NgramHit {
  readonly key: number;
  readonly score: number;
}

export interface NgramIndex {
  /** Number of keys indexed. */
  readonly size: number;
  /** The `limit` keys most similar to `query` (cosine of TF-IDF 3-gram vectors), best first; ties by key index. */
  search(query: string, limit: number): NgramHit[];
}

/** The 3-grams of a key padded with one space on each side, so word starts and ends count. */
export function charTrigrams(key: string): string[] {
  const padded = ` ${key} `;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i += 1) grams.push(padded.slice(i, i + 3));
  return grams;
}

/** The 3-grams of ` key ` as numbers (three UTF-16 units packed into 48 bits): no substring per gram. */
function gramCodes(key: string, out: number[]): number[] {
  out.length = 0;
  const n = key.length + 2;
  const at = (i: number): number => (i === 0 || i === n - 1 ? 32 : key.charCodeAt(i - 1));
  for (let i = 0; i + 3 <= n; i += 1) out.push(at(i) * 4294967296 + at(i + 1) * 65536 + at(i + 2));
  return out;
}

/**
 * Postings longer than this are read by binary search for the keys already touched by rarer grams
 * instead of being scanned, when that is cheaper. Keys sharing only very common grams with a query
 * then score nothing, which only loses candidates whose cosine would have been low anyway.
 */
const SCAN_LIMIT = 2000;

/**
 * The index's arrays: what {@link buildNgramIndex} computes and {@link ngramIndexFromParts} searches.
 * Plain typed arrays, so an index can be written to disk and read back without rebuilding
 * (ngram-index-cache.ts).
 */
export interface NgramIndexParts {
  /** Number of keys. */
  readonly n: number;
  /** Gram code (three UTF-16 units packed into 48 bits) of each gram id. */
  readonly gramCodes: Float64Array;
  /** Keys containing each gram. */
  readonly df: Int32Array;
  /** Postings of gram g: offsets[g] to offsets[g + 1] in postingKeys / postingWeights. */
  readonly offsets: Int32Array;
  readonly postingKeys: Int32Array;
  readonly postingWeights: Float32Array;
}

/** Builds the index over `keys` (their order defines the key numbers search returns). */
export function buildNgramIndex(keys: readonly string[]): NgramIndex {
  return ngramIndexFromParts(buildNgramIndexParts(keys));
}

/** The arrays of the index over `keys` (see NgramIndexParts). */
export function buildNgramIndexParts(keys: readonly string[]): NgramIndexParts {
  const gramIds = new Map<number, number>();
  const codesById: number[] = [];
  const df: number[] = [];
  // Pass 1: per key, its distinct gram ids and their counts, flattened.
  const keyStart = new Int32Array(keys.length + 1);
  let flatIds: number[] = [];
  let flatCounts: number[] = [];
  const codes: number[] = [];
  for (let d = 0; d < keys.length; d += 1) {
    const ids = gramCodes(keys[d]!, codes).map((code) => {
      let id = gramIds.get(code);
      if (id === undefined) {
        id = gramIds.size;
        gramIds.set(code, id);
        codesById.push(code);
        df.push(0);
      }
      return id;
    });
    ids.sort((a, b) => a - b);
    for (let i = 0; i < ids.length; ) {
      let j = i + 1;
      while (j < ids.length && ids[j] === ids[i]) j += 1;
      flatIds.push(ids[i]!);
      flatCounts.push(j - i);
      df[ids[i]!]! += 1;
      i = j;
    }
    keyStart[d + 1] = flatIds.length;
  }
  const n = keys.length;
  const grams = gramIds.size;
  const idf = idfOf(df, n);
  const offsets = new Int32Array(grams + 1);
  for (let g = 0; g < grams; g += 1) offsets[g + 1] = offsets[g]! + df[g]!;
  const total = flatIds.length;
  const postingKeys = new Int32Array(total);
  const postingWeights = new Float32Array(total);
  const fill = offsets.slice(0, grams);
  // Pass 2: postings in key order (so each list is sorted by key, which binary search relies on).
  for (let d = 0; d < n; d += 1) {
    let norm = 0;
    for (let p = keyStart[d]!; p < keyStart[d + 1]!; p += 1) norm += (flatCounts[p]! * idf[flatIds[p]!]!) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let p = keyStart[d]!; p < keyStart[d + 1]!; p += 1) {
      const g = flatIds[p]!;
      const at = fill[g]!;
      fill[g] = at + 1;
      postingKeys[at] = d;
      postingWeights[at] = (flatCounts[p]! * idf[g]!) / norm;
    }
  }
  flatIds = [];
  flatCounts = [];
  return { n, gramCodes: Float64Array.from(codesById), df: Int32Array.from(df), offsets, postingKeys, postingWeights };
}

/** Smoothed IDF (as scikit-learn's TfidfVectorizer): never zero, so a gram every name has still counts a little. */
function idfOf(df: ArrayLike<number>, n: number): Float64Array {
  return Float64Array.from({ length: df.length }, (_, g) => Math.log((1 + n) / (1 + df[g]!)) + 1);
}

/** The searchable index over built (or loaded) arrays. */
export function ngramIndexFromParts(parts: NgramIndexParts): NgramIndex {
  const { n, df, offsets, postingKeys, postingWeights } = parts;
  const idf = idfOf(df, n);
  const gramIds = new Map<number, number>();
  for (let g = 0; g < parts.gramCodes.length; g += 1) gramIds.set(parts.gramCodes[g]!, g);

  // Reused across queries: scores of touched keys, reset after each search.
  const scores = new Float32Array(n);
  const touched = new Int32Array(n);
  const maxIdf = Math.log(1 + n) + 1;

  const weightIn = (g: number, key: number): number => {
    let lo = offsets[g]!;
    let hi = offsets[g + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = postingKeys[mid]!;
      if (k === key) return postingWeights[mid]!;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  };

  return {
    size: n,
    search(query: string, limit: number): NgramHit[] {
      if (limit <= 0 || n === 0) return [];
      const qCounts = new Map<number, number>();
      let unknown = 0;
      for (const code of gramCodes(query, [])) {
        const id = gramIds.get(code);
        // A gram no name has still lengthens the query vector (with the largest idf), lowering every cosine.
        if (id === undefined) unknown += 1;
        else qCounts.set(id, (qCounts.get(id) ?? 0) + 1);
      }
      let qNorm = unknown * maxIdf ** 2;
      for (const [g, c] of qCounts) qNorm += (c * idf[g]!) ** 2;
      qNorm = Math.sqrt(qNorm);
      if (qNorm === 0 || qCounts.size === 0) return [];
      // Rarest grams first, so the common ones can often be looked up instead of scanned.
      const order = [...qCounts.entries()].sort((a, b) => df[a[0]]! - df[b[0]]!);
      let touchedCount = 0;
      for (const [g, c] of order) {
        const w = (c * idf[g]!) / qNorm;
        const length = offsets[g + 1]! - offsets[g]!;
        if (length > SCAN_LIMIT && touchedCount > 0 && touchedCount * 16 < length) {
          for (let i = 0; i < touchedCount; i += 1) {
            const d = touched[i]!;
            scores[d]! += w * weightIn(g, d);
          }
          continue;
        }
        for (let p = offsets[g]!, end = offsets[g + 1]!; p < end; p += 1) {
          const d = postingKeys[p]!;
          if (scores[d] === 0) touched[touchedCount++] = d;
          scores[d]! += w * postingWeights[p]!;
        }
      }
      // Top `limit` by insertion into a short sorted list: touched keys can be 10^5, limit is ~10.
      const hits: NgramHit[] = [];
      const worse = (a: NgramHit, b: NgramHit): boolean => a.score < b.score || (a.score === b.score && a.key > b.key);
      for (let i = 0; i < touchedCount; i += 1) {
        const d = touched[i]!;
        const hit = { key: d, score: Math.min(1, scores[d]!) };
        scores[d] = 0;
        if (hits.length === limit && !worse(hits[limit - 1]!, hit)) continue;
        let at = hits.length;
        while (at > 0 && worse(hits[at - 1]!, hit)) at -= 1;
        hits.splice(at, 0, hit);
        if (hits.length > limit) hits.pop();
      }
      return hits;
    },
  };
}

import { VanerError } from '../errors.js';

/**
 * A trie over normalised name tokens, compact enough for ~400k names: token strings are interned to
 * integer ids and every edge lives in ONE Map keyed by `node * TOKEN_SPACE + tokenId` (a number, so
 * no per-node Map objects and no string keys). Terminal nodes carry a bit mask of entity types.
 *
 * Case-sensitive entries (short all-caps abbreviations such as 'ALL' or 'MS', which lower-cased are
 * common words) keep their exact surface per terminal node and only count when the text agrees.
 */
const TOKEN_SPACE = 2 ** 22;
const MAX_NODES = 2 ** 30;

export interface CaseSensitiveEntry {
  /** NFKC surface forms of the name's tokens joined by a space, compared with the text's. */
  readonly surface: string;
  readonly mask: number;
}

export class TokenTrie {
  private readonly vocab = new Map<string, number>();
  private readonly edges = new Map<number, number>();
  private masks = new Uint16Array(1024);
  private readonly caseSensitive = new Map<number, CaseSensitiveEntry[]>();
  private nodes = 1;

  /** Number of nodes including the root (0). */
  get size(): number {
    return this.nodes;
  }

  /** Token id of a norm, or undefined when no name contains it (then no walk can continue). */
  tokenId(norm: string): number | undefined {
    return this.vocab.get(norm);
  }

  child(node: number, tokenId: number): number | undefined {
    return this.edges.get(node * TOKEN_SPACE + tokenId);
  }

  /** Types (bit mask) of the case-insensitive names ending at `node`. */
  mask(node: number): number {
    return this.masks[node] ?? 0;
  }

  caseSensitiveAt(node: number): readonly CaseSensitiveEntry[] | undefined {
    return this.caseSensitive.get(node);
  }

  /** Adds a name given as its token norms; `surface` set = case-sensitive entry. */
  insert(norms: readonly string[], typeBit: number, surface?: string): void {
    let node = 0;
    for (const norm of norms) {
      let id = this.vocab.get(norm);
      if (id === undefined) {
        id = this.vocab.size;
        if (id >= TOKEN_SPACE) throw new VanerError('INTERNAL', `dictionary has more than ${TOKEN_SPACE} distinct tokens`);
        this.vocab.set(norm, id);
      }
      const key = node * TOKEN_SPACE + id;
      let next = this.edges.get(key);
      if (next === undefined) {
        next = this.nodes++;
        if (next >= MAX_NODES) throw new VanerError('INTERNAL', `dictionary trie exceeds ${MAX_NODES} nodes`);
        this.edges.set(key, next);
      }
      node = next;
    }
    if (surface === undefined) {
      if (node >= this.masks.length) {
        const grown = new Uint16Array(Math.max(this.masks.length * 2, node + 1));
        grown.set(this.masks);
        this.masks = grown;
      }
      this.masks[node] = (this.masks[node] ?? 0) | typeBit;
      return;
    }
    const entries = this.caseSensitive.get(node) ?? [];
    const same = entries.findIndex((e) => e.surface === surface);
    if (same >= 0) entries[same] = { surface, mask: entries[same]!.mask | typeBit };
    else entries.push({ surface, mask: typeBit });
    this.caseSensitive.set(node, entries);
  }
}

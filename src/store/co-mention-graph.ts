/**
 * Bounded co-mention neighbourhoods, built breadth-first from the seeds. Adapter-independent: the
 * adapter supplies each node's ranked partners and the nodes' frequencies.
 *
 * Size bound: at most `limit` edges, hence at most `limit + seeds` nodes. So that a depth-2 graph is
 * not spent entirely on the first hop of one popular seed, every expanded node contributes at most
 * `fanOut` new edges: `limit` at depth 1, ⌈√limit⌉ at depth 2 (limit 200 → 15 per node, 1 + 15 hops
 * of 15 ≈ 240 candidate edges, cut at 200). Whatever either bound leaves out sets `truncated`.
 */
import type { GraphSettings } from './co-mention-args.js';
import type { ScoredPartner } from './co-mention-ranking.js';
import type { CoMentionGraph, CoMentionGraphEdge, CoMentionGraphNode } from '../domain/index.js';

export interface GraphSource {
  /**
   * Partners of each node (one hop's frontier, so an adapter answers a hop in one round trip) at the
   * settings' level, count ≥ minCount, of the settings' types, ranked best first; same order as `entityIds`.
   */
  partners(entityIds: readonly string[]): Promise<ScoredPartner[][]>;
  /** Document and sentence frequency of each id, same order. */
  frequencies(entityIds: readonly string[]): Promise<{ documentCount: number; sentenceCount: number }[]>;
}

/** Edges expanded per node for a graph of `depth` hops and `limit` edges. */
export function graphFanOut(depth: number, limit: number): number {
  return depth === 1 ? limit : Math.max(1, Math.ceil(Math.sqrt(limit)));
}

/** Builds the graph; `seeds` are resolved, distinct entity ids. */
export async function buildCoMentionGraph(seeds: readonly string[], settings: GraphSettings, source: GraphSource): Promise<CoMentionGraph> {
  const depthOf = new Map<string, number>(seeds.map((s) => [s, 0]));
  const edges = new Map<string, CoMentionGraphEdge>();
  const fanOut = graphFanOut(settings.depth, settings.limit);
  let truncated = false;
  let frontier = [...seeds];
  expand: for (let hop = 1; hop <= settings.depth; hop++) {
    const next: string[] = [];
    const partnerLists = await source.partners(frontier);
    for (const [i, node] of frontier.entries()) {
      let taken = 0;
      for (const p of partnerLists[i]!) {
        const key = node < p.entityId ? `${node}\u0000${p.entityId}` : `${p.entityId}\u0000${node}`;
        if (edges.has(key)) continue;
        if (edges.size >= settings.limit) {
          truncated = true;
          break expand;
        }
        if (taken >= fanOut) {
          truncated = true;
          break;
        }
        edges.set(key, { a: node, b: p.entityId, documentCount: p.documentCount, sentenceCount: p.sentenceCount, npmi: p.npmi, llr: p.llr });
        taken++;
        if (!depthOf.has(p.entityId)) {
          depthOf.set(p.entityId, hop);
          next.push(p.entityId);
        }
      }
    }
    frontier = next;
  }
  const ids = [...depthOf.keys()];
  const freqs = await source.frequencies(ids);
  const nodes: CoMentionGraphNode[] = ids.map((entityId, i) => ({ entityId, depth: depthOf.get(entityId)!, ...freqs[i]! }));
  return { nodes, edges: [...edges.values()], truncated };
}


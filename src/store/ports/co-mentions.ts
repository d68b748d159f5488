/**
 * Co-mention port. Adapters only fetch counts; ranking, paging and graph expansion are the shared
 * pure modules beside this folder (co-mention-ranking/graph/evidence/args). Checked by
 * test/conformance/co-mentions-suite.ts.
 */
import type {
  CoMention,
  CoMentionArgs,
  CoMentionEvidence,
  CoMentionEvidenceArgs,
  CoMentionGraph,
  CoMentionGraphArgs,
  Page,
} from '../../domain/index.js';

export interface CoMentionStore {
  /**
   * Entities co-mentioned with `entityId` in the same document (or sentence, `level`), ranked by
   * `orderBy` (count by default, ties by entity id); rejected and unlinked mentions never count,
   * merged entities count as their target. BAD_USER_INPUT for unknown level/orderBy, minCount < 1,
   * or a cursor from another ordering.
   */
  coMentions(entityId: string, args: CoMentionArgs): Promise<Page<CoMention>>;
  /**
   * The units (documents or sentences) mentioning both entities, ascending by document id then
   * sentence. BAD_USER_INPUT when both ids resolve to the same entity.
   */
  coMentionEvidence(entityA: string, entityB: string, args: CoMentionEvidenceArgs): Promise<Page<CoMentionEvidence>>;
  /**
   * A bounded co-mention neighbourhood of the seeds (at most `limit` edges). BAD_USER_INPUT for depth
   * outside 1..2, limit outside 1..500, no seeds or more than 50.
   */
  coMentionGraph(args: CoMentionGraphArgs): Promise<CoMentionGraph>;
}

/**
 * What a field costs beyond the object reads the cost model already counts (query-limits.ts): the
 * work its resolver does. A unit is about one batched store read of a few rows; the default
 * operation budget is 5000 units (VANER_MAX_QUERY_COST).
 *
 * The weights follow the work, measured on the shipped knowledge base (206k names):
 * - a search is a full-text query (or, under three characters, a scan of the names): up to ~200 ms,
 *   so ten of them fill a request's budget;
 * - co-mention rankings, evidence and graphs count over every document mentioning an entity: the
 *   alias limit (30) times any of them exceeds the budget even with the smallest selection;
 * - an export formats a whole document (up to 1M characters) and its mentions into a file;
 * - a document's text is one read but up to 1M characters of response: bytes are capped separately
 *   (VANER_MAX_RESPONSE_BYTES), the weight keeps `documents(first: 100) { text }` from being free.
 * A field in this table costs its weight even when it selects only scalars.
 */
export const FIELD_COSTS: Readonly<Record<string, number>> = {
  'Query.searchEntities': 500,
  'Document.export': 500,
  'Document.text': 5,
  'Query.coMentions': 200,
  'Entity.coMentions': 200,
  'Query.coMentionEvidence': 200,
  'CoMention.evidenceItems': 200,
  'CoMention.evidenceDocuments': 10,
  'Query.coMentionGraph': 500,
  // Children: one indexed-prefilter scan of the entities (~15 ms on the shipped KB); names: one indexed read.
  'Entity.children': 20,
  'Entity.names': 2,
  // Reads whole files (up to the body limit) with the format readers, then stores them as submitDocuments does.
  'Mutation.submitFiles': 500,
};

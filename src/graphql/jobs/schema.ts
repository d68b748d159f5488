/**
 * Jobs SDL: listing and polling jobs, cancelling and retrying them, re-annotation, and per-document
 * export. Reads need the reader role, changes the submitter role.
 */
export const jobsTypeDefs = /* GraphQL */ `
enum ExportFormat {
  PUBTATOR
  "BioC JSON"
  BIOCJSON
  "BioC XML"
  BIOC
  JSONL
}

"A passage of the original document (BioC), kept so exports reproduce it."
input PassageInput {
  "UTF-16 offset of the passage in text."
  offset: Int!
  "Length in UTF-16 code units."
  length: Int!
  "The passage's BioC type infon (title, abstract, ...)."
  type: String
}

extend input DocumentInput {
  "The original passages (non-overlapping, ascending, inside text); stored for export."
  passages: [PassageInput!]
}

type JobEdge {
  cursor: String!
  node: Job!
}

type JobConnection {
  edges: [JobEdge!]!
  pageInfo: PageInfo!
}

type Reannotation {
  "The jobs created (at most 1000 documents each)."
  jobs: [Job!]!
  documentCount: Int!
}

extend type Query {
  """
  Jobs, oldest first. first must be in [0, 100]. updatedSince (ISO 8601) keeps jobs changed at or
  after that instant, for dashboards that poll.
  """
  jobs(state: JobState, first: Int = 20, after: String, updatedSince: String): JobConnection!
  "Documents by externalId, in input order, null where unknown (at most 1000 ids; vaner submit --resume)."
  documentsByExternalId(externalIds: [String!]!): [Document]!
}

extend type Job {
  "The API key owner who created the job (submitted, re-annotated or retried its documents); null for jobs made by local CLI commands."
  owner: String
}

extend type Document {
  "sha256 (hex) of title + U+0000 + text: clients compare it to skip re-uploading unchanged documents."
  textHash: String!
  """
  The document and its mentions as a file in format (original passages and offsets kept). In
  PUBTATOR, an externalId with characters the PMID column cannot hold (older data) is written with
  them replaced by _. null, with an INVALID_FORMAT error at this path, when the document cannot be
  written in format: one document never fails a page of exports.
  """
  export(format: ExportFormat!): String
}

extend type Mutation {
  "Only the key owner that created the job, or an admin, may retry it (FORBIDDEN otherwise). A new job for what a finished job left undone (all of a FAILED/CANCELLED job, the failed documents of a COMPLETED one)."
  retryJob(id: ID!): Job! @auth(requires: SUBMITTER)
  "A new job for some documents of a finished job. BAD_USER_INPUT for ids not in the job."
  retryDocuments(jobId: ID!, documentIds: [ID!]!): Job! @auth(requires: SUBMITTER)
  "Only the key owner that created the job, or an admin, may cancel it (FORBIDDEN otherwise). QUEUED: CANCELLED at once. RUNNING: stops at the next batch boundary (still RUNNING in the answer)."
  cancelJob(id: ID!): Job! @auth(requires: SUBMITTER)
  """
  Enqueues annotated documents whose model version is not olderThanModel (or, with all, every
  document); exactly one of them. Workers skip documents already annotated by their current labeler
  and linker versions under the same scheme. Each document is labelled again under the scheme it was
  stored with (jobs are grouped by scheme; a stored scheme the running labeler no longer offers, when
  this process knows the labeler, becomes its default), or under scheme when given (BAD_USER_INPUT
  naming the available schemes for an unknown one).
  """
  reannotate(olderThanModel: String, all: Boolean, externalIdPrefix: String, scheme: String): Reannotation! @auth(requires: SUBMITTER)
}
`;

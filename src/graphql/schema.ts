/**
 * The GraphQL schema (SDL). Kept as a TypeScript string rather than a `.graphql` file so `tsc` ships
 * it into dist/ with no copy step; `printSchema` of the built schema reproduces it for clients.
 *
 * Longer than the house's ~350 lines because it is one SDL document of the core types with their
 * descriptions (the public API's documentation); each feature area keeps its own part beside its
 * resolvers (co-mentions/, curation/, entity-details/, jobs/, uploads/).
 */
import { coMentionsTypeDefs } from './co-mentions/schema.js';
import { curationTypeDefs } from './curation/schema.js';
import { entityDetailsTypeDefs } from './entity-details/schema.js';
import { jobsTypeDefs } from './jobs/schema.js';
import { uploadsTypeDefs } from './uploads/schema.js';

export const typeDefs = /* GraphQL */ `
"""
The least role a field needs (see docs/access-control.md). Query fields without it need READER;
every Mutation field declares it.
"""
directive @auth(requires: Role!) on FIELD_DEFINITION

"Roles of API keys; each includes the ones before it."
enum Role {
  READER
  SUBMITTER
  CURATOR
  ADMIN
}

"""
Biomedical entity and mention types. Mentions of a type are produced by the labeler; entities of a
type come from the knowledge base (MeSH, CTD MEDIC, ...).
"""
enum EntityType {
  CHEMICAL
  DISEASE
  GENE
  SPECIES
  PROTEIN
  DNA
  RNA
  CELL_LINE
  CELL_TYPE
  VARIANT
}

enum JobState {
  QUEUED
  RUNNING
  COMPLETED
  FAILED
  CANCELLED
}

"How the linker chose a mention's entity."
enum LinkMethod {
  EXACT
  NORMALIZED
  ABBREVIATION
  APPROXIMATE
  CURATOR
  COMPOSITE
}

enum ReviewState {
  UNREVIEWED
  CONFIRMED
  REJECTED
}

"What submitDocuments did with one input document."
enum DocumentOutcome {
  "A new document was stored and queued for annotation."
  CREATED
  "A document with this externalId existed with another title or text; it was updated and queued again."
  UPDATED
  "A document with this externalId, title and text existed; nothing was written (queued only if not yet annotated)."
  UNCHANGED
  "The input was invalid and not stored; see error."
  REJECTED
}

type Query {
  "Which adapters serve this API, and how many entities the knowledge base holds."
  health: Health!
  "A job by id; null when unknown."
  job(id: ID!): Job
  "A document by id or by externalId (exactly one of them); null when unknown."
  document(id: ID, externalId: String): Document
  """
  Documents, oldest first. first must be in [0, 100]. text keeps documents whose title or text
  contains it (ASCII letters case-insensitive, at most 200 characters).
  """
  documents(first: Int = 20, after: String, entityId: ID, externalIdPrefix: String, annotated: Boolean, text: String): DocumentConnection!
  "An entity by id; a curator-merged id or an alias (an old MeSH id) resolves to its current entity. null when unknown."
  entity(id: ID!): Entity
  """
  Entities whose name or synonym contains query (case-insensitive), ranked: query equal to the
  preferred name, equal to a synonym, a prefix of the preferred name, of a synonym, inside the
  preferred name, inside a synonym; ties by the number of documents mentioning the entity, then the
  shorter name. first must be in [0, 100].
  """
  searchEntities(query: String!, type: EntityType, first: Int = 10): [Entity!]!
  """
  Entities mentioned in the same documents (or sentences, level) as entityId, ranked by orderBy
  (ties by entity id); partners in fewer than minCount units are left out. rollUp counts the MeSH
  term together with its descendants. first in [0, 100]. NOT_FOUND for an unknown entityId,
  BAD_USER_INPUT for minCount < 1 or a cursor from another orderBy/level.
  """
  coMentions(
    entityId: ID!
    type: EntityType
    level: CoMentionLevel = DOCUMENT
    orderBy: CoMentionOrder = COUNT
    minCount: Int = 1
    rollUp: Boolean = false
    first: Int = 20
    after: String
  ): CoMentionConnection!
  "Who is calling: the API key's id, owner and role, or the anonymous caller."
  viewer: Viewer!
  "Every API key (never its secret), oldest first."
  apiKeys: [ApiKey!]! @auth(requires: ADMIN)
}

type Mutation {
  """
  Stores documents and queues the new or changed ones for annotation, in one job.
  Idempotent by externalId: the same title and text again returns the stored document (UNCHANGED).
  Every document is validated before anything is written. Invalid documents are REJECTED in
  outcomes (with an error code) while the valid ones are stored; when every document is invalid, or
  the batch has more than the configured maximum of documents, the mutation fails with a coded error.
  scheme picks the annotation scheme of the job (README "Schemes": bc5cdr, ncbi-disease, bc2gm, jnlpba,
  linnaeus, s800; health.labeler.schemes lists what the labeler offers); null: the labeler's default
  (VANER_SCHEME, else the model's). An unknown scheme fails with BAD_USER_INPUT naming the available ones.
  """
  submitDocuments(documents: [DocumentInput!]!, scheme: String): Submission! @auth(requires: SUBMITTER)
  """
  Curation: merges sourceId into targetId (resolved to its final target); lookups of sourceId then
  resolve to the target. Recorded in the audit trail under the API key's owner. NOT_FOUND for an
  unknown id, BAD_USER_INPUT for a self-merge or different types, CONFLICT when already merged.
  """
  mergeEntities(sourceId: ID!, targetId: ID!): Entity! @auth(requires: CURATOR)
  "Curation: sets a mention's review state (rejected mentions drop out of co-mentions). Audited under the key's owner."
  reviewMention(id: ID!, state: ReviewState!): Mention! @auth(requires: CURATOR)
  "Creates an API key. The returned key is shown only this once; only its hash is stored."
  createApiKey(owner: String!, role: Role!): CreatedApiKey! @auth(requires: ADMIN)
  "Revokes an API key (idempotent). NOT_FOUND for an unknown id."
  revokeApiKey(id: ID!): ApiKey! @auth(requires: ADMIN)
}

type Viewer {
  "null for anonymous callers."
  keyId: ID
  "The key's owner, or anonymous."
  owner: String!
  "null when anonymous callers may not read."
  role: Role
}

type ApiKey {
  id: ID!
  owner: String!
  role: Role!
  "cli, api or bootstrap (the admin key printed on first start)."
  origin: String!
  "Owner of the admin key that created it through the API."
  createdBy: String
  createdAt: String!
  revokedAt: String
}

type CreatedApiKey {
  id: ID!
  "The bearer token (vk_<id>_<secret>). Store it now: it cannot be shown again."
  key: String!
  role: Role!
  owner: String!
  createdAt: String!
}

input DocumentInput {
  "The caller's id (e.g. PMID:123); resubmitting it updates or keeps the stored document."
  externalId: String
  title: String
  "The text to annotate; mention offsets refer to it."
  text: String!
}

type Submission {
  "The annotation job; COMPLETED with no documents when nothing needed annotating."
  job: Job!
  "The accepted documents, in input order (rejected inputs have no document)."
  documents: [Document!]!
  "One outcome per input, in input order."
  outcomes: [SubmissionOutcome!]!
}

type SubmissionOutcome {
  "Position of the input in the documents argument."
  index: Int!
  "The input's externalId as sent; null when it had none. Names a rejected input, which has no document."
  externalId: String
  "null when REJECTED."
  documentId: ID
  outcome: DocumentOutcome!
  "Set when REJECTED."
  error: SubmissionError
}

type SubmissionError {
  "EMPTY_TEXT, DOCUMENT_TOO_LARGE, INVALID_UTF8, BAD_USER_INPUT or CONFLICT."
  code: String!
  message: String!
}

type Health {
  "Always true when the API answers."
  ok: Boolean!
  "embedded or neo4j"
  store: String!
  "in-process or bullmq"
  queue: String!
  "The labeler the worker uses, when this process knows it."
  labeler: LabelerInfo
  entityCount: Int!
}

type LabelerInfo {
  kind: String!
  version: String!
  "Annotation schemes submitDocuments(scheme:) accepts; empty for the dictionary labeler."
  schemes: [String!]!
  "The scheme used when a submission names none; null for a labeler without schemes."
  defaultScheme: String
}

type Job {
  id: ID!
  state: JobState!
  progress: JobProgress!
  failures: [DocumentFailure!]!
  attempts: Int!
  "Why the whole job failed, if it did."
  error: String
  createdAt: String!
  updatedAt: String!
  finishedAt: String
  "The annotation scheme the job was submitted with; null: the labeler's default."
  scheme: String
  "The job's documents in submission order. first must be in [0, 100]."
  documents(first: Int = 20, after: String): DocumentConnection!
}

type JobProgress {
  total: Int!
  done: Int!
  failed: Int!
}

type DocumentFailure {
  documentId: ID!
  code: String!
  message: String!
}

type Document {
  id: ID!
  externalId: String
  title: String
  text: String!
  "ISO 8601 timestamps."
  createdAt: String!
  updatedAt: String!
  "null until the current text has been annotated."
  annotatedAt: String
  labeler: String
  modelVersion: String
  "The annotation scheme of the current annotations; null for a labeler without schemes."
  scheme: String
  "Mentions in text order, optionally of one type."
  mentions(type: EntityType): [Mention!]!
}

"""
A span of a document's text. start and end are character offsets (UTF-16 code units, as
JavaScript's String.prototype.slice) into Document.text, end exclusive: text = document.text[start:end].
"""
type Mention {
  id: ID!
  start: Int!
  end: Int!
  text: String!
  type: EntityType!
  "In [0, 1]; null when the labeler has no notion of confidence."
  confidence: Float
  "The linked entity; null when the mention is unlinked."
  entity: Entity
  "How the mention was linked; null when unlinked."
  link: Link
  "Sentence index within the document, when known."
  sentence: Int
  labeler: String!
  modelVersion: String!
  linkerVersion: String!
  "The annotation scheme the labeler ran under (e.g. bc5cdr); null for a labeler without schemes."
  scheme: String
  review: ReviewState!
  document: Document!
}

type Link {
  "The linked id (a curator-merged id is reported as stored on the mention)."
  entityId: ID!
  "The entity; null when the id is not (or no longer) in the knowledge base."
  entity: Entity
  method: LinkMethod
  "The knowledge-base name that produced the link."
  matchedName: String
  confidence: Float
}

type Entity {
  "CURIE, e.g. MESH:D008012."
  id: ID!
  type: EntityType!
  name: String!
  synonyms: [String!]!
  parents: [Entity!]!
  treeNumbers: [String!]!
  "Vocabulary the record came from (ctd-medic, mesh-2024, curator, a user's vocabulary source, ...)."
  source: String!
  "Other ids that resolve to this entity: old MeSH supplementary ids replaced by this descriptor (MeSH history), OBO alt_ids. Sorted."
  aliases: [ID!]!
  "True when a curator retired the entity: its stored mentions remain, but it is no longer linked or found."
  retired: Boolean!
  "True for a names-only entity (a name the shipped files give without an id: a CTD chemical name, CTDNAME:…, or a mention text of the BC2GM, JNLPBA or LINNAEUS training annotations, CORPUSNAME:…): the labelers recognise its name, the linker never links to it; merge it into the entity it names."
  namesOnly: Boolean!
  mentions(first: Int = 20, after: String): MentionConnection!
  documents(first: Int = 20, after: String): DocumentConnection!
  "As Query.coMentions for this entity."
  coMentions(
    type: EntityType
    level: CoMentionLevel = DOCUMENT
    orderBy: CoMentionOrder = COUNT
    minCount: Int = 1
    rollUp: Boolean = false
    first: Int = 20
    after: String
  ): CoMentionConnection!
}

type CoMention {
  "Id of the entity mentioned together with the queried one."
  entityId: ID!
  "That entity; null when mentions link to an id the knowledge base does not hold."
  entity: Entity
  "Number of documents mentioning both."
  documentCount: Int!
  "Ids of up to 10 of those documents (at SENTENCE level: with a shared sentence), ascending."
  evidence: [ID!]!
  evidenceDocuments: [Document!]!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
}

type DocumentEdge {
  cursor: String!
  node: Document!
}

type DocumentConnection {
  edges: [DocumentEdge!]!
  pageInfo: PageInfo!
  totalCount: Int!
}

type MentionEdge {
  cursor: String!
  node: Mention!
}

type MentionConnection {
  edges: [MentionEdge!]!
  pageInfo: PageInfo!
  totalCount: Int!
}

type CoMentionEdge {
  cursor: String!
  node: CoMention!
}

type CoMentionConnection {
  edges: [CoMentionEdge!]!
  pageInfo: PageInfo!
  totalCount: Int!
}
${coMentionsTypeDefs}
${curationTypeDefs}
${jobsTypeDefs}
${entityDetailsTypeDefs}
${uploadsTypeDefs}
`;

/**
 * Curation SDL: synonyms, relinking and the audit trail. Merges and reviews are in the main schema.
 * Every field needs the curator role (`@auth(requires: CURATOR)`); the actor of each edit is the
 * calling API key's owner.
 */
export const curationTypeDefs = /* GraphQL */ `
extend type Query {
  "Curation audit trail (who, when, before, after), oldest first. first must be in [0, 100]."
  curationEdits(first: Int = 20, after: String): CurationEditConnection! @auth(requires: CURATOR)
  "The knowledge base's sources (shipped vocabularies, users' vocabularies, curator, mesh-history), by name."
  knowledgeBaseSources: [KnowledgeBaseSource!]! @auth(requires: READER)
}

"A vocabulary the knowledge base holds names from (vaner kb sources)."
type KnowledgeBaseSource {
  name: String!
  "tsv, obo or mesh-xml for a user's vocabulary; null for the shipped ones."
  format: String
  "File it was last imported from; null for the shipped vocabularies."
  file: String
  "ISO-8601 time of the last import of a user's vocabulary."
  importedAt: String
  "A disabled source's names and entities are neither linked nor found."
  enabled: Boolean!
  "Entities the source created."
  entities: Int!
  "Names it gave."
  names: Int!
  "Alias ids it declared."
  aliases: Int!
}

"A curator's new entity."
input NewEntityInput {
  "PREFIX:identifier; a new VANER:… id when left out."
  id: ID
  type: EntityType!
  name: String!
  synonyms: [String!]
  "Existing entities it sits under."
  parentIds: [ID!]
}

extend type Mutation {
  """
  Curation: adds a synonym to an entity (a merged id resolves to its target). The running linker uses
  it for the next document; vocabulary re-imports never remove it. NOT_FOUND for an unknown entity,
  CONFLICT when the entity already has the name.
  """
  addSynonym(entityId: ID!, name: String!): Entity! @auth(requires: CURATOR)
  """
  Curation: removes a name from an entity; the linker stops using it at once and re-imports keep it
  removed. NOT_FOUND for an unknown entity or a name it does not have.
  """
  removeSynonym(entityId: ID!, name: String!): Entity! @auth(requires: CURATOR)
  """
  Curation: links a mention to another entity (method CURATOR, review CONFIRMED); its text then
  counts as a curated link for later linking. BAD_USER_INPUT when the entity's type differs.
  """
  relinkMention(id: ID!, entityId: ID!): Mention! @auth(requires: CURATOR)
  """
  Curation: creates an entity (source curator). The running linker and dictionary link its names
  from the next document on, without a restart. CONFLICT when the id exists, NOT_FOUND for an
  unknown parent, BAD_USER_INPUT for a bad id or an empty name.
  """
  createEntity(input: NewEntityInput!): Entity! @auth(requires: CURATOR)
  """
  Curation: retires an entity (retired false restores it); a merged id resolves to its target.
  Retired entities keep their stored mentions but are no longer linked or found. NOT_FOUND for an
  unknown id.
  """
  retireEntity(id: ID!, retired: Boolean = true): Entity! @auth(requires: CURATOR)
}

"One audited curation edit."
type CurationEdit {
  id: ID!
  "ISO-8601 time of the edit."
  at: String!
  "The API key owner who made it, or anonymous."
  actor: String!
  "add-synonym, remove-synonym, merge-entity, review-mention, relink-mention, create-entity, retire-entity or restore-entity."
  action: String!
  "The entity or mention id the edit changed."
  target: ID!
  "The changed fields before the edit, as JSON."
  before: String
  "The changed fields after the edit, as JSON."
  after: String
}

type CurationEditEdge {
  cursor: String!
  node: CurationEdit!
}

type CurationEditConnection {
  edges: [CurationEditEdge!]!
  pageInfo: PageInfo!
  totalCount: Int!
}
`;

/**
 * Entity details for browsing the knowledge base: the names of an entity with their origin, and its
 * children in the MeSH tree (parents are Entity.parents). Reader role.
 */
export const entityDetailsTypeDefs = /* GraphQL */ `
"One name of an entity and where it came from."
type EntityName {
  name: String!
  "vocabulary (imported), annotation (corpus annotations) or curator (added through the API)."
  origin: String!
  "The entity holding the name: the entity itself, or one a curator merged into it."
  entityId: ID!
}

extend type Entity {
  "Every active name (the preferred name too) with its origin, own names first, then those of merged entities."
  names: [EntityName!]!
  "Entities one level below in the tree (whose parents include this one), by name. first in [0, 100]."
  children(first: Int = 50): [Entity!]!
}
`;

/**
 * The entity types the platform recognises, links and stores. Every layer (formats, labelers, the
 * knowledge base, the stores, the API) uses this one list.
 */
export const ENTITY_TYPES = [
  'CHEMICAL',
  'DISEASE',
  'GENE',
  'SPECIES',
  'PROTEIN',
  'DNA',
  'RNA',
  'CELL_LINE',
  'CELL_TYPE',
  'VARIANT',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export function isEntityType(value: string): value is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(value);
}

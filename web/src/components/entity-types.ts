/** Colours and labels of entity types: one place, used by highlights, legends, badges and the graph. */
import type { EntityType } from '../gql/graphql';

export const ENTITY_TYPES: readonly EntityType[] = ['CHEMICAL', 'DISEASE', 'GENE', 'SPECIES', 'PROTEIN', 'DNA', 'RNA', 'CELL_LINE', 'CELL_TYPE', 'VARIANT'];

/** Background colours with dark text contrast of at least 4.5:1 (WCAG AA). */
export const TYPE_COLOURS: Record<EntityType, string> = {
  CHEMICAL: '#ffd98a',
  DISEASE: '#f6b3bb',
  GENE: '#a9dcc3',
  SPECIES: '#b9cdf3',
  PROTEIN: '#d6c2f0',
  DNA: '#c6e3f5',
  RNA: '#f3d1b5',
  CELL_LINE: '#dde6a8',
  CELL_TYPE: '#e9c8de',
  VARIANT: '#d0d0d0',
};

export function typeLabel(type: EntityType): string {
  return type.charAt(0) + type.slice(1).toLowerCase().replace('_', ' ');
}

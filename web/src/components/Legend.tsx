import type { EntityType } from '../gql/graphql';
import { TYPE_COLOURS, typeLabel } from './entity-types';

/** Which colour is which type, with counts; the unlinked and rejected markings too. */
export function Legend({ counts, unlinked, rejected }: { counts: Map<EntityType, number>; unlinked: number; rejected: number }) {
  return (
    <ul className="legend" aria-label="Legend" data-testid="legend">
      {[...counts].map(([type, n]) => (
        <li key={type}>
          <span className="swatch" style={{ background: TYPE_COLOURS[type] }} /> {typeLabel(type)} ({n})
        </li>
      ))}
      <li>
        <span className="swatch unlinked-swatch" /> unlinked ({unlinked})
      </li>
      <li>
        <span className="swatch rejected-swatch" /> rejected ({rejected})
      </li>
    </ul>
  );
}

import type { EntityType } from '../gql/graphql';
import { TYPE_COLOURS, typeLabel } from './entity-types';

export function TypeBadge({ type }: { type: EntityType }) {
  return (
    <span className="badge" style={{ background: TYPE_COLOURS[type] }}>
      {typeLabel(type)}
    </span>
  );
}

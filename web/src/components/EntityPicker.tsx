/**
 * Entity search with suggestions as you type (ARIA combobox: arrow keys move, Enter picks, Escape
 * closes). Used to search, to relink a mention, to pick a merge target and to add graph seeds.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { problemsOf } from '../api/problems';
import { graphql } from '../gql';
import type { EntityType } from '../gql/graphql';
import { Problems } from './Problems';
import { TypeBadge } from './TypeBadge';

export const SuggestEntities = graphql(`
  query SuggestEntities($query: String!, $type: EntityType, $first: Int) {
    searchEntities(query: $query, type: $type, first: $first) { id name type synonyms namesOnly }
  }
`);

export interface PickedEntity {
  readonly id: string;
  readonly name: string;
  readonly type: EntityType;
}

/** What the search box suggests typing, by the type it searches (a species picker said "e.g. cocaine"). */
const EXAMPLES: Partial<Record<EntityType, string>> = {
  CHEMICAL: 'cocaine', DISEASE: 'hypertension', GENE: 'BRCA1', SPECIES: 'human', CELL_LINE: 'HeLa', CELL_TYPE: 'T cell',
  DNA: 'IL-2 promoter', RNA: 'c-myc mRNA',
};

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

export function EntityPicker(props: {
  label: string;
  onPick: (entity: PickedEntity) => void;
  type?: EntityType | null;
  placeholder?: string;
  /** Called with the typed text on Enter when no suggestion is highlighted. */
  onSubmitText?: (text: string) => void;
  initialText?: string;
  testId?: string;
  /**
   * Only entities a mention can be linked to: names-only entities (CTDNAME:…, CORPUSNAME:…, which the linker never
   * links to) are left out. For relinking and merging, where they showed as look-alikes of the real entity
   * (`human` NCBITaxon:9606 beside CORPUSNAME:204 and CORPUSNAME:66).
   */
  linkableOnly?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState(props.initialText ?? '');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const query = useDebounced(text.trim(), 150);
  // Twice as many asked for when names-only ones are dropped, so the list still fills up.
  const [result] = useQuery({ query: SuggestEntities, variables: { query, type: props.type ?? null, first: props.linkableOnly ? 16 : 8 }, pause: query.length < 2 });
  const found = query.length < 2 ? [] : result.data?.searchEntities ?? [];
  const options = (props.linkableOnly ? found.filter((o) => !o.namesOnly) : found).slice(0, 8);
  // Set by a pick: focus coming back (from the confirmation dialog a pick opens) leaves the list closed, or it
  // would cover what the pick did. Typing or the arrow keys open it again.
  const picked = useRef(false);

  const pick = (e: PickedEntity) => {
    picked.current = true;
    props.onPick(e);
    setOpen(false);
    setActive(-1);
  };

  return (
    <div className="picker" data-testid={props.testId}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="search"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open && options.length > 0}
        aria-controls={`${id}-list`}
        aria-activedescendant={active >= 0 ? `${id}-opt-${active}` : undefined}
        placeholder={props.placeholder ?? `name or synonym, e.g. ${(props.type && EXAMPLES[props.type]) || 'cocaine'}`}
        value={text}
        onChange={(e) => {
          picked.current = false;
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => {
          if (!picked.current) setOpen(true);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(a + 1, options.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, -1));
          } else if (e.key === 'Escape') {
            setOpen(false);
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const chosen = active >= 0 ? options[active] : undefined;
            if (chosen) pick(chosen);
            else props.onSubmitText?.(text.trim());
          }
        }}
      />
      {open && options.length > 0 && (
        <ul className="suggestions" role="listbox" id={`${id}-list`} aria-label={`${props.label} suggestions`}>
          {options.map((o, i) => (
            <li
              key={o.id}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(o);
              }}
            >
              <TypeBadge type={o.type} /> <strong>{o.name}</strong> <span className="muted">{o.id}</span>
              {o.synonyms.length > 0 && <span className="muted small"> · {o.synonyms.slice(0, 3).join(', ')}</span>}
            </li>
          ))}
        </ul>
      )}
      {open && query.length >= 2 && result.data && options.length === 0 && (
        <div className="suggestions empty" role="status">No entity matches “{query}”.</div>
      )}
      <Problems problems={problemsOf(result.error)} />
    </div>
  );
}

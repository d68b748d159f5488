/**
 * An entity: names with their origin, MeSH tree position, mentions and documents (paginated),
 * co-mentioned partners with COUNT / NPMI / LLR at document or sentence level, and evidence.
 * Curators add and remove synonyms and merge entities here. Co-mention settings are in the URL.
 */
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { problemsOf, type ApiProblem } from '../api/problems';
import { useSession } from '../api/session';
import { useConfirm } from '../components/Confirm';
import { ENTITY_TYPES, typeLabel } from '../components/entity-types';
import { EntityPicker, type PickedEntity } from '../components/EntityPicker';
import { Evidence } from '../components/Evidence';
import { Problems } from '../components/Problems';
import { TypeBadge } from '../components/TypeBadge';
import { graphql } from '../gql';
import type { CoMentionLevel, CoMentionOrder, EntityType } from '../gql/graphql';

const EntityView = graphql(`
  query EntityView($id: ID!) {
    entity(id: $id) {
      id name type source treeNumbers namesOnly
      names { name origin entityId }
      parents { id name type }
      children(first: 50) { id name type }
    }
  }
`);

const EntityMentions = graphql(`
  query EntityMentions($id: ID!, $after: String) {
    entity(id: $id) {
      id
      mentions(first: 10, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id text type review start end document { id externalId } } }
      }
    }
  }
`);

const EntityDocuments = graphql(`
  query EntityDocuments($id: ID!, $after: String) {
    entity(id: $id) {
      id
      documents(first: 10, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id externalId title } }
      }
    }
  }
`);

const EntityCoMentions = graphql(`
  query EntityCoMentions($id: ID!, $type: EntityType, $level: CoMentionLevel, $orderBy: CoMentionOrder, $minCount: Int, $after: String) {
    entity(id: $id) {
      id
      coMentions(type: $type, level: $level, orderBy: $orderBy, minCount: $minCount, first: 15, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { entityId entity { id name type } documentCount sentenceCount npmi llr } }
      }
    }
  }
`);

const PartnerName = graphql(`
  query PartnerName($id: ID!) {
    entity(id: $id) { id name }
  }
`);

const AddSynonym = graphql(`
  mutation AddSynonym($entityId: ID!, $name: String!) {
    addSynonym(entityId: $entityId, name: $name) { id synonyms names { name origin entityId } }
  }
`);

const RemoveSynonym = graphql(`
  mutation RemoveSynonym($entityId: ID!, $name: String!) {
    removeSynonym(entityId: $entityId, name: $name) { id synonyms names { name origin entityId } }
  }
`);

const MergeEntities = graphql(`
  mutation MergeEntities($sourceId: ID!, $targetId: ID!) {
    mergeEntities(sourceId: $sourceId, targetId: $targetId) { id name }
  }
`);

function usePager() {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const after = stack[stack.length - 1] ?? null;
  return {
    after,
    page: stack.length,
    next: (cursor: string | null | undefined) => setStack((s) => [...s, cursor ?? null]),
    prev: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    /** Back to the first page: a cursor belongs to the ordering and filters it was read under. */
    reset: () => setStack([null]),
  };
}

function Pager({ pager, hasNext, endCursor, label }: { pager: ReturnType<typeof usePager>; hasNext: boolean; endCursor?: string | null; label: string }) {
  if (pager.page === 1 && !hasNext) return null;
  return (
    <div className="pager" role="group" aria-label={`${label} pages`}>
      <button type="button" onClick={pager.prev} disabled={pager.page === 1}>Previous</button>
      <span>page {pager.page}</span>
      <button type="button" onClick={() => pager.next(endCursor)} disabled={!hasNext}>Next</button>
    </div>
  );
}

function Mentions({ id }: { id: string }) {
  const pager = usePager();
  const [r] = useQuery({ query: EntityMentions, variables: { id, after: pager.after } });
  const c = r.data?.entity?.mentions;
  return (
    <section aria-labelledby="mentions-h">
      <h2 id="mentions-h">Mentions {c && <span className="muted">({c.totalCount})</span>}</h2>
      <Problems problems={problemsOf(r.error)} />
      {c && c.totalCount === 0 && <p className="empty">No stored document mentions this entity (rejected mentions are not counted).</p>}
      <ul className="results compact" data-testid="entity-mentions">
        {c?.edges.map(({ node }) => (
          <li key={node.id}>
            <Link to={`/documents/${encodeURIComponent(node.document.id)}?mention=${encodeURIComponent(node.id)}`}>“{node.text}”</Link>{' '}
            <span className="muted">in {node.document.externalId ?? node.document.id} at {node.start}–{node.end}{node.review !== 'UNREVIEWED' ? `, ${node.review.toLowerCase()}` : ''}</span>
          </li>
        ))}
      </ul>
      {c && <Pager pager={pager} hasNext={c.pageInfo.hasNextPage} endCursor={c.pageInfo.endCursor} label="Mentions" />}
    </section>
  );
}

function Documents({ id }: { id: string }) {
  const pager = usePager();
  const [r] = useQuery({ query: EntityDocuments, variables: { id, after: pager.after } });
  const c = r.data?.entity?.documents;
  return (
    <section aria-labelledby="documents-h">
      <h2 id="documents-h">Documents {c && <span className="muted">({c.totalCount})</span>}</h2>
      <Problems problems={problemsOf(r.error)} />
      {c && c.totalCount === 0 && <p className="empty">No documents yet.</p>}
      <ul className="results compact" data-testid="entity-documents">
        {c?.edges.map(({ node }) => (
          <li key={node.id}>
            <Link to={`/documents/${encodeURIComponent(node.id)}`}>{node.externalId ?? node.id}</Link> {node.title}
          </li>
        ))}
      </ul>
      {c && <Pager pager={pager} hasNext={c.pageInfo.hasNextPage} endCursor={c.pageInfo.endCursor} label="Documents" />}
    </section>
  );
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(Math.abs(x) >= 100 ? 0 : 2) : String(x);
}

function CoMentions({ id, name }: { id: string; name: string }) {
  const [params, setParams] = useSearchParams();
  const level = (params.get('level') as CoMentionLevel | null) ?? 'DOCUMENT';
  const orderBy = (params.get('order') as CoMentionOrder | null) ?? 'COUNT';
  const type = (params.get('type') as EntityType | null) || null;
  const minCount = Math.max(1, Number(params.get('min') ?? 1) || 1);
  const partner = params.get('partner');
  const pager = usePager();
  const [r] = useQuery({ query: EntityCoMentions, variables: { id, type, level, orderBy, minCount, after: pager.after } });
  const c = r.data?.entity?.coMentions;
  const set = (k: string, v: string | null) => {
    const p = new URLSearchParams(params);
    if (v === null || v === '') p.delete(k);
    else p.set(k, v);
    setParams(p, { replace: true });
    if (k !== 'partner') pager.reset();
  };
  const onPage = c?.edges.find((e) => e.node.entityId === partner)?.node.entity?.name;
  // A shared URL's partner may be on another page of partners (or none): its name comes from its own query.
  const [named] = useQuery({ query: PartnerName, variables: { id: partner ?? '' }, pause: !partner || onPage !== undefined || !c });
  const partnerName = onPage ?? named.data?.entity?.name ?? partner ?? '';
  return (
    <section aria-labelledby="co-h" className="co">
      <h2 id="co-h">Co-mentioned with {name} {c && <span className="muted">({c.totalCount} partners)</span>}</h2>
      <div className="toolbar" role="group" aria-label="Co-mention settings">
        <label>Level <select value={level} onChange={(e) => set('level', e.target.value)}><option value="DOCUMENT">document</option><option value="SENTENCE">sentence</option></select></label>
        <label>Order by <select value={orderBy} onChange={(e) => set('order', e.target.value)}><option value="COUNT">count</option><option value="NPMI">NPMI</option><option value="LLR">LLR</option></select></label>
        <label>Type <select value={type ?? ''} onChange={(e) => set('type', e.target.value)}><option value="">any</option>{ENTITY_TYPES.map((t) => <option key={t} value={t}>{typeLabel(t)}</option>)}</select></label>
        <label>Min. count <input type="number" min={1} value={minCount} onChange={(e) => set('min', e.target.value)} style={{ width: '4.5em' }} /></label>
        <Link to={`/graph?seeds=${encodeURIComponent(id)}&level=${level}&order=${orderBy}${type ? `&types=${type}` : ''}&min=${minCount}`} className="button">Open as graph</Link>
      </div>
      <Problems problems={problemsOf(r.error)} />
      {c && c.totalCount === 0 && <p className="empty">No partner at this level with at least {minCount} shared {level === 'SENTENCE' ? 'sentence' : 'document'}{minCount === 1 ? '' : 's'}{type ? ` of type ${typeLabel(type)}` : ''}.</p>}
      {c && c.totalCount > 0 && (
        <table data-testid="co-mentions">
          <thead>
            <tr><th>Partner</th><th>Type</th><th className="num">Documents</th><th className="num">Sentences</th><th className="num">NPMI</th><th className="num">LLR</th><th>Evidence</th></tr>
          </thead>
          <tbody>
            {c.edges.map(({ node }) => (
              <tr key={node.entityId} className={node.entityId === partner ? 'selected' : undefined}>
                <td>{node.entity ? <Link to={`/entities/${encodeURIComponent(node.entityId)}`}>{node.entity.name}</Link> : node.entityId}</td>
                <td>{node.entity && typeLabel(node.entity.type)}</td>
                <td className="num">{node.documentCount}</td>
                <td className="num">{node.sentenceCount}</td>
                <td className="num">{fmt(node.npmi)}</td>
                <td className="num">{fmt(node.llr)}</td>
                <td><button type="button" className="link" aria-pressed={node.entityId === partner} onClick={() => set('partner', node.entityId === partner ? null : node.entityId)}>{node.entityId === partner ? 'hide' : 'show'}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {c && <Pager pager={pager} hasNext={c.pageInfo.hasNextPage} endCursor={c.pageInfo.endCursor} label="Co-mentions" />}
      {partner && <Evidence key={`${partner}-${level}`} a={id} b={partner} level={level} names={[name, partnerName]} />}
    </section>
  );
}

function Curation({ entity, onChanged }: { entity: { id: string; name: string; type: EntityType }; onChanged: () => void }) {
  const [confirm, dialog] = useConfirm();
  const [, add] = useMutation(AddSynonym);
  const [, merge] = useMutation(MergeEntities);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [problems, setProblems] = useState<readonly ApiProblem[]>([]);
  const [done, setDone] = useState<string | null>(null);

  const addSynonym = async (e: FormEvent) => {
    e.preventDefault();
    const value = name.trim();
    if (!value) return;
    if (!(await confirm('Add a synonym?', <p>Add “{value}” as a name of {entity.name} ({entity.id}). The linker uses it for the next documents.</p>, 'Add synonym'))) return;
    const r = await add({ entityId: entity.id, name: value });
    setProblems(problemsOf(r.error));
    if (!r.error) {
      setDone(`Added “${value}”.`);
      setName('');
      onChanged();
    }
  };

  const mergeInto = async (target: PickedEntity) => {
    const ok = await confirm('Merge these entities?', (
      <p>
        Merge <strong>{entity.name}</strong> ({entity.id}) into <strong>{target.name}</strong> ({target.id}). Afterwards {entity.id} resolves to {target.id}; its names and
        mentions count for {target.name}. This cannot be undone from the dashboard.
      </p>
    ), 'Merge');
    if (!ok) return;
    const r = await merge({ sourceId: entity.id, targetId: target.id });
    setProblems(problemsOf(r.error));
    if (r.data) navigate(`/entities/${encodeURIComponent(r.data.mergeEntities.id)}`);
  };

  return (
    <section className="curation panel" aria-labelledby="curate-h" data-testid="entity-curation">
      <h2 id="curate-h">Curate</h2>
      <form onSubmit={addSynonym} className="row">
        <div>
          <label htmlFor="new-synonym">New synonym</label>
          <input id="new-synonym" value={name} onChange={(e) => setName(e.target.value)} placeholder="another name" />
        </div>
        <button type="submit" disabled={!name.trim()}>Add synonym</button>
      </form>
      <EntityPicker label={`Merge ${entity.name} into another ${typeLabel(entity.type).toLowerCase()}`} type={entity.type} onPick={mergeInto} testId="merge-picker" linkableOnly />
      {done && <p role="status" className="ok">{done}</p>}
      <Problems problems={problems} title="The edit was refused" />
      {dialog}
    </section>
  );
}

export function EntityPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const [r, reexecute] = useQuery({ query: EntityView, variables: { id } });
  const [, remove] = useMutation(RemoveSynonym);
  const [confirm, dialog] = useConfirm();
  const [problems, setProblems] = useState<readonly ApiProblem[]>([]);
  const e = r.data?.entity;
  if (r.fetching && !r.data) return <p role="status">Loading the entity…</p>;
  if (r.error) return <><h1>Entity</h1><Problems problems={problemsOf(r.error)} /></>;
  if (!e) {
    return (
      <div className="notice">
        <h1>Entity not found</h1>
        <p>The knowledge base has no entity <code>{id}</code>. <Link to="/">Search</Link> by name or synonym.</p>
      </div>
    );
  }
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const removeName = async (name: string) => {
    if (!(await confirm('Remove this name?', <p>Remove “{name}” from {e.name} ({e.id}). The linker stops using it at once; re-imports keep it removed.</p>, 'Remove'))) return;
    const res = await remove({ entityId: e.id, name });
    setProblems(problemsOf(res.error));
    if (!res.error) refresh();
  };
  const curator = session.can('CURATOR');
  return (
    <div>
      <h1>
        {e.name} <TypeBadge type={e.type} />
      </h1>
      <p className="muted">
        {e.id} · from {e.source}
        {e.id !== id && <> · <strong>{id}</strong> was merged into this entity</>}
      </p>
      {e.namesOnly && (
        <p className="notice" data-testid="names-only">
          A name the shipped files give without an identifier: the labelers recognise it, the linker
          never links a mention to it.{curator && ' If you know its id, merge it into that entity: the linker then links its names there.'}
        </p>
      )}
      <div className="entity-grid">
        <section aria-labelledby="names-h" className="panel">
          <h2 id="names-h">Names <span className="muted">({e.names.length})</span></h2>
          <table data-testid="entity-names">
            <thead><tr><th>Name</th><th>Source</th>{curator && <th><span className="sr-only">Remove</span></th>}</tr></thead>
            <tbody>
              {e.names.map((n) => (
                <tr key={`${n.entityId}-${n.name}`}>
                  <td>{n.name}{n.name === e.name && <span className="tag">preferred</span>}</td>
                  <td>{n.origin}{n.entityId !== e.id && <span className="muted"> (from {n.entityId})</span>}</td>
                  {curator && <td>{n.name !== e.name && <button type="button" className="link" aria-label={`Remove ${n.name}`} onClick={() => removeName(n.name)}>remove</button>}</td>}
                </tr>
              ))}
            </tbody>
          </table>
          <Problems problems={problems} title="The edit was refused" />
        </section>
        <section aria-labelledby="tree-h" className="panel">
          <h2 id="tree-h">MeSH tree</h2>
          {e.treeNumbers.length > 0 ? <p className="muted small">Tree numbers: {e.treeNumbers.join(', ')}</p> : <p className="muted small">No tree numbers (not a MeSH descriptor).</p>}
          <h3>Parents</h3>
          {e.parents.length === 0 ? <p className="empty">None in the knowledge base.</p> : (
            <ul className="compact" data-testid="entity-parents">{e.parents.map((p) => <li key={p.id}><Link to={`/entities/${encodeURIComponent(p.id)}`}>{p.name}</Link> <span className="muted">{p.id}</span></li>)}</ul>
          )}
          <h3>Children</h3>
          {e.children.length === 0 ? <p className="empty">None.</p> : (
            <ul className="compact" data-testid="entity-children">{e.children.map((p) => <li key={p.id}><Link to={`/entities/${encodeURIComponent(p.id)}`}>{p.name}</Link> <span className="muted">{p.id}</span></li>)}</ul>
          )}
        </section>
        {curator && <Curation key={e.id} entity={e} onChanged={refresh} />}
      </div>
      {/* Keyed by the entity: a link to another entity keeps this page mounted, and their pages, cursors and messages are this entity's. */}
      <CoMentions key={e.id} id={e.id} name={e.name} />
      <div className="two-col">
        <Mentions key={`mentions-${e.id}`} id={e.id} />
        <Documents key={`documents-${e.id}`} id={e.id} />
      </div>
      {dialog}
    </div>
  );
}

/** Search: entities by name or synonym (type filter, suggestions) and documents by external id or text. State in the URL. */
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { problemsOf } from '../api/problems';
import { EntityPicker } from '../components/EntityPicker';
import { ENTITY_TYPES, typeLabel } from '../components/entity-types';
import { Problems } from '../components/Problems';
import { TypeBadge } from '../components/TypeBadge';
import { graphql } from '../gql';
import type { EntityType } from '../gql/graphql';

const SearchEntities = graphql(`
  query SearchEntities($query: String!, $type: EntityType) {
    searchEntities(query: $query, type: $type, first: 25) { id name type source synonyms }
  }
`);

const SearchDocuments = graphql(`
  query SearchDocuments($text: String, $externalId: String!, $after: String) {
    byExternalId: documentsByExternalId(externalIds: [$externalId]) { id externalId title }
    documents(text: $text, first: 20, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id externalId title annotatedAt } }
    }
  }
`);

const Overview = graphql(`
  query Overview {
    health { entityCount store queue labeler { kind version } }
    documents(first: 8) { totalCount edges { node { id externalId title annotatedAt } } }
  }
`);

function EntityResults({ query, type }: { query: string; type: EntityType | null }) {
  const [result] = useQuery({ query: SearchEntities, variables: { query, type } });
  if (result.fetching) return <p role="status">Searching entities…</p>;
  const list = result.data?.searchEntities ?? [];
  return (
    <section aria-labelledby="entity-results">
      <h2 id="entity-results">Entities matching “{query}”{type ? ` (${typeLabel(type)})` : ''}</h2>
      <Problems problems={problemsOf(result.error)} />
      {result.data && list.length === 0 && <p className="empty">No entity has this name or synonym. Try a shorter part of the name, or no type filter.</p>}
      <ul className="results" data-testid="entity-results">
        {list.map((e) => (
          <li key={e.id}>
            <TypeBadge type={e.type} /> <Link to={`/entities/${encodeURIComponent(e.id)}`}>{e.name}</Link> <span className="muted">{e.id} · {e.source}</span>
            {e.synonyms.length > 0 && <div className="muted small">also: {e.synonyms.slice(0, 6).join(' · ')}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function DocumentResults({ text }: { text: string }) {
  const [after, setAfter] = useState<string | null>(null);
  const [result] = useQuery({ query: SearchDocuments, variables: { text, externalId: text, after } });
  if (result.fetching && !result.data) return <p role="status">Searching documents…</p>;
  const exact = result.data?.byExternalId.filter((d): d is NonNullable<typeof d> => d !== null) ?? [];
  const page = result.data?.documents;
  return (
    <section aria-labelledby="document-results">
      <h2 id="document-results">Documents matching “{text}”</h2>
      <Problems problems={problemsOf(result.error)} />
      {exact.map((d) => (
        <p key={d.id} className="exact">
          External id match: <Link to={`/documents/${encodeURIComponent(d.id)}`}>{d.externalId}</Link> {d.title}
        </p>
      ))}
      {page && (
        <>
          <p className="muted">{page.totalCount} document{page.totalCount === 1 ? '' : 's'} contain the text.</p>
          {page.totalCount === 0 && exact.length === 0 && <p className="empty">No document contains this text. Submit documents on the Jobs page.</p>}
          <ul className="results" data-testid="document-results">
            {page.edges.map(({ node }) => (
              <li key={node.id}>
                <Link to={`/documents/${encodeURIComponent(node.id)}`}>{node.externalId ?? node.id}</Link> {node.title ?? <span className="muted">(no title)</span>}
                {!node.annotatedAt && <span className="tag">not annotated yet</span>}
              </li>
            ))}
          </ul>
          <div className="pager">
            {after && <button type="button" onClick={() => setAfter(null)}>First page</button>}
            {page.pageInfo.hasNextPage && <button type="button" onClick={() => setAfter(page.pageInfo.endCursor ?? null)}>Next page</button>}
          </div>
        </>
      )}
    </section>
  );
}

function OverviewPanel() {
  const [result] = useQuery({ query: Overview });
  const data = result.data;
  return (
    <section aria-labelledby="overview">
      <h2 id="overview">In this knowledge graph</h2>
      <Problems problems={problemsOf(result.error)} />
      {data && (
        <>
          <p>
            {data.health.entityCount.toLocaleString('en')} entities · {data.documents.totalCount.toLocaleString('en')} documents · store {data.health.store}, queue{' '}
            {data.health.queue}
            {data.health.labeler ? `, labeler ${data.health.labeler.kind} ${data.health.labeler.version}` : ''}
          </p>
          {data.documents.totalCount === 0 ? (
            <p className="empty">
              No documents yet. <Link to="/jobs">Upload a file or paste text</Link> (e.g. <code>bench/ner-sample.PubTator.txt</code> from the repository), or run{' '}
              <code>npx vaner submit FILE --wait</code>.
            </p>
          ) : (
            <>
              <h3>First documents</h3>
              <ul className="results" data-testid="recent-documents">
                {data.documents.edges.map(({ node }) => (
                  <li key={node.id}>
                    <Link to={`/documents/${encodeURIComponent(node.id)}`}>{node.externalId ?? node.id}</Link> {node.title}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const q = params.get('q') ?? '';
  const type = (params.get('type') as EntityType | null) || null;
  const doc = params.get('doc') ?? '';
  const [docText, setDocText] = useState(doc);

  const update = (next: Record<string, string | null>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p);
  };

  const searchDocs = (e: FormEvent) => {
    e.preventDefault();
    update({ doc: docText.trim() || null });
  };

  return (
    <div>
      <h1>Search</h1>
      <div className="search-grid">
        <div className="panel">
          <div className="row">
            <EntityPicker
              label="Entities"
              type={type}
              initialText={q}
              testId="entity-search"
              onPick={(e) => navigate(`/entities/${encodeURIComponent(e.id)}`)}
              onSubmitText={(text) => update({ q: text || null })}
            />
            <div>
              <label htmlFor="type-filter">Type</label>
              <select id="type-filter" value={type ?? ''} onChange={(e) => update({ type: e.target.value || null })}>
                <option value="">any type</option>
                {ENTITY_TYPES.map((t) => (
                  <option key={t} value={t}>{typeLabel(t)}</option>
                ))}
              </select>
            </div>
          </div>
          <p className="muted small">Suggestions appear as you type; Enter lists every match.</p>
        </div>
        <form className="panel" onSubmit={searchDocs} role="search" aria-label="Documents">
          <label htmlFor="doc-search">Documents (external id or text)</label>
          <div className="row">
            <input id="doc-search" type="search" placeholder="e.g. 7582165 or hypotension" value={docText} onChange={(e) => setDocText(e.target.value)} />
            <button type="submit">Search documents</button>
          </div>
        </form>
      </div>
      {q && <EntityResults query={q} type={type} />}
      {doc && <DocumentResults key={doc} text={doc} />}
      {!q && !doc && <OverviewPanel />}
    </div>
  );
}

/** The curation audit trail: who changed what, when, before and after (curator role). */
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { problemsOf } from '../api/problems';
import { useSession } from '../api/session';
import { Problems } from '../components/Problems';
import { graphql } from '../gql';

const CurationEdits = graphql(`
  query CurationEdits($after: String) {
    curationEdits(first: 50, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id at actor action target before after } }
    }
  }
`);

function Json({ value }: { value: string | null | undefined }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  let text = value;
  try {
    text = JSON.stringify(JSON.parse(value), null, 1);
  } catch {
    /* shown as stored */
  }
  return <pre className="json">{text}</pre>;
}

export function AuditPage() {
  const session = useSession();
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const after = stack[stack.length - 1] ?? null;
  const [r] = useQuery({ query: CurationEdits, variables: { after }, requestPolicy: 'cache-and-network', pause: !session.can('CURATOR') });
  if (!session.can('CURATOR')) {
    return (
      <div className="notice">
        <h1>Audit trail</h1>
        <p>The audit trail needs a curator or admin key. <Link to="/signin">Sign in</Link> with one.</p>
      </div>
    );
  }
  const c = r.data?.curationEdits;
  return (
    <div>
      <h1>Audit trail</h1>
      <p className="muted">Every curation edit made through the API, oldest first{c ? ` — ${c.totalCount} in all` : ''}.</p>
      <Problems problems={problemsOf(r.error)} />
      {c && c.totalCount === 0 && <p className="empty">No curation edits yet. Accept, reject or relink mentions on a document page; add synonyms or merge on an entity page.</p>}
      {c && c.edges.length > 0 && (
        <table className="audit" data-testid="audit">
          <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Before</th><th>After</th></tr></thead>
          <tbody>
            {c.edges.map(({ node }) => (
              <tr key={node.id} data-action={node.action} data-target={node.target}>
                <td>{new Date(node.at).toLocaleString('en')}</td>
                <td>{node.actor}</td>
                <td>{node.action}</td>
                <td>{node.action.endsWith('-mention') ? <code>{node.target}</code> : <Link to={`/entities/${encodeURIComponent(node.target)}`}>{node.target}</Link>}</td>
                <td><Json value={node.before} /></td>
                <td><Json value={node.after} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        <button type="button" disabled={stack.length === 1} onClick={() => setStack(stack.slice(0, -1))}>Previous</button>
        <button type="button" disabled={!c?.pageInfo.hasNextPage} onClick={() => setStack([...stack, c?.pageInfo.endCursor ?? null])}>Next</button>
      </div>
    </div>
  );
}

/**
 * A document: its text with every mention highlighted by type (legend), unlinked mentions marked,
 * details of the selected mention (entity, link method, matched name, confidence), curation of that
 * mention for curators, and export in the API's formats. The selected mention is in the URL.
 */
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useClient, useMutation, useQuery } from 'urql';
import { problemsOf, type ApiProblem } from '../api/problems';
import { useSession } from '../api/session';
import { useConfirm } from '../components/Confirm';
import { downloadText, safeName } from '../components/download';
import { EntityPicker } from '../components/EntityPicker';
import { TYPE_COLOURS, typeLabel } from '../components/entity-types';
import { highlightPieces } from '../components/highlight';
import { Legend } from '../components/Legend';
import { Problems } from '../components/Problems';
import { TypeBadge } from '../components/TypeBadge';
import { graphql } from '../gql';
import type { DocumentViewQuery, EntityType, ExportFormat, ReviewState } from '../gql/graphql';

const DocumentView = graphql(`
  query DocumentView($id: ID!) {
    document(id: $id) {
      id externalId title text createdAt annotatedAt labeler modelVersion
      mentions {
        id start end text type confidence sentence review labeler modelVersion
        entity { id name type }
        link { entityId method matchedName confidence }
      }
    }
  }
`);

const DocumentExport = graphql(`
  query DocumentExport($id: ID!, $format: ExportFormat!) {
    document(id: $id) { id export(format: $format) }
  }
`);

const ReviewMention = graphql(`
  mutation ReviewMention($id: ID!, $state: ReviewState!) {
    reviewMention(id: $id, state: $state) { id review }
  }
`);

const RelinkMention = graphql(`
  mutation RelinkMention($id: ID!, $entityId: ID!) {
    relinkMention(id: $id, entityId: $entityId) {
      id review
      entity { id name type }
      link { entityId method matchedName confidence }
    }
  }
`);

type MentionItem = NonNullable<DocumentViewQuery['document']>['mentions'][number];

const EXPORTS: { format: ExportFormat; label: string; ext: string; mime: string }[] = [
  { format: 'PUBTATOR', label: 'PubTator', ext: 'pubtator.txt', mime: 'text/plain' },
  { format: 'BIOC', label: 'BioC XML', ext: 'bioc.xml', mime: 'application/xml' },
  { format: 'BIOCJSON', label: 'BioC JSON', ext: 'bioc.json', mime: 'application/json' },
  { format: 'JSONL', label: 'JSONL', ext: 'jsonl', mime: 'application/x-ndjson' },
];

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : x.toFixed(2);
}

function MentionDetails({ mention, onChanged }: { mention: MentionItem; onChanged: () => void }) {
  const session = useSession();
  const [confirm, dialog] = useConfirm();
  const [, review] = useMutation(ReviewMention);
  const [, relink] = useMutation(RelinkMention);
  const [problems, setProblems] = useState<readonly ApiProblem[]>([]);
  const [done, setDone] = useState<string | null>(null);

  const setReview = async (state: ReviewState) => {
    const verb = state === 'CONFIRMED' ? 'Accept' : state === 'REJECTED' ? 'Reject' : 'Reset';
    const ok = await confirm(`${verb} this mention?`, (
      <p>
        “{mention.text}” ({typeLabel(mention.type)}) at {mention.start}–{mention.end}: review {mention.review} → {state}.
        {state === 'REJECTED' && ' Rejected mentions no longer count in co-mentions.'}
      </p>
    ), verb);
    if (!ok) return;
    const result = await review({ id: mention.id, state });
    setProblems(problemsOf(result.error));
    if (!result.error) {
      setDone(`Review set to ${state}.`);
      onChanged();
    }
  };

  const doRelink = async (entity: { id: string; name: string; type: EntityType }) => {
    const ok = await confirm('Relink this mention?', (
      <p>
        “{mention.text}”: {mention.entity ? `${mention.entity.name} (${mention.entity.id})` : 'unlinked'} → <strong>{entity.name}</strong> ({entity.id}). The link becomes
        a curator link and the mention is confirmed.
      </p>
    ), 'Relink');
    if (!ok) return;
    const result = await relink({ id: mention.id, entityId: entity.id });
    setProblems(problemsOf(result.error));
    if (!result.error) {
      setDone(`Linked to ${entity.name}.`);
      onChanged();
    }
  };

  return (
    <aside className="details" aria-labelledby="mention-title" data-testid="mention-details">
      <h2 id="mention-title">
        “{mention.text}” <TypeBadge type={mention.type} />
      </h2>
      <dl>
        <dt>Offsets</dt>
        <dd>{mention.start}–{mention.end}{mention.sentence !== null && mention.sentence !== undefined ? `, sentence ${mention.sentence}` : ''}</dd>
        <dt>Entity</dt>
        <dd data-testid="mention-entity">
          {mention.entity ? (
            <Link to={`/entities/${encodeURIComponent(mention.entity.id)}`}>{mention.entity.name} ({mention.entity.id})</Link>
          ) : mention.link ? (
            <span>{mention.link.entityId} <span className="muted">(not in the knowledge base)</span></span>
          ) : (
            <span className="unlinked-text">unlinked</span>
          )}
        </dd>
        <dt>Link method</dt>
        <dd>{mention.link?.method ?? '—'}</dd>
        <dt>Matched name</dt>
        <dd>{mention.link?.matchedName ?? '—'}</dd>
        <dt>Link confidence</dt>
        <dd>{pct(mention.link?.confidence)}</dd>
        <dt>Labeler confidence</dt>
        <dd>{pct(mention.confidence)}</dd>
        <dt>Review</dt>
        <dd data-testid="mention-review">{mention.review}</dd>
        <dt>Labeler</dt>
        <dd>{mention.labeler} {mention.modelVersion}</dd>
      </dl>
      {session.can('CURATOR') && (
        <div className="curation" data-testid="mention-curation">
          <h3>Curate</h3>
          <div className="actions">
            <button type="button" onClick={() => setReview('CONFIRMED')} disabled={mention.review === 'CONFIRMED'}>Accept</button>
            <button type="button" onClick={() => setReview('REJECTED')} disabled={mention.review === 'REJECTED'}>Reject</button>
            {mention.review !== 'UNREVIEWED' && <button type="button" onClick={() => setReview('UNREVIEWED')}>Reset review</button>}
          </div>
          <EntityPicker key={mention.id} label={`Relink to a ${typeLabel(mention.type).toLowerCase()}`} type={mention.type} onPick={doRelink} testId="relink-picker" linkableOnly />
          {done && <p role="status" className="ok">{done}</p>}
          <Problems problems={problems} title="The edit was refused" />
        </div>
      )}
      {dialog}
    </aside>
  );
}

export function DocumentPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const client = useClient();
  const [result, reexecute] = useQuery({ query: DocumentView, variables: { id } });
  const [exportProblems, setExportProblems] = useState<readonly ApiProblem[]>([]);
  const doc = result.data?.document;
  const mentions = doc?.mentions ?? [];
  const selectedId = params.get('mention');
  const selected = mentions.find((m) => m.id === selectedId) ?? null;
  const { pieces, hidden } = useMemo(() => highlightPieces(doc?.text ?? '', mentions), [doc?.text, mentions]);
  const counts = useMemo(() => {
    const c = new Map<EntityType, number>();
    for (const m of mentions) c.set(m.type, (c.get(m.type) ?? 0) + 1);
    return c;
  }, [mentions]);

  const select = (mentionId: string) => {
    const p = new URLSearchParams(params);
    p.set('mention', mentionId);
    setParams(p, { replace: true });
  };

  const exportAs = async (e: (typeof EXPORTS)[number]) => {
    const r = await client.query(DocumentExport, { id, format: e.format }, { requestPolicy: 'network-only' }).toPromise();
    setExportProblems(problemsOf(r.error));
    const text = r.data?.document?.export;
    // null (with an INVALID_FORMAT error, shown above) when this document cannot be written in that format.
    if (text !== undefined && text !== null) downloadText(`${safeName(doc?.externalId ?? id)}.${e.ext}`, text, e.mime);
  };

  if (result.fetching && !result.data) return <p role="status">Loading the document…</p>;
  if (result.error) return <><h1>Document</h1><Problems problems={problemsOf(result.error)} /></>;
  if (!doc) {
    return (
      <div className="notice">
        <h1>Document not found</h1>
        <p>No document has the id <code>{id}</code>. <Link to="/">Search</Link> by external id or text.</p>
      </div>
    );
  }
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  return (
    <div className="with-aside">
      <article>
        <h1>{doc.title || doc.externalId || doc.id}</h1>
        <p className="muted">
          {doc.externalId && <>External id <strong>{doc.externalId}</strong> · </>}id {doc.id} ·{' '}
          {doc.annotatedAt ? <>annotated {new Date(doc.annotatedAt).toLocaleString('en')} by {doc.labeler} {doc.modelVersion}</> : <span className="tag">not annotated yet</span>}
        </p>
        <div className="toolbar" role="group" aria-label="Export">
          <span>Export:</span>
          {EXPORTS.map((e) => (
            <button type="button" key={e.format} onClick={() => exportAs(e)}>{e.label}</button>
          ))}
        </div>
        <Problems problems={exportProblems} title="Export failed" />
        <Legend counts={counts} unlinked={mentions.filter((m) => !m.link).length} rejected={mentions.filter((m) => m.review === 'REJECTED').length} />
        {mentions.length === 0 && <p className="empty">{doc.annotatedAt ? 'The labeler found no mentions in this text.' : 'No mentions yet: the document waits for a worker (see Jobs).'}</p>}
        <div className="doc-text" data-testid="doc-text">
          {pieces.map((p, i) =>
            p.span === null ? (
              <span key={i}>{p.text}</span>
            ) : (
              <mark
                key={i}
                role="button"
                tabIndex={0}
                data-mention-id={p.span.id}
                data-type={p.span.type}
                data-start={p.span.start}
                data-end={p.span.end}
                data-entity-id={p.span.entity?.id ?? p.span.link?.entityId ?? ''}
                aria-label={`${p.text}: ${typeLabel(p.span.type)}, ${p.span.entity ? p.span.entity.name : p.span.link ? p.span.link.entityId : 'unlinked'}${p.span.review === 'UNREVIEWED' ? '' : `, ${p.span.review.toLowerCase()}`}`}
                aria-pressed={p.span.id === selectedId}
                className={['m', p.span.link ? '' : 'unlinked', p.span.review === 'REJECTED' ? 'rejected' : '', p.span.review === 'CONFIRMED' ? 'confirmed' : '', p.span.id === selectedId ? 'selected' : ''].join(' ').trim()}
                style={{ background: TYPE_COLOURS[p.span.type] }}
                title={`${typeLabel(p.span.type)} · ${p.span.entity?.name ?? p.span.link?.entityId ?? 'unlinked'}`}
                onClick={() => select(p.span!.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    select(p.span!.id);
                  }
                }}
              >
                {p.text}
              </mark>
            ),
          )}
        </div>
        {hidden.length > 0 && (
          <p className="muted small">
            Overlapping mentions not drawn inline (see the table): {hidden.map((m) => `“${m.text}”`).join(', ')}
          </p>
        )}
        <details className="mention-table">
          <summary>All {mentions.length} mentions as a table</summary>
          <table>
            <thead>
              <tr><th>Text</th><th>Type</th><th>Entity</th><th>Method</th><th>Matched name</th><th>Conf.</th><th>Review</th></tr>
            </thead>
            <tbody>
              {mentions.map((m) => (
                <tr key={m.id}>
                  <td><button type="button" className="link" onClick={() => select(m.id)}>{m.text}</button></td>
                  <td>{typeLabel(m.type)}</td>
                  <td>{m.entity ? <Link to={`/entities/${encodeURIComponent(m.entity.id)}`}>{m.entity.name}</Link> : m.link ? m.link.entityId : <span className="unlinked-text">unlinked</span>}</td>
                  <td>{m.link?.method ?? '—'}</td>
                  <td>{m.link?.matchedName ?? '—'}</td>
                  <td>{pct(m.link?.confidence)}</td>
                  <td>{m.review}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </article>
      {selected ? (
        <MentionDetails key={selected.id} mention={selected} onChanged={refresh} />
      ) : (
        <aside className="details muted">
          <h2>Mention details</h2>
          <p>Select a highlighted mention (click, or Tab to it and press Enter) to see its entity, link method, matched name and confidence{' '}
            {mentions.length > 0 ? '' : '— this document has none yet'}.</p>
        </aside>
      )}
    </div>
  );
}

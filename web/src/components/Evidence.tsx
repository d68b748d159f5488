/**
 * Evidence for a co-mention pair: the units (sentences, or documents) mentioning both entities, each
 * with both mentions highlighted. Used by the entity page and by the graph's edges.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { problemsOf } from '../api/problems';
import { graphql } from '../gql';
import type { CoMentionLevel } from '../gql/graphql';
import { highlightPieces } from './highlight';
import { Problems } from './Problems';

const EvidenceQuery = graphql(`
  query Evidence($a: ID!, $b: ID!, $level: CoMentionLevel, $after: String) {
    coMentionEvidence(a: $a, b: $b, level: $level, first: 10, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          sentence
          sentenceText
          document { id externalId title text }
          mentionA { mentionId start end text }
          mentionB { mentionId start end text }
        }
      }
    }
  }
`);

const CONTEXT = 120;

/** The sentence (or a window of the document) around both mentions, and the mentions' offsets in it. */
export function evidenceSnippet(docText: string, sentenceText: string | null | undefined, a: { start: number; end: number }, b: { start: number; end: number }) {
  const lo = Math.min(a.start, b.start);
  const hi = Math.max(a.end, b.end);
  let from = Math.max(0, lo - CONTEXT);
  let to = Math.min(docText.length, hi + CONTEXT);
  let whole = false;
  if (sentenceText) {
    // Offsets are document offsets; the sentence is the occurrence of its text that holds both mentions.
    const at = docText.lastIndexOf(sentenceText, lo);
    if (at >= 0 && at + sentenceText.length >= hi) {
      from = at;
      to = at + sentenceText.length;
      whole = true;
    }
  }
  return {
    text: docText.slice(from, to),
    // An ellipsis marks a cut window of the document, not a whole sentence.
    prefix: !whole && from > 0 ? '…' : '',
    suffix: !whole && to < docText.length ? '…' : '',
    spans: [
      { start: a.start - from, end: a.end - from, which: 'a' as const },
      { start: b.start - from, end: b.end - from, which: 'b' as const },
    ],
  };
}

export function Evidence({ a, b, level, names }: { a: string; b: string; level: CoMentionLevel; names: [string, string] }) {
  const [after, setAfter] = useState<string | null>(null);
  const [result] = useQuery({ query: EvidenceQuery, variables: { a, b, level, after } });
  const conn = result.data?.coMentionEvidence;
  return (
    <section className="evidence" aria-label={`Evidence for ${names[0]} and ${names[1]}`} data-testid="evidence">
      <h3>
        Evidence: <span className="ev-a">{names[0]}</span> + <span className="ev-b">{names[1]}</span>
        {conn && <span className="muted"> — {conn.totalCount} {level === 'SENTENCE' ? 'sentence' : 'document'}{conn.totalCount === 1 ? '' : 's'}</span>}
      </h3>
      <Problems problems={problemsOf(result.error)} />
      {result.fetching && !conn && <p role="status">Loading evidence…</p>}
      {conn && conn.totalCount === 0 && <p className="empty">No {level === 'SENTENCE' ? 'sentence' : 'document'} mentions both.</p>}
      <ol>
        {conn?.edges.map(({ node }, i) => {
          const s = evidenceSnippet(node.document.text, node.sentenceText, node.mentionA, node.mentionB);
          const { pieces } = highlightPieces(s.text, s.spans);
          return (
            <li key={`${node.document.id}-${node.sentence ?? i}`}>
              <div className="muted small">
                <Link to={`/documents/${encodeURIComponent(node.document.id)}?mention=${encodeURIComponent(node.mentionA.mentionId)}`}>{node.document.externalId ?? node.document.id}</Link>
                {node.sentence !== null && node.sentence !== undefined && <>, sentence {node.sentence}</>}
              </div>
              <blockquote>
                {s.prefix}
                {pieces.map((p, j) => (p.span ? <mark key={j} className={`ev-${p.span.which}`}>{p.text}</mark> : <span key={j}>{p.text}</span>))}
                {s.suffix}
              </blockquote>
            </li>
          );
        })}
      </ol>
      <div className="pager">
        {after && <button type="button" onClick={() => setAfter(null)}>First page</button>}
        {conn?.pageInfo.hasNextPage && <button type="button" onClick={() => setAfter(conn.pageInfo.endCursor ?? null)}>More evidence</button>}
      </div>
    </section>
  );
}

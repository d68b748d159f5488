/**
 * Co-mention explorer: the bounded co-mention graph around seed entities (Query.coMentionGraph),
 * drawn with Cytoscape.js. Nodes are sized by document frequency and coloured by type; edges are as
 * thick as their score under the chosen ordering. Clicking a node opens its entity page, clicking an
 * edge shows its evidence. Every setting is in the URL; the same graph is listed as tables below
 * (keyboard and screen-reader access) and exports as JSON, CSV or PNG.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { problemsOf } from '../api/problems';
import { downloadBlob, downloadText } from '../components/download';
import { ENTITY_TYPES, TYPE_COLOURS, typeLabel } from '../components/entity-types';
import { EntityPicker } from '../components/EntityPicker';
import { Evidence } from '../components/Evidence';
import { Problems } from '../components/Problems';
import { graphql } from '../gql';
import type { CoMentionGraphQuery, CoMentionLevel, CoMentionOrder, EntityType } from '../gql/graphql';

const CoMentionGraph = graphql(`
  query CoMentionGraph($seedIds: [ID!]!, $depth: Int, $types: [EntityType!], $minCount: Int, $limit: Int, $level: CoMentionLevel, $orderBy: CoMentionOrder) {
    coMentionGraph(seedIds: $seedIds, depth: $depth, types: $types, minCount: $minCount, limit: $limit, level: $level, orderBy: $orderBy) {
      truncated
      nodes { entityId entity { id name type } documentCount sentenceCount depth }
      edges { a b documentCount sentenceCount npmi llr }
    }
  }
`);

const SeedNames = graphql(`
  query SeedNames($id: ID!) {
    entity(id: $id) { id name type }
  }
`);

type Graph = CoMentionGraphQuery['coMentionGraph'];
type GraphEdge = Graph['edges'][number];

interface Settings {
  seeds: string[];
  depth: number;
  types: EntityType[];
  minCount: number;
  limit: number;
  level: CoMentionLevel;
  orderBy: CoMentionOrder;
}

function readSettings(p: URLSearchParams): Settings {
  const list = (k: string) => (p.get(k) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const int = (k: string, d: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.trunc(Number(p.get(k) ?? d)) || d));
  return {
    seeds: list('seeds'),
    depth: int('depth', 1, 1, 2),
    types: list('types').filter((t): t is EntityType => (ENTITY_TYPES as string[]).includes(t)),
    minCount: int('min', 1, 1, 1_000_000),
    limit: int('limit', 60, 1, 500),
    level: p.get('level') === 'SENTENCE' ? 'SENTENCE' : 'DOCUMENT',
    orderBy: p.get('order') === 'NPMI' ? 'NPMI' : p.get('order') === 'LLR' ? 'LLR' : 'COUNT',
  };
}

/** The score an edge is drawn and ranked by under the chosen ordering. */
function edgeScore(e: GraphEdge, s: Settings): number {
  if (s.orderBy === 'NPMI') return e.npmi;
  if (s.orderBy === 'LLR') return e.llr;
  return s.level === 'SENTENCE' ? e.sentenceCount : e.documentCount;
}

function nodeName(graph: Graph, id: string): string {
  return graph.nodes.find((n) => n.entityId === id)?.entity?.name ?? id;
}

function toCsv(graph: Graph): string {
  const q = (v: string | number) => (typeof v === 'number' ? String(v) : `"${v.replaceAll('"', '""')}"`);
  const rows = [['a', 'a_name', 'b', 'b_name', 'documentCount', 'sentenceCount', 'npmi', 'llr'].join(',')];
  for (const e of graph.edges) rows.push([q(e.a), q(nodeName(graph, e.a)), q(e.b), q(nodeName(graph, e.b)), e.documentCount, e.sentenceCount, e.npmi, e.llr].join(','));
  return `${rows.join('\n')}\n`;
}

function elements(graph: Graph, s: Settings): ElementDefinition[] {
  const maxDocs = Math.max(1, ...graph.nodes.map((n) => n.documentCount));
  const scores = graph.edges.map((e) => edgeScore(e, s));
  const lo = Math.min(0, ...scores);
  const hi = Math.max(1e-9, ...scores);
  return [
    ...graph.nodes.map((n) => ({
      data: {
        id: n.entityId,
        label: n.entity?.name ?? n.entityId,
        colour: n.entity ? TYPE_COLOURS[n.entity.type] : '#ddd',
        size: 22 + 42 * Math.sqrt(n.documentCount / maxDocs),
        depth: n.depth,
      },
      classes: n.depth === 0 ? 'seed' : '',
    })),
    ...graph.edges.map((e, i) => ({
      data: { id: `e${i}`, source: e.a, target: e.b, width: 1 + 9 * ((edgeScore(e, s) - lo) / (hi - lo || 1)), index: i },
    })),
  ];
}

function GraphCanvas({ graph, settings, onEdge, selectedEdge }: { graph: Graph; settings: Settings; onEdge: (i: number) => void; selectedEdge: number | null }) {
  const ref = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const navigate = useNavigate();
  const els = useMemo(() => elements(graph, settings), [graph, settings]);

  useEffect(() => {
    if (!ref.current) return;
    const cy = cytoscape({
      container: ref.current,
      elements: els,
      wheelSensitivity: 0.3,
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(colour)', width: 'data(size)', height: 'data(size)', label: 'data(label)',
            'font-size': 13, 'text-valign': 'bottom', 'text-margin-y': 3, color: '#1b1b1b', 'border-width': 1, 'border-color': '#666',
            'text-wrap': 'ellipsis', 'text-max-width': '140px',
          },
        },
        { selector: 'node.seed', style: { 'border-width': 4, 'border-color': '#1f4e79', 'font-weight': 'bold' } },
        { selector: 'edge', style: { width: 'data(width)', 'line-color': '#8a9bb0', opacity: 0.75, 'curve-style': 'haystack' } },
        { selector: 'edge:selected, edge.selected', style: { 'line-color': '#d9480f', opacity: 1 } },
        { selector: 'node:active, edge:active', style: { 'overlay-opacity': 0.15 } },
      ],
      // Seeds in the centre, each hop on a ring further out: the same graph always looks the same.
      layout: { name: 'concentric', concentric: (n) => 3 - Number(n.data('depth')), levelWidth: () => 1, minNodeSpacing: 18, animate: false },
    });
    cy.on('tap', 'node', (e) => navigate(`/entities/${encodeURIComponent(e.target.id())}`));
    cy.on('tap', 'edge', (e) => onEdge(Number(e.target.data('index'))));
    cyRef.current = cy;
    ref.current.dataset['nodes'] = String(cy.nodes().length);
    ref.current.dataset['edges'] = String(cy.edges().length);
    ref.current.dataset['ready'] = 'true';
    return () => {
      cy.destroy();
      cyRef.current = null;
    };
    // Redrawn when the graph or the settings change; onEdge (a state setter) and navigate are stable.
  }, [els]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.edges().removeClass('selected');
    if (selectedEdge !== null) cy.$id(`e${selectedEdge}`).addClass('selected');
  }, [selectedEdge, els]);

  const png = () => {
    const cy = cyRef.current;
    if (!cy) return;
    downloadBlob(`co-mention-graph.png`, cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' }));
  };

  return (
    <>
      <div className="toolbar" role="group" aria-label="Export the graph">
        <span>Export:</span>
        <button type="button" onClick={() => downloadText('co-mention-graph.json', `${JSON.stringify({ settings, ...graph }, null, 2)}\n`, 'application/json')}>JSON</button>
        <button type="button" onClick={() => downloadText('co-mention-graph.csv', toCsv(graph), 'text/csv')}>CSV</button>
        <button type="button" onClick={png}>PNG</button>
      </div>
      <div ref={ref} className="cy" data-testid="graph-canvas" role="img" aria-label={`Co-mention network with ${graph.nodes.length} entities and ${graph.edges.length} links; the tables below list them`} />
    </>
  );
}

function SeedChip({ id, onRemove }: { id: string; onRemove: () => void }) {
  const [r] = useQuery({ query: SeedNames, variables: { id } });
  const name = r.data?.entity?.name ?? id;
  return (
    <li className="chip">
      <Link to={`/entities/${encodeURIComponent(id)}`}>{name}</Link>
      <button type="button" className="link" aria-label={`Remove seed ${name}`} onClick={onRemove}>×</button>
    </li>
  );
}

export default function GraphPage() {
  const [params, setParams] = useSearchParams();
  const settings = useMemo(() => readSettings(params), [params]);
  const [selectedEdge, setSelectedEdge] = useState<number | null>(null);
  const [r] = useQuery({
    query: CoMentionGraph,
    variables: { seedIds: settings.seeds, depth: settings.depth, types: settings.types.length ? settings.types : null, minCount: settings.minCount, limit: settings.limit, level: settings.level, orderBy: settings.orderBy },
    pause: settings.seeds.length === 0,
  });
  const graph = r.data?.coMentionGraph;
  useEffect(() => setSelectedEdge(null), [graph]);
  // A link picked in the table (far below the canvas) brings its evidence, which is drawn under the canvas, into view
  // and takes the focus there, so keyboard and screen-reader users reach it; a click on the canvas leaves the page as it is.
  const evidenceRef = useRef<HTMLDivElement>(null);
  const [revealEvidence, setRevealEvidence] = useState(false);
  useEffect(() => {
    if (!revealEvidence || selectedEdge === null || !evidenceRef.current) return;
    evidenceRef.current.scrollIntoView({ block: 'start' });
    evidenceRef.current.focus({ preventScroll: true });
    setRevealEvidence(false);
  }, [revealEvidence, selectedEdge]);

  const set = (k: string, v: string | null) => {
    const p = new URLSearchParams(params);
    if (v === null || v === '') p.delete(k);
    else p.set(k, v);
    setParams(p);
  };
  const setSeeds = (seeds: string[]) => set('seeds', seeds.join(','));
  const toggleType = (t: EntityType) => set('types', (settings.types.includes(t) ? settings.types.filter((x) => x !== t) : [...settings.types, t]).join(','));
  const edge = graph && selectedEdge !== null ? graph.edges[selectedEdge] : undefined;

  return (
    <div>
      <h1>Co-mention graph</h1>
      <div className="graph-controls panel">
        <div>
          <EntityPicker label="Add a seed entity" testId="seed-picker" onPick={(e) => !settings.seeds.includes(e.id) && setSeeds([...settings.seeds, e.id])} />
          <ul className="chips" aria-label="Seeds" data-testid="seeds">
            {settings.seeds.map((s) => (
              <SeedChip key={s} id={s} onRemove={() => setSeeds(settings.seeds.filter((x) => x !== s))} />
            ))}
          </ul>
        </div>
        <div className="row wrap">
          <label>Depth <select value={settings.depth} onChange={(e) => set('depth', e.target.value)}><option value="1">1</option><option value="2">2</option></select></label>
          <label>Level <select value={settings.level} onChange={(e) => set('level', e.target.value)}><option value="DOCUMENT">document</option><option value="SENTENCE">sentence</option></select></label>
          <label>Order by <select value={settings.orderBy} onChange={(e) => set('order', e.target.value)}><option value="COUNT">count</option><option value="NPMI">NPMI</option><option value="LLR">LLR</option></select></label>
          <label>Min. count <input type="number" min={1} value={settings.minCount} onChange={(e) => set('min', e.target.value)} style={{ width: '4.5em' }} /></label>
          <label>Max. links <input type="number" min={1} max={500} value={settings.limit} onChange={(e) => set('limit', e.target.value)} style={{ width: '5em' }} /></label>
        </div>
        <fieldset className="row wrap">
          <legend>Partner types (none checked: all)</legend>
          {ENTITY_TYPES.slice(0, 4).map((t) => (
            <label key={t} className="check"><input type="checkbox" checked={settings.types.includes(t)} onChange={() => toggleType(t)} /> <span className="swatch" style={{ background: TYPE_COLOURS[t] }} /> {typeLabel(t)}</label>
          ))}
        </fieldset>
      </div>
      {settings.seeds.length === 0 && (
        <p className="empty">Add one or more seed entities (e.g. a drug) to draw who is mentioned with them. Entity pages have an “Open as graph” link too.</p>
      )}
      <Problems problems={problemsOf(r.error)} />
      {r.fetching && <p role="status">Drawing…</p>}
      {graph && (
        <>
          <p className="muted" data-testid="graph-summary">
            {graph.nodes.length} entities, {graph.edges.length} links{graph.truncated ? ' — truncated: raise “max. links” or the minimum count to see the rest' : ''}. Node size: documents mentioning the entity; link width: {settings.orderBy === 'COUNT' ? `${settings.level === 'SENTENCE' ? 'sentence' : 'document'} count` : settings.orderBy}. Click a node to open it, a link for its evidence.
          </p>
          {graph.edges.length === 0 && <p className="empty">No partner passes these filters. Lower the minimum count or clear the type filter.</p>}
          <GraphCanvas graph={graph} settings={settings} onEdge={setSelectedEdge} selectedEdge={selectedEdge} />
          {edge && (
            <div ref={evidenceRef} tabIndex={-1} data-testid="graph-evidence">
              <Evidence key={`${edge.a}-${edge.b}-${settings.level}`} a={edge.a} b={edge.b} level={settings.level} names={[nodeName(graph, edge.a), nodeName(graph, edge.b)]} />
            </div>
          )}
          <div className="two-col">
            <section aria-labelledby="nodes-h">
              <h2 id="nodes-h">Entities</h2>
              <table data-testid="graph-nodes">
                <thead><tr><th>Entity</th><th>Type</th><th className="num">Docs</th><th className="num">Hop</th></tr></thead>
                <tbody>
                  {graph.nodes.map((n) => (
                    <tr key={n.entityId} data-entity-id={n.entityId}>
                      <td><Link to={`/entities/${encodeURIComponent(n.entityId)}`}>{n.entity?.name ?? n.entityId}</Link></td>
                      <td>{n.entity && typeLabel(n.entity.type)}</td>
                      <td className="num">{n.documentCount}</td>
                      <td className="num">{n.depth}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section aria-labelledby="edges-h">
              <h2 id="edges-h">Links</h2>
              <table data-testid="graph-edges">
                <thead><tr><th>Between</th><th className="num">Docs</th><th className="num">Sent.</th><th className="num">NPMI</th><th className="num">LLR</th></tr></thead>
                <tbody>
                  {graph.edges.map((e, i) => (
                    <tr key={`${e.a}-${e.b}`} data-a={e.a} data-b={e.b} className={i === selectedEdge ? 'selected' : undefined}>
                      <td><button type="button" className="link" aria-pressed={i === selectedEdge} onClick={() => { setSelectedEdge(i); setRevealEvidence(true); }}>{nodeName(graph, e.a)} — {nodeName(graph, e.b)}</button></td>
                      <td className="num">{e.documentCount}</td>
                      <td className="num">{e.sentenceCount}</td>
                      <td className="num">{e.npmi.toFixed(2)}</td>
                      <td className="num">{e.llr.toFixed(1)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
        </>
      )}
    </div>
  );
}

/** Layout and routes: a page per route, state that people share (ids, graph settings) in the URL. */
import { lazy, Suspense, useEffect } from 'react';
import { Link, NavLink, Route, Routes, useLocation } from 'react-router';
import { useSession } from './api/session';
import { Problems } from './components/Problems';
import { AuditPage } from './pages/AuditPage';
import { DocumentPage } from './pages/DocumentPage';
import { EntityPage } from './pages/EntityPage';
import { JobsPage } from './pages/JobsPage';
import { SearchPage } from './pages/SearchPage';
import { SignInPage } from './pages/SignInPage';

// Cytoscape is the largest dependency; only the graph page loads it.
const GraphPage = lazy(() => import('./pages/GraphPage'));

function Header() {
  const session = useSession();
  const { viewer } = session;
  return (
    <header className="top">
      <Link to="/" className="brand" aria-label="vaner-kg home">
        <img src="/favicon.svg" alt="" width="24" height="24" /> vaner-kg
      </Link>
      <nav aria-label="Main">
        <NavLink to="/" end>Search</NavLink>
        <NavLink to="/graph">Co-mention graph</NavLink>
        <NavLink to="/jobs">{session.can('SUBMITTER') ? 'Submit & jobs' : 'Jobs'}</NavLink>
        {session.can('CURATOR') && <NavLink to="/audit">Audit</NavLink>}
        <a href="/graphql">GraphQL</a>
      </nav>
      <div className="who" data-testid="who">
        {viewer === null ? (
          <span className="muted">…</span>
        ) : viewer.keyId ? (
          <>
            <span>
              Signed in as <strong>{viewer.owner}</strong> <span className="role">{viewer.role}</span>
            </span>
            <button type="button" onClick={session.signOut}>Sign out</button>
          </>
        ) : (
          <>
            <span className="muted">{viewer.role ? 'Anonymous reader' : 'Not signed in'}</span>
            <Link to="/signin" className="button">Sign in</Link>
          </>
        )}
      </div>
    </header>
  );
}

/** Focus moves to the main heading on navigation so keyboard and screen-reader users land on the new page. */
function useFocusOnNavigate() {
  const location = useLocation();
  useEffect(() => {
    const h1 = document.querySelector<HTMLElement>('main h1');
    if (h1) {
      h1.tabIndex = -1;
      h1.focus({ preventScroll: false });
    }
  }, [location.pathname]);
}

export function App() {
  const session = useSession();
  useFocusOnNavigate();
  const location = useLocation();
  const needsKey = session.viewer !== null && session.viewer.role === null && location.pathname !== '/signin';
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <Header />
      <main id="main">
        {needsKey ? (
          <div className="notice">
            <h1>Sign in to read</h1>
            <Problems problems={session.problems} />
            <p>This server does not allow anonymous reading. <Link to="/signin">Sign in with an API key</Link>.</p>
          </div>
        ) : (
          <Suspense fallback={<p role="status">Loading…</p>}>
            <Routes>
              <Route path="/" element={<SearchPage />} />
              <Route path="/signin" element={<SignInPage />} />
              <Route path="/documents/:id" element={<DocumentPage />} />
              <Route path="/entities/:id" element={<EntityPage />} />
              <Route path="/graph" element={<GraphPage />} />
              <Route path="/jobs" element={<JobsPage />} />
              <Route path="/audit" element={<AuditPage />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        )}
      </main>
    </>
  );
}

function NotFound() {
  return (
    <div className="notice">
      <h1>No such page</h1>
      <p>
        Try the <Link to="/">search</Link>, the <Link to="/graph">co-mention graph</Link> or the <Link to="/jobs">jobs</Link>.
      </p>
    </div>
  );
}

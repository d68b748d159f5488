import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import type { ApiProblem } from '../api/problems';
import { useSession } from '../api/session';
import { Problems } from '../components/Problems';

export function SignInPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<readonly ApiProblem[]>([]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const found = await session.signIn(key);
    setBusy(false);
    setProblems(found);
    if (found.length === 0) navigate('/');
  };

  return (
    <div className="narrow">
      <h1>Sign in</h1>
      <p>
        Paste an API key. It is kept in this browser tab only (session storage) and sent to this server as a Bearer token; closing
        the tab forgets it.
      </p>
      <form onSubmit={submit} className="stack">
        <label htmlFor="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" spellCheck={false} placeholder="vk_…" value={key} onChange={(e) => setKey(e.target.value)} />
        <div>
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Checking…' : 'Sign in'}</button>
        </div>
      </form>
      <Problems problems={problems} title="The key was not accepted" />
      <p className="muted">
        No key? The first <code>vaner serve</code> prints an admin key once; an admin creates others with{' '}
        <code>npx vaner keys create --role curator --owner you</code>. Roles: reader (read), submitter (+ submit documents), curator (+
        curation), admin (+ keys).
      </p>
    </div>
  );
}

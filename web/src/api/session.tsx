/**
 * Who the dashboard talks to the API as: an API key kept in sessionStorage (never in a URL), the
 * key's owner and role from `viewer`, and the one urql client that sends the key as a Bearer token.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { cacheExchange, Client, fetchExchange, Provider } from 'urql';
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';
import { problemsOf, type ApiProblem } from './problems';

const STORAGE_KEY = 'vaner-kg.apiKey';
const RANK: Record<Role, number> = { READER: 1, SUBMITTER: 2, CURATOR: 3, ADMIN: 4 };

export const ViewerQuery = graphql(`
  query Viewer {
    viewer { keyId owner role }
  }
`);

export interface Viewer {
  readonly keyId: string | null;
  readonly owner: string;
  readonly role: Role | null;
}

interface SessionState {
  readonly apiKey: string | null;
  /** null while the first viewer request runs. */
  readonly viewer: Viewer | null;
  /** Why the stored key or anonymous access failed, when it did. */
  readonly problems: readonly ApiProblem[];
  /** Verifies the key with `viewer`; keeps it only when the server accepts it. Returns the problems, [] on success. */
  signIn(key: string): Promise<readonly ApiProblem[]>;
  signOut(): void;
  /** Whether the viewer's role includes `role`. */
  can(role: Role): boolean;
}

const SessionContext = createContext<SessionState | null>(null);

export function makeClient(apiKey: string | null): Client {
  return new Client({
    url: '/graphql',
    exchanges: [cacheExchange, fetchExchange],
    // POST only: Apollo's CSRF protection refuses simple GET requests, and queries can be long.
    preferGetMethod: false,
    fetchOptions: () => (apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}),
  });
}

function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [apiKey, setApiKey] = useState<string | null>(readStoredKey);
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [problems, setProblems] = useState<readonly ApiProblem[]>([]);
  const client = useMemo(() => makeClient(apiKey), [apiKey]);

  useEffect(() => {
    let cancelled = false;
    setViewer(null);
    client.query(ViewerQuery, {}, { requestPolicy: 'network-only' }).toPromise().then((result) => {
      if (cancelled) return;
      if (result.data) {
        setViewer(result.data.viewer);
        setProblems([]);
      } else {
        const found = problemsOf(result.error);
        setProblems(found);
        // A stored key the server refuses (revoked, another server) is dropped; anonymous may still read.
        if (apiKey !== null && found.some((p) => p.code === 'UNAUTHENTICATED')) {
          sessionStorage.removeItem(STORAGE_KEY);
          setApiKey(null);
        } else {
          setViewer({ keyId: null, owner: 'anonymous', role: null });
        }
      }
    });
    return () => {
      cancelled = true;
    };
  }, [client, apiKey]);

  const signIn = useCallback(async (key: string): Promise<readonly ApiProblem[]> => {
    const trimmed = key.trim();
    if (trimmed === '') return [{ code: 'BAD_USER_INPUT', message: 'Enter an API key (it starts with vk_).' }];
    const result = await makeClient(trimmed).query(ViewerQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    if (!result.data) return problemsOf(result.error);
    sessionStorage.setItem(STORAGE_KEY, trimmed);
    setApiKey(trimmed);
    return [];
  }, []);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    setApiKey(null);
  }, []);

  const state = useMemo<SessionState>(
    () => ({
      apiKey,
      viewer,
      problems,
      signIn,
      signOut,
      can: (role: Role) => viewer?.role != null && RANK[viewer.role] >= RANK[role],
    }),
    [apiKey, viewer, problems, signIn, signOut],
  );
  return (
    <SessionContext.Provider value={state}>
      <Provider value={client}>{children}</Provider>
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/**
 * The browser session. The API keeps the session (an HTTP-only, SameSite=Strict cookie); the page only
 * learns who is signed in and the CSRF token it must echo on unsafe requests.
 *
 * Contract with the API (api/routes/auth.ts):
 *   GET  /api/auth/providers  -> AuthProviders (no account needed)
 *   GET  /api/auth/session    -> SessionInfo, or 401 when signed out / idle too long
 *   POST /api/auth/login      {username, password, totp?} -> SessionInfo
 *                             401 InvalidCredentials | 401 SecondFactorRequired | 423 AccountLocked
 *   POST /api/auth/dev-login  {userId} -> SessionInfo (development only: demo users)
 *   POST /api/auth/logout     -> 204
 *   GET  /api/auth/oidc/login -> redirect to the identity provider; its callback sets the cookie
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthenticated, setCsrfToken } from '../api/client';

export type Role = 'officer' | 'leader' | 'expert' | 'inspector' | 'institution' | 'admin' | 'public';

export interface Principal {
  id: string;
  name: string;
  role: Role;
  unit: string;
}

export interface SessionInfo {
  principal: Principal;
  csrfToken: string;
  idleTimeoutSeconds: number;
  expiresAt: string;
  /** How the person signed in: 'password+totp', 'oidc', 'dev'. */
  method: string;
  /** Signed in with a one-time password: the API refuses everything until it is changed (/account/password). */
  passwordChangeRequired?: boolean;
}

export interface AuthProviders {
  local: boolean;
  oidc: { name: string; loginUrl: string } | null;
  dev: { users: Principal[] } | null;
}

interface SessionState {
  session: SessionInfo | null;
  loading: boolean;
  login(username: string, password: string, totp?: string): Promise<void>;
  devLogin(userId: string): Promise<void>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [loading, setLoading] = useState(true);

  const adopt = useCallback((s: SessionInfo | null) => {
    setCsrfToken(s?.csrfToken ?? null);
    setSession(s);
  }, []);

  const refresh = useCallback(async () => {
    try {
      adopt(await api.get<SessionInfo>('/api/auth/session'));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
      adopt(null);
    } finally {
      setLoading(false);
    }
  }, [adopt]);

  useEffect(() => {
    void refresh();
    return onUnauthenticated(() => adopt(null));
  }, [refresh, adopt]);

  const value = useMemo<SessionState>(
    () => ({
      session,
      loading,
      refresh,
      async login(username, password, totp) {
        adopt(await api.post<SessionInfo>('/api/auth/login', { username, password, ...(totp ? { totp } : {}) }));
      },
      async devLogin(userId) {
        adopt(await api.post<SessionInfo>('/api/auth/dev-login', { userId }));
      },
      async logout() {
        try {
          await api.post('/api/auth/logout');
        } finally {
          adopt(null);
        }
      },
    }),
    [session, loading, refresh, adopt],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Staff roles work in the console; experts, inspectors and institutions have their own areas. */
export const STAFF_ROLES: Role[] = ['officer', 'leader', 'admin'];
/** Where a session signed in with a one-time password goes first, keeping where it was headed. */
export function passwordChangePath(next: string): string {
  return `/account/password?next=${encodeURIComponent(next)}`;
}

export function homeOf(role: Role): string {
  if (STAFF_ROLES.includes(role)) return '/console/inbox';
  if (role === 'expert' || role === 'inspector') return '/expert/tasks';
  if (role === 'institution') return '/portal';
  return '/';
}

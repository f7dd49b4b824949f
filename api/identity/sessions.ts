/**
 * Browser sessions kept by the server. The cookie `dte_session` holds a random 256-bit id; the store
 * keeps only its SHA-256, so a copy of the database does not hold usable sessions. A session ends when
 * unused for the idle timeout, at its absolute lifetime, or at sign-out; each use moves its idle
 * deadline. Expiry is checked on every read (FerretDB v1 has no TTL index) and expired sessions are
 * purged at each sign-in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Config } from '../../config/env.js';
import { SECURITY_POLICY } from '../../config/security.js';
import type { Principal } from '../../rules/actors.js';
import type { SessionDoc } from '../../store/identity.js';
import type { Store } from '../../store/mongo.js';

export const SESSION_COOKIE = SECURITY_POLICY.session.cookie;
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Who signed in, and how: what a session is created from. */
export interface SignedIn {
  principal: Principal;
  /** `password`, `password+totp`, `oidc`, `dev` */
  method: string;
  accountId: string | null;
  passwordChangeRequired?: boolean;
}

/** What the session endpoints answer (web/src/auth/session.tsx `SessionInfo`). */
export interface SessionInfo {
  principal: Principal;
  csrfToken: string;
  idleTimeoutSeconds: number;
  expiresAt: string;
  method: string;
  passwordChangeRequired?: boolean;
}

export interface SessionService {
  readonly idleSeconds: number;
  /** A new session (a new id every sign-in: no fixation). The id goes in the cookie, nowhere else. */
  create(who: SignedIn, meta: { ip: string; userAgent: string }): Promise<{ id: string; session: SessionDoc }>;
  /** The live session of a cookie value, touched; null when unknown, ended or malformed. */
  resolve(id: string | undefined): Promise<SessionDoc | null>;
  revoke(id: string | undefined): Promise<boolean>;
  /** Ends every session of a person (account disabled, password reset). */
  revokeAllOf(principalId: string): Promise<number>;
  info(session: SessionDoc): SessionInfo;
  /** The attributes of the session cookie: HttpOnly, SameSite=Strict, Path=/, Secure when configured. */
  readonly cookieOptions: CookieSerializeOptions;
}

export const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfTokenMatches(session: SessionDoc, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 200) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(session.csrfToken).digest();
  return timingSafeEqual(a, b);
}

export function createSessionService(deps: { store: Store; config: Config; now: () => Date }): SessionService {
  const { store, config, now } = deps;
  const idleMs = config.sessionIdleMinutes * 60_000;
  const maxMs = config.sessionMaxHours * 3_600_000;
  const touchMs = Math.min(SECURITY_POLICY.session.touchEverySeconds * 1000, idleMs / 10);
  const ended = (s: SessionDoc, t: Date) => t >= s.expiresAt || t >= s.idleExpiresAt || t.getTime() - s.lastSeenAt.getTime() >= idleMs;

  return {
    idleSeconds: Math.round(idleMs / 1000),
    cookieOptions: { httpOnly: true, sameSite: 'strict', path: '/', secure: config.cookieSecure },

    async create(who, meta) {
      const t = now();
      // FerretDB has no TTL index: sign-ins sweep what has ended.
      await store.sessions.deleteMany({ idleExpiresAt: { $lte: t } }).catch(() => undefined);
      const id = randomBytes(32).toString('base64url');
      const expiresAt = new Date(t.getTime() + maxMs);
      const session: SessionDoc = {
        _id: hashSessionId(id),
        principal: who.principal,
        method: who.method,
        accountId: who.accountId,
        passwordChangeRequired: who.passwordChangeRequired ?? false,
        csrfToken: randomBytes(32).toString('base64url'),
        createdAt: t,
        lastSeenAt: t,
        idleExpiresAt: new Date(Math.min(t.getTime() + idleMs, expiresAt.getTime())),
        expiresAt,
        ip: meta.ip,
        userAgent: meta.userAgent.slice(0, 300),
      };
      await store.sessions.insertOne(session);
      return { id, session };
    },

    async resolve(id) {
      if (!id || !ID_PATTERN.test(id)) return null;
      const session = await store.sessions.findOne({ _id: hashSessionId(id) });
      if (!session) return null;
      const t = now();
      if (ended(session, t)) {
        await store.sessions.deleteOne({ _id: session._id });
        return null;
      }
      if (t.getTime() - session.lastSeenAt.getTime() >= touchMs) {
        session.lastSeenAt = t;
        session.idleExpiresAt = new Date(Math.min(t.getTime() + idleMs, session.expiresAt.getTime()));
        await store.sessions.updateOne({ _id: session._id }, { $set: { lastSeenAt: session.lastSeenAt, idleExpiresAt: session.idleExpiresAt } });
      }
      return session;
    },

    async revoke(id) {
      if (!id || !ID_PATTERN.test(id)) return false;
      return (await store.sessions.deleteOne({ _id: hashSessionId(id) })).deletedCount > 0;
    },

    async revokeAllOf(principalId) {
      return (await store.sessions.deleteMany({ 'principal.id': principalId })).deletedCount;
    },

    info(session) {
      return {
        principal: session.principal,
        csrfToken: session.csrfToken,
        idleTimeoutSeconds: Math.round(idleMs / 1000),
        expiresAt: session.expiresAt.toISOString(),
        method: session.method,
        ...(session.passwordChangeRequired ? { passwordChangeRequired: true } : {}),
      };
    },
  };
}

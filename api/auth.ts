/**
 * Authentication, two ways, both giving the request its principal (`{id, name, role, unit}`):
 *   - a bearer token (JWT, HS256 via jose) naming the person (`sub`, `name`), their role and unit:
 *     scripts and API clients; no CSRF token (a browser never adds the header by itself);
 *   - a browser session (cookie `dte_session`, api/identity/sessions.ts): every unsafe method
 *     (POST, PUT, PATCH, DELETE) must echo the session's CSRF token in `x-csrf-token`.
 * The check runs as an `onRequest` hook, before the body is read or validated: a request without
 * valid credentials is a 401 whatever its body.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { SECURITY_POLICY } from '../config/security.js';
import { isUnit, ROLES, type Principal, type Role } from '../rules/actors.js';
import type { SessionDoc } from '../store/identity.js';
import { ApiError } from './errors.js';
import { csrfTokenMatches, SESSION_COOKIE, type SessionService } from './identity/sessions.js';

const ISSUER = 'dte';
const AUDIENCE = 'dte-api';

export interface TokenService {
  mint(p: Principal, ttl?: string): Promise<string>;
  verify(token: string): Promise<Principal>;
}

export function createTokenService(secret: string): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async mint(p, ttl = '8h') {
      return new SignJWT({ name: p.name, role: p.role, unit: p.unit })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(p.id)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(ttl)
        .sign(key);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      const { sub, name, role, unit } = payload as Record<string, unknown>;
      if (typeof sub !== 'string' || typeof name !== 'string' || !ROLES.includes(role as Role) || typeof unit !== 'string' || !isUnit(unit)) {
        throw new ApiError(401, 'Unauthenticated', 'the token does not name a valid principal');
      }
      return { id: sub, name, role: role as Role, unit };
    },
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The browser session the request came with, when it was authenticated by one. */
    session?: SessionDoc;
  }
}

/** Methods that change something: a session-authenticated one needs the CSRF token. */
export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const CSRF_HEADER = 'x-csrf-token';

async function verifyBearer(tokens: TokenService, header: string): Promise<Principal> {
  if (!header.startsWith('Bearer ')) throw new ApiError(401, 'Unauthenticated', 'send "Authorization: Bearer <token>" or sign in');
  try {
    return await tokens.verify(header.slice('Bearer '.length).trim());
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const reason = e instanceof joseErrors.JWTExpired ? 'the token has expired' : 'the token is not valid';
    throw new ApiError(401, 'Unauthenticated', reason);
  }
}

/** 403 `CsrfTokenInvalid` unless the request carries the session's CSRF token (unsafe methods only). */
export function checkCsrf(req: FastifyRequest, session: SessionDoc): void {
  if (!UNSAFE_METHODS.has(req.method)) return;
  if (!csrfTokenMatches(session, req.headers[CSRF_HEADER])) {
    throw new ApiError(403, 'CsrfTokenInvalid', `a signed-in browser must send the session's CSRF token in the ${CSRF_HEADER} header (GET /api/auth/session gives it)`);
  }
}

/**
 * An `onRequest` hook that requires a valid bearer token or browser session. A bearer token, when
 * sent, is the one credential looked at. Without `sessions`, bearer tokens only.
 */
export function requireAuth(tokens: TokenService, sessions?: SessionService) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      req.principal = await verifyBearer(tokens, header);
      return;
    }
    const cookie = sessions ? req.cookies?.[SESSION_COOKIE] : undefined;
    if (!sessions || cookie === undefined) throw new ApiError(401, 'Unauthenticated', 'send "Authorization: Bearer <token>" or sign in');
    const session = await sessions.resolve(cookie);
    if (!session) {
      reply.clearCookie(SESSION_COOKIE, sessions.cookieOptions);
      throw new ApiError(401, 'Unauthenticated', 'the session has ended (signed out, idle too long or expired): sign in again');
    }
    req.principal = session.principal;
    req.session = session;
    checkCsrf(req, session);
    checkPasswordChange(req, session);
  };
}


/**
 * 403 `PasswordChangeRequired` for a session signed in with a one-time password (set by an admin at
 * `create` or `reset-password`), on everything but changing it: whoever else saw that password (the
 * admin, the channel it went through) cannot act as the person.
 */
export function checkPasswordChange(req: FastifyRequest, session: SessionDoc): void {
  const allowed = SECURITY_POLICY.password.allowedBeforeChange;
  if (!session.passwordChangeRequired || allowed.includes(`${req.method} ${req.routeOptions.url}`)) return;
  throw new ApiError(403, 'PasswordChangeRequired', 'this account signed in with a one-time password: change it first (POST /api/auth/password)', { allowed });
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new ApiError(401, 'Unauthenticated', 'authentication required');
  return req.principal;
}

export function requireRole(req: FastifyRequest, roles: Role[]): Principal {
  const p = principalOf(req);
  if (!roles.includes(p.role)) throw new ApiError(403, 'Forbidden', `this needs the role ${roles.join(' or ')}`);
  return p;
}

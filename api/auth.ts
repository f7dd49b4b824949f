/**
 * Authentication with signed tokens (JWT, HS256 via jose). A token names the person (`sub`, `name`),
 * their role and their unit (jurisdiction); every route reads the principal from it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { isUnit, ROLES, type Principal, type Role } from '../rules/actors.js';
import { ApiError } from './errors.js';

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
  }
}

/** A preHandler that requires a valid bearer token. */
export function requireAuth(tokens: TokenService) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw new ApiError(401, 'Unauthenticated', 'send "Authorization: Bearer <token>"');
    try {
      req.principal = await tokens.verify(header.slice('Bearer '.length).trim());
    } catch (e) {
      if (e instanceof ApiError) throw e;
      const reason = e instanceof joseErrors.JWTExpired ? 'the token has expired' : 'the token is not valid';
      throw new ApiError(401, 'Unauthenticated', reason);
    }
  };
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

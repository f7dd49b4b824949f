/**
 * The security event log (等保三级 security audit): every refused request (401, 403, 423) and every
 * sign-in, failed sign-in, lockout, sign-out and account change, one document per response, written
 * after the response is sent. A failure to write is logged and never changes the answer.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../rules/actors.js';
import type { SecurityEventDoc, SecurityEventKind } from '../../store/identity.js';
import type { Store } from '../../store/mongo.js';
import { SESSION_COOKIE } from './sessions.js';

/** What a route adds to the event of its response (a sign-in's outcome, the account it was for). */
export interface SecurityNote {
  kind: SecurityEventKind;
  subject?: string | null;
  reason?: string | null;
  /** Who acted, when not the request's authenticated principal (a sign-in just made). */
  principal?: Principal;
}

declare module 'fastify' {
  interface FastifyRequest {
    securityNote?: SecurityNote;
    /** The error code of a refused answer, read from its body as it is sent. */
    refusalCode?: string;
  }
}

/** Statuses that are refusals of access, each one logged. */
export const AUDITED_STATUSES = new Set([401, 403, 423]);
/** Query parameters that carry credentials (OIDC callback) and are never logged. */
const REDACTED = ['code', 'state', 'session_state', 'id_token', 'access_token', 'token'];

function redact(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url.slice(0, 2000);
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of REDACTED) if (params.has(name)) params.set(name, 'REDACTED');
  return `${url.slice(0, q)}?${params.toString()}`.slice(0, 2000);
}

export async function recordSecurityEvent(store: Store, event: Omit<SecurityEventDoc, '_id'> & { _id?: string }): Promise<void> {
  try {
    await store.securityEvents.insertOne({ ...event, _id: event._id ?? randomUUID() });
  } catch (e) {
    // The same event twice (a retried insert) is the one event.
    if ((e as { code?: number }).code !== 11000) throw e;
  }
}

/**
 * The signed-out probe of the console (`GET /api/auth/session` without any session cookie, on every
 * page load of every visitor) is not an access attempt: logging it would fill the log with noise.
 */
const isSignedOutProbe = (req: FastifyRequest) => req.method === 'GET' && req.routeOptions.url === '/api/auth/session' && !req.cookies?.[SESSION_COOKIE];

export function installSecurityLog(app: FastifyInstance, store: Store, now: () => Date): void {
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (AUDITED_STATUSES.has(reply.statusCode) && typeof payload === 'string') {
      try {
        const code = (JSON.parse(payload) as { error?: { code?: unknown } }).error?.code;
        if (typeof code === 'string') req.refusalCode = code;
      } catch {
        // not JSON: no code
      }
    }
    return payload;
  });

  app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    const status = reply.statusCode;
    const note = req.securityNote;
    if (!note && !AUDITED_STATUSES.has(status)) return;
    if (!note && isSignedOutProbe(req)) return;
    const who = note?.principal ?? req.principal;
    const event: SecurityEventDoc = {
      _id: randomUUID(),
      at: now(),
      kind: note?.kind ?? 'denied',
      method: req.method,
      route: req.routeOptions.url ?? null,
      url: redact(req.url),
      status,
      code: req.refusalCode ?? null,
      principal: who ? { id: who.id, role: who.role, unit: who.unit } : null,
      subject: note?.subject ?? null,
      reason: note?.reason ?? null,
      ip: req.ip,
      userAgent: String(req.headers['user-agent'] ?? '').slice(0, 300),
    };
    try {
      await recordSecurityEvent(store, event);
    } catch (e) {
      req.log.error({ err: e, event }, 'security event not recorded');
    }
  });
}

/**
 * The security event log (api/identity/securityEvents.ts), newest first, for the platform admin and
 * the national group's leaders (config/security.ts `securityEventReaders`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Filter } from 'mongodb';
import { Type } from 'typebox';
import { SECURITY_POLICY } from '../../config/security.js';
import type { SecurityEventDoc } from '../../store/identity.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';

const KINDS = ['denied', 'login.succeeded', 'login.failed', 'account.locked', 'logout', 'account.created', 'account.unlocked', 'account.disabled', 'account.passwordReset', 'account.passwordChanged'] as const;

const EventSchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  kind: Type.String(),
  method: Type.String(),
  route: Type.Union([Type.String(), Type.Null()]),
  url: Type.String(),
  status: Type.Integer(),
  code: Type.Union([Type.String(), Type.Null()]),
  principal: Type.Union([Type.Object({ id: Type.String(), role: Type.String(), unit: Type.String() }), Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  ip: Type.String(),
  userAgent: Type.String(),
});

export const securityEventRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/security-events',
    {
      schema: {
        tags: ['accounts'],
        summary: 'The security event log, newest first: refused requests (401, 403, 423), sign-ins, lockouts, sign-outs (admin, national leaders)',
        security: [{ bearer: [] }, { session: [] }],
        querystring: Type.Object(
          {
            kind: Type.Optional(Type.Union(KINDS.map((k) => Type.Literal(k)))),
            status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
            principalId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
            subject: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(EventSchema) }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (req) => {
      const p = principalOf(req);
      if (!SECURITY_POLICY.securityEventReaders.some((r) => r.role === p.role && (r.unit === undefined || r.unit === p.unit))) {
        throw new ApiError(403, 'Forbidden', 'the security event log is for the platform admin and the national group leaders');
      }
      const q = req.query;
      const filter: Filter<SecurityEventDoc> = {};
      if (q.kind) filter.kind = q.kind;
      if (q.status !== undefined) filter.status = q.status;
      if (q.principalId) filter['principal.id'] = q.principalId;
      if (q.subject) filter.subject = q.subject;
      const docs = await ctx.store.securityEvents.find(filter).sort({ at: -1, _id: -1 }).skip(q.skip).limit(q.limit).toArray();
      return {
        items: docs.map(({ _id, at, ...rest }) => ({ id: _id, at: at.toISOString(), ...rest })),
      };
    },
  );
};

/** Cases of every type: the case page (state, deadlines, available actions), its history and audit verification. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { verifyChain } from '../../store/auditChain.js';
import { principalOf } from '../auth.js';
import { caseView, commandResultFor, isStaffOver, readableCase, sendCommand } from '../cases.js';
import type { ApiContext } from '../context.js';
import { ErrorSchema } from '../errors.js';
import { CaseSchema, CommandResultSchema, PrincipalSchema } from '../schemas.js';

const CaseParams = Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 200 }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export const caseRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/cases/:caseId',
    { schema: { tags: ['cases'], summary: 'A case: status, state, deadlines with explanations, actions available to the caller', security: [{ bearer: [] }], params: CaseParams, response: { 200: CaseSchema, ...errors } } },
    async (req) => {
      const p = principalOf(req);
      return caseView(await readableCase(ctx, req.params.caseId, p), p);
    },
  );

  app.get(
    '/api/cases/:caseId/history',
    {
      schema: {
        tags: ['cases'],
        summary: 'Every step of the case: actor, time, event, from → to, rule (the audit chain)',
        security: [{ bearer: [] }],
        params: CaseParams,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                seq: Type.Integer(),
                at: Type.String(),
                actor: PrincipalSchema,
                event: Type.Record(Type.String(), Type.Unknown()),
                from: Type.Unknown(),
                to: Type.Unknown(),
                rule: Type.String(),
                hash: Type.String(),
                prevHash: Type.String(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const doc = await readableCase(ctx, req.params.caseId, p);
      const items = await ctx.store.audit.find({ caseId: req.params.caseId }, { projection: { _id: 0, caseId: 0 } }).sort({ seq: 1 }).toArray();
      // R7.3: panel membership and votes are for the organiser's staff and oversight, never for applicants or other parties.
      if (isStaffOver(p, doc.owner)) return { items };
      const hidden = new Set(doc.confidentialEvents ?? []);
      return { items: items.filter((e) => !hidden.has(e.event.type)) };
    },
  );

  app.get(
    '/api/cases/:caseId/audit/verify',
    {
      schema: {
        tags: ['cases'],
        summary: 'Verify the case\'s audit hash chain (edits, deletions, insertions, reordering)',
        security: [{ bearer: [] }],
        params: CaseParams,
        response: {
          200: Type.Object({ caseId: Type.String(), entries: Type.Integer(), valid: Type.Boolean(), problems: Type.Array(Type.Object({ seq: Type.Integer(), kind: Type.String(), message: Type.String() })) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const doc = await readableCase(ctx, req.params.caseId, p);
      const entries = await ctx.store.audit.find({ caseId: doc._id }).sort({ seq: 1 }).toArray();
      const problems = verifyChain(entries, doc.seq);
      return { caseId: doc._id, entries: entries.length, valid: problems.length === 0, problems };
    },
  );

  app.post(
    '/api/cases/:caseId/actions/:action',
    {
      schema: {
        tags: ['cases'],
        summary: 'Send a command to any case (the typed routes per case type document each payload)',
        security: [{ bearer: [] }],
        params: Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 200 }), action: Type.String({ pattern: '^[A-Z_]{1,40}$' }) }),
        body: Type.Record(Type.String(), Type.Unknown()),
        response: { 200: CommandResultSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const doc = await readableCase(ctx, req.params.caseId, p);
      return commandResultFor(await sendCommand(ctx, req.params.caseId, req.params.action, req.body, p), doc.owner, p);
    },
  );
};

/**
 * Selection plans (R7.1, R8.1): create, list, and one route per command of the plan's machine
 * (generated from the command registry, so each has its payload schema in /openapi.json).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { Type } from 'typebox';
import { PlanDraftSchema } from '../../machines/selectionPlan.case.js';
import { selectionPlanCase } from '../../machines/selectionPlan.case.js';
import { KINDS, organiserMismatch } from '../../rules/kinds.js';
import { duplicateOccupations } from '../../rules/selectionPlan.js';
import { CASE_TYPES } from '../../workflows/caseTypes.js';
import { selectionPlanWorkflow } from '../../workflows/index.js';
import { principalOf, requireRole } from '../auth.js';
import { caseView, ownerFilter } from '../cases.js';
import { commandErrors, commandRoutes } from '../commandRoutes.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { CaseSchema } from '../schemas.js';

const errors = commandErrors;

export const selectionPlanRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/selection-plans',
    {
      schema: {
        tags: ['selection plans'],
        summary: 'Start drafting a selection plan (R7.1; R8.1 for a province)',
        description: 'The organiser is the caller\'s unit: the national group for evaluation institutions, a provincial HR department for training institutions.',
        security: [{ bearer: [] }],
        body: Type.Object(
          {
            kind: Type.Union(KINDS.map((k) => Type.Literal(k))),
            reference: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$', description: 'business reference, unique per organiser, e.g. 2026-01' })),
            draft: PlanDraftSchema,
          },
          { additionalProperties: false },
        ),
        response: { 201: CaseSchema, ...errors },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, ['officer']);
      const { kind, draft } = req.body;
      const mismatch = organiserMismatch(kind, p.unit);
      if (mismatch) throw new ApiError(403, 'Forbidden', mismatch, { rule: kind === 'evaluation' ? 'R7.1' : 'R8.1' });
      const dup = duplicateOccupations('/draft/occupations', draft.occupations);
      if (dup.length > 0) throw new ApiError(400, 'InvalidInput', dup[0]!.message, { fields: dup });
      const caseId = `${CASE_TYPES.selectionPlan.idPrefix}:${p.unit}:${req.body.reference ?? randomUUID()}`;
      try {
        await ctx.temporal.workflow.start(selectionPlanWorkflow, {
          workflowId: caseId,
          taskQueue: ctx.config.taskQueue,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          args: [{ input: { kind, organiser: p.unit, draft, createdBy: p } }],
        });
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) throw new ApiError(409, 'Conflict', `a selection plan ${caseId} exists already`);
        throw e;
      }
      const doc = await waitForProjection(ctx, caseId);
      return reply.status(201).header('location', `/api/cases/${encodeURIComponent(caseId)}`).send(caseView(doc, p));
    },
  );

  app.get(
    '/api/selection-plans',
    {
      schema: {
        tags: ['selection plans'],
        summary: 'Selection plans the caller may see, newest first',
        security: [{ bearer: [] }],
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(CaseSchema) }), 401: ErrorSchema },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const docs = await ctx.store.cases
        .find({ caseType: 'selectionPlan', ...ownerFilter(p) })
        .sort({ updatedAt: -1, _id: 1 })
        .skip(req.query.skip)
        .limit(req.query.limit)
        .toArray();
      return { items: docs.map((d) => caseView(d, p)) };
    },
  );

  await app.register(commandRoutes(ctx, '/api/selection-plans', selectionPlanCase, 'selection plans'));
};

/** The first step of a new case is recorded by its workflow within moments; wait for it. */
export async function waitForProjection(ctx: ApiContext, caseId: string) {
  for (let i = 0; i < 100; i++) {
    const doc = await ctx.store.cases.findOne({ _id: caseId });
    if (doc) return doc;
    await new Promise((r) => setTimeout(r, 50 + i * 10));
  }
  throw new ApiError(504, 'Timeout', `case ${caseId} was started but not yet recorded; retry GET /api/cases/${caseId}`);
}

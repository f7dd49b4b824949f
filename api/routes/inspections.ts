/**
 * Random inspections (双随机一公开, R16): a department keeps its inspector list, starts an inspection
 * (the draw of institutions and inspectors runs at once, reproducibly), the inspectors record their
 * findings from their inboxes, the department publishes the results and turns the findings into
 * rectification orders in one step. Results are public once published; the draw can be re-run.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { Type } from 'typebox';
import { inspectionCase } from '../../machines/inspection.case.js';
import type { InspectionJurisdiction } from '../../machines/inspection.machine.js';
import { canOversee, type Principal, type Unit } from '../../rules/actors.js';
import { KINDS } from '../../rules/kinds.js';
import { inspectionPolicy, verifyCampaignDraw, type CampaignDrawRecord } from '../../rules/inspection/index.js';
import { CASE_TYPES } from '../../workflows/caseTypes.js';
import { inspectionWorkflow } from '../../workflows/index.js';
import { principalOf, requireRole } from '../auth.js';
import { caseView, readableCase } from '../cases.js';
import { commandErrors, commandRoutes } from '../commandRoutes.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { CaseSchema } from '../schemas.js';
import { waitForProjection } from './selectionPlans.js';

const { inspectorsPerInstitution: perInstitution } = inspectionPolicy;

const InspectorSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    employer: Type.String({ minLength: 1, maxLength: 200 }),
    employmentHistory: Type.Array(
      Type.Object(
        {
          employer: Type.String({ minLength: 1, maxLength: 200 }),
          from: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
          to: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }), Type.Null()])),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);

const StartSchema = Type.Object(
  {
    reference: Type.String({ pattern: '^[A-Za-z0-9-]{1,40}$', description: 'unique per department, e.g. 2027-Q1' }),
    title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    filters: Type.Optional(
      Type.Object(
        {
          kind: Type.Optional(Type.Union(KINDS.map((k) => Type.Literal(k)))),
          occupationCodes: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]-[0-9]{2}-[0-9]{2}-[0-9]{2}$' }), { minItems: 1, maxItems: 100 })),
          riskFlags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 20 })),
        },
        { additionalProperties: false },
      ),
    ),
    institutionCount: Type.Integer({ minimum: 1, maximum: 1000 }),
    inspectorsPerInstitution: Type.Integer({ minimum: perInstitution.minimum, maximum: perInstitution.maximum, default: perInstitution.default }),
    inspectionWorkingDays: Type.Integer({ minimum: 1, maximum: 120, default: 20 }),
  },
  { additionalProperties: false },
);

/** R16 here: provincial HR or the national group runs a random inspection of its jurisdiction's directory. */
function jurisdictionOf(p: Principal): InspectionJurisdiction {
  if (p.unit === 'national' || p.unit.startsWith('province:')) return p.unit as InspectionJurisdiction;
  throw new ApiError(403, 'Forbidden', `random inspections are run by provincial HR or the national group (the directory records provinces, not localities); ${p.unit} cannot`, { rule: 'R16' });
}

export const inspectionRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.put(
    '/api/inspectors/:inspectorId',
    {
      schema: {
        tags: ['random inspections'],
        summary: 'Add or update an inspector of my department\'s list (R16)',
        security: [{ bearer: [] }],
        params: Type.Object({ inspectorId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }),
        body: InspectorSchema,
        response: { 200: Type.Object({ inspectorId: Type.String(), unit: Type.String() }), ...commandErrors },
      },
    },
    async (req) => {
      const p = requireRole(req, ['officer', 'leader']);
      jurisdictionOf(p);
      const existing = await ctx.store.inspectors.findOne({ _id: req.params.inspectorId });
      if (existing && existing.unit !== p.unit) throw new ApiError(403, 'Forbidden', `inspector ${req.params.inspectorId} is on the list of ${existing.unit}`, { rule: 'R16' });
      await ctx.store.inspectors.replaceOne({ _id: req.params.inspectorId }, { ...req.body, unit: p.unit, updatedAt: new Date() }, { upsert: true });
      return { inspectorId: req.params.inspectorId, unit: p.unit };
    },
  );

  app.get(
    '/api/inspectors',
    {
      schema: {
        tags: ['random inspections'],
        summary: 'My department\'s inspector list (R16)',
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ inspectorId: Type.String(), name: Type.String(), employer: Type.String(), active: Type.Boolean() })) }), ...commandErrors },
      },
    },
    async (req) => {
      const p = requireRole(req, ['officer', 'leader', 'admin']);
      const docs = await ctx.store.inspectors.find({ unit: p.unit }).sort({ _id: 1 }).toArray();
      return { items: docs.map((d) => ({ inspectorId: d._id, name: d.name, employer: d.employer, active: d.active })) };
    },
  );

  app.post(
    '/api/inspections',
    {
      schema: {
        tags: ['random inspections'],
        summary: 'Start a random inspection of my jurisdiction\'s directory (R16): the draw runs at once',
        security: [{ bearer: [] }],
        body: StartSchema,
        response: { 201: CaseSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, ['officer']);
      const jurisdiction = jurisdictionOf(p);
      const b = req.body;
      const caseId = `${CASE_TYPES.inspection.idPrefix}:${p.unit}:${b.reference}`;
      try {
        await ctx.temporal.workflow.start(inspectionWorkflow, {
          workflowId: caseId,
          taskQueue: ctx.config.taskQueue,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          args: [
            {
              input: {
                reference: b.reference,
                title: b.title,
                owner: p.unit,
                jurisdiction,
                filters: b.filters ?? {},
                institutionCount: b.institutionCount,
                inspectorsPerInstitution: b.inspectorsPerInstitution,
                inspectionWorkingDays: b.inspectionWorkingDays,
                createdBy: p,
              },
            },
          ],
        });
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) throw new ApiError(409, 'Conflict', `a random inspection ${caseId} exists already`, { rule: 'R16' });
        throw e;
      }
      const doc = await waitForProjection(ctx, caseId);
      return reply.status(201).header('location', `/api/cases/${encodeURIComponent(caseId)}`).send(caseView(doc, p));
    },
  );

  app.get(
    '/api/inspection-draws/:drawId',
    {
      schema: {
        tags: ['random inspections'],
        summary: 'A recorded inspection draw, re-run now (R16): the same inputs give the same institutions and inspectors',
        security: [{ bearer: [] }],
        params: Type.Object({ drawId: Type.String({ minLength: 1, maxLength: 300 }) }),
        response: { 200: Type.Object({ drawId: Type.String(), caseId: Type.String(), status: Type.String(), seedCommitment: Type.String(), verification: Type.Object({ valid: Type.Boolean(), problems: Type.Array(Type.String()) }) }), ...commandErrors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const draw = await ctx.store.inspectionDraws.findOne({ _id: req.params.drawId });
      if (!draw) throw new ApiError(404, 'NotFound', `no draw ${req.params.drawId}`);
      const c = await readableCase(ctx, draw.caseId, p);
      if (!(p.role === 'officer' || p.role === 'leader' || p.role === 'admin') || !canOversee(p, c.owner as Unit)) throw new ApiError(404, 'NotFound', `no draw ${req.params.drawId}`);
      const verification = draw.record ? verifyCampaignDraw(draw.record as CampaignDrawRecord) : { valid: false, problems: [`the draw is ${draw.status}`] };
      return { drawId: draw._id, caseId: draw.caseId, status: draw.status, seedCommitment: draw.seedCommitment, verification };
    },
  );

  await app.register(commandRoutes(ctx, '/api/inspections', inspectionCase, 'random inspections'));
};

/** R16 "one public": published results of random inspections, without an account. */
export const publicInspectionRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/public/inspections',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: 'Published results of random inspections (R16), newest first, a page at a time',
        querystring: Type.Object(
          {
            order: Type.Union([Type.Literal('desc'), Type.Literal('asc')], { default: 'desc', description: 'by publication: newest first (desc) or oldest first' }),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            total: Type.Integer({ description: 'published inspections, all pages' }),
            items: Type.Array(
              Type.Object({
                inspectionId: Type.String(),
                title: Type.String(),
                owner: Type.String(),
                publishedAt: Type.String(),
                summary: Type.String(),
                results: Type.Array(Type.Object({ institution: Type.Object({ id: Type.String(), name: Type.Optional(Type.String()), province: Type.Optional(Type.String()) }), problemsFound: Type.Boolean(), rules: Type.Array(Type.String()), summary: Type.String() })),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query;
      // Published results only: a published inspection has both its date and its results (R16 "one public").
      const filter = { caseType: 'inspection', 'summary.publishedAt': { $ne: null }, 'summary.results': { $ne: null } };
      const dir = q.order === 'asc' ? 1 : -1;
      const [docs, total] = await Promise.all([
        ctx.store.cases.find(filter).sort({ 'summary.publishedAt': dir, _id: dir }).skip(q.skip).limit(q.limit).toArray(),
        ctx.store.cases.countDocuments(filter),
      ]);
      type Published = { title: string; owner: string; publishedAt: string | null; publicSummary: string | null; results: unknown[] | null };
      return {
        total,
        items: docs
          .map((d) => ({ id: d._id, s: d.summary as Published }))
          .filter(({ s }) => s.publishedAt && s.results)
          .map(({ id, s }) => ({ inspectionId: id, title: s.title, owner: s.owner, publishedAt: s.publishedAt!, summary: s.publicSummary ?? '', results: s.results as never })),
      };
    },
  );
};

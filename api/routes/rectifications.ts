/**
 * Rectification orders (R20.1–R20.2, R16, R21): a department with authority over the institution
 * orders a listed institution to rectify, citing the breached rules, immediately or within a
 * deadline; every later step is a command of the order's case (typed routes below), most of them
 * from the inbox. Several orders may run against one listing; the listing's case lists them.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { Type, type Static } from 'typebox';
import { rectificationCase } from '../../machines/rectification.case.js';
import type { RectificationInput } from '../../machines/rectification.machine.js';
import type { Principal, Unit } from '../../rules/actors.js';
import { shanghaiDate } from '../../rules/calendar/dates.js';
import { checkOrderDue, OrderDueSchema, OrderModeSchema, orderingAuthority, uncitable } from '../../rules/rectification/index.js';
import type { ListingDoc } from '../../store/documents.js';
import { CASE_TYPES } from '../../workflows/caseTypes.js';
import { rectificationWorkflow } from '../../workflows/index.js';
import { requireRole } from '../auth.js';
import { caseView } from '../cases.js';
import { commandRoutes } from '../commandRoutes.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { CaseSchema } from '../schemas.js';
import { waitForProjection } from './selectionPlans.js';

export const OrderSchema = Type.Object(
  {
    listingId: Type.String({ minLength: 1, maxLength: 200 }),
    breaches: Type.Array(
      Type.Object({ rule: Type.String({ pattern: '^R[0-9]{1,2}(\\.[0-9])?(\\([a-g]\\))?$' }), finding: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 20 },
    ),
    mode: OrderModeSchema,
    due: Type.Optional(OrderDueSchema),
    source: Type.Optional(Type.Object({ campaignCaseId: Type.String({ minLength: 1, maxLength: 300 }), institutionId: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type Order = Static<typeof OrderSchema>;

/**
 * The checks of an order against the directory and the calendar (R20.1, R16): the listing is in the
 * directory and active, the caller has authority over it, the cited rules fit its kind, and the
 * deadline is a future day within the limits. Returns the case input, or throws the 4xx.
 */
export async function orderInput(ctx: ApiContext, p: Principal, order: Order, today: string): Promise<Omit<RectificationInput, 'caseId' | 'createdAt'> & { listing: ListingDoc }> {
  const listing = await ctx.store.listings.findOne({ _id: order.listingId });
  if (!listing) throw new ApiError(404, 'NotFound', `no listing ${order.listingId} in the directory`, { fields: [{ field: '/listingId', message: 'not in the directory' }] });
  const why = orderingAuthority(p, { ...listing, recommender: listing.recommender as Unit, organiser: listing.organiser as Unit });
  if (why) throw new ApiError(403, 'Forbidden', why, { rule: 'R20.1' });
  if (listing.status !== 'valid' && listing.status !== 'lapsing') {
    throw new ApiError(409, 'InvalidState', `the listing is ${listing.status}: there is nothing to rectify`, { rule: 'R20.1' });
  }
  const bad = uncitable(listing.kind, order.breaches.map((b) => b.rule));
  if (bad.length > 0) {
    const fields = order.breaches.flatMap((b, i) => (bad.includes(b.rule) ? [{ field: `/breaches/${i}/rule`, message: `${b.rule} does not apply to a ${listing.kind} listing`, rule: 'R20.1' }] : []));
    throw new ApiError(400, 'InvalidInput', fields.map((f) => f.message).join('; '), { rule: 'R20.1', fields });
  }
  const dueErrors = checkOrderDue(order.mode, order.due, today);
  if (dueErrors.length > 0) throw new ApiError(400, 'InvalidInput', dueErrors.map((e) => `${e.field}: ${e.message}`).join('; '), { rule: dueErrors[0]!.rule, fields: dueErrors });
  if (order.source) await checkSource(ctx, p, order.source, listing);
  return {
    listing,
    listingCaseId: listing.caseId,
    listingId: listing._id,
    kind: listing.kind,
    institution: listing.institution,
    occupation: listing.occupation,
    organiser: listing.organiser as RectificationInput['organiser'],
    recommender: listing.recommender as RectificationInput['recommender'],
    orderedBy: p.unit,
    breaches: order.breaches,
    mode: order.mode,
    ...(order.due ? { due: order.due } : {}),
    ...(order.source ? { source: order.source } : {}),
    createdBy: p,
  };
}

/**
 * `source` says an order comes from a random inspection's findings (R16 "problems get an order to fix").
 * Issue 6 (mass assignment): a caller may not set it freely — that would forge the order's provenance
 * with anyone's inspection. Only the department that ran the inspection cites it, for an institution
 * whose published results found problems, and only on that institution's listing. An inspection that
 * does not exist or is not the caller's gets the same answer (its existence is not disclosed).
 */
async function checkSource(ctx: ApiContext, p: Principal, source: NonNullable<Order['source']>, listing: ListingDoc): Promise<void> {
  const invalid = (field: string, message: string) => new ApiError(400, 'InvalidInput', `${field}: ${message}`, { rule: 'R16', fields: [{ field, message, rule: 'R16' }] });
  const campaign = await ctx.store.cases.findOne({ _id: source.campaignCaseId, caseType: 'inspection' });
  if (!campaign || campaign.owner !== p.unit) throw invalid('/source/campaignCaseId', `not a random inspection of ${p.unit}`);
  if (source.institutionId !== listing.institution.id) throw invalid('/source/institutionId', `the listing is held by ${listing.institution.id}, not ${source.institutionId}`);
  const results = (campaign.summary as { results?: { institution: { id: string }; problemsFound: boolean }[] | null }).results ?? [];
  if (!results.some((r) => r.institution.id === source.institutionId && r.problemsFound)) {
    throw invalid('/source/institutionId', `the inspection has published no problems found at ${source.institutionId}`);
  }
}

/** Starts the order's case (its id: `rectification:<listing>:<day>-<random>`) and returns its case id. */
export async function startOrder(ctx: ApiContext, input: Omit<RectificationInput, 'caseId' | 'createdAt'>, today: string): Promise<string> {
  const caseId = `${CASE_TYPES.rectification.idPrefix}:${input.listingId}:${today}-${randomUUID().slice(0, 8)}`;
  await ctx.temporal.workflow.start(rectificationWorkflow, {
    workflowId: caseId,
    taskQueue: ctx.config.taskQueue,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [{ input }],
  });
  return caseId;
}

export const rectificationRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/rectifications',
    {
      schema: {
        tags: ['rectifications'],
        summary: 'Order a listed institution to rectify (R20.1; R16 for inspection findings)',
        description:
          'An officer or leader of the national group, of the listing\'s industry department, or of HR in the institution\'s province (or a locality of it). ' +
          '`mode: "immediate"` — evidence due by the end of the next working day; `mode: "deadline"` with `due: { date }` or `due: { workingDays }`, reminded 7 days and 1 day before.',
        security: [{ bearer: [] }],
        body: OrderSchema,
        response: { 201: CaseSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, ['officer', 'leader']);
      const today = shanghaiDate(new Date().toISOString());
      const { listing: _l, ...input } = await orderInput(ctx, p, req.body, today);
      const caseId = await startOrder(ctx, input, today);
      const doc = await waitForProjection(ctx, caseId);
      return reply.status(201).header('location', `/api/cases/${encodeURIComponent(caseId)}`).send(caseView(doc, p));
    },
  );

  await app.register(commandRoutes(ctx, '/api/rectifications', rectificationCase, 'rectifications'));
};

/**
 * Incidents (R11 (6)): an evaluation institution reports an incident (discipline breach, leak, …)
 * about one of its active evaluation listings; local HR, the industry department and the national
 * group hear of it at once and acknowledge it from their inbox; the institution's follow-up report,
 * local HR's review and the escalation of an overdue report (R20 Decision) are commands of the
 * incident's case (typed routes below), most of them from the inbox.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { Type, type Static } from 'typebox';
import { incidentCase } from '../../machines/incident.case.js';
import type { IncidentInput } from '../../machines/incident.machine.js';
import type { Principal, Unit } from '../../rules/actors.js';
import { shanghaiDate } from '../../rules/calendar/dates.js';
import { INCIDENT_CATEGORIES, INCIDENT_CATEGORY_CODES, reportingAuthority } from '../../rules/incident/index.js';
import { CASE_TYPES } from '../../workflows/caseTypes.js';
import { incidentWorkflow } from '../../workflows/index.js';
import { requireRole } from '../auth.js';
import { caseView } from '../cases.js';
import { commandRoutes } from '../commandRoutes.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { CaseSchema } from '../schemas.js';
import { waitForProjection } from './selectionPlans.js';

/** An ISO 8601 instant with a zone (Z or an offset), e.g. 2027-03-01T10:30:00+08:00. */
const INSTANT_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$';
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

export const IncidentReportSchema = Type.Object(
  {
    listingId: Type.String({ minLength: 1, maxLength: 200 }),
    category: Type.Union(
      INCIDENT_CATEGORY_CODES.map((c) => Type.Literal(c, { description: INCIDENT_CATEGORIES[c] })),
      { description: Object.entries(INCIDENT_CATEGORIES).map(([code, label]) => `${code}: ${label}`).join('; ') },
    ),
    occurredAt: Type.String({ pattern: INSTANT_PATTERN, description: 'when it happened: an ISO instant with its zone, not in the future' }),
    description: Text(20000),
    measuresTaken: Text(20000),
  },
  { additionalProperties: false },
);
export type IncidentReport = Static<typeof IncidentReportSchema>;

/**
 * The checks of a report against the directory and the clock (R11): the listing is in the
 * directory, the caller is the holder institution of this active evaluation listing, and the
 * incident has happened. Returns the case input, or throws the 4xx.
 */
export async function incidentInput(ctx: ApiContext, p: Principal, report: IncidentReport, now: string): Promise<Omit<IncidentInput, 'caseId' | 'createdAt'>> {
  const listing = await ctx.store.listings.findOne({ _id: report.listingId });
  if (!listing) throw new ApiError(404, 'NotFound', `no listing ${report.listingId} in the directory`, { fields: [{ field: '/listingId', message: 'not in the directory' }] });
  const refusal = reportingAuthority(p, { ...listing, recommender: listing.recommender as Unit, organiser: listing.organiser as Unit });
  if (refusal) {
    throw new ApiError(refusal.code === 'Forbidden' ? 403 : 409, refusal.code, refusal.reason, { rule: refusal.rule, fields: [{ field: '/listingId', message: refusal.reason, rule: refusal.rule }] });
  }
  const occurred = Date.parse(report.occurredAt);
  const fail = (message: string) => new ApiError(400, 'InvalidInput', `occurredAt: ${message}`, { rule: 'R11', fields: [{ field: '/occurredAt', message, rule: 'R11' }] });
  if (Number.isNaN(occurred)) throw fail(`${report.occurredAt} is not an instant`);
  if (occurred > Date.parse(now)) throw fail(`the incident cannot have happened in the future (now: ${now})`);
  return {
    listingCaseId: listing.caseId,
    listingId: listing._id,
    kind: listing.kind,
    institution: listing.institution,
    occupation: listing.occupation,
    organiser: listing.organiser as Unit,
    recommender: listing.recommender as Unit,
    category: report.category,
    occurredAt: new Date(occurred).toISOString(),
    description: report.description,
    measuresTaken: report.measuresTaken,
    createdBy: p,
  };
}

/** Starts the incident's case (its id: `incident:<listing>:<day>-<random>`) and returns its case id. */
export async function startIncident(ctx: ApiContext, input: Omit<IncidentInput, 'caseId' | 'createdAt'>, today: string): Promise<string> {
  const caseId = `${CASE_TYPES.incident.idPrefix}:${input.listingId}:${today}-${randomUUID().slice(0, 8)}`;
  await ctx.temporal.workflow.start(incidentWorkflow, {
    workflowId: caseId,
    taskQueue: ctx.config.taskQueue,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [{ input }],
  });
  return caseId;
}

export const incidentRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Report an incident at an evaluation institution (R11)',
        description:
          'The holder institution of an active evaluation listing reports an incident (discipline breach, leak, …) handled at once. ' +
          'Local HR (the HR department of the institution\'s province), the industry department and the national group are notified at once and each acknowledge it; ' +
          'the institution files a follow-up report within 10 working days, reviewed by local HR; an overdue report escalates (R20 Decision).',
        security: [{ bearer: [] }],
        body: IncidentReportSchema,
        response: { 201: CaseSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, ['institution']);
      const now = new Date().toISOString();
      const input = await incidentInput(ctx, p, req.body, now);
      const caseId = await startIncident(ctx, input, shanghaiDate(now));
      const doc = await waitForProjection(ctx, caseId);
      return reply.status(201).header('location', `/api/cases/${encodeURIComponent(caseId)}`).send(caseView(doc, p));
    },
  );

  await app.register(commandRoutes(ctx, '/api/incidents', incidentCase, 'incidents'));
};

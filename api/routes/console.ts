/**
 * What the staff console reads besides the inbox and the case: lists of cases of a type in the
 * caller's jurisdiction (paged and sorted on the server, with a total), the rounds with their
 * applications counted per stage and their overdue tasks, a case's tasks, related cases and outbox
 * messages, and the deadlines of open cases (the calendar page: which ones are provisional).
 *
 * FerretDB v1 has no $lookup or $facet and a limited $group: each aggregate here is a few plain
 * queries (a page of cases, then the documents of that page) counted in the route.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Filter, Sort } from 'mongodb';
import { Type } from 'typebox';
import { assigneeKey, canOversee, sameAssignee, type Principal, type Unit } from '../../rules/actors.js';
import { renewedPeriod } from '../../rules/listing/validity.js';
import type { CaseDoc, TaskDoc } from '../../store/documents.js';
import { CASE_TYPES } from '../../workflows/caseTypes.js';
import { requireRole } from '../auth.js';
import { caseView, ownerFilter, readableCase } from '../cases.js';
import type { ApiContext } from '../context.js';
import { ErrorSchema } from '../errors.js';
import { AssigneeSchema, CaseSchema, StatusSchema, TaskSchema } from '../schemas.js';
import { diagramRoutes } from './diagrams.js';
import { notificationView, taskView } from './inbox.js';

const STAFF = ['officer', 'leader', 'admin'] as const;
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const CaseParams = Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 300 }) });
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Staff of the owning unit or of a unit overseeing it (as the case routes decide who sees confidential steps). */
export function isStaffOver(p: Principal, owner: string): boolean {
  return (STAFF as readonly string[]).includes(p.role) && canOversee(p, owner as Unit);
}

/** Cases the principal may list: its jurisdiction (ownerFilter), and cases it takes part in. */
function listable(p: Principal): Filter<CaseDoc> {
  const own = ownerFilter(p) as Filter<CaseDoc>;
  return Object.keys(own).length === 0 ? {} : { $or: [own, { parties: p.unit }] };
}

/** Case ids named in a summary (`listingCaseId`, `planId`, `roundId`, orders, rectifications …). */
function caseIdsIn(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > 4 || value === null || value === undefined) return;
  if (typeof value === 'string') {
    const prefix = value.slice(0, value.indexOf(':'));
    if (Object.values(CASE_TYPES).some((t) => t.idPrefix === prefix)) out.add(value);
    return;
  }
  if (Array.isArray(value)) value.slice(0, 200).forEach((v) => caseIdsIn(v, out, depth + 1));
  else if (typeof value === 'object') Object.values(value as Record<string, unknown>).forEach((v) => caseIdsIn(v, out, depth + 1));
}

const RelatedSchema = Type.Object({ caseId: Type.String(), caseType: Type.String(), relation: Type.String({ description: 'referenced (named by this case) or referencing (names this case)' }), status: StatusSchema, summary: Type.Record(Type.String(), Type.Unknown()) });

const RoundRowSchema = Type.Object({
  caseId: Type.String(),
  status: StatusSchema,
  kind: Type.String(),
  organiser: Type.String(),
  planId: Type.String(),
  documentNumber: Type.String(),
  applicationWindow: Type.Object({ opens: Type.String(), closes: Type.String() }),
  publicNotice: Type.Unknown(),
  objections: Type.Unknown(),
  applications: Type.Integer(),
  stages: Type.Record(Type.String(), Type.Integer(), { description: 'applications per public status code' }),
  openTasks: Type.Integer(),
  overdue: Type.Integer({ description: 'open tasks of the round and its applications past their due date' }),
  updatedAt: Type.String(),
});

const ValiditySchema = Type.Object({ period: Type.Integer(), validFrom: Type.String(), validUntil: Type.String() });

const DeadlineRowSchema = Type.Object({
  caseId: Type.String(),
  caseType: Type.String(),
  status: StatusSchema,
  name: Type.String(),
  rule: Type.String(),
  at: Type.String(),
  date: Type.String(),
  provisional: Type.Boolean(),
  explanation: Type.Object({ text: Type.String() }, { additionalProperties: true }),
});

export const consoleRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  await app.register(diagramRoutes(ctx));

  app.get(
    '/api/console/cases',
    {
      schema: {
        tags: ['console'],
        summary: 'Cases in my jurisdiction (or that my unit takes part in), paged and sorted, with the total',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            caseType: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,40}$' })),
            status: Type.Optional(Type.String({ pattern: '^[A-Za-z.]{1,60}$', description: 'public status code' })),
            open: Type.Optional(Type.Boolean({ description: 'true: only running cases; false: only ended ones' })),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'part of the case id' })),
            sort: Type.Union([Type.Literal('updatedAt'), Type.Literal('createdAt'), Type.Literal('caseId')], { default: 'updatedAt' }),
            order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }),
            skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(CaseSchema), total: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      const p = requireRole(req, [...STAFF]);
      const q = req.query;
      const filter: Filter<CaseDoc> = { ...listable(p) };
      if (q.caseType) filter.caseType = q.caseType;
      if (q.status) filter['status.code'] = q.status;
      if (q.open !== undefined) filter.final = !q.open;
      if (q.q) filter._id = { $regex: escapeRegex(q.q) };
      const dir = q.order === 'asc' ? 1 : -1;
      const sort: Sort = q.sort === 'caseId' ? { _id: dir } : { [q.sort]: dir, _id: 1 };
      const [docs, total] = await Promise.all([ctx.store.cases.find(filter).sort(sort).skip(q.skip).limit(q.limit).toArray(), ctx.store.cases.countDocuments(filter)]);
      return { items: docs.map((d) => caseView(d, p)), total };
    },
  );

  app.get(
    '/api/console/rounds',
    {
      schema: {
        tags: ['console'],
        summary: 'Selection rounds in my jurisdiction, newest first: applications per stage, open and overdue tasks',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            open: Type.Optional(Type.Boolean()),
            skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(RoundRowSchema), total: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      const p = requireRole(req, [...STAFF]);
      const filter: Filter<CaseDoc> = { caseType: 'round', ...ownerFilter(p) };
      if (req.query.open !== undefined) filter.final = !req.query.open;
      const [rounds, total] = await Promise.all([
        ctx.store.cases.find(filter).sort({ updatedAt: -1, _id: 1 }).skip(req.query.skip).limit(req.query.limit).toArray(),
        ctx.store.cases.countDocuments(filter),
      ]);
      const roundIds = rounds.map((r) => r._id);
      const apps = roundIds.length
        ? await ctx.store.cases.find({ caseType: 'application', 'summary.roundId': { $in: roundIds } }, { projection: { _id: 1, 'summary.roundId': 1, status: 1 } }).toArray()
        : [];
      const roundOf = new Map<string, string>(apps.map((a) => [a._id, (a.summary as { roundId: string }).roundId]));
      roundIds.forEach((id) => roundOf.set(id, id));
      const tasks = roundOf.size
        ? await ctx.store.tasks.find({ caseId: { $in: [...roundOf.keys()] }, active: true }, { projection: { caseId: 1, due: 1 } }).toArray()
        : [];
      const now = new Date();
      return {
        total,
        items: rounds.map((r) => {
          const s = r.summary as {
            kind: string;
            organiser: string;
            planId: string;
            notice: { documentNumber: string; applicationWindow: { opens: string; closes: string } };
            publicNotice: unknown;
            objections: unknown;
          };
          const mine = apps.filter((a) => roundOf.get(a._id) === r._id);
          const stages: Record<string, number> = {};
          for (const a of mine) stages[a.status.code] = (stages[a.status.code] ?? 0) + 1;
          const open = tasks.filter((t) => roundOf.get(t.caseId) === r._id);
          return {
            caseId: r._id,
            status: r.status,
            kind: s.kind,
            organiser: s.organiser,
            planId: s.planId,
            documentNumber: s.notice.documentNumber,
            applicationWindow: s.notice.applicationWindow,
            publicNotice: s.publicNotice ?? null,
            objections: s.objections ?? null,
            applications: mine.length,
            stages,
            openTasks: open.length,
            overdue: open.filter((t) => t.due !== null && t.due < now).length,
            updatedAt: r.updatedAt.toISOString(),
          };
        }),
      };
    },
  );

  app.get(
    '/api/cases/:caseId/tasks',
    {
      schema: {
        tags: ['cases'],
        summary: 'The case\'s tasks, open and closed, oldest first (staff over the case see all; others their own)',
        security: [{ bearer: [] }],
        params: CaseParams,
        querystring: Type.Object({ active: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(TaskSchema) }), ...errors },
      },
    },
    async (req) => {
      const p = requireRole(req, [...STAFF]);
      const doc = await readableCase(ctx, req.params.caseId, p);
      const filter: Filter<TaskDoc> = { caseId: doc._id };
      if (req.query.active !== undefined) filter.active = req.query.active;
      // R7.3: who sits on a panel is for the organiser's staff and oversight only.
      if (!isStaffOver(p, doc.owner)) filter.assigneeKey = assigneeKey(p);
      const now = new Date();
      const tasks = await ctx.store.tasks.find(filter).sort({ createdAt: 1, _id: 1 }).limit(500).toArray();
      return { items: tasks.map((t) => taskView(t, now)) };
    },
  );

  app.get(
    '/api/cases/:caseId/related',
    {
      schema: {
        tags: ['cases'],
        summary: 'Cases this case names (its plan, round, listing, orders…) and cases that name it, those I may read',
        security: [{ bearer: [] }],
        params: CaseParams,
        response: { 200: Type.Object({ items: Type.Array(RelatedSchema) }), ...errors },
      },
    },
    async (req) => {
      const p = requireRole(req, [...STAFF]);
      const doc = await readableCase(ctx, req.params.caseId, p);
      const named = new Set<string>();
      caseIdsIn(doc.summary, named);
      // The round a published notice opened has the plan's reference.
      if (doc.caseType === 'selectionPlan') named.add(`${CASE_TYPES.round.idPrefix}:${doc._id.slice(CASE_TYPES.selectionPlan.idPrefix.length + 1)}`);
      // The listing an application's publication started.
      if (doc.caseType === 'application') {
        const s = doc.summary as { kind?: string; institution?: { id?: string }; occupation?: { code?: string } };
        if (s.kind && s.institution?.id && s.occupation?.code) named.add(`${CASE_TYPES.listing.idPrefix}:${s.kind}:${s.institution.id}:${s.occupation.code}`);
      }
      named.delete(doc._id);
      const referencing: Filter<CaseDoc> = {
        $or: [{ 'summary.roundId': doc._id }, { 'summary.planId': doc._id }, { 'summary.listingCaseId': doc._id }, { 'summary.source.campaignCaseId': doc._id }],
      };
      const [forward, backward] = await Promise.all([
        named.size ? ctx.store.cases.find({ _id: { $in: [...named] } }).toArray() : Promise.resolve([] as CaseDoc[]),
        ctx.store.cases.find(referencing).sort({ createdAt: 1 }).limit(500).toArray(),
      ]);
      const readable = (c: CaseDoc) => canOversee(p, c.owner as Unit) || (c.parties ?? []).includes(p.unit) || c.grants.some((g) => sameAssignee(g.assignee, p));
      const items = [
        ...forward.map((c) => ({ c, relation: 'referenced' })),
        ...backward.filter((c) => !named.has(c._id) && c._id !== doc._id).map((c) => ({ c, relation: 'referencing' })),
      ]
        .filter(({ c }) => readable(c))
        .map(({ c, relation }) => ({ caseId: c._id, caseType: c.caseType, relation, status: c.status, summary: c.summary }));
      return { items };
    },
  );

  app.get(
    '/api/cases/:caseId/notifications',
    {
      schema: {
        tags: ['cases'],
        summary: 'The case\'s outbox: reminders, escalations and notices it sent, newest first, with their delivery (staff over the case)',
        security: [{ bearer: [] }],
        params: CaseParams,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                to: AssigneeSchema,
                template: Type.String(),
                subject: Type.String(),
                body: Type.String(),
                rule: Type.String(),
                status: Type.String(),
                attempts: Type.Integer(),
                deliveries: Type.Record(Type.String(), Type.Unknown()),
                createdAt: Type.String(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = requireRole(req, [...STAFF]);
      const doc = await readableCase(ctx, req.params.caseId, p);
      const filter = isStaffOver(p, doc.owner) ? { caseId: doc._id } : { caseId: doc._id, toKey: assigneeKey(p) };
      const docs = await ctx.store.notifications.find(filter).sort({ createdAt: -1 }).limit(req.query.limit).toArray();
      return { items: docs.map((n) => ({ ...notificationView(n), to: n.to })) };
    },
  );

  app.get(
    '/api/console/listings/:listingId/validity',
    {
      schema: {
        tags: ['console', 'listings'],
        summary: 'A listing\'s validity period, its renewal, and the next period once the renewal is approved (R5.2, R9.1)',
        security: [{ bearer: [] }],
        params: Type.Object({ listingId: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: {
          200: Type.Object({
            caseId: Type.String(),
            current: ValiditySchema,
            renewalDeadline: Type.String(),
            renewal: Type.Object({ status: Type.String(), filedOn: Type.Union([Type.String(), Type.Null()]) }),
            next: Type.Union([ValiditySchema, Type.Null()], { description: 'the period the approved renewal starts when this one expires' }),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = requireRole(req, [...STAFF]);
      const doc = await readableCase(ctx, `${CASE_TYPES.listing.idPrefix}:${req.params.listingId}`, p, 'listing');
      const s = doc.summary as { period: number; validFrom: string; validUntil: string; renewalDeadline: string; renewal: { status: string; filedOn: string | null } };
      const next = s.renewal.status === 'approved' ? renewedPeriod(s.validUntil, s.period + 1) : null;
      return {
        caseId: doc._id,
        current: { period: s.period, validFrom: s.validFrom, validUntil: s.validUntil },
        renewalDeadline: s.renewalDeadline,
        renewal: s.renewal,
        next: next ? { period: next.period, validFrom: next.validFrom, validUntil: next.validUntil } : null,
      };
    },
  );

  app.get(
    '/api/console/deadlines',
    {
      schema: {
        tags: ['console', 'calendar'],
        summary: 'Deadlines of running cases in my jurisdiction, soonest first: the provisional ones, or those of a year',
        description: 'A deadline is provisional while a year it counted working days through has no loaded State Council arrangement; loading the year recomputes it.',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            provisional: Type.Optional(Type.Boolean()),
            year: Type.Optional(Type.Integer({ minimum: 2004, maximum: 2099 })),
            caseIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 200, description: 'only these cases' })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(DeadlineRowSchema), cases: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      const p = requireRole(req, [...STAFF]);
      const q = req.query;
      const filter: Filter<CaseDoc> = { final: false, ...ownerFilter(p) };
      if (q.provisional === true) filter.provisional = true;
      if (q.caseIds) filter._id = { $in: q.caseIds };
      const docs = await ctx.store.cases.find(filter, { projection: { _id: 1, caseType: 1, status: 1, deadlines: 1 } }).limit(2000).toArray();
      const rows = docs
        .flatMap((c) =>
          (c.deadlines ?? [])
            .filter((d) => (q.provisional === undefined || d.provisional === q.provisional) && (q.year === undefined || d.date.startsWith(`${q.year}-`)))
            .map((d) => ({ caseId: c._id, caseType: c.caseType, status: c.status, name: d.name, rule: d.rule, at: d.at, date: d.date, provisional: d.provisional, explanation: d.explanation })),
        )
        .sort((a, b) => a.at.localeCompare(b.at) || a.caseId.localeCompare(b.caseId))
        .slice(0, q.limit);
      return { items: rows, cases: new Set(rows.map((r) => r.caseId)).size };
    },
  );
};

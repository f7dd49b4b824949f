/**
 * The task inbox: list (my unit's tasks or the ones I claimed, overdue first), claim, release and
 * complete. Completing sends the command to the case; the task closes when the case accepted it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Filter, Sort } from 'mongodb';
import { Type, type Static } from 'typebox';
import { assigneeKey, canOversee, sameAssignee, type Principal } from '../../rules/actors.js';
import { OCCUPATION_CODE_PATTERN } from '../../rules/kinds.js';
import type { CaseDoc, DeliveryChannel, NotificationDoc, TaskDoc } from '../../store/documents.js';
import { principalOf, requireRole } from '../auth.js';
import { sendCommand } from '../cases.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { AssigneeSchema, TaskSchema } from '../schemas.js';

const TaskParams = Type.Object({ taskId: Type.String({ minLength: 1, maxLength: 300 }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export function taskView(t: TaskDoc, now = new Date()) {
  return {
    taskId: t._id,
    caseId: t.caseId,
    caseType: t.caseType,
    step: t.step,
    title: t.title,
    rule: t.rule,
    assignee: t.assignee,
    actions: t.actions,
    escalation: t.escalation,
    status: t.status,
    claimedBy: t.claimedBy ? { ...t.claimedBy, at: t.claimedBy.at.toISOString() } : null,
    due: t.due?.toISOString() ?? null,
    dueDate: t.dueDate,
    dueExplanation: t.dueExplanation,
    provisional: t.provisional,
    overdue: t.active && t.due !== null && t.due < now,
    remindersSent: t.remindersSent,
    createdAt: t.createdAt.toISOString(),
    closedAt: t.closedAt?.toISOString() ?? null,
    outcome: t.outcome ? { ...t.outcome, at: t.outcome.at.toISOString() } : null,
  };
}

/** A channel's delivery as the recipient sees it: no addresses (the unit's contact is not the reader's business). */
const DeliverySchema = Type.Object({
  status: Type.String({ description: 'retrying | failed | sent' }),
  attempts: Type.Integer(),
  sentAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
});
const NotificationSchema = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  template: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  rule: Type.String(),
  status: Type.String({ description: 'pending | sent | failed | undeliverable' }),
  attempts: Type.Integer({ description: 'delivery attempts, failed ones included' }),
  deliveries: Type.Object({ email: Type.Optional(DeliverySchema), webhook: Type.Optional(DeliverySchema) }),
  createdAt: Type.String(),
});
const NotificationDetailSchema = Type.Object({
  ...NotificationSchema.properties,
  caseType: Type.String(),
  to: AssigneeSchema,
  lastError: Type.Union([Type.String(), Type.Null()]),
  sentAt: Type.Union([Type.String(), Type.Null()]),
});

export function notificationView(n: NotificationDoc) {
  const deliveries: Partial<Record<DeliveryChannel, { status: string; attempts: number; sentAt: string | null; lastError: string | null }>> = {};
  for (const [channel, d] of Object.entries(n.deliveries ?? {}) as [DeliveryChannel, NonNullable<NotificationDoc['deliveries']>[DeliveryChannel]][]) {
    if (d) deliveries[channel] = { status: d.status, attempts: d.attempts ?? 0, sentAt: d.sentAt?.toISOString() ?? null, lastError: d.lastError ?? null };
  }
  return {
    id: n._id,
    caseId: n.caseId,
    template: n.template,
    subject: n.subject,
    body: n.body,
    rule: n.rule,
    status: n.status,
    attempts: n.attempts ?? 0,
    deliveries,
    createdAt: n.createdAt.toISOString(),
  };
}

/** Cursor = last row's (dueOrder, _id), so pages stay stable and use the index's sort order. */
const encodeCursor = (t: TaskDoc) => Buffer.from(JSON.stringify([t.dueOrder.toISOString(), t._id])).toString('base64url');
function decodeCursor(c: string): [Date, string] {
  try {
    const [due, id] = JSON.parse(Buffer.from(c, 'base64url').toString()) as [string, string];
    const d = new Date(due);
    if (Number.isNaN(d.getTime()) || typeof id !== 'string') throw new Error('bad');
    return [d, id];
  } catch {
    throw new ApiError(400, 'InvalidInput', 'cursor is not valid', { fields: [{ field: 'cursor', message: 'not a cursor from a previous page' }] });
  }
}

const InboxQuery = Type.Object(
  {
    view: Type.Union([Type.Literal('unit'), Type.Literal('mine')], { default: 'unit' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('closed')], { default: 'active' }),
    caseType: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,40}$' })),
    step: Type.Optional(Type.String({ pattern: '^[A-Za-z.]{1,80}$' })),
    overdue: Type.Optional(Type.Boolean()),
    escalation: Type.Optional(Type.Boolean({ description: 'only escalation tasks (督办), or none of them' })),
    occupation: Type.Optional(Type.String({ pattern: OCCUPATION_CODE_PATTERN, description: 'occupation code of the task\'s case' })),
    province: Type.Optional(Type.String({ pattern: '^[0-9]{2}$', description: 'province of the case\'s institution, or of its owner' })),
    sort: Type.Union([Type.Literal('due'), Type.Literal('priority'), Type.Literal('createdAt'), Type.Literal('caseType'), Type.Literal('step')], { default: 'due' }),
    order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' }),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, description: 'offset paging (instead of cursor)' })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type InboxQueryT = Static<typeof InboxQuery>;

function viewFilter(p: Principal, view: 'unit' | 'mine'): Filter<TaskDoc> {
  return view === 'mine' ? { 'claimedBy.id': p.id } : { assigneeKey: assigneeKey(p) };
}

/**
 * The inbox's filter. Occupation and province live on the case, not the task (no $lookup on
 * FerretDB): the cases of the tasks in view are read first, those matching give the task filter.
 */
/** The inbox's filter on the tasks alone (bench/inbox.ts times these queries). */
export function taskFilter(p: Principal, q: Pick<InboxQueryT, 'view' | 'status' | 'caseType' | 'step' | 'escalation' | 'overdue'>, now: Date): Filter<TaskDoc> {
  const filter: Filter<TaskDoc> = { ...viewFilter(p, q.view), active: q.status === 'active' };
  if (q.caseType) filter.caseType = q.caseType;
  if (q.step) filter.step = q.step;
  if (q.escalation !== undefined) filter.escalation = q.escalation;
  // Overdue on `dueOrder` (= due, or far in the future when undated): the inbox indexes serve it; `due` is in none.
  if (q.overdue) filter.dueOrder = { $lt: now };
  return filter;
}

async function inboxFilter(ctx: Pick<ApiContext, 'store'>, p: Principal, q: InboxQueryT, now: Date): Promise<Filter<TaskDoc>> {
  const filter = taskFilter(p, q, now);
  if (q.occupation || q.province) {
    const caseIds = (await ctx.store.tasks.distinct('caseId', filter)) as string[];
    const of: Filter<CaseDoc>[] = [];
    if (q.occupation) {
      const code = q.occupation;
      of.push({ $or: [{ 'summary.occupation.code': code }, { 'summary.occupations.code': code }, { 'summary.notice.occupations.code': code }] });
    }
    if (q.province) {
      const code = q.province;
      of.push({
        $or: [
          { 'summary.institution.province': code },
          { 'summary.institutions.province': code },
          { 'summary.evaluation.institution.province': code },
          { owner: `province:${code}` },
          { owner: { $regex: `^locality:${code}` } },
        ],
      });
    }
    const cases = caseIds.length ? await ctx.store.cases.find({ _id: { $in: caseIds }, $and: of }, { projection: { _id: 1 } }).toArray() : [];
    filter.caseId = { $in: cases.map((c) => c._id) };
  }
  return filter;
}

/** The inbox's sort: `priority` puts escalations first, then the earliest due; `_id` breaks ties for stable pages. */
export function inboxSort(q: Pick<InboxQueryT, 'sort' | 'order'>): Sort {
  const dir = q.order === 'desc' ? -1 : 1;
  return q.sort === 'priority'
    ? { escalation: -dir as 1 | -1, dueOrder: dir, _id: 1 }
    : q.sort === 'due'
      ? { dueOrder: dir, _id: dir }
      : { [q.sort]: dir, dueOrder: 1, _id: 1 };
}

async function ownTask(ctx: ApiContext, taskId: string, p: Principal): Promise<TaskDoc> {
  const t = await ctx.store.tasks.findOne({ _id: taskId });
  // Someone else's task is not found: its existence is not disclosed.
  if (!t || !sameAssignee(t.assignee, p)) throw new ApiError(404, 'NotFound', `no task ${taskId} in your inbox`);
  return t;
}

export const inboxRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/inbox',
    {
      schema: {
        tags: ['inbox'],
        summary: 'My unit\'s tasks (view=unit) or the ones I claimed (view=mine), earliest due first, with the total',
        description:
          'Two ways to page: `cursor` (stable pages in due order, `nextCursor`), or `skip` with any `sort` and `order` (table pages; ' +
          '`sort=priority` puts escalations first, then the earliest due). `occupation` and `province` filter on the task\'s case.',
        security: [{ bearer: [] }],
        querystring: InboxQuery,
        response: { 200: Type.Object({ items: Type.Array(TaskSchema), nextCursor: Type.Union([Type.String(), Type.Null()]), total: Type.Integer() }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const q = req.query;
      const now = new Date();
      if (q.cursor && (q.sort !== 'due' || q.order !== 'asc' || q.skip !== undefined)) {
        throw new ApiError(400, 'InvalidInput', 'cursor pages follow the due order: use it without sort, order and skip', { fields: [{ field: 'querystring/cursor', message: 'only with sort=due, order=asc and no skip' }] });
      }
      const base = await inboxFilter(ctx, p, q, now);
      const range: Filter<TaskDoc>[] = [];
      if (q.cursor) {
        const [due, id] = decodeCursor(q.cursor);
        range.push({ $or: [{ dueOrder: { $gt: due } }, { dueOrder: due, _id: { $gt: id } }] });
      }
      const query = range.length > 0 ? { ...base, $and: [...((base.$and as Filter<TaskDoc>[] | undefined) ?? []), ...range] } : base;
      const sort = inboxSort(q);
      const cursorPaging = q.skip === undefined;
      const [rows, total] = await Promise.all([
        ctx.store.tasks.find(query).sort(sort).skip(q.skip ?? 0).limit(q.limit + 1).toArray(),
        ctx.store.tasks.countDocuments(base),
      ]);
      const page = rows.slice(0, q.limit);
      const more = rows.length > q.limit;
      return {
        items: page.map((t) => taskView(t, now)),
        nextCursor: more && cursorPaging && q.sort === 'due' && q.order === 'asc' ? encodeCursor(page[page.length - 1]!) : null,
        total,
      };
    },
  );

  app.get(
    '/api/inbox/facets',
    {
      schema: {
        tags: ['inbox'],
        summary: 'What my inbox holds, for its filters: counts (all, overdue, escalated, claimed by me) and the case types and steps present',
        security: [{ bearer: [] }],
        querystring: Type.Object({ view: Type.Union([Type.Literal('unit'), Type.Literal('mine')], { default: 'unit' }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            overdue: Type.Integer(),
            escalated: Type.Integer(),
            claimedByMe: Type.Integer(),
            caseTypes: Type.Array(Type.String()),
            steps: Type.Array(Type.String()),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const base: Filter<TaskDoc> = { ...viewFilter(p, req.query.view), active: true };
      const now = new Date();
      const [total, overdue, escalated, claimedByMe, caseTypes, steps] = await Promise.all([
        ctx.store.tasks.countDocuments(base),
        ctx.store.tasks.countDocuments({ ...base, dueOrder: { $lt: now } }),
        ctx.store.tasks.countDocuments({ ...base, escalation: true }),
        ctx.store.tasks.countDocuments({ 'claimedBy.id': p.id, active: true }),
        ctx.store.tasks.distinct('caseType', base),
        ctx.store.tasks.distinct('step', base),
      ]);
      return { total, overdue, escalated, claimedByMe, caseTypes: (caseTypes as string[]).sort(), steps: (steps as string[]).sort() };
    },
  );

  app.get(
    '/api/tasks/:taskId',
    { schema: { tags: ['inbox'], summary: 'One task of my unit', security: [{ bearer: [] }], params: TaskParams, response: { 200: TaskSchema, ...errors } } },
    async (req) => taskView(await ownTask(ctx, req.params.taskId, principalOf(req))),
  );

  app.post(
    '/api/tasks/:taskId/claim',
    { schema: { tags: ['inbox'], summary: 'Claim a task so colleagues see who works on it', security: [{ bearer: [] }], params: TaskParams, response: { 200: TaskSchema, ...errors } } },
    async (req) => {
      const p = principalOf(req);
      const t = await ownTask(ctx, req.params.taskId, p);
      const claimed = await ctx.store.tasks.findOneAndUpdate(
        { _id: t._id, status: 'open', active: true },
        { $set: { status: 'claimed', claimedBy: { id: p.id, name: p.name, at: new Date() } } },
        { returnDocument: 'after' },
      );
      if (!claimed) {
        if (t.claimedBy?.id === p.id && t.active) return taskView(t);
        throw new ApiError(409, 'Conflict', t.active ? `claimed by ${t.claimedBy?.name ?? 'someone else'}` : `the task is ${t.status}`);
      }
      return taskView(claimed);
    },
  );

  app.post(
    '/api/tasks/:taskId/release',
    { schema: { tags: ['inbox'], summary: 'Release a task I claimed', security: [{ bearer: [] }], params: TaskParams, response: { 200: TaskSchema, ...errors } } },
    async (req) => {
      const p = principalOf(req);
      const t = await ownTask(ctx, req.params.taskId, p);
      const released = await ctx.store.tasks.findOneAndUpdate(
        { _id: t._id, status: 'claimed', 'claimedBy.id': p.id, active: true },
        { $set: { status: 'open', claimedBy: null } },
        { returnDocument: 'after' },
      );
      if (!released) throw new ApiError(409, 'Conflict', t.status === 'claimed' ? 'claimed by someone else' : `the task is ${t.status}`);
      return taskView(released);
    },
  );

  app.post(
    '/api/tasks/:taskId/complete',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Complete a task with one of its actions; the case validates the payload',
        security: [{ bearer: [] }],
        params: TaskParams,
        body: Type.Object({ action: Type.String({ pattern: '^[A-Z_]{1,40}$' }), payload: Type.Record(Type.String(), Type.Unknown(), { default: {} }) }, { additionalProperties: false }),
        response: { 200: TaskSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const t = await ownTask(ctx, req.params.taskId, p);
      if (!t.active) throw new ApiError(409, 'Conflict', `the task is ${t.status}`);
      if (t.claimedBy && t.claimedBy.id !== p.id) throw new ApiError(409, 'Conflict', `claimed by ${t.claimedBy.name}`);
      if (!t.actions.includes(req.body.action)) {
        throw new ApiError(400, 'InvalidInput', `${req.body.action} does not complete this task; use one of ${t.actions.join(', ')}`, { rule: t.rule, fields: [{ field: '/action', message: 'not an action of this task' }] });
      }
      await sendCommand(ctx, t.caseId, req.body.action, req.body.payload, p);
      const after = await ctx.store.tasks.findOne({ _id: t._id });
      return taskView(after ?? t);
    },
  );

  app.get(
    '/api/notifications',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Messages (reminders, escalations, notices) sent to my unit and role, newest first, with their delivery',
        security: [{ bearer: [] }],
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(NotificationSchema) }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const docs = await ctx.store.notifications.find({ toKey: assigneeKey(p) }).sort({ createdAt: -1 }).limit(req.query.limit).toArray();
      return { items: docs.map(notificationView) };
    },
  );

  app.get(
    '/api/notifications/:id',
    {
      schema: {
        tags: ['inbox'],
        summary: 'One outbox message and its delivery, channel by channel (staff of the recipient unit or overseeing it)',
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: { 200: NotificationDetailSchema, ...errors },
      },
    },
    async (req) => {
      const p = requireRole(req, ['officer', 'leader', 'admin']);
      const n = await ctx.store.notifications.findOne({ _id: req.params.id });
      // Outside the caller's jurisdiction: not found, its existence is not disclosed.
      if (!n || !canOversee(p, n.to.unit)) throw new ApiError(404, 'NotFound', `no notification ${req.params.id}`);
      return { ...notificationView(n), caseType: n.caseType, to: n.to, lastError: n.lastError ?? null, sentAt: n.sentAt?.toISOString() ?? null };
    },
  );
};

/**
 * Selection rounds and applications (R7.2–R7.5, R8): an institution applies under a published
 * selection notice; the organiser follows the round's progress; every decision is a command of the
 * application or round case; the expert pool and the draw records behind the random panels (R7.3).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Filter } from 'mongodb';
import { Type } from 'typebox';
import { applicationCase } from '../../machines/application.case.js';
import type { ApplicationInput } from '../../machines/application.machine.js';
import { listingCase } from '../../machines/listing.case.js';
import { roundCase } from '../../machines/round.case.js';
import type { RoundInput, RoundNotice } from '../../machines/round.machine.js';
import { canOversee, PUBLIC_PRINCIPAL, SYSTEM_PRINCIPAL, UNIT_PATTERN, type Principal, type Unit } from '../../rules/actors.js';
import { shanghaiDate } from '../../rules/calendar/dates.js';
import { verifyDraw } from '../../rules/draw/index.js';
import { KINDS, type Kind } from '../../rules/kinds.js';
import { ApplicantFactsSchema, checkEligibility, checkIntake, compareApplications, PRIORITY_CATEGORIES, selectionPolicy, type EligibilityFlag, type PriorityCategory } from '../../rules/selection/index.js';
import type { CaseDoc } from '../../store/documents.js';
import { CASE_TYPES } from '../../workflows/caseTypes.js';
import { applicationWorkflow, caseEventSignal, roundWorkflow } from '../../workflows/index.js';
import { principalOf, requireRole } from '../auth.js';
import { caseView, readableCase, sendCommand } from '../cases.js';
import { commandErrors, commandRoutes } from '../commandRoutes.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { CaseSchema } from '../schemas.js';
import { waitForProjection } from './selectionPlans.js';

/** `selection-plan:<organiser>:<ref>` ↔ `selection-round:<organiser>:<ref>`: one round per published notice. */
export const roundIdOf = (planId: string) => `${CASE_TYPES.round.idPrefix}:${planId.slice(CASE_TYPES.selectionPlan.idPrefix.length + 1)}`;
const planIdOf = (roundId: string) => `${CASE_TYPES.selectionPlan.idPrefix}:${roundId.slice(CASE_TYPES.round.idPrefix.length + 1)}`;
const RoundParams = Type.Object({ roundId: Type.String({ pattern: '^selection-round:', maxLength: 200 }) });

interface PlanSummary {
  kind: Kind;
  organiser: Unit;
  notice: { documentNumber: string; applicationWindow: { opens: string; closes: string }; publishedAt: string } | null;
  occupations: RoundNotice['occupations'];
}

/** The round a published selection notice opened, as the round case's input. */
async function roundInputOf(ctx: ApiContext, roundId: string): Promise<Omit<RoundInput, 'caseId' | 'createdAt'>> {
  const plan = await ctx.store.cases.findOne({ _id: planIdOf(roundId), caseType: 'selectionPlan' });
  const summary = plan?.summary as PlanSummary | undefined;
  if (!plan || !summary?.notice) throw new ApiError(404, 'NotFound', `no published selection notice for ${roundId}`, { rule: 'R7.1' });
  if ((summary as { cancellation?: unknown }).cancellation) throw new ApiError(409, 'InvalidState', `the selection under ${summary.notice.documentNumber} was cancelled`, { rule: 'R7.1' });
  return {
    kind: summary.kind,
    organiser: summary.organiser,
    planId: plan._id,
    notice: { documentNumber: summary.notice.documentNumber, occupations: summary.occupations, applicationWindow: summary.notice.applicationWindow },
    createdBy: SYSTEM_PRINCIPAL,
  };
}

export const selectionRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/selection-rounds/:roundId/applications',
    {
      schema: {
        tags: ['selection rounds'],
        summary: 'Apply under a published selection notice, for one or more occupations, through one recommendation channel (R7.2)',
        security: [{ bearer: [] }],
        params: RoundParams,
        body: Type.Object(
          {
            institution: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), province: Type.String({ pattern: '^[0-9]{2}$' }) }, { additionalProperties: false }),
            occupationCodes: Type.Array(Type.String({ maxLength: 20 }), { minItems: 1, maxItems: 20 }),
            recommender: Type.String({ pattern: UNIT_PATTERN, description: 'province:<code> of the territory, or industry:<code>' }),
            priority: Type.Union(PRIORITY_CATEGORIES.map((c) => Type.Literal(c)), { description: 'R7.0 / R8.2 priority category' }),
            facts: ApplicantFactsSchema,
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ roundId: Type.String(), applications: Type.Array(CaseSchema) }), ...commandErrors, 422: ErrorSchema },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, ['institution']);
      const institutionId = p.unit.slice('institution:'.length);
      const { roundId } = req.params;
      const round = await roundInputOf(ctx, roundId);
      const at = new Date().toISOString();
      const mine = await ctx.store.cases.find({ caseType: 'application', 'summary.roundId': roundId, 'summary.institution.id': institutionId }).toArray();
      const bars = await ctx.store.bars.find({ institutionId, kind: round.kind }).toArray();
      const rejections = checkIntake({
        round: { kind: round.kind, organiser: round.organiser, window: round.notice.applicationWindow, occupations: round.notice.occupations },
        application: { institutionId, province: req.body.institution.province, occupationCodes: req.body.occupationCodes, recommender: req.body.recommender as Unit },
        existing: mine.map((c) => {
          const s = c.summary as { occupation: { code: string }; recommender: Unit };
          return { occupationCode: s.occupation.code, recommender: s.recommender, status: c.final ? (c.status.code === 'withdrawn' ? 'withdrawn' : 'rejected') : 'open' };
        }),
        bars,
        at,
      });
      if (rejections.length > 0) {
        const first = rejections[0]!;
        const status = first.code === 'DUPLICATE_APPLICATION' || first.code === 'SECOND_CHANNEL' ? 409 : 422;
        throw new ApiError(status, first.code, rejections.map((r) => `${r.rule}: ${r.message}`).join('; '), { rule: first.rule, rejections });
      }

      const flags = checkEligibility(req.body.facts, { today: shanghaiDate(at) });
      const created: CaseDoc[] = [];
      for (const code of req.body.occupationCodes) {
        const occupation = round.notice.occupations.find((o) => o.code === code)!;
        // The channel is not part of the id: a second application for the occupation collides (R7.2).
        const caseId = `${CASE_TYPES.application.idPrefix}:${roundId}:${institutionId}:${code}`;
        const input: Omit<ApplicationInput, 'caseId' | 'createdAt'> = {
          roundId,
          kind: round.kind,
          organiser: round.organiser,
          institution: { id: institutionId, name: req.body.institution.name, province: req.body.institution.province },
          occupation,
          recommender: req.body.recommender as Unit,
          priority: req.body.priority,
          facts: req.body.facts as Record<string, unknown>,
          flags,
          panelSize: selectionPolicy.panel.size,
          createdBy: p,
        };
        try {
          await ctx.temporal.workflow.start(applicationWorkflow, { workflowId: caseId, taskQueue: ctx.config.taskQueue, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE, args: [{ input }] });
        } catch (e) {
          if (e instanceof WorkflowExecutionAlreadyStartedError) throw new ApiError(409, 'DUPLICATE_APPLICATION', `R7.2: ${institutionId} has applied for ${code} in this round already`, { rule: 'R7.2' });
          throw e;
        }
        // Starts the round on its first application; registers this one with it (durably, in order).
        await ctx.temporal.workflow.signalWithStart(roundWorkflow, {
          workflowId: roundId,
          taskQueue: ctx.config.taskQueue,
          args: [{ input: round }],
          signal: caseEventSignal,
          signalArgs: [{ type: 'application.registered', application: caseId, priority: req.body.priority, flags: flags.length, institutionId, occupationCode: code, from: caseId }],
        });
        created.push(await waitForProjection(ctx, caseId));
      }
      return reply.status(201).send({ roundId, applications: created.map((d) => caseView(d, p)) });
    },
  );

  app.get(
    '/api/selection-rounds/:roundId/applications',
    {
      schema: {
        tags: ['selection rounds'],
        summary: 'The round\'s applications for its organiser: priority order (R7.0 / R8.2), stage, open task and whether it is overdue',
        security: [{ bearer: [] }],
        params: RoundParams,
        response: {
          200: Type.Object({
            counts: Type.Record(Type.String(), Type.Integer()),
            overdue: Type.Integer(),
            items: Type.Array(Type.Object({ caseId: Type.String(), institution: Type.Unknown(), occupation: Type.Unknown(), recommender: Type.String(), priority: Type.String(), flags: Type.Integer(), status: Type.Unknown(), due: Type.Union([Type.String(), Type.Null()]), overdue: Type.Boolean() })),
          }),
          ...commandErrors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const round = await roundInputOf(ctx, req.params.roundId);
      if (!(p.role === 'officer' || p.role === 'leader') || !canOversee(p, round.organiser)) throw new ApiError(404, 'NotFound', `no round ${req.params.roundId}`);
      const apps = await ctx.store.cases.find({ caseType: 'application', 'summary.roundId': req.params.roundId }).toArray();
      const tasks = await ctx.store.tasks.find({ caseId: { $in: apps.map((a) => a._id) }, active: true }).toArray();
      const now = new Date();
      const items = apps
        .map((a) => {
          const s = a.summary as { institution: unknown; occupation: unknown; recommender: string; priority: PriorityCategory; flags: EligibilityFlag[] };
          const due = tasks.filter((t) => t.caseId === a._id && t.due).map((t) => t.due!).sort((x, y) => x.getTime() - y.getTime())[0] ?? null;
          const rank = { kind: round.kind, category: s.priority, flags: s.flags, submittedAt: a.createdAt.toISOString(), id: a._id };
          return { rank, caseId: a._id, institution: s.institution, occupation: s.occupation, recommender: s.recommender, priority: s.priority, flags: s.flags.length, status: a.status, due: due?.toISOString() ?? null, overdue: due !== null && due < now };
        })
        .sort((x, y) => compareApplications(x.rank, y.rank));
      const counts: Record<string, number> = {};
      for (const i of items) counts[i.status.code] = (counts[i.status.code] ?? 0) + 1;
      return { counts, overdue: items.filter((i) => i.overdue).length, items: items.map(({ rank: _rank, ...rest }) => rest) };
    },
  );

  await app.register(commandRoutes(ctx, '/api/applications', applicationCase, 'applications'));
  await app.register(commandRoutes(ctx, '/api/selection-rounds', roundCase, 'selection rounds'));
  // Listings (R9, R14.2, R20.3): renewal, annual reports, withdrawal — typed routes from the listing case.
  await app.register(commandRoutes(ctx, '/api/listings', listingCase, 'listings'));

  // ---- the expert pool (专家库) and the draws behind each panel (R7.3) --------------------------
  const ExpertSchema = Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 100 }),
      fields: Type.Array(Type.String({ maxLength: 20 }), { minItems: 1, maxItems: 50 }),
      employer: Type.String({ minLength: 1, maxLength: 200 }),
      employmentHistory: Type.Array(Type.Object({ organisation: Type.String({ minLength: 1, maxLength: 200 }), from: Type.String({ format: 'date' }), to: Type.Union([Type.String({ format: 'date' }), Type.Null()]) }, { additionalProperties: false }), { maxItems: 50 }),
      active: Type.Boolean(),
    },
    { additionalProperties: false },
  );
  const poolKeeper = (p: Principal) => p.unit === 'national' && (p.role === 'officer' || p.role === 'admin');

  app.put(
    '/api/expert-pool/:expertId',
    {
      schema: {
        tags: ['expert pool'],
        summary: 'Add or update an expert in the pool (national group)',
        security: [{ bearer: [] }],
        params: Type.Object({ expertId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }),
        body: ExpertSchema,
        response: { 200: Type.Object({ expertId: Type.String() }), ...commandErrors },
      },
    },
    async (req) => {
      if (!poolKeeper(principalOf(req))) throw new ApiError(403, 'Forbidden', 'the expert pool is kept by the national group');
      await ctx.store.experts.replaceOne({ _id: req.params.expertId }, { ...req.body, id: req.params.expertId, updatedAt: new Date() }, { upsert: true });
      return { expertId: req.params.expertId };
    },
  );

  app.get(
    '/api/draws/:drawId',
    {
      schema: {
        tags: ['expert pool'],
        summary: 'A recorded draw with its proof, re-run now (R7.3): the same inputs give the same panel',
        security: [{ bearer: [] }],
        params: Type.Object({ drawId: Type.String({ minLength: 1, maxLength: 300 }) }),
        response: { 200: Type.Object({ drawId: Type.String(), caseId: Type.String(), status: Type.String(), seedCommitment: Type.String(), record: Type.Unknown(), verification: Type.Object({ valid: Type.Boolean(), problems: Type.Array(Type.String()) }) }), ...commandErrors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const draw = await ctx.store.draws.findOne({ _id: req.params.drawId });
      if (!draw) throw new ApiError(404, 'NotFound', `no draw ${req.params.drawId}`);
      const c = await readableCase(ctx, draw.caseId, p);
      // Panel membership is confidential (R7.3): organiser staff and oversight only.
      if (!(p.role === 'officer' || p.role === 'leader' || p.role === 'admin') || !canOversee(p, c.owner as Unit)) throw new ApiError(404, 'NotFound', `no draw ${req.params.drawId}`);
      const verification = draw.pool && draw.request && draw.result ? verifyDraw(draw.pool, draw.request, draw.result) : { valid: false, problems: [`the draw is ${draw.status}`] };
      const { seed: _seed, ...record } = draw;
      return { drawId: draw._id, caseId: draw.caseId, status: draw.status, seedCommitment: draw.seedCommitment, record: draw.status === 'committed' ? record : draw, verification };
    },
  );
};

/** Public pages' API: notices open now, and objections to them (R7.4), without an account. */
export const publicSelectionRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  const Window = Type.Object({ opens: Type.String(), closes: Type.String() });
  const Occupation = Type.Object({ code: Type.String(), name: Type.String() });

  app.get(
    '/api/public/selection-notices',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: 'Published selection notices (遴选工作通知, R7.1, R8.1): occupations and application window; `open=true` for those accepting applications today (R7.2)',
        querystring: Type.Object(
          {
            open: Type.Optional(Type.Boolean({ description: 'only notices whose application window includes today (Asia/Shanghai)' })),
            kind: Type.Optional(Type.Union(KINDS.map((k) => Type.Literal(k)))),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            items: Type.Array(
              Type.Object({
                planId: Type.String(),
                roundId: Type.String(),
                title: Type.String(),
                kind: Type.String(),
                organiser: Type.String(),
                documentNumber: Type.String(),
                publishedAt: Type.Union([Type.String(), Type.Null()]),
                applicationWindow: Window,
                open: Type.Boolean(),
                occupations: Type.Array(Occupation),
              }),
            ),
          }),
          400: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const today = shanghaiDate(new Date().toISOString());
      const filter: Filter<CaseDoc> = { caseType: 'selectionPlan', 'summary.notice': { $ne: null }, 'summary.cancellation': null };
      if (q.kind) filter['summary.kind'] = q.kind;
      if (q.open) {
        filter['summary.notice.applicationWindow.opens'] = { $lte: today };
        filter['summary.notice.applicationWindow.closes'] = { $gte: today };
      }
      const [docs, total] = await Promise.all([
        ctx.store.cases.find(filter).sort({ 'summary.notice.applicationWindow.closes': -1, _id: 1 }).skip(q.skip).limit(q.limit).toArray(),
        ctx.store.cases.countDocuments(filter),
      ]);
      return {
        total,
        items: docs.map((d) => {
          const s = d.summary as unknown as PlanSummary & { title: string };
          const w = s.notice!.applicationWindow;
          return {
            planId: d._id,
            roundId: roundIdOf(d._id),
            title: s.title,
            kind: s.kind,
            organiser: s.organiser,
            documentNumber: s.notice!.documentNumber,
            publishedAt: s.notice!.publishedAt ?? null,
            applicationWindow: w,
            open: w.opens <= today && today <= w.closes,
            occupations: s.occupations,
          };
        }),
      };
    },
  );

  app.get(
    '/api/public/notices',
    {
      schema: {
        tags: ['public'],
        summary: 'Public notices (公示) running now: the proposed lists and until when objections are accepted (R7.4)',
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }), skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            items: Type.Array(
              Type.Object({
                roundId: Type.String(),
                kind: Type.String(),
                organiser: Type.String(),
                documentNumber: Type.String(),
                startedAt: Type.Union([Type.String(), Type.Null()]),
                endsAt: Type.Union([Type.String(), Type.Null()]),
                endDate: Type.Union([Type.String(), Type.Null()]),
                provisional: Type.Boolean({ description: 'the end date relies on a year whose holiday arrangement is not published yet' }),
                explanation: Type.Union([
                  Type.Object({ rule: Type.String(), start: Type.String(), skipped: Type.Array(Type.Object({ date: Type.String(), reason: Type.String() })), text: Type.String() }),
                  Type.Null(),
                ]),
                list: Type.Array(Type.Object({ application: Type.String(), institution: Type.Unknown(), occupation: Type.Unknown() })),
              }),
            ),
          }),
          400: ErrorSchema,
        },
      },
    },
    async (req) => {
      const filter: Filter<CaseDoc> = { caseType: 'round', 'status.code': 'publicNotice' };
      const [rounds, total] = await Promise.all([
        ctx.store.cases.find(filter).sort({ updatedAt: -1, _id: 1 }).skip(req.query.skip).limit(req.query.limit).toArray(),
        ctx.store.cases.countDocuments(filter),
      ]);
      const items = [];
      for (const r of rounds) {
        const s = r.summary as {
          kind: string;
          organiser: string;
          notice: { documentNumber: string };
          list: { application: string }[];
          publicNotice: { startedAt?: string; endsAt: string | null; endDate: string | null; provisional?: boolean | null } | null;
        };
        const apps = await ctx.store.cases.find({ _id: { $in: s.list.map((l) => l.application) } }).toArray();
        // R7.4: the 5 working days and why they end when they do (the days skipped), from the round's deadline.
        const ends = r.deadlines.find((d) => d.name === 'noticeEnds');
        items.push({
          roundId: r._id,
          kind: s.kind,
          organiser: s.organiser,
          documentNumber: s.notice.documentNumber,
          startedAt: s.publicNotice?.startedAt ?? null,
          endsAt: s.publicNotice?.endsAt ?? null,
          endDate: s.publicNotice?.endDate ?? null,
          provisional: Boolean(s.publicNotice?.provisional ?? ends?.provisional ?? false),
          explanation: ends ? { rule: ends.explanation.rule, start: ends.explanation.start, skipped: ends.explanation.skipped, text: ends.explanation.text } : null,
          list: s.list.map((l) => {
            const a = apps.find((x) => x._id === l.application)?.summary as { institution?: { name: string; province: string }; occupation?: unknown } | undefined;
            return { application: l.application, institution: a?.institution ? { name: a.institution.name, province: a.institution.province } : null, occupation: a?.occupation ?? null };
          }),
        });
      }
      return { total, items };
    },
  );

  app.post(
    '/api/public/notices/:roundId/objections',
    {
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: 'File an objection during a public notice (R7.4); anyone, no account; until 24:00 of the notice\'s last day',
        params: RoundParams,
        body: Type.Object(
          { application: Type.String({ minLength: 1, maxLength: 300 }), text: Type.String({ minLength: 1, maxLength: 5000 }), contact: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ roundId: Type.String(), received: Type.Boolean() }), 400: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      const round = await ctx.store.cases.findOne({ _id: req.params.roundId, caseType: 'round' });
      if (!round) throw new ApiError(404, 'NotFound', `no public notice ${req.params.roundId}`);
      await sendCommand(ctx, round._id, 'FILE_OBJECTION', req.body, PUBLIC_PRINCIPAL);
      return reply.status(202).send({ roundId: round._id, received: true });
    },
  );
};

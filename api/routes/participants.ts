/**
 * What the people outside the departments read in the browser: an institution's own cases (its
 * applications, listings, rectification orders, the inspections that drew it) with their deadlines;
 * an application's materials for the experts drawn to review it (R7.3: the materials only — never the
 * panel or anyone's vote); an inspector's own assignments in a random inspection with the R10–R12
 * checklist of each institution's kind (R16). Reads come from the projections and the audit chain.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Filter } from 'mongodb';
import { Type } from 'typebox';
import type { InspectionAssignment } from '../../machines/inspection.machine.js';
import { inspectionChecklist } from '../../rules/conduct/checklists.js';
import type { Kind } from '../../rules/kinds.js';
import type { CaseDoc } from '../../store/documents.js';
import { principalOf, requireRole } from '../auth.js';
import { caseView, readableCase } from '../cases.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { CaseSchema } from '../schemas.js';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
/** The case types a unit takes part in as a party (the applicant, the holder, the drawn institution). */
export const PARTY_CASE_TYPES = ['application', 'listing', 'rectification', 'inspection'] as const;
const Occupation = Type.Object({ code: Type.String(), name: Type.String() });
const Institution = Type.Object({ id: Type.String(), name: Type.String(), province: Type.String() });

export const participantRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get(
    '/api/my/cases',
    {
      schema: {
        tags: ['cases'],
        summary: 'The cases my unit takes part in (an institution: its applications, listings, rectification orders and inspections), newest first, with deadlines',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          {
            caseType: Type.Optional(Type.Union(PARTY_CASE_TYPES.map((c) => Type.Literal(c)))),
            final: Type.Optional(Type.Boolean({ description: 'true: ended cases only; false: running ones only' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            skip: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(CaseSchema) }), ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const q = req.query;
      // The same cases `readableCase` lets a party read: its own unit among the case's parties.
      const filter: Filter<CaseDoc> = { parties: p.unit, caseType: q.caseType ? q.caseType : { $in: [...PARTY_CASE_TYPES] } };
      if (q.final !== undefined) filter.final = q.final;
      const [docs, total] = await Promise.all([
        ctx.store.cases.find(filter).sort({ updatedAt: -1, _id: 1 }).skip(q.skip).limit(q.limit).toArray(),
        ctx.store.cases.countDocuments(filter),
      ]);
      return { total, items: docs.map((d) => caseView(d, p)) };
    },
  );

  app.get(
    '/api/applications/:caseId/materials',
    {
      schema: {
        tags: ['applications'],
        summary: 'The application as submitted (R7.2, R6 facts and eligibility flags) and its corrections (R7.3): for the drawn experts, the applicant and the staff',
        description: 'Read from the case\'s audit chain. Holds nothing about the panel or its votes (R7.3 confidentiality).',
        security: [{ bearer: [] }],
        params: Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 300 }) }),
        response: {
          200: Type.Object({
            caseId: Type.String(),
            roundId: Type.String(),
            kind: Type.String(),
            institution: Institution,
            occupation: Occupation,
            recommender: Type.String(),
            priority: Type.String(),
            facts: Type.Record(Type.String(), Type.Unknown()),
            flags: Type.Array(Type.Object({ rule: Type.String(), check: Type.String(), reason: Type.String() })),
            submittedAt: Type.String(),
            corrections: Type.Array(
              Type.Object({
                requestedAt: Type.String(),
                items: Type.String(),
                workingDays: Type.Union([Type.Integer(), Type.Null()]),
                submittedAt: Type.Union([Type.String(), Type.Null()]),
                note: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const doc = await readableCase(ctx, req.params.caseId, p, 'application');
      const entries = await ctx.store.audit
        .find({ caseId: doc._id, 'event.type': { $in: ['case.opened', 'RETURN_FOR_CORRECTION', 'SUBMIT_CORRECTION'] } })
        .sort({ seq: 1 })
        .toArray();
      const opened = entries.find((e) => e.event.type === 'case.opened');
      if (!opened) throw new ApiError(404, 'NotFound', `no case ${req.params.caseId}`);
      const input = opened.event.input as {
        roundId: string;
        kind: string;
        institution: { id: string; name: string; province: string };
        occupation: { code: string; name: string };
        recommender: string;
        priority: string;
        facts?: Record<string, unknown>;
        flags?: { rule: string; check: string; reason: string }[];
      };
      const corrections: { requestedAt: string; items: string; workingDays: number | null; submittedAt: string | null; note: string | null }[] = [];
      for (const e of entries) {
        if (e.event.type === 'RETURN_FOR_CORRECTION') {
          corrections.push({ requestedAt: e.at, items: String(e.event.items ?? ''), workingDays: typeof e.event.workingDays === 'number' ? e.event.workingDays : null, submittedAt: null, note: null });
        } else if (e.event.type === 'SUBMIT_CORRECTION' && corrections.length > 0) {
          const last = corrections[corrections.length - 1]!;
          last.submittedAt = e.at;
          last.note = String(e.event.note ?? '');
        }
      }
      return {
        caseId: doc._id,
        roundId: input.roundId,
        kind: input.kind,
        institution: { id: input.institution.id, name: input.institution.name, province: input.institution.province },
        occupation: { code: input.occupation.code, name: input.occupation.name },
        recommender: input.recommender,
        priority: input.priority,
        facts: input.facts ?? {},
        flags: (input.flags ?? []).map((f) => ({ rule: f.rule, check: f.check, reason: f.reason })),
        submittedAt: opened.at,
        corrections,
      };
    },
  );

  app.get(
    '/api/inspections/:caseId/assignments',
    {
      schema: {
        tags: ['random inspections'],
        summary: 'My assignments in a random inspection (R16): each institution drawn for me, its inspected listings, the R10–R12 checklist of its kinds, and my findings task',
        security: [{ bearer: [] }],
        params: Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 300 }) }),
        response: {
          200: Type.Object({
            caseId: Type.String(),
            title: Type.String(),
            status: Type.Object({ code: Type.String(), label: Type.String(), final: Type.Boolean() }),
            due: Type.Union([Type.String(), Type.Null()]),
            items: Type.Array(
              Type.Object({
                institution: Institution,
                listings: Type.Array(Type.Object({ listingId: Type.String(), kind: Type.String(), occupation: Occupation })),
                checklist: Type.Array(Type.Object({ id: Type.String(), rule: Type.String(), text: Type.String(), zh: Type.String(), kinds: Type.Array(Type.String()) })),
                task: Type.Union([
                  Type.Object({ taskId: Type.String(), status: Type.String(), active: Type.Boolean(), due: Type.Union([Type.String(), Type.Null()]), dueDate: Type.Union([Type.String(), Type.Null()]) }),
                  Type.Null(),
                ]),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const p = requireRole(req, ['inspector']);
      const notFound = new ApiError(404, 'NotFound', `no inspection ${req.params.caseId} drew you`);
      const doc = await ctx.store.cases.findOne({ _id: req.params.caseId, caseType: 'inspection' });
      if (!doc) throw notFound;
      const summary = doc.summary as { title: string; drawId: string | null; due: string | null };
      const draw = summary.drawId ? await ctx.store.inspectionDraws.findOne({ _id: summary.drawId }) : null;
      const assignments = ((draw?.outcome as { assignments?: InspectionAssignment[] } | undefined)?.assignments ?? []).filter((a) =>
        a.inspectors.some((i) => `inspector:${i.id}` === p.unit),
      );
      // Not drawn for it: not found, as for any case outside one's reach.
      if (assignments.length === 0) throw notFound;
      const inspectorId = p.unit.slice('inspector:'.length);
      const taskIds = assignments.map((a) => `${doc._id}~findings-${a.institution.id}-${inspectorId}`);
      const tasks = await ctx.store.tasks.find({ _id: { $in: taskIds } }).toArray();
      return {
        caseId: doc._id,
        title: summary.title,
        status: doc.status,
        due: summary.due ?? null,
        items: assignments.map((a, i) => {
          const kinds = [...new Set(a.listings.map((l) => l.kind))] as Kind[];
          const checklist = new Map<string, { id: string; rule: string; text: string; zh: string; kinds: string[] }>();
          for (const kind of kinds) {
            for (const item of inspectionChecklist(kind)) {
              const seen = checklist.get(item.id);
              if (seen) seen.kinds.push(kind);
              else checklist.set(item.id, { id: item.id, rule: item.rule, text: item.text, zh: item.zh, kinds: [kind] });
            }
          }
          const t = tasks.find((x) => x._id === taskIds[i]);
          return {
            institution: { id: a.institution.id, name: a.institution.name, province: a.institution.province },
            listings: a.listings.map((l) => ({ listingId: l.listingId, kind: l.kind, occupation: { code: l.occupation.code, name: l.occupation.name } })),
            checklist: [...checklist.values()],
            task: t ? { taskId: t._id, status: t.status, active: t.active, due: t.due?.toISOString() ?? null, dueDate: t.dueDate } : null,
          };
        }),
      };
    },
  );
};

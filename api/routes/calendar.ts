/**
 * The working-day calendar (rules.md "Time"): public reads, and the admin's loading of a year's
 * official arrangement, which sends every open case with provisional deadlines a recompute signal.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { addWorkingDays, CalendarInputError, createCalendar, MAX_WORKING_DAYS, parseIsoDate, type YearArrangement } from '../../rules/calendar/index.js';
import { plusDays, yearOf } from '../../rules/calendar/dates.js';
import { recomputeDeadlinesSignal } from '../../workflows/index.js';
import { requireRole } from '../auth.js';
import type { ApiContext } from '../context.js';
import { ApiError, ErrorSchema } from '../errors.js';

const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const DayList = Type.Array(Type.Object({ date: IsoDate, name: Type.String({ minLength: 1, maxLength: 50 }) }, { additionalProperties: false }), { maxItems: 100 });
const YearParams = Type.Object({ year: Type.Integer({ minimum: 2004, maximum: 2099, description: 'bundled State Council arrangements start in 2004' }) });

async function loadedArrangements(ctx: ApiContext): Promise<YearArrangement[]> {
  return ctx.store.calendarYears.find({}).toArray();
}

function calendarError(e: unknown): never {
  if (e instanceof CalendarInputError) throw new ApiError(400, 'InvalidInput', e.message, { fields: [{ field: e.field, message: e.message }] });
  throw e;
}

export const calendarRoutes = (ctx: ApiContext): { public: FastifyPluginAsyncTypebox; admin: FastifyPluginAsyncTypebox } => ({
  public: async (app) => {
    app.get(
      '/api/calendar/working-days',
      {
        schema: {
          tags: ['calendar'],
          summary: 'The N working days after a date (mainland China, State Council arrangement, make-up days counted)',
          querystring: Type.Object(
            { from: IsoDate, count: Type.Integer({ minimum: -MAX_WORKING_DAYS, maximum: MAX_WORKING_DAYS }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              from: Type.String(),
              count: Type.Integer(),
              end: Type.String(),
              provisional: Type.Boolean(),
              days: Type.Array(Type.String()),
              skipped: Type.Array(Type.Object({ date: Type.String(), reason: Type.String() })),
            }),
            400: ErrorSchema,
          },
        },
      },
      async (req) => {
        try {
          const cal = createCalendar(await loadedArrangements(ctx));
          const r = addWorkingDays(cal, parseIsoDate(req.query.from, 'from'), req.query.count);
          return { from: r.from, count: r.count, end: r.end, provisional: r.provisional, days: r.days, skipped: r.skipped };
        } catch (e) {
          return calendarError(e);
        }
      },
    );

    app.get(
      '/api/calendar/years/:year',
      {
        schema: {
          tags: ['calendar'],
          summary: 'A year\'s non-standard days and where they come from (loaded, bundled, or provisional fallback)',
          params: YearParams,
          response: {
            200: Type.Object({
              year: Type.Integer(),
              source: Type.String(),
              provisional: Type.Boolean(),
              holidays: Type.Array(Type.Object({ date: Type.String(), name: Type.String() })),
              workdays: Type.Array(Type.Object({ date: Type.String(), name: Type.String() })),
            }),
            400: ErrorSchema,
          },
        },
      },
      async (req) => {
        const { year } = req.params;
        const cal = createCalendar(await loadedArrangements(ctx));
        const holidays: { date: string; name: string }[] = [];
        const workdays: { date: string; name: string }[] = [];
        // Walk the year's days through the calendar: one source of truth for every view.
        for (let date = `${year}-01-01`; yearOf(date) === year; date = plusDays(date, 1)) {
          const info = cal.info(date);
          if (info.reason === 'holiday') holidays.push({ date: info.date, name: info.name ?? 'holiday' });
          if (info.reason === 'makeupWorkday') workdays.push({ date: info.date, name: info.name ?? 'make-up working day' });
        }
        const source = cal.source(year);
        return { year, source, provisional: source === 'fallback', holidays, workdays };
      },
    );
  },

  admin: async (app) => {
    app.put(
      '/api/calendar/years/:year',
      {
        schema: {
          tags: ['calendar'],
          summary: 'Load a year\'s official State Council arrangement (admin); provisional deadlines are recomputed',
          security: [{ bearer: [] }],
          params: YearParams,
          body: Type.Object({ holidays: DayList, workdays: DayList, source: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ year: Type.Integer(), holidays: Type.Integer(), workdays: Type.Integer(), casesToRecompute: Type.Integer() }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
        },
      },
      async (req) => {
        const p = requireRole(req, ['admin']);
        // Issue 6 (function level): the working-day calendar is national platform data (rules.md "Time") that moves
        // every open case's deadlines; an admin account of a province, locality or industry department may not load it.
        if (p.unit !== 'national') throw new ApiError(403, 'Forbidden', 'the State Council arrangement is loaded by the platform admin of the national group', { rule: 'Time' });
        const { year } = req.params;
        const arrangement: YearArrangement = { year, holidays: req.body.holidays, workdays: req.body.workdays, source: req.body.source };
        try {
          // Validate by building a calendar with it: dates, duplicates and their year are checked there.
          createCalendar([arrangement]).info(`${year}-01-01`);
        } catch (e) {
          calendarError(e);
        }
        await ctx.store.calendarYears.replaceOne({ _id: year }, { ...arrangement, loadedAt: new Date(), loadedBy: p }, { upsert: true });
        const open = await ctx.store.cases.find({ provisional: true, final: false }, { projection: { _id: 1 } }).toArray();
        await Promise.all(
          open.map((c) => ctx.temporal.workflow.getHandle(c._id).signal(recomputeDeadlinesSignal, { years: [year] }).catch((e: unknown) => req.log.warn({ err: e, caseId: c._id }, 'recompute signal failed'))),
        );
        req.log.info({ year, by: p.id, cases: open.length }, 'calendar year loaded');
        return { year, holidays: arrangement.holidays.length, workdays: arrangement.workdays.length, casesToRecompute: open.length };
      },
    );
  },
});

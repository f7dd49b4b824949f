/**
 * The calendar activity: computes deadlines with their explanation from the State Council
 * arrangements (loaded by an admin, or bundled), falling back to the statutory holidays (provisional).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { DeadlineRequest } from '../machines/kit.js';
import { CalendarInputError, computeDeadline, createCalendar, type Calendar, type Deadline, type YearArrangement } from '../rules/calendar/index.js';

export interface CalendarDeps {
  /** Arrangements loaded by an admin; they take precedence over the bundled data. */
  loadArrangements: () => Promise<YearArrangement[]>;
}

function nonRetryable(e: unknown): never {
  if (e instanceof CalendarInputError) throw ApplicationFailure.create({ type: 'CalendarInputError', message: e.message, nonRetryable: true });
  throw e;
}

function compute(cal: Calendar, req: DeadlineRequest): Deadline[] {
  try {
    const due = computeDeadline(cal, req.due);
    const reminders = req.reminders.map((r) => ({
      ...computeDeadline(cal, { name: r.name, rule: req.due.rule, from: due.date, offset: r.offset, time: r.time }),
      relativeTo: due.name,
    }));
    return [due, ...reminders];
  } catch (e) {
    return nonRetryable(e);
  }
}

export function createCalendarActivities(deps: CalendarDeps) {
  return {
    async computeDeadlines(req: DeadlineRequest): Promise<Deadline[]> {
      return compute(createCalendar(await deps.loadArrangements()), req);
    },

    /**
     * Every request of one step at once, answered in the order given: one activity instead of one per
     * request (a listing opens with a dozen: its validity and each annual report's due date and reminders).
     */
    async computeDeadlineBatch(reqs: DeadlineRequest[]): Promise<Deadline[][]> {
      const cal = createCalendar(await deps.loadArrangements());
      return reqs.map((req) => compute(cal, req));
    },

    /**
     * After a year's arrangement is loaded: recompute a case's deadlines from the specs they were
     * made from (reminders from their recomputed due date). Returns them in the order given.
     */
    async recomputeDeadlines(deadlines: Deadline[]): Promise<Deadline[]> {
      const cal = createCalendar(await deps.loadArrangements());
      const byName = new Map<string, Deadline>();
      for (const d of deadlines.filter((x) => !x.relativeTo)) {
        try {
          byName.set(d.name, computeDeadline(cal, d.spec));
        } catch (e) {
          nonRetryable(e);
        }
      }
      return deadlines.map((d) => {
        if (!d.relativeTo) return byName.get(d.name)!;
        const due = byName.get(d.relativeTo);
        try {
          return { ...computeDeadline(cal, { ...d.spec, from: due?.date ?? d.spec.from }), relativeTo: d.relativeTo };
        } catch (e) {
          return nonRetryable(e);
        }
      });
    },
  };
}

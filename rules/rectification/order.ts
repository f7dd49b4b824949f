/**
 * The deadline of a rectification order (R20.1 "within a deadline", R16 "fix at once"), as every
 * way of ordering states it — directly, from an inspection's findings, from a confirmed R18(g)
 * conflict: its schema and its checks against the day it is given.
 */
import { Type, type Static } from 'typebox';
import { parseIsoDate, plusDays, type IsoDate } from '../calendar/dates.js';
import { rectificationPolicy } from './policy.js';

const { deadline: limits } = rectificationPolicy;

export const OrderModeSchema = Type.Union([Type.Literal('immediate'), Type.Literal('deadline')]);

/** A date (the last day), or a number of working days from the order. */
export const OrderDueSchema = Type.Union([
  Type.Object({ date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }) }, { additionalProperties: false }),
  Type.Object({ workingDays: Type.Integer({ minimum: limits.minWorkingDays, maximum: limits.maxWorkingDays }) }, { additionalProperties: false }),
]);
export type OrderDue = Static<typeof OrderDueSchema>;

export interface OrderDueError {
  field: string;
  message: string;
  rule: string;
}

/**
 * R20.1 / R16: an order within a deadline names it; an immediate one does not; a date is a real day
 * after `today` and at most `maxDaysAhead` ahead. Fields are JSON pointers under `base` (e.g. `/due`).
 */
export function checkOrderDue(mode: 'immediate' | 'deadline', due: OrderDue | undefined, today: IsoDate, base = '/due'): OrderDueError[] {
  if (mode === 'deadline' && !due) return [{ field: base, message: 'required for mode "deadline": a date or a number of working days', rule: 'R20.1' }];
  if (mode === 'immediate' && due) return [{ field: base, message: 'not allowed for mode "immediate" (R16: fix at once)', rule: 'R16' }];
  if (!due || !('date' in due)) return [];
  const field = `${base}/date`;
  try {
    parseIsoDate(due.date, 'due.date');
  } catch {
    return [{ field, message: `${due.date} is not a calendar date`, rule: 'R20.1' }];
  }
  if (due.date <= today) return [{ field, message: `the deadline must be a day after today (${today}), not ${due.date}`, rule: 'R20.1' }];
  if (due.date > plusDays(today, limits.maxDaysAhead)) return [{ field, message: `at most ${limits.maxDaysAhead} days ahead`, rule: 'R20.1' }];
  return [];
}

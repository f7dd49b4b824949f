import type { Calendar, DayInfo } from './calendar.js';
import { type IsoDate, isWeekend, parseIsoDate, plusDays } from './dates.js';
import { CalendarInputError } from './errors.js';

/** Largest |count| accepted: about 14 years of working days, far beyond any deadline of the regulation. */
export const MAX_WORKING_DAYS = 3660;

export interface WorkingDaysResult {
  from: IsoDate;
  count: number;
  /** The |count|-th working day after `from` (before it, for a negative count); `from` when count is 0. */
  end: IsoDate;
  /** True when any day examined was decided by the fallback (a year without a published arrangement). */
  provisional: boolean;
  /** The |count| working days, in counting order (descending dates for a negative count); `end` is the last. */
  days: IsoDate[];
  /** Every non-working day passed over between `from` (excluded) and `end`, in counting order. */
  skipped: { date: IsoDate; reason: string }[];
  /** The make-up working days (调休上班日) among `days`. */
  makeupWorkdays: IsoDate[];
}

/**
 * The `count` working days after `from` (from itself excluded) in the mainland China calendar:
 * weekends and holidays are skipped, make-up working days count (R7.4 decision). A negative
 * count walks backwards: the working days before `from` (e.g. "remind 2 working days before").
 */
export function addWorkingDays(cal: Calendar, from: IsoDate, count: number): WorkingDaysResult {
  const start = parseIsoDate(from, 'from');
  if (typeof count !== 'number' || !Number.isInteger(count)) {
    throw new CalendarInputError('count', `expected an integer number of working days, got ${String(count)}`);
  }
  if (Math.abs(count) > MAX_WORKING_DAYS) {
    throw new CalendarInputError('count', `|${count}| exceeds ${MAX_WORKING_DAYS} working days`);
  }

  const step = count < 0 ? -1 : 1;
  const days: IsoDate[] = [];
  const skipped: { date: IsoDate; reason: string }[] = [];
  const makeupWorkdays: IsoDate[] = [];
  let provisional = false;
  let date = start;
  while (days.length < Math.abs(count)) {
    date = plusDays(date, step);
    const info = cal.info(date);
    if (info.provisional) provisional = true;
    if (info.working) {
      days.push(date);
      if (info.reason === 'makeupWorkday') makeupWorkdays.push(date);
    } else {
      skipped.push({ date, reason: skipReason(info) });
    }
  }
  return { from: start, count, end: days.at(-1) ?? start, provisional, days, skipped, makeupWorkdays };
}

/** 'weekend', or 'holiday: 国庆节' (with ' (weekend)' when the holiday falls on a Saturday or Sunday). */
export function skipReason(info: DayInfo, language: 'zh' | 'en' = 'zh'): string {
  if (info.reason === 'weekend') return 'weekend';
  if (info.reason === 'holiday') {
    const name = (language === 'en' ? info.nameEn : info.name) ?? info.name ?? 'unnamed';
    return `holiday: ${name}${isWeekend(info.date) ? ' (weekend)' : ''}`;
  }
  return info.reason;
}

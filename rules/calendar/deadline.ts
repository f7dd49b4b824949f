import type { DateTime } from 'luxon';
import type { Calendar } from './calendar.js';
import { type IsoDate, ZONE, dayStart, isoDateOf, parseIsoDate, plusDays, shanghaiDate, utcInstant, yearOf } from './dates.js';
import { CalendarInputError } from './errors.js';
import { MAX_WORKING_DAYS, addWorkingDays } from './working-days.js';

export type Offset =
  | { workingDays: number }
  | { calendarDays: number }
  | { calendarMonths: number }
  | { years: number; days?: number };

export type DeadlineTime = 'endOfDay' | 'startOfDay' | { hour: number; minute?: number };

export interface DeadlineSpec {
  /** e.g. 'approvalDue' */
  name: string;
  /** rule ID, e.g. 'R7.4' */
  rule: string;
  /** ISO instant (with Z or an offset) or IsoDate; its Asia/Shanghai calendar day is the start. */
  from: string;
  offset: Offset;
  /** The instant on the resulting day, Asia/Shanghai. */
  time: DeadlineTime;
}

export interface Deadline {
  name: string;
  rule: string;
  /** ISO instant in UTC with Z and milliseconds, e.g. '2026-10-10T15:59:59.999Z' for the end of 2026-10-10 in Shanghai. */
  at: string;
  /** The Asia/Shanghai calendar day of `at`. */
  date: IsoDate;
  /** True when the computation relied on a year without a published arrangement: recompute when it is loaded. */
  provisional: boolean;
  /** The validated spec this deadline was computed from: recompute with it when an arrangement is loaded. */
  spec: DeadlineSpec;
  /** Set by callers that chain deadlines: the name of the deadline whose date this one was counted from. */
  relativeTo?: string;
  explanation: {
    rule: string;
    start: IsoDate;
    offset: Offset;
    skipped: { date: IsoDate; reason: string }[];
    /** One readable English sentence. */
    text: string;
  };
}

/** Bounds on offsets: a century is far beyond any period of the regulation. */
const MAX_CALENDAR_DAYS = 36_600;
const MAX_CALENDAR_MONTHS = 1_200;
const MAX_YEARS = 100;

/**
 * A deadline (an instant) from a start and an offset, with an explanation of how it was reached.
 * - workingDays: mainland China working days after (before, if negative) the start day, the start
 *   day excluded (R7.4 decision);
 * - calendarDays: plain days;
 * - calendarMonths: luxon month arithmetic, clamped to the month's end (2029-05-31 − 3 months =
 *   2029-02-28; R9 decision for the renewal deadline);
 * - years (+ days): years first, then days (publication + 3 years − 1 day = expiry, R5.2/R9). Years
 *   clamp like months: 2028-02-29 + 3 years = 2031-02-28, then − 1 day = 2031-02-27.
 * Only workingDays consults the calendar, so only it can be provisional.
 */
export function computeDeadline(cal: Calendar, spec: DeadlineSpec): Deadline {
  if (typeof spec !== 'object' || spec === null) throw new CalendarInputError('spec', 'expected a deadline spec object');
  const name = requireText(spec.name, 'name');
  const rule = requireText(spec.rule, 'rule');
  const start = startDay(spec.from);
  const offset = validateOffset(spec.offset);
  const time = validateTime(spec.time);

  let date: IsoDate;
  let provisional = false;
  let skipped: { date: IsoDate; reason: string }[] = [];
  const notes: string[] = [];
  let description: string;

  if ('workingDays' in offset) {
    const result = addWorkingDays(cal, start, offset.workingDays);
    date = result.end;
    provisional = result.provisional;
    skipped = result.skipped;
    description = `${quantity(Math.abs(offset.workingDays), 'working day')} ${direction(offset.workingDays)} ${start}`;
    if (skipped.length > 0) notes.push(`skipped ${describeSkipped(cal, skipped.map((s) => s.date))}`);
    if (result.makeupWorkdays.length > 0) notes.push(describeMakeup(cal, result.makeupWorkdays));
    if (provisional) notes.push(describeProvisional(cal, [...result.days, ...skipped.map((s) => s.date)]));
  } else if ('calendarDays' in offset) {
    date = plusDays(start, offset.calendarDays);
    description = `${quantity(Math.abs(offset.calendarDays), 'calendar day')} ${direction(offset.calendarDays)} ${start}`;
  } else if ('calendarMonths' in offset) {
    const moved = dayStart(start).plus({ months: offset.calendarMonths });
    date = isoDateOf(moved);
    description = `${quantity(Math.abs(offset.calendarMonths), 'calendar month')} ${direction(offset.calendarMonths)} ${start}`;
    const clamp = clampNote(start, moved);
    if (clamp) notes.push(clamp);
  } else {
    const days = offset.days ?? 0;
    const moved = dayStart(start).plus({ years: offset.years });
    date = isoDateOf(moved.plus({ days }));
    const dayPart = days === 0 ? '' : `${days < 0 ? 'minus' : 'plus'} ${quantity(Math.abs(days), 'day')}`;
    description = offset.years >= 0
      ? `${quantity(offset.years, 'year')}${dayPart ? ` ${dayPart}` : ''} after ${start}`
      : `${quantity(-offset.years, 'year')} before ${start}${dayPart ? `, ${dayPart}` : ''}`;
    const clamp = clampNote(start, moved);
    if (clamp) notes.push(clamp);
  }

  const at = instantOn(date, time);
  const text = `${description} (${rule}): ends ${date} (${describeTime(time)}, ${ZONE})${notes.map((n) => `; ${n}`).join('')}.`;
  return {
    name,
    rule,
    at: utcInstant(at),
    date,
    provisional,
    spec: { name, rule, from: spec.from, offset, time },
    explanation: { rule, start, offset, skipped, text },
  };
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new CalendarInputError(field, 'expected a non-empty string');
  return value;
}

function startDay(from: unknown): IsoDate {
  if (typeof from !== 'string') throw new CalendarInputError('from', 'expected an ISO instant or a YYYY-MM-DD date');
  return from.includes('T') ? shanghaiDate(from, 'from') : parseIsoDate(from, 'from');
}

function integerIn(value: unknown, max: number, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new CalendarInputError(field, `expected an integer, got ${JSON.stringify(value)}`);
  }
  if (Math.abs(value) > max) throw new CalendarInputError(field, `|${value}| exceeds ${max}`);
  return value;
}

function validateOffset(offset: unknown): Offset {
  if (typeof offset !== 'object' || offset === null) {
    throw new CalendarInputError('offset', 'expected { workingDays } | { calendarDays } | { calendarMonths } | { years, days? }');
  }
  const keys = Object.keys(offset).sort().join(',');
  const o = offset as Record<string, unknown>;
  switch (keys) {
    case 'workingDays':
      return { workingDays: integerIn(o.workingDays, MAX_WORKING_DAYS, 'offset.workingDays') };
    case 'calendarDays':
      return { calendarDays: integerIn(o.calendarDays, MAX_CALENDAR_DAYS, 'offset.calendarDays') };
    case 'calendarMonths':
      return { calendarMonths: integerIn(o.calendarMonths, MAX_CALENDAR_MONTHS, 'offset.calendarMonths') };
    case 'years':
      return { years: integerIn(o.years, MAX_YEARS, 'offset.years') };
    case 'days,years':
      return { years: integerIn(o.years, MAX_YEARS, 'offset.years'), days: integerIn(o.days, MAX_CALENDAR_DAYS, 'offset.days') };
    default:
      throw new CalendarInputError(
        'offset',
        `expected exactly one of workingDays, calendarDays, calendarMonths, or years (with optional days); got keys [${keys}]`,
      );
  }
}

function validateTime(time: unknown): DeadlineTime {
  if (time === 'endOfDay' || time === 'startOfDay') return time;
  if (typeof time === 'object' && time !== null) {
    const { hour, minute, ...rest } = time as { hour?: unknown; minute?: unknown };
    if (Object.keys(rest).length > 0) throw new CalendarInputError('time', 'expected only hour and minute');
    if (typeof hour !== 'number' || !Number.isInteger(hour) || hour < 0 || hour > 23) {
      throw new CalendarInputError('time.hour', `expected an integer 0–23, got ${JSON.stringify(hour)}`);
    }
    if (minute === undefined) return { hour };
    if (typeof minute !== 'number' || !Number.isInteger(minute) || minute < 0 || minute > 59) {
      throw new CalendarInputError('time.minute', `expected an integer 0–59, got ${JSON.stringify(minute)}`);
    }
    return { hour, minute };
  }
  throw new CalendarInputError('time', `expected 'endOfDay', 'startOfDay' or { hour, minute? }, got ${JSON.stringify(time)}`);
}

function instantOn(date: IsoDate, time: DeadlineTime): DateTime {
  const day = dayStart(date);
  if (time === 'endOfDay') return day.endOf('day');
  if (time === 'startOfDay') return day;
  return day.set({ hour: time.hour, minute: time.minute ?? 0 });
}

function describeTime(time: DeadlineTime): string {
  if (time === 'endOfDay') return 'end of day';
  if (time === 'startOfDay') return 'start of day';
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute ?? 0).padStart(2, '0')}`;
}

function quantity(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function direction(n: number): 'after' | 'before' {
  return n < 0 ? 'before' : 'after';
}

/** A note when month/year arithmetic clamped a day that the target month lacks. */
function clampNote(start: IsoDate, moved: DateTime): string | undefined {
  const from = dayStart(start);
  if (moved.day === from.day) return undefined;
  return `${moved.toFormat('yyyy-MM')} has no day ${from.day}, so its last day ${isoDateOf(moved)} was used`;
}

/** "2026-10-01 to 2026-10-07 (holiday: National Day), 2026-10-10 (weekend)", in date order, runs merged. */
function describeSkipped(cal: Calendar, dates: IsoDate[]): string {
  const runs: { first: IsoDate; last: IsoDate; label: string }[] = [];
  for (const date of [...dates].sort()) {
    const info = cal.info(date);
    const label = info.reason === 'holiday' ? `holiday: ${info.nameEn ?? info.name ?? 'unnamed'}` : 'weekend';
    const run = runs.at(-1);
    if (run && run.label === label && plusDays(run.last, 1) === date) run.last = date;
    else runs.push({ first: date, last: date, label });
  }
  return runs.map((r) => `${r.first === r.last ? r.first : `${r.first} to ${r.last}`} (${r.label})`).join(', ');
}

function describeMakeup(cal: Calendar, dates: IsoDate[]): string {
  const items = [...dates].sort().map((d) => {
    const name = cal.info(d).nameEn;
    return name ? `${d} (${name})` : d;
  });
  const list = items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
  return `${list} ${items.length === 1 ? 'is a make-up working day' : 'are make-up working days'}`;
}

function describeProvisional(cal: Calendar, examined: IsoDate[]): string {
  const years = [...new Set(examined.filter((d) => cal.info(d).provisional).map(yearOf))].sort((a, b) => a - b);
  const list = years.join(', ');
  return `provisional: no State Council holiday arrangement is published for ${list} yet, so only weekends and the statutory holidays were skipped (recompute when it is loaded)`;
}

import { DateTime } from 'luxon';
import { CalendarInputError } from './errors.js';

/** Every calendar rule of the service is evaluated in this zone (rules.md, "Time"). */
export const ZONE = 'Asia/Shanghai';

/** A calendar day, 'YYYY-MM-DD'. */
export type IsoDate = string;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** An instant must carry its offset (or Z): a bare local date-time would be ambiguous. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Strict 'YYYY-MM-DD' that names a real calendar day (no 2026-02-30, no week or ordinal dates).
 * @param field the input's name, reported by the CalendarInputError.
 */
export function parseIsoDate(s: string, field = 'date'): IsoDate {
  if (typeof s !== 'string' || !ISO_DATE.test(s)) {
    throw new CalendarInputError(field, `expected a date as YYYY-MM-DD, got ${JSON.stringify(s)}`);
  }
  if (!DateTime.fromISO(s, { zone: ZONE }).isValid) {
    throw new CalendarInputError(field, `${s} is not a calendar date`);
  }
  return s;
}

/**
 * The Asia/Shanghai calendar day of an ISO instant such as '2026-09-28T17:30:00Z' or
 * '2026-09-29T01:30:00+08:00' (both give '2026-09-29'). The offset is required.
 * @param field the input's name, reported by the CalendarInputError.
 */
export function shanghaiDate(instant: string, field = 'instant'): IsoDate {
  if (typeof instant !== 'string' || !ISO_INSTANT.test(instant)) {
    throw new CalendarInputError(
      field,
      `expected an ISO instant with Z or an offset (e.g. 2026-09-28T02:00:00Z), got ${JSON.stringify(instant)}`,
    );
  }
  const dt = DateTime.fromISO(instant, { zone: ZONE });
  if (!dt.isValid) throw new CalendarInputError(field, `${instant} is not a valid instant`);
  return dt.toISODate();
}

// ---- internal helpers (luxon does all arithmetic; IsoDate strings never get sliced into numbers
// ---- by hand except to read the year) ----

/** Midnight of `date` in Asia/Shanghai. `date` must already be valid. */
export function dayStart(date: IsoDate): DateTime<true> {
  const dt = DateTime.fromISO(date, { zone: ZONE });
  if (!dt.isValid) throw new Error(`internal: invalid IsoDate ${date}`);
  return dt;
}

export function isoDateOf(dt: DateTime): IsoDate {
  const s = dt.toISODate();
  if (s === null) throw new Error('internal: invalid DateTime');
  return s;
}

export function plusDays(date: IsoDate, days: number): IsoDate {
  return isoDateOf(dayStart(date).plus({ days }));
}

export function yearOf(date: IsoDate): number {
  return dayStart(date).year;
}

/** Saturday or Sunday. */
export function isWeekend(date: IsoDate): boolean {
  return dayStart(date).weekday >= 6;
}

export function weekdayName(date: IsoDate): string {
  return dayStart(date).setLocale('en').toFormat('cccc');
}

/** The UTC instant 'YYYY-MM-DDTHH:mm:ss.SSSZ' of a DateTime. */
export function utcInstant(dt: DateTime): string {
  const s = dt.toUTC().toISO({ suppressMilliseconds: false, includeOffset: true });
  if (s === null) throw new Error('internal: invalid DateTime');
  return s;
}

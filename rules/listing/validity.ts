/**
 * A listing's validity periods (R5.2) and its renewal deadline and reminders (R9.1, R9 Decisions).
 *
 * Pure functions: no I/O, no clock. Every date is Asia/Shanghai. The offsets here are calendar
 * years, months and days, so they never consult the working-day calendar: the results are exact
 * (never provisional) and these rules carry no holiday data (they may run inside workflows).
 */
import type { Calendar } from '../calendar/calendar.js';
// deadline.js and dates.js, not calendar/index.js: the index would bundle the holiday data.
import { type Deadline, type DeadlineSpec, computeDeadline } from '../calendar/deadline.js';
import { type IsoDate, parseIsoDate } from '../calendar/dates.js';
import { type ListingRecipient, ListingInputError, listingPolicy } from './policy.js';

/** One validity period of a listing (有效期), both days inclusive. */
export interface ValidityPeriod {
  /** 1 for the first period, +1 per renewal (R9.1). */
  period: number;
  /** The first valid day: the publication day, or the day after the previous period's last day. */
  validFrom: IsoDate;
  /** The last valid day (R9 Decision: validFrom + 3 years − 1 day). */
  validUntil: IsoDate;
  /** The instant the listing expires: the end of `validUntil` in Asia/Shanghai, ISO in UTC (e.g. '2029-10-11T15:59:59.999Z'). */
  expiresAt: string;
}

/** A renewal reminder (R9 Decision): a Deadline at 09:00 on its day, with whom it goes to and what it says. */
export interface RenewalReminder extends Deadline {
  recipients: readonly ListingRecipient[];
  /** What is due, by when, and why, in one paragraph of English. */
  purpose: string;
}

/**
 * computeDeadline consults its calendar only for working-day offsets; the validity and renewal
 * offsets are calendar ones, so this calendar is never read. It fails loudly if it ever is.
 */
const NO_WORKING_DAYS: Calendar = {
  info(date) {
    throw new Error(`internal: the listing validity rules consulted the working-day calendar (for ${date})`);
  },
  hasArrangement(year) {
    throw new Error(`internal: the listing validity rules consulted the working-day calendar (for ${year})`);
  },
  source(year) {
    throw new Error(`internal: the listing validity rules consulted the working-day calendar (for ${year})`);
  },
};

function compute(spec: DeadlineSpec): Deadline {
  return computeDeadline(NO_WORKING_DAYS, spec);
}

function requirePeriod(period: unknown, min: number): number {
  if (typeof period !== 'number' || !Number.isInteger(period) || period < min || period > 1000) {
    throw new ListingInputError('period', `expected an integer period number from ${min}, got ${JSON.stringify(period)}`);
  }
  return period;
}

function periodFrom(validFrom: IsoDate, period: number): ValidityPeriod {
  const { rule, length, time } = listingPolicy.validity;
  const expiry = compute({ name: 'validUntil', rule, from: validFrom, offset: length, time });
  return { period, validFrom, validUntil: expiry.date, expiresAt: expiry.at };
}

/**
 * R5.2 / R9 Decision: the validity period that starts on `publishedOn`: valid through publication
 * + 3 years − 1 day, expiring at 24:00 of that day, Asia/Shanghai. Example: published 2026-10-12 →
 * valid 2026-10-12 to 2029-10-11, expires 2029-10-11T15:59:59.999Z. Years clamp like months
 * (computeDeadline): published 2028-02-29 → + 3 years = 2031-02-28 → − 1 day = 2031-02-27.
 * @param period 1 for the first listing; `renewedPeriod` gives the later ones.
 */
export function validityPeriod(publishedOn: IsoDate, period = 1): ValidityPeriod {
  return periodFrom(parseIsoDate(publishedOn, 'publishedOn'), requirePeriod(period, 1));
}

/**
 * R9.1: the renewed validity period `period` (≥ 2), starting the day after the previous period's
 * last day, so periods follow each other without gap or overlap. Example: previous period ends
 * 2029-10-11 → period 2 is 2029-10-12 to 2032-10-11.
 */
export function renewedPeriod(previousValidUntil: IsoDate, period: number): ValidityPeriod {
  const until = parseIsoDate(previousValidUntil, 'previousValidUntil');
  const p = requirePeriod(period, 2);
  const start = compute({ name: 'validFrom', rule: 'R9.1', from: until, offset: listingPolicy.validity.renewedStartsAfter, time: 'startOfDay' });
  return periodFrom(start.date, p);
}

/**
 * R9.1 / R9 Decision: the renewal application is due by 24:00 (Asia/Shanghai) of the listing's last
 * day − 3 calendar months, clamped to the month's end: expiry 2029-10-11 → 2029-07-11; expiry
 * 2029-05-31 → 2029-02-28.
 */
export function renewalDeadline(validUntil: IsoDate): Deadline {
  const { rule, deadline, deadlineTime } = listingPolicy.renewal;
  return compute({ name: 'renewalDeadline', rule, from: parseIsoDate(validUntil, 'validUntil'), offset: deadline, time: deadlineTime });
}

/**
 * R9 Decision: the four renewal reminders, each at 09:00 Asia/Shanghai, to the institution and its
 * recommender, in date order:
 * - renewalReminder6m: expiry − 6 calendar months;
 * - renewalReminder4m: expiry − 4 calendar months;
 * - renewalReminder3m14d: "3 months + 14 days before expiry", read as the renewal deadline
 *   (expiry − 3 calendar months, clamped) − 14 calendar days, so always 14 days before the deadline;
 * - renewalDeadlineDay: the renewal deadline day itself.
 * Month offsets clamp to the month's end (expiry 2029-08-31 − 6 months = 2029-02-28). The reminders
 * counted from the deadline carry `relativeTo: 'renewalDeadline'`, so the calendar activity's
 * recomputation counts them from it.
 */
export function renewalReminders(validUntil: IsoDate): RenewalReminder[] {
  const until = parseIsoDate(validUntil, 'validUntil');
  const due = renewalDeadline(until);
  const { rule, reminderTime, recipients, reminders } = listingPolicy.renewal;
  return reminders.map((r) => {
    const fromDeadline = r.from === 'renewalDeadline';
    const deadline = compute({ name: r.name, rule, from: fromDeadline ? due.date : until, offset: r.offset, time: reminderTime });
    return {
      ...deadline,
      ...(fromDeadline ? { relativeTo: due.name } : {}),
      recipients,
      purpose: renewalPurpose(r.when, until, due.date),
    };
  });
}

function renewalPurpose(when: string, validUntil: IsoDate, deadline: IsoDate): string {
  const { minimumAnnualAveragePersonTimes } = listingPolicy.forfeiture;
  const { years } = listingPolicy.reapplicationBar;
  return (
    `Renewal reminder, ${when}: the listing is valid until ${validUntil} (24:00 Asia/Shanghai). To continue, the ` +
    `institution files a written renewal application, with a report on its results over the last 3 years, by 24:00 ` +
    `on ${deadline} (Asia/Shanghai), 3 months before expiry (R9.1); its industry department must consent before the ` +
    `audit. Without an application by then, the occupation is deemed abandoned (R9.2(c)), as it is after no activity ` +
    `in the first period (R9.2(a)) or an annual average below ${minimumAnnualAveragePersonTimes} person-times in a ` +
    `later one (R9.2(b)); the listing then expires on ${validUntil} and the institution may not apply for this ` +
    `occupation again for ${years} years (R9.3).`
  );
}

/**
 * Deemed abandonment (视为主动放弃, R9.2) of a listing's occupation, and the 3-year re-application
 * bar that follows it (R9.3).
 *
 * Pure functions: no I/O, no clock ("today" is a parameter). Every date is Asia/Shanghai.
 */
import { type IsoDate, dayStart, parseIsoDate, plusDays, yearOf } from '../calendar/dates.js';
import { barUntil } from '../selection/intake.js';
import { annualReportDueDate } from './annualReport.js';
import { type ListingEndReason, ListingInputError, listingPolicy } from './policy.js';

/** One annual report's figure (R14.2): the person-times of the occupation in a calendar year. */
export interface ReportedYear {
  year: number;
  personTimes: number;
}

export interface ForfeitureInput {
  /** The validity period number: 1 for the first, +1 per renewal (R9.1). */
  period: number;
  /** The annual reports on file for this listing (one per year at most). */
  reports: readonly ReportedYear[];
  /** The period's first and last valid days (validFrom, validUntil). */
  periodYears: { from: IsoDate; to: IsoDate };
  /** The day the written renewal application was filed (R9.1), if it was. */
  renewalFiledOn?: IsoDate;
  /** The last day to file it (R9 Decision: validUntil − 3 calendar months, until 24:00). */
  renewalDeadline: IsoDate;
  today: IsoDate;
}

export type ForfeitureRule = 'R9.2(a)' | 'R9.2(b)' | 'R9.2(c)';

export interface Forfeiture {
  /** True when any R9.2 ground holds: the occupation is deemed abandoned and the listing ends at expiry. */
  forfeited: boolean;
  grounds: { rule: ForfeitureRule; reason: string }[];
}

/**
 * R9.2: whether the listing's occupation is deemed abandoned, with every ground that holds.
 *
 * Readings (the regulation does not fix them; the policy is in `listingPolicy.forfeiture`):
 * - When: all three grounds are judged once the renewal deadline has passed (`today` after
 *   `renewalDeadline`). That is when the renewal application is, or is not, on file (c), and the
 *   renewal audit judges the period's results (a, b). Before it, no ground holds.
 * - Which years: an annual report covers a calendar year and is due on 31 January of the next year
 *   (R14.2 Decision). Only years whose report was due on or before the renewal deadline count, so
 *   the years judged are the same at the audit and at expiry (the report on the period's last,
 *   partial year falls due after expiry and never counts).
 * - (a) first period only: no report with person-times > 0 for any year the period touches
 *   (the publication year counts: an annual report covers programme activity, which starts with
 *   the listing). A missing report shows no activity.
 * - (b) second or later period: the annual average over the years that count for the period is
 *   below 200. A year counts for the period that holds at least half of its days (a partial
 *   year at either end belongs to the neighbouring period that holds most of it); the strict
 *   reading: a year whose report is missing counts as 0 person-times. Average = total / years.
 * - (c) no renewal application by 24:00 of the deadline day: none filed, or filed after it.
 * @throws ListingInputError for a period number below 1, a report that is not a whole non-negative
 * number of person-times, two reports for one year, a deadline outside the period, or a renewal
 * filed after `today`; CalendarInputError for a malformed date.
 */
export function forfeitureOf(input: ForfeitureInput): Forfeiture {
  const { period, reports, from, to, deadline, today, renewalFiledOn } = validate(input);

  // R9.2: judged once the renewal deadline (24:00 of its day) has passed.
  if (today <= deadline) return { forfeited: false, grounds: [] };

  const grounds: Forfeiture['grounds'] = [];
  const dueByDeadline = (year: number) => annualReportDueDate(year) <= deadline;
  const years: number[] = [];
  for (let y = yearOf(from); y <= yearOf(to); y++) years.push(y);

  // R9.2(a) no training or evaluation at all during the first validity period.
  if (period === 1) {
    const counted = years.filter(dueByDeadline);
    const active = counted.filter((y) => (reports.get(y) ?? 0) > 0);
    if (active.length === 0) {
      grounds.push({
        rule: 'R9.2(a)',
        reason:
          `R9.2(a): no training or evaluation during the first validity period (${from} to ${to}): ` +
          (counted.length === 0
            ? 'no annual report was due by the renewal deadline'
            : `no annual report for ${list(counted)} shows any person-times`),
      });
    }
  }

  // R9.2(b) from the second period on: an annual average below 200 person-times in the occupation.
  const { averageFromPeriod, minimumAnnualAveragePersonTimes: minimum, yearShareForAverage, missingReportPersonTimes } = listingPolicy.forfeiture;
  if (period >= averageFromPeriod) {
    const counted = years.filter((y) => dueByDeadline(y) && daysInPeriod(y, from, to) >= yearShareForAverage * dayStart(`${y}-01-01`).daysInYear);
    if (counted.length > 0) {
      const missing = counted.filter((y) => !reports.has(y));
      const total = counted.reduce((sum, y) => sum + (reports.get(y) ?? missingReportPersonTimes), 0);
      // Integers only: total / years < minimum ⇔ total < minimum × years.
      if (total < minimum * counted.length) {
        const average = Math.round((total / counted.length) * 100) / 100;
        grounds.push({
          rule: 'R9.2(b)',
          reason:
            `R9.2(b): an annual average of ${average} person-times over ${list(counted)} in validity period ${period} ` +
            `(${from} to ${to}) is below ${minimum}` +
            (missing.length > 0 ? `; no annual report for ${list(missing)}, counted as ${missingReportPersonTimes}` : ''),
        });
      }
    }
  }

  // R9.2(c) no renewal application by the deadline (逾期未提交申请): none, or a late one.
  if (renewalFiledOn === undefined || renewalFiledOn > deadline) {
    grounds.push({
      rule: 'R9.2(c)',
      reason:
        renewalFiledOn === undefined
          ? `R9.2(c): no renewal application was filed by the deadline, 24:00 on ${deadline} (Asia/Shanghai)`
          : `R9.2(c): the renewal application was filed on ${renewalFiledOn}, after the deadline, 24:00 on ${deadline} (Asia/Shanghai)`,
    });
  }

  return { forfeited: grounds.length > 0, grounds };
}

interface ValidInput {
  period: number;
  reports: Map<number, number>;
  from: IsoDate;
  to: IsoDate;
  deadline: IsoDate;
  today: IsoDate;
  renewalFiledOn: IsoDate | undefined;
}

function validate(input: ForfeitureInput): ValidInput {
  const { period } = input;
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1) {
    throw new ListingInputError('/period', `expected an integer period number from 1, got ${JSON.stringify(period)}`);
  }
  const from = parseIsoDate(input.periodYears.from, '/periodYears/from');
  const to = parseIsoDate(input.periodYears.to, '/periodYears/to');
  if (to < from) throw new ListingInputError('/periodYears/to', `the period ends (${to}) before it starts (${from})`);
  const { firstYear } = listingPolicy.annualReport;
  if (yearOf(from) < firstYear) throw new ListingInputError('/periodYears/from', `no listing starts before ${firstYear}, got ${from}`);
  const deadline = parseIsoDate(input.renewalDeadline, '/renewalDeadline');
  if (deadline < from || deadline > to) {
    throw new ListingInputError('/renewalDeadline', `the renewal deadline ${deadline} is outside the period ${from} to ${to}`);
  }
  const today = parseIsoDate(input.today, '/today');
  let renewalFiledOn: IsoDate | undefined;
  if (input.renewalFiledOn !== undefined) {
    renewalFiledOn = parseIsoDate(input.renewalFiledOn, '/renewalFiledOn');
    if (renewalFiledOn > today) throw new ListingInputError('/renewalFiledOn', `filed on ${renewalFiledOn}, after today (${today})`);
  }
  const reports = new Map<number, number>();
  input.reports.forEach((r, i) => {
    if (typeof r.year !== 'number' || !Number.isInteger(r.year)) {
      throw new ListingInputError(`/reports/${i}/year`, `expected an integer year, got ${JSON.stringify(r.year)}`);
    }
    if (typeof r.personTimes !== 'number' || !Number.isInteger(r.personTimes) || r.personTimes < 0) {
      throw new ListingInputError(`/reports/${i}/personTimes`, `expected a whole number of person-times ≥ 0, got ${JSON.stringify(r.personTimes)}`);
    }
    if (reports.has(r.year)) throw new ListingInputError(`/reports/${i}/year`, `a second report for ${r.year}`);
    reports.set(r.year, r.personTimes);
  });
  return { period, reports, from, to, deadline, today, renewalFiledOn };
}

/** The number of days of calendar year `year` within from..to (both inclusive). */
function daysInPeriod(year: number, from: IsoDate, to: IsoDate): number {
  const first = maxDate(from, `${year}-01-01`);
  const last = minDate(to, `${year}-12-31`);
  if (last < first) return 0;
  return Math.round(dayStart(last).diff(dayStart(first), 'days').days) + 1;
}

const maxDate = (a: IsoDate, b: IsoDate) => (a > b ? a : b);
const minDate = (a: IsoDate, b: IsoDate) => (a < b ? a : b);

function list(years: readonly number[]): string {
  return years.length === 1 ? String(years[0]) : `${years.slice(0, -1).join(', ')} and ${String(years.at(-1))}`;
}

/**
 * R9.3: the re-application bar after a listing ends on `expiry` (its last day): barred from the day
 * after through expiry + 3 years inclusive (`barUntil`, shared with intake: 29 February clamps to
 * 28 February). Example: expiry 2029-10-11 → barred 2029-10-12 to 2032-10-11, may apply from 2032-10-12.
 * Whether a bar applies at all depends on how the listing ended: see `barApplies`.
 */
export function reapplicationBar(expiry: IsoDate): { from: IsoDate; until: IsoDate } {
  const until = barUntil(expiry);
  return { from: plusDays(parseIsoDate(expiry, 'expiry'), 1), until };
}

/**
 * R9.3: whether a listing's end starts the re-application bar (`listingPolicy.reapplicationBar.startsOn`):
 * forfeited (R9.2 deemed abandonment) and removed (R20 Decision) do; withdrawn (R20.3) does not;
 * expired — ended without R9.2 grounds, e.g. after a renewal filed in time but refused — does not,
 * because R9.3 bars only after a deemed abandonment.
 */
export function barApplies(endReason: ListingEndReason): boolean {
  const { startsOn } = listingPolicy.reapplicationBar;
  if (typeof endReason !== 'string' || !Object.hasOwn(startsOn, endReason)) {
    throw new ListingInputError('endReason', `expected one of ${Object.keys(startsOn).join(', ')}, got ${JSON.stringify(endReason)}`);
  }
  return startsOn[endReason];
}

/**
 * Listing lifecycle policy (rules.md R5.2, R9 and its Decisions, R14.2 and its Decision, R20.3):
 * every period, threshold, reminder and escalation of a listing's life, as data. A ministry's change
 * of policy is a change here, not in the functions that read it (rules/listing/*.ts).
 *
 * Pure data (plus the input error the listing functions throw): no I/O, no clock.
 */
import type { Offset } from '../calendar/deadline.js';
import { policy } from '../policy.js';
import { selectionPolicy } from '../selection/policy.js';

/** Who a listing's reminders and escalations go to (glossary: institution, recommendation, organiser). */
export type ListingRecipient = 'institution' | 'recommender' | 'organiser';

/** How a listing ended: deemed abandonment (R9.2), removal (R20.2), withdrawal (R20.3), or expiry without R9.2 grounds. */
export type ListingEndReason = 'forfeited' | 'removed' | 'withdrawn' | 'expired';

/** A reminder of the renewal application, counted back from the listing's last day or from the renewal deadline. */
export interface RenewalReminderPolicy {
  name: string;
  /** The day the offset is counted from: the listing's last valid day, or the renewal deadline day. */
  from: 'validUntil' | 'renewalDeadline';
  /** Calendar offsets only: the validity rules never consult the working-day calendar. */
  offset: { calendarMonths: number } | { calendarDays: number };
  /** What the reminder says, in words ("6 months before expiry"). */
  when: string;
}

/** A fixed day of the year, relative to the year an annual report covers (0 = that year, 1 = the next). */
export interface AnnualDay {
  name: string;
  yearAfterReport: 0 | 1;
  month: number;
  day: number;
}

/** R9 Decision: the renewal deadline is the listing's last day − 3 calendar months, clamped to month end. */
const RENEWAL_DEADLINE = { calendarMonths: -3 } as const satisfies Offset;

export const listingPolicy = {
  validity: {
    /** R5.2 valid for 3 years from publication. R9 Decision: expiry = publication + 3 years − 1 day, end of day, Asia/Shanghai. */
    rule: 'R5.2',
    length: { years: 3, days: -1 } satisfies Offset,
    time: 'endOfDay',
    /** R9.1: a renewed period starts the day after the previous one's last day (validUntil + 1 day). */
    renewedStartsAfter: { calendarDays: 1 } satisfies Offset,
  },
  renewal: {
    /** R9.1 no later than 3 months before expiry. R9 Decision: expiry − 3 calendar months, clamped to month end, until 24:00. */
    rule: 'R9.1',
    deadline: RENEWAL_DEADLINE,
    deadlineTime: 'endOfDay',
    /** R9 Decision: reminders go to the institution and its recommender, at 09:00 Asia/Shanghai. */
    reminderTime: policy.reminderTime,
    recipients: ['institution', 'recommender'] as const satisfies readonly ListingRecipient[],
    /**
     * R9 Decision: 6 months, 4 months, and 3 months + 14 days before expiry, and on the deadline day.
     * "3 months + 14 days before expiry" is read as (expiry − 3 calendar months, clamped to month end)
     * − 14 calendar days, i.e. always exactly 14 days before the renewal deadline
     * (expiry 2029-10-11 → 2029-06-27; expiry 2029-05-31 → deadline 2029-02-28 → 2029-02-14).
     */
    reminders: [
      { name: 'renewalReminder6m', from: 'validUntil', offset: { calendarMonths: -6 }, when: '6 months before expiry' },
      { name: 'renewalReminder4m', from: 'validUntil', offset: { calendarMonths: -4 }, when: '4 months before expiry' },
      { name: 'renewalReminder3m14d', from: 'renewalDeadline', offset: { calendarDays: -14 }, when: '3 months + 14 days before expiry (14 days before the renewal deadline)' },
      { name: 'renewalDeadlineDay', from: 'validUntil', offset: RENEWAL_DEADLINE, when: 'on the renewal deadline day' },
    ] as const satisfies readonly RenewalReminderPolicy[],
  },
  forfeiture: {
    /** R9.2 视为主动放弃. */
    rule: 'R9.2',
    /** R9.2(b): from the second validity period on, an annual average below this many person-times. */
    minimumAnnualAveragePersonTimes: 200,
    /** R9.2(b) applies from this period number on; R9.2(a) to the first period only. */
    averageFromPeriod: 2,
    /**
     * R9.2(b) Decision: a calendar year counts for the validity period that holds at least this share
     * of its days (an annual report covers a calendar year and cannot be split between two periods;
     * a leap year split 183/183 counts for both). R9.2(a) counts every year the first period touches.
     */
    yearShareForAverage: 0.5,
    /** R9.2(b) Decision, the strict reading: a year whose annual report is missing counts as 0 person-times. */
    missingReportPersonTimes: 0,
  },
  reapplicationBar: {
    /** R9.3: no new application for the occupation for 3 years after such an expiry (one number, kept in the selection policy). */
    rule: 'R9.3',
    years: selectionPolicy.reapplicationBar.years,
    /**
     * Which ends of a listing start the bar.
     * - forfeited: R9.3, after a deemed abandonment (R9.2 a, b or c).
     * - removed: R20 Decision, removal is published and starts the bar.
     * - withdrawn: R20.3 Decision, a withdrawal is reported and published; R9.3 does not name it, so no bar.
     * - expired: Decision, the listing ran out without R9.2 grounds (a renewal filed in time but
     *   refused by the industry department or the auditor): R9.3 bars only after a deemed
     *   abandonment, so a refused renewal alone does not bar. A listing that expires with R9.2
     *   grounds ended by 'forfeited', not 'expired' (classify it with `forfeitureOf`).
     */
    startsOn: { forfeited: true, removed: true, withdrawn: false, expired: false } satisfies Record<ListingEndReason, boolean>,
  },
  annualReport: {
    /** R14.2 年度培训考核情况和下一年度计划. */
    rule: 'R14.2',
    /** R14.2 Decision: due by 31 January (24:00 Asia/Shanghai) for the previous year. */
    due: { name: 'annualReportDue', yearAfterReport: 1, month: 1, day: 31 } as const satisfies AnnualDay,
    dueTime: 'endOfDay',
    /** Decision: a report for a year is accepted from 1 January of the next year; one for the current or a future year is refused. */
    acceptedFrom: { yearAfterReport: 1, month: 1, day: 1 },
    /** R14.2 Decision "with reminders": to the institution, at 09:00 Asia/Shanghai. */
    reminderTime: policy.reminderTime,
    reminderRecipients: ['institution'] as const satisfies readonly ListingRecipient[],
    reminders: [
      { name: 'annualReportReminderDec1', yearAfterReport: 0, month: 12, day: 1 },
      { name: 'annualReportReminderJan15', yearAfterReport: 1, month: 1, day: 15 },
      { name: 'annualReportReminderJan29', yearAfterReport: 1, month: 1, day: 29 },
    ] as const satisfies readonly AnnualDay[],
    /**
     * R14.2 Decision "a late report is overdue and escalates like a rectification deadline" (R20
     * Decision): when the due date passes without a report the recommending department gets an
     * overdue task; when a grace period of 10 working days after the due date passes as well, the
     * organiser (provincial HR for training, the national group for evaluation) does. Each `after`
     * is counted from the due date; the escalation is raised when the end of its day passes.
     */
    escalations: [
      { name: 'annualReportEscalationRecommender', level: 1, to: 'recommender', after: { calendarDays: 0 } },
      { name: 'annualReportEscalationOrganiser', level: 2, to: 'organiser', after: { workingDays: 10 } },
    ] as const satisfies readonly { name: string; level: number; to: ListingRecipient; after: Offset }[],
    /** The measures were issued on 2024-08-22: no listing, so no annual report, before 2024. */
    firstYear: 2024,
    /** Sanity bound on person-times, as for the R6.4 figures of an application. */
    maxPersonTimes: 100_000_000,
    /** The next year's plan (下一年度培训考核计划), as text. */
    planMaxLength: 5000,
  },
} as const;

export type ListingPolicy = typeof listingPolicy;

/**
 * Thrown for invalid input to the listing functions (a period number of 0, a report for the same
 * year twice, a renewal filed after "today"...), as opposed to a rule the institution fails.
 * `field` names the offending input (a JSON pointer such as `/reports/2/personTimes`), so the API
 * can map it to a 400. Malformed dates throw the calendar's CalendarInputError, as elsewhere.
 */
export class ListingInputError extends Error {
  override readonly name = 'ListingInputError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

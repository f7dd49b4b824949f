/**
 * The annual report of a listing (R14.2 定期报送年度培训考核情况和下一年度培训考核计划): its schedule
 * (due date, reminders, escalation when overdue) and the checks a filed report must pass.
 *
 * Pure functions: no I/O, no clock ("today" is a parameter). Every date is Asia/Shanghai.
 */
import { Type, type Static } from 'typebox';
import type { Calendar } from '../calendar/calendar.js';
// deadline.js and dates.js, not calendar/index.js: the index would bundle the holiday data.
import { type Deadline, type DeadlineSpec, type Offset, computeDeadline } from '../calendar/deadline.js';
import { type IsoDate, parseIsoDate, yearOf } from '../calendar/dates.js';
import { type AnnualDay, type ListingRecipient, ListingInputError, listingPolicy } from './policy.js';

const { annualReport: reportPolicy } = listingPolicy;

/**
 * R14.2: what an institution files each year for a listing: the year's person-times in the
 * occupation, and next year's plan (as text, optionally with the person-times it plans).
 */
export const AnnualReportSchema = Type.Object(
  {
    /** The calendar year reported on. */
    year: Type.Integer({ minimum: reportPolicy.firstYear, maximum: 9999 }),
    /** 人次 trained or assessed in the occupation during `year`. */
    personTimes: Type.Integer({ minimum: 0, maximum: reportPolicy.maxPersonTimes }),
    /** 下一年度培训考核计划: non-blank text. */
    plan: Type.String({ minLength: 1, maxLength: reportPolicy.planMaxLength, pattern: '\\S' }),
    /** The person-times planned for the next year, if the institution states them. */
    nextYearPlannedPersonTimes: Type.Optional(Type.Integer({ minimum: 0, maximum: reportPolicy.maxPersonTimes })),
  },
  { additionalProperties: false },
);
export type AnnualReport = Static<typeof AnnualReportSchema>;

/** A reminder, due date or escalation of the annual report, with whom it goes to and what it says. */
export interface AnnualReportNotice extends Deadline {
  recipients: readonly ListingRecipient[];
  /** What is due, by when, and why, in one paragraph of English. */
  purpose: string;
}

export interface AnnualReportSchedule {
  /** The calendar year the report covers. */
  year: number;
  /** The first day the report is accepted (1 January of the next year). */
  acceptedFrom: IsoDate;
  /** R14.2 Decision: 24:00 on 31 January of the next year, Asia/Shanghai. */
  due: AnnualReportNotice;
  /** At 09:00 on 1 December, 15 January and 29 January (listingPolicy.annualReport.reminders), in date order. */
  reminders: AnnualReportNotice[];
  /**
   * Raised when the end of their day passes without a report: level 1 to the recommending
   * department (when the due date passes), level 2 to the organiser (10 working days later).
   */
  escalations: (AnnualReportNotice & { level: number })[];
}

function requireYear(year: unknown, field: string): number {
  if (typeof year !== 'number' || !Number.isInteger(year) || year < reportPolicy.firstYear || year > 9998) {
    throw new ListingInputError(field, `expected an integer year from ${reportPolicy.firstYear}, got ${JSON.stringify(year)}`);
  }
  return year;
}

/** The day `d` (e.g. 31 January of the next year) for the report on `year`. */
function dayFor(year: number, d: Omit<AnnualDay, 'name'>): IsoDate {
  const pad = (n: number) => String(n).padStart(2, '0');
  return parseIsoDate(`${year + d.yearAfterReport}-${pad(d.month)}-${pad(d.day)}`, 'annualDay');
}

/** R14.2 Decision: the last day to file the annual report on `year` (31 January of `year` + 1). */
export function annualReportDueDate(year: number): IsoDate {
  return dayFor(requireYear(year, 'year'), reportPolicy.due);
}

/**
 * R14.2 and its Decision: the schedule of the annual report on `year`:
 * - due by 24:00 on 31 January of `year` + 1 (Asia/Shanghai); accepted from 1 January;
 * - reminders to the institution at 09:00 on 1 December of `year`, 15 and 29 January of `year` + 1;
 * - "escalates like a rectification deadline" (R20 Decision): when the due date passes without a
 *   report, an overdue task for the recommending department (level 1); when 10 working days after
 *   the due date have passed too, one for the organiser (level 2).
 * Example: 2027 → due 2028-01-31T15:59:59.999Z.
 * @param cal the working-day calendar for the level-2 escalation (the only working-day offset);
 * when it relies on a year without a published arrangement the escalation is `provisional`.
 */
export function annualReportSchedule(year: number, cal: Calendar): AnnualReportSchedule {
  const specs = annualReportSpecs(year);
  const y = specs.year;
  const compute = (spec: DeadlineSpec) => computeDeadline(cal, spec);
  const dueDeadline = compute(specs.due);
  const escalationDeadlines = specs.escalations.map((e) => ({ ...compute(e.spec), relativeTo: dueDeadline.name }));
  const due: AnnualReportNotice = {
    ...dueDeadline,
    recipients: reportPolicy.reminderRecipients,
    purpose: annualReportDueText(y),
  };
  const reminders = specs.reminders.map((spec): AnnualReportNotice => ({
    ...compute(spec),
    recipients: reportPolicy.reminderRecipients,
    purpose: annualReportReminderText(y),
  }));
  const escalations = specs.escalations.map((e, i) => ({
    ...(escalationDeadlines[i] ?? dueDeadline),
    level: e.level,
    recipients: [e.to] as const,
    purpose: annualReportEscalationText(y, e.level, escalationDeadlines[i + 1]?.date),
  }));
  return { year: y, acceptedFrom: specs.acceptedFrom, due, reminders, escalations };
}

/**
 * The deadline specs of the annual report on `year` (R14.2 Decision), for the calendar activity to
 * compute: the due date, the reminders (those on or after `from`, when given: a listing published on
 * 20 December gets no 1 December reminder), and the escalations with their level and recipient.
 */
export function annualReportSpecs(year: number, from?: IsoDate): {
  year: number;
  acceptedFrom: IsoDate;
  dueDate: IsoDate;
  due: DeadlineSpec;
  reminders: DeadlineSpec[];
  escalations: { level: number; to: ListingRecipient; spec: DeadlineSpec }[];
} {
  const y = requireYear(year, 'year');
  const { rule } = reportPolicy;
  const dueDate = dayFor(y, reportPolicy.due);
  return {
    year: y,
    acceptedFrom: dayFor(y, reportPolicy.acceptedFrom),
    dueDate,
    due: { name: reportPolicy.due.name, rule, from: dueDate, offset: { calendarDays: 0 }, time: reportPolicy.dueTime },
    reminders: reportPolicy.reminders
      .filter((r) => from === undefined || dayFor(y, r) >= from)
      .map((r) => ({ name: r.name, rule, from: dayFor(y, r), offset: { calendarDays: 0 }, time: reportPolicy.reminderTime })),
    escalations: reportPolicy.escalations.map((e) => ({
      level: e.level,
      to: e.to,
      spec: { name: e.name, rule, from: dueDate, offset: e.after, time: reportPolicy.dueTime },
    })),
  };
}

function filingText(y: number): string {
  return (
    `the annual report on ${y}: the person-times trained or assessed in the occupation in ${y} and the plan for ` +
    `${y + 1} (R14.2). It is accepted from ${dayFor(y, reportPolicy.acceptedFrom)} and due by 24:00 on ` +
    `${dayFor(y, reportPolicy.due)} (Asia/Shanghai, R14.2 Decision).`
  );
}

function whyText(): string {
  return (
    `The reported person-times are what the renewal audit counts (R9.2): no activity in the first validity period, ` +
    `or an annual average below ${listingPolicy.forfeiture.minimumAnnualAveragePersonTimes} person-times in a later ` +
    `one, is deemed abandonment, and a missing report counts as ${listingPolicy.forfeiture.missingReportPersonTimes}.`
  );
}

/** What the due notice says: what is due, by when, and why. */
export function annualReportDueText(year: number): string {
  return `Due: ${filingText(year)} A late report is overdue and escalates to the recommending department, then to the organiser. ${whyText()}`;
}

/** What an annual report reminder says: what is due, by when, and why. */
export function annualReportReminderText(year: number): string {
  return `Annual report reminder: ${filingText(year)} ${whyText()}`;
}

/**
 * What an escalation of a missing report says (R14.2 Decision, escalated as a rectification deadline
 * is, R20 Decision); `nextDate` is the day the next level is raised, when there is one.
 */
export function annualReportEscalationText(year: number, level: number, nextDate?: IsoDate): string {
  const i = reportPolicy.escalations.findIndex((e) => e.level === level);
  const e = reportPolicy.escalations[i];
  if (!e) throw new ListingInputError('level', `no escalation level ${level}`);
  const next = reportPolicy.escalations[i + 1];
  const dueDate = dayFor(year, reportPolicy.due);
  return (
    `Overdue annual report (R14.2 Decision, escalated as a rectification deadline is, R20 Decision): ` +
    `${describeAfter(e.after, dueDate)} and the annual report on ${year} has not been filed, so the ` +
    `${recipientName(e.to)} takes it up with the institution` +
    (next && nextDate
      ? `; if it is still missing at 24:00 on ${nextDate} (${describeOffset(next.after)} after the due date), ` +
        `it escalates to the ${recipientName(next.to)}.`
      : `; it was due by 24:00 on ${dueDate}.`) +
    ` ${whyText()}`
  );
}

function describeOffset(offset: Offset): string {
  if ('workingDays' in offset) return `${offset.workingDays} working day${offset.workingDays === 1 ? '' : 's'}`;
  if ('calendarDays' in offset) return `${offset.calendarDays} calendar day${offset.calendarDays === 1 ? '' : 's'}`;
  if ('calendarMonths' in offset) return `${offset.calendarMonths} calendar month${offset.calendarMonths === 1 ? '' : 's'}`;
  return `${offset.years} year${offset.years === 1 ? '' : 's'}`;
}

function describeAfter(offset: Offset, dueDate: IsoDate): string {
  const zero = ('calendarDays' in offset && offset.calendarDays === 0) || ('workingDays' in offset && offset.workingDays === 0);
  return zero
    ? `the due date (24:00 on ${dueDate}, Asia/Shanghai) has passed`
    : `${describeOffset(offset)} after the due date (${dueDate}) have passed`;
}

function recipientName(to: ListingRecipient): string {
  switch (to) {
    case 'institution':
      return 'institution';
    case 'recommender':
      return 'recommending department (provincial HR or industry department)';
    case 'organiser':
      return 'organiser (provincial HR for a training listing, the national group for an evaluation listing)';
  }
}

export type AnnualReportField = '/year' | '/personTimes' | '/plan' | '/nextYearPlannedPersonTimes';

export interface AnnualReportError {
  /** JSON pointer into the report. */
  field: AnnualReportField;
  message: string;
  rule: 'R14.2';
}

/**
 * R14.2: the field errors of a filed annual report (empty = accepted). Checks, each reported:
 * - personTimes and nextYearPlannedPersonTimes (when given): whole numbers, ≥ 0, ≤ 100,000,000;
 * - plan: non-blank text of at most 5000 characters (code points);
 * - year: an integer; not before the year the listing was published (`validFrom`); and —
 *   Decision — a report on a year is accepted from 1 January of the next year (a late one too,
 *   the schedule escalates it), so a report on the current or a future year is refused.
 * @throws CalendarInputError when `today` or `validFrom` is not a YYYY-MM-DD date.
 */
export function checkAnnualReport(
  report: { year: number; personTimes: number; plan: string; nextYearPlannedPersonTimes?: number },
  context: { today: IsoDate; validFrom: IsoDate },
): AnnualReportError[] {
  const today = parseIsoDate(context.today, 'today');
  const validFrom = parseIsoDate(context.validFrom, 'validFrom');
  const errors: AnnualReportError[] = [];
  const fail = (field: AnnualReportField, message: string) => errors.push({ field, message, rule: reportPolicy.rule });

  // R14.2 the year reported on: a past year of the listing's life.
  const { year } = report;
  if (typeof year !== 'number' || !Number.isInteger(year)) {
    fail('/year', `expected an integer year, got ${JSON.stringify(year)}`);
  } else if (year < yearOf(validFrom)) {
    fail('/year', `the listing is valid from ${validFrom}: there is no report on ${year}, before it existed`);
  } else if (year > yearOf(today)) {
    fail('/year', `${year} is a future year (today is ${today}): a report on a year is accepted once the year is over`);
  } else if (today < dayFor(year, reportPolicy.acceptedFrom)) {
    fail('/year', `${year} is not over: its report is accepted from ${dayFor(year, reportPolicy.acceptedFrom)}`);
  }

  // R14.2 the year's figures (人次): a whole number.
  const countError = (value: unknown): string | undefined => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `expected a whole number of person-times, got ${JSON.stringify(value)}`;
    if (value < 0) return `person-times cannot be negative, got ${value}`;
    if (value > reportPolicy.maxPersonTimes) return `at most ${reportPolicy.maxPersonTimes} person-times, got ${value}`;
    return undefined;
  };
  const personTimesError = countError(report.personTimes);
  if (personTimesError) fail('/personTimes', personTimesError);
  if (report.nextYearPlannedPersonTimes !== undefined) {
    const plannedError = countError(report.nextYearPlannedPersonTimes);
    if (plannedError) fail('/nextYearPlannedPersonTimes', plannedError);
  }

  // R14.2 next year's plan (下一年度培训考核计划).
  const { plan } = report;
  if (typeof plan !== 'string' || plan.trim() === '') {
    fail('/plan', 'next year\'s plan is required (R14.2 下一年度培训考核计划)');
  } else if ([...plan].length > reportPolicy.planMaxLength) {
    fail('/plan', `at most ${reportPolicy.planMaxLength} characters, got ${[...plan].length}`);
  }

  return errors;
}

/**
 * One listing (目录条目): an institution × kind × occupation in the directory (R2.1), from its
 * publication (R5) through its validity periods, renewals, annual reports and its end — R5.2, R9,
 * R14.2, R20.3.
 *
 * Renewal (R9.1): on entering each validity period the listing asks for its expiry, the renewal
 * deadline (expiry − 3 calendar months) and the four R9 reminders. The schedule cannot be expressed
 * as one `requestDeadlines` (one due date with reminders counted back from it: the 6- and 4-month
 * reminders count from the expiry, not from the renewal deadline, and month offsets clamp), so the
 * specs are computed with the listing rules (`validityPeriod`, `renewalDeadline`, `renewalReminders`)
 * and each is requested as its own `due` in a separate `requestDeadlines` action, with no reminders.
 *
 * The institution files the renewal (with its 3-year report) before the deadline; its industry
 * department consents (the recommender when it is `industry:*`; otherwise — a province recommended
 * it — the organiser's officer stands in for it); the organiser's officer audits it (R9.1). An
 * approved renewal continues the listing with period + 1 from validUntil + 1 day when the current
 * period expires; a refused one expires on its date without a bar. At the renewal deadline the
 * R9.2 grounds are judged with `forfeitureOf` from the reports on file: any ground (a missed
 * deadline, R9.2(c); no activity in the first period, (a); an average below 200 from the second,
 * (b)) marks the listing `lapsing` even if a renewal was filed; it then expires on its date and the
 * R9.3 bar is recorded (`recordBar`). The institution may withdraw (R20.3) at any time: no bar.
 *
 * Annual reports (R14.2) are accepted in any non-final state (the case's `check` runs
 * `checkAnnualReport`); each submission appends a version for its year, never overwriting one; the
 * local HR officer of the institution's province reviews each version. The schedule runs one report
 * year at a time (`reportingYear`, from the year of publication): reminders to the institution on
 * 1 December, 15 and 29 January while the report is missing; when the due date (31 January) passes
 * without it, an overdue task for the recommending department (level 1), and 10 working days later
 * one for the organiser (level 2), each closed by the department's recorded follow-up or by the
 * report; then the next year is scheduled. A case that has ended chases no report.
 *
 * Changes (R20.3): the institution reports a new name or contact details as a dated version; the
 * national group and local HR are told at once and the directory shows the change. A withdrawal
 * takes effect on its chosen day (today, or a later day within the validity period: the listing
 * stays valid until then). A withdrawal does not bar (R20.3 Decision), except that a listing already
 * *lapsing* with R9.2 grounds keeps its R9.3 bar: withdrawing cannot undo a deemed abandonment.
 */
import { and, assign, enqueueActions, not, setup } from 'xstate';
import { type Assignee, type Principal, type Unit } from '../rules/actors.js';
import type { Deadline, DeadlineSpec } from '../rules/calendar/deadline.js';
import { plusDays, shanghaiDate, yearOf, type IsoDate } from '../rules/calendar/dates.js';
import type { Kind, Occupation } from '../rules/kinds.js';
import { barApplies, forfeitureOf, reapplicationBar, type Forfeiture } from '../rules/listing/forfeiture.js';
import { annualReportEscalationText, annualReportReminderText, annualReportSpecs, type AnnualReport } from '../rules/listing/annualReport.js';
import { listingPolicy, type ListingEndReason, type ListingRecipient } from '../rules/listing/policy.js';
import { renewalDeadline, renewalReminders, renewedPeriod, validityPeriod, type ValidityPeriod } from '../rules/listing/validity.js';
import type { DeadlineRequest, DeadlinesSetEvent, DeadlineReachedEvent, EventMeta, InstitutionContact, NotificationRequest, ReminderRecord, SignalCaseRequest } from './kit.js';
import { deadlineIs, notifyParams, withDeadlines, withReminder } from './steps.js';

export interface ListingInput {
  caseId: string;
  listingId: string;
  kind: Kind;
  institution: { id: string; name: string; province: string };
  occupation: Occupation;
  /** `national` (evaluation, R7) or `province:<code>` (training, R8.1). */
  organiser: Unit;
  /** The recommending department (R7.2): `province:<code>` or `industry:<code>`. */
  recommender: Unit;
  /** The day the listing was published (R5.2: valid from this day). */
  publishedOn: IsoDate;
  createdBy: Principal;
  createdAt: string;
}

/** One review of an annual report version by local HR. */
export interface AnnualReportReview {
  accepted: boolean;
  comments: string;
  by: Principal;
  at: string;
}

/** One submitted version of a year's annual report: a correction appends a version. */
export interface AnnualReportVersion {
  version: number;
  report: AnnualReport;
  submittedAt: string;
  by: Principal;
  review?: AnnualReportReview;
}

export interface RenewalApplication {
  /** The validity period the renewal is for (the one running when it was filed). */
  period: number;
  filedAt: string;
  filedOn: IsoDate;
  /** R9.1: the report on the last 3 years' results. */
  report: string;
}

export interface ListingDecision {
  period: number;
  step: 'consent' | 'audit';
  decision: 'consented' | 'refused' | 'approved';
  reason: string;
  by: Principal;
  at: string;
}

/** R14.2 Decision: a missing report escalated to a department, closed by its follow-up or by the report. */
export interface OverdueReport {
  year: number;
  level: number;
  to: ListingRecipient;
  since: string;
  followUp?: { note: string; by: Principal; at: string };
}

/** R20.3: one reported version of the institution's name and contact details. */
export interface DetailsVersion {
  version: number;
  name: string;
  contact: InstitutionContact | null;
  effectiveOn: IsoDate;
  note: string;
  reportedAt: string;
  by: Principal;
}

export interface ListingContext extends ListingInput, Omit<ValidityPeriod, 'expiresAt'> {
  expiresAt: string;
  /** Annual reports by year (`'2027'`), every version kept. */
  annualReports: Record<string, AnnualReportVersion[]>;
  /** The renewal filed in the current period. */
  renewal?: RenewalApplication;
  decisions: ListingDecision[];
  /** R9.2 judged at the current period's renewal deadline. */
  forfeiture?: Forfeiture;
  /** R9.3 bar, when the end starts one. */
  bar?: { from: IsoDate; until: IsoDate };
  withdrawal?: { effectiveOn: IsoDate; reason: string; by: Principal; at: string };
  /** R14.2: the year whose annual report the schedule chases now. */
  reportingYear: number;
  /** R14.2 Decision: missing reports escalated, oldest first. */
  overdueReports: OverdueReport[];
  /** R20.3: the institution's public contact details (latest reported version). */
  contact: InstitutionContact | null;
  /** R20.3: every reported change of name or contact details, dated. */
  details: DetailsVersion[];
  /** R20.1: the rectification orders against the listing, open and closed. */
  rectifications: RectificationRef[];
  /** R21: referrals to the competent authority. */
  referrals: { caseId: string; authority: string; note: string; at: string }[];
  outcome?: { code: ListingEndReason; reason: string; at: string };
  deadlines: Record<string, Deadline>;
  reminders: ReminderRecord[];
}

export type ListingCommand =
  | { type: 'FILE_RENEWAL'; report: string }
  | { type: 'CONSENT_RENEWAL'; comments?: string }
  | { type: 'REFUSE_RENEWAL'; reason: string }
  | { type: 'APPROVE_RENEWAL'; comments?: string }
  | ({ type: 'SUBMIT_ANNUAL_REPORT' } & AnnualReport)
  | { type: 'REVIEW_ANNUAL_REPORT'; year: number; accepted: boolean; comments: string }
  | { type: 'RECORD_FOLLOW_UP'; year: number; level: number; note: string }
  | { type: 'REPORT_CHANGE'; name?: string; contact?: InstitutionContact; effectiveOn: IsoDate; note?: string }
  | { type: 'WITHDRAW'; effectiveOn: IsoDate; reason: string };

/** From rectification cases (R20, R21): each order opens and closes here; a removal ends the listing. */
export type ListingSystemEvent = ({ from?: string } & (
  | { type: 'rectification.removed'; reason: string }
  | { type: 'rectification.opened'; rules: string[]; orderedBy: string }
  | { type: 'rectification.closed'; outcome: string }
  | { type: 'fraud.referred'; authority: string; note: string }
));

/** A rectification order against the listing (R20.1), as the listing knows it. */
export interface RectificationRef {
  caseId: string;
  rules: string[];
  orderedBy: string;
  openedAt: string;
  status: 'open' | string;
}

export type ListingEvent = ((ListingCommand | ListingSystemEvent) & EventMeta) | DeadlinesSetEvent | DeadlineReachedEvent;

/** Params of the `recordBar` action (R9.3): the host records the re-application bar (placeholder). */
export interface RecordBarRequest {
  institutionId: string;
  kind: Kind;
  occupationCode: string;
  until: IsoDate;
}

export const holder = (ctx: Pick<ListingContext, 'institution'>): Assignee => ({ role: 'institution', unit: `institution:${ctx.institution.id}` });
export const recommenderOfficer = (ctx: Pick<ListingContext, 'recommender'>): Assignee => ({ role: 'officer', unit: ctx.recommender });
export const organiserOfficer = (ctx: Pick<ListingContext, 'organiser'>): Assignee => ({ role: 'officer', unit: ctx.organiser });
export const nationalOfficer: Assignee = { role: 'officer', unit: 'national' };
/**
 * R9.1 "its industry department must consent": the recommender when it is an industry department;
 * a listing recommended by a province has no industry department on file, so the organiser's officer
 * records the consent.
 */
export const consentAssignee = (ctx: Pick<ListingContext, 'recommender' | 'organiser'>): Assignee =>
  ctx.recommender.startsWith('industry:') ? recommenderOfficer(ctx) : organiserOfficer(ctx);
/** R14.2: local HR reviews annual reports; no locality is on file, so the institution's province. */
export const reportReviewer = (ctx: Pick<ListingContext, 'institution'>): Assignee => ({ role: 'officer', unit: `province:${ctx.institution.province}` });

/** The latest version of each year's report, for R9.2. */
export const latestReports = (ctx: Pick<ListingContext, 'annualReports'>): AnnualReportVersion[] =>
  Object.values(ctx.annualReports)
    .map((versions) => versions.at(-1))
    .filter((v): v is AnnualReportVersion => v !== undefined);

/** Years whose latest version awaits review. */
export const reportsAwaitingReview = (ctx: Pick<ListingContext, 'annualReports'>): AnnualReportVersion[] => latestReports(ctx).filter((v) => !v.review);

/** Has a version of the report on `year` been filed? */
export const reportFiled = (ctx: Pick<ListingContext, 'annualReports'>, year: number): boolean => (ctx.annualReports[String(year)]?.length ?? 0) > 0;

/** R14.2 Decision: escalations whose department has not yet recorded a follow-up and whose report is still missing. */
export const openOverdueReports = (ctx: Pick<ListingContext, 'overdueReports' | 'annualReports'>): OverdueReport[] =>
  ctx.overdueReports.filter((o) => !o.followUp && !reportFiled(ctx, o.year));

/** Who an escalation level goes to. */
export const escalationAssignee = (ctx: Pick<ListingContext, 'recommender' | 'organiser'>, to: ListingRecipient): Assignee =>
  to === 'organiser' ? organiserOfficer(ctx) : recommenderOfficer(ctx);

/** The names of the deadlines of one validity period (R5.2, R9.1); the annual report's stay across periods. */
const PERIOD_DEADLINES = new Set<string>(['expires', 'renewalDeadline', ...listingPolicy.renewal.reminders.map((r) => r.name)]);
const ANNUAL_REMINDERS = new Set<string>(listingPolicy.annualReport.reminders.map((r) => r.name));
const ANNUAL_ESCALATIONS = listingPolicy.annualReport.escalations;
const LAST_ESCALATION = ANNUAL_ESCALATIONS[ANNUAL_ESCALATIONS.length - 1]!.name;

/** The R14.2 deadline requests for the report on `year` (reminders on or after the listing's first day). */
export function annualReportRequests(ctx: Pick<ListingContext, 'validFrom'>, year: number): DeadlineRequest[] {
  const specs = annualReportSpecs(year, ctx.validFrom);
  return [specs.due, ...specs.reminders, ...specs.escalations.map((e) => e.spec)].map((due) => ({ due, reminders: [] }));
}

/** The R9 deadline specs of the current period: expiry, renewal deadline, and the four reminders. */
export function renewalSchedule(ctx: Pick<ListingContext, 'validUntil'>): DeadlineSpec[] {
  return [
    { name: 'expires', rule: 'R5.2', from: ctx.validUntil, offset: { calendarDays: 0 }, time: 'endOfDay' },
    renewalDeadline(ctx.validUntil).spec,
    ...renewalReminders(ctx.validUntil).map((r) => r.spec),
  ];
}

/**
 * R9.2 at the renewal deadline, judged as of the day after it (the deadline event arrives at 24:00 of
 * the deadline day, when it has passed), from the latest version of each year's report.
 */
export function judgeForfeiture(ctx: ListingContext, at: string): Forfeiture {
  const deadline = renewalDeadline(ctx.validUntil).date;
  const day = shanghaiDate(at);
  const today = day > deadline ? day : plusDays(deadline, 1);
  const renewal = ctx.renewal?.period === ctx.period ? ctx.renewal : undefined;
  return forfeitureOf({
    period: ctx.period,
    reports: latestReports(ctx).map((v) => ({ year: v.report.year, personTimes: v.report.personTimes })),
    periodYears: { from: ctx.validFrom, to: ctx.validUntil },
    ...(renewal ? { renewalFiledOn: renewal.filedOn } : {}),
    renewalDeadline: deadline,
    today,
  });
}

const listingName = (ctx: ListingContext) => `${ctx.institution.name} — ${ctx.occupation.name} (${ctx.kind}, ${ctx.listingId})`;

/** Is the instant `at` no later than the deadline `name` (from context, else from the rules)? */
const beforeRenewalDeadline = (ctx: ListingContext, at: string) => {
  const d = ctx.deadlines.renewalDeadline ?? renewalDeadline(ctx.validUntil);
  return Date.parse(at) <= Date.parse(d.at);
};

/** At the renewal deadline once a renewal is on file: R9.2(a)/(b) grounds mark the listing lapsing. */
const judgedAtDeadline = [
  { guard: and(['renewalDeadline', 'forfeits']), target: '#listing.lapsing', actions: 'judge' },
  { guard: 'renewalDeadline', actions: 'judge' },
] as const;

const listingSetup = setup({
  types: {
    context: {} as ListingContext,
    events: {} as ListingEvent,
    input: {} as ListingInput,
  },
  actions: {
    /** Host: compute these deadlines with the calendar activity and answer with `deadlines.set`. */
    requestDeadlines: (_, _params: DeadlineRequest) => {},
    /** Host: put this message in the outbox. */
    notify: (_, _params: NotificationRequest) => {},
    /** Host: record the R9.3 re-application bar (placeholder for the directory's bar register). */
    recordBar: (_, _params: RecordBarRequest) => {},
    storeDeadlines: assign({ deadlines: ({ context, event }) => withDeadlines(context.deadlines, event as DeadlinesSetEvent) }),
    /** An order closed (its outcome), or removed the listing. */
    closeOrder: assign({
      rectifications: ({ context, event }, params: { outcome?: string }) =>
        context.rectifications.map((r) =>
          'from' in event && r.caseId === event.from ? { ...r, status: params.outcome ?? (event.type === 'rectification.closed' ? event.outcome : 'closed') } : r,
        ),
    }),
    /** Host: send an event to another case (here: the open orders, when the listing ends). */
    signalCase: (_, _params: SignalCaseRequest) => {},
    recordFollowUp: assign({
      overdueReports: ({ context, event }) =>
        event.type === 'RECORD_FOLLOW_UP'
          ? context.overdueReports.map((o) =>
              o.year === event.year && o.level === event.level && !o.followUp ? { ...o, followUp: { note: event.note, by: event.actor, at: event.at } } : o,
            )
          : context.overdueReports,
    }),
    clearDeadlines: assign({ deadlines: () => ({}) }),
    recordReminder: assign({ reminders: ({ context, event }) => withReminder(context.reminders, event as DeadlineReachedEvent) }),
    appendReport: assign({
      annualReports: ({ context, event }) => {
        if (event.type !== 'SUBMIT_ANNUAL_REPORT') return context.annualReports;
        const { type: _t, at, actor, ...report } = event;
        const key = String(report.year);
        const versions = context.annualReports[key] ?? [];
        return { ...context.annualReports, [key]: [...versions, { version: versions.length + 1, report, submittedAt: at, by: actor }] };
      },
    }),
    reviewReport: assign({
      annualReports: ({ context, event }) => {
        if (event.type !== 'REVIEW_ANNUAL_REPORT') return context.annualReports;
        const key = String(event.year);
        const versions = context.annualReports[key] ?? [];
        return {
          ...context.annualReports,
          [key]: versions.map((v, i) =>
            i === versions.length - 1 ? { ...v, review: { accepted: event.accepted, comments: event.comments, by: event.actor, at: event.at } } : v,
          ),
        };
      },
    }),
    fileRenewal: assign({
      renewal: ({ context, event }) =>
        event.type === 'FILE_RENEWAL' ? { period: context.period, filedAt: event.at, filedOn: shanghaiDate(event.at), report: event.report } : context.renewal,
    }),
    decide: assign({
      decisions: ({ context, event }, params: { step: ListingDecision['step']; decision: ListingDecision['decision'] }) => [
        ...context.decisions,
        {
          period: context.period,
          step: params.step,
          decision: params.decision,
          reason: event.type === 'REFUSE_RENEWAL' ? event.reason : 'comments' in event ? (event.comments ?? '') : '',
          by: (event as EventMeta).actor,
          at: (event as EventMeta).at,
        },
      ],
    }),
    judge: assign({ forfeiture: ({ context, event }) => judgeForfeiture(context, event.at) }),
    /** R9.1: the renewed period starts the day after the current one's last day. */
    startRenewedPeriod: assign(({ context }) => {
      const next = renewedPeriod(context.validUntil, context.period + 1);
      // The annual report's deadlines carry over; the new period asks for its own R9 schedule.
      const deadlines = Object.fromEntries(Object.entries(context.deadlines).filter(([name]) => !PERIOD_DEADLINES.has(name)));
      return { ...next, deadlines, forfeiture: undefined };
    }),
    endWith: assign({
      outcome: ({ context, event }, params: { code: ListingEndReason }) => ({
        code: params.code,
        reason:
          params.code === 'forfeited'
            ? (context.forfeiture?.grounds.map((g) => g.reason).join('; ') ?? '')
            : event.type === 'rectification.removed'
              ? event.reason
              : params.code === 'withdrawn'
                ? (context.withdrawal?.reason ?? '')
                : 'the validity period ended without renewal',
        at: event.at,
      }),
    }),
  },
  guards: {
    /** The listing has not ended (root handlers: `transition()` takes them from a final snapshot too). */
    isOpen: ({ context }) => context.outcome === undefined,
    renewalDeadline: deadlineIs('renewalDeadline'),
    expires: deadlineIs('expires'),
    renewalReminder: ({ event }) => event.type === 'deadline.reached' && (event.name.startsWith('renewalReminder') || event.name === 'renewalDeadlineDay'),
    /** R9.1: filed by 24:00 of the renewal deadline day. */
    beforeDeadline: ({ context, event }) => 'at' in event && beforeRenewalDeadline(context, event.at),
    forfeits: ({ context, event }) => event.type === 'deadline.reached' && judgeForfeiture(context, event.at).forfeited,
    forfeited: ({ context }) => context.forfeiture?.forfeited === true,
    annualReminder: ({ context, event }) => event.type === 'deadline.reached' && ANNUAL_REMINDERS.has(event.name) && !reportFiled(context, context.reportingYear),
    annualEscalation: ({ event }) => event.type === 'deadline.reached' && ANNUAL_ESCALATIONS.some((e) => e.name === event.name),
    openOverdue: ({ context, event }) =>
      event.type === 'RECORD_FOLLOW_UP' && openOverdueReports(context).some((o) => o.year === event.year && o.level === event.level),
    /** A withdrawal effective today (or, late, on a past day) takes effect at once. */
    withdrawsToday: ({ event }) => event.type === 'WITHDRAW' && event.effectiveOn <= shanghaiDate(event.at),
    withdrawalScheduled: ({ context }) => context.withdrawal !== undefined,
    withdrawalEffective: deadlineIs('withdrawalEffective'),
    awaitsReview: ({ context, event }) => {
      if (event.type !== 'REVIEW_ANNUAL_REPORT') return false;
      const latest = context.annualReports[String(event.year)]?.at(-1);
      return latest !== undefined && latest.review === undefined;
    },
  },
});

/** R14.2: ask for the schedule of the report the case chases now. */
const requestAnnualSchedule = listingSetup.enqueueActions(({ context, enqueue }) => {
  for (const params of annualReportRequests(context, context.reportingYear)) enqueue({ type: 'requestDeadlines', params });
});

/** R14.2: a reminder while the report is missing, to the institution, saying what is due, by when, and why. */
const remindAnnualReport = listingSetup.enqueueActions(({ context, enqueue }) => {
  enqueue('recordReminder');
  enqueue({
    type: 'notify',
    params: notifyParams([holder(context)], 'listing.annualReportReminder', `Annual report on ${context.reportingYear} due: ${listingName(context)}`, annualReportReminderText(context.reportingYear), 'R14.2'),
  });
});

/**
 * R14.2 Decision: an escalation deadline passed. A missing report becomes an overdue task for the
 * level's department; after the last level the schedule moves on to the next year.
 */
const escalateAnnualReport = listingSetup.enqueueActions(({ context, event, enqueue }) => {
  const name = (event as DeadlineReachedEvent).name;
  const i = ANNUAL_ESCALATIONS.findIndex((e) => e.name === name);
  const level = ANNUAL_ESCALATIONS[i];
  if (!level) return;
  const year = context.reportingYear;
  // Each level once a year, however often the deadline is delivered.
  if (!reportFiled(context, year) && !context.overdueReports.some((o) => o.year === year && o.level === level.level)) {
    const next = ANNUAL_ESCALATIONS[i + 1];
    const nextDate = next ? context.deadlines[next.name]?.date : undefined;
    enqueue.assign({ overdueReports: [...context.overdueReports, { year, level: level.level, to: level.to, since: event.at }] });
    enqueue({
      type: 'notify',
      params: notifyParams(
        [escalationAssignee(context, level.to), ...(level.level === 1 ? [holder(context)] : [])],
        'listing.annualReportOverdue',
        `Overdue annual report on ${year} (level ${level.level}): ${listingName(context)}`,
        annualReportEscalationText(year, level.level, nextDate),
        'R14.2',
      ),
    });
  }
  if (name === LAST_ESCALATION) {
    enqueue.assign({ reportingYear: year + 1 });
    for (const params of annualReportRequests(context, year + 1)) enqueue({ type: 'requestDeadlines', params });
  }
});

/** R20.3: a new dated version of the institution's name and contact details, published at once. */
const reportChange = listingSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'REPORT_CHANGE') return;
  const name = event.name ?? context.institution.name;
  const contact = event.contact ?? context.contact;
  const version: DetailsVersion = {
    version: context.details.length + 1,
    name,
    contact,
    effectiveOn: event.effectiveOn,
    note: event.note ?? '',
    reportedAt: event.at,
    by: event.actor,
  };
  enqueue.assign({ institution: { ...context.institution, name }, contact, details: [...context.details, version] });
  const what = [event.name ? `name "${context.institution.name}" → "${name}"` : '', event.contact ? 'contact details' : ''].filter(Boolean).join(' and ');
  enqueue({
    type: 'notify',
    params: notifyParams(
      [nationalOfficer, reportReviewer(context)],
      'listing.changed',
      `Change reported: ${listingName(context)}`,
      `The institution reported a change of ${what}, effective ${event.effectiveOn}; the directory shows it from now on (R20.3).`,
      'R20.3',
    ),
  });
});

/** R20.3: the withdrawal is reported at once to the national group and the organiser/local HR. */
const recordWithdrawal = listingSetup.enqueueActions(({ context, event, enqueue }) => {
  if (event.type !== 'WITHDRAW') return;
  enqueue.assign({ withdrawal: { effectiveOn: event.effectiveOn, reason: event.reason, by: event.actor, at: event.at } });
  enqueue({
    type: 'notify',
    params: notifyParams(
      [nationalOfficer, organiserOfficer(context), reportReviewer(context)],
      'listing.withdrawal',
      `Withdrawal: ${listingName(context)}`,
      `The institution withdraws the listing effective ${event.effectiveOn}: ${event.reason} (R20.3).`,
      'R20.3',
    ),
  });
});

/** The listing ended: its open rectification orders have nothing left to rectify (they close as moot). */
const endOpenOrders = listingSetup.enqueueActions(({ context, enqueue }) => {
  for (const r of context.rectifications) {
    if (r.status !== 'open') continue;
    enqueue({ type: 'signalCase', params: { caseId: r.caseId, event: { type: 'listing.ended', reason: `the listing ended (${context.outcome?.code ?? 'ended'})` } } });
  }
});

export const listingMachine = listingSetup.createMachine({
  id: 'listing',
  context: ({ input }) => {
    const { expiresAt, ...v } = validityPeriod(input.publishedOn);
    return {
      ...input,
      ...v,
      expiresAt,
      annualReports: {},
      decisions: [],
      deadlines: {},
      reminders: [],
      reportingYear: yearOf(v.validFrom),
      overdueReports: [],
      contact: null,
      details: [],
      rectifications: [],
      referrals: [],
    };
  },
  initial: 'valid',
  entry: requestAnnualSchedule,
  on: {
    'deadlines.set': { actions: 'storeDeadlines' },
    /** R14.2: the annual report's reminders and escalations run through every state until the case ends. */
    'deadline.reached': [
      { guard: and(['isOpen', 'annualReminder']), actions: remindAnnualReport },
      { guard: and(['isOpen', 'annualEscalation']), actions: escalateAnnualReport },
    ],
    /** R14.2 Decision: the department records how it took up the missing report; the overdue task closes. */
    RECORD_FOLLOW_UP: { guard: and(['isOpen', 'openOverdue']), actions: 'recordFollowUp' },
    /** R20.3: a change of name or contact details, in any non-final state. */
    REPORT_CHANGE: { guard: 'isOpen', actions: reportChange },
    /** R20.1: the listing knows every order against it. */
    'rectification.opened': {
      guard: 'isOpen',
      actions: assign({
        rectifications: ({ context, event }) =>
          event.type === 'rectification.opened' && event.from && !context.rectifications.some((r) => r.caseId === event.from)
            ? [...context.rectifications, { caseId: event.from, rules: event.rules, orderedBy: event.orderedBy, openedAt: event.at, status: 'open' }]
            : context.rectifications,
      }),
    },
    'rectification.closed': { guard: 'isOpen', actions: { type: 'closeOrder', params: {} } },
    /** R21: a finding against the listing was referred to the competent authority. */
    'fraud.referred': {
      actions: assign({
        referrals: ({ context, event }) =>
          event.type === 'fraud.referred' ? [...context.referrals, { caseId: event.from ?? '', authority: event.authority, note: event.note, at: event.at }] : context.referrals,
      }),
    },
    /** R14.2: an annual report, or a correction of one (a new version), in any non-final state. */
    SUBMIT_ANNUAL_REPORT: { guard: 'isOpen', actions: 'appendReport' },
    REVIEW_ANNUAL_REPORT: { guard: and(['isOpen', 'awaitsReview']), actions: 'reviewReport' },
    /** R20.3: the institution withdraws, today or from a later day; reported at once. No bar of its own. */
    WITHDRAW: [
      { guard: and(['isOpen', not('withdrawalScheduled'), 'withdrawsToday']), target: '.withdrawn', actions: [recordWithdrawal, { type: 'endWith', params: { code: 'withdrawn' } }] },
      { guard: and(['isOpen', not('withdrawalScheduled')]), target: '.withdrawing', actions: recordWithdrawal },
    ],
    /** R20.2: a rectification case removed the listing; the removal starts the R9.3 bar. */
    'rectification.removed': { guard: 'isOpen', target: '.removed', actions: [{ type: 'closeOrder', params: { outcome: 'removed' } }, { type: 'endWith', params: { code: 'removed' } }] },
  },
  states: {
    valid: {
      description: 'R5.2 / R9.1: a validity period runs; the renewal is filed, consented and audited before the deadline.',
      initial: 'awaitingRenewal',
      entry: enqueueActions(({ context, enqueue }) => {
        for (const due of renewalSchedule(context)) enqueue({ type: 'requestDeadlines', params: { due, reminders: [] } });
      }),
      states: {
        awaitingRenewal: {
          on: {
            FILE_RENEWAL: { guard: 'beforeDeadline', target: 'consent', actions: 'fileRenewal' },
            'deadline.reached': [
              {
                guard: 'renewalReminder',
                actions: [
                  'recordReminder',
                  {
                    type: 'notify',
                    params: ({ context, event }) => {
                      const r = renewalReminders(context.validUntil).find((x) => x.name === (event as DeadlineReachedEvent).name);
                      return notifyParams([holder(context), recommenderOfficer(context)], 'listing.renewalReminder', `Renewal reminder: ${listingName(context)}`, r?.purpose ?? '', 'R9.1');
                    },
                  },
                ],
              },
              /** R9.2(c): no renewal by the deadline → lapsing. */
              { guard: 'renewalDeadline', target: '#listing.lapsing', actions: 'judge' },
            ],
          },
        },
        consent: {
          description: 'R9.1: the industry department consents to the renewal, or refuses it.',
          entry: {
            type: 'notify',
            params: ({ context }) =>
              notifyParams([consentAssignee(context)], 'listing.renewalFiled', `Renewal filed: ${listingName(context)}`, `The institution filed its renewal for period ${context.period}; consent or refuse it (R9.1).`, 'R9.1'),
          },
          on: {
            CONSENT_RENEWAL: { target: 'audit', actions: { type: 'decide', params: { step: 'consent', decision: 'consented' } } },
            REFUSE_RENEWAL: { target: 'renewalRefused', actions: { type: 'decide', params: { step: 'consent', decision: 'refused' } } },
            'deadline.reached': [...judgedAtDeadline],
          },
        },
        audit: {
          description: 'R9.1: the provincial HR department (training) or the national group (evaluation) audits the renewal.',
          on: {
            APPROVE_RENEWAL: { target: '#listing.renewedAwaitingExpiry', actions: { type: 'decide', params: { step: 'audit', decision: 'approved' } } },
            REFUSE_RENEWAL: { target: 'renewalRefused', actions: { type: 'decide', params: { step: 'audit', decision: 'refused' } } },
            'deadline.reached': [...judgedAtDeadline],
          },
        },
        renewalRefused: {
          description: 'The renewal was refused: the listing expires on its date (no R9.3 bar unless R9.2 grounds hold).',
          entry: {
            type: 'notify',
            params: ({ context }) =>
              notifyParams([holder(context), recommenderOfficer(context)], 'listing.renewalRefused', `Renewal refused: ${listingName(context)}`, `The listing expires on ${context.validUntil} (R9.1).`, 'R9.1'),
          },
          on: {
            'deadline.reached': [...judgedAtDeadline, { guard: 'expires', target: '#listing.expired', actions: { type: 'endWith', params: { code: 'expired' } } }],
          },
        },
      },
    },
    renewedAwaitingExpiry: {
      description: 'R9.1: the renewal is approved; the next period starts the day after this one\'s last day.',
      on: {
        'deadline.reached': [...judgedAtDeadline, { guard: 'expires', target: 'valid', actions: 'startRenewedPeriod' }],
      },
    },
    withdrawing: {
      description: 'R20.3: a withdrawal from a later day: the listing stays valid until then, and leaves the directory that day.',
      entry: {
        type: 'requestDeadlines',
        params: ({ context }) => ({
          due: { name: 'withdrawalEffective', rule: 'R20.3', from: context.withdrawal?.effectiveOn ?? context.validUntil, offset: { calendarDays: -1 }, time: 'endOfDay' },
          reminders: [],
        }),
      },
      on: {
        'deadline.reached': { guard: 'withdrawalEffective', target: 'withdrawn', actions: { type: 'endWith', params: { code: 'withdrawn' } } },
      },
    },
    lapsing: {
      description: 'R9.2 / R9 Decision: deemed abandoned; the listing expires on its date, and the R9.3 bar follows.',
      entry: {
        type: 'notify',
        params: ({ context }) =>
          notifyParams(
            [holder(context), recommenderOfficer(context), organiserOfficer(context)],
            'listing.lapsing',
            `Lapsing: ${listingName(context)}`,
            `${context.forfeiture?.grounds.map((g) => g.reason).join('; ') ?? ''}. The listing expires on ${context.validUntil} (R9.2, R9.3).`,
            'R9.2',
          ),
      },
      on: {
        'deadline.reached': { guard: 'expires', target: 'expired', actions: { type: 'endWith', params: { code: 'forfeited' } } },
      },
    },
    expired: {
      type: 'final',
      description: 'The listing ran out: forfeited (R9.2, with the R9.3 bar) or expired after a refused renewal (no bar).',
      entry: [
        'clearDeadlines',
        endOpenOrders,
        enqueueActions(({ context, enqueue }) => {
          const reason = context.outcome?.code ?? 'expired';
          if (!barApplies(reason)) return;
          const bar = reapplicationBar(context.validUntil);
          enqueue.assign({ bar });
          enqueue({ type: 'recordBar', params: { institutionId: context.institution.id, kind: context.kind, occupationCode: context.occupation.code, until: bar.until } });
          enqueue({
            type: 'notify',
            params: notifyParams(
              [organiserOfficer(context)],
              'listing.barred',
              `Re-application bar: ${listingName(context)}`,
              `The listing expired on ${context.validUntil} deemed abandoned; the institution may not apply for ${context.occupation.code} again until ${bar.until} inclusive (R9.3).`,
              'R9.3',
            ),
          });
        }),
      ],
    },
    withdrawn: {
      type: 'final',
      description: 'R20.3: the listing left the directory on the withdrawal day, published. No bar, unless it was already lapsing with R9.2 grounds.',
      entry: [
        'clearDeadlines',
        endOpenOrders,
        enqueueActions(({ context, enqueue }) => {
          if (context.forfeiture?.forfeited !== true || !context.withdrawal) return;
          // R9.2 grounds already held: the withdrawal ends the listing early, the R9.3 bar stands.
          const bar = reapplicationBar(plusDays(context.withdrawal.effectiveOn, -1));
          enqueue.assign({ bar });
          enqueue({ type: 'recordBar', params: { institutionId: context.institution.id, kind: context.kind, occupationCode: context.occupation.code, until: bar.until } });
        }),
      ],
    },
    removed: {
      type: 'final',
      description: 'R20.2: removed from the directory by a rectification case; the R9.3 bar starts on the removal day.',
      entry: [
        'clearDeadlines',
        endOpenOrders,
        enqueueActions(({ context, event, enqueue }) => {
          const bar = reapplicationBar(shanghaiDate((event as EventMeta).at));
          enqueue.assign({ bar });
          enqueue({ type: 'recordBar', params: { institutionId: context.institution.id, kind: context.kind, occupationCode: context.occupation.code, until: bar.until } });
        }),
      ],
    },
  },
});

export type ListingMachine = typeof listingMachine;

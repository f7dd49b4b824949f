/**
 * The listing as a case: its commands with payload schemas, the tasks its states yield (the
 * industry department's consent and the organiser's audit of a renewal, local HR's review of each
 * annual report awaiting one), and its public status and summary.
 *
 * Public status codes are stable: `valid | lapsing | expired | removed | withdrawn`; the renewal's
 * inner steps (consent, audit, refused, approved and awaiting expiry) share `valid` and show only in
 * the label and the summary's `renewal`.
 */
import { Type, type Static } from 'typebox';
import { shanghaiDate, type IsoDate } from '../rules/calendar/dates.js';
import { AnnualReportSchema, checkAnnualReport } from '../rules/listing/annualReport.js';
import { renewalDeadline } from '../rules/listing/validity.js';
import type { CaseDefinition, DirectoryEntry, FieldError, PublicStatus, TaskSpec } from './kit.js';
import {
  consentAssignee,
  escalationAssignee,
  holder,
  openOverdueReports,
  listingMachine,
  organiserOfficer,
  reportReviewer,
  reportsAwaitingReview,
  type ListingContext,
  type ListingMachine,
} from './listing.machine.js';
import { leafState } from './steps.js';

const Text = (min: number, max = 5000) => Type.String({ minLength: min, maxLength: max });
const DateString = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });

export const listingPayloads = {
  FILE_RENEWAL: Type.Object({ report: Text(1, 20000) }, { additionalProperties: false }),
  CONSENT_RENEWAL: Type.Object({ comments: Type.Optional(Text(0)) }, { additionalProperties: false }),
  REFUSE_RENEWAL: Type.Object({ reason: Text(1) }, { additionalProperties: false }),
  APPROVE_RENEWAL: Type.Object({ comments: Type.Optional(Text(0)) }, { additionalProperties: false }),
  SUBMIT_ANNUAL_REPORT: AnnualReportSchema,
  REVIEW_ANNUAL_REPORT: Type.Object(
    { year: Type.Integer({ minimum: 2024, maximum: 9999 }), accepted: Type.Boolean(), comments: Text(0) },
    { additionalProperties: false },
  ),
  WITHDRAW: Type.Object({ effectiveOn: DateString, reason: Text(1) }, { additionalProperties: false }),
  RECORD_FOLLOW_UP: Type.Object(
    { year: Type.Integer({ minimum: 2024, maximum: 9999 }), level: Type.Integer({ minimum: 1, maximum: 9 }), note: Text(1) },
    { additionalProperties: false },
  ),
  REPORT_CHANGE: Type.Object(
    {
      name: Type.Optional(Type.String({ minLength: 2, maxLength: 200, pattern: '\\S' })),
      contact: Type.Optional(
        Type.Object(
          {
            address: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
            phone: Type.Optional(Type.String({ pattern: '^[0-9+()\\- ]{5,30}$' })),
            email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
            website: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 300 })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
      ),
      effectiveOn: DateString,
      note: Type.Optional(Text(0, 2000)),
    },
    { additionalProperties: false },
  ),
};
export type ListingPayloads = { [K in keyof typeof listingPayloads]: Static<(typeof listingPayloads)[K]> };

type Snapshot = ReturnType<ListingMachine['resolveState']>;

const statuses: Record<string, PublicStatus> = {
  'valid.awaitingRenewal': { code: 'valid', label: 'Valid', final: false },
  'valid.consent': { code: 'valid', label: 'Valid; renewal awaiting the industry department\'s consent', final: false },
  'valid.audit': { code: 'valid', label: 'Valid; renewal under audit', final: false },
  'valid.renewalRefused': { code: 'valid', label: 'Valid until expiry; renewal refused', final: false },
  renewedAwaitingExpiry: { code: 'valid', label: 'Valid; renewed for the next period', final: false },
  lapsing: { code: 'lapsing', label: 'Lapsing: deemed abandoned, expires on its date', final: false },
  expired: { code: 'expired', label: 'Expired', final: true },
  withdrawing: { code: 'valid', label: 'Valid until the withdrawal takes effect', final: false },
  removed: { code: 'removed', label: 'Removed from the directory', final: true },
  withdrawn: { code: 'withdrawn', label: 'Withdrawn', final: true },
};

/** R14.2 via `checkAnnualReport`, as of the day the command is sent. */
export function checkReport(ctx: Pick<ListingContext, 'validFrom'>, report: ListingPayloads['SUBMIT_ANNUAL_REPORT'], at: string): FieldError[] {
  return checkAnnualReport(report, { today: shanghaiDate(at), validFrom: ctx.validFrom });
}

/** R9.1: the renewal application is due by 24:00 of validUntil − 3 calendar months. */
export function checkRenewalInTime(ctx: Pick<ListingContext, 'validUntil'>, at: string): FieldError[] {
  const deadline = renewalDeadline(ctx.validUntil);
  return Date.parse(at) <= Date.parse(deadline.at)
    ? []
    : [{ field: '/report', message: `the renewal deadline was 24:00 on ${deadline.date} (Asia/Shanghai); a late renewal is not accepted`, rule: 'R9.1' }];
}

/**
 * R20.3: a withdrawal takes effect on its day: today, a later day of the validity period (the listing
 * stays valid until then), or — reported late — a past day, when it takes effect at once.
 */
export function checkWithdrawal(ctx: Pick<ListingContext, 'validFrom' | 'validUntil'>, p: ListingPayloads['WITHDRAW'], at: string): FieldError[] {
  const today = shanghaiDate(at);
  if (!isDate(p.effectiveOn)) return [{ field: '/effectiveOn', message: `${p.effectiveOn} is not a calendar date`, rule: 'R20.3' }];
  if (p.effectiveOn < ctx.validFrom) return [{ field: '/effectiveOn', message: `the listing is valid from ${ctx.validFrom}: it cannot be withdrawn from ${p.effectiveOn}`, rule: 'R20.3' }];
  if (p.effectiveOn > today && p.effectiveOn > ctx.validUntil) {
    return [{ field: '/effectiveOn', message: `the listing is valid until ${ctx.validUntil}: a withdrawal from ${p.effectiveOn} has no effect`, rule: 'R20.3' }];
  }
  return [];
}

/** R20.3: a change reported "at once": it names something, and it has happened (not before the listing). */
export function checkChange(ctx: Pick<ListingContext, 'validFrom' | 'institution'>, p: ListingPayloads['REPORT_CHANGE'], at: string): FieldError[] {
  const today = shanghaiDate(at);
  const errors: FieldError[] = [];
  if (p.name === undefined && p.contact === undefined) errors.push({ field: '/', message: 'report a new name, new contact details, or both', rule: 'R20.3' });
  if (p.name !== undefined && p.name.trim() === ctx.institution.name) errors.push({ field: '/name', message: `the name is already "${ctx.institution.name}"`, rule: 'R20.3' });
  if (!isDate(p.effectiveOn)) errors.push({ field: '/effectiveOn', message: `${p.effectiveOn} is not a calendar date`, rule: 'R20.3' });
  else if (p.effectiveOn > today) errors.push({ field: '/effectiveOn', message: `a change is reported once it has happened: ${p.effectiveOn} is after today (${today})`, rule: 'R20.3' });
  else if (p.effectiveOn < ctx.validFrom) errors.push({ field: '/effectiveOn', message: `the listing is valid from ${ctx.validFrom}`, rule: 'R20.3' });
  return errors;
}

const isDate = (d: IsoDate): boolean => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
};

function renewalStatus(snapshot: Snapshot): string {
  const leaf = leafState(snapshot.value);
  const ctx = snapshot.context;
  if (leaf === 'valid.consent') return 'awaitingConsent';
  if (leaf === 'valid.audit') return 'underAudit';
  if (leaf === 'valid.renewalRefused') return 'refused';
  if (leaf === 'renewedAwaitingExpiry') return 'approved';
  if (leaf === 'lapsing') return 'lapsing';
  return ctx.renewal?.period === ctx.period ? 'filed' : 'notFiled';
}

/** The listing as the public directory shows it (R2.1, R13): also the head of the case summary. */
function entryOf(snapshot: Snapshot): DirectoryEntry {
  const ctx = snapshot.context;
  const leaf = leafState(snapshot.value);
  return {
    listingId: ctx.listingId,
    kind: ctx.kind,
    institution: ctx.institution,
    occupation: ctx.occupation,
    organiser: ctx.organiser,
    recommender: ctx.recommender,
    period: ctx.period,
    validFrom: ctx.validFrom,
    validUntil: ctx.validUntil,
    status: (statuses[leaf]?.code ?? leaf) as DirectoryEntry['status'],
    ...(ctx.contact ? { contact: ctx.contact } : {}),
  };
}

export const listingCase: CaseDefinition<ListingMachine, Snapshot> = {
  caseType: 'listing',
  machine: listingMachine,
  defaultRule: 'R5.2',
  commands: {
    FILE_RENEWAL: {
      title: 'File the renewal application',
      rule: 'R9.1',
      payload: listingPayloads.FILE_RENEWAL,
      // In `lapsing` without a renewal on file the deadline has passed: the check names R9.1 (400), not the state.
      allowed: (s) => {
        const leaf = leafState(s.value);
        const filed = s.context.renewal?.period === s.context.period;
        return leaf === 'valid.awaitingRenewal' || (leaf === 'lapsing' && !filed) ? [holder(s.context)] : [];
      },
      check: (_p: ListingPayloads['FILE_RENEWAL'], s, at) => checkRenewalInTime(s.context, at),
    },
    CONSENT_RENEWAL: { title: 'Consent to the renewal (industry department)', rule: 'R9.1', payload: listingPayloads.CONSENT_RENEWAL },
    REFUSE_RENEWAL: { title: 'Refuse the renewal', rule: 'R9.1', payload: listingPayloads.REFUSE_RENEWAL },
    APPROVE_RENEWAL: { title: 'Approve the renewal (audit)', rule: 'R9.1', payload: listingPayloads.APPROVE_RENEWAL },
    SUBMIT_ANNUAL_REPORT: {
      title: 'Submit (or correct) an annual report',
      rule: 'R14.2',
      payload: listingPayloads.SUBMIT_ANNUAL_REPORT,
      allowed: (s) => (s.context.outcome ? [] : [holder(s.context)]),
      check: (p: ListingPayloads['SUBMIT_ANNUAL_REPORT'], s, at) => checkReport(s.context, p, at),
    },
    REVIEW_ANNUAL_REPORT: { title: 'Review an annual report', rule: 'R14.2', payload: listingPayloads.REVIEW_ANNUAL_REPORT },
    WITHDRAW: {
      title: 'Withdraw the listing',
      rule: 'R20.3',
      payload: listingPayloads.WITHDRAW,
      allowed: (s) => (s.context.outcome || s.context.withdrawal ? [] : [holder(s.context)]),
      check: (p: ListingPayloads['WITHDRAW'], s, at) => checkWithdrawal(s.context, p, at),
    },
    REPORT_CHANGE: {
      title: 'Report a change of name or contact details',
      rule: 'R20.3',
      payload: listingPayloads.REPORT_CHANGE,
      allowed: (s) => (s.context.outcome ? [] : [holder(s.context)]),
      check: (p: ListingPayloads['REPORT_CHANGE'], s, at) => checkChange(s.context, p, at),
    },
    RECORD_FOLLOW_UP: { title: 'Record the follow-up of an overdue annual report', rule: 'R14.2', payload: listingPayloads.RECORD_FOLLOW_UP },
  },
  tasks(snapshot) {
    const ctx = snapshot.context;
    const leaf = leafState(snapshot.value);
    const name = `${ctx.institution.name} — ${ctx.occupation.name}`;
    const tasks: TaskSpec[] = [];
    if (leaf === 'valid.consent') {
      tasks.push({
        key: `consentRenewal-${ctx.period}`,
        step: 'listing.consentRenewal',
        title: `Consent to the renewal of ${name} (period ${ctx.period})`,
        rule: 'R9.1',
        assignee: consentAssignee(ctx),
        actions: ['CONSENT_RENEWAL', 'REFUSE_RENEWAL'],
      });
    }
    if (leaf === 'valid.audit') {
      tasks.push({
        key: `auditRenewal-${ctx.period}`,
        step: 'listing.auditRenewal',
        title: `Audit the renewal of ${name} (period ${ctx.period})`,
        rule: 'R9.1',
        assignee: organiserOfficer(ctx),
        actions: ['APPROVE_RENEWAL', 'REFUSE_RENEWAL'],
      });
    }
    if (snapshot.status !== 'done') {
      for (const o of openOverdueReports(ctx)) {
        tasks.push({
          key: `annualReportOverdue-${o.year}-L${o.level}`,
          step: 'listing.annualReportOverdue',
          title: `Take up the missing ${o.year} annual report of ${name} (escalation level ${o.level})`,
          rule: 'R14.2',
          assignee: escalationAssignee(ctx, o.to),
          actions: ['RECORD_FOLLOW_UP'],
        });
      }
      for (const v of reportsAwaitingReview(ctx)) {
        tasks.push({
          key: `reviewAnnualReport-${v.report.year}#${v.version}`,
          step: 'listing.reviewAnnualReport',
          title: `Review the ${v.report.year} annual report of ${name} (version ${v.version})`,
          rule: 'R14.2',
          assignee: reportReviewer(ctx),
          actions: ['REVIEW_ANNUAL_REPORT'],
        });
      }
    }
    return tasks;
  },
  status(snapshot) {
    const leaf = leafState(snapshot.value);
    return statuses[leaf] ?? { code: leaf, label: leaf, final: snapshot.status === 'done' };
  },
  directoryEntry: (snapshot) => entryOf(snapshot),
  signals: ['rectification.removed', 'rectification.opened', 'rectification.closed', 'fraud.referred'],
  /** R9.1: one workflow run per validity period. */
  runKey: (snapshot) => `period-${snapshot.context.period}`,
  owner: (snapshot) => snapshot.context.organiser,
  parties: (snapshot) => [holder(snapshot.context).unit, snapshot.context.recommender],
  summary(snapshot) {
    const ctx = snapshot.context;
    return {
      ...entryOf(snapshot),
      renewalDeadline: renewalDeadline(ctx.validUntil).date,
      renewal: { status: renewalStatus(snapshot), filedOn: ctx.renewal?.period === ctx.period ? ctx.renewal.filedOn : null },
      annualReports: Object.keys(ctx.annualReports).map(Number).sort(),
      reportingYear: ctx.reportingYear,
      overdueReports: ctx.overdueReports.map((o) => ({ year: o.year, level: o.level, followedUp: o.followUp !== undefined })),
      detailsVersions: ctx.details.length,
      withdrawal: ctx.withdrawal ? { effectiveOn: ctx.withdrawal.effectiveOn } : null,
      rectifications: ctx.rectifications.map((r) => ({ caseId: r.caseId, rules: r.rules, status: r.status })),
      referrals: ctx.referrals.length,
      forfeiture: ctx.forfeiture?.forfeited ? ctx.forfeiture.grounds.map((g) => g.rule) : [],
      bar: ctx.bar ?? null,
      outcome: ctx.outcome ? { code: ctx.outcome.code, at: ctx.outcome.at } : null,
    };
  },
};

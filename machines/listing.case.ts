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
import { shanghaiDate } from '../rules/calendar/dates.js';
import { AnnualReportSchema, checkAnnualReport } from '../rules/listing/annualReport.js';
import { renewalDeadline } from '../rules/listing/validity.js';
import type { CaseDefinition, DirectoryEntry, FieldError, PublicStatus, TaskSpec } from './kit.js';
import {
  consentAssignee,
  holder,
  listingMachine,
  organiserOfficer,
  reportReviewer,
  reportsAwaitingReview,
  type ListingContext,
  type ListingMachine,
} from './listing.machine.js';
import { leafState } from './steps.js';

const Text = (min: number, max = 5000) => Type.String({ minLength: min, maxLength: max });

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
  WITHDRAW: Type.Object({ effectiveOn: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }), reason: Text(1) }, { additionalProperties: false }),
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
      allowed: (s) => (leafState(s.value) === 'valid.awaitingRenewal' ? [holder(s.context)] : []),
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
      allowed: (s) => (s.context.outcome ? [] : [holder(s.context)]),
    },
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
  signals: ['rectification.removed'],
  owner: (snapshot) => snapshot.context.organiser,
  parties: (snapshot) => [holder(snapshot.context).unit, snapshot.context.recommender],
  summary(snapshot) {
    const ctx = snapshot.context;
    return {
      ...entryOf(snapshot),
      renewalDeadline: renewalDeadline(ctx.validUntil).date,
      renewal: { status: renewalStatus(snapshot), filedOn: ctx.renewal?.period === ctx.period ? ctx.renewal.filedOn : null },
      annualReports: Object.keys(ctx.annualReports).map(Number).sort(),
      forfeiture: ctx.forfeiture?.forfeited ? ctx.forfeiture.grounds.map((g) => g.rule) : [],
      bar: ctx.bar ?? null,
      outcome: ctx.outcome ? { code: ctx.outcome.code, at: ctx.outcome.at } : null,
    };
  },
};

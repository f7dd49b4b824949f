/**
 * The listing machine (R5.2, R9, R14.2, R20.3) without Temporal: every transition reached from the
 * states the model explores, and the lifecycle — the R9 reminders and deadlines asked for, a renewal
 * approved into period 2, a renewal refused, a missed deadline (lapsing, expiry and the R9.3 bar), a
 * first period without activity (R9.2(a)), annual report versions, the annual report schedule with
 * its reminders and escalations (R14.2 Decision), changes of name and contact details and
 * withdrawals today or from a later day (R20.3).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import type { DeadlineRequest, NotificationRequest } from '../../machines/kit.js';
import { listingCase } from '../../machines/listing.case.js';
import { listingMachine, type ListingEvent, type ListingInput, type RecordBarRequest } from '../../machines/listing.machine.js';
import { SYSTEM_PRINCIPAL, type Principal } from '../../rules/actors.js';
import { computeDeadline, createCalendar, type Deadline } from '../../rules/calendar/index.js';
import { gdOfficer, institution, natOfficer } from '../fixtures/principals.js';
import { declaredTransitions, takenTransitions } from '../support/machineCoverage.js';

const miitOfficer: Principal = { id: 'miit-officer', name: 'industry department', role: 'officer', unit: 'industry:miit' };
const input = (recommender: ListingInput['recommender'] = 'industry:miit'): ListingInput => ({
  caseId: 'listing:l-001',
  listingId: 'l-001',
  kind: 'training',
  institution: { id: 'i001', name: '示例培训学院', province: '44' },
  occupation: { code: '2-02-10-09', name: '人工智能工程技术人员' },
  organiser: 'province:44',
  recommender,
  publishedOn: '2026-10-12',
  createdBy: SYSTEM_PRINCIPAL,
  createdAt: '2026-10-12T02:00:00.000Z',
});

type Snap = ReturnType<typeof start>;
type Action = { type: string; params?: unknown };
const start = (recommender?: ListingInput['recommender']) => initialTransition(listingMachine, input(recommender))[0];
function run(events: ListingEvent[], from: Snap = start()) {
  let s = from;
  let actions: Action[] = [];
  const all: Action[] = [];
  for (const e of events) {
    [s, actions] = transition(listingMachine, s, e) as [Snap, Action[]];
    all.push(...actions);
  }
  return { s, actions, all };
}
const notices = (actions: Action[]) => actions.filter((a) => a.type === 'notify').map((a) => a.params as NotificationRequest);
const bars = (actions: Action[]) => actions.filter((a) => a.type === 'recordBar').map((a) => a.params as RecordBarRequest);

const DEADLINE_AT = '2029-07-11T15:59:59.999Z';
const EXPIRY_AT = '2029-10-11T15:59:59.999Z';
const reached = (name: string, at: string): ListingEvent => ({ type: 'deadline.reached', name, at, actor: SYSTEM_PRINCIPAL });
const renewalDue = reached('renewalDeadline', DEADLINE_AT);
const expires = reached('expires', EXPIRY_AT);
const inst = (at: string) => ({ at, actor: institution });
const file = (at = '2029-05-06T02:00:00.000Z'): ListingEvent => ({ type: 'FILE_RENEWAL', report: '三年来共培训 2400 人次……', ...inst(at) });
const consent: ListingEvent = { type: 'CONSENT_RENEWAL', comments: '同意', at: '2029-05-20T02:00:00.000Z', actor: miitOfficer };
const refuse = (actor: Principal = miitOfficer): ListingEvent => ({ type: 'REFUSE_RENEWAL', reason: '不再支持该职业', at: '2029-05-20T02:00:00.000Z', actor });
const approve: ListingEvent = { type: 'APPROVE_RENEWAL', comments: '审核通过', at: '2029-06-20T02:00:00.000Z', actor: gdOfficer };
const report = (year: number, personTimes: number, at = `${year + 1}-01-20T02:00:00.000Z`): ListingEvent => ({
  type: 'SUBMIT_ANNUAL_REPORT',
  year,
  personTimes,
  plan: '下一年度计划培训 800 人次',
  ...inst(at),
});
const review = (year: number, accepted = true): ListingEvent => ({ type: 'REVIEW_ANNUAL_REPORT', year, accepted, comments: '', at: '2028-02-10T02:00:00.000Z', actor: gdOfficer });
const withdraw: ListingEvent = { type: 'WITHDRAW', effectiveOn: '2028-03-01', reason: '机构业务调整', ...inst('2028-03-01T02:00:00.000Z') };
const withdrawLater: ListingEvent = { type: 'WITHDRAW', effectiveOn: '2028-03-31', reason: '机构业务调整', ...inst('2028-03-01T02:00:00.000Z') };
const withdrawalEffective = reached('withdrawalEffective', '2028-03-30T15:59:59.999Z');
const change: ListingEvent = { type: 'REPORT_CHANGE', name: '示例数字技术学院', contact: { phone: '+86 20 1234 5678', email: 'office@example.edu.cn' }, effectiveOn: '2027-05-01', ...inst('2027-05-08T02:00:00.000Z') };
const followUp = (year: number, level: number, actor: Principal = miitOfficer): ListingEvent => ({ type: 'RECORD_FOLLOW_UP', year, level, note: '已电话督促', at: `${year + 1}-02-03T02:00:00.000Z`, actor });
const removed: ListingEvent = { type: 'rectification.removed', reason: '整改逾期未完成', at: '2028-05-01T02:00:00.000Z', actor: SYSTEM_PRINCIPAL };
const active: ListingEvent[] = [report(2027, 900), report(2028, 1100)];

describe('listing: validity and renewal reminders (R5.2, R9 Decisions)', () => {
  it('R5.2 / R9 published 2026-10-12 → valid to 2029-10-11; the expiry, the renewal deadline 2029-07-11 and four reminders are requested, each as its own due', () => {
    const [s, actions] = initialTransition(listingMachine, input());
    expect(s.value).toEqual({ valid: 'awaitingRenewal' });
    expect(s.context).toMatchObject({ period: 1, validFrom: '2026-10-12', validUntil: '2029-10-11', expiresAt: EXPIRY_AT });
    const all = actions.filter((a) => a.type === 'requestDeadlines').map((a) => a.params as DeadlineRequest);
    expect(all.every((r) => r.reminders.length === 0)).toBe(true);
    const requests = all.filter((r) => !r.due.name.startsWith('annualReport'));
    const computed = requests.map((r) => computeDeadline(createCalendar(), r.due));
    expect(computed.map((d) => [d.name, d.at])).toEqual([
      ['expires', EXPIRY_AT],
      ['renewalDeadline', DEADLINE_AT],
      ['renewalReminder6m', '2029-04-11T01:00:00.000Z'],
      ['renewalReminder4m', '2029-06-11T01:00:00.000Z'],
      ['renewalReminder3m14d', '2029-06-27T01:00:00.000Z'],
      ['renewalDeadlineDay', '2029-07-11T01:00:00.000Z'],
    ]);
    const set = run([{ type: 'deadlines.set', deadlines: computed, at: s.context.createdAt, actor: SYSTEM_PRINCIPAL }], s).s;
    expect(Object.keys(set.context.deadlines)).toHaveLength(6);
    // R9 Decision: each reminder goes to the institution and its recommender.
    const { s: s2, actions: a2 } = run([reached('renewalReminder6m', '2029-04-11T01:00:00.000Z')], set);
    expect(notices(a2)).toEqual([
      expect.objectContaining({
        to: [{ role: 'institution', unit: 'institution:i001' }, { role: 'officer', unit: 'industry:miit' }],
        template: 'listing.renewalReminder',
        rule: 'R9.1',
      }),
    ]);
    expect(s2.context.reminders).toEqual([{ deadline: 'renewalReminder6m', at: '2029-04-11T01:00:00.000Z' }]);
    expect(listingCase.status(s2)).toEqual({ code: 'valid', label: 'Valid', final: false });
  });
});

describe('listing: renewal (R9.1)', () => {
  it('R9.1 filed in time, consented by the industry department, approved → period 2 from 2029-10-12', () => {
    const consentStep = run([...active, file()]);
    expect(consentStep.s.value).toEqual({ valid: 'consent' });
    expect(listingCase.tasks(consentStep.s).find((t) => t.step === 'listing.consentRenewal')).toMatchObject({ assignee: { role: 'officer', unit: 'industry:miit' }, actions: ['CONSENT_RENEWAL', 'REFUSE_RENEWAL'] });
    const audit = run([consent], consentStep.s).s;
    expect(listingCase.tasks(audit).find((t) => t.step === 'listing.auditRenewal')).toMatchObject({ assignee: { role: 'officer', unit: 'province:44' } });
    const approved = run([approve, renewalDue], audit).s;
    expect(approved.value).toBe('renewedAwaitingExpiry');
    expect(approved.context.forfeiture).toEqual({ forfeited: false, grounds: [] });
    const { s, actions } = run([expires], approved);
    expect(s.value).toEqual({ valid: 'awaitingRenewal' });
    expect(s.context).toMatchObject({ period: 2, validFrom: '2029-10-12', validUntil: '2032-10-11' });
    expect(s.context.forfeiture).toBeUndefined();
    // The new period asks for its own schedule; nothing is signalled.
    const dues = actions.filter((a) => a.type === 'requestDeadlines').map((a) => computeDeadline(createCalendar(), (a.params as DeadlineRequest).due));
    expect(dues.find((d) => d.name === 'renewalDeadline')?.date).toBe('2032-07-11');
    expect(actions.some((a) => a.type === 'signalCase' || a.type === 'notify')).toBe(false);
    expect(listingCase.summary(s)).toMatchObject({ period: 2, validFrom: '2029-10-12', validUntil: '2032-10-11', renewal: { status: 'notFiled' }, annualReports: [2027, 2028] });
  });

  it('R9.1 a renewal after the deadline is refused by the machine and by the case check', () => {
    const late = file('2029-07-11T16:00:00.000Z');
    expect(start().can(late)).toBe(false);
    expect(listingCase.commands.FILE_RENEWAL!.check!({ report: 'x' } as never, start(), '2029-07-11T16:00:00.000Z')).toEqual([expect.objectContaining({ rule: 'R9.1' })]);
    expect(listingCase.commands.FILE_RENEWAL!.check!({ report: 'x' } as never, start(), '2029-07-11T15:59:59.999Z')).toEqual([]);
  });

  it('R9.1 refused by the industry department → expires on its date, no bar (barApplies(expired) is false)', () => {
    const { s, all } = run([...active, file(), refuse(), renewalDue, expires]);
    expect(s.value).toBe('expired');
    expect(s.context.outcome).toMatchObject({ code: 'expired' });
    expect(s.context.bar).toBeUndefined();
    expect(bars(all)).toEqual([]);
    expect(listingCase.status(s)).toMatchObject({ code: 'expired', final: true });
  });

  it('R9.2(c) a missed deadline → lapsing → expired at 2029-10-11 with the R9.3 bar until 2032-10-11', () => {
    const lapsing = run([...active, renewalDue]);
    expect(lapsing.s.value).toBe('lapsing');
    expect(lapsing.s.context.forfeiture?.grounds.map((g) => g.rule)).toEqual(['R9.2(c)']);
    expect(notices(lapsing.actions)[0]).toMatchObject({ template: 'listing.lapsing', rule: 'R9.2' });
    expect(listingCase.status(lapsing.s).code).toBe('lapsing');
    const { s, actions } = run([expires], lapsing.s);
    expect(s.value).toBe('expired');
    expect(s.context.outcome?.code).toBe('forfeited');
    expect(s.context.bar).toEqual({ from: '2029-10-12', until: '2032-10-11' });
    expect(bars(actions)).toEqual([{ institutionId: 'i001', kind: 'training', occupationCode: '2-02-10-09', until: '2032-10-11' }]);
    expect(notices(actions)).toEqual([expect.objectContaining({ to: [{ role: 'officer', unit: 'province:44' }], template: 'listing.barred', rule: 'R9.3' })]);
  });

  it('R9.2(a) a first period with no activity is forfeited even with a renewal filed in time', () => {
    const { s } = run([report(2027, 0), file(), consent, renewalDue]);
    expect(s.value).toBe('lapsing');
    expect(s.context.forfeiture?.grounds.map((g) => g.rule)).toEqual(['R9.2(a)']);
    const end = run([expires], s).s;
    expect(end.context.outcome?.code).toBe('forfeited');
    expect(end.context.bar?.until).toBe('2032-10-11');
  });
});

describe('listing: annual reports (R14.2) and withdrawal (R20.3)', () => {
  it('R14.2 a correction appends a version; local HR reviews the latest version', () => {
    const first = run([report(2027, 900)]).s;
    expect(listingCase.tasks(first)).toEqual([expect.objectContaining({ key: 'reviewAnnualReport-2027#1', assignee: { role: 'officer', unit: 'province:44' } })]);
    const reviewed = run([review(2027)], first).s;
    expect(listingCase.tasks(reviewed)).toEqual([]);
    expect(reviewed.can(review(2027))).toBe(false);
    const corrected = run([report(2027, 950)], reviewed).s;
    expect(corrected.context.annualReports['2027']!.map((v) => [v.version, v.report.personTimes, v.review?.accepted])).toEqual([
      [1, 900, true],
      [2, 950, undefined],
    ]);
    expect(listingCase.tasks(corrected)[0]?.key).toBe('reviewAnnualReport-2027#2');
    // The case check runs checkAnnualReport: a year not over yet is refused.
    expect(listingCase.commands.SUBMIT_ANNUAL_REPORT!.check!({ year: 2027, personTimes: 1, plan: 'p' } as never, first, '2027-06-01T02:00:00.000Z')).toEqual([
      expect.objectContaining({ field: '/year', rule: 'R14.2' }),
    ]);
  });

  it('R20.3 a withdrawal mid-period ends the listing, notifies the national group and the organiser, no bar', () => {
    const { s, all } = run([report(2027, 900), withdraw]);
    expect(s.context.withdrawal).toMatchObject({ effectiveOn: '2028-03-01' });
    expect(s.value).toBe('withdrawn');
    expect(s.context.outcome).toMatchObject({ code: 'withdrawn', reason: '机构业务调整' });
    expect(s.context.bar).toBeUndefined();
    expect(bars(all)).toEqual([]);
    expect(notices(all).at(-1)).toMatchObject({ to: [{ role: 'officer', unit: 'national' }, { role: 'officer', unit: 'province:44' }], rule: 'R20.3' });
    expect(s.can(report(2028, 1))).toBe(false);
    expect(s.can(withdraw)).toBe(false);
    expect(listingCase.status(s)).toEqual({ code: 'withdrawn', label: 'Withdrawn', final: true });
    expect(listingCase.tasks(s)).toEqual([]);
  });

  it('R20.3 a withdrawal from a later day: valid until then, reported at once, withdrawn when the day starts', () => {
    const { s, actions } = run([withdrawLater]);
    expect(s.value).toBe('withdrawing');
    expect(listingCase.status(s)).toMatchObject({ code: 'valid', final: false });
    expect(notices(actions)).toEqual([expect.objectContaining({ template: 'listing.withdrawal', rule: 'R20.3' })]);
    const request = actions.find((a) => a.type === 'requestDeadlines')?.params as DeadlineRequest;
    expect(computeDeadline(createCalendar(), request.due).at).toBe('2028-03-30T15:59:59.999Z');
    expect(s.can(withdraw)).toBe(false);
    expect(listingCase.commands.WITHDRAW!.allowed!(s)).toEqual([]);
    const end = run([report(2027, 5), withdrawalEffective], s).s;
    expect(end.value).toBe('withdrawn');
    expect(end.context.outcome).toMatchObject({ code: 'withdrawn', reason: '机构业务调整' });
    expect(end.context.bar).toBeUndefined();
  });

  it('R20.3 checks: a withdrawal within the validity period (a past day takes effect at once); a change that has happened and names something', () => {
    const w = listingCase.commands.WITHDRAW!.check!;
    expect(w({ effectiveOn: '2026-10-11', reason: 'x' } as never, start(), '2028-03-01T02:00:00.000Z')).toEqual([expect.objectContaining({ field: '/effectiveOn', rule: 'R20.3' })]);
    // Reported late: a past day takes effect at once.
    expect(w({ effectiveOn: '2028-02-29', reason: 'x' } as never, start(), '2028-03-01T02:00:00.000Z')).toEqual([]);
    expect(run([{ ...withdraw, effectiveOn: '2028-02-29' } as ListingEvent]).s.value).toBe('withdrawn');
    expect(w({ effectiveOn: '2029-10-12', reason: 'x' } as never, start(), '2028-03-01T02:00:00.000Z')).toEqual([expect.objectContaining({ field: '/effectiveOn' })]);
    expect(w({ effectiveOn: '2028-02-30', reason: 'x' } as never, start(), '2028-02-01T02:00:00.000Z')).toEqual([expect.objectContaining({ field: '/effectiveOn' })]);
    expect(w({ effectiveOn: '2029-10-11', reason: 'x' } as never, start(), '2028-03-01T02:00:00.000Z')).toEqual([]);
    const c = listingCase.commands.REPORT_CHANGE!.check!;
    expect(c({ effectiveOn: '2027-05-01' } as never, start(), '2027-05-08T02:00:00.000Z')).toEqual([expect.objectContaining({ field: '/' })]);
    expect(c({ name: '示例培训学院', effectiveOn: '2027-05-01' } as never, start(), '2027-05-08T02:00:00.000Z')).toEqual([expect.objectContaining({ field: '/name' })]);
    expect(c({ name: '新名称学院', effectiveOn: '2027-06-01' } as never, start(), '2027-05-08T02:00:00.000Z')).toEqual([expect.objectContaining({ field: '/effectiveOn' })]);
    expect(c({ name: '新名称学院', effectiveOn: '2026-01-01' } as never, start(), '2027-05-08T02:00:00.000Z')).toEqual([expect.objectContaining({ field: '/effectiveOn' })]);
    expect(c({ name: '新名称学院', effectiveOn: '2027-05-01' } as never, start(), '2027-05-08T02:00:00.000Z')).toEqual([]);
  });

  it('R20.3 a change of name and contact details: a dated version, the directory entry changes, the national group and local HR are told', () => {
    const { s, actions } = run([change]);
    expect(s.context.details).toEqual([
      expect.objectContaining({ version: 1, name: '示例数字技术学院', effectiveOn: '2027-05-01', contact: { phone: '+86 20 1234 5678', email: 'office@example.edu.cn' } }),
    ]);
    expect(listingCase.directoryEntry!(s)).toMatchObject({ institution: { name: '示例数字技术学院' }, contact: { email: 'office@example.edu.cn' } });
    expect(notices(actions)).toEqual([
      expect.objectContaining({ to: [{ role: 'officer', unit: 'national' }, { role: 'officer', unit: 'province:44' }], template: 'listing.changed', rule: 'R20.3' }),
    ]);
    const second = run([{ ...change, name: undefined, contact: { address: '广州市天河区' }, effectiveOn: '2027-09-01', at: '2027-09-02T02:00:00.000Z' } as ListingEvent], s).s;
    expect(second.context.details.map((d) => [d.version, d.name, d.contact])).toEqual([
      [1, '示例数字技术学院', { phone: '+86 20 1234 5678', email: 'office@example.edu.cn' }],
      [2, '示例数字技术学院', { address: '广州市天河区' }],
    ]);
  });

  it('R9.3 a lapsing listing that withdraws keeps its bar; a late renewal there is refused by the check naming R9.1', () => {
    const lapsing = run([...active, renewalDue]).s;
    expect(listingCase.commands.FILE_RENEWAL!.allowed!(lapsing)).toEqual([{ role: 'institution', unit: 'institution:i001' }]);
    expect(listingCase.commands.FILE_RENEWAL!.check!({ report: 'x' } as never, lapsing, '2029-07-20T02:00:00.000Z')).toEqual([expect.objectContaining({ rule: 'R9.1' })]);
    expect(lapsing.can(file('2029-07-20T02:00:00.000Z'))).toBe(false);
    const { s, actions } = run([{ ...withdraw, effectiveOn: '2029-08-01', at: '2029-08-01T02:00:00.000Z' } as ListingEvent], lapsing);
    expect(s.value).toBe('withdrawn');
    expect(s.context.bar).toEqual({ from: '2029-08-01', until: '2032-07-31' });
    expect(bars(actions)).toEqual([expect.objectContaining({ until: '2032-07-31' })]);
  });

  it('a province-recommended listing: the organiser\'s officer records the consent', () => {
    const s = run([file()], start('province:44')).s;
    expect(listingCase.tasks(s)[0]).toMatchObject({ step: 'listing.consentRenewal', assignee: { role: 'officer', unit: 'province:44' } });
    expect(listingCase.parties!(s)).toEqual(['institution:i001', 'province:44']);
  });
});

describe('listing: the annual report schedule (R14.2 Decision)', () => {
  const specsOf = (actions: Action[]) => actions.filter((a) => a.type === 'requestDeadlines').map((a) => (a.params as DeadlineRequest).due).filter((d) => d.name.startsWith('annualReport'));
  const at = (name: string, s: Snap) => s.context.deadlines[name]!.at;
  /** The listing with its deadlines computed, as the host would. */
  function scheduled(events: ListingEvent[] = [], from: Snap = start()) {
    let s = from;
    const all: Action[] = [];
    const pending = [...events];
    const setAll = (actions: Action[]) => {
      const dues = actions.filter((a) => a.type === 'requestDeadlines').map((a) => computeDeadline(createCalendar(), (a.params as DeadlineRequest).due));
      if (dues.length > 0) [s] = transition(listingMachine, s, { type: 'deadlines.set', deadlines: dues, at: '2026-10-12T02:00:00.000Z', actor: SYSTEM_PRINCIPAL }) as [Snap, Action[]];
    };
    setAll(initialTransition(listingMachine, input())[1] as Action[]);
    for (const e of pending) {
      const [next, actions] = transition(listingMachine, s, e) as [Snap, Action[]];
      s = next;
      all.push(...actions);
      setAll(actions as Action[]);
    }
    return { s, all };
  }

  it('R14.2 published 2026-10-12: the report on 2026 is due 2027-01-31 with reminders on 1 Dec, 15 and 29 Jan, and escalations at the due date and 10 working days later', () => {
    const [, actions] = initialTransition(listingMachine, input());
    expect(specsOf(actions as Action[]).map((d) => d.name)).toEqual([
      'annualReportDue',
      'annualReportReminderDec1',
      'annualReportReminderJan15',
      'annualReportReminderJan29',
      'annualReportEscalationRecommender',
      'annualReportEscalationOrganiser',
    ]);
    const { s } = scheduled();
    expect(s.context.reportingYear).toBe(2026);
    expect(at('annualReportReminderDec1', s)).toBe('2026-12-01T01:00:00.000Z');
    expect(at('annualReportDue', s)).toBe('2027-01-31T15:59:59.999Z');
    expect(at('annualReportEscalationRecommender', s)).toBe('2027-01-31T15:59:59.999Z');
    // 10 working days after Sunday 31 January 2027, across the Spring Festival (provisional: 2027 is not published yet).
    expect(s.context.deadlines.annualReportEscalationOrganiser!.date > '2027-02-12').toBe(true);
    // Published on 20 December: no 1 December reminder that year.
    const late = initialTransition(listingMachine, { ...input(), publishedOn: '2026-12-20' })[1] as Action[];
    expect(specsOf(late).map((d) => d.name)).not.toContain('annualReportReminderDec1');
  });

  it('R14.2 reminders go to the institution while the report is missing, saying what is due, by when and why; none once it is filed', () => {
    const { s, all } = scheduled([reached('annualReportReminderDec1', '2026-12-01T01:00:00.000Z')]);
    expect(notices(all)).toEqual([
      expect.objectContaining({ to: [{ role: 'institution', unit: 'institution:i001' }], template: 'listing.annualReportReminder', rule: 'R14.2', body: expect.stringContaining('due by 24:00 on 2027-01-31') }),
    ]);
    expect(s.context.reminders).toEqual([{ deadline: 'annualReportReminderDec1', at: '2026-12-01T01:00:00.000Z' }]);
    const filed = scheduled([report(2026, 120, '2027-01-10T02:00:00.000Z'), reached('annualReportReminderJan15', '2027-01-15T01:00:00.000Z')]);
    expect(notices(filed.all)).toEqual([]);
  });

  it('R14.2 Decision overdue: level 1 to the recommending department, level 2 to the organiser, each closed by its follow-up; then the next year is scheduled', () => {
    const l1 = scheduled([reached('annualReportEscalationRecommender', '2027-01-31T15:59:59.999Z')]);
    expect(l1.s.context.overdueReports).toEqual([expect.objectContaining({ year: 2026, level: 1, to: 'recommender' })]);
    expect(notices(l1.all)).toEqual([
      expect.objectContaining({ to: [{ role: 'officer', unit: 'industry:miit' }, { role: 'institution', unit: 'institution:i001' }], template: 'listing.annualReportOverdue', rule: 'R14.2' }),
    ]);
    expect(listingCase.tasks(l1.s)).toEqual([expect.objectContaining({ key: 'annualReportOverdue-2026-L1', assignee: { role: 'officer', unit: 'industry:miit' }, actions: ['RECORD_FOLLOW_UP'] })]);
    expect(l1.s.can(followUp(2026, 2))).toBe(false);
    const followed = scheduled([followUp(2026, 1)], l1.s);
    expect(listingCase.tasks(followed.s)).toEqual([]);
    expect(followed.s.context.overdueReports[0]?.followUp).toMatchObject({ note: '已电话督促' });
    const escalationAt = at('annualReportEscalationOrganiser', l1.s);
    const l2 = scheduled([reached('annualReportEscalationOrganiser', escalationAt)], followed.s);
    expect(listingCase.tasks(l2.s)).toEqual([expect.objectContaining({ key: 'annualReportOverdue-2026-L2', assignee: { role: 'officer', unit: 'province:44' } })]);
    expect(notices(l2.all)[0]).toMatchObject({ to: [{ role: 'officer', unit: 'province:44' }] });
    // The schedule moves on to the report on 2027.
    expect(l2.s.context.reportingYear).toBe(2027);
    expect(at('annualReportDue', l2.s)).toBe('2028-01-31T15:59:59.999Z');
    expect(specsOf(l2.all).map((d) => d.from)).toContain('2027-12-01');
    // The late report closes the open escalation.
    const filed = scheduled([report(2026, 10, '2027-02-20T02:00:00.000Z')], l2.s);
    expect(listingCase.tasks(filed.s).map((t) => t.step)).toEqual(['listing.reviewAnnualReport']);
    expect(listingCase.summary(filed.s)).toMatchObject({ reportingYear: 2027, overdueReports: [{ year: 2026, level: 1, followedUp: true }, { year: 2026, level: 2, followedUp: false }] });
  });

  it('R14.2 a report filed on time: the escalations pass without a task and the next year is scheduled', () => {
    const { s, all } = scheduled([
      report(2026, 120, '2027-01-10T02:00:00.000Z'),
      reached('annualReportEscalationRecommender', '2027-01-31T15:59:59.999Z'),
      reached('annualReportEscalationOrganiser', '2027-02-25T15:59:59.999Z'),
    ]);
    expect(s.context.overdueReports).toEqual([]);
    expect(notices(all)).toEqual([]);
    expect(s.context.reportingYear).toBe(2027);
  });

  it('R9.1 a renewed period keeps the annual report deadlines and asks for its own R9 schedule', () => {
    const { s } = scheduled([...active, file(), consent, approve, renewalDue, expires]);
    expect(s.context.period).toBe(2);
    expect(s.context.deadlines.annualReportDue).toBeDefined();
    expect(s.context.deadlines.renewalDeadline?.date).toBe('2032-07-11');
  });
});

describe('listing: rectification orders (R20, R21)', () => {
  const opened = (id: string): ListingEvent => ({ type: 'rectification.opened', from: id, rules: ['R17(e)'], orderedBy: 'industry:miit', at: '2027-03-01T02:00:00.000Z', actor: SYSTEM_PRINCIPAL });
  it('R20.1 the listing knows every order; R20.2 a removal by one closes the others as moot (listing.ended) and starts the R9.3 bar', () => {
    const two = run([opened('rectification:a'), opened('rectification:b'), opened('rectification:a')]).s;
    expect(two.context.rectifications.map((r) => [r.caseId, r.status])).toEqual([
      ['rectification:a', 'open'],
      ['rectification:b', 'open'],
    ]);
    const { s, actions } = run([{ type: 'rectification.removed', from: 'rectification:a', reason: '逾期未整改', at: '2027-06-01T02:00:00.000Z', actor: SYSTEM_PRINCIPAL }], two);
    expect(s.value).toBe('removed');
    expect(s.context.rectifications.map((r) => r.status)).toEqual(['removed', 'open']);
    expect(actions.filter((a) => a.type === 'signalCase').map((a) => a.params)).toEqual([{ caseId: 'rectification:b', event: { type: 'listing.ended', reason: 'the listing ended (removed)' } }]);
    expect(s.context.bar).toEqual({ from: '2027-06-02', until: '2030-06-01' });
    expect(listingCase.summary(s)).toMatchObject({ rectifications: [{ caseId: 'rectification:a', status: 'removed' }, { caseId: 'rectification:b', status: 'open' }] });
  });

  it('R20.1 a closed order is marked with its outcome; R21 a referral annotates the listing', () => {
    const { s } = run([
      opened('rectification:a'),
      { type: 'rectification.closed', from: 'rectification:a', outcome: 'rectified', at: '2027-04-01T02:00:00.000Z', actor: SYSTEM_PRINCIPAL },
      { type: 'fraud.referred', from: 'rectification:a', authority: '市场监管局', note: '虚假宣传', at: '2027-04-02T02:00:00.000Z', actor: SYSTEM_PRINCIPAL },
    ]);
    expect(s.context.rectifications[0]?.status).toBe('rectified');
    expect(s.context.referrals).toEqual([{ caseId: 'rectification:a', authority: '市场监管局', note: '虚假宣传', at: '2027-04-02T02:00:00.000Z' }]);
    // A withdrawal with no open order signals nobody.
    expect(run([withdraw], s).actions.some((a) => a.type === 'signalCase')).toBe(false);
  });
});

describe('listing: every transition', () => {
  it('every declared transition is taken from the states the model reaches', () => {
    const samples: ListingEvent[] = [
      { type: 'deadlines.set', deadlines: [] as Deadline[], at: '2026-10-12T02:00:00.000Z', actor: SYSTEM_PRINCIPAL },
      report(2027, 900),
      review(2027),
      reached('renewalReminder6m', '2029-04-11T01:00:00.000Z'),
      file(),
      consent,
      refuse(),
      approve,
      renewalDue,
      expires,
      withdraw,
      withdrawLater,
      withdrawalEffective,
      removed,
      { ...withdraw, actor: natOfficer },
      change,
      reached('annualReportReminderDec1', '2026-12-01T01:00:00.000Z'),
      reached('annualReportEscalationRecommender', '2027-01-31T15:59:59.999Z'),
      followUp(2026, 1),
      { type: 'rectification.opened', from: 'rectification:o1', rules: ['R17(e)'], orderedBy: 'industry:miit', at: '2027-03-01T02:00:00.000Z', actor: SYSTEM_PRINCIPAL },
      { type: 'rectification.closed', from: 'rectification:o1', outcome: 'rectified', at: '2027-04-01T02:00:00.000Z', actor: SYSTEM_PRINCIPAL },
      { type: 'fraud.referred', from: 'rectification:o1', authority: '市场监管局', note: '虚假宣传', at: '2027-04-01T02:00:00.000Z', actor: SYSTEM_PRINCIPAL },
    ];
    // Coarse on purpose: the side records (reports, changes, orders, referrals) saturate at "some", so the
    // traversal stays small while every guard still sees both of its answers.
    const serialize = (s: Snap) =>
      JSON.stringify({
        v: s.value,
        p: Math.min(s.context.period, 2),
        r: Object.keys(s.context.annualReports).length > 0,
        rv: listingCase.tasks(s).some((t) => t.step === 'listing.reviewAnnualReport'),
        f: s.context.forfeiture?.forfeited,
        o: s.context.outcome?.code,
        rn: s.context.renewal?.period === s.context.period,
        od: s.context.overdueReports.map((o) => `${o.level}${o.followUp ? 'f' : ''}`),
        d: s.context.details.length > 0,
        ro: s.context.rectifications.map((r) => r.status),
        rf: s.context.referrals.length > 0,
      });
    // The traversal follows the lifecycle; the side events (changes, orders, referrals, follow-ups,
    // reminders), handled at the root whatever the state, are then tried from every state it reached.
    const side = new Set(['REPORT_CHANGE', 'rectification.opened', 'rectification.closed', 'fraud.referred', 'RECORD_FOLLOW_UP']);
    const lifecycle = samples.filter((e) => !side.has(e.type) && !(e.type === 'deadline.reached' && e.name === 'annualReportReminderDec1'));
    const adjacency = getAdjacencyMap(listingMachine, { input: input(), events: lifecycle, serializeState: serialize as never, limit: 100_000 });
    const declared = declaredTransitions(listingMachine);
    expect(declared).toHaveLength(32); // 13 at the root, 3 awaitingRenewal, 4 consent, 4 audit, 3 renewalRefused, 3 renewedAwaitingExpiry, 1 withdrawing, 1 lapsing
    expect(takenTransitions(listingMachine, Object.values(adjacency).map((a) => a.state as Snap), samples)).toEqual(declared);
    const reachedCodes = new Set(Object.values(adjacency).map(({ state }) => listingCase.status(state as Snap).code));
    expect([...reachedCodes].sort()).toEqual(['expired', 'lapsing', 'removed', 'valid', 'withdrawn']);
  });
});

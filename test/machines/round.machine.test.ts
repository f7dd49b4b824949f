/**
 * The selection round machine (R7.2–R7.5, R8.1, R8.3) without Temporal: every transition reached from
 * the states the model explores, and each step's effects — the window deadline, the proposed list in
 * priority order, the list approval, the 5-working-day public notice across a holiday, objections, the
 * publication and what the round tells its applications.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import type { DeadlineRequest, NotificationRequest } from '../../machines/kit.js';
import { roundCase } from '../../machines/round.case.js';
import { roundMachine, type RoundEvent, type RoundInput, type SignalCaseRequest } from '../../machines/round.machine.js';
import { SYSTEM_PRINCIPAL, type Principal } from '../../rules/actors.js';
import { computeDeadline, createCalendar, type Deadline } from '../../rules/calendar/index.js';
import { gdLeader, gdOfficer, natLeader, natOfficer } from '../fixtures/principals.js';
import { declaredTransitions, takenTransitions } from '../support/machineCoverage.js';

const at = '2026-06-10T02:00:00.000Z';
const input = (organiser: 'national' | 'province:44' = 'national'): RoundInput => ({
  caseId: organiser === 'national' ? 'selection-round:national:2026-01' : 'selection-round:province-44:2026-01',
  kind: organiser === 'national' ? 'evaluation' : 'training',
  organiser,
  planId: 'selection-plan:test',
  notice: {
    documentNumber: '人社厅发〔2026〕99号',
    occupations: [{ code: '2-02-10-09', name: '人工智能工程技术人员' }],
    applicationWindow: { opens: '2026-06-01', closes: '2026-06-30' },
  },
  createdBy: organiser === 'national' ? natOfficer : gdOfficer,
  createdAt: '2026-06-01T01:00:00.000Z',
});
const sys = { at, actor: SYSTEM_PRINCIPAL };
/** The API's public objection endpoint sends FILE_OBJECTION with a system-made public principal. */
const publicPrincipal: Principal = { ...SYSTEM_PRINCIPAL, id: 'public', name: 'public (社会公众)' };
const officer = { at, actor: natOfficer };
const leader = { at, actor: natLeader };

type Snap = ReturnType<typeof start>;
type Action = { type: string; params?: unknown };
const start = (organiser: 'national' | 'province:44' = 'national') => initialTransition(roundMachine, input(organiser))[0];
function run(events: RoundEvent[], from: Snap = start()) {
  let s = from;
  let actions: Action[] = [];
  for (const e of events) [s, actions] = transition(roundMachine, s, e) as [Snap, Action[]];
  return { s, actions };
}
const signals = (actions: Action[]) => actions.filter((a) => a.type === 'signalCase').map((a) => a.params as SignalCaseRequest);
const notices = (actions: Action[]) => actions.filter((a) => a.type === 'notify').map((a) => a.params as NotificationRequest);
const deadlineRequest = (actions: Action[]) => actions.find((a) => a.type === 'requestDeadlines')!.params as DeadlineRequest;
const deadlinesSet = (...deadlines: Deadline[]): RoundEvent => ({ type: 'deadlines.set', deadlines, ...sys });

const reg = (application: string, priority = 'nationalStandardDeveloper', flags = 0, when = at): RoundEvent => ({
  type: 'application.registered',
  application,
  priority,
  flags,
  institutionId: `i-${application}`,
  occupationCode: '2-02-10-09',
  at: when,
  actor: SYSTEM_PRINCIPAL,
});
const settled = (application: string, recommended = true, priority = 'nationalStandardDeveloper', flags = 0): RoundEvent => ({
  type: 'application.settled',
  application,
  recommended,
  priority,
  flags,
  ...sys,
});
const ended = (application: string): RoundEvent => ({ type: 'application.ended', application, recommended: false, priority: 'other', flags: 0, ...sys });
const reached = (name: string, when = at): RoundEvent => ({ type: 'deadline.reached', name, at: when, actor: SYSTEM_PRINCIPAL });
const windowCloses = reached('applicationWindowCloses');
const approve = (when = at): RoundEvent => ({ type: 'APPROVE_LIST', comments: '同意', at: when, actor: natLeader });
const object = (application: string, when = at, contact: string | null = '13800000000'): RoundEvent => ({
  type: 'FILE_OBJECTION',
  application,
  text: '该机构存在失信记录',
  ...(contact === null ? {} : { contact }),
  at: when,
  actor: publicPrincipal,
});
const uphold = (objectionId: string, when = at): RoundEvent => ({ type: 'UPHOLD_OBJECTION', objectionId, reason: '经核实属实', at: when, actor: natOfficer });
const dismiss = (objectionId: string, when = at): RoundEvent => ({ type: 'DISMISS_OBJECTION', objectionId, reason: '经核实不属实', at: when, actor: natOfficer });
const cancel: RoundEvent = { type: 'CANCEL_ROUND', reason: '政策调整，本批次取消', ...officer };

/** Two recommended applications (a1 ranks first), one not recommended: the round awaits the leader. */
const toApproval: RoundEvent[] = [reg('a2', 'leadingEnterprise'), reg('a1'), reg('a3'), windowCloses, settled('a1'), settled('a2', true, 'leadingEnterprise'), settled('a3', false)];
const toNotice: RoundEvent[] = [...toApproval, approve()];

describe('selection round: accepting applications (R7.2)', () => {
  it('R7.2 asks for the window to close at 24:00 of its last day; applications register only before that', () => {
    const [s0, actions] = initialTransition(roundMachine, input());
    expect(s0.value).toBe('accepting');
    const request = deadlineRequest(actions);
    expect(request).toEqual({ due: { name: 'applicationWindowCloses', rule: 'R7.2', from: '2026-06-30', offset: { calendarDays: 0 }, time: 'endOfDay' }, reminders: [] });
    const closes = computeDeadline(createCalendar(), request.due);
    expect(closes.at).toBe('2026-06-30T15:59:59.999Z');
    const s1 = run([deadlinesSet(closes)], s0).s;
    expect(s1.can(reg('late', 'other', 0, '2026-06-30T16:00:00.000Z'))).toBe(false);
    const s2 = run([reg('last', 'other', 0, '2026-06-30T15:59:59.999Z')], s1).s;
    expect(s2.context.applications.last).toMatchObject({ status: 'open', priority: 'other', registeredAt: '2026-06-30T15:59:59.999Z', institutionId: 'i-last' });
    expect(s2.can(reg('last'))).toBe(false); // registered once
    const s3 = run([reached('applicationWindowCloses', closes.at)], s2).s;
    expect(s3.value).toBe('reviewing');
    expect(s3.context.deadlines).toEqual({});
    expect(s3.can(reg('after'))).toBe(false);
    expect(roundCase.status(s3)).toEqual({ code: 'reviewing', label: 'Applications under review', final: false });
  });

  it('R7.2 a window that closes without a single application closes the round, with a notification', () => {
    const { s, actions } = run([windowCloses]);
    expect(s.value).toBe('closedWithoutApplications');
    expect(s.status).toBe('done');
    expect(notices(actions)).toEqual([expect.objectContaining({ to: [{ role: 'officer', unit: 'national' }], template: 'round.closedWithoutApplications', rule: 'R7.2' })]);
    expect(roundCase.status(s)).toMatchObject({ code: 'closedWithoutApplications', final: true });
  });
});

describe('selection round: the proposed list and its approval (R7.4 报批)', () => {
  it('R7.4 waits until every application has settled or ended, then proposes the list in R7.0 priority order', () => {
    const t = (day: number) => `2026-06-0${day}T02:00:00.000Z`;
    const registered = [
      reg('enterprise', 'leadingEnterprise', 0, t(1)),
      reg('other', 'other', 0, t(2)),
      reg('flagged', 'nationalStandardDeveloper', 2, t(3)),
      reg('early', 'nationalStandardDeveloper', 0, t(4)),
      reg('late', 'nationalStandardDeveloper', 0, t(5)),
      reg('notRecommended', 'industryOrganisation', 0, t(6)),
      reg('withdrawn', 'nationalStandardDeveloper', 0, t(7)),
    ];
    // An application may settle while the window is still open.
    const accepting = run([...registered, settled('late')]).s;
    expect(accepting.value).toBe('accepting');
    const reviewing = run([windowCloses, settled('enterprise', true, 'leadingEnterprise'), settled('other', true, 'other'), settled('flagged', true, 'nationalStandardDeveloper', 2), settled('early'), ended('withdrawn')], accepting).s;
    expect(reviewing.value).toBe('reviewing');
    expect(roundCase.summary(reviewing).applications).toEqual({ registered: 7, open: 1, recommended: 5, notRecommended: 0, ended: 1 });

    const { s, actions } = run([settled('notRecommended', false, 'industryOrganisation')], reviewing);
    expect(s.value).toEqual({ approval: 'awaitingLeader' });
    // Tier (developers of the national standard first), then fewer R6 flags, then earlier submission.
    expect(s.context.list).toEqual(['early', 'late', 'flagged', 'enterprise', 'other']);
    expect(s.context.listRevision).toBe(1);
    expect(deadlineRequest(actions)).toEqual({
      due: { name: 'listApprovalDue', rule: 'R7.4', from: at, offset: { workingDays: 10 }, time: 'endOfDay' },
      reminders: [{ name: 'listApprovalReminder1', offset: { workingDays: -2 }, time: { hour: 9 } }],
    });
    expect(notices(actions)).toEqual([expect.objectContaining({ to: [{ role: 'leader', unit: 'national' }], template: 'round.listSubmitted', rule: 'R7.4' })]);
    expect(roundCase.tasks(s)).toEqual([
      expect.objectContaining({ key: 'approveList-1', step: 'round.approveList', assignee: { role: 'leader', unit: 'national' }, actions: ['APPROVE_LIST', 'RETURN_LIST'], deadline: 'listApprovalDue' }),
    ]);
    expect(roundCase.summary(s)).toMatchObject({
      applications: { registered: 7, open: 0, recommended: 5, notRecommended: 1, ended: 1 },
      list: [{ application: 'early', institutionId: 'i-early', occupationCode: '2-02-10-09' }, { application: 'late' }, { application: 'flagged' }, { application: 'enterprise' }, { application: 'other' }],
    });
  });

  it('R7.4 with no application recommended there is no list to approve: the round closes', () => {
    const { s, actions } = run([reg('a1'), reg('a2'), windowCloses, settled('a1', false), ended('a2')]);
    expect(s.value).toBe('closedWithoutRecommendations');
    expect(notices(actions)[0]).toMatchObject({ template: 'round.closedWithoutRecommendations', to: [{ role: 'officer', unit: 'national' }, { role: 'leader', unit: 'national' }] });
  });

  it('R7.4 a returned list records the comments and waits for the officer to resubmit it (revision 2)', () => {
    const awaiting = run(toApproval).s;
    const { s, actions } = run([{ type: 'RETURN_LIST', comments: '请复核排序依据', ...leader }], awaiting);
    expect(s.value).toEqual({ approval: 'returned' });
    expect(s.context.decisions).toEqual([{ revision: 1, decision: 'returned', comments: '请复核排序依据', by: natLeader, at }]);
    expect(s.context.deadlines).toEqual({});
    expect(notices(actions)[0]).toMatchObject({ template: 'round.listReturned', to: [{ role: 'officer', unit: 'national' }] });
    expect(roundCase.tasks(s)).toEqual([expect.objectContaining({ key: 'resubmitList-1', assignee: { role: 'officer', unit: 'national' }, actions: ['SUBMIT_LIST'] })]);
    expect(roundCase.status(s)).toEqual({ code: 'approval', label: 'Proposed list returned for recheck', final: false });
    expect(s.can(approve())).toBe(false);

    const again = run([{ type: 'SUBMIT_LIST', comments: '已复核，排序无误', ...officer }], s);
    expect(again.s.value).toEqual({ approval: 'awaitingLeader' });
    expect(again.s.context.listRevision).toBe(2);
    expect(again.s.context.decisions.at(-1)).toMatchObject({ revision: 2, decision: 'resubmitted', by: natOfficer });
    expect(deadlineRequest(again.actions).due.name).toBe('listApprovalDue');
    expect(roundCase.tasks(again.s)[0]!.key).toBe('approveList-2');
  });

  it('R7.4 the leader is reminded before the due date; when it passes the level above is told', () => {
    const awaiting = run(toApproval).s;
    const reminded = run([reached('listApprovalReminder1')], awaiting);
    expect(reminded.s.context.reminders).toEqual([{ deadline: 'listApprovalReminder1', at }]);
    expect(notices(reminded.actions)[0]).toMatchObject({ template: 'round.listApprovalReminder', to: [{ role: 'leader', unit: 'national' }] });
    expect(roundCase.tasks(reminded.s)[0]!.remindersSent).toEqual([{ deadline: 'listApprovalReminder1', at }]);
    const overdue = run([reached('listApprovalDue')], reminded.s);
    expect(overdue.s.value).toEqual({ approval: 'awaitingLeader' });
    expect(notices(overdue.actions)[0]).toMatchObject({ template: 'round.listApprovalOverdue', to: [{ role: 'leader', unit: 'national' }] });
    // A province's overdue approval goes up to the national group.
    const province = run([...toApproval, reached('listApprovalDue')], start('province:44'));
    expect(notices(province.actions)[0]!.to).toEqual([{ role: 'officer', unit: 'national' }, { role: 'leader', unit: 'province:44' }]);
  });

  it('R7.4 approval puts the list to public notice: each listed application is told round.listApproved; noticeEnds is 5 working days', () => {
    const { s, actions } = run(toNotice);
    expect(s.value).toBe('publicNotice');
    expect(s.context.decisions).toEqual([{ revision: 1, decision: 'approved', comments: '同意', by: natLeader, at }]);
    expect(signals(actions)).toEqual([
      { caseId: 'a1', event: { type: 'round.listApproved' } },
      { caseId: 'a2', event: { type: 'round.listApproved' } },
    ]);
    expect(deadlineRequest(actions)).toEqual({
      due: { name: 'noticeEnds', rule: 'R7.4', from: at, offset: { workingDays: 5 }, time: 'endOfDay' },
      reminders: [],
    });
    expect(roundCase.tasks(s)).toEqual([]);
    expect(roundCase.summary(s).publicNotice).toMatchObject({ startedAt: at, endDate: null });
  });
});

describe('selection round: public notice and objections (R7.4 公示, 异议)', () => {
  const monday = '2026-09-28T02:00:00.000Z'; // Mon 28 Sep 2026, 10:00 in Shanghai
  const onNotice = () => {
    const { s, actions } = run([...toApproval, approve(monday)]);
    const ends = computeDeadline(createCalendar(), deadlineRequest(actions).due);
    return { s: run([deadlinesSet(ends)], s).s, ends };
  };

  it('R7.4 a notice put up on Mon 2026-09-28 ends at 24:00 of Sat 2026-10-10, the make-up working day after National Day', () => {
    const { s, ends } = onNotice();
    // 09-29, 09-30, (10-01 … 10-07 National Day), 10-08, 10-09, 10-10 (make-up Saturday).
    expect(ends).toMatchObject({ name: 'noticeEnds', rule: 'R7.4', date: '2026-10-10', at: '2026-10-10T15:59:59.999Z', provisional: false });
    expect(roundCase.summary(s).publicNotice).toEqual({ startedAt: monday, endDate: '2026-10-10', endsAt: '2026-10-10T15:59:59.999Z', provisional: false, endedAt: null });
    // Objections may be filed until 24:00 of the last day, not after.
    expect(s.can(object('a1', '2026-10-10T15:59:59.999Z'))).toBe(true);
    expect(s.can(object('a1', '2026-10-10T16:00:00.000Z'))).toBe(false);
    const done = run([reached('noticeEnds', ends.at)], s).s;
    expect(done.value).toBe('published');
    expect(roundCase.summary(done).publicNotice).toMatchObject({ endDate: '2026-10-10', provisional: false, endedAt: ends.at });
  });

  it('R7.4 an objection filed during the notice opens a task for the organiser; one against an application not on the list is refused', () => {
    const { s } = onNotice();
    const { s: filed, actions } = run([object('a1', '2026-10-09T03:00:00.000Z')], s);
    expect(filed.context.objections).toEqual([{ id: 'objection-1', application: 'a1', text: '该机构存在失信记录', contact: '13800000000', filedAt: '2026-10-09T03:00:00.000Z', status: 'open' }]);
    expect(roundCase.tasks(filed)).toEqual([
      expect.objectContaining({ key: 'objection-1', step: 'round.decideObjection', assignee: { role: 'officer', unit: 'national' }, actions: ['UPHOLD_OBJECTION', 'DISMISS_OBJECTION'] }),
    ]);
    const message = notices(actions)[0]!;
    expect(message).toMatchObject({ template: 'round.objectionFiled', to: [{ role: 'officer', unit: 'national' }] });
    expect(JSON.stringify(message)).not.toContain('13800000000');
    expect(JSON.stringify(message)).not.toContain('失信');

    // a3 was not recommended: not on the list.
    expect(filed.can(object('a3'))).toBe(false);
    const check = roundCase.commands.FILE_OBJECTION!.check!;
    expect(check({ application: 'a3', text: 'x' } as never, filed, at)).toEqual([expect.objectContaining({ field: '/application', rule: 'R7.4' })]);
    expect(check({ application: 'a1', text: 'x' } as never, filed, at)).toEqual([]);
    // The public has no account: a public command, with no grant and no task; the API's public endpoint sends it.
    expect(Object.entries(roundCase.commands).filter(([, c]) => c.public).map(([t]) => t)).toEqual(['FILE_OBJECTION']);
    expect(roundCase.commands.FILE_OBJECTION!.allowed).toBeUndefined();
  });

  it('R7.5 an upheld objection takes its application off the list and tells it; a dismissed one leaves the list as it is', () => {
    const { s } = onNotice();
    const two = run([object('a1'), object('a2')], s).s;
    const upheld = run([uphold('objection-1')], two);
    expect(signals(upheld.actions)).toEqual([{ caseId: 'a1', event: { type: 'round.objectionUpheld', objectionId: 'objection-1', reason: '经核实属实' } }]);
    expect(upheld.s.context.list).toEqual(['a2']);
    expect(upheld.s.context.applications.a1).toMatchObject({ status: 'ended', endedBy: 'objectionUpheld' });
    expect(upheld.s.context.objections[0]).toMatchObject({ status: 'upheld', decision: { reason: '经核实属实', by: natOfficer, at } });
    expect(upheld.s.can(object('a1'))).toBe(false);

    const dismissed = run([dismiss('objection-2')], upheld.s);
    expect(signals(dismissed.actions)).toEqual([]);
    expect(dismissed.s.context.list).toEqual(['a2']);
    expect(dismissed.s.context.objections[1]).toMatchObject({ status: 'dismissed', decision: { reason: '经核实不属实' } });
    // Decided once: the id is no longer an open objection.
    expect(dismissed.s.can(dismiss('objection-2'))).toBe(false);
    expect(roundCase.commands.UPHOLD_OBJECTION!.check!({ objectionId: 'objection-2', reason: 'r' } as never, dismissed.s, at)).toEqual([
      expect.objectContaining({ field: '/objectionId', rule: 'R7.4' }),
    ]);
    expect(roundCase.commands.DISMISS_OBJECTION!.check!({ objectionId: 'objection-9', reason: 'r' } as never, dismissed.s, at)).toEqual([
      expect.objectContaining({ field: '/objectionId' }),
    ]);
    expect(roundCase.summary(dismissed.s).objections).toEqual({ filed: 2, open: 0, upheld: 1, dismissed: 1 });
  });

  it('R7.5 a second objection upheld against an application already off the list is recorded without telling it again', () => {
    const { s } = onNotice();
    const { s: after, actions } = run([object('a1'), object('a1', at, null), uphold('objection-1'), uphold('objection-2')], s);
    expect(signals(actions)).toEqual([]);
    expect(after.context.objections.map((o) => o.status)).toEqual(['upheld', 'upheld']);
    expect(after.context.objections[1]).not.toHaveProperty('contact');
  });

  it('R7.4 the summary shows objection counts and never an objection\'s text or contact details', () => {
    const { s } = onNotice();
    const filed = run([object('a1')], s).s;
    const summary = JSON.stringify(roundCase.summary(filed));
    expect(summary).not.toContain('13800000000');
    expect(summary).not.toContain('失信');
    expect(roundCase.summary(filed).objections).toEqual({ filed: 1, open: 1, upheld: 0, dismissed: 0 });
  });

  it('R7.4 Decision: a notice that ends with an objection open waits for it; the last decision publishes (R7.5)', () => {
    const { s, ends } = onNotice();
    const open = run([object('a1'), object('a2'), reached('noticeEnds', ends.at)], s);
    expect(open.s.value).toBe('resolvingObjections');
    expect(notices(open.actions)[0]).toMatchObject({ template: 'round.objectionsOpen', to: [{ role: 'officer', unit: 'national' }] });
    expect(roundCase.tasks(open.s).map((t) => t.key)).toEqual(['objection-1', 'objection-2']);
    expect(open.s.can(object('a1', ends.at))).toBe(false);
    expect(roundCase.status(open.s).code).toBe('resolvingObjections');

    const one = run([dismiss('objection-1', '2026-10-12T02:00:00.000Z')], open.s);
    expect(one.s.value).toBe('resolvingObjections');
    const last = run([uphold('objection-2', '2026-10-13T02:00:00.000Z')], one.s);
    expect(last.s.value).toBe('published');
    expect(last.s.context.publishedAt).toBe('2026-10-13T02:00:00.000Z');
    expect(signals(last.actions)).toEqual([
      { caseId: 'a2', event: { type: 'round.objectionUpheld', objectionId: 'objection-2', reason: '经核实属实' } },
      { caseId: 'a1', event: { type: 'round.published', publishedAt: '2026-10-13T02:00:00.000Z' } },
    ]);
  });

  it('an application withdrawn during the notice leaves the list and is not published', () => {
    const { s, ends } = onNotice();
    const { s: after, actions } = run([ended('a2'), reached('noticeEnds', ends.at)], s);
    expect(after.value).toBe('published');
    expect(signals(actions)).toEqual([{ caseId: 'a1', event: { type: 'round.published', publishedAt: ends.at } }]);
  });
});

describe('selection round: publication (R7.5, R5, R8.3)', () => {
  it('R7.5 / R5 with no objection the list is published when the notice ends: each listed application is told, dated', () => {
    const noticeEnd = '2026-06-17T15:59:59.999Z';
    const { s, actions } = run([...toNotice, reached('noticeEnds', noticeEnd)]);
    expect(s.value).toBe('published');
    expect(s.status).toBe('done');
    expect(s.context.publishedAt).toBe(noticeEnd);
    expect(signals(actions)).toEqual([
      { caseId: 'a1', event: { type: 'round.published', publishedAt: noticeEnd } },
      { caseId: 'a2', event: { type: 'round.published', publishedAt: noticeEnd } },
    ]);
    // The national group's own round reports to nobody.
    expect(notices(actions)).toEqual([]);
    // A finished round takes nothing more: not a late signal from an application, not a cancellation.
    expect(s.context.outcome).toEqual({ code: 'published', at: noticeEnd });
    expect(s.can(ended('a1'))).toBe(false);
    expect(s.can(cancel)).toBe(false);
    expect(roundCase.status(s)).toEqual({ code: 'published', label: 'Published', final: true });
    expect(roundCase.summary(s)).toMatchObject({ publishedAt: noticeEnd, list: [{ application: 'a1' }, { application: 'a2' }] });
  });

  it('R8.1 / R8.3 a province runs the same round for training institutions and reports its published list to the national group', () => {
    const p = start('province:44');
    const events = toNotice.map((e) => (e.type === 'APPROVE_LIST' ? { ...e, actor: gdLeader } : e));
    const onNotice = run(events, p).s;
    expect(roundCase.owner(onNotice)).toBe('province:44');
    const { s, actions } = run([reached('noticeEnds')], onNotice);
    expect(s.value).toBe('published');
    const report = notices(actions);
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ to: [{ role: 'officer', unit: 'national' }], template: 'round.listReported', rule: 'R8.3' });
    // R8.2: in a training round a leading enterprise ranks above a developer of the national standard (no training priority).
    expect(s.context.list).toEqual(['a2', 'a1']);
    expect(report[0]!.body).toContain('1. a2 (institution i-a2, occupation 2-02-10-09)');
    expect(report[0]!.body).toContain('2. a1 (institution i-a1, occupation 2-02-10-09)');
  });

  it('R8.1 a province\'s list is approved by its own leader and its objections are decided by its own officers', () => {
    const s = run(toApproval, start('province:44')).s;
    expect(roundCase.tasks(s)[0]!.assignee).toEqual({ role: 'leader', unit: 'province:44' });
    expect(roundCase.commands.CANCEL_ROUND!.allowed!(s)).toEqual([{ role: 'officer', unit: 'province:44' }]);
    const filed = run([approve(), object('a1')], s).s;
    expect(roundCase.tasks(filed)[0]!.assignee).toEqual({ role: 'officer', unit: 'province:44' });
  });
});

describe('selection round: cancellation', () => {
  // Each non-final state, with a1 live and a3 (not recommended) or a4 (ended) settled out of it.
  const states: [string, RoundEvent[], string[]][] = [
    ['accepting', [reg('a1'), reg('a2')], ['a1', 'a2']],
    ['reviewing', [reg('a1'), reg('a2'), reg('a3'), windowCloses, settled('a1'), settled('a3', false)], ['a1', 'a2']],
    ['approval.awaitingLeader', toApproval, ['a1', 'a2']],
    ['approval.returned', [...toApproval, { type: 'RETURN_LIST', comments: 'c', ...leader }], ['a1', 'a2']],
    ['publicNotice', [...toNotice, object('a2'), uphold('objection-1')], ['a1']],
    ['resolvingObjections', [...toNotice, object('a1'), reached('noticeEnds')], ['a1', 'a2']],
  ];

  it.each(states)('cancelling from %s records the reason and tells every live application round.cancelled', (name, events, told) => {
    const before = run(events).s;
    expect(roundCase.status(before).final).toBe(false);
    expect(JSON.stringify(before.value)).toContain(name.split('.').at(-1));
    expect(roundCase.commands.CANCEL_ROUND!.allowed!(before)).toEqual([{ role: 'officer', unit: 'national' }]);
    const { s, actions } = run([cancel], before);
    expect(s.value).toBe('cancelled');
    expect(s.context.cancellation).toEqual({ reason: '政策调整，本批次取消', by: natOfficer, at });
    expect(s.context.deadlines).toEqual({});
    const sorted = signals(actions).sort((a, b) => a.caseId.localeCompare(b.caseId));
    expect(sorted).toEqual(told.map((caseId) => ({ caseId, event: { type: 'round.cancelled', reason: '政策调整，本批次取消' } })));
    expect(roundCase.status(s)).toEqual({ code: 'cancelled', label: 'Cancelled', final: true });
    expect(roundCase.commands.CANCEL_ROUND!.allowed!(s)).toEqual([]);
    expect(roundCase.tasks(s)).toEqual([]);
    expect(s.can(cancel)).toBe(false);
  });
});

describe('selection round: every transition (model-based)', () => {
  const samples: RoundEvent[] = [
    reg('a1'),
    reg('a2', 'leadingEnterprise'),
    settled('a1'),
    settled('a2', true, 'leadingEnterprise'),
    settled('a2', false, 'leadingEnterprise'),
    ended('a1'),
    ended('a2'),
    windowCloses,
    reached('listApprovalReminder1'),
    reached('listApprovalDue'),
    reached('noticeEnds'),
    { type: 'SUBMIT_LIST', comments: 'c', ...officer },
    approve(),
    { type: 'RETURN_LIST', comments: 'c', ...leader },
    object('a1'),
    uphold('objection-1'),
    uphold('objection-2'),
    dismiss('objection-1'),
    dismiss('objection-2'),
    cancel,
    deadlinesSet(),
  ];
  // Objections grow without bound: the samples decide only the first two (both against a1), so those tell the states apart.
  const serialize = (s: Snap) =>
    JSON.stringify([
      s.value,
      Object.entries(s.context.applications).map(([id, a]) => `${id}:${a.status}`),
      s.context.list,
      s.context.objections.slice(0, 2).map((o) => o.status),
      s.context.listRevision > 1,
    ]);

  it('reaches every transition of the machine', () => {
    const adjacency = getAdjacencyMap(roundMachine, { input: input(), events: samples, serializeState: serialize as never, limit: 200_000 });
    const declared = declaredTransitions(roundMachine);
    expect(declared).toHaveLength(25); // 4 at the root, 2 accepting, 3 reviewing, 5 approval, 6 publicNotice, 4 resolvingObjections, 1 publishing
    expect(takenTransitions(roundMachine, Object.values(adjacency).map((a) => a.state as Snap), samples)).toEqual(declared);
    // Every state is reached too.
    const reached = new Set(Object.values(adjacency).map(({ state }) => roundCase.status(state as Snap).code));
    expect([...reached].sort()).toEqual(
      ['accepting', 'reviewing', 'approval', 'publicNotice', 'resolvingObjections', 'published', 'closedWithoutApplications', 'closedWithoutRecommendations', 'cancelled'].sort(),
    );
  });
});

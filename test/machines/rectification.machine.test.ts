/**
 * The rectification order (R20.1–R20.2, R16, R21) without Temporal: every transition reached from the
 * states the model explores, and the procedure — the deadline and its 7-day and 1-day reminders,
 * evidence versions reviewed, rejection before and after the deadline, refusal, escalation to the
 * ordering department and the next level up, the grace period, the removal decision, cancellation,
 * a listing that ended, and the R21 referral.
 */
import { describe, expect, it } from 'vitest';
import type { initialTransition } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import type { NotificationRequest, SignalCaseRequest } from '../../machines/kit.js';
import { rectificationCase } from '../../machines/rectification.case.js';
import { rectificationMachine, type RectificationEvent, type RectificationInput } from '../../machines/rectification.machine.js';
import { SYSTEM_PRINCIPAL, type Principal } from '../../rules/actors.js';
import type { Deadline } from '../../rules/calendar/index.js';
import { nextLevelUp, orderingAuthority, uncitable } from '../../rules/rectification/index.js';
import { gdOfficer, institution, natOfficer } from '../fixtures/principals.js';
import { hostRunner, type Action } from '../support/hostRun.js';
import { declaredTransitions, takenTransitions } from '../support/machineCoverage.js';

const miitOfficer: Principal = { id: 'miit-officer', name: 'industry department', role: 'officer', unit: 'industry:miit' };
const ORDERED_AT = '2027-03-01T02:00:00.000Z'; // Monday 1 March 2027, 10:00 Shanghai
const input = (over: Partial<RectificationInput> = {}): RectificationInput => ({
  caseId: 'rectification:training:i001:2-02-10-09:1',
  listingCaseId: 'listing:training:i001:2-02-10-09',
  listingId: 'training:i001:2-02-10-09',
  kind: 'training',
  institution: { id: 'i001', name: '示例培训学院', province: '44' },
  occupation: { code: '2-02-10-09', name: '人工智能工程技术人员' },
  organiser: 'province:44',
  recommender: 'industry:miit',
  orderedBy: 'industry:miit',
  breaches: [{ rule: 'R17(e)', finding: '招生简章承诺“包过”' }],
  mode: 'deadline',
  due: { date: '2027-03-31' },
  createdBy: miitOfficer,
  createdAt: ORDERED_AT,
  ...over,
});

type Snap = ReturnType<typeof initialTransition<typeof rectificationMachine>>[0];
/** Runs events as the host would: every requested deadline computed and set. */
const runner = hostRunner<Snap, RectificationEvent>(rectificationMachine, ORDERED_AT);
function run(events: RectificationEvent[], over: Partial<RectificationInput> = {}, from?: Snap) {
  return runner(events, from ? { from } : { input: input(over) });
}
const notices = (actions: Action[]) => actions.filter((a) => a.type === 'notify').map((a) => a.params as NotificationRequest);
const signals = (actions: Action[]) => actions.filter((a) => a.type === 'signalCase').map((a) => a.params as SignalCaseRequest);
const reached = (name: string, at: string): RectificationEvent => ({ type: 'deadline.reached', name, at, actor: SYSTEM_PRINCIPAL });
const evidence = (at = '2027-03-20T02:00:00.000Z'): RectificationEvent => ({ type: 'SUBMIT_EVIDENCE', text: '已撤下违规广告并整改招生简章', attachments: ['整改报告.pdf'], at, actor: institution });
const accept = (at = '2027-03-22T02:00:00.000Z'): RectificationEvent => ({ type: 'ACCEPT_EVIDENCE', comments: '整改到位', at, actor: miitOfficer });
const reject = (at = '2027-03-22T02:00:00.000Z'): RectificationEvent => ({ type: 'REJECT_EVIDENCE', reason: '证据不足', at, actor: miitOfficer });
const refuse: RectificationEvent = { type: 'REFUSE_RECTIFICATION', reason: '不认可认定', at: '2027-03-05T02:00:00.000Z', actor: institution };
const due = reached('rectificationDue', '2027-03-31T15:59:59.999Z');
const followUp = (level: number, actor: Principal = miitOfficer): RectificationEvent => ({ type: 'RECORD_FOLLOW_UP', level, note: '已约谈机构负责人', at: '2027-04-02T02:00:00.000Z', actor });
const remove: RectificationEvent = { type: 'DECIDE_REMOVAL', reason: '逾期未整改（R20.2）', at: '2027-04-20T02:00:00.000Z', actor: gdOfficer };
const keep: RectificationEvent = { type: 'KEEP_LISTING', reason: '已补正', at: '2027-04-20T02:00:00.000Z', actor: gdOfficer };
const refer: RectificationEvent = { type: 'REFER_FRAUD', authority: '广州市市场监督管理局', note: '以“包过”诱导报名，涉嫌骗取补贴', at: '2027-03-10T02:00:00.000Z', actor: miitOfficer };
const cancel: RectificationEvent = { type: 'CANCEL_ORDER', reason: '认定有误', at: '2027-03-03T02:00:00.000Z', actor: miitOfficer };
const ended: RectificationEvent = { type: 'listing.ended', reason: 'the listing ended (withdrawn)', at: '2027-03-03T02:00:00.000Z', actor: SYSTEM_PRINCIPAL };

describe('rectification: the order and its deadline (R20.1, R16, R20 Decisions)', () => {
  it('R20.1 by a date: due at 24:00 on it, reminders 7 days and 1 day before at 09:00; the listing hears of the order; the institution has the task', () => {
    const { s, all } = run([]);
    expect(s.context.deadlines.rectificationDue?.at).toBe('2027-03-31T15:59:59.999Z');
    expect(s.context.deadlines.rectificationReminder1?.at).toBe('2027-03-24T01:00:00.000Z');
    expect(s.context.deadlines.rectificationReminder2?.at).toBe('2027-03-30T01:00:00.000Z');
    expect(signals(all)).toEqual([{ caseId: 'listing:training:i001:2-02-10-09', event: { type: 'rectification.opened', rules: ['R17(e)'], orderedBy: 'industry:miit' } }]);
    expect(notices(all)[0]).toMatchObject({ template: 'rectification.ordered', rule: 'R20.1', to: expect.arrayContaining([{ role: 'institution', unit: 'institution:i001' }]) });
    expect(rectificationCase.tasks(s)).toEqual([
      expect.objectContaining({ step: 'rectification.submitEvidence', assignee: { role: 'institution', unit: 'institution:i001' }, actions: ['SUBMIT_EVIDENCE', 'REFUSE_RECTIFICATION'], deadline: 'rectificationDue' }),
    ]);
    const reminded = run([reached('rectificationReminder1', '2027-03-24T01:00:00.000Z')], {}, s);
    expect(notices(reminded.last)).toEqual([expect.objectContaining({ template: 'rectification.reminder', to: [{ role: 'institution', unit: 'institution:i001' }], body: expect.stringContaining('2027-03-31') })]);
  });

  it('R20.1 within N working days: counted from the order day; R16 immediately: by the end of the next working day, no reminders', () => {
    const wd = run([], { due: { workingDays: 10 } }).s;
    expect(wd.context.deadlines.rectificationDue?.date).toBe('2027-03-15');
    const now = run([], { mode: 'immediate', due: undefined }).s;
    expect(now.context.deadlines.rectificationDue?.date).toBe('2027-03-02');
    expect(now.context.deadlines.rectificationDue?.rule).toBe('R16');
    expect(Object.keys(now.context.deadlines)).toEqual(['rectificationDue']);
  });

  it('R20.1 evidence accepted: rectified; the listing hears the outcome', () => {
    const review = run([evidence()]);
    expect(review.s.value).toEqual({ ordered: 'underReview' });
    expect(rectificationCase.tasks(review.s)).toEqual([expect.objectContaining({ step: 'rectification.reviewEvidence', assignee: { role: 'officer', unit: 'industry:miit' }, deadline: 'reviewDue' })]);
    expect(review.s.context.deadlines.reviewDue?.date).toBe('2027-03-26');
    const { s, last } = run([accept()], {}, review.s);
    expect(s.value).toBe('rectified');
    expect(s.context.outcome).toMatchObject({ code: 'rectified' });
    expect(signals(last)).toEqual([{ caseId: 'listing:training:i001:2-02-10-09', event: { type: 'rectification.closed', outcome: 'rectified' } }]);
    expect(rectificationCase.status(s)).toMatchObject({ code: 'rectified', final: true });
  });

  it('R20.1 evidence rejected before the deadline, filed again (a new version), accepted', () => {
    const { s } = run([evidence(), reject(), evidence('2027-03-25T02:00:00.000Z'), accept('2027-03-26T02:00:00.000Z')]);
    expect(s.value).toBe('rectified');
    expect(s.context.evidence.map((v) => [v.version, v.review?.accepted, v.late])).toEqual([
      [1, false, false],
      [2, true, false],
    ]);
  });

  it('R20.2 no accepted evidence at the deadline → escalated to the ordering department and the next level up; grace period; removal decision → removed', () => {
    const esc = run([due]);
    expect(esc.s.value).toEqual({ escalated: 'waiting' });
    expect(esc.s.context.escalation).toMatchObject({ cause: 'deadline', to: [{ role: 'officer', unit: 'industry:miit' }, { role: 'officer', unit: 'province:44' }] });
    // 10 working days after Wednesday 31 March 2027, across Qingming (5 April) — provisional for 2027.
    expect(esc.s.context.deadlines.graceEnds!.date > '2027-04-14').toBe(true);
    expect(notices(esc.last)[0]).toMatchObject({ template: 'rectification.escalated', rule: 'R20.2' });
    const tasks = rectificationCase.tasks(esc.s);
    expect(tasks.map((t) => [t.step, t.assignee.unit, t.escalation ?? false])).toEqual([
      ['rectification.submitEvidence', 'institution:i001', false],
      ['rectification.overdue', 'industry:miit', true],
      ['rectification.overdue', 'province:44', true],
    ]);
    const followed = run([followUp(1)], {}, esc.s).s;
    expect(rectificationCase.tasks(followed).filter((t) => t.step === 'rectification.overdue').map((t) => t.key)).toEqual(['overdue-L2']);
    expect(followed.can(followUp(1))).toBe(false);
    const decision = run([reached('graceEnds', esc.s.context.deadlines.graceEnds!.at)], {}, followed);
    expect(decision.s.value).toBe('removalDecision');
    expect(rectificationCase.tasks(decision.s)).toEqual([expect.objectContaining({ step: 'rectification.removalDecision', assignee: { role: 'officer', unit: 'province:44' } })]);
    const { s, last } = run([remove], {}, decision.s);
    expect(s.value).toBe('removed');
    expect(signals(last)).toEqual([{ caseId: 'listing:training:i001:2-02-10-09', event: { type: 'rectification.removed', reason: '逾期未整改（R20.2）' } }]);
    expect(notices(last)[0]).toMatchObject({ template: 'rectification.removed', rule: 'R20.2' });
  });

  it('R20.2 refusal escalates at once; late evidence in the grace period can still be accepted', () => {
    const esc = run([refuse]);
    expect(esc.s.context).toMatchObject({ refusal: { reason: '不认可认定' }, escalation: { cause: 'refused' } });
    const late = run([evidence('2027-03-10T02:00:00.000Z'), reject('2027-03-11T02:00:00.000Z'), evidence('2027-03-12T02:00:00.000Z'), accept('2027-03-15T02:00:00.000Z')], {}, esc.s);
    expect(late.s.value).toBe('rectified');
    expect(late.s.context.evidence.map((v) => v.late)).toEqual([true, true]);
  });

  it('R20.2 evidence rejected after the deadline passed escalates; the removal decision may keep the listing', () => {
    const { s } = run([evidence(), due, reject('2027-04-01T02:00:00.000Z')]);
    expect(s.value).toEqual({ escalated: 'waiting' });
    expect(s.context.escalation?.cause).toBe('rejectedLate');
    const kept = run([reached('graceEnds', s.context.deadlines.graceEnds!.at), keep], {}, s).s;
    expect(kept.value).toBe('closed');
    expect(kept.context.outcome?.code).toBe('keptListing');
  });

  it('a cancelled order and one whose listing ended close without removal; R21 a referral annotates the listing', () => {
    const c = run([cancel]);
    expect(c.s.context.outcome?.code).toBe('cancelled');
    expect(signals(c.last)).toEqual([expect.objectContaining({ event: { type: 'rectification.closed', outcome: 'cancelled' } })]);
    const e = run([ended]);
    expect(e.s.value).toBe('closed');
    expect(e.s.context.outcome?.code).toBe('moot');
    expect(signals(e.last)).toEqual([]);
    const r = run([refer]);
    expect(r.s.context.referral).toMatchObject({ authority: '广州市市场监督管理局' });
    expect(signals(r.last)).toEqual([expect.objectContaining({ event: expect.objectContaining({ type: 'fraud.referred' }) })]);
    expect(rectificationCase.commands.REFER_FRAUD!.allowed!(r.s)).toEqual([]);
    expect(rectificationCase.commands.REFER_FRAUD!.allowed!(run([]).s)).toEqual([{ role: 'officer', unit: 'industry:miit' }, { role: 'officer', unit: 'national' }]);
  });
});

describe('rectification: who may order, what may be cited, who is next (R20.1, R16, R20 Decision)', () => {
  const listing = { kind: 'training' as const, institution: { id: 'i001', province: '44' }, recommender: 'industry:miit' as const, organiser: 'province:44' as const };
  it('R20.1 the listing\'s industry department, HR of the institution\'s province or its localities, and the national group may order; others may not', () => {
    expect(orderingAuthority(miitOfficer, listing)).toBeNull();
    expect(orderingAuthority(gdOfficer, listing)).toBeNull();
    expect(orderingAuthority(natOfficer, listing)).toBeNull();
    expect(orderingAuthority({ ...gdOfficer, unit: 'locality:440100' }, listing)).toBeNull();
    expect(orderingAuthority({ ...gdOfficer, unit: 'province:32' }, listing)).toMatch(/province 44/);
    expect(orderingAuthority({ ...miitOfficer, unit: 'industry:moe' }, listing)).toMatch(/not the industry department/);
    expect(orderingAuthority(institution, listing)).toMatch(/only officers/);
  });
  it('R20.1 citable rules follow the kind; R20 Decision next level up', () => {
    expect(uncitable('training', ['R17(e)', 'R19', 'R10'])).toEqual([]);
    expect(uncitable('training', ['R18(g)', 'R11'])).toEqual(['R18(g)', 'R11']);
    expect(uncitable('evaluation', ['R18(g)', 'R11', 'R12'])).toEqual([]);
    expect(nextLevelUp('industry:miit', '44')).toEqual({ role: 'officer', unit: 'province:44' });
    expect(nextLevelUp('locality:440100', '44')).toEqual({ role: 'officer', unit: 'province:44' });
    expect(nextLevelUp('province:44', '44')).toEqual({ role: 'officer', unit: 'national' });
    expect(nextLevelUp('national', '44')).toEqual({ role: 'leader', unit: 'national' });
  });
});

describe('rectification: every transition', () => {
  it('every declared transition is taken from the states the model reaches', () => {
    const samples: RectificationEvent[] = [
      { type: 'deadlines.set', deadlines: [] as Deadline[], at: ORDERED_AT, actor: SYSTEM_PRINCIPAL },
      evidence(),
      accept(),
      reject(),
      reject('2027-04-05T02:00:00.000Z'),
      refuse,
      reached('rectificationReminder1', '2027-03-24T01:00:00.000Z'),
      due,
      followUp(1),
      reached('graceEnds', '2027-04-15T15:59:59.999Z'),
      remove,
      keep,
      refer,
      cancel,
      ended,
    ];
    const seeded = run([]).s; // with its deadlines, as the host keeps them
    const serialize = (s: Snap) => JSON.stringify({ v: s.value, e: Math.min(s.context.evidence.length, 2), f: s.context.followUps.map((f) => f.level), o: s.context.outcome?.code, r: !!s.context.referral });
    const adjacency = getAdjacencyMap(rectificationMachine, { fromState: seeded, events: samples, serializeState: serialize as never, limit: 100_000 } as never);
    const declared = declaredTransitions(rectificationMachine);
    expect(declared).toHaveLength(18); // 4 at the root, 4 awaitingEvidence, 3 underReview, 2 escalated, 1 waiting, 2 lateReview, 2 removalDecision
    expect(takenTransitions(rectificationMachine, Object.values(adjacency).map((a) => a.state as Snap), samples)).toEqual(declared);
    const codes = new Set(Object.values(adjacency).map(({ state }) => rectificationCase.status(state as Snap).code));
    expect([...codes].sort()).toEqual(['closed', 'escalated', 'ordered', 'rectified', 'removalDecision', 'removed', 'underReview']);
  });
});

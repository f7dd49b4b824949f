/**
 * The incident (R11 (6), R20 Decision) without Temporal: every transition reached from the states the
 * model explores, and the procedure — the three departments notified at once and acknowledging once
 * each, the acknowledgement and follow-up deadlines and their reminders, follow-up versions reviewed,
 * more requested with a new due date, the overdue follow-up escalated to level 1 and level 2, a late
 * report accepted, the referral for rectification, closing with a reason — and the policy: who may
 * report, who hears of it, the escalation ladder.
 */
import { describe, expect, it } from 'vitest';
import type { initialTransition } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import type { NotificationRequest } from '../../machines/kit.js';
import { checkReferral, incidentCase } from '../../machines/incident.case.js';
import { incidentMachine, type IncidentEvent, type IncidentInput } from '../../machines/incident.machine.js';
import { SYSTEM_PRINCIPAL, type Principal } from '../../rules/actors.js';
import type { Deadline } from '../../rules/calendar/index.js';
import { escalationLadder, INCIDENT_CATEGORIES, industryDepartmentOf, reportedTo, reportingAuthority } from '../../rules/incident/index.js';
import { gdOfficer, institution, natLeader, natOfficer } from '../fixtures/principals.js';
import { hostRunner, type Action } from '../support/hostRun.js';
import { declaredTransitions, takenTransitions } from '../support/machineCoverage.js';

const miitOfficer: Principal = { id: 'miit-officer', name: 'industry department', role: 'officer', unit: 'industry:miit' };
const evalInstitution: Principal = { id: 'inst-002', name: '钱七', role: 'institution', unit: 'institution:i002' };
const REPORTED_AT = '2027-03-05T02:00:00.000Z'; // Friday 5 March 2027, 10:00 Shanghai
const input = (over: Partial<IncidentInput> = {}): IncidentInput => ({
  caseId: 'incident:evaluation:i002:2-02-10-09:2027-03-05-1',
  listingCaseId: 'listing:evaluation:i002:2-02-10-09',
  listingId: 'evaluation:i002:2-02-10-09',
  kind: 'evaluation',
  institution: { id: 'i002', name: '示例评价中心', province: '44' },
  occupation: { code: '2-02-10-09', name: '人工智能工程技术人员' },
  organiser: 'national',
  recommender: 'industry:miit',
  category: 'itemLeak',
  occurredAt: '2027-03-04T06:30:00.000Z',
  description: '考生张某在考前获得部分试题截图',
  measuresTaken: '立即停用该套试卷，启用备用卷，封存监控录像',
  createdBy: evalInstitution,
  createdAt: REPORTED_AT,
  ...over,
});

type Snap = ReturnType<typeof initialTransition<typeof incidentMachine>>[0];
/** Runs events as the host would: every requested deadline computed and set. */
const runner = hostRunner<Snap, IncidentEvent>(incidentMachine, REPORTED_AT);
function run(events: IncidentEvent[], over: Partial<IncidentInput> = {}, from?: Snap) {
  return runner(events, from ? { from } : { input: input(over) });
}
const notices = (actions: Action[]) => actions.filter((a) => a.type === 'notify').map((a) => a.params as NotificationRequest);
const reached = (name: string, at: string): IncidentEvent => ({ type: 'deadline.reached', name, at, actor: SYSTEM_PRINCIPAL });
const ack = (actor: Principal, at = '2027-03-05T06:00:00.000Z'): IncidentEvent => ({ type: 'ACKNOWLEDGE', note: '已知悉，请按要求报送后续情况', at, actor });
const followUp = (at = '2027-03-15T02:00:00.000Z'): IncidentEvent => ({ type: 'SUBMIT_FOLLOW_UP', text: '已查明泄题环节并追责，更换题库', attachments: ['调查报告.pdf'], at, actor: evalInstitution });
const accept = (at = '2027-03-16T02:00:00.000Z'): IncidentEvent => ({ type: 'ACCEPT_FOLLOW_UP', comments: '处置到位', at, actor: gdOfficer });
const more = (at = '2027-03-16T02:00:00.000Z', workingDays?: number): IncidentEvent => ({ type: 'REQUEST_MORE', reason: '请补充责任人处理结果', ...(workingDays ? { workingDays } : {}), at, actor: gdOfficer });
const followUpDue = reached('followUpDue', '2027-03-19T15:59:59.999Z');
const secondLevel = reached('escalation2Due', '2027-03-26T15:59:59.999Z');
const escNote = (level: number, actor: Principal = natOfficer): IncidentEvent => ({ type: 'RECORD_ESCALATION', level, note: '已电话督办', at: '2027-03-22T02:00:00.000Z', actor });
const refer: IncidentEvent = { type: 'REFER_FOR_RECTIFICATION', rules: ['R11'], note: '题库安全管理不到位', at: '2027-03-08T02:00:00.000Z', actor: gdOfficer };
const close: IncidentEvent = { type: 'CLOSE_INCIDENT', reason: '经核查不属于突发事件', at: '2027-03-08T02:00:00.000Z', actor: gdOfficer };
const units = (to: { unit: string }[]) => to.map((a) => a.unit);

describe('incident: reported, acknowledged, followed up (R11)', () => {
  it('R11 reported: local HR, the industry department and the national group are notified at once; each has an acknowledgement task; the institution its follow-up task', () => {
    const { s, all } = run([]);
    const reportedNotice = notices(all)[0]!;
    expect(reportedNotice).toMatchObject({ template: 'incident.reported', rule: 'R11' });
    expect(units(reportedNotice.to)).toEqual(['province:44', 'industry:miit', 'national']);
    expect(reportedNotice.subject).toContain(INCIDENT_CATEGORIES.itemLeak);
    expect(s.context.deadlines.acknowledgementDue?.date).toBe('2027-03-08'); // 1 working day after Friday
    expect(s.context.deadlines.acknowledgementReminder1?.at).toBe('2027-03-07T01:00:00.000Z'); // Sunday 09:00
    expect(s.context.deadlines.followUpDue?.date).toBe('2027-03-19'); // 10 working days
    expect(s.context.deadlines.followUpReminder1?.at).toBe('2027-03-18T01:00:00.000Z');
    expect(incidentCase.tasks(s).map((t) => [t.step, t.assignee.unit, t.deadline])).toEqual([
      ['incident.acknowledge', 'province:44', 'acknowledgementDue'],
      ['incident.acknowledge', 'industry:miit', 'acknowledgementDue'],
      ['incident.acknowledge', 'national', 'acknowledgementDue'],
      ['incident.submitFollowUp', 'institution:i002', 'followUpDue'],
    ]);
    expect(incidentCase.status(s)).toMatchObject({ code: 'reported', final: false });
    expect(incidentCase.owner(s)).toBe('province:44');
    expect(incidentCase.parties!(s)).toEqual(['institution:i002', 'industry:miit', 'national']);
  });

  it('R11 each department acknowledges once; the acknowledgement reminder goes only to those that have not', () => {
    const one = run([ack(gdOfficer)]);
    expect(one.s.context.acknowledgements.map((a) => a.unit)).toEqual(['province:44']);
    expect(one.s.can(ack(gdOfficer))).toBe(false);
    expect(one.s.can(ack({ ...gdOfficer, unit: 'province:32' }))).toBe(false); // not a department of this incident
    const reminded = run([reached('acknowledgementReminder1', '2027-03-07T01:00:00.000Z')], {}, one.s);
    expect(notices(reminded.last)).toEqual([expect.objectContaining({ template: 'incident.acknowledgementReminder', to: [{ role: 'officer', unit: 'industry:miit' }, { role: 'officer', unit: 'national' }] })]);
    const all = run([ack(miitOfficer), ack(natOfficer)], {}, one.s).s;
    expect(incidentCase.tasks(all).map((t) => t.step)).toEqual(['incident.submitFollowUp']);
    expect(all.can(reached('acknowledgementReminder1', '2027-03-07T01:00:00.000Z'))).toBe(false);
    expect(incidentCase.summary(all).acknowledgements).toEqual([
      { unit: 'province:44', at: '2027-03-05T06:00:00.000Z' },
      { unit: 'industry:miit', at: '2027-03-05T06:00:00.000Z' },
      { unit: 'national', at: '2027-03-05T06:00:00.000Z' },
    ]);
  });

  it('R11 a reminder that would fall before the report is skipped: reported on Monday 10:00, the acknowledgement reminder of Monday 09:00 never fires', () => {
    const { s } = run([], { createdAt: '2027-03-01T02:00:00.000Z' });
    expect(s.context.deadlines.acknowledgementReminder1?.at).toBe('2027-03-01T01:00:00.000Z');
    expect(s.can(reached('acknowledgementReminder1', '2027-03-01T02:00:00.000Z'))).toBe(false);
  });

  it('R11 the follow-up reminder goes to the institution the day before; the report accepted closes the incident', () => {
    const reminded = run([reached('followUpReminder1', '2027-03-18T01:00:00.000Z')]);
    expect(notices(reminded.last)).toEqual([expect.objectContaining({ template: 'incident.reminder', to: [{ role: 'institution', unit: 'institution:i002' }], body: expect.stringContaining('2027-03-19') })]);
    expect(incidentCase.tasks(reminded.s).find((t) => t.step === 'incident.submitFollowUp')?.remindersSent).toEqual([{ deadline: 'followUpReminder1', at: '2027-03-18T01:00:00.000Z' }]);
    const review = run([followUp('2027-03-18T06:00:00.000Z')], {}, reminded.s);
    expect(review.s.value).toEqual({ reported: 'underReview' });
    expect(incidentCase.tasks(review.s).filter((t) => t.step === 'incident.reviewFollowUp')).toEqual([
      expect.objectContaining({ assignee: { role: 'officer', unit: 'province:44' }, actions: ['ACCEPT_FOLLOW_UP', 'REQUEST_MORE'], deadline: 'reviewDue' }),
    ]);
    // The due date waits for the review: it is not reacted to while the report is under review.
    expect(review.s.can(followUpDue)).toBe(false);
    const { s, last } = run([accept('2027-03-19T02:00:00.000Z')], {}, review.s);
    expect(s.value).toBe('closed');
    expect(s.context.outcome).toMatchObject({ code: 'followUpAccepted', reason: '处置到位' });
    expect(incidentCase.status(s)).toEqual({ code: 'closed', label: 'Closed: follow-up report accepted', final: true });
    expect(incidentCase.tasks(s)).toEqual([]);
    expect(units(notices(last)[0]!.to)).toEqual(['institution:i002', 'province:44', 'industry:miit', 'national']);
  });

  it('R11 more requested: a new round with a new due date of N working days; versions kept; the second report accepted', () => {
    const moreAsked = run([followUp(), more('2027-03-16T02:00:00.000Z', 5)]);
    expect(moreAsked.s.value).toEqual({ reported: 'awaitingFollowUp' });
    expect(incidentCase.status(moreAsked.s).code).toBe('moreRequested');
    expect(moreAsked.s.context.round).toMatchObject({ n: 2, workingDays: 5 });
    expect(moreAsked.s.context.deadlines.followUpDue?.date).toBe('2027-03-23'); // 5 working days after Tuesday 16 March
    expect(notices(moreAsked.last)).toEqual([expect.objectContaining({ template: 'incident.moreRequested', to: [{ role: 'institution', unit: 'institution:i002' }] })]);
    expect(incidentCase.tasks(moreAsked.s).find((t) => t.step === 'incident.submitFollowUp')).toMatchObject({ key: 'followUp-2', deadline: 'followUpDue' });
    const defaultDays = run([followUp(), more()]).s;
    expect(defaultDays.context.round.workingDays).toBe(10);
    const { s } = run([followUp('2027-03-22T02:00:00.000Z'), accept('2027-03-23T02:00:00.000Z')], {}, moreAsked.s);
    expect(s.value).toBe('closed');
    expect(s.context.followUps.map((v) => [v.version, v.round, v.review?.accepted, v.late])).toEqual([
      [1, 1, false, false],
      [2, 2, true, false],
    ]);
  });
});

describe('incident: the overdue follow-up escalates (R20 Decision)', () => {
  it('R20 Decision no follow-up report by its due date → level 1 (the national group\'s officers, one up from provincial HR); 5 working days later level 2 (its leaders)', () => {
    const l1 = run([followUpDue]);
    expect(l1.s.value).toEqual({ escalated: 'waiting' });
    expect(l1.s.context.escalations).toEqual([{ round: 1, level: 1, at: followUpDue.at, to: { role: 'officer', unit: 'national' } }]);
    expect(l1.s.context.deadlines.escalation2Due?.date).toBe('2027-03-26');
    expect(notices(l1.last)[0]).toMatchObject({ template: 'incident.escalated', rule: 'R20 Decision' });
    expect(units(notices(l1.last)[0]!.to)).toEqual(['national', 'province:44', 'institution:i002']);
    expect(incidentCase.status(l1.s)).toMatchObject({ code: 'escalated', label: expect.stringContaining('level 1') });
    const overdue = () => (s: Snap) => incidentCase.tasks(s).filter((t) => t.step === 'incident.overdue').map((t) => [t.key, t.assignee.role, t.assignee.unit, t.escalation]);
    expect(overdue()(l1.s)).toEqual([['overdue-r1-L1', 'officer', 'national', true]]);
    // The institution still has its (overdue) follow-up task.
    expect(incidentCase.tasks(l1.s).some((t) => t.step === 'incident.submitFollowUp' && t.deadline === 'followUpDue')).toBe(true);
    const l2 = run([secondLevel], {}, l1.s);
    expect(l2.s.context.escalations.map((e) => [e.level, e.to.role])).toEqual([
      [1, 'officer'],
      [2, 'leader'],
    ]);
    expect(overdue()(l2.s)).toEqual([
      ['overdue-r1-L1', 'officer', 'national', true],
      ['overdue-r1-L2', 'leader', 'national', true],
    ]);
    expect(l2.s.can(secondLevel)).toBe(false); // no third level
    const noted = run([escNote(1), escNote(2, natLeader)], {}, l2.s).s;
    expect(overdue()(noted)).toEqual([]);
    expect(noted.can(escNote(1))).toBe(false);
    expect(incidentCase.parties!(noted)).toEqual(['institution:i002', 'industry:miit', 'national']);
  });

  it('R20 Decision a late report stops the escalation while under review and may be accepted; more requested after it starts a fresh round', () => {
    const late = run([followUpDue, followUp('2027-03-22T02:00:00.000Z')]);
    expect(late.s.value).toEqual({ escalated: 'lateReview' });
    expect(late.s.context.followUps[0]!.late).toBe(true);
    expect(late.s.can(secondLevel)).toBe(false);
    expect(incidentCase.status(late.s).code).toBe('escalated');
    const accepted = run([accept('2027-03-23T02:00:00.000Z')], {}, late.s).s;
    expect(accepted.context.outcome?.code).toBe('followUpAccepted');
    const again = run([more('2027-03-23T02:00:00.000Z')], {}, late.s).s;
    expect(again.value).toEqual({ reported: 'awaitingFollowUp' });
    expect(again.context.deadlines.escalation2Due).toBeUndefined();
    expect(incidentCase.tasks(again).filter((t) => t.step === 'incident.overdue')).toEqual([]);
    expect(incidentCase.summary(again)).toMatchObject({ followUpRound: 2, escalationLevel: 0 });
  });
});

describe('incident: local HR\'s decisions (R20.1, R11)', () => {
  it('R20.1 local HR records once that a rectification order should be issued: the industry department and the national group are told; rules checked for an evaluation listing', () => {
    const { s, last } = run([refer]);
    expect(s.context.referral).toMatchObject({ rules: ['R11'], note: '题库安全管理不到位' });
    expect(notices(last)).toEqual([expect.objectContaining({ template: 'incident.referredForRectification', rule: 'R20.1', to: [{ role: 'officer', unit: 'industry:miit' }, { role: 'officer', unit: 'national' }] })]);
    expect(s.can(refer)).toBe(false);
    expect(incidentCase.commands.REFER_FOR_RECTIFICATION!.allowed!(s)).toEqual([]);
    expect(incidentCase.commands.REFER_FOR_RECTIFICATION!.allowed!(run([]).s)).toEqual([{ role: 'officer', unit: 'province:44' }]);
    expect(checkReferral({ rules: ['R18(c)', 'R17(e)'], note: 'x' })).toEqual([{ field: '/rules/1', message: 'R17(e) does not apply to an evaluation listing', rule: 'R20.1' }]);
    expect(incidentCase.summary(s).referral).toEqual({ rules: ['R11'], at: refer.at });
  });

  it('R11 local HR closes the incident with a reason, from any open state; the summary holds no personal data', () => {
    for (const before of [[], [followUp()], [followUpDue], [followUpDue, followUp('2027-03-22T02:00:00.000Z')]] as IncidentEvent[][]) {
      const { s } = run([...before, close]);
      expect(s.value).toBe('closed');
      expect(s.context.outcome).toMatchObject({ code: 'closed', reason: '经核查不属于突发事件' });
      expect(incidentCase.status(s)).toEqual({ code: 'closed', label: 'Closed by local HR', final: true });
    }
    const summary = JSON.stringify(incidentCase.summary(run([ack(gdOfficer), followUp()]).s));
    for (const personal of ['张某', '试题截图', '备用卷', '调查报告', '已知悉', gdOfficer.name, evalInstitution.name]) expect(summary).not.toContain(personal);
  });
});

describe('incident: who reports, who hears, who is next (R11, R20 Decision)', () => {
  const listing = { kind: 'evaluation' as const, status: 'valid', institution: { id: 'i002', province: '44' }, recommender: 'industry:miit' as const, organiser: 'national' as const };
  it('R11 only the holder institution of an active evaluation listing reports an incident', () => {
    expect(reportingAuthority(evalInstitution, listing)).toBeNull();
    expect(reportingAuthority(evalInstitution, { ...listing, status: 'lapsing' })).toBeNull();
    expect(reportingAuthority(institution, listing)).toMatchObject({ code: 'Forbidden', reason: expect.stringContaining('does not hold') });
    expect(reportingAuthority(evalInstitution, { ...listing, kind: 'training' })).toMatchObject({ code: 'Forbidden', rule: 'R11', reason: expect.stringContaining('evaluation') });
    expect(reportingAuthority(gdOfficer, listing)).toMatchObject({ code: 'Forbidden' });
    expect(reportingAuthority(evalInstitution, { ...listing, status: 'withdrawn' })).toMatchObject({ code: 'InvalidState' });
  });
  it('R11 the industry department is the recommender when it is one, else the organiser; each department hears once', () => {
    expect(industryDepartmentOf(listing)).toBe('industry:miit');
    expect(industryDepartmentOf({ recommender: 'province:44', organiser: 'national' })).toBe('national');
    expect(reportedTo({ ...listing, recommender: 'province:44' })).toEqual(['province:44', 'national']);
    const s = run([], { recommender: 'province:44' }).s;
    expect(incidentCase.tasks(s).filter((t) => t.step === 'incident.acknowledge').map((t) => t.assignee.unit)).toEqual(['province:44', 'national']);
  });
  it('R20 Decision the ladder above local HR: provincial HR → national officers → national leaders', () => {
    expect(escalationLadder('province:44')).toEqual([{ role: 'officer', unit: 'national' }, { role: 'leader', unit: 'national' }]);
  });
});

describe('incident: every transition', () => {
  it('every declared transition is taken from the states the model reaches (R11, R20 Decision)', () => {
    const samples: IncidentEvent[] = [
      { type: 'deadlines.set', deadlines: [] as Deadline[], at: REPORTED_AT, actor: SYSTEM_PRINCIPAL },
      ack(gdOfficer),
      ack(miitOfficer),
      ack(natOfficer),
      reached('acknowledgementReminder1', '2027-03-07T01:00:00.000Z'),
      reached('followUpReminder1', '2027-03-18T01:00:00.000Z'),
      followUpDue,
      secondLevel,
      followUp(),
      accept(),
      more(),
      escNote(1),
      escNote(2, natLeader),
      refer,
      close,
    ];
    const seeded = run([]).s; // with its deadlines, as the host keeps them
    const serialize = (s: Snap) =>
      JSON.stringify({
        v: s.value,
        a: s.context.acknowledgements.length,
        f: Math.min(s.context.followUps.length, 2),
        r: Math.min(s.context.round.n, 2),
        e: s.context.escalations.filter((e) => e.round === s.context.round.n).length,
        n: s.context.escalationNotes.filter((e) => e.round === s.context.round.n).map((e) => e.level),
        x: !!s.context.referral,
        m: s.context.reminders.length > 0,
        o: s.context.outcome?.code,
      });
    const adjacency = getAdjacencyMap(incidentMachine, { fromState: seeded, events: samples, serializeState: serialize as never, limit: 100_000 } as never);
    const declared = declaredTransitions(incidentMachine);
    expect(declared).toHaveLength(15); // 5 at the root, 3 awaitingFollowUp, 2 underReview, 1 escalated, 2 waiting, 2 lateReview
    expect(takenTransitions(incidentMachine, Object.values(adjacency).map((a) => a.state as Snap), samples)).toEqual(declared);
    const codes = new Set(Object.values(adjacency).map(({ state }) => incidentCase.status(state as Snap).code));
    expect([...codes].sort()).toEqual(['closed', 'escalated', 'moreRequested', 'reported', 'underReview']);
  });
});

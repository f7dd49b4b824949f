/**
 * The application machine (R7.2–R7.5, R6 flags) without Temporal: every transition reached from the
 * states the model explores, and each step's effects — deadlines, notifications, tasks, panel
 * replacement from the drawn reserve, the tally, and what it tells its round.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import { applicationCase } from '../../machines/application.case.js';
import { applicationMachine, type ApplicationEvent, type ApplicationInput, type DrawPanelRequest, type SignalCaseRequest } from '../../machines/application.machine.js';
import type { DeadlineRequest, NotificationRequest } from '../../machines/kit.js';
import { SYSTEM_PRINCIPAL, type Principal } from '../../rules/actors.js';
import { gdOfficer, natOfficer } from '../fixtures/principals.js';
import { declaredTransitions, takenTransitions } from '../support/machineCoverage.js';

const at = '2026-10-12T02:00:00.000Z';
const input = (flags: ApplicationInput['flags'] = []): ApplicationInput => ({
  caseId: 'application:round-1:i001:2-02-10-09',
  roundId: 'selection-round:national:2026-01',
  kind: 'evaluation',
  organiser: 'national',
  institution: { id: 'i001', name: '示例评价中心', province: '44' },
  occupation: { code: '2-02-10-09', name: '人工智能工程技术人员' },
  recommender: 'province:44',
  priority: 'nationalStandardDeveloper',
  facts: {},
  flags,
  panelSize: 5,
  createdBy: { id: 'inst-001', name: 'i', role: 'institution', unit: 'institution:i001' },
  createdAt: at,
});
const expert = (id: string): Principal => ({ id: `u-${id}`, name: id, role: 'expert', unit: `expert:${id}` });
const institutionActor: Principal = { id: 'inst-001', name: 'i', role: 'institution', unit: 'institution:i001' };
const m = (actor: Principal) => ({ at, actor });
const sys = { at, actor: SYSTEM_PRINCIPAL };
const draw = { drawId: 'd1', algorithm: 'hmac-sha256-rank/v1', seedCommitment: 'c', proof: 'p', members: ['e1', 'e2', 'e3', 'e4', 'e5'], reserve: ['e6'] };

type Snap = ReturnType<typeof start>;
const start = (flags: ApplicationInput['flags'] = []) => initialTransition(applicationMachine, input(flags))[0];
function run(events: ApplicationEvent[], from: Snap = start()) {
  let s = from;
  let actions: { type: string; params?: unknown }[] = [];
  for (const e of events) [s, actions] = transition(applicationMachine, s, e) as [Snap, typeof actions];
  return { s, actions };
}
const confirm: ApplicationEvent = { type: 'CONFIRM_RECOMMENDATION', ...m(gdOfficer) };
const pass: ApplicationEvent = { type: 'PASS_REVIEW', ...m(natOfficer) };
const drawn: ApplicationEvent = { type: 'panel.drawn', draw, ...sys };
const vote = (id: string, recommend = true): ApplicationEvent => ({ type: 'CAST_VOTE', recommend, score: 80, comments: 'ok', ...m(expert(id)) });
const toVoting = [confirm, pass, drawn];

describe('application machine: effects (R7.2–R7.5)', () => {
  it('R7.2 asks the named recommender to confirm, with a due date', () => {
    const [s, actions] = initialTransition(applicationMachine, input());
    expect(s.value).toBe('recommendation');
    expect((actions.find((a) => a.type === 'requestDeadlines')!.params as DeadlineRequest).due).toMatchObject({ name: 'recommendationDue', rule: 'R7.2', from: at });
    expect((actions.find((a) => a.type === 'notify')!.params as NotificationRequest).to).toEqual([{ role: 'officer', unit: 'province:44' }]);
    expect(applicationCase.tasks(s)).toMatchObject([{ key: 'recommend', assignee: { role: 'officer', unit: 'province:44' }, actions: ['CONFIRM_RECOMMENDATION', 'DECLINE_RECOMMENDATION'] }]);
  });

  it('R7.2 a declined recommendation ends the application and tells the round', () => {
    const { s, actions } = run([{ type: 'DECLINE_RECOMMENDATION', reason: '不属于本省', ...m(gdOfficer) }]);
    expect(s.value).toBe('rejected');
    expect(s.context.outcome).toMatchObject({ code: 'recommendationDeclined', reason: '不属于本省' });
    expect(actions.find((a) => a.type === 'signalCase')!.params as SignalCaseRequest).toMatchObject({ caseId: 'selection-round:national:2026-01', event: { type: 'application.ended', application: input().caseId } });
  });

  it('R6 a flagged application passes the preliminary review only with a written reason', () => {
    const flagged = start([{ rule: 'R6.4', check: 'yearsOfExperience', reason: '3 years, at least 5 required' }]);
    const reviewing = run([confirm], flagged).s;
    expect(reviewing.can({ type: 'PASS_REVIEW', ...m(natOfficer) })).toBe(false);
    expect(reviewing.can({ type: 'PASS_REVIEW', reason: '   ', ...m(natOfficer) })).toBe(false);
    const { s, actions } = run([{ type: 'PASS_REVIEW', reason: '行业龙头，经验可由母公司补足', ...m(natOfficer) }], reviewing);
    expect(s.value).toEqual({ expertReview: 'drawing' });
    expect(s.context.review).toMatchObject({ decision: 'passed', reason: '行业龙头，经验可由母公司补足' });
    expect(actions.find((a) => a.type === 'drawPanel')!.params as DrawPanelRequest).toEqual({ caseId: input().caseId, applicant: { institutionId: 'i001', recommender: 'province:44' }, field: '2-02-10-09', panelSize: 5, exclude: [] });
    expect(applicationCase.commands.PASS_REVIEW!.check!({ reason: '' } as never, reviewing, at)).toEqual([expect.objectContaining({ field: '/reason', rule: 'R6' })]);
  });

  it('R7.3 a return for correction sets the institution a deadline; a correction goes back to review', () => {
    const { s, actions } = run([confirm, { type: 'RETURN_FOR_CORRECTION', items: '补充近三年培训人次证明', workingDays: 5, ...m(natOfficer) }]);
    expect(s.value).toBe('correction');
    expect((actions.find((a) => a.type === 'requestDeadlines')!.params as DeadlineRequest).due).toMatchObject({ name: 'correctionDue', offset: { workingDays: 5 } });
    expect(applicationCase.tasks(s)).toMatchObject([{ key: 'correct-1', assignee: { role: 'institution', unit: 'institution:i001' }, actions: ['SUBMIT_CORRECTION'] }]);
    const back = run([{ type: 'SUBMIT_CORRECTION', note: '已补充', ...m(institutionActor) }], s).s;
    expect(back.value).toBe('preliminaryReview');
    expect(applicationCase.tasks(back)[0]!.key).toBe('review-2');
  });

  it('R7.3 missing the correction deadline withdraws the application', () => {
    const { s, actions } = run([confirm, { type: 'RETURN_FOR_CORRECTION', items: 'x', ...m(natOfficer) }, { type: 'deadline.reached', name: 'correctionDue', ...sys }]);
    expect(s.value).toBe('withdrawn');
    expect(s.context.outcome?.code).toBe('correctionMissed');
    expect(actions.some((a) => a.type === 'signalCase')).toBe(true);
  });

  it('R7.3 each drawn member gets a vote task; only members vote, once', () => {
    const { s } = run(toVoting);
    expect(s.value).toEqual({ expertReview: 'voting' });
    expect(applicationCase.tasks(s).map((t) => [t.key, t.assignee.unit])).toEqual(['e1', 'e2', 'e3', 'e4', 'e5'].map((e) => [`vote-${e}`, `expert:${e}`]));
    expect(s.can(vote('e6'))).toBe(false);
    const after = run([vote('e1')], s).s;
    expect(after.can(vote('e1'))).toBe(false);
    expect(applicationCase.tasks(after).map((t) => t.key)).not.toContain('vote-e1');
  });

  it('R7.3 a member who declines or declares a conflict is replaced by the next of the reserve; an empty reserve stops for a redraw', () => {
    const { s } = run([...toVoting, { type: 'DECLINE_PANEL', reason: '出差', ...m(expert('e2')) }]);
    expect(s.context.panel.find((x) => x.expertId === 'e2')).toMatchObject({ status: 'declined', reason: '出差' });
    expect(applicationCase.tasks(s).map((t) => t.key)).toEqual(['vote-e1', 'vote-e3', 'vote-e4', 'vote-e5', 'vote-e6']);
    const { s: s2, actions } = run([{ type: 'DECLARE_CONFLICT', reason: '曾在申报单位任职', ...m(expert('e3')) }], s);
    expect(s2.value).toEqual({ expertReview: 'panelUnavailable' });
    expect(s2.context.panel.find((x) => x.expertId === 'e3')).toMatchObject({ status: 'conflict' });
    expect((actions.find((a) => a.type === 'notify')!.params as NotificationRequest).template).toBe('application.panelUnavailable');
    expect(applicationCase.tasks(s2).map((t) => t.actions)).toEqual([['RETRY_DRAW']]);
    const { s: s3, actions: a3 } = run([{ type: 'RETRY_DRAW', reason: '已扩充专家库', ...m(natOfficer) }], s2);
    expect(a3.find((a) => a.type === 'drawPanel')!.params).toMatchObject({ panelSize: 1, exclude: ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'] });
    const s4 = run([{ type: 'panel.drawn', draw: { ...draw, members: ['e9'], reserve: [] }, ...sys }], s3).s;
    expect(s4.value).toEqual({ expertReview: 'voting' });
    expect(s4.context.panel.filter((x) => x.status === 'serving').map((x) => x.expertId)).toEqual(['e1', 'e4', 'e5', 'e6', 'e9']);
  });

  it('R7.3 when every member has voted the tally decides the recommendation; R7.4 the recheck confirms it', () => {
    const { s } = run([...toVoting, vote('e1'), vote('e2'), vote('e3'), vote('e4', false), vote('e5', false)]);
    expect(s.value).toBe('recheck');
    expect(s.context.tally).toMatchObject({ cast: 5, yes: 3, no: 2, quorate: true, recommended: true });
    const { s: r, actions } = run([{ type: 'CONFIRM_RESULT', ...m(natOfficer) }], s);
    expect(r.value).toBe('recommended');
    expect(actions.find((a) => a.type === 'signalCase')!.params).toMatchObject({ event: { type: 'application.settled', recommended: true } });
  });

  it('R7.3 a panel short of quorum at the due date cannot recommend; the organiser closes or extends voting', () => {
    const { s } = run([...toVoting, vote('e1'), vote('e2'), vote('e3'), { type: 'deadline.reached', name: 'votingDue', ...sys }]);
    expect(s.value).toEqual({ expertReview: 'votingOverdue' });
    expect(applicationCase.tasks(s).map((t) => t.step)).toEqual(['application.vote', 'application.vote', 'application.votingOverdue']);
    const extended = run([{ type: 'EXTEND_VOTING', reason: '延长3个工作日', ...m(natOfficer) }], s);
    expect(extended.s.value).toEqual({ expertReview: 'voting' });
    expect(extended.actions.some((a) => a.type === 'requestDeadlines')).toBe(true);
    const closed = run([{ type: 'CLOSE_VOTING', reason: '按期结束', ...m(natOfficer) }], s).s;
    expect(closed.value).toBe('recheck');
    expect(closed.context.tally).toMatchObject({ cast: 3, required: 4, quorate: false, recommended: false });
    expect(run([{ type: 'CONFIRM_RESULT', ...m(natOfficer) }], closed).s.value).toBe('notRecommended');
  });

  it('R7.4 the recheck may overrule the panel only with a written reason, either way', () => {
    const { s } = run([...toVoting, vote('e1', false), vote('e2', false), vote('e3', false), vote('e4'), vote('e5')]);
    expect(applicationCase.commands.OVERRULE!.payload).toBeDefined();
    const up = run([{ type: 'OVERRULE', recommended: true, reason: '专家意见分歧，申报单位为国家标准开发单位（R7.0）', ...m(natOfficer) }], s).s;
    expect(up.value).toBe('recommended');
    expect(up.context.recheck).toMatchObject({ decision: 'overruled', recommended: true });
    const down = run([{ type: 'OVERRULE', recommended: false, reason: '材料存疑', ...m(natOfficer) }], s).s;
    expect(down.value).toBe('notRecommended');
  });

  it('R7.4/R7.5 the round takes it through the notice: an upheld objection removes it, otherwise it is published', () => {
    const { s } = run([...toVoting, vote('e1'), vote('e2'), vote('e3'), vote('e4'), vote('e5'), { type: 'CONFIRM_RESULT', ...m(natOfficer) }, { type: 'round.listApproved', ...sys }]);
    expect(s.value).toBe('onNotice');
    expect(applicationCase.status(s)).toEqual({ code: 'onNotice', label: 'On public notice', final: false });
    const removed = run([{ type: 'round.objectionUpheld', objectionId: 'o1', reason: '存在失信记录', ...sys }], s).s;
    expect(removed.value).toBe('removedByObjection');
    expect(removed.context.outcome).toMatchObject({ code: 'objectionUpheld', reason: '存在失信记录' });
    const published = run([{ type: 'round.published', publishedAt: '2026-12-01T02:00:00.000Z', ...sys }], s).s;
    expect(published.value).toBe('published');
    expect(published.status).toBe('done');
  });

  it('the applicant may withdraw before publication, not after; a cancelled round ends every open application', () => {
    const reviewing = run([confirm]).s;
    expect(run([{ type: 'WITHDRAW', reason: '主动撤回', ...m(institutionActor) }], reviewing).s.context.outcome).toMatchObject({ code: 'withdrawnByApplicant', reason: '主动撤回' });
    expect(run([{ type: 'round.cancelled', reason: '遴选取消', ...sys }], reviewing).s.value).toBe('cancelled');
    const rejected = run([{ type: 'REJECT', reason: 'x', ...m(natOfficer) }], reviewing).s;
    expect(rejected.can({ type: 'WITHDRAW', reason: 'y', ...m(institutionActor) })).toBe(false);
    expect(applicationCase.commands.WITHDRAW!.allowed!(rejected)).toEqual([]);
    expect(applicationCase.commands.WITHDRAW!.allowed!(reviewing)).toEqual([{ role: 'institution', unit: 'institution:i001' }]);
  });

  it('R7.3 confidentiality: the status hides the panel steps and the summary carries no panel or votes', () => {
    const { s } = run([...toVoting, vote('e1')]);
    expect(applicationCase.status(s).code).toBe('expertReview');
    const summary = JSON.stringify(applicationCase.summary(s));
    for (const secret of ['e1', 'e2', 'votes', 'panel', 'draw']) expect(summary).not.toContain(secret);
  });
});

describe('application machine: every transition (model-based)', () => {
  const samples: ApplicationEvent[] = [
    confirm,
    { type: 'DECLINE_RECOMMENDATION', reason: 'r', ...m(gdOfficer) },
    { type: 'PASS_REVIEW', reason: 'ok', ...m(natOfficer) },
    { type: 'REJECT', reason: 'r', ...m(natOfficer) },
    { type: 'RETURN_FOR_CORRECTION', items: 'x', ...m(natOfficer) },
    { type: 'SUBMIT_CORRECTION', note: 'n', ...m(institutionActor) },
    drawn,
    { type: 'panel.drawFailed', reason: 'pool too small', ...sys },
    { type: 'RETRY_DRAW', reason: 'r', ...m(natOfficer) },
    ...['e1', 'e2', 'e3', 'e4', 'e5', 'e6'].map((e) => vote(e, e !== 'e5')),
    { type: 'DECLINE_PANEL', reason: 'r', ...m(expert('e1')) },
    { type: 'DECLARE_CONFLICT', reason: 'r', ...m(expert('e2')) },
    { type: 'EXTEND_VOTING', reason: 'r', ...m(natOfficer) },
    { type: 'CLOSE_VOTING', reason: 'r', ...m(natOfficer) },
    { type: 'CONFIRM_RESULT', ...m(natOfficer) },
    { type: 'OVERRULE', recommended: true, reason: 'r', ...m(natOfficer) },
    { type: 'OVERRULE', recommended: false, reason: 'r', ...m(natOfficer) },
    { type: 'WITHDRAW', reason: 'r', ...m(institutionActor) },
    { type: 'round.listApproved', ...sys },
    { type: 'round.objectionUpheld', objectionId: 'o', reason: 'r', ...sys },
    { type: 'round.published', publishedAt: at, ...sys },
    { type: 'round.cancelled', reason: 'r', ...sys },
    ...['recommendationReminder1', 'recommendationDue', 'reviewReminder1', 'reviewDue', 'correctionReminder1', 'correctionDue', 'votingReminder1', 'votingDue', 'recheckReminder1'].map(
      (name): ApplicationEvent => ({ type: 'deadline.reached', name, ...sys }),
    ),
    { type: 'deadlines.set', deadlines: [], ...sys },
  ];
  const serialize = (s: Snap) =>
    JSON.stringify([s.value, s.context.votes.length, s.context.panel.map((p) => p.status[0]).join(''), s.context.draw?.reserve.length ?? -1, s.context.corrections.length > 0, s.context.escalations.length > 0, s.context.tally?.recommended]);

  it('reaches every transition of the machine', () => {
    const adjacency = getAdjacencyMap(applicationMachine, { input: input(), events: samples, serializeState: serialize as never, limit: 200_000 });
    const states = Object.values(adjacency).map((a) => a.state as Snap);
    expect(takenTransitions(applicationMachine, states, samples)).toEqual(declaredTransitions(applicationMachine));
  });
});

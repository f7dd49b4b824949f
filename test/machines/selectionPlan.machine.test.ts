/**
 * The selection plan machine (R7.1) without Temporal: every state and transition reached by
 * model-based paths, and each transition's effects (deadline requests, notifications, tasks).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import type { DeadlineRequest, NotificationRequest } from '../../machines/kit.js';
import { selectionPlanCase } from '../../machines/selectionPlan.case.js';
import { selectionPlanMachine, type SelectionPlanEvent, type SelectionPlanInput } from '../../machines/selectionPlan.machine.js';
import { SYSTEM_PRINCIPAL } from '../../rules/actors.js';
import { computeDeadline, createCalendar } from '../../rules/calendar/index.js';
import { draft, notice } from '../fixtures/selectionPlan.js';
import { gdLeader, gdOfficer, natLeader, natOfficer } from '../fixtures/principals.js';
import { declaredTransitions, takenTransitions } from '../support/machineCoverage.js';

const at = '2026-09-28T02:00:00.000Z';
const input = (organiser: 'national' | 'province:44' = 'national'): SelectionPlanInput => ({
  caseId: 'selection-plan:test',
  kind: organiser === 'national' ? 'evaluation' : 'training',
  organiser,
  draft,
  createdBy: organiser === 'national' ? natOfficer : gdOfficer,
  createdAt: at,
});
const meta = { at, actor: natOfficer };
const sys = { at, actor: SYSTEM_PRINCIPAL };

/** One sample of every event the machine knows, for the graph traversal. */
const sampleEvents: SelectionPlanEvent[] = [
  { type: 'EDIT_DRAFT', draft: { ...draft, title: 'edited' }, ...meta },
  { type: 'SUBMIT', ...meta },
  { type: 'APPROVE', comments: 'ok', ...meta, actor: natLeader },
  { type: 'RETURN', comments: 'fix the window', ...meta, actor: natLeader },
  { type: 'PUBLISH_NOTICE', ...notice('2026-10-12', '2026-11-11'), ...meta },
  { type: 'RESOLVE_ESCALATION', note: 'urged the approver', ...meta, actor: natLeader },
  { type: 'CANCEL', reason: 'superseded', ...meta },
  { type: 'deadline.reached', name: 'approvalReminder1', ...sys },
  { type: 'deadline.reached', name: 'approvalDue', ...sys },
  { type: 'deadline.reached', name: 'noticeReminder1', ...sys },
  { type: 'deadline.reached', name: 'noticeDue', ...sys },
  { type: 'deadline.reached', name: 'applicationWindowCloses', ...sys },
  { type: 'deadlines.set', deadlines: [], ...sys },
];

/** States are compared by value and open escalations, not by the whole context (drafts loop forever). */
const serializeState = (s: { value: unknown; context: { escalations: { resolvedAt?: string }[] } }) =>
  JSON.stringify([s.value, s.context.escalations.filter((e) => !e.resolvedAt).length]);

function leafStates(): string[] {
  const leaves: string[] = [];
  const walk = (node: { key: string; path: string[]; states: Record<string, unknown> }) => {
    const children = Object.values(node.states) as (typeof node)[];
    if (children.length === 0) leaves.push(node.path.join('.'));
    children.forEach(walk);
  };
  walk(selectionPlanMachine.root as never);
  return leaves;
}

describe('selection plan machine (R7.1)', () => {
  const paths = getShortestPaths(selectionPlanMachine, { input: input(), events: sampleEvents, serializeState: serializeState as never });

  it('reaches every state by a model-based path', () => {
    const reached = new Set(paths.map((p) => {
      const v = p.state.value;
      return typeof v === 'string' ? v : Object.entries(v).map(([k, c]) => `${k}.${String(c)}`)[0]!;
    }));
    expect([...reached].sort()).toEqual(leafStates().sort());
  });

  it('takes every transition of the machine from the states the model reaches', () => {
    const adjacency = getAdjacencyMap(selectionPlanMachine, { input: input(), events: sampleEvents, serializeState: serializeState as never });
    const states = Object.values(adjacency).map((a) => a.state as ReturnType<typeof selectionPlanMachine.resolveState>);
    expect(takenTransitions(selectionPlanMachine, states, sampleEvents)).toEqual(declaredTransitions(selectionPlanMachine));
  });

  describe.each(paths.map((p) => [JSON.stringify(p.state.value), p] as const))('path to %s', (_name, path) => {
    it('replays with the pure transition function and ends in that state', () => {
      let snapshot = initialTransition(selectionPlanMachine, input())[0];
      for (const step of path.steps) snapshot = transition(selectionPlanMachine, snapshot, step.event)[0];
      expect(snapshot.value).toEqual(path.state.value);
    });
  });
});

describe('selection plan effects', () => {
  const start = () => initialTransition(selectionPlanMachine, input())[0];
  const submitted = () => transition(selectionPlanMachine, start(), { type: 'SUBMIT', ...meta });

  it('R7.1 submitting asks for an approval deadline of 10 working days with a reminder, and tells the approver', () => {
    const [s, actions] = submitted();
    expect(s.value).toEqual({ submitted: 'waiting' });
    expect(s.context.revision).toBe(1);
    const request = actions.find((a) => a.type === 'requestDeadlines')!.params as DeadlineRequest;
    expect(request.due).toEqual({ name: 'approvalDue', rule: 'R7.1', from: at, offset: { workingDays: 10 }, time: 'endOfDay' });
    expect(request.reminders).toEqual([{ name: 'approvalReminder1', offset: { workingDays: -2 }, time: { hour: 9 } }]);
    // What the calendar makes of it across the 2026 National Day holiday:
    const due = computeDeadline(createCalendar(), request.due);
    expect(due.date).toBe('2026-10-16'); // 09-29, 09-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12 … 10-16
    const notify = actions.find((a) => a.type === 'notify')!.params as NotificationRequest;
    expect(notify.to).toEqual([{ role: 'leader', unit: 'national' }]);
  });

  it('R7.1 the approve task belongs to the organiser\'s leader and carries the due date', () => {
    const [s] = submitted();
    const tasks = selectionPlanCase.tasks(s);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ key: 'approve-1', assignee: { role: 'leader', unit: 'national' }, actions: ['APPROVE', 'RETURN'], deadline: 'approvalDue' });
  });

  it('R7.1 a returned plan goes back to drafting with the comments; resubmission is revision 2 with a new task', () => {
    const [s1] = submitted();
    const [s2, actions] = transition(selectionPlanMachine, s1, { type: 'RETURN', comments: 'add requirements', ...meta, actor: natLeader });
    expect(s2.value).toBe('drafting');
    expect(s2.context.decisions).toMatchObject([{ revision: 1, decision: 'returned', comments: 'add requirements' }]);
    expect(s2.context.deadlines).toEqual({});
    expect((actions.find((a) => a.type === 'notify')!.params as NotificationRequest).to).toEqual([{ role: 'officer', unit: 'national' }]);
    expect(selectionPlanCase.tasks(s2)[0]).toMatchObject({ key: 'draft-2', actions: ['EDIT_DRAFT', 'SUBMIT'] });
    const [s3] = transition(selectionPlanMachine, s2, { type: 'SUBMIT', ...meta });
    expect(s3.context.revision).toBe(2);
    expect(selectionPlanCase.tasks(s3)[0]!.key).toBe('approve-2');
  });

  it('R7.1 a reminder is recorded and sent, and the state stays', () => {
    const [s1] = submitted();
    const [s2, actions] = transition(selectionPlanMachine, s1, { type: 'deadline.reached', name: 'approvalReminder1', ...sys });
    expect(s2.value).toEqual({ submitted: 'waiting' });
    expect(s2.context.reminders).toEqual([{ deadline: 'approvalReminder1', at }]);
    expect(actions.map((a) => a.type)).toEqual(['notify']);
    expect(selectionPlanCase.tasks(s2)[0]!.remindersSent).toEqual([{ deadline: 'approvalReminder1', at }]);
  });

  it('R7.1 an overdue national approval escalates to the national group leader; a provincial one to the national group', () => {
    const [s1] = submitted();
    const [s2] = transition(selectionPlanMachine, s1, { type: 'deadline.reached', name: 'approvalDue', ...sys });
    expect(s2.value).toEqual({ submitted: 'overdue' });
    expect(selectionPlanCase.status(s2)).toEqual({ code: 'submitted.overdue', label: 'Awaiting approval (overdue)', final: false });
    expect(selectionPlanCase.tasks(s2).map((t) => [t.key, t.assignee])).toEqual([
      ['approve-1', { role: 'leader', unit: 'national' }],
      ['escalation-1', { role: 'leader', unit: 'national' }],
    ]);

    const p0 = initialTransition(selectionPlanMachine, input('province:44'))[0];
    const [p1] = transition(selectionPlanMachine, p0, { type: 'SUBMIT', at, actor: gdOfficer });
    const [p2, actions] = transition(selectionPlanMachine, p1, { type: 'deadline.reached', name: 'approvalDue', ...sys });
    expect(selectionPlanCase.tasks(p2).find((t) => t.escalation)!.assignee).toEqual({ role: 'officer', unit: 'national' });
    expect((actions.find((a) => a.type === 'notify')!.params as NotificationRequest).to).toEqual([
      { role: 'officer', unit: 'national' },
      { role: 'leader', unit: 'province:44' },
    ]);
  });

  it('R7.1 resolving an escalation closes its task once; the approval can still be given', () => {
    const [s1] = submitted();
    const [s2] = transition(selectionPlanMachine, s1, { type: 'deadline.reached', name: 'approvalDue', ...sys });
    const [s3] = transition(selectionPlanMachine, s2, { type: 'RESOLVE_ESCALATION', note: 'called the leader', ...meta, actor: natLeader });
    expect(selectionPlanCase.tasks(s3).map((t) => t.key)).toEqual(['approve-1']);
    expect(s3.can({ type: 'RESOLVE_ESCALATION', note: 'again', ...meta })).toBe(false);
    const [s4] = transition(selectionPlanMachine, s3, { type: 'APPROVE', ...meta, actor: natLeader });
    expect(s4.value).toEqual({ approved: 'waiting' });
  });

  it('R7.1 publishing the notice records occupations, window and requirements and ends the case', () => {
    const [s1] = submitted();
    const [s2] = transition(selectionPlanMachine, s1, { type: 'APPROVE', ...meta, actor: natLeader });
    const [s3] = transition(selectionPlanMachine, s2, { type: 'PUBLISH_NOTICE', ...notice('2026-10-12', '2026-11-11'), ...meta });
    expect(s3.value).toBe('noticePublished');
    expect(s3.context.notice).toMatchObject({ documentNumber: '人社厅发〔2026〕99号', applicationWindow: { opens: '2026-10-12', closes: '2026-11-11' }, publishedAt: at });
    expect(selectionPlanCase.tasks(s3)).toEqual([]);
  });

  it('R7.2 the case waits for the application window to close at 24:00 of its last day, then ends', () => {
    const [s1] = submitted();
    const [s2] = transition(selectionPlanMachine, s1, { type: 'APPROVE', ...meta, actor: natLeader });
    const [s3, actions] = transition(selectionPlanMachine, s2, { type: 'PUBLISH_NOTICE', ...notice('2026-10-12', '2027-03-31'), ...meta });
    const request = actions.find((a) => a.type === 'requestDeadlines')!.params as DeadlineRequest;
    expect(computeDeadline(createCalendar(), request.due)).toMatchObject({ name: 'applicationWindowCloses', date: '2027-03-31', at: '2027-03-31T15:59:59.999Z' });
    const [s4] = transition(selectionPlanMachine, s3, { type: 'deadline.reached', name: 'applicationWindowCloses', ...sys });
    expect(s4.value).toBe('applicationWindowClosed');
    expect(s4.status).toBe('done');
  });

  it.each(['drafting', 'submitted', 'approved', 'noticePublished'])('cancelling from %s records the reason; a final case takes no command', (from) => {
    let s = start();
    if (from !== 'drafting') s = transition(selectionPlanMachine, s, { type: 'SUBMIT', ...meta })[0];
    if (from === 'approved' || from === 'noticePublished') s = transition(selectionPlanMachine, s, { type: 'APPROVE', ...meta, actor: natLeader })[0];
    if (from === 'noticePublished') s = transition(selectionPlanMachine, s, { type: 'PUBLISH_NOTICE', ...notice('2026-10-12', '2026-11-11'), ...meta })[0];
    const [c] = transition(selectionPlanMachine, s, { type: 'CANCEL', reason: 'budget withdrawn', ...meta });
    expect(c.value).toBe('cancelled');
    expect(c.context.cancellation).toEqual({ reason: 'budget withdrawn', by: natOfficer, at });
    for (const e of sampleEvents.filter((x) => x.type !== 'deadlines.set')) expect(c.can(e)).toBe(false);
  });

  it('deadlines of another step are ignored: a notice deadline cannot fire while awaiting approval', () => {
    const [s1] = submitted();
    expect(s1.can({ type: 'deadline.reached', name: 'noticeDue', ...sys })).toBe(false);
    expect(s1.can({ type: 'deadline.reached', name: 'approvalDue', ...sys })).toBe(true);
  });

  it('only a province officer and leader act on a province plan', () => {
    const p0 = initialTransition(selectionPlanMachine, input('province:44'))[0];
    expect(selectionPlanCase.tasks(p0)[0]!.assignee).toEqual({ role: 'officer', unit: 'province:44' });
    const [p1] = transition(selectionPlanMachine, p0, { type: 'SUBMIT', at, actor: gdOfficer });
    expect(selectionPlanCase.tasks(p1)[0]!.assignee).toEqual({ role: 'leader', unit: gdLeader.unit });
  });
});

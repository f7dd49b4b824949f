/**
 * The review of a same-occupation conflict (R18(g) Decision) without Temporal: every transition, the
 * review task with its due date and reminder, a dismissal, and a confirmation that orders the
 * evaluation institution to rectify under R18(g) in the same step (R20.1).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import { conductReviewCase } from '../../machines/conductReview.case.js';
import { conductReviewMachine, type ConductReviewEvent, type ConductReviewInput } from '../../machines/conductReview.machine.js';
import type { DeadlineRequest, StartCaseRequest } from '../../machines/kit.js';
import type { RectificationInput } from '../../machines/rectification.machine.js';
import { SYSTEM_PRINCIPAL } from '../../rules/actors.js';
import type { Deadline } from '../../rules/calendar/index.js';
import { natOfficer } from '../fixtures/principals.js';
import { declaredTransitions, takenTransitions } from '../support/machineCoverage.js';

const AT = '2027-03-01T02:00:00.000Z';
const listing = (kind: 'training' | 'evaluation', inst: string) => ({
  listingId: `${kind}:${inst}:2-02-10-09`,
  listingCaseId: `listing:${kind}:${inst}:2-02-10-09`,
  kind,
  institution: { id: inst, name: `机构${inst}`, province: '44' },
  occupation: { code: '2-02-10-09', name: '人工智能工程技术人员' },
  organiser: kind === 'evaluation' ? ('national' as const) : ('province:44' as const),
  recommender: 'industry:miit' as const,
});
const input: ConductReviewInput = {
  caseId: 'conduct-review:evaluation:i002:2-02-10-09~training:i001:2-02-10-09',
  rule: 'R18(g)',
  evaluation: listing('evaluation', 'i002'),
  training: listing('training', 'i001'),
  path: ['i002', 'i001'],
  via: ['branch'],
  reviewer: 'national',
  createdBy: SYSTEM_PRINCIPAL,
  createdAt: AT,
};
type Snap = ReturnType<typeof initialTransition<typeof conductReviewMachine>>[0];
const run = (events: ConductReviewEvent[]) => {
  let s = initialTransition(conductReviewMachine, input)[0];
  let last: { type: string; params?: unknown }[] = [];
  for (const e of events) [s, last] = transition(conductReviewMachine, s, e) as [Snap, typeof last];
  return { s, last };
};
const dismiss: ConductReviewEvent = { type: 'DISMISS_CONFLICT', reason: '分支机构已于 2026 年注销', at: AT, actor: natOfficer };
const confirm: ConductReviewEvent = { type: 'CONFIRM_CONFLICT', reason: '关联关系属实', mode: 'deadline', due: { workingDays: 20 }, at: AT, actor: natOfficer };

describe('same-occupation conflict review (R18(g))', () => {
  it('R18(g) opens with a review task for the national group, due in 10 working days, reminded 2 before', () => {
    const [s, actions] = initialTransition(conductReviewMachine, input);
    const req = actions.find((a) => a.type === 'requestDeadlines')?.params as DeadlineRequest;
    expect(req.due).toMatchObject({ name: 'reviewDue', rule: 'R18(g)', offset: { workingDays: 10 } });
    expect(conductReviewCase.tasks(s)).toEqual([expect.objectContaining({ step: 'conductReview.decide', assignee: { role: 'officer', unit: 'national' }, deadline: 'reviewDue' })]);
    expect(conductReviewCase.summary(s).text).toBe('机构i002 evaluates 2-02-10-09 (evaluation:i002:2-02-10-09) while 机构i001 trains in it (training:i001:2-02-10-09): related through i002 → branch i001 (R18(g)).');
  });

  it('R18(g) dismissed with a reason; confirmed → an R18(g) rectification order against the evaluation listing in the same step (R20.1)', () => {
    expect(run([dismiss]).s.value).toBe('dismissed');
    const { s, last } = run([confirm]);
    expect(s.value).toBe('confirmed');
    const order = last.find((a) => a.type === 'startCase')?.params as StartCaseRequest;
    expect(order.caseId).toBe('rectification:evaluation:i002:2-02-10-09:r18g-i001');
    expect(order.input as unknown as RectificationInput).toMatchObject({ orderedBy: 'national', listingId: 'evaluation:i002:2-02-10-09', breaches: [{ rule: 'R18(g)' }], mode: 'deadline', due: { workingDays: 20 } });
    expect(conductReviewCase.summary(s).decision).toMatchObject({ decision: 'confirmed', order: order.caseId });
    expect(conductReviewCase.commands.CONFIRM_CONFLICT!.check!({ reason: 'x', mode: 'deadline', due: { date: '2027-03-01' } } as never, s, AT)).toEqual([expect.objectContaining({ field: '/due/date' })]);
  });

  it('every declared transition is taken', () => {
    const samples: ConductReviewEvent[] = [
      { type: 'deadlines.set', deadlines: [] as Deadline[], at: AT, actor: SYSTEM_PRINCIPAL },
      { type: 'deadline.reached', name: 'reviewReminder1', at: AT, actor: SYSTEM_PRINCIPAL },
      { type: 'deadline.reached', name: 'reviewDue', at: AT, actor: SYSTEM_PRINCIPAL },
      dismiss,
      confirm,
    ];
    const adjacency = getAdjacencyMap(conductReviewMachine, { input, events: samples, serializeState: ((s: Snap) => JSON.stringify(s.value)) as never });
    const declared = declaredTransitions(conductReviewMachine);
    expect(declared).toHaveLength(5);
    expect(takenTransitions(conductReviewMachine, Object.values(adjacency).map((a) => a.state as Snap), samples)).toEqual(declared);
  });
});

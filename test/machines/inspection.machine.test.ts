/**
 * The random inspection (R16, 双随机一公开) without Temporal: every transition reached from the states
 * the model explores, and the procedure — the draw requested at once, tasks for each drawn
 * inspector, findings checked against the checklist and the rules of the institution's kind,
 * publication, and the findings turned into one rectification order per listing in one step.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import { inspectionCase } from '../../machines/inspection.case.js';
import { inspectionMachine, type InspectionDraw, type InspectionEvent, type InspectionInput } from '../../machines/inspection.machine.js';
import type { StartCaseRequest } from '../../machines/kit.js';
import type { RectificationInput } from '../../machines/rectification.machine.js';
import { SYSTEM_PRINCIPAL, type Principal } from '../../rules/actors.js';
import type { Deadline } from '../../rules/calendar/index.js';
import { gdOfficer } from '../fixtures/principals.js';
import { declaredTransitions, takenTransitions } from '../support/machineCoverage.js';

const AT = '2027-03-01T02:00:00.000Z';
const input: InspectionInput = {
  caseId: 'inspection:province:44:2027-Q1',
  reference: '2027-Q1',
  title: '2027 年第一季度双随机检查',
  owner: 'province:44',
  jurisdiction: 'province:44',
  filters: { kind: 'training' },
  institutionCount: 2,
  inspectorsPerInstitution: 2,
  inspectionWorkingDays: 20,
  createdBy: gdOfficer,
  createdAt: AT,
};
const inspector = (id: string): Principal => ({ id: `inspector-${id}`, name: id, role: 'inspector', unit: `inspector:${id}` });
const listing = (inst: string, occ: string) => ({
  listingId: `training:${inst}:${occ}`,
  listingCaseId: `listing:training:${inst}:${occ}`,
  kind: 'training' as const,
  occupation: { code: occ, name: occ },
  organiser: 'province:44' as const,
  recommender: 'industry:miit' as const,
});
const draw: InspectionDraw = {
  drawId: 'inspection:province:44:2027-Q1#1',
  algorithm: 'hmac-sha256-rank/v1',
  seedCommitment: 'c'.repeat(64),
  eligible: 5,
  assignments: [
    { institution: { id: 'i001', name: '示例培训学院', province: '44' }, listings: [listing('i001', '2-02-10-09'), listing('i001', '4-04-05-06')], inspectors: [{ id: 'p001', name: 'p001' }, { id: 'p002', name: 'p002' }] },
    { institution: { id: 'i003', name: '示例科技公司', province: '44' }, listings: [listing('i003', '2-02-10-09')], inspectors: [{ id: 'p003', name: 'p003' }, { id: 'p004', name: 'p004' }] },
  ],
  shortfalls: [],
};
type Snap = ReturnType<typeof initialTransition<typeof inspectionMachine>>[0];
type Action = { type: string; params?: unknown };
function run(events: InspectionEvent[], from?: Snap) {
  let s = from ?? initialTransition(inspectionMachine, input)[0];
  let last: Action[] = [];
  const all: Action[] = [];
  for (const e of events) {
    [s, last] = transition(inspectionMachine, s, e) as [Snap, Action[]];
    all.push(...last);
  }
  return { s, last, all };
}
const drawn: InspectionEvent = { type: 'inspection.drawn', draw, at: AT, actor: SYSTEM_PRINCIPAL };
const failed: InspectionEvent = { type: 'inspection.drawFailed', reason: 'R16: no active listing matches', at: AT, actor: SYSTEM_PRINCIPAL };
const findingsA: InspectionEvent = {
  type: 'RECORD_FINDINGS',
  institutionId: 'i001',
  checklist: [{ itemId: 'R12.fees', result: 'fail', note: '未公示收费标准' }],
  findings: [{ rule: 'R12', text: '未公示收费标准和退费办法' }, { rule: 'R17(e)', text: '宣传“包过”', listingId: 'training:i001:4-04-05-06' }],
  summary: '发现 2 项问题',
  at: '2027-03-10T02:00:00.000Z',
  actor: inspector('p001'),
};
const findingsB: InspectionEvent = { type: 'RECORD_FINDINGS', institutionId: 'i003', checklist: [], findings: [], summary: '未发现问题', at: '2027-03-11T02:00:00.000Z', actor: inspector('p004') };
const publish: InspectionEvent = { type: 'PUBLISH_RESULTS', summary: '抽查 2 家，1 家存在问题', at: '2027-03-20T02:00:00.000Z', actor: gdOfficer };
const issue: InspectionEvent = { type: 'ISSUE_ORDERS', mode: 'deadline', due: { workingDays: 15 }, at: '2027-03-21T02:00:00.000Z', actor: gdOfficer };
const close: InspectionEvent = { type: 'CLOSE_INSPECTION', reason: '无问题', at: '2027-03-21T02:00:00.000Z', actor: gdOfficer };
const redraw: InspectionEvent = { type: 'REDRAW', at: AT, actor: gdOfficer };
const cancel: InspectionEvent = { type: 'CANCEL_INSPECTION', reason: '计划调整', at: AT, actor: gdOfficer };
const due: InspectionEvent = { type: 'deadline.reached', name: 'inspectionDue', at: '2027-03-29T15:59:59.999Z', actor: SYSTEM_PRINCIPAL };
const reminder: InspectionEvent = { type: 'deadline.reached', name: 'inspectionReminder1', at: '2027-03-24T01:00:00.000Z', actor: SYSTEM_PRINCIPAL };

describe('random inspection (R16)', () => {
  it('R16 the draw is requested at once; drawn pairs get their tasks, due in 20 working days', () => {
    const [s0, actions] = initialTransition(inspectionMachine, input);
    expect(s0.value).toBe('drawing');
    expect(actions.find((a) => a.type === 'drawInspection')?.params).toEqual({ caseId: input.caseId, jurisdiction: 'province:44', filters: { kind: 'training' }, institutionCount: 2, inspectorsPerInstitution: 2 });
    const { s, last } = run([drawn], s0);
    expect(s.value).toBe('inspecting');
    expect(last.find((a) => a.type === 'requestDeadlines')?.params).toMatchObject({ due: { name: 'inspectionDue', rule: 'R16', offset: { workingDays: 20 } } });
    expect(inspectionCase.tasks(s).map((t) => [t.key, t.assignee.unit])).toEqual([
      ['findings-i001-p001', 'inspector:p001'],
      ['findings-i001-p002', 'inspector:p002'],
      ['findings-i003-p003', 'inspector:p003'],
      ['findings-i003-p004', 'inspector:p004'],
    ]);
    expect(inspectionCase.parties!(s)).toEqual(expect.arrayContaining(['institution:i001', 'inspector:p001', 'institution:i003']));
  });

  it('R16 one inspector of the pair records; both tasks close; only a drawn inspector may record, once', () => {
    const s = run([drawn, findingsA]).s;
    expect(inspectionCase.tasks(s).map((t) => t.key)).toEqual(['findings-i003-p003', 'findings-i003-p004']);
    expect(s.can({ ...findingsA, actor: inspector('p002') })).toBe(false);
    expect(s.can({ ...findingsB, actor: inspector('p001') })).toBe(false);
    const check = inspectionCase.commands.RECORD_FINDINGS!.check!;
    expect(check({ ...findingsB, type: undefined } as never, s, AT, inspector('p001'))).toEqual([expect.objectContaining({ field: '/institutionId', rule: 'R16' })]);
    expect(check({ institutionId: 'i009', checklist: [], findings: [], summary: 'x' } as never, s, AT, inspector('p001'))).toEqual([expect.objectContaining({ field: '/institutionId' })]);
  });

  it('R16 / R10–R12 findings are checked: checklist items of the kind, rules of the kind, listings of the institution; a failed item needs a finding', () => {
    const s = run([drawn]).s;
    const check = (p: object) => inspectionCase.commands.RECORD_FINDINGS!.check!(p as never, s, AT, inspector('p001'));
    expect(check({ institutionId: 'i001', checklist: [{ itemId: 'R11.incidents', result: 'pass' }], findings: [], summary: 'x' })).toEqual([expect.objectContaining({ field: '/checklist/0/itemId' })]);
    expect(check({ institutionId: 'i001', checklist: [], findings: [{ rule: 'R18(g)', text: 'x' }], summary: 'x' })).toEqual([expect.objectContaining({ field: '/findings/0/rule', rule: 'R20.1' })]);
    expect(check({ institutionId: 'i001', checklist: [], findings: [{ rule: 'R12', text: 'x', listingId: 'training:i003:2-02-10-09' }], summary: 'x' })).toEqual([expect.objectContaining({ field: '/findings/0/listingId' })]);
    expect(check({ institutionId: 'i001', checklist: [{ itemId: 'R12.fees', result: 'fail' }], findings: [], summary: 'x' })).toEqual([expect.objectContaining({ field: '/findings' })]);
    expect(check({ institutionId: 'i001', checklist: [{ itemId: 'R12.fees', result: 'fail' }], findings: [{ rule: 'R12', text: 'x' }], summary: 'x' })).toEqual([]);
  });

  it('R16 "one public": the results are in the summary only once published; R20.1 the findings become one order per listing, in one step', () => {
    const review = run([drawn, findingsA, findingsB]).s;
    expect(review.value).toBe('review');
    expect(inspectionCase.summary(review).results).toBeNull();
    expect(inspectionCase.tasks(review)).toEqual([expect.objectContaining({ step: 'inspection.publishResults', assignee: { role: 'officer', unit: 'province:44' } })]);
    const published = run([publish], review).s;
    expect(inspectionCase.summary(published).results).toEqual([
      { institution: { id: 'i001', name: '示例培训学院', province: '44' }, problemsFound: true, rules: ['R12', 'R17(e)'], summary: '发现 2 项问题' },
      { institution: { id: 'i003', name: '示例科技公司', province: '44' }, problemsFound: false, rules: [], summary: '未发现问题' },
    ]);
    const { s, last } = run([issue], published);
    expect(s.value).toBe('closed');
    const starts = last.filter((a) => a.type === 'startCase').map((a) => a.params as StartCaseRequest);
    expect(starts.map((o) => [o.caseId, (o.input as unknown as RectificationInput).breaches.map((b) => b.rule)])).toEqual([
      ['rectification:training:i001:2-02-10-09:2027-Q1', ['R12']],
      ['rectification:training:i001:4-04-05-06:2027-Q1', ['R12', 'R17(e)']],
    ]);
    expect(starts[0]!.input).toMatchObject({ orderedBy: 'province:44', mode: 'deadline', due: { workingDays: 15 }, source: { campaignCaseId: input.caseId, institutionId: 'i001' }, listingCaseId: 'listing:training:i001:2-02-10-09' });
    expect(inspectionCase.summary(s).orders).toHaveLength(2);
  });

  it('R20.1 order checks: a deadline in the past, an immediate order with a due date, an institution without findings', () => {
    const published = run([drawn, findingsA, findingsB, publish]).s;
    const check = (p: object) => inspectionCase.commands.ISSUE_ORDERS!.check!(p as never, published, '2027-03-21T02:00:00.000Z');
    expect(check({ mode: 'deadline', due: { date: '2027-03-21' } })).toEqual([expect.objectContaining({ field: '/due/date' })]);
    expect(check({ mode: 'immediate', due: { workingDays: 3 } })).toEqual([expect.objectContaining({ field: '/due' })]);
    expect(check({ mode: 'deadline' })).toEqual([expect.objectContaining({ field: '/due' })]);
    expect(check({ mode: 'immediate', institutions: ['i003'] })).toEqual([expect.objectContaining({ field: '/institutions/0' })]);
    expect(check({ mode: 'immediate' })).toEqual([]);
    const clean = run([drawn, { ...findingsA, findings: [], checklist: [] }, findingsB, publish]).s;
    expect(inspectionCase.commands.ISSUE_ORDERS!.check!({ mode: 'immediate' } as never, clean, AT)).toEqual([expect.objectContaining({ field: '/' })]);
    expect(clean.can(close)).toBe(true);
  });

  it('R16 a failed draw: the department redraws or cancels; reminders and the overdue notice go to the pending pairs', () => {
    const f = run([failed]).s;
    expect(inspectionCase.tasks(f)).toEqual([expect.objectContaining({ step: 'inspection.redraw', actions: ['REDRAW', 'CANCEL_INSPECTION'] })]);
    const again = run([redraw], f);
    expect(again.s.value).toBe('drawing');
    expect(again.last.some((a) => a.type === 'drawInspection')).toBe(true);
    const late = run([drawn, findingsA, reminder, due]);
    const notices = late.all.filter((a) => a.type === 'notify').map((a) => a.params as { template: string; to: { unit: string }[] });
    expect(notices.filter((n) => n.template !== 'inspection.drawn').map((n) => [n.template, n.to.map((t) => t.unit)])).toEqual([
      ['inspection.reminder', ['inspector:p003', 'inspector:p004']],
      ['inspection.overdue', ['province:44', 'inspector:p003', 'inspector:p004']],
    ]);
  });
});

describe('random inspection: every transition', () => {
  it('every declared transition is taken from the states the model reaches', () => {
    const samples: InspectionEvent[] = [
      { type: 'deadlines.set', deadlines: [] as Deadline[], at: AT, actor: SYSTEM_PRINCIPAL },
      drawn,
      failed,
      redraw,
      cancel,
      findingsA,
      findingsB,
      reminder,
      due,
      publish,
      issue,
      close,
    ];
    const serialize = (s: Snap) => JSON.stringify({ v: s.value, r: s.context.records.map((r) => r.institutionId), o: s.context.outcome?.code });
    const adjacency = getAdjacencyMap(inspectionMachine, { input, events: samples, serializeState: serialize as never, limit: 10_000 });
    const declared = declaredTransitions(inspectionMachine);
    expect(declared).toHaveLength(13); // 1 root, 2 drawing, 2 drawFailed, 5 inspecting, 1 review, 2 published
    expect(takenTransitions(inspectionMachine, Object.values(adjacency).map((a) => a.state as Snap), samples)).toEqual(declared);
    const codes = new Set(Object.values(adjacency).map(({ state }) => inspectionCase.status(state as Snap).code));
    expect([...codes].sort()).toEqual(['cancelled', 'closed', 'drawFailed', 'drawing', 'inspecting', 'published', 'review']);
  });
});

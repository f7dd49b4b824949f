/**
 * Incidents on the time-skipping server (R11 (6), R20 Decision): acknowledged by the three
 * departments and closed on time; the follow-up report overdue → escalated to level 1, then level 2
 * after 5 more working days; more requested with a new due date, then the second report accepted.
 * Deadlines are counted from the server's clock, which starts at the real "now" and only moves
 * forward. Every incident is closed before its test ends.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import type { IncidentInput } from '../../machines/incident.machine.js';
import type { Principal } from '../../rules/actors.js';
import { caseViewQuery, commandUpdate, incidentWorkflow } from '../../workflows/index.js';
import { gdOfficer, natLeader, natOfficer } from '../fixtures/principals.js';
import { fakeActivities } from '../support/fakeActivities.js';
import { useTimeSkippingEnv, workflowBundle } from '../support/temporal.js';

const testEnv = useTimeSkippingEnv();
const miitOfficer: Principal = { id: 'miit-officer', name: 'industry department', role: 'officer', unit: 'industry:miit' };
const evalInstitution: Principal = { id: 'inst-002', name: '示例评价中心 (institution)', role: 'institution', unit: 'institution:i002' };
const field = '2-02-10-09';

let n = 0;
async function withWorker<T>(fn: (tq: string, fake: ReturnType<typeof fakeActivities>) => Promise<T>): Promise<T> {
  const fake = fakeActivities();
  const taskQueue = `incident-${++n}-${Date.now()}`;
  const worker = await Worker.create({ connection: testEnv().nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fake.activities });
  return worker.runUntil(fn(taskQueue, fake));
}
async function skipTo(h: WorkflowHandle, iso: string) {
  const now = await testEnv().currentTimeMs();
  const target = Date.parse(iso);
  if (target > now) await testEnv().sleep(target - now);
  await h.query(caseViewQuery);
}
/** Polls until `fn` holds: activities (the outbox, the projection) complete moments after a step. */
async function until(fn: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 200 && !(await fn()); i++) await new Promise((r) => setTimeout(r, 50));
}
const send = (h: WorkflowHandle, type: string, payload: Record<string, unknown>, actor: Principal) => h.executeUpdate(commandUpdate, { args: [{ type, payload, actor }] });

async function report(tq: string, name: string, over: Partial<IncidentInput> = {}) {
  const listingId = `evaluation:i002:${field}`;
  const occurredAt = new Date((await testEnv().currentTimeMs()) - 3_600_000).toISOString();
  const input: Omit<IncidentInput, 'caseId' | 'createdAt'> = {
    listingCaseId: `listing:${listingId}`,
    listingId,
    kind: 'evaluation',
    institution: { id: 'i002', name: '示例评价中心', province: '44' },
    occupation: { code: field, name: '人工智能工程技术人员' },
    organiser: 'national',
    recommender: 'industry:miit',
    category: 'disciplineBreach',
    occurredAt,
    description: '考生在理论考试中使用通讯工具',
    measuresTaken: '当场终止该考生考试，封存证据',
    createdBy: evalInstitution,
    ...over,
  };
  const h = await testEnv().client.workflow.start(incidentWorkflow, { workflowId: `incident:${listingId}:${name}-${Date.now()}`, taskQueue: tq, args: [{ input }] });
  // The opening is recorded once its deadlines are set (the calendar activity answered).
  await until(async () => (await h.query(caseViewQuery)).deadlines.some((d) => d.name === 'followUpDue'));
  return h;
}
const deadline = async (h: WorkflowHandle, name: string) => (await h.query(caseViewQuery)).deadlines.find((d) => d.name === name)!;
const summary = (fake: ReturnType<typeof fakeActivities>, h: WorkflowHandle) => fake.batches.filter((b) => b.case.caseId === h.workflowId).at(-1)!.case.summary;

describe('incidents on durable timers (R11, R20 Decision)', () => {
  it('R11 acknowledged by local HR, the industry department and the national group, and closed on time: the follow-up report accepted before its due date', async () => {
    await withWorker(async (tq, fake) => {
      const h = await report(tq, 'on-time');
      const view = await h.query(caseViewQuery);
      expect(view.status.code).toBe('reported');
      await until(() => fake.messages('incident.reported').length > 0);
      expect(fake.messages('incident.reported').map((m) => m.to.map((a) => a.unit))).toEqual([['province:44', 'industry:miit', 'national']]);
      expect(view.tasks.filter((t) => t.step === 'incident.acknowledge').map((t) => t.assignee.unit)).toEqual(['province:44', 'industry:miit', 'national']);
      expect((await deadline(h, 'acknowledgementDue')).explanation.text).toContain('1 working day');
      expect((await deadline(h, 'followUpDue')).explanation.text).toContain('10 working days');
      // Each department acknowledges once; another province's HR has no task here.
      await send(h, 'ACKNOWLEDGE', { note: '已知悉' }, gdOfficer);
      await expect(send(h, 'ACKNOWLEDGE', { note: '重复' }, gdOfficer)).rejects.toThrow();
      await expect(send(h, 'ACKNOWLEDGE', { note: 'x' }, { ...gdOfficer, unit: 'province:32' })).rejects.toThrow();
      await send(h, 'ACKNOWLEDGE', { note: '已知悉，请及时报送处理结果' }, miitOfficer);
      await send(h, 'ACKNOWLEDGE', { note: '已知悉' }, natOfficer);
      await send(h, 'SUBMIT_FOLLOW_UP', { text: '已取消该考生本次成绩，并加强考场巡查', attachments: ['处理决定.pdf'] }, evalInstitution);
      // Only local HR reviews.
      await expect(send(h, 'ACCEPT_FOLLOW_UP', {}, natOfficer)).rejects.toThrow();
      await send(h, 'ACCEPT_FOLLOW_UP', { comments: '处置得当' }, gdOfficer);
      const result = await h.result();
      expect(result.state).toBe('closed');
      expect(result.status).toEqual({ code: 'closed', label: 'Closed: follow-up report accepted', final: true });
      expect(summary(fake, h)).toMatchObject({ followUpVersions: 1, escalationLevel: 0, outcome: { code: 'followUpAccepted' } });
      expect(fake.messages('incident.escalated')).toEqual([]);
      expect(fake.messages('incident.reminder')).toEqual([]);
    });
  });

  it('R20 Decision the follow-up report overdue → level 1 (national officers) at its due date → level 2 (national leaders) 5 working days later; closed by local HR', async () => {
    await withWorker(async (tq, fake) => {
      const h = await report(tq, 'overdue');
      const due = await deadline(h, 'followUpDue');
      await skipTo(h, new Date(Date.parse(due.at) + 1000).toISOString());
      const l1 = await h.query(caseViewQuery);
      expect(l1.status.code).toBe('escalated');
      expect(l1.tasks.filter((t) => t.step === 'incident.overdue').map((t) => [t.assignee.role, t.assignee.unit, t.escalation])).toEqual([['officer', 'national', true]]);
      // The reminder went out once, the day before.
      expect(fake.messages('incident.reminder')).toHaveLength(1);
      expect(fake.messages('incident.escalated').map((m) => m.to.map((a) => `${a.role}@${a.unit}`))).toEqual([['officer@national', 'officer@province:44', 'institution@institution:i002']]);
      const second = l1.deadlines.find((d) => d.name === 'escalation2Due')!;
      expect(second.explanation.text).toContain('5 working days');
      await send(h, 'RECORD_ESCALATION', { level: 1, note: '已督办机构报送' }, natOfficer);
      await expect(send(h, 'RECORD_ESCALATION', { level: 1, note: '重复' }, natOfficer)).rejects.toThrow();
      await skipTo(h, new Date(Date.parse(second.at) + 1000).toISOString());
      const l2 = await h.query(caseViewQuery);
      expect(l2.status.label).toContain('level 2');
      expect(l2.tasks.filter((t) => t.step === 'incident.overdue').map((t) => [t.assignee.role, t.assignee.unit])).toEqual([['leader', 'national']]);
      expect(fake.messages('incident.escalated')).toHaveLength(2);
      expect(fake.messages('incident.escalated')[1]!.to[0]).toEqual({ role: 'leader', unit: 'national' });
      await send(h, 'RECORD_ESCALATION', { level: 2, note: '约谈机构负责人' }, natLeader);
      await send(h, 'REFER_FOR_RECTIFICATION', { rules: ['R11'], note: '拒不报送处理结果' }, gdOfficer);
      expect(fake.messages('incident.referredForRectification')[0]!.to).toEqual([{ role: 'officer', unit: 'industry:miit' }, { role: 'officer', unit: 'national' }]);
      await send(h, 'CLOSE_INCIDENT', { reason: '转入整改程序' }, gdOfficer);
      const result = await h.result();
      expect(result.status).toMatchObject({ code: 'closed', label: 'Closed by local HR' });
      expect(summary(fake, h)).toMatchObject({ escalationLevel: 2, referral: { rules: ['R11'] }, outcome: { code: 'closed' } });
    });
  });

  it('R11 more requested with a new due date of N working days, reminded the day before; the second report accepted', async () => {
    await withWorker(async (tq, fake) => {
      const h = await report(tq, 'more', { category: 'itemLeak' });
      await send(h, 'SUBMIT_FOLLOW_UP', { text: '初步处理情况' }, evalInstitution);
      await send(h, 'REQUEST_MORE', { reason: '请补充泄题责任人处理结果', workingDays: 3 }, gdOfficer);
      const view = await h.query(caseViewQuery);
      expect(view.status.code).toBe('moreRequested');
      const due = view.deadlines.find((d) => d.name === 'followUpDue')!;
      expect(due.explanation.text).toContain('3 working days');
      expect(fake.messages('incident.moreRequested').map((m) => m.to)).toEqual([[{ role: 'institution', unit: 'institution:i002' }]]);
      const reminder = view.deadlines.find((d) => d.name === 'followUpReminder1')!;
      await skipTo(h, new Date(Date.parse(reminder.at) + 3_600_000).toISOString());
      expect(fake.messages('incident.reminder').map((m) => m.at.slice(0, 16))).toEqual([reminder.at.slice(0, 16)]);
      await send(h, 'SUBMIT_FOLLOW_UP', { text: '已对责任人作出处理，更换全部题库', attachments: ['处理决定.pdf'] }, evalInstitution);
      await send(h, 'ACCEPT_FOLLOW_UP', {}, gdOfficer);
      expect((await h.result()).state).toBe('closed');
      expect(summary(fake, h)).toMatchObject({ followUpRound: 2, followUpVersions: 2, outcome: { code: 'followUpAccepted' } });
      expect(fake.messages('incident.escalated')).toEqual([]);
    });
  });
});

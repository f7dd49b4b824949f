/**
 * Rectification orders on the time-skipping server (R20.1–R20.2, R16, R9.3), each against a running
 * listing case: rectified on time; evidence rejected then accepted; refused → removed; overdue →
 * escalated to both levels → removed after the grace period; two concurrent orders on one listing
 * (the removal under one closes the other); an immediate order. Deadlines are counted from the
 * server's clock, which starts at the real "now" and only moves forward.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import type { ListingInput } from '../../machines/listing.machine.js';
import type { RectificationInput } from '../../machines/rectification.machine.js';
import { SYSTEM_PRINCIPAL, type Principal } from '../../rules/actors.js';
import { plusDays, shanghaiDate } from '../../rules/calendar/dates.js';
import { caseViewQuery, commandUpdate, listingWorkflow, rectificationWorkflow } from '../../workflows/index.js';
import { gdOfficer, institution, natOfficer } from '../fixtures/principals.js';
import { fakeActivities } from '../support/fakeActivities.js';
import { saveHistory, useTimeSkippingEnv, workflowBundle } from '../support/temporal.js';

const testEnv = useTimeSkippingEnv();
const miitOfficer: Principal = { id: 'miit-officer', name: 'industry department', role: 'officer', unit: 'industry:miit' };
const field = '2-02-10-09';

let n = 0;
async function withWorker<T>(fn: (tq: string, fake: ReturnType<typeof fakeActivities>) => Promise<T>): Promise<T> {
  const fake = fakeActivities();
  const taskQueue = `rect-${++n}-${Date.now()}`;
  const worker = await Worker.create({ connection: testEnv().nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fake.activities });
  return worker.runUntil(fn(taskQueue, fake));
}
const today = async () => shanghaiDate(new Date(await testEnv().currentTimeMs()).toISOString());
async function skipTo(h: WorkflowHandle, iso: string) {
  const now = await testEnv().currentTimeMs();
  const target = Date.parse(iso);
  if (target > now) await testEnv().sleep(target - now);
  await h.query(caseViewQuery);
}
const send = (h: WorkflowHandle, type: string, payload: Record<string, unknown>, actor: Principal) => h.executeUpdate(commandUpdate, { args: [{ type, payload, actor }] });

async function openListing(tq: string, name: string) {
  const listingId = `training:i001:${field}:${name}`;
  const input: Omit<ListingInput, 'caseId' | 'createdAt'> = {
    listingId,
    kind: 'training',
    institution: { id: 'i001', name: '示例培训学院', province: '44' },
    occupation: { code: field, name: '人工智能工程技术人员' },
    organiser: 'province:44',
    recommender: 'industry:miit',
    publishedOn: await today(),
    createdBy: SYSTEM_PRINCIPAL,
  };
  return testEnv().client.workflow.start(listingWorkflow, { workflowId: `listing:${listingId}-${Date.now()}`, taskQueue: tq, args: [{ input }] });
}
async function order(tq: string, listing: WorkflowHandle, over: Partial<RectificationInput> = {}, suffix = 'a') {
  const view = await listing.query(caseViewQuery);
  const ctx = view.context as { listingId: string };
  const input: Omit<RectificationInput, 'caseId' | 'createdAt'> = {
    listingCaseId: listing.workflowId,
    listingId: ctx.listingId,
    kind: 'training',
    institution: { id: 'i001', name: '示例培训学院', province: '44' },
    occupation: { code: field, name: '人工智能工程技术人员' },
    organiser: 'province:44',
    recommender: 'industry:miit',
    orderedBy: 'industry:miit',
    breaches: [{ rule: 'R17(e)', finding: '招生广告承诺“包过、不过退费”' }],
    mode: 'deadline',
    due: { workingDays: 10 },
    createdBy: miitOfficer,
    ...over,
  };
  const h = await testEnv().client.workflow.start(rectificationWorkflow, { workflowId: `rectification:${ctx.listingId}:${suffix}-${Date.now()}`, taskQueue: tq, args: [{ input }] });
  await h.query(caseViewQuery);
  return h;
}
type Summary = { rectifications: { caseId: string; status: string }[]; bar: { until: string } | null; status: string };
const listingSummary = async (fake: ReturnType<typeof fakeActivities>, listing: WorkflowHandle) =>
  fake.batches.filter((b) => b.case.caseId === listing.workflowId).at(-1)!.case.summary as unknown as Summary;
const endListing = async (listing: WorkflowHandle) => {
  await send(listing, 'WITHDRAW', { effectiveOn: await today(), reason: '测试结束' }, institution);
  await listing.result();
};

describe('rectification orders on durable timers (R20)', () => {
  it('R20.1 rectified on time: evidence filed, accepted; the listing records the order and its outcome', async () => {
    await withWorker(async (tq, fake) => {
      const listing = await openListing(tq, 'on-time');
      const h = await order(tq, listing);
      const due = (await h.query(caseViewQuery)).deadlines.find((d) => d.name === 'rectificationDue')!;
      expect(due.explanation.text).toContain('10 working days');
      await send(h, 'SUBMIT_EVIDENCE', { text: '已撤下违规广告', attachments: ['整改报告.pdf'] }, institution);
      await send(h, 'ACCEPT_EVIDENCE', { comments: '整改到位' }, miitOfficer);
      expect((await h.result()).state).toBe('rectified');
      await skipTo(listing, new Date((await testEnv().currentTimeMs()) + 1000).toISOString());
      expect((await listingSummary(fake, listing)).rectifications).toEqual([{ caseId: h.workflowId, rules: ['R17(e)'], status: 'rectified' }]);
      // No reminder went out: the evidence came first.
      expect(fake.messages('rectification.reminder')).toEqual([]);
      await endListing(listing);
    });
  });

  it('R20.1 evidence rejected, then a second version accepted before the deadline; the 7-day reminder went out once in between', async () => {
    await withWorker(async (tq, fake) => {
      const listing = await openListing(tq, 'rejected');
      const h = await order(tq, listing, { due: { date: plusDays(await today(), 20) } });
      await send(h, 'SUBMIT_EVIDENCE', { text: '初步整改' }, institution);
      await send(h, 'REJECT_EVIDENCE', { reason: '未提供撤下广告的证明' }, miitOfficer);
      const view = await h.query(caseViewQuery);
      const reminder = view.deadlines.find((d) => d.name === 'rectificationReminder1')!;
      await skipTo(h, new Date(Date.parse(reminder.at) + 3_600_000).toISOString());
      expect(fake.messages('rectification.reminder').map((m) => m.at.slice(0, 16))).toEqual([reminder.at.slice(0, 16)]);
      await send(h, 'SUBMIT_EVIDENCE', { text: '已撤下全部违规广告，附截图' }, institution);
      await send(h, 'ACCEPT_EVIDENCE', {}, miitOfficer);
      expect((await h.result()).state).toBe('rectified');
      const evidence = ((await fake.batches.filter((b) => b.case.caseId === h.workflowId).at(-1)!.case.summary) as { evidenceVersions: number }).evidenceVersions;
      expect(evidence).toBe(2);
      await endListing(listing);
    });
  });

  it('R20.2 refused → escalated at once → removal decision after the grace period → removed: the listing leaves the directory with the R9.3 bar', async () => {
    await withWorker(async (tq, fake) => {
      const listing = await openListing(tq, 'refused');
      const h = await order(tq, listing);
      await send(h, 'REFUSE_RECTIFICATION', { reason: '不认可该认定' }, institution);
      const esc = await h.query(caseViewQuery);
      expect(esc.status.code).toBe('escalated');
      const grace = esc.deadlines.find((d) => d.name === 'graceEnds')!;
      expect(grace.explanation.text).toContain('10 working days');
      await skipTo(h, new Date(Date.parse(grace.at) + 1000).toISOString());
      const decision = await h.query(caseViewQuery);
      expect(decision.status.code).toBe('removalDecision');
      expect(decision.tasks).toEqual([expect.objectContaining({ step: 'rectification.removalDecision', assignee: { role: 'officer', unit: 'province:44' } })]);
      await send(h, 'DECIDE_REMOVAL', { reason: '拒不整改（R20.2）' }, gdOfficer);
      expect((await h.result()).state).toBe('removed');
      expect((await listing.result()).state).toBe('removed');
      const summary = await listingSummary(fake, listing);
      expect(summary).toMatchObject({ status: 'removed', rectifications: [{ caseId: h.workflowId, status: 'removed' }] });
      expect(fake.bars).toEqual([expect.objectContaining({ institutionId: 'i001', occupationCode: field })]);
      expect(fake.batches.filter((b) => b.case.caseId === listing.workflowId).at(-1)!.directory).toMatchObject({ change: 'removed' });
      await saveHistory('rectification-refused-removed', h);
      await saveHistory('listing-removed', listing);
    });
  });

  it('R20 Decision overdue → overdue tasks for the industry department and provincial HR → removed after the grace period', async () => {
    await withWorker(async (tq, fake) => {
      const listing = await openListing(tq, 'overdue');
      const h = await order(tq, listing, { due: { workingDays: 5 } });
      const due = (await h.query(caseViewQuery)).deadlines.find((d) => d.name === 'rectificationDue')!;
      await skipTo(h, new Date(Date.parse(due.at) + 1000).toISOString());
      const esc = await h.query(caseViewQuery);
      expect(esc.tasks.filter((t) => t.step === 'rectification.overdue').map((t) => t.assignee.unit)).toEqual(['industry:miit', 'province:44']);
      expect(fake.messages('rectification.escalated')[0]!.to.map((a) => a.unit)).toEqual(['industry:miit', 'province:44', 'institution:i001']);
      // Both reminders went out before the deadline, once each.
      expect(fake.messages('rectification.reminder')).toHaveLength(2);
      await send(h, 'RECORD_FOLLOW_UP', { level: 2, note: '已督办' }, gdOfficer);
      await expect(send(h, 'RECORD_FOLLOW_UP', { level: 2, note: '重复' }, gdOfficer)).rejects.toThrow();
      const grace = esc.deadlines.find((d) => d.name === 'graceEnds')!;
      await skipTo(h, new Date(Date.parse(grace.at) + 1000).toISOString());
      await send(h, 'DECIDE_REMOVAL', { reason: '逾期未整改' }, gdOfficer);
      expect((await listing.result()).state).toBe('removed');
    });
  });

  it('two concurrent orders on one listing: each its own case; the removal under one closes the other as moot', async () => {
    await withWorker(async (tq, fake) => {
      const listing = await openListing(tq, 'two');
      const a = await order(tq, listing, { mode: 'immediate', due: undefined }, 'a');
      const b = await order(tq, listing, { breaches: [{ rule: 'R12', finding: '未公开收费标准' }], orderedBy: 'province:44', createdBy: gdOfficer }, 'b');
      await skipTo(listing, new Date((await testEnv().currentTimeMs()) + 1000).toISOString());
      expect((await listingSummary(fake, listing)).rectifications.map((r) => r.status)).toEqual(['open', 'open']);
      // R16 immediate: due by the end of the next working day.
      const dueA = (await a.query(caseViewQuery)).deadlines.find((d) => d.name === 'rectificationDue')!;
      expect(dueA.rule).toBe('R16');
      await send(a, 'REFUSE_RECTIFICATION', { reason: '拒绝' }, institution);
      const grace = (await a.query(caseViewQuery)).deadlines.find((d) => d.name === 'graceEnds')!;
      await skipTo(a, new Date(Date.parse(grace.at) + 1000).toISOString());
      // Order b escalated meanwhile (no evidence in 10 working days), with provincial HR's next level up: the national group.
      const bView = await b.query(caseViewQuery);
      expect(bView.tasks.filter((t) => t.step === 'rectification.overdue').map((t) => t.assignee.unit)).toEqual(['province:44', 'national']);
      await send(a, 'DECIDE_REMOVAL', { reason: '拒不整改' }, gdOfficer);
      expect((await listing.result()).state).toBe('removed');
      expect((await b.result()).state).toBe('closed');
      expect(fake.batches.filter((x) => x.case.caseId === b.workflowId).at(-1)!.case.summary).toMatchObject({ outcome: { code: 'moot' } });
      expect((await listingSummary(fake, listing)).rectifications.map((r) => r.status)).toEqual(['removed', 'open']);
    });
  });

  it('R21 a referral is recorded on the order and annotates the listing; the order cancelled ends without removal', async () => {
    await withWorker(async (tq, fake) => {
      const listing = await openListing(tq, 'referral');
      const h = await order(tq, listing);
      await expect(send(h, 'REFER_FRAUD', { authority: '市场监管局', note: 'x' }, institution)).rejects.toThrow();
      await send(h, 'REFER_FRAUD', { authority: '广州市市场监督管理局', note: '以虚假承诺骗取培训补贴' }, natOfficer);
      await send(h, 'CANCEL_ORDER', { reason: '移交市场监管部门处理' }, miitOfficer);
      expect((await h.result()).state).toBe('closed');
      await skipTo(listing, new Date((await testEnv().currentTimeMs()) + 1000).toISOString());
      expect(await listingSummary(fake, listing)).toMatchObject({ referrals: 1, rectifications: [{ status: 'cancelled' }] });
      await endListing(listing);
    });
  });
});

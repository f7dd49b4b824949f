/**
 * The delivery workflow on the time-skipping test server with the real delivery activities, the real
 * store and a real SMTP server: one delivery per document however often it is started, Temporal's
 * retries (30 s backoff, skipped) until the server takes the message, `failed` when it never does, and
 * a case's `notify` starting the deliveries through the worker's own client.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationBatch } from '../../activities/contracts.js';
import { createDeliveryActivities } from '../../activities/delivery.js';
import { createNotificationActivities, deliveryWorkflowId } from '../../activities/notifications.js';
import type { Unit } from '../../rules/actors.js';
import { connectStore, type Store } from '../../store/mongo.js';
import { createActivities, deliveryChannels } from '../../worker/activities.js';
import { commandUpdate, deliverNotification, selectionPlanWorkflow } from '../../workflows/index.js';
import { draft } from '../fixtures/selectionPlan.js';
import { natAdmin, natOfficer } from '../fixtures/principals.js';
import { startSmtpSink, type SmtpSink } from '../support/deliverySinks.js';
import { useTimeSkippingEnv, workflowBundle } from '../support/temporal.js';

const testEnv = useTimeSkippingEnv();
let store: Store;
let smtp: SmtpSink;
let seq = 0;

beforeAll(async () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run the tests with `npm test`');
  store = await connectStore(uri, `test_delivery_wf_${Date.now().toString(36)}`);
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await smtp?.close();
  await store?.db.dropDatabase();
  await store?.client.close();
});

const channels = () => deliveryChannels({ smtpUrl: smtp.url, smtpFrom: 'DTE test <no-reply@dte.invalid>' });
const client = () => testEnv().client as unknown as Client;

/** A worker with the delivery and notification activities (no case activities needed). */
async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `tq-delivery-${++seq}-${Date.now()}`;
  const activities = { ...createNotificationActivities(store), ...createDeliveryActivities(store, channels()) };
  const worker = await Worker.create({ connection: testEnv().nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}

async function outbox(caseId: string, unit: Unit): Promise<string> {
  await store.contacts.replaceOne({ _id: unit }, { email: [`officer@${unit.replace(/\W/g, '-')}.example`], updatedAt: new Date(), updatedBy: natAdmin }, { upsert: true });
  const { notify } = createNotificationActivities(store, { startDelivery: async () => undefined });
  const b: NotificationBatch = { caseId, caseType: 'selectionPlan', seq: 1, at: '2026-09-28T02:00:00.000Z', messages: [{ to: [{ role: 'officer', unit }], template: 't', subject: 'Subject', body: 'Body', rule: 'R7.1' }] };
  await new MockActivityEnvironment({ taskQueue: 'unused' }).run(notify, b);
  return `${caseId}#1#0#0`;
}

const mailsFor = (id: string) => smtp.messages.filter((m) => m.headers['x-idempotency-key'] === id);
const start = (taskQueue: string, id: string) =>
  client().workflow.start(deliverNotification, { workflowId: deliveryWorkflowId(id), taskQueue, args: [{ notificationId: id }], workflowIdReusePolicy: 'REJECT_DUPLICATE' });

describe('deliverNotification workflow', () => {
  it('started twice with the same workflow id (while running and after it closed): one e-mail', async () => {
    const id = await outbox('selection-plan:national:wf-twice', 'province:44');
    await withWorker(async (tq) => {
      const h = await start(tq, id);
      await expect(start(tq, id)).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      expect(await h.result()).toEqual({ status: 'sent', sent: ['email'] });
      await expect(start(tq, id)).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    });
    expect(mailsFor(id)).toHaveLength(1);
    expect(await store.notifications.findOne({ _id: id })).toMatchObject({ status: 'sent', attempts: 1, deliveries: { email: { status: 'sent', attempts: 1 } } });
  });

  it('the SMTP server refuses the first 2 attempts: Temporal retries after its backoff and one e-mail arrives; 3 attempts recorded', async () => {
    const id = await outbox('selection-plan:national:wf-retry', 'province:45');
    const refusedBefore = smtp.refused;
    smtp.failNext(2);
    const skippedFrom = await testEnv().currentTimeMs();
    const result = await withWorker(async (tq) => (await start(tq, id)).result());
    expect(result).toEqual({ status: 'sent', sent: ['email'] });
    expect(smtp.refused - refusedBefore).toBe(2);
    expect(mailsFor(id)).toHaveLength(1);
    expect(await store.notifications.findOne({ _id: id })).toMatchObject({ status: 'sent', attempts: 3, deliveries: { email: { status: 'sent', attempts: 3 } } });
    // The backoff (30 s, then 60 s) passed in workflow time, not in ours.
    expect((await testEnv().currentTimeMs()) - skippedFrom).toBeGreaterThanOrEqual(90_000);
  });

  it('a server that never takes it: after 12 attempts the document is marked failed with the last error', async () => {
    const id = await outbox('selection-plan:national:wf-gives-up', 'province:46');
    smtp.failNext(12);
    const result = await withWorker(async (tq) => (await start(tq, id)).result());
    expect(result).toEqual({ status: 'failed', sent: [] });
    expect(mailsFor(id)).toHaveLength(0);
    expect(await store.notifications.findOne({ _id: id })).toMatchObject({ status: 'failed', attempts: 12, lastError: expect.stringMatching(/451/), deliveries: { email: { status: 'retrying', attempts: 12 } } });
  });

  it('notify with the real starter, twice: one delivery workflow and one e-mail per document', async () => {
    const unit = 'province:47';
    await store.contacts.replaceOne({ _id: unit }, { email: ['officer@hr47.example'], updatedAt: new Date(), updatedBy: natAdmin }, { upsert: true });
    const b: NotificationBatch = { caseId: 'selection-plan:national:wf-notify', caseType: 'selectionPlan', seq: 3, at: '2026-09-28T02:00:00.000Z', messages: [{ to: [{ role: 'officer', unit }, { role: 'leader', unit }], template: 't', subject: 'S', body: 'B', rule: 'R7.1' }] };
    await withWorker(async (tq) => {
      const { notify } = createNotificationActivities(store);
      const env = new MockActivityEnvironment({ taskQueue: tq }, { client: client() });
      const handles = [0, 1].map((j) => client().workflow.getHandle(deliveryWorkflowId(`${b.caseId}#3#0#${j}`)));
      expect(await env.run(notify, b)).toBe(2);
      const runs = await Promise.all(handles.map(async (h) => (await h.describe()).runId));
      for (const h of handles) expect(await h.result()).toMatchObject({ status: 'sent' });
      // A retried activity, after the deliveries closed: the starts are refused by workflow id (REJECT_DUPLICATE) and ignored.
      expect(await env.run(notify, b)).toBe(0);
      expect(await Promise.all(handles.map(async (h) => (await h.describe()).runId))).toEqual(runs);
    });
    expect(mailsFor(`${b.caseId}#3#0#0`)).toHaveLength(1);
    expect(mailsFor(`${b.caseId}#3#0#1`)).toHaveLength(1);
  });

  it('a case step\'s notice is delivered by the worker\'s own client (the composed worker activities)', async () => {
    await store.contacts.replaceOne({ _id: 'national' }, { email: ['leaders@national.example'], updatedAt: new Date(), updatedBy: natAdmin }, { upsert: true });
    const taskQueue = `tq-delivery-case-${Date.now()}`;
    const worker = await Worker.create({ connection: testEnv().nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createActivities(store, { smtpUrl: smtp.url }) });
    const caseId = `selection-plan:national:wf-case-${Date.now()}`;
    await worker.runUntil(async () => {
      const h = await client().workflow.start(selectionPlanWorkflow, { workflowId: caseId, taskQueue, args: [{ input: { kind: 'evaluation', organiser: 'national', draft, createdBy: natOfficer } }] });
      await h.executeUpdate(commandUpdate, { args: [{ type: 'SUBMIT', payload: {}, actor: natOfficer }] });
      const notice = await store.notifications.findOne({ caseId, template: 'selectionPlan.submitted' });
      expect(notice).toMatchObject({ to: { role: 'leader', unit: 'national' } });
      expect(await client().workflow.getHandle(deliveryWorkflowId(notice!._id)).result()).toEqual({ status: 'sent', sent: ['email'] });
      expect(mailsFor(notice!._id)).toHaveLength(1);
      expect(mailsFor(notice!._id)[0]!.to).toEqual(['leaders@national.example']);
      // End the case as its organiser would (terminating mid-task stalls the time-skipping server).
      await h.executeUpdate(commandUpdate, { args: [{ type: 'CANCEL', payload: { reason: 'test finished' }, actor: natOfficer }] });
      await h.result();
    });
  });
});

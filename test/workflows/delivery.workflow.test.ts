/**
 * The delivery workflow on the time-skipping test server with the real delivery activities, the real
 * store, a real SMTP server and a real webhook receiver: one delivery per document however often it is
 * started, Temporal's retries (30 s backoff, skipped) until the server takes the message, `failed` when
 * it never does, `failed` at once without retries when the refusal is permanent (SMTP 550, webhook
 * 404) while a webhook 429 is retried, a case's `notify` starting the deliveries through the worker's
 * own client, and a listing's annual report reminders reaching the institution's mailbox once each,
 * with every real worker activity.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationBatch } from '../../activities/contracts.js';
import { createDeliveryActivities } from '../../activities/delivery.js';
import { createNotificationActivities, deliveryWorkflowId } from '../../activities/notifications.js';
import type { ListingInput } from '../../machines/listing.machine.js';
import { SYSTEM_PRINCIPAL, type Unit } from '../../rules/actors.js';
import { shanghaiDate } from '../../rules/calendar/dates.js';
import type { NotificationDoc } from '../../store/documents.js';
import { connectStore, type Store } from '../../store/mongo.js';
import { createActivities, deliveryChannels } from '../../worker/activities.js';
import { caseViewQuery, commandUpdate, deliverNotification, listingWorkflow, selectionPlanWorkflow } from '../../workflows/index.js';
import { draft } from '../fixtures/selectionPlan.js';
import { institution, natAdmin, natOfficer } from '../fixtures/principals.js';
import { startSmtpSink, startWebhookSink, type SmtpSink, type WebhookSink } from '../support/deliverySinks.js';
import { useTimeSkippingEnv, workflowBundle } from '../support/temporal.js';

const testEnv = useTimeSkippingEnv();
let store: Store;
let smtp: SmtpSink;
let hooks: WebhookSink;
let seq = 0;

beforeAll(async () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run the tests with `npm test`');
  store = await connectStore(uri, `test_delivery_wf_${Date.now().toString(36)}`);
  smtp = await startSmtpSink();
  hooks = await startWebhookSink();
});
afterAll(async () => {
  await smtp?.close();
  await hooks?.close();
  await store?.db.dropDatabase();
  await store?.client.close();
});

const channels = () => deliveryChannels({ smtpUrl: smtp.url, smtpFrom: 'DTE test <no-reply@dte.invalid>' });
/** The environment the running describe block uses: this file's, or the listing block's own (below). */
let currentEnv = testEnv;
const client = () => currentEnv().client as unknown as Client;

/** A worker with the delivery and notification activities (no case activities needed). */
async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `tq-delivery-${++seq}-${Date.now()}`;
  const activities = { ...createNotificationActivities(store), ...createDeliveryActivities(store, channels()) };
  const worker = await Worker.create({ connection: testEnv().nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}

/** Puts one message to `unit` in the outbox (delivery not started), the unit's contact an e-mail address unless given. */
async function outbox(caseId: string, unit: Unit, contact: { email?: string[]; webhook?: { url: string } } = { email: [`officer@${unit.replace(/\W/g, '-')}.example`] }): Promise<string> {
  await store.contacts.replaceOne({ _id: unit }, { ...contact, updatedAt: new Date(), updatedBy: natAdmin }, { upsert: true });
  const { notify } = createNotificationActivities(store, { startDelivery: async () => undefined });
  const b: NotificationBatch = { caseId, caseType: 'selectionPlan', seq: 1, at: '2026-09-28T02:00:00.000Z', messages: [{ to: [{ role: 'officer', unit }], template: 't', subject: 'Subject', body: 'Body', rule: 'R7.1' }] };
  await new MockActivityEnvironment({ taskQueue: 'unused' }).run(notify, b);
  return `${caseId}#1#0#0`;
}

const mailsFor = (id: string) => smtp.messages.filter((m) => m.headers['x-idempotency-key'] === id);

/**
 * The attempt on which `sendNotification` ended, from the delivery workflow's history (retries are not
 * events: the started event carries the attempt number), and the failure it ended with, if any.
 */
async function sendOutcome(notificationId: string) {
  const { events } = await client().workflow.getHandle(deliveryWorkflowId(notificationId)).fetchHistory();
  const scheduled = events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendNotification')!;
  const of = (id: unknown) => Number(id) === Number(scheduled.eventId);
  const started = events!.find((e) => of(e.activityTaskStartedEventAttributes?.scheduledEventId))!;
  const failed = events!.find((e) => of(e.activityTaskFailedEventAttributes?.scheduledEventId));
  const failure = failed?.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo;
  return { attempt: started.activityTaskStartedEventAttributes!.attempt, failure: failure ? { type: failure.type, nonRetryable: failure.nonRetryable } : null };
}
const start = (taskQueue: string, id: string) =>
  client().workflow.start(deliverNotification, { workflowId: deliveryWorkflowId(id), taskQueue, args: [{ notificationId: id }], workflowIdReusePolicy: 'REJECT_DUPLICATE' });

/** Waits in real time (the test server's clock stays put between skips) until `probe` answers. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The case's outbox once every document is settled — not pending, its delivery workflow closed — and
 * `ready` holds. Describing a workflow does not move the test server's clock (awaiting a result does).
 */
const settled = (caseId: string, ready: (docs: NotificationDoc[]) => boolean = () => true) =>
  eventually(`the deliveries of ${caseId}`, async () => {
    const docs = await store.notifications.find({ caseId }).sort({ createdAt: 1, _id: 1 }).toArray();
    if (!ready(docs) || docs.some((d) => d.status === 'pending')) return undefined;
    const runs = await Promise.all(docs.map((d) => client().workflow.getHandle(deliveryWorkflowId(d._id)).describe().then((x) => x.status.name, () => 'NOT_STARTED')));
    return runs.every((r) => r !== 'RUNNING' && r !== 'NOT_STARTED') ? docs : undefined;
  });
const atLeast = (template: string, count: number) => (docs: NotificationDoc[]) => docs.filter((d) => d.template === template).length >= count;

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

  it('SMTP 550 is permanent: one attempt, no retry, no backoff; the document is failed at once', async () => {
    const id = await outbox('selection-plan:national:wf-smtp550', 'province:49');
    const refusedBefore = smtp.refused;
    smtp.failNext(1, 550);
    const result = await withWorker(async (tq) => (await start(tq, id)).result());
    expect(result).toEqual({ status: 'failed', sent: [] });
    expect(smtp.refused - refusedBefore).toBe(1);
    expect(mailsFor(id)).toHaveLength(0);
    expect(await store.notifications.findOne({ _id: id })).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringMatching(/failed permanently: email: .*550/),
      deliveries: { email: { status: 'failed', attempts: 1, lastError: expect.stringMatching(/550/) } },
    });
    // No retry: the activity ended on its first attempt with the non-retryable failure.
    expect(await sendOutcome(id)).toEqual({ attempt: 1, failure: { type: 'PermanentDeliveryFailure', nonRetryable: true } });
  });

  it('webhook 404 is permanent: one request, the document failed; webhook 429 is retried after the backoff and sent', async () => {
    const gone = await outbox('selection-plan:national:wf-hook404', 'province:50', { webhook: { url: hooks.url } });
    const busy = await outbox('selection-plan:national:wf-hook429', 'province:51', { webhook: { url: hooks.url } });
    const requestsFor = (id: string) => hooks.requests.filter((r) => r.headers['idempotency-key'] === id);

    hooks.answerNext(404);
    expect(await withWorker(async (tq) => (await start(tq, gone)).result())).toEqual({ status: 'failed', sent: [] });
    expect(requestsFor(gone)).toHaveLength(1);
    expect(await store.notifications.findOne({ _id: gone })).toMatchObject({ status: 'failed', attempts: 1, deliveries: { webhook: { status: 'failed', attempts: 1, lastError: 'webhook answered 404' } } });
    expect(await sendOutcome(gone)).toEqual({ attempt: 1, failure: { type: 'PermanentDeliveryFailure', nonRetryable: true } });

    hooks.answerNext(429);
    expect(await withWorker(async (tq) => (await start(tq, busy)).result())).toEqual({ status: 'sent', sent: ['webhook'] });
    expect(requestsFor(busy)).toHaveLength(2);
    expect(hooks.received.filter((r) => r.headers['idempotency-key'] === busy)).toHaveLength(1);
    expect(await store.notifications.findOne({ _id: busy })).toMatchObject({ status: 'sent', attempts: 2, deliveries: { webhook: { status: 'sent', attempts: 2 } } });
    expect(await sendOutcome(busy)).toEqual({ attempt: 2, failure: null });
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
      // And let the deliveries its last step started close while the worker runs: one left open would hold the server's clock.
      await settled(caseId);
    });
  });
});

/** A header as its reader sees it: RFC 2047 encoded words (UTF-8, Q or B, as nodemailer writes them) decoded. */
function decodeHeader(value: string): string {
  return value.replace(/(?:=\?UTF-8\?[QB]\?[^?]*\?=(?:\s+(?==\?))?)+/gi, (run) => {
    const bytes = [...run.matchAll(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi)].map(([, enc, text]) =>
      enc!.toUpperCase() === 'B'
        ? Buffer.from(text!, 'base64')
        : Buffer.from(text!.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1'),
    );
    return Buffer.concat(bytes).toString('utf8');
  });
}

describe('a listing\'s reminders by e-mail, end to end', () => {
  // A time-skipping server of its own, its clock at today's date. Every `result()` awaited above lets the
  // file's server skip ahead to its next timer, and the test server's default run timeout is 10 years
  // (temporalio/sdk-java#191); under load that moved its clock about ten years per test
  // (measured: 2036, 2046, … 2086 after the seventh), which put the listing's deadlines past 2099, the end
  // of the holiday calendar (a non-retryable CalendarInputError; the listing failed in CI).
  const ownEnv = useTimeSkippingEnv();
  beforeAll(() => void (currentEnv = ownEnv));
  afterAll(() => void (currentEnv = testEnv));
  const listingInput = (y: number): Omit<ListingInput, 'caseId' | 'createdAt'> => ({
    listingId: 'training:i001:2-02-10-09',
    kind: 'training',
    institution: { id: 'i001', name: '示例培训学院', province: '44' },
    occupation: { code: '2-02-10-09', name: '人工智能工程技术人员' },
    organiser: 'province:44',
    recommender: 'industry:miit',
    publishedOn: `${y}-10-12`,
    createdBy: SYSTEM_PRINCIPAL,
  });

  it('with the real worker activities, each annual report reminder reaches the institution\'s mailbox once, recorded sent after one attempt; the listing is then withdrawn', async () => {
    const mailbox = 'office@i001.example';
    await store.contacts.replaceOne({ _id: 'institution:i001' }, { email: [mailbox], updatedAt: new Date(), updatedBy: natAdmin }, { upsert: true });
    const taskQueue = `tq-delivery-listing-${Date.now()}`;
    const activities = createActivities(store, { smtpUrl: smtp.url, smtpFrom: 'DTE test <no-reply@dte.invalid>' });
    const worker = await Worker.create({ connection: currentEnv().nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    await worker.runUntil(async () => {
      // Published on 12 October of the year after the server's (see test/workflows/listing.workflow.test.ts).
      const y = new Date(await currentEnv().currentTimeMs()).getUTCFullYear() + 1;
      const caseId = `listing:test:delivery-${Date.now()}`;
      const h = await client().workflow.start(listingWorkflow, { workflowId: caseId, taskQueue, args: [{ input: listingInput(y) }] });
      /** Skips the server's clock to `iso` (the timers in between fire); the workflow has caught up when its query answers. */
      const skipTo = async (iso: string) => {
        const now = await currentEnv().currentTimeMs();
        if (Date.parse(iso) > now) await currentEnv().sleep(Date.parse(iso) - now);
        await h.query(caseViewQuery);
      };
      const reminderMails = () => smtp.messages.filter((m) => m.headers['x-idempotency-key']?.startsWith(`${caseId}#`) && decodeHeader(m.headers.subject ?? '').includes('Annual report'));

      // R14.2: the first reminder of the report on year y, 1 December 09:00 Shanghai.
      await skipTo(`${y}-12-01T01:05:00.000Z`);
      await settled(caseId, atLeast('listing.annualReportReminder', 1));
      const [first, ...more] = reminderMails();
      expect(more).toEqual([]);
      expect(first!.to).toEqual([mailbox]);
      const firstDoc = await store.notifications.findOne({ _id: first!.headers['x-idempotency-key'] });
      expect(firstDoc).toMatchObject({ caseId, template: 'listing.annualReportReminder', to: { role: 'institution', unit: 'institution:i001' }, status: 'sent', attempts: 1, deliveries: { email: { status: 'sent', attempts: 1, target: mailbox } } });
      expect(decodeHeader(first!.headers.subject!)).toBe(firstDoc!.subject);
      expect(firstDoc!.createdAt.toISOString().slice(0, 16)).toBe(`${y}-12-01T01:00`);

      // The second reminder, 15 January: two reminder e-mails in all, one per reminder.
      await skipTo(`${y + 1}-01-15T01:05:00.000Z`);
      const docs = await settled(caseId, atLeast('listing.annualReportReminder', 2));
      const reminders = docs.filter((d) => d.template === 'listing.annualReportReminder');
      expect(reminders.map((d) => d.createdAt.toISOString().slice(0, 16))).toEqual([`${y}-12-01T01:00`, `${y + 1}-01-15T01:00`]);
      for (const d of reminders) expect(d).toMatchObject({ status: 'sent', attempts: 1, deliveries: { email: { status: 'sent', attempts: 1 } } });
      const mails = reminderMails();
      expect(mails).toHaveLength(2);
      expect(mails.map((m) => m.headers['x-idempotency-key'])).toEqual(reminders.map((d) => d._id));

      // End the listing (a workflow left running would hold the test server's clock): withdrawn from today, at once.
      const today = shanghaiDate(new Date(await currentEnv().currentTimeMs()).toISOString());
      await h.executeUpdate(commandUpdate, { args: [{ type: 'WITHDRAW', payload: { effectiveOn: today, reason: 'test' }, actor: institution }] });
      expect((await h.result()).state).toBe('withdrawn');
      // And every delivery the case started (the withdrawal's notices too) has closed before the worker stops.
      await settled(caseId, atLeast('listing.withdrawal', 1));
      expect(reminderMails()).toHaveLength(2);
    });
  });
});

/**
 * Delivery of the outbox against the real store, a real SMTP server and a real webhook receiver: each
 * channel sends a document once, a failed channel is recorded and sent again on the next attempt
 * (and only it), a permanent failure (SMTP 5xx, an unusable address, webhook 4xx but 408/425/429) is
 * recorded `failed` and never tried again, a unit without contact is undeliverable, and `notify`
 * starts one delivery per document.
 */
import { createHmac } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationBatch } from '../../activities/contracts.js';
import { createDeliveryActivities, isPermanentFailure, messageIdOf, WebhookRefused, type WebhookPayload } from '../../activities/delivery.js';
import { createNotificationActivities } from '../../activities/notifications.js';
import type { Unit } from '../../rules/actors.js';
import { connectStore, type Store } from '../../store/mongo.js';
import { deliveryChannels } from '../../worker/activities.js';
import { natAdmin } from '../fixtures/principals.js';
import { startSmtpSink, startWebhookSink, type SmtpSink, type WebhookSink } from '../support/deliverySinks.js';

const SECRET = 'webhook-secret-for-tests';
let store: Store;
let smtp: SmtpSink;
let hooks: WebhookSink;
const env = new MockActivityEnvironment({ taskQueue: 'tq-delivery-test' });

beforeAll(async () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run the tests with `npm test`');
  store = await connectStore(uri, `test_delivery_${Date.now().toString(36)}`);
});
afterAll(async () => {
  await store?.db.dropDatabase();
  await store?.client.close();
});
beforeEach(async () => {
  smtp = await startSmtpSink();
  hooks = await startWebhookSink();
});
afterEach(async () => {
  await smtp.close();
  await hooks.close();
});

const delivery = (over: { smtp?: boolean } = {}) =>
  createDeliveryActivities(store, deliveryChannels({ ...(over.smtp === false ? {} : { smtpUrl: smtp.url }), smtpFrom: 'DTE test <no-reply@dte.invalid>', webhookSecret: SECRET }));

function batch(caseId: string, units: Unit[], seq = 1): NotificationBatch {
  return {
    caseId,
    caseType: 'selectionPlan',
    seq,
    at: '2026-09-28T02:00:00.000Z',
    messages: [{ to: units.map((unit) => ({ role: 'officer' as const, unit })), template: 'selectionPlan.submitted', subject: 'Plan submitted for approval', body: 'The selection plan awaits your approval (R7.1).', rule: 'R7.1' }],
  };
}

/** Puts a batch in the outbox (delivery not started) and returns the document ids. */
async function outbox(caseId: string, units: Unit[]): Promise<string[]> {
  const { notify } = createNotificationActivities(store, { startDelivery: async () => undefined });
  await env.run(notify, batch(caseId, units));
  return (await store.notifications.find({ caseId }).sort({ _id: 1 }).toArray()).map((d) => d._id);
}

async function contact(unit: Unit, c: { email?: string[]; webhook?: string }) {
  await store.contacts.replaceOne(
    { _id: unit },
    { ...(c.email ? { email: c.email } : {}), ...(c.webhook ? { webhook: { url: c.webhook } } : {}), updatedAt: new Date(), updatedBy: natAdmin },
    { upsert: true },
  );
}

const docOf = async (id: string) => (await store.notifications.findOne({ _id: id }))!;
const failureOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as Error & { type?: string; nonRetryable?: boolean });

describe('sendNotification', () => {
  it('delivers a document once by e-mail and by webhook; calling again sends nothing more', async () => {
    await contact('province:44', { email: ['officer@hr44.example', 'duty@hr44.example'], webhook: hooks.url });
    const [id] = await outbox('selection-plan:national:both', ['province:44']);
    const acts = delivery();

    expect(await acts.sendNotification(id!)).toEqual({ status: 'sent', sent: ['email', 'webhook'] });

    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.to).toEqual(['officer@hr44.example', 'duty@hr44.example']);
    expect(mail.from).toBe('no-reply@dte.invalid');
    expect(mail.headers['message-id']).toBe(messageIdOf(id!));
    expect(mail.headers['message-id']).toMatch(/^<[A-Za-z0-9_#=-]+@dte\.invalid>$/);
    expect(mail.headers['x-idempotency-key']).toBe(id);
    expect(mail.headers.subject).toBe('Plan submitted for approval');
    expect(mail.body).toContain('The selection plan awaits your approval (R7.1).');

    expect(hooks.received).toHaveLength(1);
    const hook = hooks.received[0]!;
    expect(hook.headers['idempotency-key']).toBe(id);
    expect(hook.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hook.body) as WebhookPayload).toEqual({
      id,
      caseId: 'selection-plan:national:both',
      caseType: 'selectionPlan',
      template: 'selectionPlan.submitted',
      subject: 'Plan submitted for approval',
      body: 'The selection plan awaits your approval (R7.1).',
      rule: 'R7.1',
      to: { role: 'officer', unit: 'province:44' },
      createdAt: '2026-09-28T02:00:00.000Z',
    });

    const doc = await docOf(id!);
    expect(doc).toMatchObject({
      status: 'sent',
      attempts: 1,
      deliveries: { email: { status: 'sent', attempts: 1, target: 'officer@hr44.example, duty@hr44.example' }, webhook: { status: 'sent', attempts: 1, target: hooks.url } },
    });
    expect(doc.sentAt).toBeInstanceOf(Date);
    expect(doc.deliveries?.email?.sentAt).toBeInstanceOf(Date);

    // A retried activity or a second workflow run: nothing goes out again.
    expect(await acts.sendNotification(id!)).toEqual({ status: 'sent', sent: [] });
    expect(smtp.messages).toHaveLength(1);
    expect(hooks.requests).toHaveLength(1);
    expect(await docOf(id!)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('SMTP 451 on DATA: the call throws, the attempt and its error are recorded, the next call sends it once', async () => {
    await contact('province:45', { email: ['officer@hr45.example'] });
    const [id] = await outbox('selection-plan:national:smtp451', ['province:45']);
    const acts = delivery();
    smtp.failNext(1);

    const e = await failureOf(acts.sendNotification(id!));
    expect(e.message).toMatch(/email: .*451/);
    expect(smtp.refused).toBe(1);
    expect(smtp.messages).toHaveLength(0);
    const failed = await docOf(id!);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/451/), deliveries: { email: { status: 'retrying', attempts: 1, lastError: expect.stringMatching(/451/) } } });
    expect(failed.deliveries?.email?.lastAttemptAt).toBeInstanceOf(Date);

    expect(await acts.sendNotification(id!)).toEqual({ status: 'sent', sent: ['email'] });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.headers['x-idempotency-key']).toBe(id);
    expect(await docOf(id!)).toMatchObject({ status: 'sent', attempts: 2, deliveries: { email: { status: 'sent', attempts: 2 } } });
  });

  it('webhook 500 then 200: only the failed channel is sent again (the e-mail went out once)', async () => {
    await contact('province:46', { email: ['officer@hr46.example'], webhook: hooks.url });
    const [id] = await outbox('selection-plan:national:hook500', ['province:46']);
    const acts = delivery();
    hooks.answerNext(500);

    const e = await failureOf(acts.sendNotification(id!));
    expect(e.message).toMatch(/webhook: webhook answered 500/);
    expect(await docOf(id!)).toMatchObject({ status: 'pending', attempts: 1, deliveries: { email: { status: 'sent', attempts: 1 }, webhook: { status: 'retrying', attempts: 1, lastError: 'webhook answered 500' } } });

    expect(await acts.sendNotification(id!)).toEqual({ status: 'sent', sent: ['webhook'] });
    expect(hooks.requests).toHaveLength(2);
    expect(hooks.received).toHaveLength(1);
    expect(hooks.requests.map((r) => r.headers['idempotency-key'])).toEqual([id, id]);
    expect(smtp.messages).toHaveLength(1);
    expect(await docOf(id!)).toMatchObject({ status: 'sent', attempts: 2, deliveries: { email: { status: 'sent', attempts: 1 }, webhook: { status: 'sent', attempts: 2 } } });
  });

  it('a unit without contact is undeliverable, without an error to retry; so are addresses for an unconfigured channel', async () => {
    await contact('industry:noemail', { email: ['someone@industry.example'] });
    const [none, emailOnly] = await outbox('selection-plan:national:nocontact', ['institution:nobody', 'industry:noemail']);

    expect(await delivery().sendNotification(none!)).toEqual({ status: 'undeliverable', sent: [] });
    expect(await docOf(none!)).toMatchObject({ status: 'undeliverable', lastError: 'no contact for institution:nobody' });

    // The unit has e-mail addresses, but this deployment has no SMTP server.
    expect(await delivery({ smtp: false }).sendNotification(emailOnly!)).toEqual({ status: 'undeliverable', sent: [] });
    expect(await docOf(emailOnly!)).toMatchObject({ status: 'undeliverable', lastError: 'no channel configured' });
    expect(smtp.messages).toHaveLength(0);
    expect(hooks.requests).toHaveLength(0);
  });

  it('signs the webhook body: HMAC-SHA256 with the shared secret verifies, a changed body does not', async () => {
    await contact('province:47', { webhook: hooks.url });
    const [id] = await outbox('selection-plan:national:signed', ['province:47']);
    await delivery().sendNotification(id!);
    const { headers, body } = hooks.received[0]!;
    const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    expect(headers['x-dte-signature']).toBe(expected);
    const tampered = `sha256=${createHmac('sha256', SECRET).update(body.replace('R7.1', 'R7.2')).digest('hex')}`;
    expect(tampered).not.toBe(headers['x-dte-signature']);
    expect(`sha256=${createHmac('sha256', 'another-secret').update(body).digest('hex')}`).not.toBe(headers['x-dte-signature']);

    // Without a secret the webhook goes out unsigned.
    const [other] = await outbox('selection-plan:national:unsigned', ['province:47']);
    await createDeliveryActivities(store, {}).sendNotification(other!);
    expect(hooks.received[1]!.headers['idempotency-key']).toBe(other);
    expect(hooks.received[1]!.headers['x-dte-signature']).toBeUndefined();
  });

  it('a missing document is a non-retryable NotificationNotFound; a failed delivery is marked failed, a sent one stays sent', async () => {
    const e = await failureOf(delivery().sendNotification('no-such#1#0#0'));
    expect(e).toMatchObject({ type: 'NotificationNotFound', nonRetryable: true });

    await contact('province:48', { webhook: hooks.url });
    const [gaveUp, sent] = await outbox('selection-plan:national:failed', ['province:48', 'national']);
    await delivery().markNotificationFailed(gaveUp!, 'webhook answered 503');
    expect(await docOf(gaveUp!)).toMatchObject({ status: 'failed', lastError: 'webhook answered 503' });

    await contact('national', { webhook: hooks.url });
    await delivery().sendNotification(sent!);
    await delivery().markNotificationFailed(sent!, 'late');
    expect(await docOf(sent!)).toMatchObject({ status: 'sent' });
  });

  it('SMTP 550 on DATA is permanent: the e-mail is failed after one attempt, the call throws the non-retryable PermanentDeliveryFailure, and no later call tries it again', async () => {
    await contact('province:49', { email: ['officer@hr49.example'] });
    const [id] = await outbox('selection-plan:national:smtp550', ['province:49']);
    const acts = delivery();
    smtp.failNext(1, 550);

    const e = await failureOf(acts.sendNotification(id!));
    expect(e).toMatchObject({ type: 'PermanentDeliveryFailure', nonRetryable: true });
    expect(e.message).toMatch(/failed permanently: email: .*550/);
    expect(smtp.refused).toBe(1);
    const failed = await docOf(id!);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringMatching(/^email: .*550/),
      deliveries: { email: { status: 'failed', attempts: 1, target: 'officer@hr49.example', lastError: expect.stringMatching(/550/) } },
    });
    expect(failed.deliveries?.email?.lastAttemptAt).toBeInstanceOf(Date);

    // Called again (a retried activity): the refused channel is not tried again, the answer is the same.
    await expect(failureOf(acts.sendNotification(id!))).resolves.toMatchObject({ type: 'PermanentDeliveryFailure', nonRetryable: true });
    expect(smtp.refused).toBe(1);
    expect(smtp.messages).toHaveLength(0);
    expect(await docOf(id!)).toMatchObject({ status: 'failed', attempts: 1, deliveries: { email: { status: 'failed', attempts: 1 } } });
  });

  it('an address nodemailer cannot use (EENVELOPE, no reply) or the server refuses (501) is permanent', async () => {
    await contact('province:50', { email: ['not-an-address'] });
    await contact('province:51', { email: ['bad<x>@hr51.example'] });
    const [unusable, refused] = await outbox('selection-plan:national:bad-address', ['province:50', 'province:51']);

    await expect(failureOf(delivery().sendNotification(unusable!))).resolves.toMatchObject({ type: 'PermanentDeliveryFailure', nonRetryable: true });
    expect(await docOf(unusable!)).toMatchObject({ status: 'failed', deliveries: { email: { status: 'failed', attempts: 1, lastError: 'No recipients defined' } } });
    await expect(failureOf(delivery().sendNotification(refused!))).resolves.toMatchObject({ type: 'PermanentDeliveryFailure', nonRetryable: true });
    expect(await docOf(refused!)).toMatchObject({ status: 'failed', deliveries: { email: { status: 'failed', attempts: 1, lastError: expect.stringMatching(/501/) } } });
    expect(smtp.messages).toHaveLength(0);
  });

  it('webhook 404 is permanent: failed after one request, never requested again', async () => {
    await contact('province:52', { webhook: hooks.url });
    const [id] = await outbox('selection-plan:national:hook404', ['province:52']);
    const acts = delivery();
    hooks.answerNext(404);

    const e = await failureOf(acts.sendNotification(id!));
    expect(e).toMatchObject({ type: 'PermanentDeliveryFailure', nonRetryable: true });
    expect(e.message).toMatch(/webhook: webhook answered 404/);
    expect(await docOf(id!)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'webhook: webhook answered 404', deliveries: { webhook: { status: 'failed', attempts: 1, lastError: 'webhook answered 404' } } });

    await expect(failureOf(acts.sendNotification(id!))).resolves.toMatchObject({ type: 'PermanentDeliveryFailure' });
    expect(hooks.requests).toHaveLength(1);
    expect(hooks.received).toHaveLength(0);
  });

  it('webhook 429 is temporary: a retryable failure, then sent on the next call', async () => {
    await contact('province:53', { webhook: hooks.url });
    const [id] = await outbox('selection-plan:national:hook429', ['province:53']);
    const acts = delivery();
    hooks.answerNext(429);

    const e = await failureOf(acts.sendNotification(id!));
    expect(e.message).toMatch(/webhook: webhook answered 429/);
    expect(e.nonRetryable).toBeFalsy();
    expect(await docOf(id!)).toMatchObject({ status: 'pending', attempts: 1, deliveries: { webhook: { status: 'retrying', attempts: 1, lastError: 'webhook answered 429' } } });

    expect(await acts.sendNotification(id!)).toEqual({ status: 'sent', sent: ['webhook'] });
    expect(hooks.requests).toHaveLength(2);
    expect(hooks.received).toHaveLength(1);
    expect(await docOf(id!)).toMatchObject({ status: 'sent', attempts: 2, deliveries: { webhook: { status: 'sent', attempts: 2 } } });
  });

  it('SMTP 550 with a webhook 500: still retried for the webhook only; once it is sent, nothing is left and the document is failed for the e-mail', async () => {
    await contact('province:54', { email: ['officer@hr54.example'], webhook: hooks.url });
    const [id] = await outbox('selection-plan:national:mixed', ['province:54']);
    const acts = delivery();
    smtp.failNext(1, 550);
    hooks.answerNext(500);

    const e = await failureOf(acts.sendNotification(id!));
    expect(e.nonRetryable).toBeFalsy();
    expect(e.message).toMatch(/email: .*550.*; webhook: webhook answered 500$/);
    expect(await docOf(id!)).toMatchObject({ status: 'pending', attempts: 1, deliveries: { email: { status: 'failed', attempts: 1 }, webhook: { status: 'retrying', attempts: 1 } } });

    const last = await failureOf(acts.sendNotification(id!));
    expect(last).toMatchObject({ type: 'PermanentDeliveryFailure', nonRetryable: true });
    expect(smtp.refused).toBe(1);
    expect(smtp.messages).toHaveLength(0);
    expect(hooks.received).toHaveLength(1);
    expect(await docOf(id!)).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: expect.stringMatching(/^email: .*550/),
      deliveries: { email: { status: 'failed', attempts: 1 }, webhook: { status: 'sent', attempts: 2 } },
    });
  });

  it('what is permanent: SMTP 5xx (not 503, not a refused login) and EENVELOPE without a reply; webhook 4xx but 408, 425, 429', () => {
    const smtpError = (code: string, responseCode?: number) => Object.assign(new Error('x'), { code, ...(responseCode ? { responseCode } : {}) });
    expect(isPermanentFailure('email', smtpError('EMESSAGE', 550))).toBe(true);
    expect(isPermanentFailure('email', smtpError('EENVELOPE', 553))).toBe(true);
    expect(isPermanentFailure('email', smtpError('EENVELOPE'))).toBe(true);
    expect(isPermanentFailure('email', smtpError('EMESSAGE', 451))).toBe(false);
    expect(isPermanentFailure('email', smtpError('EENVELOPE', 450))).toBe(false);
    expect(isPermanentFailure('email', smtpError('EPROTOCOL', 503))).toBe(false);
    expect(isPermanentFailure('email', smtpError('EAUTH', 535))).toBe(false);
    expect(isPermanentFailure('email', smtpError('ECONNECTION'))).toBe(false);
    expect(isPermanentFailure('email', smtpError('ETIMEDOUT'))).toBe(false);
    for (const status of [400, 401, 403, 404, 410, 413, 422]) expect(isPermanentFailure('webhook', new WebhookRefused(status)), String(status)).toBe(true);
    for (const status of [302, 408, 425, 429, 500, 502, 503]) expect(isPermanentFailure('webhook', new WebhookRefused(status)), String(status)).toBe(false);
    expect(isPermanentFailure('webhook', new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(false);
  });

  it('message ids keep distinct documents distinct', () => {
    expect(messageIdOf('a:b#1#0#0')).toBe('<a=3Ab#1#0#0@dte.invalid>');
    expect(messageIdOf('a:b#1#0#0')).not.toBe(messageIdOf('a.b#1#0#0'));
    expect(messageIdOf('申请#1')).toMatch(/^<[A-Za-z0-9_#=-]+@dte\.invalid>$/);
  });
});

describe('notify starts the deliveries', () => {
  it('the same batch twice: one document per recipient, and a delivery start for each, again on the retry', async () => {
    const started: string[] = [];
    const queues = new Set<string>();
    const { notify } = createNotificationActivities(store, {
      startDelivery: async (id, taskQueue) => {
        started.push(id);
        queues.add(taskQueue);
      },
    });
    const b = batch('selection-plan:national:notify-twice', ['province:44', 'national']);
    expect(await env.run(notify, b)).toBe(2);
    expect(await env.run(notify, b)).toBe(0);

    const ids = (await store.notifications.find({ caseId: b.caseId }).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(ids).toEqual([`${b.caseId}#1#0#0`, `${b.caseId}#1#0#1`]);
    // Started for every document on both attempts: the workflow id `notification:<id>` makes it one delivery.
    expect([...started].sort()).toEqual([ids[0], ids[0], ids[1], ids[1]]);
    expect([...queues]).toEqual(['tq-delivery-test']);
  });

  it('an attempt that inserted the documents but failed to start their deliveries is made good by the retry', async () => {
    const started: string[] = [];
    let fail = true;
    const { notify } = createNotificationActivities(store, {
      startDelivery: async (id) => {
        if (fail) throw new Error('Temporal unavailable');
        started.push(id);
      },
    });
    const b = batch('selection-plan:national:notify-retry', ['province:44']);
    await expect(env.run(notify, b)).rejects.toThrow('Temporal unavailable');
    expect(await store.notifications.countDocuments({ caseId: b.caseId })).toBe(1);
    fail = false;
    expect(await env.run(notify, b)).toBe(0);
    expect(started).toEqual([`${b.caseId}#1#0#0`]);
  });
});

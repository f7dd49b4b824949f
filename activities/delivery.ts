/**
 * Delivers one outbox document (store `notifications`) to its recipient unit by e-mail (SMTP) and by
 * webhook, as the unit's contact (store `contacts`, keyed by unit) says.
 *
 * Run by the `deliverNotification` workflow (workflows/delivery.workflow.ts), one per document, whose
 * retry policy does the retrying: `sendNotification` sends on every addressed channel not yet `sent`
 * or `failed`, records each channel's outcome on the document (`deliveries.<channel>`: status,
 * attempts, lastError, sentAt) and throws when a channel failed, so Temporal tries again later and only
 * the failed channels are sent again. A channel recorded `sent` is never sent again.
 *
 * A failure that another attempt cannot cure is permanent (`isPermanentFailure`): an SMTP reply 5xx
 * (except 503, a protocol slip, and a refused login, which is this deployment's configuration to fix)
 * or an envelope nodemailer refuses (`EENVELOPE` without a reply: no or invalid recipients), and a
 * webhook answer 4xx other than 408, 425 and 429. The channel is recorded `failed` and not tried
 * again; once every channel not sent has failed so, the document is `failed` and the call throws the
 * non-retryable `PermanentDeliveryFailure`, so the workflow stops at once. A temporary failure of
 * another channel keeps the document retrying. Between a send and its record a crash
 * can still repeat it (no outside system commits with us), so every message carries the document id as
 * its idempotency key for the receiver: the e-mail `Message-ID` and `X-Idempotency-Key`, the webhook's
 * `Idempotency-Key`. Webhook bodies are signed (`X-DTE-Signature: sha256=<hex HMAC-SHA256 of the body>`)
 * when a secret is configured.
 *
 * A unit without a contact, or with addresses only for channels this deployment does not configure,
 * makes the document `undeliverable` (not an error: nothing to retry). `markNotificationFailed` is what
 * the workflow calls when it gives up.
 */
import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import type { ChannelDelivery, DeliveryChannel, NotificationDoc } from '../store/documents.js';
import type { Store } from '../store/mongo.js';

export interface DeliveryChannels {
  email?: { transport: Pick<Transporter, 'sendMail'>; from: string };
  /** Signs webhook bodies; unsigned without it. */
  webhookSecret?: string;
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** A webhook that does not answer within this is a failed attempt (default 15 s). */
  webhookTimeoutMs?: number;
}

export interface DeliveryResult {
  status: NotificationDoc['status'];
  /** Channels sent by this call. */
  sent: DeliveryChannel[];
}

/** The body a webhook receives (also what its signature covers, byte for byte). */
export interface WebhookPayload {
  id: string;
  caseId: string;
  caseType: string;
  template: string;
  subject: string;
  body: string;
  rule: string;
  to: NotificationDoc['to'];
  createdAt: string;
}

/** `<id@dte.invalid>` with every character outside `[A-Za-z0-9_#-]` written `=XX` (UTF-8), so distinct ids stay distinct. */
export function messageIdOf(notificationId: string): string {
  const local = Array.from(Buffer.from(notificationId, 'utf8'))
    .map((b) => (/[A-Za-z0-9_#-]/.test(String.fromCharCode(b)) && b < 0x80 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
  return `<${local}@dte.invalid>`;
}

export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 500);

/** A webhook's answer outside 2xx. */
export class WebhookRefused extends Error {
  constructor(readonly status: number) {
    super(`webhook answered ${status}`);
    this.name = 'WebhookRefused';
  }
}

/** Webhook answers in 4xx that say "later", not "never": Request Timeout, Too Early, Too Many Requests. */
const WEBHOOK_TEMPORARY_4XX = new Set([408, 425, 429]);

/**
 * Whether trying again cannot help: the SMTP server refused for good (reply 5xx; nodemailer sets
 * `responseCode`), nodemailer refused the envelope before any reply (`EENVELOPE`: no or invalid
 * recipient), or the webhook answered 4xx other than 408/425/429. Not permanent: 4xx replies (greylisting,
 * a full mailbox, an envelope deferred), SMTP 503 (bad sequence, a protocol slip), a refused login
 * (`EAUTH`: the deployment's credentials, fixed by its operators while the retries run), 3xx and 5xx
 * webhook answers, timeouts and network errors.
 */
export function isPermanentFailure(channel: DeliveryChannel, e: unknown): boolean {
  if (channel === 'webhook') return e instanceof WebhookRefused && e.status >= 400 && e.status <= 499 && !WEBHOOK_TEMPORARY_4XX.has(e.status);
  const { code, responseCode } = (e ?? {}) as { code?: unknown; responseCode?: unknown };
  if (typeof responseCode === 'number') return responseCode >= 500 && responseCode <= 599 && responseCode !== 503 && code !== 'EAUTH';
  return code === 'EENVELOPE';
}

export function createDeliveryActivities(store: Pick<Store, 'notifications' | 'contacts'>, channels: DeliveryChannels = {}) {
  const doFetch = channels.fetch ?? fetch;

  async function sendEmail(doc: NotificationDoc, to: string[]): Promise<void> {
    const email = channels.email!;
    await email.transport.sendMail({
      from: email.from,
      to,
      subject: doc.subject,
      text: doc.body,
      messageId: messageIdOf(doc._id),
      headers: { 'X-Idempotency-Key': doc._id },
    });
  }

  async function sendWebhook(doc: NotificationDoc, url: string): Promise<void> {
    const payload: WebhookPayload = {
      id: doc._id,
      caseId: doc.caseId,
      caseType: doc.caseType,
      template: doc.template,
      subject: doc.subject,
      body: doc.body,
      rule: doc.rule,
      to: doc.to,
      createdAt: doc.createdAt.toISOString(),
    };
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': doc._id };
    if (channels.webhookSecret) headers['x-dte-signature'] = webhookSignature(channels.webhookSecret, body);
    const res = await doFetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(channels.webhookTimeoutMs ?? 15_000) });
    // Drain the body so the connection is released; its content is not ours to keep.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status > 299) throw new WebhookRefused(res.status);
  }

  return {
    async sendNotification(notificationId: string): Promise<DeliveryResult> {
      const doc = await store.notifications.findOne({ _id: notificationId });
      if (!doc) throw ApplicationFailure.create({ type: 'NotificationNotFound', message: `no notification ${notificationId}`, nonRetryable: true });
      if (doc.status === 'sent') return { status: 'sent', sent: [] };

      const contact = await store.contacts.findOne({ _id: doc.to.unit });
      const emails = contact?.email?.filter((a) => a.length > 0) ?? [];
      const webhookUrl = contact?.webhook?.url;
      const addressed: { channel: DeliveryChannel; target: string; send: () => Promise<void> }[] = [];
      if (emails.length > 0 && channels.email) addressed.push({ channel: 'email', target: emails.join(', '), send: () => sendEmail(doc, emails) });
      if (webhookUrl) addressed.push({ channel: 'webhook', target: webhookUrl, send: () => sendWebhook(doc, webhookUrl) });

      if (addressed.length === 0) {
        const lastError = emails.length === 0 && !webhookUrl ? `no contact for ${doc.to.unit}` : 'no channel configured';
        await store.notifications.updateOne({ _id: doc._id, status: { $ne: 'sent' } }, { $set: { status: 'undeliverable', lastError } });
        return { status: 'undeliverable', sent: [] };
      }

      const statusOf = (c: DeliveryChannel) => doc.deliveries?.[c]?.status;
      // A channel sent is never sent again; one failed permanently is never tried again.
      const pending = addressed.filter((a) => statusOf(a.channel) !== 'sent' && statusOf(a.channel) !== 'failed');
      const sent: DeliveryChannel[] = [];
      /** This call's failures: channel → error text, and whether it may pass. */
      const failures = new Map<DeliveryChannel, { message: string; permanent: boolean }>();
      for (const a of pending) {
        const at = new Date();
        const attempts = (doc.deliveries?.[a.channel]?.attempts ?? 0) + 1;
        try {
          await a.send();
        } catch (e) {
          const message = errorText(e);
          const permanent = isPermanentFailure(a.channel, e);
          failures.set(a.channel, { message, permanent });
          await store.notifications.updateOne(
            { _id: doc._id },
            {
              $set: {
                [`deliveries.${a.channel}.status`]: permanent ? 'failed' : 'retrying',
                [`deliveries.${a.channel}.target`]: a.target,
                [`deliveries.${a.channel}.lastError`]: message,
                [`deliveries.${a.channel}.lastAttemptAt`]: at,
              },
              $inc: { [`deliveries.${a.channel}.attempts`]: 1 },
            },
          );
          continue;
        }
        const record: ChannelDelivery = { status: 'sent', target: a.target, sentAt: new Date(), attempts };
        await store.notifications.updateOne({ _id: doc._id }, { $set: { [`deliveries.${a.channel}`]: record } });
        sent.push(a.channel);
      }

      // The channels still owed the message: none → sent; every one of them failed for good (now or before) → failed.
      const unsent = addressed.filter((a) => statusOf(a.channel) !== 'sent' && !sent.includes(a.channel));
      const allSent = unsent.length === 0;
      const givenUp = !allSent && unsent.every((a) => failures.get(a.channel)?.permanent ?? statusOf(a.channel) === 'failed');
      const errorOf = (c: DeliveryChannel) => `${c}: ${failures.get(c)?.message ?? doc.deliveries?.[c]?.lastError ?? 'failed'}`;
      const lastError = givenUp ? unsent.map((a) => errorOf(a.channel)).join('; ') : [...failures.keys()].map(errorOf).join('; ');
      const $set: Partial<NotificationDoc> = allSent ? { status: 'sent', sentAt: new Date() } : { status: givenUp ? 'failed' : 'pending' };
      if (lastError) $set.lastError = lastError;
      await store.notifications.updateOne({ _id: doc._id, status: { $ne: 'sent' } }, { $set, ...(pending.length > 0 ? { $inc: { attempts: 1 } } : {}) });
      if (givenUp) {
        // Nothing left that another attempt could deliver: the workflow stops at once (and marks the document failed).
        throw ApplicationFailure.create({ type: 'PermanentDeliveryFailure', message: `delivery of ${doc._id} failed permanently: ${lastError}`, nonRetryable: true });
      }
      // Temporal retries the activity; the channels already sent or failed for good are skipped next time.
      if (failures.size > 0) throw new Error(`delivery of ${doc._id} failed: ${lastError}`);
      return { status: allSent ? 'sent' : 'pending', sent };
    },

    /** The delivery workflow gave up: the document says so (a document already sent stays sent). */
    async markNotificationFailed(notificationId: string, message: string): Promise<void> {
      await store.notifications.updateOne({ _id: notificationId, status: { $ne: 'sent' } }, { $set: { status: 'failed', lastError: message.slice(0, 500) } });
    },
  };
}

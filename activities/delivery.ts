/**
 * Delivers one outbox document (store `notifications`) to its recipient unit by e-mail (SMTP) and by
 * webhook, as the unit's contact (store `contacts`, keyed by unit) says.
 *
 * Run by the `deliverNotification` workflow (workflows/delivery.workflow.ts), one per document, whose
 * retry policy does the retrying: `sendNotification` sends on every addressed channel not yet `sent`,
 * records each channel's outcome on the document (`deliveries.<channel>`: status, attempts, lastError,
 * sentAt) and throws when a channel failed, so Temporal tries again later and only the failed channels
 * are sent again. A channel recorded `sent` is never sent again. Between a send and its record a crash
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
    if (res.status < 200 || res.status > 299) throw new Error(`webhook answered ${res.status}`);
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

      const pending = addressed.filter((a) => doc.deliveries?.[a.channel]?.status !== 'sent');
      const sent: DeliveryChannel[] = [];
      const failures: string[] = [];
      for (const a of pending) {
        const at = new Date();
        const attempts = (doc.deliveries?.[a.channel]?.attempts ?? 0) + 1;
        try {
          await a.send();
        } catch (e) {
          const message = errorText(e);
          failures.push(`${a.channel}: ${message}`);
          await store.notifications.updateOne(
            { _id: doc._id },
            {
              $set: { [`deliveries.${a.channel}.status`]: 'retrying', [`deliveries.${a.channel}.target`]: a.target, [`deliveries.${a.channel}.lastError`]: message, [`deliveries.${a.channel}.lastAttemptAt`]: at },
              $inc: { [`deliveries.${a.channel}.attempts`]: 1 },
            },
          );
          continue;
        }
        const record: ChannelDelivery = { status: 'sent', target: a.target, sentAt: new Date(), attempts };
        await store.notifications.updateOne({ _id: doc._id }, { $set: { [`deliveries.${a.channel}`]: record } });
        sent.push(a.channel);
      }

      const allSent = addressed.every((a) => doc.deliveries?.[a.channel]?.status === 'sent' || sent.includes(a.channel));
      const $set: Partial<NotificationDoc> = allSent ? { status: 'sent', sentAt: new Date() } : { status: 'pending' };
      if (failures.length > 0) $set.lastError = failures.join('; ');
      await store.notifications.updateOne({ _id: doc._id, status: { $ne: 'sent' } }, { $set, ...(pending.length > 0 ? { $inc: { attempts: 1 } } : {}) });
      // Temporal retries the activity; the channels already sent are skipped next time.
      if (failures.length > 0) throw new Error(`delivery of ${doc._id} failed: ${failures.join('; ')}`);
      return { status: allSent ? 'sent' : 'pending', sent };
    },

    /** The delivery workflow gave up: the document says so (a document already sent stays sent). */
    async markNotificationFailed(notificationId: string, message: string): Promise<void> {
      await store.notifications.updateOne({ _id: notificationId, status: { $ne: 'sent' } }, { $set: { status: 'failed', lastError: message.slice(0, 500) } });
    },
  };
}

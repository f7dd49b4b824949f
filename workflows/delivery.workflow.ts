/**
 * Delivers one outbox document (activities/delivery.ts), started by the `notify` activity with the
 * workflow id `notification:<document id>`, so each document has exactly one delivery. Temporal's
 * retry policy does the retrying — 30 s doubling to hourly, 12 attempts (about 5½ hours) — and only the
 * channels not yet sent are tried again; when it gives up, the document is marked `failed`. A permanent
 * failure (`PermanentDeliveryFailure`: every channel not sent was refused for good, e.g. SMTP 550 or a
 * webhook 404) is not retried: the document is marked `failed` at once.
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { createDeliveryActivities, DeliveryResult } from '../activities/delivery.js';

type DeliveryActivities = ReturnType<typeof createDeliveryActivities>;

const { sendNotification } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 12, nonRetryableErrorTypes: ['NotificationNotFound', 'PermanentDeliveryFailure'] },
});
const { markNotificationFailed } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export interface DeliverNotificationInput {
  notificationId: string;
}

export async function deliverNotification({ notificationId }: DeliverNotificationInput): Promise<DeliveryResult> {
  try {
    return await sendNotification(notificationId);
  } catch (e) {
    if (!(e instanceof ActivityFailure)) throw e;
    const message = e.cause?.message ?? e.message;
    await markNotificationFailed(notificationId, message);
    return { status: 'failed', sent: [] };
  }
}

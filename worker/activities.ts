/** Composes every activity with its real clients. */
import { createTransport } from 'nodemailer';
import { createCalendarActivities } from '../activities/calendar.js';
import { createCaseStoreActivities } from '../activities/caseStore.js';
import { createDeliveryActivities, type DeliveryChannels } from '../activities/delivery.js';
import { createDirectoryActivities } from '../activities/directory.js';
import { createInspectionActivities } from '../activities/inspections.js';
import { createNotificationActivities } from '../activities/notifications.js';
import { createPanelActivities } from '../activities/panels.js';
import type { Config } from '../config/env.js';
import type { Store } from '../store/mongo.js';

/** How the outbox goes out: e-mail when `smtpUrl` is set, webhooks always (signed when `webhookSecret` is). */
export type DeliveryConfig = Partial<Pick<Config, 'smtpUrl' | 'smtpFrom' | 'webhookSecret'>>;

export function deliveryChannels(config: DeliveryConfig): DeliveryChannels {
  return {
    // Timeouts well inside the delivery activity's one minute, so a hung server is a failed attempt, not a timed-out one.
    ...(config.smtpUrl
      ? { email: { transport: createTransport({ url: config.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }), from: config.smtpFrom ?? 'DTE directory <no-reply@dte.invalid>' } }
      : {}),
    webhookSecret: config.webhookSecret,
  };
}

export function createActivities(store: Store, delivery: DeliveryConfig = {}) {
  return {
    ...createCaseStoreActivities(store),
    ...createNotificationActivities(store),
    ...createDeliveryActivities(store, deliveryChannels(delivery)),
    ...createPanelActivities(store),
    ...createDirectoryActivities(store),
    ...createInspectionActivities(store),
    ...createCalendarActivities({ loadArrangements: () => store.calendarYears.find({}).toArray() }),
  };
}

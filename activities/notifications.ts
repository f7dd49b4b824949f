/**
 * Puts a case's messages in the outbox, one document per message and recipient, keyed by
 * case id + step + message index: a retried activity or a restarted worker never sends twice.
 */
import { MongoServerError } from 'mongodb';
import { assigneeKey, sameAssignee, type Assignee } from '../rules/actors.js';
import type { NotificationDoc } from '../store/documents.js';
import type { Store } from '../store/mongo.js';
import type { NotificationBatch } from './contracts.js';

export function createNotificationActivities(store: Pick<Store, 'notifications'>) {
  return {
    async notify(batch: NotificationBatch): Promise<number> {
      const docs: NotificationDoc[] = [];
      batch.messages.forEach((m, i) => {
        const recipients = m.to.filter((a, j) => m.to.findIndex((b) => sameAssignee(a, b)) === j);
        recipients.forEach((to: Assignee, j) => {
          docs.push({
            _id: `${batch.caseId}#${batch.seq}#${i}#${j}`,
            caseId: batch.caseId,
            caseType: batch.caseType,
            to,
            toKey: assigneeKey(to),
            template: m.template,
            subject: m.subject,
            body: m.body,
            rule: m.rule,
            status: 'pending',
            createdAt: new Date(batch.at),
          });
        });
      });
      if (docs.length === 0) return 0;
      try {
        const r = await store.notifications.insertMany(docs, { ordered: false });
        return r.insertedCount;
      } catch (e) {
        // Some were inserted by an earlier attempt: those duplicates are the point of the key.
        if (e instanceof MongoServerError && e.code === 11000) return 0;
        const writeErrors = (e as { writeErrors?: { code?: number }[] }).writeErrors;
        if (Array.isArray(writeErrors) && writeErrors.every((w) => w.code === 11000)) return docs.length - writeErrors.length;
        throw e;
      }
    },
  };
}

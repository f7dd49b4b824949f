/**
 * Puts a case's messages in the outbox, one document per message and recipient, keyed by
 * case id + step + message index: a retried activity or a restarted worker never sends twice.
 *
 * Delivery (activities/delivery.ts: e-mail, webhook) is a workflow per document, `deliverNotification`
 * with the workflow id `notification:<document id>`, started here for every document of the batch —
 * those inserted now and those an earlier attempt inserted — on this activity's task queue with the
 * worker's client and `REJECT_DUPLICATE`: Temporal refuses a second workflow with that id (running or
 * closed), and that refusal is ignored, so a retried activity or a restarted worker schedules each
 * delivery once. Tests pass their own `startDelivery`.
 */
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { assigneeKey, sameAssignee, type Assignee } from '../rules/actors.js';
import type { NotificationDoc } from '../store/documents.js';
import type { Store } from '../store/mongo.js';
import type { deliverNotification } from '../workflows/delivery.workflow.js';
import type { NotificationBatch } from './contracts.js';

/** Starts the delivery of one outbox document; must be idempotent per id. */
export type StartDelivery = (notificationId: string, taskQueue: string) => Promise<void>;

export const deliveryWorkflowId = (notificationId: string) => `notification:${notificationId}`;

/** The default: the delivery workflow, through the client of the worker running this activity. */
export const startDeliveryWorkflow: StartDelivery = async (notificationId, taskQueue) => {
  try {
    await Context.current().client.workflow.start<typeof deliverNotification>('deliverNotification', {
      workflowId: deliveryWorkflowId(notificationId),
      taskQueue,
      args: [{ notificationId }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (e) {
    // Started before (by an earlier attempt of this activity): that is the point of the id.
    if (e instanceof WorkflowExecutionAlreadyStartedError) return;
    throw e;
  }
};

export function createNotificationActivities(store: Pick<Store, 'notifications'>, options: { startDelivery?: StartDelivery } = {}) {
  const startDelivery = options.startDelivery ?? startDeliveryWorkflow;
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
      const inserted = await insertOnce(store, docs);
      // Every document of the batch, also those an earlier attempt inserted (it may have failed before starting them).
      const { taskQueue } = Context.current().info;
      await Promise.all(docs.map((d) => startDelivery(d._id, taskQueue)));
      return inserted;
    },
  };
}

/**
 * Inserts the documents not yet there; returns how many were new. Duplicates (an earlier attempt's
 * inserts) are the point of the key, and even then every document must be seen in the store before the
 * attempt counts as done; any other failure is thrown, for the activity to be retried. The driver wraps
 * *any* error of an `insertMany` (a reset connection, a timeout) in a `MongoBulkWriteError` with an
 * empty `writeErrors`, so "all write errors are duplicates" holds vacuously for a batch that never
 * reached the store: reading that as success lost outbox documents under the store-outage fault test
 * (issue 7).
 */
async function insertOnce(store: Pick<Store, 'notifications'>, docs: NotificationDoc[]): Promise<number> {
  try {
    const r = await store.notifications.insertMany(docs, { ordered: false });
    return r.insertedCount;
  } catch (e) {
    const writeErrors = e instanceof MongoBulkWriteError ? [e.writeErrors].flat() : [];
    const onlyDuplicates = writeErrors.length > 0 ? writeErrors.every((w) => w.code === 11000) : e instanceof MongoServerError && e.code === 11000;
    if (!onlyDuplicates) throw e;
    const ids = docs.map((d) => d._id);
    const present = await store.notifications.countDocuments({ _id: { $in: ids } });
    if (present < docs.length) throw e;
    return e instanceof MongoBulkWriteError ? e.insertedCount : 0;
  }
}

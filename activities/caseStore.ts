/**
 * Records a case's steps: the audit chain, the case projection and the inbox tasks. Idempotent:
 * every write is keyed by case id + step number, so a retried or duplicated attempt changes nothing.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { MongoServerError } from 'mongodb';
import { assigneeKey } from '../rules/actors.js';
import { GENESIS_HASH, hashEntry } from '../store/auditChain.js';
import { FAR_FUTURE, taskId, type AuditDoc } from '../store/documents.js';
import type { Store } from '../store/mongo.js';
import type { TransitionBatch } from './contracts.js';

const isDuplicateKey = (e: unknown) => e instanceof MongoServerError && e.code === 11000;

async function ignoreDuplicate(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
  }
}

/** The rule each directory change publishes under. */
const CHANGE_RULES = { published: 'R5.1', renewed: 'R9.1', lapsing: 'R9.2', expired: 'R5.2', removed: 'R20.2', withdrawn: 'R20.3', changed: 'R20.3' } as const;

export function createCaseStoreActivities(store: Pick<Store, 'cases' | 'tasks' | 'audit' | 'listings' | 'directoryChanges'>) {
  async function appendAudit(caseId: string, batch: TransitionBatch['audit']): Promise<void> {
    if (batch.length === 0) return;
    const first = batch[0]!;
    let prevHash = GENESIS_HASH;
    if (first.seq > 1) {
      const prev = await store.audit.findOne({ _id: `${caseId}#${first.seq - 1}` }, { projection: { hash: 1 } });
      if (!prev) throw ApplicationFailure.create({ type: 'AuditGap', message: `audit entry ${first.seq - 1} of ${caseId} is missing` });
      prevHash = prev.hash;
    }
    for (const entry of batch) {
      const body: Omit<AuditDoc, '_id' | 'hash'> = { caseId, ...entry, prevHash };
      const doc: AuditDoc = { _id: `${caseId}#${entry.seq}`, ...body, hash: hashEntry(body) };
      try {
        await store.audit.insertOne(doc);
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        const existing = await store.audit.findOne({ _id: doc._id }, { projection: { hash: 1 } });
        if (existing?.hash !== doc.hash) {
          throw ApplicationFailure.create({ type: 'AuditConflict', nonRetryable: true, message: `audit entry ${doc._id} exists with another content` });
        }
      }
      prevHash = doc.hash;
    }
  }

  return {
    async recordTransitions(batch: TransitionBatch): Promise<void> {
      const { case: c } = batch;
      await appendAudit(c.caseId, batch.audit);

      for (const closed of batch.closedTasks) {
        await store.tasks.updateOne(
          { _id: taskId(c.caseId, closed.key), lastSeq: { $lt: c.seq } },
          {
            $set: {
              status: closed.status,
              active: false,
              closedAt: new Date(closed.outcome.at),
              outcome: { ...closed.outcome, at: new Date(closed.outcome.at) },
              lastSeq: c.seq,
            },
          },
        );
      }
      for (const t of batch.openTasks) {
        const due = t.due ? new Date(t.due) : null;
        await ignoreDuplicate(
          store.tasks.updateOne(
            { _id: taskId(c.caseId, t.key), lastSeq: { $lt: c.seq } },
            {
              $setOnInsert: {
                caseId: c.caseId,
                caseType: c.caseType,
                key: t.key,
                status: 'open',
                claimedBy: null,
                createdAt: new Date(c.updatedAt),
                closedAt: null,
                outcome: null,
              },
              $set: {
                step: t.step,
                title: t.title,
                rule: t.rule,
                assignee: t.assignee,
                assigneeKey: assigneeKey(t.assignee),
                actions: t.actions,
                escalation: t.escalation ?? false,
                active: true,
                due,
                dueOrder: due ?? FAR_FUTURE,
                dueDate: t.dueDate,
                dueExplanation: t.dueExplanation,
                provisional: t.provisional,
                remindersSent: t.remindersSent ?? [],
                lastSeq: c.seq,
              },
            },
            { upsert: true },
          ),
        );
      }

      if (batch.directory) {
        // The listing case is the one writer of its public listing; each change is a dated public entry (R5.1).
        const { entry, change } = batch.directory;
        const { listingId, ...listing } = entry;
        await ignoreDuplicate(
          store.listings.updateOne(
            { _id: listingId, lastSeq: { $lt: c.seq } },
            { $set: { ...listing, caseId: c.caseId, lastSeq: c.seq, updatedAt: new Date(c.updatedAt) } },
            { upsert: true },
          ),
        );
        if (change) {
          await store.directoryChanges.updateOne(
            { _id: `${listingId}#${c.seq}` },
            { $setOnInsert: { listingId, at: new Date(c.updatedAt), change, rule: CHANGE_RULES[change], seq: c.seq, snapshot: listing } },
            { upsert: true },
          );
        }
      }

      await ignoreDuplicate(
        store.cases.updateOne(
          { _id: c.caseId, seq: { $lt: c.seq } },
          {
            $set: {
              caseType: c.caseType,
              seq: c.seq,
              status: c.status,
              final: c.status.final,
              state: c.state,
              owner: c.owner,
              parties: c.parties,
              confidentialEvents: c.confidentialEvents,
              summary: c.summary,
              deadlines: c.deadlines,
              provisional: c.deadlines.some((d) => d.provisional),
              grants: c.grants,
              createdAt: new Date(c.createdAt),
              updatedAt: new Date(c.updatedAt),
            },
          },
          { upsert: true },
        ),
      );
    },
  };
}

/**
 * The recording activities against the real store: idempotent by case id + step number, so retries,
 * duplicate deliveries and late attempts change nothing; the audit chain links across batches.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { MongoBulkWriteError, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseStoreActivities } from '../../activities/caseStore.js';
import type { TransitionBatch } from '../../activities/contracts.js';
import { createNotificationActivities } from '../../activities/notifications.js';
import { verifyChain } from '../../store/auditChain.js';
import type { NotificationDoc } from '../../store/documents.js';
import { connectStore, type Store } from '../../store/mongo.js';
import { prng } from '../support/prng.js';
import { TcpProxy } from '../fault/support/tcpProxy.js';
import { natLeader, natOfficer } from '../fixtures/principals.js';

let store: Store;
const env = new MockActivityEnvironment();

beforeAll(async () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run the tests with `npm test`');
  store = await connectStore(uri, `test_activities_${Date.now().toString(36)}`);
});
afterAll(async () => {
  await store?.db.dropDatabase();
  await store?.client.close();
});

const caseId = 'selection-plan:national:activity-test';
const status = { code: 'submitted', label: 'Awaiting approval', final: false };
function batch(seq: number, over: Partial<TransitionBatch> = {}): TransitionBatch {
  return {
    case: { caseId, caseType: 'selectionPlan', seq, status, state: { submitted: 'waiting' }, owner: 'national', parties: [], confidentialEvents: [], summary: { title: 't' }, deadlines: [], grants: [], createdAt: '2026-09-28T02:00:00.000Z', updatedAt: `2026-09-28T02:00:0${seq}.000Z` },
    audit: [{ seq, at: `2026-09-28T02:00:0${seq}.000Z`, actor: natOfficer, event: { type: `E${seq}` }, from: null, to: 'x', rule: 'R7.1' }],
    openTasks: [],
    closedTasks: [],
    ...over,
  };
}
const task = (key: string, due: string | null) => ({ key, step: 'selectionPlan.approve', title: 'Approve', rule: 'R7.1', assignee: { role: 'leader' as const, unit: 'national' as const }, actions: ['APPROVE'], due, dueDate: due?.slice(0, 10) ?? null, dueExplanation: null, provisional: false });

describe('recordTransitions', () => {
  it('appends a hash-chained audit entry per step, once, however often it is retried', async () => {
    const acts = createCaseStoreActivities(store);
    for (const seq of [1, 2, 3]) {
      await env.run(acts.recordTransitions, batch(seq));
      await env.run(acts.recordTransitions, batch(seq)); // a retry after a lost response
    }
    const entries = await store.audit.find({ caseId }).sort({ seq: 1 }).toArray();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(verifyChain(entries, 3)).toEqual([]);
  });

  it('refuses to rewrite history: the same step with other content is a conflict', async () => {
    const acts = createCaseStoreActivities(store);
    const forged = batch(3, { audit: [{ ...batch(3).audit[0]!, event: { type: 'FORGED' } }] });
    await expect(env.run(acts.recordTransitions, forged)).rejects.toMatchObject({ type: 'AuditConflict', nonRetryable: true });
  });

  it('a late attempt of an older step does not roll the case or its tasks back', async () => {
    const acts = createCaseStoreActivities(store);
    await env.run(acts.recordTransitions, batch(4, { openTasks: [task('approve-1', '2026-10-16T15:59:59.999Z')] }));
    await env.run(acts.recordTransitions, batch(5, { case: { ...batch(5).case, status: { code: 'approved', label: 'Approved', final: false } }, closedTasks: [{ key: 'approve-1', status: 'done', outcome: { action: 'APPROVE', by: natLeader, at: '2026-09-28T02:00:05.000Z' } }] }));
    // Step 4 arrives again (a zombie attempt finishing late).
    await env.run(acts.recordTransitions, batch(4, { openTasks: [task('approve-1', '2026-10-16T15:59:59.999Z')] }));
    const c = await store.cases.findOne({ _id: caseId });
    expect(c).toMatchObject({ seq: 5, status: { code: 'approved' } });
    const t = await store.tasks.findOne({ _id: `${caseId}~approve-1` });
    expect(t).toMatchObject({ status: 'done', active: false, outcome: { action: 'APPROVE' }, lastSeq: 5 });
    expect(await store.tasks.countDocuments({ caseId })).toBe(1);
  });

  it('keeps a claim when the case rewrites an open task (new due date)', async () => {
    const acts = createCaseStoreActivities(store);
    await env.run(acts.recordTransitions, batch(6, { openTasks: [task('approve-2', '2026-10-20T15:59:59.999Z')] }));
    await store.tasks.updateOne({ _id: `${caseId}~approve-2` }, { $set: { status: 'claimed', claimedBy: { id: 'nat-leader', name: 'L', at: new Date() } } });
    await env.run(acts.recordTransitions, batch(7, { openTasks: [task('approve-2', '2026-10-21T15:59:59.999Z')] }));
    const t = await store.tasks.findOne({ _id: `${caseId}~approve-2` });
    expect(t).toMatchObject({ status: 'claimed', claimedBy: { id: 'nat-leader' }, dueDate: '2026-10-21' });
  });
});

describe('notify', () => {
  it('puts one message per recipient in the outbox, once per step, even when retried', async () => {
    const { notify } = createNotificationActivities(store, { startDelivery: async () => undefined }); // delivery: test/activities/delivery.test.ts
    const b = { caseId: 'c-notify', caseType: 'selectionPlan', seq: 2, at: '2026-09-28T02:00:00.000Z', messages: [{ to: [{ role: 'leader' as const, unit: 'national' as const }, { role: 'officer' as const, unit: 'national' as const }, { role: 'leader' as const, unit: 'national' as const }], template: 't', subject: 's', body: 'b', rule: 'R7.1' }] };
    expect(await env.run(notify, b)).toBe(2);
    expect(await env.run(notify, b)).toBe(0);
    expect(await store.notifications.countDocuments({ caseId: 'c-notify' })).toBe(2);
  });

  it('fails, to be retried, when the outbox write never reached the store; the retry writes it (issue 7: the store-outage fault)', async () => {
    // The store behind a proxy that resets the pool's warm connection: the driver wraps that reset in a
    // MongoBulkWriteError with no write errors, which once passed for "every write error a duplicate".
    const proxy = await TcpProxy.forMongoUri(process.env.MONGODB_URI!, prng(7));
    const client = new MongoClient(proxy.uriFor(process.env.MONGODB_URI!), { serverSelectionTimeoutMS: 2_000 });
    const started: string[] = [];
    try {
      const outbox = { notifications: client.db(store.db.databaseName).collection<NotificationDoc>('notifications') };
      const { notify } = createNotificationActivities(outbox, { startDelivery: async (id) => void started.push(id) });
      const b = { caseId: 'c-notify-reset', caseType: 'selectionPlan', seq: 2, at: '2026-09-28T02:00:00.000Z', messages: [{ to: [{ role: 'leader' as const, unit: 'national' as const }, { role: 'officer' as const, unit: 'national' as const }], template: 't', subject: 's', body: 'b', rule: 'R7.1' }] };
      await outbox.notifications.countDocuments({ caseId: b.caseId }); // a warm connection in the pool
      proxy.down();
      const error = await env.run(notify, b).then(() => undefined, (e: unknown) => e);
      proxy.up();
      expect(error).toBeInstanceOf(MongoBulkWriteError);
      expect((error as MongoBulkWriteError).writeErrors).toEqual([]);
      expect(started).toEqual([]); // no delivery for documents that are not there
      expect(await store.notifications.countDocuments({ caseId: b.caseId })).toBe(0);
      // Temporal's retry: the same batch, now written and its deliveries started.
      expect(await env.run(notify, b)).toBe(2);
      expect(await store.notifications.countDocuments({ caseId: b.caseId })).toBe(2);
      expect(started).toHaveLength(2);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});

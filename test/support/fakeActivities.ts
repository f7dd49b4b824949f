/**
 * In-memory activities for workflow tests: they record what the case asked for. The calendar is the
 * real one (pure), so deadlines in workflow tests are the deadlines users get.
 */
import { createCalendarActivities } from '../../activities/calendar.js';
import type { createCaseStoreActivities } from '../../activities/caseStore.js';
import type { NotificationBatch, TransitionBatch } from '../../activities/contracts.js';
import type { createNotificationActivities } from '../../activities/notifications.js';
import { createPanelActivities } from '../../activities/panels.js';
import type { createDirectoryActivities } from '../../activities/directory.js';
import type { RecordBarRequest } from '../../machines/listing.machine.js';
import type { ExpertDoc } from '../../store/documents.js';
import type { YearArrangement } from '../../rules/calendar/index.js';

export type CaseActivities = ReturnType<typeof createCaseStoreActivities> &
  ReturnType<typeof createNotificationActivities> &
  ReturnType<typeof createPanelActivities> &
  ReturnType<typeof createDirectoryActivities> &
  ReturnType<typeof createCalendarActivities>;

/**
 * The real draw activity over an in-memory pool and draw log (a minimal stand-in for the two collections),
 * so workflow tests run the real R7.3 draw.
 */
function memoryCollections(experts: ExpertDoc[]) {
  const draws = new Map<string, Record<string, unknown>>();
  const matches = (doc: Record<string, unknown>, filter: Record<string, unknown>) => Object.entries(filter).every(([k, v]) => doc[k] === v);
  return {
    experts: { find: (q: { fields: string }) => ({ toArray: async () => experts.filter((e) => e.fields.includes(q.fields)) }) },
    draws: {
      findOne: async (q: { _id: string }) => structuredClone(draws.get(q._id) ?? null),
      insertOne: async (doc: { _id: string }) => {
        if (draws.has(doc._id)) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
        draws.set(doc._id, structuredClone(doc));
      },
      replaceOne: async (filter: Record<string, unknown>, doc: { _id: string }) => {
        const cur = draws.get(doc._id);
        if (cur && matches(cur, filter)) draws.set(doc._id, structuredClone(doc));
      },
      updateOne: async (filter: Record<string, unknown>, update: { $set: Record<string, unknown> }) => {
        const cur = draws.get(filter._id as string);
        if (cur && matches(cur, filter)) draws.set(filter._id as string, { ...cur, ...structuredClone(update.$set) });
      },
    },
    draws_: draws,
  };
}

export function fakeActivities(arrangements: YearArrangement[] = [], experts: ExpertDoc[] = []) {
  const pool = memoryCollections(experts);
  const bars: (RecordBarRequest & { caseId: string })[] = [];
  const batches: TransitionBatch[] = [];
  const notifications: NotificationBatch[] = [];
  const activities: CaseActivities = {
    async recordTransitions(batch) {
      // Idempotency as the store enforces it: a batch for a step already recorded is ignored.
      if (batches.some((b) => b.case.caseId === batch.case.caseId && b.case.seq >= batch.case.seq)) return;
      batches.push(structuredClone(batch));
    },
    async notify(batch) {
      if (notifications.some((n) => n.caseId === batch.caseId && n.seq === batch.seq)) return 0;
      notifications.push(structuredClone(batch));
      return batch.messages.length;
    },
    ...createCalendarActivities({ loadArrangements: async () => arrangements }),
    ...createPanelActivities(pool as never),
    async recordBar(req) {
      if (!bars.some((b) => b.caseId === req.caseId && b.until === req.until)) bars.push(structuredClone(req));
    },
  };
  const audit = (caseId?: string) => batches.filter((b) => !caseId || b.case.caseId === caseId).flatMap((b) => b.audit);
  const messages = (template?: string) => notifications.flatMap((n) => n.messages.map((m) => ({ ...m, at: n.at, seq: n.seq }))).filter((m) => !template || m.template === template);
  return { activities, batches, notifications, audit, messages, arrangements, experts, draws: pool.draws_, bars };
}

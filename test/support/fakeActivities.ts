/**
 * In-memory activities for workflow tests: they record what the case asked for. The calendar is the
 * real one (pure), so deadlines in workflow tests are the deadlines users get.
 */
import { createCalendarActivities } from '../../activities/calendar.js';
import type { createCaseStoreActivities } from '../../activities/caseStore.js';
import type { NotificationBatch, TransitionBatch } from '../../activities/contracts.js';
import type { createNotificationActivities } from '../../activities/notifications.js';
import type { YearArrangement } from '../../rules/calendar/index.js';

export type CaseActivities = ReturnType<typeof createCaseStoreActivities> &
  ReturnType<typeof createNotificationActivities> &
  ReturnType<typeof createCalendarActivities>;

export function fakeActivities(arrangements: YearArrangement[] = []) {
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
  };
  const audit = (caseId?: string) => batches.filter((b) => !caseId || b.case.caseId === caseId).flatMap((b) => b.audit);
  const messages = (template?: string) => notifications.flatMap((n) => n.messages.map((m) => ({ ...m, at: n.at, seq: n.seq }))).filter((m) => !template || m.template === template);
  return { activities, batches, notifications, audit, messages, arrangements };
}

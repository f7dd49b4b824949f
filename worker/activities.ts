/** Composes every activity with its real clients. */
import { createCalendarActivities } from '../activities/calendar.js';
import { createCaseStoreActivities } from '../activities/caseStore.js';
import { createDirectoryActivities } from '../activities/directory.js';
import { createNotificationActivities } from '../activities/notifications.js';
import { createPanelActivities } from '../activities/panels.js';
import type { Store } from '../store/mongo.js';

export function createActivities(store: Store) {
  return {
    ...createCaseStoreActivities(store),
    ...createNotificationActivities(store),
    ...createPanelActivities(store),
    ...createDirectoryActivities(store),
    ...createCalendarActivities({ loadArrangements: () => store.calendarYears.find({}).toArray() }),
  };
}

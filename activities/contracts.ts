/**
 * What the case host hands to activities: plain, serialisable records. Workflows import these types
 * only (`import type`); the activity implementations live beside this file.
 */
import type { Assignee, Principal } from '../rules/actors.js';
import type { Deadline } from '../rules/calendar/index.js';
import type { DirectoryEntry, NotificationRequest, PublicStatus, TaskSpec } from '../machines/kit.js';

export type StateValue = string | { [key: string]: StateValue };

/** One transition, as appended to the case's audit chain (hashing happens in the activity). */
export interface AuditEntryInput {
  seq: number;
  at: string;
  actor: Principal;
  /** The event: its type and payload, without the host's stamps. */
  event: { type: string; [k: string]: unknown };
  from: StateValue | null;
  to: StateValue;
  rule: string;
}

/** A task as the inbox stores it: the machine's task spec plus its due date. */
export interface TaskRecord extends TaskSpec {
  /** ISO instant the task is due, or null when it has none. */
  due: string | null;
  dueDate: string | null;
  dueExplanation: string | null;
  provisional: boolean;
}

export interface ClosedTaskRecord {
  key: string;
  status: 'done' | 'cancelled';
  outcome: { action: string; by: Principal; at: string };
}

/** A command someone may send now: from an open task, or granted by the case (e.g. cancel). */
export interface Grant {
  type: string;
  title: string;
  rule: string;
  assignee: Assignee;
  taskKey?: string;
}

export interface CaseRecord {
  caseId: string;
  caseType: string;
  seq: number;
  status: PublicStatus;
  state: StateValue;
  owner: string;
  /** Other units that may read the case (see CaseDefinition.parties). */
  parties: string[];
  /** Event types only staff see in the history. */
  confidentialEvents: string[];
  summary: Record<string, unknown>;
  deadlines: Deadline[];
  grants: Grant[];
  createdAt: string;
  updatedAt: string;
}

/** Everything one step of a case writes: audit entries, the case projection, opened and closed tasks. */
export interface TransitionBatch {
  case: CaseRecord;
  audit: AuditEntryInput[];
  openTasks: TaskRecord[];
  closedTasks: ClosedTaskRecord[];
  /** The listing's public entry after this step, and the directory change it makes (R5.1), if any. */
  directory?: { entry: DirectoryEntry; change: 'published' | 'renewed' | 'lapsing' | 'expired' | 'removed' | 'withdrawn' | 'changed' | null };
}

export interface NotificationBatch {
  caseId: string;
  caseType: string;
  /** The transition that sent them; with the index, the idempotency key of each message. */
  seq: number;
  at: string;
  messages: NotificationRequest[];
}

/** The documents each collection holds. One writer per kind: the case workflow's activities. */
import type { Assignee, Principal, Unit } from '../rules/actors.js';
import type { Deadline, YearArrangement } from '../rules/calendar/index.js';
import type { NotificationRequest, PublicStatus, ReminderRecord } from '../machines/kit.js';
import type { Grant, StateValue } from '../activities/contracts.js';
import type { DirectoryEntry } from '../machines/kit.js';
import type { Kind } from '../rules/kinds.js';
import type { DrawRequest, DrawResult, Expert, PoolSnapshot } from '../rules/draw/index.js';

export interface CaseDoc {
  _id: string;
  caseType: string;
  seq: number;
  status: PublicStatus;
  final: boolean;
  state: StateValue;
  owner: string;
  parties: string[];
  confidentialEvents: string[];
  summary: Record<string, unknown>;
  deadlines: Deadline[];
  /** True while any deadline is provisional (its year's arrangement is not published yet). */
  provisional: boolean;
  grants: Grant[];
  createdAt: Date;
  updatedAt: Date;
}

export type TaskStatus = 'open' | 'claimed' | 'done' | 'cancelled';

export interface TaskDoc {
  /** `<caseId>~<task key>` (see taskId) */
  _id: string;
  caseId: string;
  caseType: string;
  key: string;
  step: string;
  title: string;
  rule: string;
  assignee: Assignee;
  /** `role@unit`, the inbox index's equality key. */
  assigneeKey: string;
  actions: string[];
  escalation: boolean;
  status: TaskStatus;
  /** open or claimed. */
  active: boolean;
  claimedBy: { id: string; name: string; at: Date } | null;
  due: Date | null;
  /** `due`, or the far future for undated tasks, so they sort last. */
  dueOrder: Date;
  dueDate: string | null;
  dueExplanation: string | null;
  provisional: boolean;
  remindersSent: ReminderRecord[];
  createdAt: Date;
  closedAt: Date | null;
  outcome: { action: string; by: Principal; at: Date } | null;
  /** The case step that last wrote this task (idempotency guard). */
  lastSeq: number;
}

export interface AuditDoc {
  /** `<caseId>#<seq>` */
  _id: string;
  caseId: string;
  seq: number;
  at: string;
  actor: Principal;
  event: { type: string; [k: string]: unknown };
  from: StateValue | null;
  to: StateValue;
  rule: string;
  prevHash: string;
  hash: string;
}

/** The channels the outbox is delivered by (activities/delivery.ts). */
export type DeliveryChannel = 'email' | 'webhook';

/** One channel's delivery of one outbox document. */
export interface ChannelDelivery {
  /**
   * `retrying` after a temporary failure (the delivery workflow tries again); `failed` after a permanent
   * one (an SMTP 5xx, an invalid address, a webhook 4xx other than 408/425/429: never tried again);
   * `sent` is final.
   */
  status: 'retrying' | 'failed' | 'sent';
  /** Where it went: the addresses or the URL (kept for the record, never shown to other units). */
  target: string;
  /** Attempts on this channel, the successful one included. */
  attempts: number;
  sentAt?: Date;
  lastError?: string;
  lastAttemptAt?: Date;
}

export interface NotificationDoc extends Omit<NotificationRequest, 'to'> {
  /** `<caseId>#<seq>#<message>#<recipient>`: one message per due notice, however often activities retry. */
  _id: string;
  caseId: string;
  caseType: string;
  to: Assignee;
  toKey: string;
  /**
   * `pending` until delivered; `sent` when every addressed channel took it; `undeliverable` when the
   * recipient unit has no contact (or no configured channel); `failed` when the delivery workflow gave up.
   */
  status: 'pending' | 'sent' | 'failed' | 'undeliverable';
  createdAt: Date;
  /** Delivery attempts (calls that tried at least one channel), failed ones included. */
  attempts?: number;
  deliveries?: Partial<Record<DeliveryChannel, ChannelDelivery>>;
  lastError?: string;
  sentAt?: Date;
}

/** Where a unit receives the outbox: keyed by unit (`national`, `province:44`, `institution:inst-001`...). */
export interface ContactDoc {
  _id: Unit;
  email?: string[];
  webhook?: { url: string };
  updatedAt: Date;
  updatedBy: Principal;
}

export interface CalendarYearDoc extends YearArrangement {
  _id: number;
  loadedAt: Date;
  loadedBy: Principal;
}

/** A member of the expert pool (专家库). */
export interface ExpertDoc extends Expert {
  _id: string;
  updatedAt: Date;
}

/**
 * One random draw (R7.3), keyed by case + step. The seed is fixed and its hash (commitment) recorded
 * before the pool is read; the pool snapshot, request, exclusions, panel and reserve follow, so anyone
 * can re-run it (`scripts/draw-panel.ts`) and get the same panel.
 */
export interface DrawDoc {
  _id: string;
  caseId: string;
  seed: string;
  seedCommitment: string;
  committedAt: Date;
  status: 'committed' | 'drawn' | 'failed';
  /** Panel seats this draw fills: the first `seats` of its ranking serve, the rest is the ordered reserve. */
  seats?: number;
  pool?: PoolSnapshot;
  request?: DrawRequest;
  result?: DrawResult;
  failure?: { reason: string; eligible: number; required: number };
  drawnAt?: Date;
}

/** A member of the inspector list of random inspections (R16); recused like experts (employer, past employers). */
export interface InspectorDoc {
  _id: string;
  name: string;
  /** The department the inspector belongs to, e.g. `province:44`: its officers keep the entry. */
  unit: string;
  employer: string;
  employmentHistory: { employer: string; from: string; to?: string | null }[];
  active: boolean;
  updatedAt: Date;
}

/** A random inspection's draw (R16): committed seed first, then the snapshot, request and result. */
export interface InspectionDrawDoc {
  _id: string;
  caseId: string;
  seed: string;
  seedCommitment: string;
  committedAt: Date;
  status: 'committed' | 'drawn' | 'failed';
  /** The full record (`{ input, result }`) that rules/inspection `verifyCampaignDraw` re-runs. */
  record?: { input: unknown; result: unknown };
  /** The listings of the drawn institutions as read at the draw (what orders need). */
  listings?: unknown[];
  /** What the case received: the assignments (institutions, their listings, inspectors) and shortfalls. */
  outcome?: unknown;
  failure?: string;
  drawnAt?: Date;
}

/** R18(g): a registered relation between two institutions (subsidiary, branch, technical support unit). */
export interface RelationDoc {
  /** `<from>~<to>~<type>` */
  _id: string;
  from: string;
  to: string;
  type: 'subsidiary' | 'branch' | 'technicalSupport';
  registeredBy: Principal;
  registeredAt: Date;
}

/** R17(a): an institution's registered training sites, with the flags of the last check. */
export interface TrainingSitesDoc {
  /** The institution id. */
  _id: string;
  province: string;
  sites: { id: string; province: string; address: string }[];
  flags: { siteId: string; rule: string; message: string }[];
  updatedBy: Principal;
  updatedAt: Date;
}

/** R19: a certificate template an institution registers, with the wording check's result. */
export interface CertificateTemplateDoc {
  /** `<institution>~<template id>` */
  _id: string;
  institutionId: string;
  templateId: string;
  kind: 'training' | 'evaluation';
  title: string;
  text: string;
  images: { name: string }[];
  check: { hits: unknown[]; manualChecks: unknown[] };
  status: 'accepted' | 'needsCorrection' | 'needsManualCheck';
  version: number;
  registeredBy: Principal;
  registeredAt: Date;
}

/** A listing (R2.1): one institution × kind × occupation in the directory; written only by its listing case. */
export interface ListingDoc extends Omit<DirectoryEntry, 'listingId'> {
  /** `<kind>:<institution>:<occupation>` */
  _id: string;
  caseId: string;
  /** The listing case's step that last wrote it (idempotency guard). */
  lastSeq: number;
  updatedAt: Date;
}

/** A dated public entry for every change to the directory (R5.1). */
export interface DirectoryChangeDoc {
  _id: string;
  listingId: string;
  at: Date;
  change: 'published' | 'renewed' | 'lapsing' | 'expired' | 'removed' | 'changed' | 'withdrawn';
  rule: string;
  /** The listing case's step that made the change: orders changes of one listing made in the same instant. */
  seq: number;
  /** The listing as it stood after the change: "as of" queries take the latest snapshot up to a day. */
  snapshot: Omit<DirectoryEntry, 'listingId'>;
}

/** A re-application bar (R9.3): written when a listing lapses by deemed abandonment or is removed. */
export interface BarDoc {
  _id: string;
  institutionId: string;
  kind: Kind;
  occupationCode: string;
  until: string;
  reason: string;
  createdAt: Date;
}

export const FAR_FUTURE = new Date('9999-12-31T00:00:00.000Z');

/** A task's id: its case and its key, joined by a character that needs no escaping in a URL path. */
export const taskId = (caseId: string, key: string) => `${caseId}~${key}`;

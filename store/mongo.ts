/**
 * The MongoDB store: one database, these collections, these indexes. Works on MongoDB 7+ and on
 * FerretDB v1 (no transactions, no change streams: every write is an idempotent upsert or insert).
 */
import { MongoClient, type Collection, type Db, type IndexDescription, type MongoClientOptions } from 'mongodb';
import type { AuditDoc, BarDoc, CalendarYearDoc, CaseDoc, ContactDoc, DirectoryChangeDoc, DrawDoc, CertificateTemplateDoc, InspectionDrawDoc, RelationDoc, TrainingSitesDoc, InspectorDoc, ListingDoc, ExpertDoc, NotificationDoc, TaskDoc } from './documents.js';
import type { AccountDoc, SecurityEventDoc, SessionDoc } from './identity.js';
import { DOSSIER_EXPORTS } from './dossierExports.js';

export interface Store {
  client: MongoClient;
  db: Db;
  cases: Collection<CaseDoc>;
  tasks: Collection<TaskDoc>;
  audit: Collection<AuditDoc>;
  notifications: Collection<NotificationDoc>;
  calendarYears: Collection<CalendarYearDoc>;
  experts: Collection<ExpertDoc>;
  draws: Collection<DrawDoc>;
  bars: Collection<BarDoc>;
  listings: Collection<ListingDoc>;
  directoryChanges: Collection<DirectoryChangeDoc>;
  /** Where each unit receives notifications (e-mail addresses, a webhook); `_id` is the unit. */
  contacts: Collection<ContactDoc>;
  /** The inspector list of random inspections (R16), by inspector id. */
  inspectors: Collection<InspectorDoc>;
  /** Random inspection draws (R16), keyed by case + step, seed committed first. */
  inspectionDraws: Collection<InspectionDrawDoc>;
  /** R18(g): registered relations between institutions. */
  relations: Collection<RelationDoc>;
  /** R17(a): each institution's training sites. */
  trainingSites: Collection<TrainingSitesDoc>;
  /** R19: certificate templates with their wording checks. */
  certificateTemplates: Collection<CertificateTemplateDoc>;
  /** Local accounts (password + one-time code, or linked to the identity provider), by login name. */
  accounts: Collection<AccountDoc>;
  /** Browser sessions, by the SHA-256 of the session id; expiry is enforced on every read too. */
  sessions: Collection<SessionDoc>;
  /** The security event log: refused requests, sign-ins, lockouts, sign-outs, account changes. */
  securityEvents: Collection<SecurityEventDoc>;
}

export const DEFAULT_DB = 'dte';

export function storeFromDb(client: MongoClient, db: Db): Store {
  return {
    client,
    db,
    cases: db.collection<CaseDoc>('cases'),
    tasks: db.collection<TaskDoc>('tasks'),
    audit: db.collection<AuditDoc>('audit'),
    notifications: db.collection<NotificationDoc>('notifications'),
    calendarYears: db.collection<CalendarYearDoc>('calendarYears'),
    experts: db.collection<ExpertDoc>('experts'),
    draws: db.collection<DrawDoc>('draws'),
    bars: db.collection<BarDoc>('bars'),
    listings: db.collection<ListingDoc>('listings'),
    directoryChanges: db.collection<DirectoryChangeDoc>('directoryChanges'),
    contacts: db.collection<ContactDoc>('contacts'),
    inspectors: db.collection<InspectorDoc>('inspectors'),
    inspectionDraws: db.collection<InspectionDrawDoc>('inspectionDraws'),
    relations: db.collection<RelationDoc>('relations'),
    trainingSites: db.collection<TrainingSitesDoc>('trainingSites'),
    certificateTemplates: db.collection<CertificateTemplateDoc>('certificateTemplates'),
    accounts: db.collection<AccountDoc>('accounts'),
    sessions: db.collection<SessionDoc>('sessions'),
    securityEvents: db.collection<SecurityEventDoc>('securityEvents'),
  };
}

/** Client options a process may tighten (the worker bounds every store operation below its activities' timeouts). */
export type StoreClientOptions = Pick<MongoClientOptions, 'socketTimeoutMS' | 'waitQueueTimeoutMS' | 'maxPoolSize'>;

export async function connectStore(uri: string, dbName = DEFAULT_DB, options: StoreClientOptions = {}): Promise<Store> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, appName: 'dte', ...options });
  await client.connect();
  const store = storeFromDb(client, client.db(dbName));
  await ensureIndexes(store);
  return store;
}

/**
 * Indexes follow Equality → Sort → Range. The inbox's two views (a unit's tasks; the tasks I claimed)
 * sort by due date with undated tasks last (`dueOrder`), and page by `_id` after the sort key.
 */
export async function ensureIndexes(store: Store): Promise<void> {
  const indexes: [Collection<never>, IndexDescription][] = [
    [store.tasks as never, { key: { assigneeKey: 1, active: 1, dueOrder: 1, _id: 1 }, name: 'inbox_unit' }],
    [store.tasks as never, { key: { assigneeKey: 1, active: 1, caseType: 1, dueOrder: 1, _id: 1 }, name: 'inbox_unit_by_type' }],
    [store.tasks as never, { key: { 'claimedBy.id': 1, active: 1, dueOrder: 1, _id: 1 }, name: 'inbox_mine' }],
    // The console's default order: escalations (督办) first, then the earliest due.
    [store.tasks as never, { key: { assigneeKey: 1, active: 1, escalation: -1, dueOrder: 1, _id: 1 }, name: 'inbox_unit_priority' }],
    [store.tasks as never, { key: { caseId: 1, active: 1 }, name: 'by_case' }],
    [store.audit as never, { key: { caseId: 1, seq: 1 }, name: 'chain', unique: true }],
    [store.cases as never, { key: { caseType: 1, owner: 1, updatedAt: -1 }, name: 'by_type_owner' }],
    [store.cases as never, { key: { provisional: 1, final: 1 }, name: 'provisional_open' }],
    [store.notifications as never, { key: { toKey: 1, createdAt: -1 }, name: 'by_recipient' }],
    [store.notifications as never, { key: { status: 1, createdAt: 1 }, name: 'by_status' }],
    [store.experts as never, { key: { fields: 1, _id: 1 }, name: 'by_field' }],
    [store.draws as never, { key: { caseId: 1 }, name: 'by_case' }],
    [store.bars as never, { key: { institutionId: 1, kind: 1, occupationCode: 1 }, name: 'by_institution' }],
    [store.cases as never, { key: { 'summary.roundId': 1, caseType: 1 }, name: 'by_round' }],
    [store.listings as never, { key: { kind: 1, 'occupation.code': 1, status: 1 }, name: 'directory' }],
    [store.directoryChanges as never, { key: { at: -1 }, name: 'change_log' }],
    [store.directoryChanges as never, { key: { listingId: 1, at: -1 }, name: 'listing_changes' }],
    [store.listings as never, { key: { 'institution.province': 1, status: 1 }, name: 'by_province' }],
    [store.inspectionDraws as never, { key: { caseId: 1 }, name: 'by_case' }],
    [store.relations as never, { key: { from: 1 }, name: 'by_from' }],
    [store.relations as never, { key: { to: 1 }, name: 'by_to' }],
    [store.certificateTemplates as never, { key: { institutionId: 1, templateId: 1 }, name: 'by_institution' }],
    // Not unique: FerretDB v1 has neither sparse nor partial indexes, and most accounts have no subject.
    // The one account per subject is enforced where a subject is linked (api/identity/accounts.ts).
    [store.accounts as never, { key: { oidcSubject: 1 }, name: 'by_oidc_subject' }],
    // A TTL index on MongoDB; FerretDB v1 has none, so expiry is also enforced on every read and expired
    // sessions are purged at each sign-in (api/identity/sessions.ts).
    [store.sessions as never, { key: { idleExpiresAt: 1 }, name: 'expiry', expireAfterSeconds: 0 }],
    [store.sessions as never, { key: { 'principal.id': 1 }, name: 'by_principal' }],
    [store.securityEvents as never, { key: { at: -1, _id: -1 }, name: 'newest' }],
    [store.securityEvents as never, { key: { 'principal.id': 1, at: -1 }, name: 'by_principal' }],
    [store.db.collection(DOSSIER_EXPORTS) as never, { key: { caseId: 1, at: -1 }, name: 'by_case' }],
  ];
  // One createIndex per index: FerretDB v1 crashes on a createIndexes of several indexes that all exist.
  for (const [collection, { key, ...options }] of indexes) {
    try {
      await collection.createIndex(key, options);
    } catch (e) {
      // FerretDB v1: "Index option expireAfterSeconds is not implemented yet" -> a plain index.
      if (options.expireAfterSeconds === undefined || !/expireAfterSeconds/.test(String((e as Error).message))) throw e;
      const { expireAfterSeconds: _ttl, ...plain } = options;
      await collection.createIndex(key, plain);
    }
  }
}

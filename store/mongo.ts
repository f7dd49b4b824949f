/**
 * The MongoDB store: one database, these collections, these indexes. Works on MongoDB 7+ and on
 * FerretDB v1 (no transactions, no change streams: every write is an idempotent upsert or insert).
 */
import { MongoClient, type Collection, type Db, type IndexDescription } from 'mongodb';
import type { AuditDoc, BarDoc, CalendarYearDoc, CaseDoc, ContactDoc, DirectoryChangeDoc, DrawDoc, CertificateTemplateDoc, InspectionDrawDoc, RelationDoc, TrainingSitesDoc, InspectorDoc, ListingDoc, ExpertDoc, NotificationDoc, TaskDoc } from './documents.js';

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
  };
}

export async function connectStore(uri: string, dbName = DEFAULT_DB): Promise<Store> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, appName: 'dte' });
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
  ];
  // One createIndex per index: FerretDB v1 crashes on a createIndexes of several indexes that all exist.
  for (const [collection, { key, ...options }] of indexes) await collection.createIndex(key, options);
}

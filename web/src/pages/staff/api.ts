/**
 * What the staff pages read and send, typed after the API's response schemas (api/schemas.ts,
 * api/routes/inbox.ts, cases.ts, console.ts, diagrams.ts). All calls go through api/client.ts.
 */
import { api, type Query } from '../../api/client';
import type { Diagram } from '../../components/StateDiagram';
import type { JsonSchema } from '../../components/SchemaForm';
import type { Assignee, Status, DeadlineExplanation, Deadline, Grant, StateValue } from '../../api/types';

export type { Assignee, Status, DeadlineExplanation, Deadline, Grant, StateValue };
export interface CaseView {
  caseId: string;
  caseType: string;
  seq: number;
  status: Status;
  state: StateValue;
  owner: string;
  summary: Record<string, unknown>;
  deadlines: Deadline[];
  availableActions: Grant[];
  createdAt: string;
  updatedAt: string;
}
export interface Task {
  taskId: string;
  caseId: string;
  caseType: string;
  step: string;
  title: string;
  rule: string;
  assignee: Assignee;
  actions: string[];
  escalation: boolean;
  status: 'open' | 'claimed' | 'done' | 'cancelled';
  claimedBy: { id: string; name: string; at: string } | null;
  due: string | null;
  dueDate: string | null;
  dueExplanation: string | null;
  provisional: boolean;
  overdue: boolean;
  remindersSent: { deadline: string; at: string }[];
  createdAt: string;
  closedAt: string | null;
  outcome: { action: string; by: { id: string; name: string; role: string; unit: string }; at: string } | null;
}
export interface HistoryEntry {
  seq: number;
  at: string;
  actor: { id: string; name: string; role: string; unit: string };
  event: { type: string; [k: string]: unknown };
  from: StateValue | null;
  to: StateValue;
  rule: string;
  hash: string;
  prevHash: string;
}
export interface Notification {
  id: string;
  to: Assignee;
  template: string;
  subject: string;
  body: string;
  rule: string;
  status: string;
  attempts: number;
  deliveries: Record<string, { status: string; attempts: number; sentAt: string | null; lastError: string | null }>;
  createdAt: string;
}
export interface RelatedCase {
  caseId: string;
  caseType: string;
  relation: 'referenced' | 'referencing';
  status: Status;
  summary: Record<string, unknown>;
}
export interface CommandInfo {
  type: string;
  title: string;
  rule: string;
  public: boolean;
  payload: JsonSchema;
}
export interface CaseTypeInfo {
  caseType: string;
  signals: string[];
  commands: CommandInfo[];
}
export interface RoundRow {
  caseId: string;
  status: Status;
  kind: string;
  organiser: string;
  planId: string;
  documentNumber: string;
  applicationWindow: { opens: string; closes: string };
  publicNotice: { endDate: string | null; endsAt: string | null; provisional: boolean | null } | null;
  objections: { filed: number; open: number; upheld: number; dismissed: number } | null;
  applications: number;
  stages: Record<string, number>;
  openTasks: number;
  overdue: number;
  updatedAt: string;
}
export interface RoundApplications {
  counts: Record<string, number>;
  overdue: number;
  items: {
    caseId: string;
    institution: { id: string; name: string; province: string };
    occupation: { code: string; name: string };
    recommender: string;
    priority: string;
    flags: number;
    status: Status;
    due: string | null;
    overdue: boolean;
  }[];
}
export interface DeadlineRow extends Deadline {
  caseId: string;
  caseType: string;
  status: Status;
}
export interface Period {
  period: number;
  validFrom: string;
  validUntil: string;
}
export interface InboxFacets {
  total: number;
  overdue: number;
  escalated: number;
  claimedByMe: number;
  caseTypes: string[];
  steps: string[];
}
export interface Page<T> {
  items: T[];
  total: number;
}

export const enc = encodeURIComponent;

export const staffApi = {
  inbox: (q: Query) => api.get<Page<Task> & { nextCursor: string | null }>('/api/inbox', q),
  facets: (view: string) => api.get<InboxFacets>('/api/inbox/facets', { view }),
  claim: (taskId: string) => api.post<Task>(`/api/tasks/${enc(taskId)}/claim`),
  release: (taskId: string) => api.post<Task>(`/api/tasks/${enc(taskId)}/release`),
  complete: (taskId: string, action: string, payload: Record<string, unknown>) => api.post<Task>(`/api/tasks/${enc(taskId)}/complete`, { action, payload }),
  caseAction: (caseId: string, action: string, payload: Record<string, unknown>) => api.post(`/api/cases/${enc(caseId)}/actions/${action}`, payload),
  getCase: (caseId: string) => api.get<CaseView>(`/api/cases/${enc(caseId)}`),
  history: (caseId: string) => api.get<{ items: HistoryEntry[] }>(`/api/cases/${enc(caseId)}/history`),
  verifyAudit: (caseId: string) => api.get<{ caseId: string; entries: number; valid: boolean; problems: { seq: number; kind: string; message: string }[] }>(`/api/cases/${enc(caseId)}/audit/verify`),
  caseTasks: (caseId: string, active?: boolean) => api.get<{ items: Task[] }>(`/api/cases/${enc(caseId)}/tasks`, { active }),
  related: (caseId: string) => api.get<{ items: RelatedCase[] }>(`/api/cases/${enc(caseId)}/related`),
  caseNotifications: (caseId: string) => api.get<{ items: Notification[] }>(`/api/cases/${enc(caseId)}/notifications`),
  cases: (q: Query) => api.get<Page<CaseView>>('/api/console/cases', q),
  rounds: (q: Query) => api.get<Page<RoundRow>>('/api/console/rounds', q),
  roundApplications: (roundId: string) => api.get<RoundApplications>(`/api/selection-rounds/${enc(roundId)}/applications`),
  listingValidity: (listingId: string) =>
    api.get<{ caseId: string; current: Period; renewalDeadline: string; renewal: { status: string; filedOn: string | null }; next: Period | null }>(`/api/console/listings/${enc(listingId)}/validity`),
  deadlines: (q: Query) => api.get<{ items: DeadlineRow[]; cases: number }>('/api/console/deadlines', q),
  calendarYear: (year: number) =>
    api.get<{ year: number; source: string; provisional: boolean; holidays: { date: string; name: string }[]; workdays: { date: string; name: string }[] }>(`/api/calendar/years/${year}`),
  loadCalendarYear: (year: number, body: unknown) => api.put<{ year: number; holidays: number; workdays: number; casesToRecompute: number }>(`/api/calendar/years/${year}`, body),
};

let caseTypes: Promise<Map<string, CaseTypeInfo>> | null = null;
/** Every case type's commands with their payload schemas, loaded once. */
export function loadCaseTypes(): Promise<Map<string, CaseTypeInfo>> {
  caseTypes ??= api.get<{ items: CaseTypeInfo[] }>('/api/case-types').then(
    (r) => new Map(r.items.map((c) => [c.caseType, c])),
    (e: unknown) => {
      caseTypes = null;
      throw e;
    },
  );
  return caseTypes;
}

const diagrams = new Map<string, Promise<Diagram>>();
export function loadDiagram(caseType: string): Promise<Diagram> {
  let d = diagrams.get(caseType);
  if (!d) {
    d = api.get<Diagram>(`/api/case-types/${enc(caseType)}/diagram`);
    d.catch(() => diagrams.delete(caseType));
    diagrams.set(caseType, d);
  }
  return d;
}

let openapi: Promise<{ paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>> }> | null = null;
/** A request body's JSON schema from /openapi.json (`path` as Fastify writes it there, e.g. `/api/selection-plans`). */
export async function requestBodySchema(method: 'post' | 'put', path: string): Promise<JsonSchema> {
  openapi ??= api.get('/openapi.json');
  const doc = await openapi;
  const schema = doc.paths[path]?.[method]?.requestBody?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no request body for ${method.toUpperCase()} ${path} in /openapi.json`);
  return schema;
}

/** The leaf state as a dotted path, as the diagram's states name them. */
export function leafPath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value)[0] ?? ['', ''];
  const rest = leafPath(v);
  return rest ? `${k}.${rest}` : k;
}

/** Where a case is shown in the console: a listing and a round have their own pages. */
export function casePath(caseId: string, caseType?: string): string {
  if (caseType === 'listing' || caseId.startsWith('listing:')) return `/console/listings/${enc(caseId.slice('listing:'.length))}`;
  return `/console/cases/${enc(caseId)}`;
}

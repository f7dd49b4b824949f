/**
 * What the public pages, the institution portal and the expert/inspector pages read and send, typed
 * after the API's response schemas (api/routes/directory.ts, selection.ts, inspections.ts,
 * participants.ts, inbox.ts, api/schemas.ts). Every call goes through api/client.ts.
 */
import { api, type Query } from '../api/client';
import type { JsonSchema } from './SchemaForm';
import type { Status, DeadlineExplanation, Deadline, Grant, StateValue } from '../api/types';

const enc = encodeURIComponent;

export type { Status, DeadlineExplanation, Deadline, Grant, StateValue };
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
  actions: string[];
  escalation: boolean;
  status: 'open' | 'claimed' | 'done' | 'cancelled';
  due: string | null;
  dueDate: string | null;
  dueExplanation: string | null;
  provisional: boolean;
  overdue: boolean;
  createdAt: string;
  closedAt: string | null;
  outcome: { action: string; by: { id: string; name: string }; at: string } | null;
}
export interface HistoryEntry {
  seq: number;
  at: string;
  actor: { id: string; name: string; role: string; unit: string };
  event: { type: string; [k: string]: unknown };
  rule: string;
}

export interface Occupation {
  code: string;
  name: string;
}
export interface Institution {
  id: string;
  name: string;
  province: string;
}
export interface Contact {
  address?: string;
  phone?: string;
  email?: string;
  website?: string;
}
export interface DirectoryListing {
  listingId: string;
  kind: string;
  institution: Institution;
  occupation: Occupation;
  validFrom: string;
  validUntil: string;
  status: string;
  period: number;
  contact?: Contact;
}
export interface DirectoryChange {
  listingId: string;
  at: string;
  change: string;
  rule: string;
  listing: DirectoryListing;
}
export interface PublicNotice {
  roundId: string;
  kind: string;
  organiser: string;
  documentNumber: string;
  startedAt: string | null;
  endsAt: string | null;
  endDate: string | null;
  provisional: boolean;
  explanation: { rule: string; start: string; skipped: { date: string; reason: string }[]; text: string } | null;
  list: { application: string; institution: { name: string; province: string } | null; occupation: Occupation | null }[];
}
export interface SelectionNotice {
  planId: string;
  roundId: string;
  title: string;
  kind: string;
  organiser: string;
  documentNumber: string;
  publishedAt: string | null;
  applicationWindow: { opens: string; closes: string };
  open: boolean;
  occupations: Occupation[];
}
export interface PublicInspection {
  inspectionId: string;
  title: string;
  owner: string;
  publishedAt: string;
  summary: string;
  results: { institution: { id: string; name?: string; province?: string }; problemsFound: boolean; rules: string[]; summary: string }[];
}
export interface EligibilityFlag {
  rule: string;
  check: string;
  reason: string;
}
export interface Materials {
  caseId: string;
  roundId: string;
  kind: string;
  institution: Institution;
  occupation: Occupation;
  recommender: string;
  priority: string;
  facts: Record<string, unknown>;
  flags: EligibilityFlag[];
  submittedAt: string;
  corrections: { requestedAt: string; items: string; workingDays: number | null; submittedAt: string | null; note: string | null }[];
}
export interface ChecklistItem {
  id: string;
  rule: string;
  text: string;
  zh: string;
  kinds: string[];
}
export interface Assignment {
  institution: Institution;
  listings: { listingId: string; kind: string; occupation: Occupation }[];
  checklist: ChecklistItem[];
  task: { taskId: string; status: string; active: boolean; due: string | null; dueDate: string | null } | null;
}
export interface Assignments {
  caseId: string;
  title: string;
  status: Status;
  due: string | null;
  items: Assignment[];
}
export interface Page<T> {
  total: number;
  items: T[];
}

/** Where each case type's typed command routes live (api/commandRoutes.ts: `POST <prefix>/:caseId/<kebab-command>`). */
export const COMMAND_PREFIX: Record<string, string> = {
  application: '/api/applications',
  listing: '/api/listings',
  rectification: '/api/rectifications',
  inspection: '/api/inspections',
  round: '/api/selection-rounds',
  selectionPlan: '/api/selection-plans',
};
export const kebab = (s: string) => s.toLowerCase().replace(/_/g, '-');

export const participantApi = {
  directory: (q: Query) => api.get<Page<DirectoryListing> & { asOf?: string }>('/api/directory', q),
  changes: (q: Query) => api.get<Page<DirectoryChange>>('/api/directory/changes', q),
  notices: (q: Query) => api.get<Page<PublicNotice>>('/api/public/notices', q),
  selectionNotices: (q: Query) => api.get<Page<SelectionNotice>>('/api/public/selection-notices', q),
  inspections: (q: Query) => api.get<Page<PublicInspection>>('/api/public/inspections', q),
  fileObjection: (roundId: string, body: Record<string, unknown>) => api.post<{ roundId: string; received: boolean }>(`/api/public/notices/${enc(roundId)}/objections`, body),

  myCases: (q: Query) => api.get<Page<CaseView>>('/api/my/cases', q),
  case: (caseId: string) => api.get<CaseView>(`/api/cases/${enc(caseId)}`),
  history: (caseId: string) => api.get<{ items: HistoryEntry[] }>(`/api/cases/${enc(caseId)}/history`),
  apply: (roundId: string, body: Record<string, unknown>) => api.post<{ roundId: string; applications: CaseView[] }>(`/api/selection-rounds/${enc(roundId)}/applications`, body),
  command: (caseType: string, caseId: string, command: string, payload: Record<string, unknown>) => {
    const prefix = COMMAND_PREFIX[caseType];
    if (!prefix) throw new Error(`no command routes for ${caseType}`);
    return api.post<{ caseId: string; status: Status }>(`${prefix}/${enc(caseId)}/${kebab(command)}`, payload);
  },

  inbox: (q: Query) => api.get<{ items: Task[]; nextCursor: string | null }>('/api/inbox', q),
  task: (taskId: string) => api.get<Task>(`/api/tasks/${enc(taskId)}`),
  completeTask: (taskId: string, action: string, payload: Record<string, unknown>) => api.post<Task>(`/api/tasks/${enc(taskId)}/complete`, { action, payload }),
  materials: (caseId: string) => api.get<Materials>(`/api/applications/${enc(caseId)}/materials`),
  assignments: (caseId: string) => api.get<Assignments>(`/api/inspections/${enc(caseId)}/assignments`),
};

type OpenApi = { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>> };
let openapi: Promise<OpenApi> | null = null;

/** A request body's JSON schema from /openapi.json (`path` as Fastify writes it there, e.g. `/api/listings/{caseId}/file-renewal`). */
export async function bodySchema(path: string, method: 'post' | 'put' = 'post'): Promise<JsonSchema> {
  openapi ??= api.get<OpenApi>('/openapi.json').catch((e: unknown) => {
    openapi = null;
    throw e;
  });
  const doc = await openapi;
  const schema = doc.paths[path]?.[method]?.requestBody?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no request body for ${method.toUpperCase()} ${path} in /openapi.json`);
  return schema;
}

/** The payload schema of a case type's command, from its typed route. */
export function commandSchema(caseType: string, command: string): Promise<JsonSchema> {
  const prefix = COMMAND_PREFIX[caseType];
  if (!prefix) return Promise.reject(new Error(`no command routes for ${caseType}`));
  return bodySchema(`${prefix}/{caseId}/${kebab(command)}`);
}

/** The leaf state as a dotted path. */
export function leafPath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value)[0] ?? ['', ''];
  const rest = leafPath(v);
  return rest ? `${k}.${rest}` : k;
}

/**
 * The schema without `names` among its required properties. For choices (a yes/no, one of a list) that
 * must be made on purpose: rjsf fills a required choice left empty with a value (false, the first
 * option), so the page leaves them optional in the form and checks them itself before sending.
 */
export function choiceNotPrefilled(schema: JsonSchema, ...names: string[]): JsonSchema {
  const required = Array.isArray(schema.required) ? (schema.required as string[]).filter((r) => !names.includes(r)) : undefined;
  const out: JsonSchema = { ...schema };
  if (required && required.length > 0) out.required = required;
  else delete out.required;
  return out;
}

/** The labels of the choices among `names` left unanswered in `data`. */
export function unanswered(data: Record<string, unknown> | undefined, names: Record<string, string>): string[] {
  return Object.entries(names)
    .filter(([k]) => data?.[k] === undefined || data[k] === null || data[k] === '')
    .map(([, label]) => label);
}

/**
 * A schema fragment offering fixed values with labels. The labels go in the uiSchema both ways rjsf reads
 * them (`ui:enumNames` for an enum, `oneOf[i].ui:title` once the shared form has turned the enum into a
 * `oneOf` of constants), so they hold whichever the form renders. Leave such a field out of `required`
 * (`choiceNotPrefilled`): rjsf fills a required choice with its first option.
 */
export function labelledEnum(values: readonly string[], labels: readonly string[], base: JsonSchema = { type: 'string' }): { schema: JsonSchema; ui: Record<string, unknown> } {
  return { schema: { ...base, enum: [...values], enumNames: [...labels] }, ui: { 'ui:enumNames': [...labels], oneOf: labels.map((l) => ({ 'ui:title': l })) } };
}

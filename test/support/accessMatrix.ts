/**
 * The access matrix's machinery (test/api/access-matrix.test.ts): the facts of each object (who
 * relates to it, read from the object itself), the objects each operation is tried on (own and other
 * jurisdiction, own and other object), a request body valid for the operation's schema (so that the
 * authorisation check decides, not schema validation), the classification of an answer, and the
 * store's state before and after (a denied request changes nothing).
 */
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import type { TSchema } from 'typebox';
import { applicationCase } from '../../machines/application.case.js';
import { conductReviewCase } from '../../machines/conductReview.case.js';
import { incidentCase } from '../../machines/incident.case.js';
import { inspectionCase } from '../../machines/inspection.case.js';
import { listingCase } from '../../machines/listing.case.js';
import { rectificationCase } from '../../machines/rectification.case.js';
import { roundCase } from '../../machines/round.case.js';
import { selectionPlanCase } from '../../machines/selectionPlan.case.js';
import type { CaseDoc, TaskDoc } from '../../store/documents.js';
import { plusDays } from '../../rules/calendar/dates.js';
import { commandOf, type Facts } from '../fixtures/accessPolicy.js';
import type { JsonSchema } from './fuzz.js';
import type { Caller, World } from './accessWorld.js';
import type { Stack } from './stack.js';

export const CASE_DEFINITIONS = {
  selectionPlan: selectionPlanCase,
  round: roundCase,
  application: applicationCase,
  listing: listingCase,
  rectification: rectificationCase,
  inspection: inspectionCase,
  incident: incidentCase,
  conductReview: conductReviewCase,
} as const;

// ---------------------------------------------------------------------------------------------
// Operations from /openapi.json
// ---------------------------------------------------------------------------------------------

export interface ApiOperation {
  key: string;
  method: string;
  path: string;
  params: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  body?: JsonSchema;
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function operationsOf(doc: { paths: Record<string, Record<string, { parameters?: ApiOperation['params']; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>> }): ApiOperation[] {
  const ops: ApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      const method = m.toUpperCase();
      if (!(METHODS as readonly string[]).includes(method)) continue;
      ops.push({ key: `${method} ${path}`, method, path, params: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema });
    }
  }
  return ops.sort((a, b) => a.key.localeCompare(b.key));
}

// ---------------------------------------------------------------------------------------------
// Facts of objects
// ---------------------------------------------------------------------------------------------

export const leafOf = (state: unknown): string => {
  if (typeof state === 'string') return state;
  if (!state || typeof state !== 'object') return '';
  const [k, v] = Object.entries(state as Record<string, unknown>)[0] ?? ['', ''];
  const rest = leafOf(v);
  return rest ? `${k}.${rest}` : k;
};

const provinceUnit = (code: string | undefined) => (code ? [`province:${code}`] : []);
const localityProvince = (unit: string) => (unit.startsWith('locality:') ? [`province:${unit.slice('locality:'.length, 'locality:'.length + 2)}`] : []);
/** R20 Decision: the next level up of an order (rules.md "Rectification and exit"). */
const nextLevelUp = (orderedBy: string, province: string) =>
  orderedBy.startsWith('industry:') || orderedBy.startsWith('locality:') ? `province:${province}` : orderedBy.startsWith('province:') ? 'national' : 'national';

type Summary = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- projection summaries, read field by field

/**
 * The facts of a case: its owner and the units it names (organiser, recommender, institution, …),
 * from its projection; who holds an open task on it; for a panel or an inspection, who was drawn.
 */
export function factsOfCase(doc: CaseDoc, openTasks: TaskDoc[], drawnInspectors: string[] = []): Facts {
  const s = doc.summary as Summary;
  const owner = doc.owner;
  const units: Facts['units'] = { owner: [owner], provinceOverOwner: localityProvince(owner) };
  const attrs: Record<string, unknown> = { caseId: doc._id };
  const inst = s.institution as { id: string; province: string } | undefined;
  if (inst) {
    units.holder = [`institution:${inst.id}`];
    units.institutionProvince = provinceUnit(inst.province);
  }
  const openSteps = (step: string) => openTasks.filter((t) => t.step === step).map((t) => t.assignee.unit);
  switch (doc.caseType) {
    case 'selectionPlan':
    case 'round':
      units.organiser = [String(s.organiser ?? owner)];
      units.escalationLevel1 = openTasks.filter((t) => t.escalation).map((t) => t.assignee.unit);
      break;
    case 'application':
      units.organiser = [owner];
      units.recommender = [String(s.recommender)];
      units.panel = openSteps('application.vote');
      break;
    case 'listing': {
      units.organiser = [String(s.organiser)];
      units.recommender = [String(s.recommender)];
      units.consenter = String(s.recommender).startsWith('industry:') ? [String(s.recommender)] : [String(s.organiser)];
      const open = ((s.overdueReports ?? []) as { level: number; followedUp: boolean }[]).filter((o) => !o.followedUp);
      units.escalationLevel1 = open.some((o) => o.level === 1) ? [String(s.recommender)] : [];
      units.escalationLevel2 = open.some((o) => o.level === 2) ? [String(s.organiser)] : [];
      attrs.kind = s.kind;
      break;
    }
    case 'rectification': {
      // The listing's organiser: the province of a training institution (R8.1), the national group for evaluation (R7).
      units.organiser = s.kind === 'evaluation' ? ['national'] : provinceUnit(inst?.province);
      units.nextLevelUp = [nextLevelUp(String(s.orderedBy), inst?.province ?? '')];
      units.escalationLevel1 = s.escalated ? [String(s.orderedBy)] : [];
      units.escalationLevel2 = s.escalated ? units.nextLevelUp : [];
      attrs.kind = s.kind;
      break;
    }
    case 'inspection':
      units.institutions = ((s.institutions ?? []) as { id: string }[]).map((i) => `institution:${i.id}`);
      units.inspectors = drawnInspectors.map((id) => `inspector:${id}`);
      break;
    case 'incident':
      units.industry = [String(s.industryDepartment)];
      units.pendingAcknowledgement = ((s.acknowledgements ?? []) as { unit: string; at: string | null }[]).filter((a) => !a.at).map((a) => a.unit);
      units.escalationLevel1 = openSteps('incident.overdue');
      break;
    case 'conductReview': {
      const e = s.evaluation as { institution: { id: string } };
      const t = s.training as { institution: { id: string; province: string } };
      units.institutions = [`institution:${e.institution.id}`, `institution:${t.institution.id}`];
      units.trainingOrganiser = provinceUnit(t.institution.province);
      break;
    }
  }
  return { kind: 'case', caseType: doc.caseType, state: leafOf(doc.state), units, assigned: openTasks.map((t) => t.assignee), attrs };
}

/** Facts of every case in the store, read at once (the policy's view of the world at this moment). */
export async function allCaseFacts(stack: Stack): Promise<Map<string, Facts>> {
  const [docs, tasks, draws] = await Promise.all([
    stack.store.cases.find({}).toArray(),
    stack.store.tasks.find({ active: true }).toArray(),
    stack.store.inspectionDraws.find({}).toArray(),
  ]);
  const out = new Map<string, Facts>();
  for (const d of docs) {
    const draw = draws.find((x) => x.caseId === d._id && (x.outcome as unknown) !== undefined);
    const inspectors = ((draw?.outcome as { assignments?: { inspectors: { id: string }[] }[] } | undefined)?.assignments ?? []).flatMap((a) => a.inspectors.map((i) => i.id));
    out.set(d._id, factsOfCase(d, tasks.filter((t) => t.caseId === d._id), inspectors));
  }
  return out;
}

/** The provinces where an institution is listed (the directory's `institution.province`). */
async function listedProvinces(stack: Stack, institutionIds: string[]): Promise<string[]> {
  const docs = await stack.store.listings.find({ 'institution.id': { $in: institutionIds } }).toArray();
  return [...new Set(docs.map((d) => `province:${d.institution.province}`))];
}

// ---------------------------------------------------------------------------------------------
// Targets: the objects an operation is tried on
// ---------------------------------------------------------------------------------------------

export interface Target {
  label: string;
  /** Objects whose state moves together (a round and its applications, a listing and its orders). */
  family: string;
  facts: Facts;
  params: Record<string, string>;
  query?: Record<string, string>;
  /** A valid body for this caller (the caller matters for the applicant's own data). */
  body?: (caller: Caller) => unknown;
  /** For a creation: a body refused by a check after authorisation, for the allowed callers after the first (one object is enough). */
  probeBody?: () => unknown;
  /** The command sent (typed routes, the generic action route, a task's completion). */
  command?: string;
  /** Case ids a denied request must leave as they are. */
  watch: string[];
}

/** Case labels of the world read by every case-reading operation: one or two per type and jurisdiction. */
export const READ_CASES = ['P44draft', 'P32draft', 'PEpub', 'RT44', 'RE', 'AT_vote', 'AE_vote', 'AT_rec', 'AE_rec', 'LT44', 'LT32', 'LE44', 'LE32', 'R44', 'R32', 'R44g', 'N44', 'N32', 'I44', 'I32', 'CR44', 'CR32'];

/**
 * The other case-reading routes (history, audit verification, the console's views, the dossier, …) go
 * through the same check as the case page: each is tried on one case of each type, of both jurisdictions.
 */
export const SECONDARY_READ_CASES = ['P44draft', 'RE', 'AT_vote', 'AE_rec', 'LE32', 'R44', 'R32', 'N44', 'I32', 'CR44'];
/** The reads that assemble a case's whole record (dossier, audit verification, history, related cases): one case of each type, the costly ones aside. */
export const RECORD_READ_CASES = ['P44draft', 'AT_vote', 'R32', 'N44', 'I32'];

/** Which objects each command is tried on: the world's cases in the state where it is open, in both jurisdictions. */
export const COMMAND_TARGETS: Record<string, Record<string, string[]>> = {
  selectionPlan: { EDIT_DRAFT: ['P44draft', 'P32draft', 'PNdraft'], SUBMIT: ['P44draft', 'PNdraft'], CANCEL: ['P32draft', 'PNdraft'], RESOLVE_ESCALATION: ['P44sub', 'P32sub'], APPROVE: ['P44sub', 'P32sub'], RETURN: ['P44sub', 'P32sub'], PUBLISH_NOTICE: ['P44appr', 'P32appr'] },
  round: { '*': ['RT44', 'RE'] },
  application: {
    CONFIRM_RECOMMENDATION: ['AT_rec', 'AE_rec'],
    DECLINE_RECOMMENDATION: ['AT_rec', 'AE_rec'],
    PASS_REVIEW: ['AT_rev', 'AE_rev'],
    REJECT: ['AT_rev', 'AE_rev'],
    RETURN_FOR_CORRECTION: ['AT_rev', 'AE_rev'],
    SUBMIT_CORRECTION: ['AT_corr', 'AT_rev'],
    RETRY_DRAW: ['AT_redraw', 'AE_rev'],
    CAST_VOTE: ['AT_vote', 'AE_vote'],
    DECLINE_PANEL: ['AT_vote', 'AE_vote'],
    DECLARE_CONFLICT: ['AT_vote', 'AE_vote'],
    EXTEND_VOTING: ['AT_vote', 'AE_vote'],
    CLOSE_VOTING: ['AT_vote', 'AE_vote'],
    CONFIRM_RESULT: ['AT_recheck', 'AE_vote'],
    OVERRULE: ['AT_recheck', 'AE_vote'],
    WITHDRAW: ['AT_corr', 'AE_rec'],
  },
  listing: {
    CONSENT_RENEWAL: ['LT44r', 'LT32r'],
    REFUSE_RENEWAL: ['LT44r', 'LT32a'],
    APPROVE_RENEWAL: ['LT44a', 'LT32a'],
    REVIEW_ANNUAL_REPORT: ['LT44r', 'LT32r'],
    '*': ['LT44', 'LT32'],
  },
  rectification: { ACCEPT_EVIDENCE: ['R44e', 'R32e'], REJECT_EVIDENCE: ['R44e', 'R32e'], RECORD_FOLLOW_UP: ['R44x', 'R32'], DECIDE_REMOVAL: ['R44x', 'R32'], KEEP_LISTING: ['R44x', 'R32'], CANCEL_ORDER: ['R44g', 'R32'], '*': ['R44', 'R32'] },
  inspection: { PUBLISH_RESULTS: ['N44r', 'N32r'], ISSUE_ORDERS: ['N44p', 'N32r'], CLOSE_INSPECTION: ['N44p', 'N32r'], REDRAW: ['N44f', 'N32'], '*': ['N44', 'N32'] },
  incident: { ACCEPT_FOLLOW_UP: ['I44r', 'I32'], REQUEST_MORE: ['I44r', 'I32'], '*': ['I44', 'I32'] },
  conductReview: { '*': ['CR44', 'CR32'] },
};

/** The generic action route (`/api/cases/{caseId}/actions/{action}`): a sample of commands, one per type, the public objection among them. */
export const GENERIC_ACTIONS: [string, string][] = [
  ['P44draft', 'EDIT_DRAFT'],
  ['AT_rec', 'CONFIRM_RECOMMENDATION'],
  ['AE_rec', 'CONFIRM_RECOMMENDATION'],
  ['LT44', 'SUBMIT_ANNUAL_REPORT'],
  ['LT32', 'REPORT_CHANGE'],
  ['R44', 'SUBMIT_EVIDENCE'],
  ['I32', 'ACKNOWLEDGE'],
  ['N44', 'RECORD_FINDINGS'],
  ['RT44', 'FILE_OBJECTION'],
  ['CR32', 'DISMISS_CONFLICT'],
];

/** Tasks tried by the inbox routes: (case label, step, assignee unit). */
export const TASK_TARGETS: [string, string, string?][] = [
  ['P32sub', 'selectionPlan.approve'],
  ['AT_rec', 'application.recommend'],
  ['AE_rev', 'application.preliminaryReview'],
  ['AT_vote', 'application.vote', 'expert:e001'],
  ['AE_vote', 'application.vote', 'expert:e007'],
  ['N44', 'inspection.recordFindings', 'inspector:p001'],
  ['R44', 'rectification.submitEvidence'],
  ['R32', 'rectification.submitEvidence'],
  ['I44', 'incident.acknowledge', 'province:44'],
];

/** Which family a case label belongs to: mutations of one may move the others. */
export function familyOf(label: string): string {
  if (/^(AT_|RT44|P44pub)/.test(label)) return 'round-44';
  if (/^(AE_|RE|PEpub)/.test(label)) return 'round-national';
  if (/^(LT44|R44|LE44|I44)/.test(label) && !/^(LT44a|LT44r)/.test(label)) return 'listing-44';
  if (/^(LT32|R32|LE32|I32)/.test(label) && !/^(LT32a|LT32r)/.test(label)) return 'listing-32';
  if (/^LT44r|^R44x/.test(label)) return 'listing-44r';
  if (/^LT32r/.test(label)) return 'listing-32r';
  return label;
}

export interface TargetContext {
  stack: Stack;
  world: World;
  facts: Map<string, Facts>;
  /** The operation's body schema (from /openapi.json) or a command's payload schema. */
  example: (schema: JsonSchema | TSchema | undefined, override?: Record<string, unknown>) => unknown;
  unique: () => string;
}

const caseTarget = (ctx: TargetContext, label: string, extra: Partial<Target> = {}): Target => {
  const id = ctx.world.cases[label];
  if (!id) throw new Error(`the world has no case ${label}`);
  const facts = ctx.facts.get(id);
  if (!facts) throw new Error(`no facts for ${label} (${id})`);
  return { label, family: familyOf(label), facts, params: { caseId: id, roundId: id }, watch: [id], ...extra };
};

/** Valid payloads for commands whose schema alone does not make a meaningful one. */
export function commandPayload(ctx: TargetContext, caseType: string, command: string, label: string): Record<string, unknown> {
  const { world } = ctx;
  const year = Number(world.today.slice(0, 4));
  const text = '访问矩阵测试';
  const o: Record<string, Record<string, unknown>> = {
    EDIT_DRAFT: { draft: { title: '矩阵遴选（修订）', occupations: [world.occ(1)], requirements: 'R6' } },
    PUBLISH_NOTICE: { documentNumber: `矩阵〔${year}〕${label}-2号`, occupations: [world.occ(3)], applicationWindow: { opens: world.today, closes: plusDays(world.today, 30) }, requirements: '见通知' },
    RESOLVE_ESCALATION: { note: text },
    CAST_VOTE: { recommend: true, score: 80, comments: text },
    UPHOLD_OBJECTION: { objectionId: 'objection-1', reason: text },
    DISMISS_OBJECTION: { objectionId: 'objection-1', reason: text },
    FILE_OBJECTION: { application: world.cases.AT_rec!, text },
    SUBMIT_ANNUAL_REPORT: { year: year - 1, personTimes: 100, plan: '下一年度计划' },
    REVIEW_ANNUAL_REPORT: { year: year - 1, accepted: true, comments: text },
    WITHDRAW: caseType === 'listing' ? { effectiveOn: world.today, reason: text } : { reason: text },
    REPORT_CHANGE: { name: '矩阵更名机构', effectiveOn: world.today },
    RECORD_FOLLOW_UP: caseType === 'listing' ? { year: year - 1, level: 1, note: text } : { level: 1, note: text },
    RECORD_FINDINGS: {
      institutionId: world.inspected[label] ?? 'i001',
      checklist: [{ itemId: 'R12.fees', result: 'fail', note: text }],
      findings: [{ rule: 'R12', text }],
      summary: text,
    },
    ISSUE_ORDERS: { mode: 'deadline', due: { workingDays: 10 } },
    CONFIRM_CONFLICT: { reason: text, mode: 'deadline', due: { workingDays: 10 } },
    REFER_FOR_RECTIFICATION: { rules: ['R11'], note: text },
    RECORD_ESCALATION: { level: 1, note: text },
    REFER_FRAUD: { authority: '公安机关', note: text },
    RETURN_FOR_CORRECTION: { items: text },
    OVERRULE: { recommended: true, reason: text },
  };
  const def = CASE_DEFINITIONS[caseType as keyof typeof CASE_DEFINITIONS];
  const spec = def.commands[command as keyof typeof def.commands] as { payload: TSchema } | undefined;
  if (!spec) throw new Error(`${caseType} has no command ${command}`);
  return ctx.example(spec.payload, o[command]) as Record<string, unknown>;
}

const institutionOf = (caller: Caller) => (caller.principal?.role === 'institution' ? caller.principal.unit.slice('institution:'.length) : undefined);
const PROVINCE_OF_INSTITUTION: Record<string, string> = { i001: '44', i002: '32', i003: '44', i004: '32' };

/**
 * The objects one operation is tried on. Throws for an operation that needs objects and has no
 * provider here: a new endpoint is classified in test/fixtures/accessPolicy.ts and given its objects here.
 */
export async function targetsOf(op: ApiOperation, ctx: TargetContext): Promise<Target[]> {
  const { world, stack } = ctx;
  const none = (extra: Partial<Target> = {}): Target => ({ label: '-', family: 'global', facts: { kind: 'none', units: {} }, params: {}, watch: [], ...extra });
  const bodyOf = (override?: Record<string, unknown>) => () => ctx.example(op.body, override);
  const typed = op.method === 'POST' ? commandOf(op.path) : undefined;
  if (typed) {
    const table = COMMAND_TARGETS[typed.caseType] ?? {};
    const labels = table[typed.command] ?? table['*'];
    if (!labels) throw new Error(`${op.key}: no objects for ${typed.caseType} ${typed.command}`);
    return labels.map((label) => caseTarget(ctx, label, { command: typed.command, body: () => commandPayload(ctx, typed.caseType, typed.command, label) }));
  }
  const instFacts = async (id: string): Promise<Facts> => ({ kind: 'institution', units: { holder: [`institution:${id}`], listedProvinces: await listedProvinces(stack, [id]) } });
  switch (op.key) {
    case 'GET /api/cases/{caseId}':
      return READ_CASES.map((l) => caseTarget(ctx, l));
    case 'GET /api/cases/{caseId}/history':
    case 'GET /api/cases/{caseId}/audit/verify':
    case 'GET /api/cases/{caseId}/related':
    case 'GET /api/cases/{caseId}/dossier':
      return RECORD_READ_CASES.map((l) => caseTarget(ctx, l));
    case 'GET /api/cases/{caseId}/tasks':
    case 'GET /api/cases/{caseId}/notifications':
      return SECONDARY_READ_CASES.map((l) => caseTarget(ctx, l));
    case 'GET /api/console/listings/{listingId}/validity':
      return ['LT44', 'LT32', 'LE44', 'LE32'].map((l) => caseTarget(ctx, l, { params: { listingId: world.cases[l]!.slice('listing:'.length) } }));
    case 'GET /api/applications/{caseId}/materials':
      return ['AT_vote', 'AE_rec'].map((l) => caseTarget(ctx, l));
    case 'GET /api/inspections/{caseId}/assignments':
      return ['N44', 'N32', 'N44r'].map((l) => caseTarget(ctx, l));
    case 'POST /api/accounts/{id}/unlock': {
      // An account to unlock, made by the platform admin.
      const id = `matrix-${world.run}`;
      const r = await world.as('nat-admin').call('POST', '/api/accounts', ctx.example(ACCOUNT_BODY_SCHEMA_OF(op), { id, name: '矩阵账号', role: 'officer', unit: 'province:44' }));
      if (r.status !== 201 && r.status !== 409) throw new Error(`cannot create the account to unlock: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      return [none({ label: `account:${id}`, family: 'accounts', params: { id } })];
    }
    case 'POST /api/accounts':
      return [none({ label: 'account', family: 'accounts', body: bodyOf({ id: `matrix-new-${world.run}`, name: '矩阵新账号', role: 'officer', unit: 'province:44' }), probeBody: bodyOf({ id: `matrix-new-${world.run}`, name: '矩阵新账号', role: 'officer', unit: 'province:44' }) })];
    case 'POST /api/auth/login':
      return [none({ body: bodyOf({ username: 'nobody', password: 'wrong password' }) })];
    case 'POST /api/auth/dev-login':
      return [none({ body: bodyOf({ userId: 'nat-officer' }) })];
    case 'POST /api/auth/password':
      return [none({ body: bodyOf({ currentPassword: 'wrong password', newPassword: 'Another-Passw0rd!' }) })];
    case 'POST /api/cases/{caseId}/actions/{action}':
      return GENERIC_ACTIONS.map(([label, command]) => {
        const t = caseTarget(ctx, label, { command });
        t.params.action = command;
        t.body = () => commandPayload(ctx, t.facts.caseType!, command, label);
        return { ...t, label: `${label}:${command}` };
      });
    case 'POST /api/selection-plans':
      // One reference per object: the first allowed caller creates the plan, the others meet a 409 (after authorisation).
      return (['training', 'evaluation'] as const).map((kind) => {
        const reference = `am-${ctx.unique()}`;
        return none({ label: kind, facts: { kind: 'body', units: {}, attrs: { kind } }, body: () => ctx.example(op.body, { kind, reference, draft: { title: '矩阵新遴选', occupations: [world.occ(1)], requirements: 'R6' } }) });
      });
    case 'POST /api/selection-rounds/{roundId}/applications':
    case 'GET /api/selection-rounds/{roundId}/applications':
      return ['RT44', 'RE'].map((label) =>
        caseTarget(ctx, label, {
          body: (caller) => {
            const inst = institutionOf(caller) ?? 'i001';
            const province = PROVINCE_OF_INSTITUTION[inst] ?? '44';
            return ctx.example(op.body, {
              institution: { name: '矩阵申报机构', province },
              occupationCodes: [label === 'RT44' ? world.occ(2).code : world.occ(5).code],
              recommender: label === 'RT44' ? 'province:44' : `province:${province}`,
              priority: 'other',
            });
          },
          // R7.2 intake, after the role check: an occupation the notice does not name (422).
          probeBody: () => ctx.example(op.body, { institution: { name: '矩阵申报机构', province: '44' }, occupationCodes: ['0-00-00-00'], recommender: 'province:44', priority: 'other' }),
        }),
      );
    case 'PUT /api/expert-pool/{expertId}':
      return ['e001', 'e099'].map((id) => none({ label: id, family: `expert-${id}`, params: { expertId: id }, body: bodyOf({ name: '专家', fields: [world.occ(9).code], employer: 'org-x', employmentHistory: [], active: true }) }));
    case 'GET /api/draws/{drawId}': {
      const out: Target[] = [];
      for (const label of ['AT_vote', 'AE_vote']) {
        const draw = await stack.store.draws.findOne({ caseId: world.cases[label]! });
        if (!draw) throw new Error(`no draw for ${label}`);
        out.push({ ...caseTarget(ctx, label), label: `draw:${label}`, params: { drawId: draw._id } });
      }
      return out;
    }
    case 'GET /api/inspection-draws/{drawId}':
      return ['N44', 'N32'].map((label) => {
        const t = caseTarget(ctx, label);
        const id = world.cases[label]!;
        return { ...t, label: `draw:${label}`, params: { drawId: `${id}#1` } };
      });
    case 'GET /api/tasks/{taskId}':
    case 'POST /api/tasks/{taskId}/claim':
    case 'POST /api/tasks/{taskId}/release':
    case 'POST /api/tasks/{taskId}/complete': {
      const out: Target[] = [];
      for (const [label, step, unit] of TASK_TARGETS) {
        const caseId = world.cases[label]!;
        const t = await stack.store.tasks.findOne({ caseId, step, active: true, ...(unit ? { 'assignee.unit': unit } : {}) });
        if (!t) throw new Error(`no open task ${step} on ${label}`);
        const caseFacts = ctx.facts.get(caseId)!;
        const command = t.actions[0]!;
        out.push({
          label: `task:${label}:${step}${unit ? `:${unit}` : ''}`,
          family: familyOf(label),
          facts: { kind: 'task', caseType: caseFacts.caseType, state: caseFacts.state, units: caseFacts.units, assigned: [t.assignee], attrs: { caseId } },
          params: { taskId: t._id },
          command,
          watch: [caseId],
          ...(op.key.endsWith('/complete') ? { body: () => ({ action: command, payload: commandPayload(ctx, caseFacts.caseType!, command, label) }) } : {}),
        });
      }
      return out;
    }
    case 'GET /api/notifications/{id}': {
      const out: Target[] = [];
      for (const unit of ['province:44', 'province:32', 'locality:440100', 'industry:miit', 'industry:cac', 'national', 'institution:i001', 'institution:i002']) {
        const n = await stack.store.notifications.findOne({ 'to.unit': unit });
        if (!n) continue;
        out.push(none({ label: `notification:${unit}`, family: 'notifications', facts: { kind: 'notification', units: { unit: [unit], provinceOverOwner: localityProvince(unit) } }, params: { id: n._id } }));
      }
      if (out.length < 4) throw new Error(`too few notifications to try: ${out.map((t) => t.label).join(', ')}`);
      return out;
    }
    case 'GET /api/contacts/{unit}':
    case 'PUT /api/contacts/{unit}':
      return CONTACT_TARGETS.map((unit) => none({ label: `contact:${unit}`, family: `contact-${unit}`, facts: { kind: 'contact', units: { unit: unit === 'public' ? [] : [unit] } }, params: { unit }, body: bodyOf({ email: ['matrix@example.org'] }) }));
    case 'POST /api/rectifications':
      return ['LT44', 'LT32', 'LE44'].map((label) => {
        const listing = ctx.facts.get(world.cases[label]!)!;
        const listingId = world.cases[label]!.slice('listing:'.length);
        const province = (listing.units.institutionProvince ?? [])[0]?.slice('province:'.length) ?? '';
        const facts: Facts = { kind: 'listing', units: { ...listing.units, provinceOverOwner: [`locality:${province}*`] }, attrs: listing.attrs };
        const rule = listing.attrs?.kind === 'evaluation' ? 'R18(e)' : 'R17(e)';
        return {
          label: `order:${label}`,
          family: familyOf(label),
          facts,
          params: {},
          watch: [world.cases[label]!],
          body: bodyOf({ listingId, breaches: [{ rule, finding: '访问矩阵测试' }], mode: 'deadline', due: { workingDays: 10 } }),
          // R20.1 after the authority check: a deadline too far ahead (400).
          probeBody: bodyOf({ listingId, breaches: [{ rule, finding: '访问矩阵测试' }], mode: 'deadline', due: { date: '2099-12-31' } }),
        };
      });
    case 'POST /api/incidents':
      return ['LE44', 'LE32', 'LT44'].map((label) => {
        const listing = ctx.facts.get(world.cases[label]!)!;
        // R11: incidents are reported for evaluation listings; a training listing has no reporter.
        const facts: Facts = { kind: 'listing', units: listing.attrs?.kind === 'evaluation' ? { holder: listing.units.holder } : {}, attrs: listing.attrs };
        return {
          label: `incident:${label}`,
          family: familyOf(label),
          facts,
          params: {},
          watch: [world.cases[label]!],
          body: bodyOf({ listingId: world.cases[label]!.slice('listing:'.length), category: 'disciplineBreach', occurredAt: new Date(Date.now() - 3_600_000).toISOString(), description: '访问矩阵测试', measuresTaken: '访问矩阵测试' }),
          // R11 after the reporting authority: an incident in the future (400).
          probeBody: bodyOf({ listingId: world.cases[label]!.slice('listing:'.length), category: 'disciplineBreach', occurredAt: '2099-01-01T00:00:00Z', description: '访问矩阵测试', measuresTaken: '访问矩阵测试' }),
        };
      });
    case 'POST /api/inspections': {
      const reference = `am-${ctx.unique()}`;
      return [none({ body: () => ctx.example(op.body, { reference, title: '矩阵检查', filters: { kind: 'training' }, institutionCount: 1 }) })];
    }
    case 'PUT /api/inspectors/{inspectorId}':
      return [
        ['p001', 'province:44'],
        ['p003', 'province:32'],
        ['p099', undefined],
      ].map(([id, unit]) =>
        none({ label: `inspector:${id}`, family: `inspector-${id}`, facts: { kind: 'inspector', units: { unit: unit ? [unit] : [] }, attrs: { existing: unit !== undefined } }, params: { inspectorId: id! }, body: bodyOf({ name: '检查员', employer: '人社部门', employmentHistory: [], active: true }) }),
      );
    case 'PUT /api/certificate-templates/{templateId}':
      return ['tpl-1', 'tpl-2'].map((id) => none({ label: `template:${id}`, family: `template-${id}`, params: { templateId: id }, body: bodyOf({ kind: 'training', title: '培训证书', text: '数字技术工程师培训证书（矩阵）' }) }));
    case 'GET /api/certificate-templates':
    case 'GET /api/relations': {
      const out: Target[] = [];
      for (const id of ['i001', 'i002']) out.push(none({ label: `institution:${id}`, facts: await instFacts(id), query: { institutionId: id } }));
      // Without institutionId: an institution reads its own; staff must name one (templates) or read their jurisdiction's (relations).
      out.push(none({ label: 'own', facts: { kind: 'self', units: {} } }));
      return out;
    }
    case 'PUT /api/institutions/{institutionId}/training-sites':
    case 'GET /api/institutions/{institutionId}/training-sites': {
      const out: Target[] = [];
      for (const [id, province] of [['i001', '44'], ['i002', '32'], ['i009', '11']] as const) {
        out.push(none({ label: `institution:${id}`, family: `sites-${id}`, facts: await instFacts(id), params: { institutionId: id }, body: bodyOf({ province, sites: [{ id: 's1', province, address: '矩阵培训点' }] }) }));
      }
      return out;
    }
    case 'PUT /api/relations': {
      const out: Target[] = [];
      for (const [from, to] of [['i001', 'i003'], ['i002', 'i004'], ['i009', 'i010']] as const) {
        out.push(none({ label: `relation:${from}~${to}`, family: `relations`, facts: { kind: 'relation', units: { listedProvinces: await listedProvinces(stack, [from, to]) } }, body: bodyOf({ from, to, type: 'branch' }) }));
      }
      return out;
    }
    case 'DELETE /api/relations/{id}': {
      const out: Target[] = [];
      for (const [from, to] of [['i003', 'i001'], ['i002', 'i004']] as const) {
        out.push(none({ label: `relation:${from}~${to}`, family: `relation-${from}`, facts: { kind: 'relation', units: { listedProvinces: await listedProvinces(stack, [from, to]) } }, params: { id: `${from}~${to}~subsidiary` } }));
      }
      return out;
    }
    case 'PUT /api/calendar/years/{year}':
      return [none({ label: 'year:2099', params: { year: '2099' }, body: bodyOf({ holidays: [], workdays: [], source: '访问矩阵测试' }) })];
    case 'GET /api/calendar/years/{year}':
      return [none({ params: { year: '2027' } })];
    case 'GET /api/calendar/working-days':
      return [none({ query: { from: world.today, count: '3' } })];
    case 'POST /api/public/notices/{roundId}/objections':
      return ['RT44', 'RE'].map((label) => caseTarget(ctx, label, { body: bodyOf({ application: world.cases.AT_rec!, text: '访问矩阵测试' }) }));
    case 'POST /api/dev/tokens':
      return [none({ body: bodyOf({ userId: 'nat-officer' }) })];
    case 'GET /api/case-types/{caseType}':
    case 'GET /api/case-types/{caseType}/diagram':
      return [none({ params: { caseType: 'listing' } })];
    default:
      if (op.params.some((p) => p.in === 'path')) throw new Error(`${op.key}: no objects to try it on (add them to targetsOf)`);
      return [none({ ...(op.body ? { body: bodyOf() } : {}) })];
  }
}

/** The body schema of account creation (POST /api/accounts), for the account the unlock is tried on. */
let accountSchema: JsonSchema | undefined;
export const rememberAccountSchema = (schema: JsonSchema | undefined) => (accountSchema = schema);
const ACCOUNT_BODY_SCHEMA_OF = (_op: ApiOperation) => accountSchema;

/** Contacts tried: every kind of unit, Guangdong's and Jiangsu's, and the public (which has none). */
export const CONTACT_TARGETS = ['national', 'province:44', 'province:32', 'locality:440100', 'industry:miit', 'industry:cac', 'institution:i001', 'institution:i002', 'expert:e001', 'inspector:p001'];

// ---------------------------------------------------------------------------------------------
// Valid bodies
// ---------------------------------------------------------------------------------------------

const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: 'array', useDefaults: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validators = new WeakMap<object, ReturnType<Ajv['compile']>>();

function validate(schema: object, value: unknown): string[] {
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = ajv.compile(schema)));
  return v(structuredClone(value)) ? [] : (v.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`);
}

const STRING_CANDIDATES = ['访问矩阵测试', 'access-matrix', 'R12', 'i001', '2-02-10-09', 'province:44', 'selection-round:x', 'a'];

function exampleString(s: JsonSchema, today: string): string {
  if (s.format === 'date') return today;
  if (s.format === 'date-time') return new Date().toISOString();
  if (s.format === 'email') return 'matrix@example.org';
  if (s.format === 'uri') return 'https://example.org/hook';
  const fits = (v: string) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity) && (!s.pattern || new RegExp(s.pattern).test(v));
  for (const c of [...STRING_CANDIDATES, today]) if (fits(c)) return c;
  if (s.pattern) {
    const found = fc.sample(fc.stringMatching(new RegExp(s.pattern)), { seed: 6, numRuns: 200 }).find(fits);
    if (found !== undefined) return found;
  }
  return 'x'.repeat(Math.max(1, s.minLength ?? 1));
}

/** A minimal value valid for `s`: required properties only, bounds' lower ends, the first alternative. */
export function exampleOf(s: JsonSchema, today: string): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum && s.enum.length > 0) return s.enum[0];
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives && alternatives.length > 0) return exampleOf(alternatives[0]!, today);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return exampleString(s, today);
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 0, Math.min(s.maximum ?? 1, 1));
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => exampleOf(s.items ?? {}, today));
    default: {
      const out: Record<string, unknown> = {};
      for (const name of s.required ?? []) out[name] = exampleOf(s.properties?.[name] ?? {}, today);
      return out;
    }
  }
}

/** A valid body: the schema's minimal example with `override` laid over it; throws when the result does not validate. */
export function validBody(schema: JsonSchema | TSchema | undefined, today: string, override: Record<string, unknown> = {}): unknown {
  if (!schema) return Object.keys(override).length ? override : undefined;
  const base = exampleOf(schema as JsonSchema, today);
  const value = base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>), ...override } : base;
  const errors = validate(schema as object, value);
  if (errors.length > 0) throw new Error(`no valid body: ${errors.join('; ')} in ${JSON.stringify(value).slice(0, 300)}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

export type Outcome = 'allowed' | 'denied' | 'unavailable' | 'error';

/**
 * denied: 401/403, and 404 where the request names an object; unavailable: 409 from a case whose
 * current step has the command for nobody (the refusal comes before any check of the caller, and
 * nothing is done); error: a 5xx, or a 404 where no object is named (the route is missing); allowed:
 * anything else (2xx, or a 4xx of a semantic or state check after authorisation).
 */
export function classify(status: number, body: unknown, objectLevel: boolean): Outcome {
  if (status === 401 || status === 403) return 'denied';
  if (status === 404) return objectLevel ? 'denied' : 'error';
  if (status >= 500) return 'error';
  const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (status === 409 && e?.code === 'InvalidState' && /is not possible while the case is/.test(e.message ?? '')) return 'unavailable';
  return 'allowed';
}

// ---------------------------------------------------------------------------------------------
// The store, before and after
// ---------------------------------------------------------------------------------------------

export type Snapshot = Map<string, string>;
const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
const COUNTED = ['cases', 'tasks', 'audit', 'notifications', 'draws', 'inspectionDraws', 'listings', 'bars', 'directoryChanges'] as const;
const CONTENT = ['contacts', 'experts', 'inspectors', 'certificateTemplates', 'trainingSites', 'relations', 'calendarYears', 'listings', 'accounts'] as const;

/** Every case's `seq`, every task's status and claim, the counts and the small collections' content. */
export async function snapshot(stack: Stack): Promise<Snapshot> {
  const s = stack.store;
  const out: Snapshot = new Map();
  const [cases, tasks, counts, contents] = await Promise.all([
    s.cases.find({}, { projection: { seq: 1 } }).toArray(),
    s.tasks.find({}, { projection: { status: 1, active: 1, 'claimedBy.id': 1, lastSeq: 1 } }).toArray(),
    Promise.all(COUNTED.map((c) => (s[c] as typeof s.cases).countDocuments())),
    Promise.all(CONTENT.map((c) => s.db.collection(c).find({}, { projection: { updatedAt: 0, lastLoginAt: 0, failedAttempts: 0 } }).sort({ _id: 1 }).toArray())),
  ]);
  for (const c of cases) out.set(`case ${c._id}`, String(c.seq));
  for (const t of tasks) out.set(`task ${t._id}`, `${t.status}/${t.active}/${t.claimedBy?.id ?? '-'}/${t.lastSeq}`);
  COUNTED.forEach((c, i) => out.set(`count ${c}`, String(counts[i])));
  CONTENT.forEach((c, i) => out.set(`content ${c}`, digest(contents[i])));
  return out;
}

export function diff(before: Snapshot, after: Snapshot): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).map((k) => `${k}: ${before.get(k) ?? '∅'} → ${after.get(k) ?? '∅'}`);
}

/** Waits until two snapshots 500 ms apart agree (signals between cases, follow-up steps), and returns it. */
export async function settle(stack: Stack, timeoutMs = 30_000): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  let last = await snapshot(stack);
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const next = await snapshot(stack);
    if (diff(last, next).length === 0 || Date.now() > deadline) return next;
    last = next;
  }
}

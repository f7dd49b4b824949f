/**
 * The case dossier (案件卷宗): one case's complete record for administrative review (行政复议) and
 * disclosure requests, assembled from the store — the projection, the audit chain and its
 * verification, tasks with their outcomes, notifications, deadlines with their calendar explanation,
 * the random draws with their proof re-run now, objections and how they were decided, related cases —
 * as one versioned JSON document with a SHA-256 digest of its RFC 8785 canonical form.
 * api/dossier/pdf.ts renders the same document.
 *
 * Two views (see `dossierViewOf`):
 *   - `full`: staff (officer, leader, admin) of the owning unit or of a unit overseeing it — the same
 *     people who see a case's whole history (api/routes/cases.ts);
 *   - `redacted`: the case's parties (the applicant or holder institution, the recommender, the other
 *     departments a case names), who may read the case page. They get what the case page and the
 *     history already show them, and no more:
 *       * timeline, decisions and deadlines without the case's confidential events (R7.3: the panel
 *         draw, votes, declines, conflicts, voting extensions — `confidentialEvents` of the case type)
 *         and, for an institution, without the steps about another institution (`institutionId`, as
 *         another's findings in a random inspection); a draw step shows its commitment, not who was drawn;
 *         objectors' contacts are removed from every payload;
 *       * draws reduced to their status, seed commitment, times and whether they verify now: no seed,
 *         no pool, no panel, no reserve, no exclusions (with the seed and the pool ids the panel can be
 *         recomputed; panel membership is confidential, R7.3 and R16);
 *       * tasks without those assigned to experts or inspectors or offering a confidential action
 *         (they name who was drawn); notifications only those addressed to the caller's own unit;
 *       * objections with their id, dates, status and decision, without the objection's text and the
 *         objector's contact (an objector is not disclosed to the institution objected to);
 *       * related cases only those the caller may read, and no list of parties.
 *   Everyone gets the audit chain's verification (entries, head hash, problems), as
 *   `GET /api/cases/:id/audit/verify` answers any reader; a redacted dossier says how many timeline
 *   entries it withholds. Delivery targets of notifications (addresses, webhook URLs) and their
 *   errors are left out of every dossier.
 */
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import { applicationCase } from '../../machines/application.case.js';
import { conductReviewCase } from '../../machines/conductReview.case.js';
import { incidentCase } from '../../machines/incident.case.js';
import { inspectionCase } from '../../machines/inspection.case.js';
import { listingCase } from '../../machines/listing.case.js';
import { rectificationCase } from '../../machines/rectification.case.js';
import { roundCase } from '../../machines/round.case.js';
import { selectionPlanCase } from '../../machines/selectionPlan.case.js';
import { canOversee, sameAssignee, type Principal, type Unit } from '../../rules/actors.js';
import type { Deadline } from '../../rules/calendar/index.js';
import { verifyDraw } from '../../rules/draw/index.js';
import { verifyCampaignDraw, type CampaignDrawRecord } from '../../rules/inspection/index.js';
import { verifyChain, type ChainProblem } from '../../store/auditChain.js';
import type { AuditDoc, CaseDoc, DrawDoc, InspectionDrawDoc, NotificationDoc, TaskDoc } from '../../store/documents.js';
import type { Store } from '../../store/mongo.js';
import type { StateValue } from '../../activities/contracts.js';
import { CASE_TYPES } from '../../workflows/caseTypes.js';

// canonicalize is CommonJS (`module.exports = fn`) with an ESM-style .d.ts: the default import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export const DOSSIER_VERSION = 1 as const;

export type DossierView = 'full' | 'redacted';

/** Chinese and English names of the case types, for titles (glossary: shared/spec/glossary.md). */
export const CASE_TYPE_LABELS: Record<string, { zh: string; en: string }> = {
  selectionPlan: { zh: '遴选方案', en: 'Selection plan' },
  round: { zh: '遴选批次', en: 'Selection round' },
  application: { zh: '申报', en: 'Application' },
  listing: { zh: '目录条目', en: 'Listing' },
  rectification: { zh: '责令整改', en: 'Rectification order' },
  incident: { zh: '考试突发事件', en: 'Incident' },
  inspection: { zh: '双随机检查', en: 'Random inspection' },
  conductReview: { zh: '关联机构冲突审查', en: 'Conduct review' },
};

const DEFINITIONS: Record<string, { commands: Record<string, { title: string; rule: string }> }> = {
  selectionPlan: selectionPlanCase,
  round: roundCase,
  application: applicationCase,
  listing: listingCase,
  rectification: rectificationCase,
  incident: incidentCase,
  inspection: inspectionCase,
  conductReview: conductReviewCase,
};

/** Steps that record a random draw's outcome (who was drawn). */
const DRAW_EVENTS = new Set(['panel.drawn', 'inspection.drawn']);

const SYSTEM_TITLES: Record<string, string> = {
  'case.opened': 'Case opened',
  'deadlines.set': 'Deadlines computed (working-day calendar)',
  'deadline.reached': 'Deadline reached',
  'panel.drawn': 'Expert panel drawn (R7.3)',
  'panel.drawFailed': 'Expert panel draw failed (R7.3)',
  'inspection.drawn': 'Institutions and inspectors drawn (R16)',
  'inspection.drawFailed': 'Inspection draw failed (R16)',
};

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

export interface DossierActor {
  id: string;
  name: string;
  role: string;
  unit: string;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  /** The event type: a command (`PASS_REVIEW`), a timer (`deadline.reached`), a signal from another case, … */
  event: string;
  title: string | null;
  rule: string;
  actor: DossierActor;
  /** The reason, comments or note given with the event, if any. */
  reason: string | null;
  /** The state before (null for the opening step) and the resulting state, as dotted paths. */
  from: string | null;
  to: string;
  /** The event's payload as recorded (without its type). */
  payload: Record<string, unknown>;
  hash: string;
  prevHash: string;
}

/** A command someone sent and the case accepted: who decided what, why, under which rule, with what result. */
export interface Decision {
  seq: number;
  at: string;
  action: string;
  title: string | null;
  rule: string;
  actor: DossierActor;
  reason: string | null;
  resultingState: string;
  payload: Record<string, unknown>;
}

export interface DossierDeadline {
  name: string;
  rule: string;
  /** ISO instant (UTC). */
  due: string;
  /** Its Asia/Shanghai calendar day. */
  date: string;
  provisional: boolean;
  explanation: { text: string; start: string; offset: unknown; skipped: { date: string; reason: string }[] };
  relativeTo: string | null;
  /** The step that set it (a `deadlines.set` entry), or null when only the projection has it. */
  setAtSeq: number | null;
  setAt: string | null;
  /** Still in force: the case's projection holds this deadline now. */
  current: boolean;
  /** The step at which it was reached (a `deadline.reached` entry after it was set), if any. */
  reachedAtSeq: number | null;
}

export interface DossierTask {
  taskId: string;
  step: string;
  title: string;
  rule: string;
  assignee: { role: string; unit: string };
  actions: string[];
  escalation: boolean;
  status: string;
  createdAt: string;
  due: string | null;
  dueDate: string | null;
  dueExplanation: string | null;
  provisional: boolean;
  claimedBy: { id: string; name: string; at: string } | null;
  closedAt: string | null;
  outcome: { action: string; by: DossierActor; at: string } | null;
  remindersSent: { deadline: string; at: string }[];
}

export interface DossierNotification {
  id: string;
  createdAt: string;
  template: string;
  subject: string;
  body: string;
  rule: string;
  to: { role: string; unit: string };
  status: string;
  sentAt: string | null;
  attempts: number;
  channels: { channel: string; status: string; attempts: number; sentAt: string | null }[];
}

export interface DossierDraw {
  kind: 'expertPanel' | 'inspection';
  drawId: string;
  status: string;
  algorithm: string | null;
  seedCommitment: string;
  committedAt: string;
  drawnAt: string | null;
  /** Re-run now from the recorded inputs: the seed matches its commitment and the same result comes out. */
  verified: boolean;
  problems: string[];
  /** Full view only, and only once drawn: the revealed seed and the proof. */
  seed?: string;
  proof?: string | null;
  requestHash?: string | null;
  poolHash?: string | null;
  poolSize?: number | null;
  seats?: number | null;
  /** Expert panels: members and reserve in draw order, exclusions with their grounds. */
  panel?: { expertId: string; name: string }[];
  reserve?: { expertId: string; name: string }[];
  exclusions?: { expertId: string; reason: string; rule: string; detail: string }[];
  /** Inspections: the drawn institutions with their inspectors, shortfalls. */
  institutions?: { institutionId: string; listings: string[]; inspectors: string[] }[];
  shortfalls?: unknown[];
  failure?: unknown;
}

export interface DossierObjection {
  id: string;
  /** The round case the objection was filed with, and its step. */
  roundId: string;
  filedAtSeq: number;
  filedAt: string;
  application: string;
  /** Full view only. */
  text?: string;
  contact?: string | null;
  status: 'open' | 'upheld' | 'dismissed';
  decision: { action: string; reason: string | null; at: string; by: DossierActor; seq: number } | null;
}

export interface RelatedCase {
  caseId: string;
  caseType: string;
  relation: string;
  status: { code: string; label: string; final: boolean };
}

export interface AuditChainResult {
  ok: boolean;
  /** Entries stored for the case, and how many its projection says it has. */
  entries: number;
  expectedEntries: number;
  headSeq: number | null;
  headHash: string | null;
  firstBroken: ChainProblem | null;
  problems: ChainProblem[];
  algorithm: string;
}

export interface Dossier {
  dossierVersion: typeof DOSSIER_VERSION;
  generatedAt: string;
  generatedBy: DossierActor;
  view: DossierView;
  redactions: { section: string; withheld: string; reason: string; count?: number }[];
  case: {
    caseId: string;
    caseType: string;
    caseTypeLabel: { zh: string; en: string };
    status: { code: string; label: string; final: boolean };
    state: string;
    owner: string;
    parties?: string[];
    institution: { id?: string; name?: string; province?: string } | null;
    steps: number;
    createdAt: string;
    updatedAt: string;
    summary: Record<string, unknown>;
  };
  timeline: TimelineEntry[];
  decisions: Decision[];
  deadlines: DossierDeadline[];
  tasks: DossierTask[];
  notifications: DossierNotification[];
  draws: DossierDraw[];
  objections: DossierObjection[];
  relatedCases: RelatedCase[];
  auditChain: AuditChainResult;
  digest: { algorithm: 'SHA-256'; canonicalization: 'RFC 8785 (JCS)'; covers: string; value: string };
}

// ---------------------------------------------------------------------------------------------
// Who gets which view
// ---------------------------------------------------------------------------------------------

/** Staff of the owning unit or of a unit overseeing it (as `isStaffOver` in api/routes/cases.ts). */
export function isStaffOver(p: Principal, owner: string): boolean {
  return (p.role === 'officer' || p.role === 'leader' || p.role === 'admin') && canOversee(p, owner as Unit);
}

/**
 * The view a principal who may read the case (api/cases.ts `readableCase`) gets, or null when they
 * read it only through a task or grant (a drawn expert, an inspector): the dossier is for the case's
 * staff and parties.
 */
export function dossierViewOf(p: Principal, doc: CaseDoc): DossierView | null {
  if (isStaffOver(p, doc.owner)) return 'full';
  if ((doc.parties ?? []).includes(p.unit)) return 'redacted';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const iso = (d: Date | string | null | undefined): string | null => (d == null ? null : typeof d === 'string' ? d : d.toISOString());
const actorOf = (p: Principal | undefined): DossierActor => ({ id: p?.id ?? 'unknown', name: p?.name ?? '', role: p?.role ?? '', unit: p?.unit ?? '' });

export function stateText(value: StateValue | null | undefined): string {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([k, v]) => {
      const inner = stateText(v);
      return inner ? `${k}.${inner}` : k;
    })
    .join(', ');
}

const isCommand = (type: string) => /^[A-Z][A-Z0-9_]*$/.test(type);

function reasonOf(event: Record<string, unknown>): string | null {
  for (const key of ['reason', 'comments', 'note', 'items', 'summary']) {
    const v = event[key];
    if (typeof v === 'string' && v.trim()) return v;
  }
  return null;
}

/** Strings in a projection summary that name another case. */
const CASE_ID_RE = new RegExp(`^(${Object.values(CASE_TYPES).map((t) => t.idPrefix).join('|')}):`);
function caseIdsIn(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > 6 || value == null) return;
  if (typeof value === 'string') {
    if (CASE_ID_RE.test(value) && value.length <= 300) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) caseIdsIn(v, out, depth + 1);
  } else if (typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) caseIdsIn(v, out, depth + 1);
  }
}

/** Whether `p` may read the case (the rule of api/cases.ts `readableCase`), without throwing. */
function mayRead(p: Principal, doc: CaseDoc): boolean {
  return doc.grants.some((g) => sameAssignee(g.assignee, p)) || (doc.parties ?? []).includes(p.unit) || canOversee(p, doc.owner as Unit);
}

/** The SHA-256 of the canonical JSON of the dossier without its `digest` field. */
export function dossierDigest(dossier: Omit<Dossier, 'digest'> | Dossier): string {
  const { digest: _digest, ...rest } = dossier as Dossier;
  const canonical = canonicalize(rest);
  if (canonical === undefined) throw new Error('the dossier cannot be canonicalised');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

function timelineOf(entries: AuditDoc[], caseType: string): TimelineEntry[] {
  const commands = DEFINITIONS[caseType]?.commands ?? {};
  return entries.map((e) => {
    const { type, ...payload } = e.event;
    const title = commands[type]?.title ?? (type === 'deadline.reached' ? `${SYSTEM_TITLES[type]}: ${String(payload.name ?? '')}` : SYSTEM_TITLES[type] ?? null);
    return {
      seq: e.seq,
      at: e.at,
      event: type,
      title,
      rule: e.rule,
      actor: actorOf(e.actor),
      reason: reasonOf(e.event),
      from: e.from == null ? null : stateText(e.from),
      to: stateText(e.to),
      payload,
      hash: e.hash,
      prevHash: e.prevHash,
    };
  });
}

function decisionsOf(timeline: TimelineEntry[]): Decision[] {
  return timeline
    .filter((t) => isCommand(t.event))
    .map((t) => ({ seq: t.seq, at: t.at, action: t.event, title: t.title, rule: t.rule, actor: t.actor, reason: t.reason, resultingState: t.to, payload: t.payload }));
}

/** Every deadline the case set (each `deadlines.set` step), and any the projection holds besides. */
function deadlinesOf(timeline: TimelineEntry[], current: Deadline[]): DossierDeadline[] {
  const out: DossierDeadline[] = [];
  const key = (d: { name: string; at: string }) => `${d.name}@${d.at}`;
  const live = new Set(current.map(key));
  const toDossier = (d: Deadline, set: TimelineEntry | null): DossierDeadline => ({
    name: d.name,
    rule: d.rule,
    due: d.at,
    date: d.date,
    provisional: d.provisional,
    explanation: {
      text: d.explanation?.text ?? '',
      start: d.explanation?.start ?? '',
      offset: d.explanation?.offset ?? null,
      skipped: (d.explanation?.skipped ?? []).map((s) => ({ date: s.date, reason: s.reason })),
    },
    relativeTo: d.relativeTo ?? null,
    setAtSeq: set?.seq ?? null,
    setAt: set?.at ?? null,
    current: live.has(key(d)),
    reachedAtSeq: null,
  });
  for (const t of timeline) {
    if (t.event === 'deadlines.set') {
      for (const d of (t.payload.deadlines as Deadline[] | undefined) ?? []) out.push(toDossier(d, t));
    } else if (t.event === 'deadline.reached') {
      // The latest setting of that name before this step is the one reached.
      const reached = [...out].reverse().find((d) => d.name === t.payload.name && d.reachedAtSeq === null);
      if (reached) reached.reachedAtSeq = t.seq;
    }
  }
  const seen = new Set(out.map((d) => `${d.name}@${d.due}`));
  for (const d of current) if (!seen.has(key(d))) out.push(toDossier(d, null));
  return out;
}

function tasksOf(tasks: TaskDoc[]): DossierTask[] {
  return tasks.map((t) => ({
    taskId: t._id,
    step: t.step,
    title: t.title,
    rule: t.rule,
    assignee: { role: t.assignee.role, unit: t.assignee.unit },
    actions: t.actions,
    escalation: t.escalation ?? false,
    status: t.status,
    createdAt: iso(t.createdAt) ?? '',
    due: iso(t.due),
    dueDate: t.dueDate ?? null,
    dueExplanation: t.dueExplanation ?? null,
    provisional: t.provisional ?? false,
    claimedBy: t.claimedBy ? { id: t.claimedBy.id, name: t.claimedBy.name, at: iso(t.claimedBy.at) ?? '' } : null,
    closedAt: iso(t.closedAt),
    outcome: t.outcome ? { action: t.outcome.action, by: actorOf(t.outcome.by), at: iso(t.outcome.at) ?? '' } : null,
    remindersSent: (t.remindersSent ?? []).map((r) => ({ deadline: r.deadline, at: r.at })),
  }));
}

function notificationsOf(docs: NotificationDoc[]): DossierNotification[] {
  return docs.map((n) => ({
    id: n._id,
    createdAt: iso(n.createdAt) ?? '',
    template: n.template,
    subject: n.subject,
    body: n.body,
    rule: n.rule,
    to: { role: n.to.role, unit: n.to.unit },
    status: n.status,
    sentAt: iso(n.sentAt),
    attempts: n.attempts ?? 0,
    // Where it went (addresses, URLs) and the transport's errors stay out of the dossier.
    channels: Object.entries(n.deliveries ?? {}).map(([channel, d]) => ({ channel, status: d!.status, attempts: d!.attempts, sentAt: iso(d!.sentAt) })),
  }));
}

function expertDrawOf(d: DrawDoc, view: DossierView): DossierDraw {
  const verification = d.pool && d.request && d.result ? verifyDraw(d.pool, d.request, d.result) : { valid: false, problems: [d.status === 'failed' ? `the draw failed: ${d.failure?.reason ?? 'unknown'}` : `the draw is ${d.status}`] };
  const base: DossierDraw = {
    kind: 'expertPanel',
    drawId: d._id,
    status: d.status,
    algorithm: d.result?.algorithm ?? null,
    seedCommitment: d.seedCommitment,
    committedAt: iso(d.committedAt) ?? '',
    drawnAt: iso(d.drawnAt),
    verified: verification.valid,
    problems: verification.problems,
  };
  if (view !== 'full') return base;
  const names = new Map((d.pool?.experts ?? []).map((e) => [e.id, e.name]));
  const ranking = d.result ? [...d.result.panel, ...d.result.reserve] : [];
  const seats = d.seats ?? d.result?.panel.length ?? 0;
  return {
    ...base,
    // The seed is revealed only once the draw has been made (commit, then reveal).
    ...(d.status === 'committed' ? {} : { seed: d.seed }),
    proof: d.result?.proof ?? null,
    requestHash: d.result?.requestHash ?? null,
    poolHash: d.pool?.hash ?? null,
    poolSize: d.pool?.experts.length ?? null,
    seats: d.seats ?? null,
    panel: ranking.slice(0, seats).map((id) => ({ expertId: id, name: names.get(id) ?? '' })),
    reserve: ranking.slice(seats).map((id) => ({ expertId: id, name: names.get(id) ?? '' })),
    exclusions: (d.result?.exclusions ?? []).map((x) => ({ expertId: x.expertId, reason: x.reason, rule: x.rule, detail: x.detail })),
    ...(d.failure ? { failure: d.failure } : {}),
  };
}

function inspectionDrawOf(d: InspectionDrawDoc, view: DossierView): DossierDraw {
  const record = d.record as CampaignDrawRecord | undefined;
  const verification = record ? verifyCampaignDraw(record) : { valid: false, problems: [d.status === 'failed' ? `the draw failed: ${d.failure ?? 'unknown'}` : `the draw is ${d.status}`] };
  const result = record?.result;
  const base: DossierDraw = {
    kind: 'inspection',
    drawId: d._id,
    status: d.status,
    algorithm: result?.algorithm ?? null,
    seedCommitment: d.seedCommitment,
    committedAt: iso(d.committedAt) ?? '',
    drawnAt: iso(d.drawnAt),
    verified: verification.valid,
    problems: verification.problems,
  };
  if (view !== 'full') return base;
  return {
    ...base,
    ...(d.status === 'committed' ? {} : { seed: d.seed }),
    proof: result?.proof ?? null,
    requestHash: result?.requestHash ?? null,
    poolHash: result?.snapshot?.hash ?? null,
    poolSize: result?.snapshot ? result.snapshot.institutions.length : null,
    institutions: (result?.institutions ?? []).map((i) => ({ institutionId: i.institutionId, listings: i.listings, inspectors: i.inspectors })),
    shortfalls: result?.shortfalls ?? [],
    ...(d.failure ? { failure: d.failure } : {}),
  };
}

/** The objections of a round, from its audit chain: `objection-<n>` is the n-th FILE_OBJECTION it accepted. */
function objectionsOf(roundId: string, entries: AuditDoc[]): DossierObjection[] {
  const out: DossierObjection[] = [];
  for (const e of entries) {
    const ev = e.event as Record<string, unknown> & { type: string };
    if (ev.type === 'FILE_OBJECTION') {
      out.push({
        id: `objection-${out.length + 1}`,
        roundId,
        filedAtSeq: e.seq,
        filedAt: e.at,
        application: String(ev.application ?? ''),
        text: String(ev.text ?? ''),
        contact: typeof ev.contact === 'string' ? ev.contact : null,
        status: 'open',
        decision: null,
      });
    } else if (ev.type === 'UPHOLD_OBJECTION' || ev.type === 'DISMISS_OBJECTION') {
      const o = out.find((x) => x.id === ev.objectionId && x.status === 'open');
      if (!o) continue;
      o.status = ev.type === 'UPHOLD_OBJECTION' ? 'upheld' : 'dismissed';
      o.decision = { action: ev.type, reason: typeof ev.reason === 'string' ? ev.reason : null, at: e.at, by: actorOf(e.actor), seq: e.seq };
    }
  }
  return out;
}

async function relatedCasesOf(store: Store, doc: CaseDoc, p: Principal, view: DossierView): Promise<RelatedCase[]> {
  const relation = new Map<string, string>();
  const refs = new Set<string>();
  caseIdsIn(doc.summary, refs);
  for (const id of refs) if (id !== doc._id) relation.set(id, 'referenced by this case');
  const s = doc.summary as Record<string, unknown>;
  if (doc.caseType === 'application' && typeof s.roundId === 'string') relation.set(s.roundId, 'selection round of this application');
  if (doc.caseType === 'application' && doc.status.code === 'published') {
    const inst = s.institution as { id?: string } | undefined;
    const occ = s.occupation as { code?: string } | undefined;
    if (inst?.id && occ?.code) relation.set(`listing:${String(s.kind)}:${inst.id}:${occ.code}`, 'listing published by this application');
  }
  if (doc.caseType === 'selectionPlan') relation.set(`${CASE_TYPES.round.idPrefix}:${doc._id.slice(CASE_TYPES.selectionPlan.idPrefix.length + 1)}`, 'selection round of this plan');
  if (doc.caseType === 'round') {
    for (const a of await store.cases.find({ 'summary.roundId': doc._id, caseType: 'application' }, { projection: { _id: 1 } }).toArray()) relation.set(a._id, 'application in this round');
  }
  if (doc.caseType === 'listing') {
    for (const c of await store.cases.find({ 'summary.listingCaseId': doc._id }, { projection: { _id: 1, caseType: 1 } }).toArray()) {
      relation.set(c._id, c.caseType === 'rectification' ? 'rectification order against this listing' : `${c.caseType} of this listing`);
    }
  }
  if (doc.caseType === 'inspection') {
    for (const c of await store.cases.find({ caseType: 'rectification', 'summary.source.campaignCaseId': doc._id }, { projection: { _id: 1 } }).toArray()) relation.set(c._id, 'rectification order issued from this inspection');
  }
  relation.delete(doc._id);
  if (relation.size === 0) return [];
  const docs = await store.cases.find({ _id: { $in: [...relation.keys()] } }).toArray();
  return docs
    .filter((d) => view === 'full' || mayRead(p, d))
    .map((d) => ({ caseId: d._id, caseType: d.caseType, relation: relation.get(d._id) ?? '', status: { code: d.status.code, label: d.status.label, final: d.status.final } }))
    .sort((a, b) => a.caseId.localeCompare(b.caseId));
}

function institutionOf(summary: Record<string, unknown>): Dossier['case']['institution'] {
  const i = summary.institution as { id?: string; name?: string; province?: string } | undefined;
  if (i && typeof i === 'object') return { ...(i.id ? { id: i.id } : {}), ...(i.name ? { name: i.name } : {}), ...(i.province ? { province: i.province } : {}) };
  const pair = summary.training as { institution?: { id?: string; name?: string } } | undefined;
  if (pair?.institution) return { ...(pair.institution.id ? { id: pair.institution.id } : {}), ...(pair.institution.name ? { name: pair.institution.name } : {}) };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------------------------

export interface BuildOptions {
  view: DossierView;
  /** The clock, for tests. */
  now?: Date;
}

/** Assembles the dossier of `doc` for `p` in the given view. Reads only the store (the worker may be down). */
export async function buildDossier(store: Store, doc: CaseDoc, p: Principal, options: BuildOptions): Promise<Dossier> {
  const { view } = options;
  const full = view === 'full';
  const caseId = doc._id;

  const [entries, taskDocs, notificationDocs, drawDocs, inspectionDrawDocs] = await Promise.all([
    store.audit.find({ caseId }).sort({ seq: 1 }).toArray(),
    store.tasks.find({ caseId }).sort({ createdAt: 1, _id: 1 }).toArray(),
    store.notifications.find({ caseId }).sort({ createdAt: 1, _id: 1 }).toArray(),
    store.draws.find({ caseId }).sort({ committedAt: 1, _id: 1 }).toArray(),
    store.inspectionDraws.find({ caseId }).sort({ committedAt: 1, _id: 1 }).toArray(),
  ]);

  // The chain is verified whole, whatever the view: withholding entries must not hide a break.
  const problems = verifyChain(entries, doc.seq);
  if (entries.length === 0) problems.push({ seq: 0, kind: 'missing', message: 'no audit entries' });
  const head = entries.at(-1);
  const auditChain: AuditChainResult = {
    ok: problems.length === 0,
    entries: entries.length,
    expectedEntries: doc.seq,
    headSeq: head?.seq ?? null,
    headHash: head?.hash ?? null,
    firstBroken: problems[0] ?? null,
    problems,
    algorithm: 'SHA-256 over the RFC 8785 canonical JSON of each entry, chained by prevHash (store/auditChain.ts)',
  };

  const redactions: Dossier['redactions'] = [];
  const hidden = new Set(full ? [] : doc.confidentialEvents ?? []);
  const confidential = entries.filter((e) => hidden.has(e.event.type));
  if (confidential.length > 0) {
    redactions.push({ section: 'timeline', withheld: `entries of confidential events (${[...hidden].join(', ')})`, reason: 'R7.3: panel membership, votes and the draw are for the organiser\'s staff and oversight', count: confidential.length });
  }
  // An institution reads what concerns it: not the steps about other institutions (another's findings in a random inspection).
  const ownInstitution = !full && p.role === 'institution' ? p.unit.slice('institution:'.length) : undefined;
  const others = entries.filter((e) => !hidden.has(e.event.type) && ownInstitution !== undefined && typeof e.event.institutionId === 'string' && e.event.institutionId !== ownInstitution);
  if (others.length > 0) {
    redactions.push({ section: 'timeline', withheld: 'entries about other institutions', reason: 'a party sees the steps that concern it', count: others.length });
  }
  const withheld = new Set([...confidential, ...others].map((e) => e.seq));
  const timeline = timelineOf(entries.filter((e) => !withheld.has(e.seq)), doc.caseType);
  if (!full) {
    for (const t of timeline) {
      delete t.payload.contact;
      // Who was drawn stays with the staff (R7.3, R16): a draw step shows its commitment only.
      if (DRAW_EVENTS.has(t.event) && t.payload.draw && typeof t.payload.draw === 'object') {
        const draw = t.payload.draw as Record<string, unknown>;
        t.payload.draw = { drawId: draw.drawId, algorithm: draw.algorithm, seedCommitment: draw.seedCommitment, withheld: 'who was drawn (R7.3 / R16)' };
      }
    }
  }

  let tasks = tasksOf(taskDocs);
  let notifications = notificationsOf(notificationDocs);
  if (!full) {
    const before = tasks.length;
    tasks = tasks.filter((t) => t.assignee.role !== 'expert' && t.assignee.role !== 'inspector' && !t.actions.some((a) => hidden.has(a)));
    if (tasks.length < before) redactions.push({ section: 'tasks', withheld: 'tasks of panel members and drawn inspectors, and of the panel\'s confidential steps', reason: 'R7.3 / R16: they name who was drawn', count: before - tasks.length });
    const n = notifications.length;
    notifications = notifications.filter((m) => m.to.unit === p.unit);
    if (notifications.length < n) redactions.push({ section: 'notifications', withheld: 'messages to other units', reason: 'a party sees the messages addressed to it', count: n - notifications.length });
  }

  const draws = [...drawDocs.map((d) => expertDrawOf(d, view)), ...inspectionDrawDocs.map((d) => inspectionDrawOf(d, view))];
  if (!full && draws.length > 0) {
    redactions.push({ section: 'draws', withheld: 'seed, pool, panel or drawn inspectors, reserve, exclusions and proof', reason: 'R7.3 / R16: who was drawn is confidential; the commitment and the verification are shown', count: draws.length });
  }

  // Objections live in the round: a round's own, or those against this application.
  let objections: DossierObjection[] = [];
  const roundId = doc.caseType === 'round' ? caseId : doc.caseType === 'application' ? (doc.summary as { roundId?: string }).roundId : undefined;
  if (roundId) {
    const roundEntries = roundId === caseId ? entries : await store.audit.find({ caseId: roundId, 'event.type': { $in: ['FILE_OBJECTION', 'UPHOLD_OBJECTION', 'DISMISS_OBJECTION'] } }).sort({ seq: 1 }).toArray();
    objections = objectionsOf(roundId, roundEntries).filter((o) => doc.caseType === 'round' || o.application === caseId);
    if (!full && objections.length > 0) {
      objections = objections.map(({ text: _text, contact: _contact, ...o }) => o);
      redactions.push({ section: 'objections', withheld: 'the objection\'s text and the objector\'s contact', reason: 'R7.4: objectors are not disclosed to the institution objected to', count: objections.length });
    }
  }

  const relatedCases = await relatedCasesOf(store, doc, p, view);

  const body: Omit<Dossier, 'digest'> = {
    dossierVersion: DOSSIER_VERSION,
    generatedAt: (options.now ?? new Date()).toISOString(),
    generatedBy: actorOf(p),
    view,
    redactions,
    case: {
      caseId,
      caseType: doc.caseType,
      caseTypeLabel: CASE_TYPE_LABELS[doc.caseType] ?? { zh: doc.caseType, en: doc.caseType },
      status: { code: doc.status.code, label: doc.status.label, final: doc.status.final },
      state: stateText(doc.state),
      owner: doc.owner,
      ...(full ? { parties: doc.parties ?? [] } : {}),
      institution: institutionOf(doc.summary),
      steps: doc.seq,
      createdAt: iso(doc.createdAt) ?? '',
      updatedAt: iso(doc.updatedAt) ?? '',
      summary: doc.summary,
    },
    timeline,
    decisions: decisionsOf(timeline),
    deadlines: deadlinesOf(timeline, doc.deadlines ?? []),
    tasks,
    notifications,
    draws,
    objections,
    relatedCases,
    auditChain,
  };
  // What is hashed is exactly what is sent: plain JSON (dates as ISO strings, no undefined).
  const plain = JSON.parse(JSON.stringify(body)) as Omit<Dossier, 'digest'>;
  return { ...plain, digest: { algorithm: 'SHA-256', canonicalization: 'RFC 8785 (JCS)', covers: 'the dossier without its digest field', value: dossierDigest(plain) } };
}

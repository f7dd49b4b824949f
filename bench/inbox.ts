/**
 * The inbox-query benchmark (issue 7): the staff's common inbox queries, as `GET /api/inbox` and
 * `GET /api/inbox/facets` send them to the store, against a tasks collection of 1e5 and 1e6 tasks
 * seeded with a national-scale distribution. For each size and query: p50/p95/p99 of the store work
 * one request does (the page's `find(...).toArray()` and the `countDocuments` total, concurrently, as
 * the route does), and the plan of each operation (`explain('executionStats')`): index used, keys and
 * documents examined ÷ returned, and whether the winning plan sorts in memory (a SORT stage).
 *
 * On FerretDB (detected by `buildInfo.ferretdbVersion`) the explain is SQLite's query plan and
 * FerretDB's pushdown flags; those figures are reported as FerretDB's, not as a MongoDB performance
 * proxy. Run it against a real `mongod` by setting MONGODB_URI.
 *
 * `runInboxBench` returns JSON-able results, `formatInboxBench` renders them; `bench/inbox.cli.ts` is
 * the standalone entry (`npm run bench:inbox`).
 */
import { performance } from 'node:perf_hooks';
import { Long, type Document, type Filter, type MongoClient, type Sort } from 'mongodb';
import { assigneeKey, escalationTarget, type Assignee, type Principal, type Role, type Unit } from '../rules/actors.js';
import { FAR_FUTURE, type TaskDoc, type TaskStatus } from '../store/documents.js';
import { connectStore, type Store } from '../store/mongo.js';
import { inboxSort, taskFilter } from '../api/routes/inbox.js';
import { Progress } from './lib/progress.js';
import { machineInfo, mean, percentile, round1, table } from './lib/stats.js';
import { prng } from '../test/support/prng.js';

// ---------------------------------------------------------------------------
// Options and results
// ---------------------------------------------------------------------------

export interface InboxBenchOptions {
  mongodbUri: string;
  /** Collection sizes, ascending; the collection is reused and topped up from one size to the next. */
  sizes: number[];
  /** Timed runs per query and size (after the warm-up). */
  runs: number;
  quick?: boolean;
  /** Wall-clock budget per query and size, in seconds: a query stops early past it (FerretDB scans). Default 90 (quick 30). */
  budgetSeconds?: number;
  /** Database to use; default `bench_inbox_<timestamp>`. An existing one is reused (its tasks topped up). */
  dbName?: string;
  /** Keep the database at the end (default: drop it). */
  keep?: boolean;
  /** Documents per insertMany. Default 2000. */
  batchSize?: number;
  /** Only these queries (names as in the table); default all. */
  queries?: string[];
}

export interface PlanSummary {
  /** The operation explained: `find`, `count` (countDocuments = aggregate $match + $group) or `distinct <key>`. */
  op: string;
  /** What the operation returned: page rows, the count, or distinct values (the ratios' denominator). */
  returned: number;
  /** mongod: index name(s) of the winning plan, or COLLSCAN. FerretDB: null. */
  index: string | null;
  keysExamined: number | null;
  docsExamined: number | null;
  /** keys (docs) examined ÷ max(1, returned). */
  keysPerReturned: number | null;
  docsPerReturned: number | null;
  /** A blocking SORT stage in the winning plan (mongod), or a sort FerretDB could not push down to SQLite. */
  inMemorySort: boolean | null;
  /** Stage names of the winning plan, outermost first (mongod); SQLite plan lines (FerretDB). */
  stages: string[];
  executionMs: number | null;
  /** FerretDB only. */
  ferretdb?: { filterPushdown: boolean; sortPushdown: boolean; limitPushdown: boolean; fullScan: boolean };
}

export interface QueryResult {
  name: string;
  /** The console or API request it stands for. */
  request: string;
  runs: number;
  /** True when the time budget stopped the runs before `runs`. */
  budgetHit: boolean;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** Per operation of the request (they run concurrently, as in the route): p50/p95. */
  ops: { op: string; p50Ms: number; p95Ms: number }[];
  /** Mean rows of the page (limit + 1 asked, as the route does) and mean total, over the runs; facets have no page. */
  rowsMean: number | null;
  totalMean: number | null;
  /** The plans, explained for the unit (or staff member) with the most active tasks: the worst case. */
  explainedFor: string;
  plans: PlanSummary[];
}

export interface SizeResult {
  tasks: number;
  seed: { inserted: number; seconds: number; docsPerSecond: number };
  collection: { count: number; active: number; dataMb: number | null; indexMb: Record<string, number> | null };
  /** The staff units queried, with their task counts at this size (largest first, top 8). */
  largestUnits: { assigneeKey: string; tasks: number; active: number }[];
  queries: QueryResult[];
  seconds: number;
}

export interface InboxBenchResult {
  startedAt: string;
  finishedAt: string;
  machine: Awaited<ReturnType<typeof machineInfo>> & { loadAvgAfter: number[] };
  server: { kind: 'mongod' | 'ferretdb'; version: string; ferretdbVersion: string | null; uri: string; note: string };
  database: string;
  kept: boolean;
  options: { sizes: number[]; runs: number; budgetSeconds: number; batchSize: number; quick: boolean };
  distribution: Distribution;
  queries: { name: string; request: string; mongo: string }[];
  sizes: SizeResult[];
  findings: string[];
}

// ---------------------------------------------------------------------------
// The distribution: who gets which tasks (deterministic by task index)
// ---------------------------------------------------------------------------

/** GB/T 2260 province codes with a weight ∝ population (7th census, millions, rounded). */
const PROVINCES: [string, number][] = [
  ['11', 22], ['12', 14], ['13', 74], ['14', 35], ['15', 24], ['21', 42], ['22', 24], ['23', 31], ['31', 25], ['32', 85], ['33', 66],
  ['34', 61], ['35', 42], ['36', 45], ['37', 102], ['41', 99], ['42', 58], ['43', 66], ['44', 127], ['45', 50], ['46', 10], ['50', 32],
  ['51', 84], ['52', 39], ['53', 47], ['54', 4], ['61', 40], ['62', 25], ['63', 6], ['64', 7], ['65', 26],
];
/** Industry departments organising selections of their own (行业部门), with a weight. */
const INDUSTRIES: [string, number][] = [['miit', 40], ['cac', 15], ['most', 15], ['moe', 15], ['mot', 8], ['nhc', 7]];
/** Who organises a case: a province (by population), the national group, an industry department. */
const ORGANISERS = { province: 0.72, national: 0.1, industry: 0.18 };

type Who = 'org' | 'leader' | 'institution' | 'expert' | 'inspector' | 'locality' | 'escalation';
interface StepDef {
  step: string;
  weight: number;
  who: Who;
  deadline: boolean;
  actions: string[];
  rule: string;
  escalation?: boolean;
}
interface CaseTypeDef {
  caseType: string;
  weight: number;
  steps: StepDef[];
}

const s = (step: string, weight: number, who: Who, deadline: boolean, rule: string, actions: string[], escalation = false): StepDef => ({ step, weight, who, deadline, rule, actions, escalation });

/** Case types and their task steps as the case definitions write them (machines/*.case.ts `tasks`). */
const CASE_TYPES: CaseTypeDef[] = [
  {
    caseType: 'listing',
    weight: 34,
    steps: [
      s('listing.reviewAnnualReport', 70, 'org', false, 'R14.2', ['REVIEW_ANNUAL_REPORT']),
      s('listing.consentRenewal', 8, 'org', false, 'R9.1', ['CONSENT_RENEWAL', 'REFUSE_RENEWAL']),
      s('listing.auditRenewal', 8, 'org', false, 'R9.1', ['APPROVE_RENEWAL', 'REFUSE_RENEWAL']),
      s('listing.annualReportOverdue', 14, 'escalation', false, 'R14.2', ['RECORD_FOLLOW_UP']),
    ],
  },
  {
    caseType: 'application',
    weight: 30,
    steps: [
      s('application.recommend', 10, 'org', true, 'R7.2', ['CONFIRM_RECOMMENDATION', 'DECLINE_RECOMMENDATION']),
      s('application.preliminaryReview', 25, 'org', true, 'R7.3', ['PASS_REVIEW', 'REJECT', 'RETURN_FOR_CORRECTION']),
      s('application.correct', 8, 'institution', true, 'R7.3', ['SUBMIT_CORRECTION']),
      s('application.redraw', 1, 'org', false, 'R7.3', ['RETRY_DRAW']),
      s('application.vote', 45, 'expert', true, 'R7.3', ['CAST_VOTE', 'DECLINE_PANEL', 'DECLARE_CONFLICT']),
      s('application.votingOverdue', 3, 'org', false, 'R7.3', ['EXTEND_VOTING', 'CLOSE_VOTING']),
      s('application.recheck', 8, 'org', true, 'R7.4', ['CONFIRM_RESULT', 'OVERRULE']),
    ],
  },
  {
    caseType: 'rectification',
    weight: 10,
    steps: [
      s('rectification.submitEvidence', 38, 'institution', true, 'R20.1', ['SUBMIT_EVIDENCE', 'REFUSE_RECTIFICATION']),
      s('rectification.reviewEvidence', 38, 'org', true, 'R20.1', ['ACCEPT_EVIDENCE', 'REJECT_EVIDENCE']),
      s('rectification.overdue', 16, 'escalation', true, 'R20.2', ['RECORD_FOLLOW_UP'], true),
      s('rectification.removalDecision', 8, 'org', false, 'R20.2', ['DECIDE_REMOVAL', 'KEEP_LISTING']),
    ],
  },
  {
    caseType: 'incident',
    weight: 6,
    steps: [
      s('incident.acknowledge', 40, 'org', true, 'R11', ['ACKNOWLEDGE']),
      s('incident.submitFollowUp', 25, 'institution', true, 'R11', ['SUBMIT_FOLLOW_UP']),
      s('incident.reviewFollowUp', 25, 'locality', true, 'R11', ['ACCEPT_FOLLOW_UP', 'REQUEST_MORE']),
      s('incident.overdue', 10, 'escalation', true, 'R20 Decision', ['RECORD_ESCALATION'], true),
    ],
  },
  {
    caseType: 'inspection',
    weight: 6,
    steps: [
      s('inspection.recordFindings', 80, 'inspector', true, 'R16', ['RECORD_FINDINGS']),
      s('inspection.redraw', 2, 'org', false, 'R16', ['REDRAW', 'CANCEL_INSPECTION']),
      s('inspection.publishResults', 9, 'org', false, 'R16', ['PUBLISH_RESULTS']),
      s('inspection.issueOrders', 9, 'org', false, 'R16', ['ISSUE_ORDERS', 'CLOSE_INSPECTION']),
    ],
  },
  {
    caseType: 'round',
    weight: 5,
    steps: [
      s('round.decideObjection', 50, 'org', false, 'R7.4', ['UPHOLD_OBJECTION', 'DISMISS_OBJECTION']),
      s('round.approveList', 30, 'leader', true, 'R7.4', ['APPROVE_LIST', 'RETURN_LIST']),
      s('round.resubmitList', 20, 'org', false, 'R7.4', ['SUBMIT_LIST']),
    ],
  },
  { caseType: 'conductReview', weight: 5, steps: [s('conductReview.decide', 100, 'org', true, 'R18(g)', ['DISMISS_CONFLICT', 'CONFIRM_CONFLICT'])] },
  {
    caseType: 'selectionPlan',
    weight: 4,
    steps: [
      s('selectionPlan.draft', 40, 'org', false, 'R7.1', ['EDIT_DRAFT', 'SUBMIT']),
      s('selectionPlan.approve', 28, 'leader', true, 'R7.1', ['APPROVE', 'RETURN']),
      s('selectionPlan.approve.escalation', 7, 'escalation', false, 'R7.1', ['RESOLVE_ESCALATION'], true),
      s('selectionPlan.publishNotice', 25, 'org', true, 'R7.1', ['PUBLISH_NOTICE']),
    ],
  },
];

/** Tasks per case (the case's earlier tasks are closed; the last ones may be open). */
const TASKS_PER_CASE = 4;
/** Probability that task j (0-based) of a case is still active: the last one often, the one before sometimes. */
const ACTIVE_BY_POSITION = [0, 0.1, 0.5, 0.9];
/** Share of cases still open (started in the last 30 days); the others are history. */
const OPEN_CASES = 0.4;
/** Of the active tasks of staff units, the share claimed by one of the unit's staff. */
const CLAIMED_SHARE = 0.35;
/** Of the closed tasks, the share that had been claimed before completion. */
const CLOSED_CLAIMED_SHARE = 0.6;
const HISTORY_DAYS = 3 * 365;
const DAY = 86_400_000;

export interface Distribution {
  summary: string;
  provinces: { code: string; weight: number }[];
  industries: { code: string; weight: number }[];
  organisers: typeof ORGANISERS;
  caseTypes: { caseType: string; weight: number; steps: { step: string; weight: number; assignee: Who; deadline: boolean; escalation: boolean }[] }[];
  tasksPerCase: number;
  openCases: number;
  activeByPosition: number[];
  claimedShareOfActive: number;
  claimedShareOfClosed: number;
  historyDays: number;
  /** Measured over the largest size seeded. */
  measured?: { tasks: number; active: number; escalated: number; overdueActive: number; undated: number; claimedActive: number; units: number; staffUnits: number; byCaseType: Record<string, number> };
}

function describeDistribution(): Distribution {
  return {
    summary:
      `Tasks come in cases of ${TASKS_PER_CASE} (earlier ones closed, the last ones sometimes open: ≈15% active). A case's organiser is a province ` +
      `(${ORGANISERS.province * 100}%, weighted by population: Guangdong 127 … Tibet 4), the national group (${ORGANISERS.national * 100}%) or an industry ` +
      `department (${ORGANISERS.industry * 100}%). Each task's step is drawn from its case type's steps (machines/*.case.ts) and assigned as the case ` +
      'definition does: the organiser\'s officers (`officer@<unit>`), its leaders (approvals), the institution, an expert (votes), an inspector, the ' +
      'locality (incident reviews), or one level up for escalations (rules/actors.ts escalationTarget); `assigneeKey` is rules/actors.ts assigneeKey. ' +
      `Closed tasks span ${HISTORY_DAYS} days of history; active ones were created in the last 30 days, due 3–30 days after creation (some past due); ` +
      `${CLAIMED_SHARE * 100}% of active staff tasks are claimed by one of the unit's staff (skewed: a few staff claim most).`,
    provinces: PROVINCES.map(([code, weight]) => ({ code, weight })),
    industries: INDUSTRIES.map(([code, weight]) => ({ code, weight })),
    organisers: ORGANISERS,
    caseTypes: CASE_TYPES.map((c) => ({ caseType: c.caseType, weight: c.weight, steps: c.steps.map((x) => ({ step: x.step, weight: x.weight, assignee: x.who, deadline: x.deadline, escalation: x.escalation ?? false })) })),
    tasksPerCase: TASKS_PER_CASE,
    openCases: OPEN_CASES,
    activeByPosition: ACTIVE_BY_POSITION,
    claimedShareOfActive: CLAIMED_SHARE,
    claimedShareOfClosed: CLOSED_CLAIMED_SHARE,
    historyDays: HISTORY_DAYS,
  };
}

/** Seeded per case and per task (mulberry32), so any prefix of the collection is the same. */
const rng = prng;
const hash = (n: number, salt: number) => Math.imul(n ^ salt, 0x9e3779b1) ^ Math.imul(n >>> 16, 0x85ebca6b);

function weighted<T>(items: T[], weight: (t: T) => number, r: number): T {
  const total = items.reduce((a, t) => a + weight(t), 0);
  let x = r * total;
  for (const t of items) {
    x -= weight(t);
    if (x < 0) return t;
  }
  return items[items.length - 1]!;
}

const provinceWeight = new Map(PROVINCES);
/** Staff per unit: national 20, a province ∝ its weight (3–13), an industry department 4, a locality 2. */
function staffCount(unit: Unit): number {
  if (unit === 'national') return 20;
  if (unit.startsWith('province:')) return Math.max(3, Math.round((provinceWeight.get(unit.slice(9)) ?? 30) / 10));
  if (unit.startsWith('industry:')) return 4;
  return 2;
}
export function staffId(unit: Unit, role: Role, k: number): string {
  return `staff-${role}-${unit.replace(':', '-')}-${k}`;
}
const isStaffUnit = (key: string) => key.startsWith('officer@') || key.startsWith('leader@');

interface CaseDraw {
  caseId: string;
  def: CaseTypeDef;
  organiser: Unit;
  province: string;
  institution: Unit;
  locality: Unit;
  startedAt: number;
  /** Active cases started in the last 30 days. */
  recent: boolean;
}

function drawCase(c: number, now: number): CaseDraw {
  const r = rng(hash(c, 0x1a2b3c));
  const def = weighted(CASE_TYPES, (x) => x.weight, r());
  const o = r();
  const province = weighted(PROVINCES, (p) => p[1], r())[0];
  const organiser: Unit =
    o < ORGANISERS.province ? `province:${province}` : o < ORGANISERS.province + ORGANISERS.national ? 'national' : `industry:${weighted(INDUSTRIES, (x) => x[1], r())[0]}`;
  const instCount = (provinceWeight.get(province) ?? 30) * 20;
  const inst = `i${province}${String(Math.floor(r() * instCount)).padStart(4, '0')}`;
  const localities = Math.max(1, Math.round((provinceWeight.get(province) ?? 30) / 8));
  const locality: Unit = `locality:${province}${String(1 + Math.floor(r() * localities)).padStart(2, '0')}00`;
  const recent = r() < OPEN_CASES;
  const startedAt = recent ? now - 90 * DAY * r() : now - HISTORY_DAYS * DAY * r();
  const occupation = `4-0${1 + Math.floor(r() * 8)}-0${1 + Math.floor(r() * 9)}-0${1 + Math.floor(r() * 9)}`;
  const ref = `${new Date(startedAt).getUTCFullYear()}-${c.toString(36)}`;
  const caseId =
    def.caseType === 'application'
      ? `application:selection-round:${organiser}:${ref}:${inst}:${occupation}`
      : def.caseType === 'listing'
        ? `listing:evaluation:${inst}:${occupation}:${c.toString(36)}`
        : def.caseType === 'rectification'
          ? `rectification:listing:evaluation:${inst}:${occupation}:${ref}-1`
          : def.caseType === 'round'
            ? `selection-round:${organiser}:${ref}`
            : def.caseType === 'selectionPlan'
              ? `selection-plan:${organiser}:${ref}`
              : def.caseType === 'inspection'
                ? `inspection:${organiser}:${ref}`
                : def.caseType === 'incident'
                  ? `incident:${inst}:${ref}`
                  : `conduct-review:${inst}~${inst}x:${ref}`;
  return { caseId, def, organiser, province, institution: `institution:${inst}`, locality, startedAt, recent };
}

function assigneeFor(who: Who, c: CaseDraw, r: () => number): Assignee {
  switch (who) {
    case 'org':
      return { role: 'officer', unit: c.organiser };
    case 'leader':
      return { role: 'leader', unit: c.organiser };
    case 'institution':
      return { role: 'institution', unit: c.institution };
    case 'expert':
      return { role: 'expert', unit: `expert:e${String(Math.floor(r() * 6000)).padStart(5, '0')}` };
    case 'inspector':
      return { role: 'inspector', unit: `inspector:n${String(Math.floor(r() * 400)).padStart(4, '0')}` };
    case 'locality':
      return { role: 'officer', unit: c.locality };
    case 'escalation': {
      // Level 1 stays with the organiser's officers; higher levels go one step up (rules/actors.ts).
      const base: Assignee = { role: 'officer', unit: c.organiser };
      return r() < 0.5 ? base : escalationTarget(base);
    }
  }
}

/** Task `i` of the collection (0-based), deterministic: the same `i` always gives the same document. */
export function taskAt(i: number, now: number): TaskDoc {
  const c = drawCase(Math.floor(i / TASKS_PER_CASE), now);
  const j = i % TASKS_PER_CASE;
  const r = rng(hash(i, 0x5eed));
  const stepDef = weighted(c.def.steps, (x) => x.weight, r());
  const assignee = assigneeFor(stepDef.who, c, r);
  const key = assigneeKey(assignee);
  const active = c.recent && r() < (ACTIVE_BY_POSITION[j] ?? 0);
  const createdAt = active ? now - 30 * DAY * r() ** 2 : Math.min(now - DAY, c.startedAt + j * 12 * DAY * r());
  const due = stepDef.deadline ? new Date(createdAt + (3 + 27 * r()) * DAY) : null;
  const staff = isStaffUnit(key);
  const claimK = Math.floor(staffCount(assignee.unit) * r() ** 2);
  const claim = staff && r() < (active ? CLAIMED_SHARE : CLOSED_CLAIMED_SHARE) ? { id: staffId(assignee.unit, assignee.role, claimK), name: `职员 ${claimK + 1}`, at: new Date(createdAt + DAY * r()) } : null;
  const closedAt = active ? null : new Date(Math.min(now - 1000, (due?.getTime() ?? createdAt + 20 * DAY) + (r() - 0.7) * 10 * DAY));
  const status: TaskStatus = active ? (claim ? 'claimed' : 'open') : r() < 0.92 ? 'done' : 'cancelled';
  const reminders = due && r() < 0.4 ? [{ deadline: `${stepDef.step.split('.')[1]}Reminder1`, at: new Date(due.getTime() - 3 * DAY).toISOString() }] : [];
  const by: Principal = claim ? { id: claim.id, name: claim.name, role: assignee.role, unit: assignee.unit } : { id: `user-${key}`, name: '经办人', role: assignee.role, unit: assignee.unit };
  return {
    _id: `${c.caseId}~${stepDef.step.split('.').slice(1).join('-')}-${j + 1}`,
    caseId: c.caseId,
    caseType: c.def.caseType,
    key: `${stepDef.step.split('.')[1]}-${j + 1}`,
    step: stepDef.step,
    title: `${stepDef.step} for ${c.institution.slice(12)} (${c.def.caseType}, 第 ${j + 1} 项)`,
    rule: stepDef.rule,
    assignee,
    assigneeKey: key,
    actions: stepDef.actions,
    escalation: stepDef.escalation ?? false,
    status,
    active,
    claimedBy: claim,
    due,
    dueOrder: due ?? FAR_FUTURE,
    dueDate: due ? due.toISOString().slice(0, 10) : null,
    dueExplanation: due ? `${stepDef.rule}: ${Math.round((due.getTime() - createdAt) / DAY)} working days from ${new Date(createdAt).toISOString().slice(0, 10)}, skipping weekends and statutory holidays` : null,
    provisional: false,
    remindersSent: reminders,
    createdAt: new Date(createdAt),
    closedAt,
    outcome: active || status === 'cancelled' ? null : { action: stepDef.actions[0]!, by, at: closedAt! },
    lastSeq: 1 + j * 3,
  };
}

/** What the seeding saw, per assignee key and staff member: to pick query parameters and the worst case. */
class Tally {
  readonly units = new Map<string, { tasks: number; active: number; caseTypes: Map<string, number> }>();
  readonly claimedActive = new Map<string, number>();
  tasks = 0;
  active = 0;
  escalated = 0;
  overdueActive = 0;
  undated = 0;
  byCaseType: Record<string, number> = {};
  add(t: TaskDoc, now: number) {
    this.tasks++;
    this.byCaseType[t.caseType] = (this.byCaseType[t.caseType] ?? 0) + 1;
    if (t.escalation) this.escalated++;
    if (!t.due) this.undated++;
    let u = this.units.get(t.assigneeKey);
    if (!u) this.units.set(t.assigneeKey, (u = { tasks: 0, active: 0, caseTypes: new Map() }));
    u.tasks++;
    if (!t.active) return;
    this.active++;
    u.active++;
    u.caseTypes.set(t.caseType, (u.caseTypes.get(t.caseType) ?? 0) + 1);
    if (t.due && t.due.getTime() < now) this.overdueActive++;
    if (t.claimedBy) this.claimedActive.set(t.claimedBy.id, (this.claimedActive.get(t.claimedBy.id) ?? 0) + 1);
  }
  staffUnits() {
    return [...this.units.entries()].filter(([k]) => isStaffUnit(k)).sort((a, b) => b[1].active - a[1].active || a[0].localeCompare(b[0]));
  }
}

// ---------------------------------------------------------------------------
// The queries, as api/routes/inbox.ts builds them
// ---------------------------------------------------------------------------

/**
 * The route's query string, after its schema's defaults. The console (web/src/pages/staff/InboxPage.tsx
 * line 52) always sends `skip` (offset paging, `pageSize` 20 by default) and `sort=priority` by default;
 * API clients get the schema defaults (`sort=due`, limit 50, cursor paging).
 */
interface InboxQ {
  view: 'unit' | 'mine';
  status: 'active' | 'closed';
  caseType?: string;
  escalation?: boolean;
  overdue?: boolean;
  sort: 'due' | 'priority' | 'createdAt' | 'caseType' | 'step';
  order: 'asc' | 'desc';
  limit: number;
  skip?: number;
  cursor?: [Date, string];
}

type Op = { op: 'find'; filter: Filter<TaskDoc>; sort: Sort; skip: number; limit: number } | { op: 'count'; filter: Filter<TaskDoc> } | { op: 'distinct'; key: string; filter: Filter<TaskDoc> };
const opName = (o: Op) => (o.op === 'distinct' ? `distinct ${o.key}` : o.op);

/**
 * `GET /api/inbox`'s store work, built by the route's own `taskFilter` and `inboxSort`
 * (api/routes/inbox.ts); the cursor range and the `Promise.all` of the page and the total are the
 * route's handler. The occupation/province branch (a read of the cases first) is not benchmarked.
 */
function inboxOps(p: Principal, q: InboxQ, now: Date): Op[] {
  const base = taskFilter(p, q, now);
  const range: Filter<TaskDoc>[] = [];
  if (q.cursor) {
    const [due, id] = q.cursor;
    range.push({ $or: [{ dueOrder: { $gt: due } }, { dueOrder: due, _id: { $gt: id } }] });
  }
  const query = range.length > 0 ? { ...base, $and: [...((base.$and as Filter<TaskDoc>[] | undefined) ?? []), ...range] } : base;
  return [
    { op: 'find', filter: query, sort: inboxSort(q), skip: q.skip ?? 0, limit: q.limit + 1 },
    { op: 'count', filter: base },
  ];
}
/** `GET /api/inbox/facets` (api/routes/inbox.ts, the facets handler). */
function facetOps(p: Principal, view: 'unit' | 'mine', now: Date): Op[] {
  const base = taskFilter(p, { view, status: 'active' }, now);
  return [
    { op: 'count', filter: base },
    { op: 'count', filter: { ...base, dueOrder: { $lt: now } } },
    { op: 'count', filter: { ...base, escalation: true } },
    { op: 'count', filter: { 'claimedBy.id': p.id, active: true } },
    { op: 'distinct', key: 'caseType', filter: base },
    { op: 'distinct', key: 'step', filter: base },
  ];
}

/** Parameters of one run: the principal and what it asks. */
interface Variant {
  p: Principal;
  ops: Op[];
}

/** A variant, or how to make it when first used (a cursor page reads its page 1 first, untimed). */
type VariantSource = Variant | (() => Promise<Variant>);
interface QueryDef {
  name: string;
  request: string;
  /** The variants (different units and staff), largest first. */
  variants(ctx: VariantCtx): VariantSource[];
}
interface VariantCtx {
  store: Store;
  now: Date;
  units: { key: string; role: Role; unit: Unit; active: number; caseTypes: [string, number][] }[];
  staff: { id: string; role: Role; unit: Unit; claimed: number }[];
}

const principalOf = (role: Role, unit: Unit, id = `bench-${role}-${unit}`): Principal => ({ id, name: 'bench', role, unit });
const consoleQ = (q: Partial<InboxQ>): InboxQ => ({ view: 'unit', status: 'active', sort: 'priority', order: 'asc', limit: 20, skip: 0, ...q });

const QUERIES: QueryDef[] = [
  {
    name: 'unit.default',
    request: 'console first screen: GET /api/inbox?view=unit&sort=priority&skip=0&limit=20 (escalations first, then earliest due)',
    variants: ({ units, now }) => units.map((u) => ({ p: principalOf(u.role, u.unit), ops: inboxOps(principalOf(u.role, u.unit), consoleQ({}), now) })),
  },
  {
    name: 'unit.page3',
    request: 'console page 3: …&sort=priority&skip=40&limit=20',
    variants: ({ units, now }) => units.map((u) => ({ p: principalOf(u.role, u.unit), ops: inboxOps(principalOf(u.role, u.unit), consoleQ({ skip: 40 }), now) })),
  },
  {
    name: 'unit.caseType',
    request: 'filter by case type: …&caseType=<the unit\'s most common>&sort=priority&skip=0&limit=20',
    variants: ({ units, now }) =>
      units.map((u) => {
        const caseType = u.caseTypes[0]?.[0] ?? 'listing';
        return { p: principalOf(u.role, u.unit), ops: inboxOps(principalOf(u.role, u.unit), consoleQ({ caseType }), now) };
      }),
  },
  {
    name: 'unit.overdue',
    request: 'overdue only: …&overdue=true&sort=priority&skip=0&limit=20',
    variants: ({ units, now }) => units.map((u) => ({ p: principalOf(u.role, u.unit), ops: inboxOps(principalOf(u.role, u.unit), consoleQ({ overdue: true }), now) })),
  },
  {
    name: 'unit.escalated',
    request: 'escalations (督办) only: …&escalation=true&sort=priority&skip=0&limit=20',
    variants: ({ units, now }) => units.map((u) => ({ p: principalOf(u.role, u.unit), ops: inboxOps(principalOf(u.role, u.unit), consoleQ({ escalation: true }), now) })),
  },
  {
    name: 'unit.createdDesc',
    request: 'column sort by creation, newest first: …&sort=createdAt&order=desc&skip=0&limit=20',
    variants: ({ units, now }) => units.map((u) => ({ p: principalOf(u.role, u.unit), ops: inboxOps(principalOf(u.role, u.unit), consoleQ({ sort: 'createdAt', order: 'desc' }), now) })),
  },
  {
    name: 'unit.closed',
    request: 'history tab: …&status=closed&sort=priority&skip=0&limit=20',
    variants: ({ units, now }) => units.map((u) => ({ p: principalOf(u.role, u.unit), ops: inboxOps(principalOf(u.role, u.unit), consoleQ({ status: 'closed' }), now) })),
  },
  {
    name: 'mine.default',
    request: 'tasks I claimed: …&view=mine&sort=priority&skip=0&limit=20',
    variants: ({ staff, now }) =>
      staff.map((m) => {
        const p = principalOf(m.role, m.unit, m.id);
        return { p, ops: inboxOps(p, consoleQ({ view: 'mine' }), now) };
      }),
  },
  {
    name: 'api.cursorPage2',
    request: 'API default, page 2 by cursor: GET /api/inbox?cursor=<page 1\'s> (sort=due, limit 50)',
    variants: ({ store, units, now }) =>
      units.map((u) => async () => {
        const p = principalOf(u.role, u.unit);
        const q: InboxQ = { view: 'unit', status: 'active', sort: 'due', order: 'asc', limit: 50 };
        const first = inboxOps(p, q, now)[0] as Extract<Op, { op: 'find' }>;
        const rows = await store.tasks.find(first.filter).sort(first.sort).limit(first.limit).toArray();
        const last = rows.length > q.limit ? rows[q.limit - 1] : undefined;
        // A unit with one page only has no page 2: its cursor is past its last row.
        const cursor: [Date, string] = last ? [last.dueOrder, last._id] : rows.length ? [rows[rows.length - 1]!.dueOrder, rows[rows.length - 1]!._id] : [FAR_FUTURE, '~'];
        return { p, ops: inboxOps(p, { ...q, cursor }, now) };
      }),
  },
  {
    name: 'facets',
    request: 'GET /api/inbox/facets?view=unit: 4 counts + 2 distincts, concurrently',
    variants: ({ units, staff, now }) =>
      units.map((u, i) => {
        const m = staff.find((x) => x.unit === u.unit && x.role === u.role) ?? staff[i % Math.max(1, staff.length)];
        const p = principalOf(u.role, u.unit, m?.id);
        return { p, ops: facetOps(p, 'unit', now) };
      }),
  },
];

// ---------------------------------------------------------------------------
// Running and explaining
// ---------------------------------------------------------------------------

async function runOp(store: Store, o: Op): Promise<{ ms: number; rows?: number; n?: number }> {
  const t0 = performance.now();
  if (o.op === 'find') {
    // Exactly the route's call chain (L208).
    const rows = await store.tasks.find(o.filter).sort(o.sort).skip(o.skip).limit(o.limit).toArray();
    return { ms: performance.now() - t0, rows: rows.length };
  }
  if (o.op === 'count') {
    const n = await store.tasks.countDocuments(o.filter);
    return { ms: performance.now() - t0, n };
  }
  const values = await store.tasks.distinct(o.key as keyof TaskDoc, o.filter);
  return { ms: performance.now() - t0, n: values.length };
}

/** One request: its operations concurrently, as the route's Promise.all. */
async function runVariant(store: Store, v: Variant) {
  const t0 = performance.now();
  const parts = await Promise.all(v.ops.map((o) => runOp(store, o)));
  return { ms: performance.now() - t0, parts };
}

/**
 * The explain command of an operation, as the driver sends the operation: find; countDocuments is an
 * aggregate `[{$match}, {$group: {_id: 1, n: {$sum: 1}}}]`; distinct. `skip` goes as a long (FerretDB
 * refuses an int skip in explain).
 */
function explainCommand(o: Op): Document {
  if (o.op === 'find') return { find: 'tasks', filter: o.filter, sort: o.sort, ...(o.skip ? { skip: Long.fromNumber(o.skip) } : {}), limit: o.limit };
  if (o.op === 'count') return { aggregate: 'tasks', pipeline: [{ $match: o.filter }, { $group: { _id: 1, n: { $sum: 1 } } }], cursor: {} };
  return { distinct: 'tasks', key: o.key, query: o.filter };
}

function findDeep(o: unknown, key: string): unknown {
  if (!o || typeof o !== 'object') return undefined;
  if (Array.isArray(o)) {
    for (const x of o) {
      const r = findDeep(x, key);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  const rec = o as Record<string, unknown>;
  if (key in rec) return rec[key];
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'rejectedPlans' || k === 'allPlansExecution') continue;
    const r = findDeep(v, key);
    if (r !== undefined) return r;
  }
  return undefined;
}

/** Stage names and index names of a winning plan (classic `inputStage(s)`, SBE `queryPlan`), outermost first. */
function planStages(plan: unknown, stages: string[] = [], indexes: string[] = []): { stages: string[]; indexes: string[] } {
  if (!plan || typeof plan !== 'object') return { stages, indexes };
  if (Array.isArray(plan)) {
    for (const p of plan) planStages(p, stages, indexes);
    return { stages, indexes };
  }
  const rec = plan as Record<string, unknown>;
  if (typeof rec.stage === 'string') stages.push(rec.stage);
  if (typeof rec.indexName === 'string' && !indexes.includes(rec.indexName)) indexes.push(rec.indexName);
  for (const [k, v] of Object.entries(rec)) if (k !== 'slotBasedPlan' && v && typeof v === 'object') planStages(v, stages, indexes);
  return { stages, indexes };
}

const num = (x: unknown): number | null => (typeof x === 'number' ? x : x && typeof x === 'object' && 'toNumber' in x ? (x as Long).toNumber() : null);

/** `returned`: what the operation returned in a timed run of the same variant. */
async function explainOp(store: Store, o: Op, returned: number, ferret: boolean, collectionCount: number): Promise<PlanSummary> {
  const ex = await store.db.command({ explain: explainCommand(o), verbosity: 'executionStats' });
  if (ferret) {
    const lines = ((ex.queryPlanner as { Plan?: string[] } | undefined)?.Plan ?? []).map(String);
    const fullScan = lines.some((l) => /\bSCAN\b/.test(l) && !/USING (COVERING )?INDEX/.test(l));
    const filterPushdown = ex.filterPushdown === true;
    const sortPushdown = ex.sortPushdown === true;
    const docs = fullScan ? collectionCount : null;
    return {
      op: opName(o),
      returned,
      index: null,
      keysExamined: null,
      docsExamined: docs,
      keysPerReturned: null,
      docsPerReturned: docs === null ? null : round1(docs / Math.max(1, returned)),
      inMemorySort: o.op === 'find' ? !sortPushdown : null,
      stages: lines.map((l) => l.replace(/^id=\d+ parent=\d+ notused=\d+ detail=/, '')),
      executionMs: null,
      ferretdb: { filterPushdown, sortPushdown, limitPushdown: ex.limitPushdown === true, fullScan },
    };
  }
  const stats = findDeep(ex, 'executionStats') as Record<string, unknown> | undefined;
  const winning = findDeep(ex, 'winningPlan');
  const { stages, indexes } = planStages(winning);
  const keys = num(stats?.totalKeysExamined);
  const docs = num(stats?.totalDocsExamined);
  return {
    op: opName(o),
    returned,
    index: indexes.length ? indexes.join('+') : stages.includes('COLLSCAN') ? 'COLLSCAN' : null,
    keysExamined: keys,
    docsExamined: docs,
    keysPerReturned: keys === null ? null : round1(keys / Math.max(1, returned)),
    docsPerReturned: docs === null ? null : round1(docs / Math.max(1, returned)),
    inMemorySort: stages.includes('SORT'),
    stages,
    executionMs: num(stats?.executionTimeMillis),
  };
}

async function serverInfo(client: MongoClient) {
  const bi = await client.db('admin').command({ buildInfo: 1 });
  const ferretdbVersion = typeof bi.ferretdbVersion === 'string' ? bi.ferretdbVersion : null;
  return { ferret: ferretdbVersion !== null || 'ferretdbFeatures' in bi, version: String(bi.version), ferretdbVersion };
}

// ---------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------

async function seed(store: Store, from: number, to: number, now: number, tally: Tally, batchSize: number, label: string): Promise<{ inserted: number; seconds: number }> {
  const t0 = performance.now();
  let inserted = 0;
  const bar = new Progress(label, to - from, 'tasks');
  const makeBatch = (start: number) => {
    const docs: TaskDoc[] = [];
    for (let i = start; i < Math.min(to, start + batchSize); i++) {
      const t = taskAt(i, now);
      tally.add(t, now);
      docs.push(t);
    }
    return docs;
  };
  try {
    for (let start = from; start < to; start += batchSize) {
      const docs = makeBatch(start);
      try {
        const r = await store.tasks.insertMany(docs, { ordered: false });
        inserted += r.insertedCount;
      } catch (e) {
        // Idempotent: documents already there (same deterministic _id) are skipped.
        const err = e as { code?: number; insertedCount?: number; writeErrors?: { code?: number }[] };
        const dupOnly = err.code === 11000 || (Array.isArray(err.writeErrors) && err.writeErrors.every((w) => w.code === 11000));
        if (!dupOnly) throw e;
        inserted += err.insertedCount ?? 0;
      }
      const done = Math.min(to, start + batchSize) - from;
      const secs = (performance.now() - t0) / 1000;
      bar.tick(done, `${Math.round(done / Math.max(0.001, secs))} tasks/s`);
    }
  } finally {
    bar.stop();
  }
  return { inserted, seconds: (performance.now() - t0) / 1000 };
}

/** Replays the tally of documents 0..n-1 (a reused database), without writing. */
function replayTally(n: number, now: number, tally: Tally) {
  for (let i = 0; i < n; i++) tally.add(taskAt(i, now), now);
}

async function collectionSizes(store: Store): Promise<{ dataMb: number | null; indexMb: Record<string, number> | null }> {
  try {
    const st = await store.db.command({ collStats: 'tasks', scale: 1 });
    const indexSizes = st.indexSizes as Record<string, number> | undefined;
    return {
      dataMb: typeof st.size === 'number' ? round1(st.size / 1_048_576) : null,
      indexMb: indexSizes ? Object.fromEntries(Object.entries(indexSizes).map(([k, v]) => [k, round1(Number(v) / 1_048_576)])) : null,
    };
  } catch {
    return { dataMb: null, indexMb: null };
  }
}

// ---------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------

export async function runInboxBench(opts: InboxBenchOptions): Promise<InboxBenchResult> {
  const startedAt = new Date();
  const quick = opts.quick ?? false;
  const budgetSeconds = opts.budgetSeconds ?? (quick ? 30 : 90);
  const batchSize = opts.batchSize ?? 2000;
  const sizes = [...opts.sizes].sort((a, b) => a - b);
  const dbName = opts.dbName ?? `bench_inbox_${startedAt.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}`;
  const machine = await machineInfo();
  const store = await connectStore(opts.mongodbUri, dbName);
  const info = await serverInfo(store.client);
  const server = {
    kind: info.ferret ? ('ferretdb' as const) : ('mongod' as const),
    version: info.version,
    ferretdbVersion: info.ferretdbVersion,
    uri: opts.mongodbUri.replace(/\/\/[^@/]*@/, '//***@'),
    note: info.ferret
      ? 'FerretDB (SQLite) — not a MongoDB performance proxy: its latencies and plans say how FerretDB runs these queries, not how mongod would.'
      : `MongoDB ${info.version}`,
  };
  // A fixed "now" for the generated dates, so a reused database gives the same documents.
  const existing = await store.tasks.estimatedDocumentCount();
  const anchor = existing > 0 ? await store.db.collection<{ _id: string; now: Date }>('benchMeta').findOne({ _id: 'inbox' }) : null;
  const seedNow = anchor?.now.getTime() ?? Date.now();
  if (!anchor) await store.db.collection<{ _id: string; now: Date }>('benchMeta').updateOne({ _id: 'inbox' }, { $set: { now: new Date(seedNow) } }, { upsert: true });
  const distribution = describeDistribution();
  const tally = new Tally();
  const results: SizeResult[] = [];
  const findings: string[] = [];
  let seeded = 0;
  try {
    if (existing > 0) {
      process.stdout.write(`  reusing ${dbName}: ${existing} tasks already there (tallying them)\n`);
      seeded = Math.min(existing, sizes[sizes.length - 1]!);
      replayTally(seeded, seedNow, tally);
    }
    for (const size of sizes) {
      const sizeStart = performance.now();
      const seedRun = size > seeded ? await seed(store, seeded, size, seedNow, tally, batchSize, `seed ${fmtN(seeded)}→${fmtN(size)}`) : { inserted: 0, seconds: 0 };
      seeded = Math.max(seeded, size);
      if (seedRun.inserted > 0) process.stdout.write(`  seeded ${seedRun.inserted} tasks in ${round1(seedRun.seconds)} s (${Math.round(seedRun.inserted / Math.max(0.001, seedRun.seconds))}/s)\n`);
      // estimated: a countDocuments({}) is a full scan on FerretDB.
      const count = await store.tasks.estimatedDocumentCount();
      const sizesOnDisk = await collectionSizes(store);
      const staffUnits = tally.staffUnits();
      // The units asked about: every staff unit with active tasks, the largest first (officers and leaders of
      // the national group, 31 provinces, industry departments; localities last), at most 48.
      const units = staffUnits
        .filter(([, u]) => u.active > 0)
        .slice(0, 48)
        .map(([key, u]) => {
          const [role, unit] = key.split('@') as [Role, Unit];
          return { key, role, unit, active: u.active, caseTypes: [...u.caseTypes.entries()].sort((a, b) => b[1] - a[1]) };
        });
      const staff = [...tally.claimedActive.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 48)
        .map(([id, claimed]) => {
          const m = /^staff-(\w+)-(.+)-(\d+)$/.exec(id)!;
          const unit = m[2]!.replace(/^(province|industry|locality)-/, '$1:') as Unit;
          return { id, role: m[1] as Role, unit, claimed };
        });
      const now = new Date();
      const ctx: VariantCtx = { store, now, units, staff };
      const variantsByQuery: VariantSource[][] = [];
      const selected = QUERIES.filter((q) => !opts.queries || opts.queries.includes(q.name));
      for (const q of selected) variantsByQuery.push(q.variants(ctx));
      // No warm-up on FerretDB: every operation scans the table, and one scan of 1e5 tasks takes a minute.
      const warmup = info.ferret ? 0 : Math.min(5, Math.max(2, Math.round(opts.runs / 20)));
      const bar = new Progress(`queries @ ${fmtN(size)}`, selected.length * (opts.runs + warmup), 'runs');
      const queries: QueryResult[] = [];
      let ticks = 0;
      try {
        for (const [qi, q] of selected.entries()) {
          const sources = variantsByQuery[qi]!;
          if (sources.length === 0) continue;
          const made = new Map<number, Variant>();
          const variant = async (i: number): Promise<Variant> => {
            const k = i % sources.length;
            const known = made.get(k);
            if (known) return known;
            const src = sources[k]!;
            const v = typeof src === 'function' ? await src() : src;
            made.set(k, v);
            return v;
          };
          // The budget covers the warm-up and the runs; there is always at least one timed run.
          const deadline = performance.now() + budgetSeconds * 1000;
          let warmed = 0;
          for (; warmed < warmup && performance.now() < deadline; warmed++) {
            await runVariant(store, await variant(warmed));
            bar.tick(++ticks, q.name);
          }
          ticks += warmup - warmed;
          const worst = await variant(0);
          const ms: number[] = [];
          const opMs: number[][] = worst.ops.map(() => []);
          const rows: number[] = [];
          const totals: number[] = [];
          let worstReturned: number[] = [];
          let budgetHit = false;
          for (let i = 0; i < opts.runs; i++) {
            if (i > 0 && performance.now() > deadline) {
              budgetHit = true;
              break;
            }
            const r = await runVariant(store, await variant(i));
            if (i === 0) worstReturned = r.parts.map((p) => p.rows ?? p.n ?? 0);
            ms.push(r.ms);
            r.parts.forEach((p, k) => opMs[k]?.push(p.ms));
            if (r.parts[0]?.rows !== undefined) rows.push(r.parts[0].rows);
            if (q.name !== 'facets' && r.parts[1]?.n !== undefined) totals.push(r.parts[1].n);
            if (q.name === 'facets' && r.parts[0]?.n !== undefined) totals.push(r.parts[0].n);
            bar.tick(++ticks, `${q.name} ${Math.round(r.ms)} ms`);
          }
          ticks += opts.runs - ms.length;
          bar.tick(ticks, q.name);
          // The plans, for the variant with the most active tasks (the first: units and staff are sorted so).
          const plans: PlanSummary[] = [];
          for (const [k, o] of worst.ops.entries()) plans.push(await explainOp(store, o, worstReturned[k] ?? 0, info.ferret, count));
          queries.push({
            name: q.name,
            request: q.request,
            runs: ms.length,
            budgetHit,
            p50Ms: round1(percentile(ms, 50)),
            p95Ms: round1(percentile(ms, 95)),
            p99Ms: round1(percentile(ms, 99)),
            meanMs: round1(mean(ms)),
            maxMs: round1(Math.max(...ms)),
            ops: worst.ops.map((o, k) => ({ op: opName(o), p50Ms: round1(percentile(opMs[k]!, 50)), p95Ms: round1(percentile(opMs[k]!, 95)) })),
            rowsMean: rows.length ? round1(mean(rows)) : null,
            totalMean: totals.length ? round1(mean(totals)) : null,
            explainedFor: worst.p.id.startsWith('staff-') ? worst.p.id : assigneeKey(worst.p),
            plans,
          });
        }
      } finally {
        bar.stop();
      }
      const active = tally.active;
      results.push({
        tasks: size,
        seed: { inserted: seedRun.inserted, seconds: round1(seedRun.seconds), docsPerSecond: seedRun.seconds ? Math.round(seedRun.inserted / seedRun.seconds) : 0 },
        collection: { count, active, ...sizesOnDisk },
        largestUnits: staffUnits.slice(0, 8).map(([key, u]) => ({ assigneeKey: key, tasks: u.tasks, active: u.active })),
        queries,
        seconds: round1((performance.now() - sizeStart) / 1000),
      });
      findings.push(...findingsOf(size, queries, info.ferret));
    }
    distribution.measured = {
      tasks: tally.tasks,
      active: tally.active,
      escalated: tally.escalated,
      overdueActive: tally.overdueActive,
      undated: tally.undated,
      claimedActive: [...tally.claimedActive.values()].reduce((a, b) => a + b, 0),
      units: tally.units.size,
      staffUnits: tally.staffUnits().length,
      byCaseType: tally.byCaseType,
    };
  } finally {
    if (!opts.keep) await store.db.dropDatabase().catch(() => undefined);
    await store.client.close();
  }
  const after = await machineInfo();
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadAvgAfter: after.loadAvg },
    server,
    database: dbName,
    kept: opts.keep ?? false,
    options: { sizes, runs: opts.runs, budgetSeconds, batchSize, quick },
    distribution,
    queries: QUERIES.map((q) => ({ name: q.name, request: q.request, mongo: describeOps(q.name) })),
    sizes: results,
    findings,
  };
}

/** The store operations of each query, in words, for the JSON. */
function describeOps(name: string): string {
  const p = principalOf('officer', 'province:44', 'staff-officer-province-44-0');
  const now = new Date(0);
  const v: Record<string, Op[]> = {
    'unit.default': inboxOps(p, consoleQ({}), now),
    'unit.page3': inboxOps(p, consoleQ({ skip: 40 }), now),
    'unit.caseType': inboxOps(p, consoleQ({ caseType: 'listing' }), now),
    'unit.overdue': inboxOps(p, consoleQ({ overdue: true }), now),
    'unit.escalated': inboxOps(p, consoleQ({ escalation: true }), now),
    'unit.createdDesc': inboxOps(p, consoleQ({ sort: 'createdAt', order: 'desc' }), now),
    'unit.closed': inboxOps(p, consoleQ({ status: 'closed' }), now),
    'mine.default': inboxOps(p, consoleQ({ view: 'mine' }), now),
    'api.cursorPage2': inboxOps(p, { view: 'unit', status: 'active', sort: 'due', order: 'asc', limit: 50, cursor: [now, '<id>'] }, now),
    facets: facetOps(p, 'unit', now),
  };
  return (v[name] ?? [])
    .map((o) => (o.op === 'find' ? `find(${JSON.stringify(o.filter)}).sort(${JSON.stringify(o.sort)}).skip(${o.skip}).limit(${o.limit})` : o.op === 'count' ? `countDocuments(${JSON.stringify(o.filter)})` : `distinct('${o.key}', ${JSON.stringify(o.filter)})`))
    .join(' ‖ ');
}

/**
 * What would fix a plan that sorts in memory or examines much more than it returns, by query/operation
 * (an analysis of the route's filters against store/mongo.ts's indexes; printed only when mongod's plan
 * shows the problem).
 */
const REMEDIES: Record<string, string> = {
  'unit.caseType/find': 'index { assigneeKey: 1, active: 1, caseType: 1, escalation: -1, dueOrder: 1, _id: 1 } (the priority order within a case type; inbox_unit_by_type has the due order only)',
  'mine.default/find': "index { 'claimedBy.id': 1, active: 1, escalation: -1, dueOrder: 1, _id: 1 } (inbox_mine has no escalation key for the console's priority order)",
  'unit.createdDesc/find': 'index { assigneeKey: 1, active: 1, createdAt: -1, dueOrder: 1, _id: 1 } for this direction (the tie-breakers are always ascending, so each direction needs its own index); a top-k sort of one inbox may be acceptable',
  'facets/distinct step': 'index { assigneeKey: 1, active: 1, step: 1, dueOrder: 1, _id: 1 } (DISTINCT_SCAN for the facet; also serves sort=step and the step filter)',
};

/** What a plan says that needs a look: an in-memory sort, or many more keys examined than returned. */
function findingsOf(size: number, queries: QueryResult[], ferret: boolean): string[] {
  const out: string[] = [];
  if (ferret) {
    const scans = queries.flatMap((q) => q.plans.filter((p) => p.ferretdb?.fullScan).map((p) => `${q.name}/${p.op}`));
    if (scans.length) out.push(`@${fmtN(size)} FerretDB: ${scans.length} of ${queries.reduce((a, q) => a + q.plans.length, 0)} operations scan the whole tasks table (no filter pushdown beyond _id; SQLite plan "SCAN"); the inbox_* indexes are not used, so latency grows with the collection, not with the unit's inbox.`);
    return out;
  }
  for (const q of queries) {
    for (const p of q.plans) {
      const skip = q.name === 'unit.page3' && p.op === 'find' ? 40 : 0;
      const paging = (skip + Math.max(1, p.returned)) / Math.max(1, p.returned);
      const remedy = REMEDIES[`${q.name}/${p.op}`];
      const fix = remedy ? ` — fix: ${remedy}` : '';
      if (p.inMemorySort) out.push(`@${fmtN(size)} ${q.name}/${p.op}: in-memory SORT (plan ${p.stages.join('←')}, index ${p.index}, keys ${p.keysExamined} for ${p.returned} returned)${fix}`);
      else if (p.keysPerReturned !== null && p.keysPerReturned > 2 * paging && (p.keysExamined ?? 0) > 100) out.push(`@${fmtN(size)} ${q.name}/${p.op}: examines ${p.keysExamined} keys / ${p.docsExamined} docs for ${p.returned} returned (index ${p.index})${fix}`);
      else if (p.docsPerReturned !== null && p.docsPerReturned > 2 * paging && (p.docsExamined ?? 0) > 100) out.push(`@${fmtN(size)} ${q.name}/${p.op}: fetches ${p.docsExamined} docs for ${p.returned} returned (index ${p.index})${fix}`);
    }
  }
  return out;
}

export const fmtN = (n: number) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}e6` : n >= 1e4 && Number.isInteger(Math.log10(n)) ? `1e${Math.log10(n)}` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

export function formatInboxBench(r: InboxBenchResult): string {
  const out: string[] = [];
  const ferret = r.server.kind === 'ferretdb';
  out.push(`inbox-query benchmark — ${ferret ? `FerretDB ${r.server.ferretdbVersion ?? ''} (SQLite), reporting as MongoDB ${r.server.version}` : `MongoDB ${r.server.version}`} at ${r.server.uri}`);
  if (ferret) out.push(`!! ${r.server.note}`);
  out.push(`machine: ${r.machine.cpus} × ${r.machine.model}, ${r.machine.totalMemMb} MB, ${r.machine.node}, load ${r.machine.loadAvg.join('/')} → ${r.machine.loadAvgAfter.join('/')}`);
  out.push(`runs per query ${r.options.runs} (time budget ${r.options.budgetSeconds} s per query), latency = the request's store work (page + total concurrently, as the route), ms`);
  for (const sz of r.sizes) {
    out.push('');
    out.push(
      `== ${fmtN(sz.tasks)} tasks (${sz.collection.active} active${sz.collection.dataMb !== null ? `, data ${sz.collection.dataMb} MB` : ''}${sz.collection.indexMb ? `, indexes ${Object.entries(sz.collection.indexMb).map(([k, v]) => `${k} ${v}`).join(' ')} MB` : ''}); ` +
        `seeded ${sz.seed.inserted} in ${sz.seed.seconds} s (${sz.seed.docsPerSecond}/s); largest inbox ${sz.largestUnits[0]?.assigneeKey} (${sz.largestUnits[0]?.active} active of ${sz.largestUnits[0]?.tasks})${ferret ? '   [FerretDB figures]' : ''}`,
    );
    const rows: (string | number | null)[][] = [['query', 'runs', 'p50', 'p95', 'p99', 'rows', 'total', 'op', 'index', 'keys', 'docs', 'ret', 'keys/ret', 'docs/ret', 'mem sort']];
    for (const q of sz.queries) {
      q.plans.forEach((p, i) => {
        rows.push([
          i === 0 ? q.name : '',
          i === 0 ? `${q.runs}${q.budgetHit ? '*' : ''}` : '',
          i === 0 ? q.p50Ms : '',
          i === 0 ? q.p95Ms : '',
          i === 0 ? q.p99Ms : '',
          i === 0 ? q.rowsMean : '',
          i === 0 ? q.totalMean : '',
          p.op,
          ferret ? (p.ferretdb?.fullScan ? 'SCAN' : (p.stages[0] ?? '?')) : p.index,
          p.keysExamined,
          p.docsExamined !== null && ferret && p.ferretdb?.fullScan ? `≈${p.docsExamined}` : p.docsExamined,
          p.returned,
          p.keysPerReturned,
          p.docsPerReturned,
          p.inMemorySort === null ? null : p.inMemorySort ? 'SORT' : 'no',
        ]);
      });
    }
    out.push(table(rows));
  }
  out.push('');
  out.push('keys/docs examined and the plan: explain("executionStats") for the inbox with the most active tasks (the worst case); ret = rows of the page (limit + 1) or the count or distinct values.');
  if (ferret) out.push('FerretDB: keys are not reported; "SCAN" = SQLite scans the whole table (no filter pushdown), docs ≈ the collection; "mem sort" = sort not pushed down to SQLite.');
  out.push('* = stopped by the time budget before the asked runs.');
  if (r.findings.length) {
    out.push('');
    out.push('findings:');
    for (const f of r.findings) out.push(`  - ${f}`);
  }
  return out.join('\n');
}

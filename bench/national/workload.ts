/**
 * The national workload, driven through the HTTP API as its users would: the national group and 31
 * provincial HR departments open their selection rounds (plan → approval → notice, R7.1/R8.1), the
 * national group keeps the expert pool, institutions apply (R7.2), recommenders confirm, organisers
 * review (R7.3 初评), the drawn experts vote from their inboxes, organisers recheck (R7.4); listings
 * already in the directory file last year's annual report for their province to review (R14.2) or
 * their renewal for the industry department or organiser to consent to and the organiser to approve
 * (R9.1). Staff find their work in `GET /api/inbox` and complete it with `POST /api/tasks/:id/complete`.
 *
 * What it does not drive: a round's own close, approval, 5-working-day public notice and publication
 * wait on the application window's end and on working days (R7.4, R7.5) — days of real time on the
 * Temporal dev server; the time-skipping API tests drive those (test/api/selectionRound.api.test.ts).
 */
import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { createTokenService } from '../../api/auth.js';
import type { Principal, Unit } from '../../rules/actors.js';
import { SYSTEM_PRINCIPAL } from '../../rules/actors.js';
import type { ListingInput } from '../../machines/listing.machine.js';
import { consentAssignee, organiserOfficer, reportReviewer } from '../../machines/listing.machine.js';
import { listingWorkflow } from '../../workflows/index.js';
import { Progress } from '../lib/progress.js';
import { sleep } from '../lib/stats.js';
import { goodFacts } from '../../test/fixtures/eligibility.js';
import { expert, OCCUPATIONS, PROVINCES, staff, institution, type ApplicationPlan, type CasePlan, type ListingPlan } from './world.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body).slice(0, 400)}`);
  }
}

/** A user of the API with a bearer token. */
export class User {
  constructor(
    readonly principal: Principal,
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are read field by field
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  async ok(method: string, path: string, body?: unknown, expected = [200, 201, 202]) {
    const r = await this.call(method, path, body);
    if (!expected.includes(r.status)) throw new HttpError(r.status, r.body, `${this.principal.id} ${method} ${path}`);
    return r.body;
  }
}

export class People {
  private readonly users = new Map<string, Promise<User>>();
  private readonly tokens;
  constructor(
    private readonly baseUrl: string,
    authSecret: string,
  ) {
    this.tokens = createTokenService(authSecret);
  }
  as(p: Principal): Promise<User> {
    let u = this.users.get(p.id);
    if (!u) {
      u = this.tokens.mint(p, '24h').then((t) => new User(p, this.baseUrl, t));
      this.users.set(p.id, u);
    }
    return u;
  }
  officer = (unit: Unit) => this.as(staff('officer', unit));
  leader = (unit: Unit) => this.as(staff('leader', unit));
}

const enc = encodeURIComponent;
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);


export const roundIdOf = (organiser: Unit, reference: string) => `selection-round:${organiser}:${reference}`;
export const listingCaseId = (l: ListingPlan) => `listing:${l.listingKind}:${l.institutionId}:${l.occupation.code}`;

export interface SeedResult {
  experts: number;
  rounds: number;
  listings: number;
  expertPoolMs: number;
  roundsMs: number;
  listingsMs: number;
  listingStartsPerSec: number;
}

/**
 * Opens the world: the expert pool, one round per organiser (national evaluation; each province's
 * training), and the listings already in the directory (started as a published application starts
 * them, with their publication day; the one-time import of an existing directory would do the same).
 */
export async function seedWorld(o: { people: People; temporal: Client; taskQueue: string; experts: number; listings: ListingPlan[]; today: string; reference: string; concurrency: number }): Promise<SeedResult> {
  const nat = await o.people.officer('national');
  let t0 = performance.now();
  const pool = new Progress('expert pool', o.experts, 'experts');
  await pooled(
    Array.from({ length: o.experts }, (_, i) => i),
    o.concurrency,
    async (i) => {
      await nat.ok('PUT', `/api/expert-pool/be${i}`, { name: `专家${i}`, fields: OCCUPATIONS.map((x) => x.code), employer: `org-${i}`, employmentHistory: [], active: true });
      pool.increment();
    },
  );
  pool.stop();
  const expertPoolMs = performance.now() - t0;

  t0 = performance.now();
  const organisers: { organiser: Unit; kind: 'training' | 'evaluation' }[] = [{ organiser: 'national', kind: 'evaluation' }, ...PROVINCES.map((p) => ({ organiser: `province:${p.code}` as Unit, kind: 'training' as const }))];
  const rounds = new Progress('selection rounds', organisers.length, 'rounds');
  await pooled(organisers, Math.min(8, o.concurrency), async ({ organiser, kind }) => {
    const officer = await o.people.officer(organiser);
    const leader = await o.people.leader(organiser);
    const draft = { title: `${o.today.slice(0, 4)}年数字技术工程师${kind === 'training' ? '培训' : '评价'}机构遴选（${organiser}）`, occupations: [...OCCUPATIONS], requirements: 'R6 eligibility; recommendation by provincial HR or an industry department (R7.2).' };
    const plan = (await officer.ok('POST', '/api/selection-plans', { kind, reference: o.reference, draft })).caseId as string;
    await officer.ok('POST', `/api/selection-plans/${enc(plan)}/submit`, {});
    await leader.ok('POST', `/api/selection-plans/${enc(plan)}/approve`, {});
    await officer.ok('POST', `/api/selection-plans/${enc(plan)}/publish-notice`, {
      documentNumber: `人社发〔${o.today.slice(0, 4)}〕${organiser.replace(/\D/g, '') || '1'}号`,
      occupations: [...OCCUPATIONS],
      applicationWindow: { opens: o.today, closes: addDays(o.today, 60) },
      requirements: '见通知',
    });
    rounds.increment();
  });
  rounds.stop();
  const roundsMs = performance.now() - t0;

  t0 = performance.now();
  const bar = new Progress('listings in the directory', o.listings.length, 'listings');
  await pooled(o.listings, o.concurrency, async (l) => {
    const input: Omit<ListingInput, 'caseId' | 'createdAt'> = {
      listingId: `${l.listingKind}:${l.institutionId}:${l.occupation.code}`,
      kind: l.listingKind,
      institution: { id: l.institutionId, name: l.institutionName, province: l.province },
      occupation: l.occupation,
      organiser: l.organiser,
      recommender: l.recommender,
      publishedOn: l.publishedOn,
      createdBy: SYSTEM_PRINCIPAL,
    };
    await o.temporal.workflow.start(listingWorkflow, { workflowId: listingCaseId(l), taskQueue: o.taskQueue, args: [{ input }], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE });
    bar.increment();
  });
  bar.stop();
  const listingsMs = performance.now() - t0;
  return { experts: o.experts, rounds: organisers.length, listings: o.listings.length, expertPoolMs, roundsMs, listingsMs, listingStartsPerSec: o.listings.length / (listingsMs / 1000) };
}

export async function pooled<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, run));
}

// ---------------------------------------------------------------------------
// One case driven to its end by the people who act on it
// ---------------------------------------------------------------------------

export interface StepSample {
  /** What the step was (its command). */
  command: string;
  /** `start` (a new case) or `update` (a command to a running case). */
  kind: 'start' | 'update';
  /** Client-side latency of the accepting HTTP call (send → answer). */
  ms: number;
}

export interface CaseRun {
  caseId: string;
  caseType: 'application' | 'listing';
  steps: StepSample[];
  /** Send of a command → the task it opens is in the next person's `GET /api/inbox` (only when sampled). */
  visibleMs: number[];
  /** Inbox reads the people made to find their tasks. */
  inboxReads: number;
}

export interface DriveOptions {
  people: People;
  reference: string;
  today: string;
  /** Start polling the next person's inbox when the command is sent, to time update → visible. */
  sampleVisibility: boolean;
  timeoutMs?: number;
}

/**
 * Polls `user`'s inbox for the case's task of `step` (newest first, filtered by step, as a person
 * working through one kind of task would look) until it is there.
 */
async function findTask(user: User, caseId: string, step: string, counters: { reads: number }, timeoutMs: number): Promise<{ taskId: string; foundAt: number }> {
  const t0 = performance.now();
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    counters.reads += 1;
    const r = await user.ok('GET', `/api/inbox?step=${enc(step)}&sort=createdAt&order=desc&limit=100`);
    const t = (r.items as { caseId: string; taskId: string }[]).find((x) => x.caseId === caseId);
    if (t) return { taskId: t.taskId, foundAt: performance.now() };
    if (performance.now() - t0 > timeoutMs) throw new Error(`${user.principal.id}: no ${step} task of ${caseId} in the inbox after ${timeoutMs} ms`);
    await sleep(delay);
  }
}

class CaseDriver {
  readonly run: CaseRun;
  private readonly counters = { reads: 0 };
  private readonly timeoutMs: number;
  constructor(
    private readonly o: DriveOptions,
    caseId: string,
    caseType: 'application' | 'listing',
  ) {
    this.run = { caseId, caseType, steps: [], visibleMs: [], inboxReads: 0 };
    this.timeoutMs = o.timeoutMs ?? 120_000;
  }
  set caseId(id: string) {
    this.run.caseId = id;
  }
  /** A command whose answer the step's latency is; `next` (when sampling) is who gets the task it opens. */
  async step<T>(command: string, kind: 'start' | 'update', send: () => Promise<T>, next?: { user: User; step: string; caseId?: () => string }): Promise<T> {
    const t0 = performance.now();
    const watch = this.o.sampleVisibility && next && next.caseId === undefined ? findTask(next.user, this.run.caseId, next.step, this.counters, this.timeoutMs) : undefined;
    const out = await send();
    this.run.steps.push({ command, kind, ms: performance.now() - t0 });
    if (watch) this.run.visibleMs.push((await watch).foundAt - t0);
    else if (this.o.sampleVisibility && next?.caseId) this.run.visibleMs.push((await findTask(next.user, next.caseId(), next.step, this.counters, this.timeoutMs)).foundAt - t0);
    return out;
  }
  /** The next person finds the case's task in their inbox and completes it. */
  async complete(user: User, step: string, action: string, payload: unknown, next?: { user: User; step: string }) {
    const { taskId } = await findTask(user, this.run.caseId, step, this.counters, this.timeoutMs);
    return this.step(action, 'update', () => user.ok('POST', `/api/tasks/${enc(taskId)}/complete`, { action, payload }), next);
  }
  done(): CaseRun {
    this.run.inboxReads = this.counters.reads;
    return this.run;
  }
}

/** R7.2–R7.4: apply → recommendation → preliminary review → panel votes → recheck → recommended. */
export async function driveApplication(a: ApplicationPlan, o: DriveOptions): Promise<CaseRun> {
  const d = new CaseDriver(o, '', 'application');
  const inst = await o.people.as(institution(a.institutionId, a.institutionName));
  const recommender = await o.people.officer(a.recommender);
  const organiser = await o.people.officer(a.organiser);
  const roundId = roundIdOf(a.organiser, o.reference);
  let caseId = '';
  const year = Number(o.today.slice(0, 4));
  await d.step(
    'apply',
    'start',
    async () => {
      const r = await inst.ok('POST', `/api/selection-rounds/${enc(roundId)}/applications`, {
        institution: { name: a.institutionName, province: a.province },
        occupationCodes: [a.occupation.code],
        priority: 'other',
        recommender: a.recommender,
        facts: goodFacts(year),
      });
      caseId = r.applications[0].caseId as string;
      d.caseId = caseId;
    },
    { user: recommender, step: 'application.recommend', caseId: () => caseId },
  );
  await d.complete(recommender, 'application.recommend', 'CONFIRM_RECOMMENDATION', {}, { user: organiser, step: 'application.preliminaryReview' });
  await d.complete(organiser, 'application.preliminaryReview', 'PASS_REVIEW', {});
  // The panel is drawn by an activity after the review passed; the organiser's case page lists its tasks.
  const panel = await panelOf(organiser, caseId, d.run, o.timeoutMs ?? 120_000);
  for (const unit of panel) {
    const n = Number(unit.replace('expert:be', ''));
    await d.complete(await o.people.as(expert(n)), 'application.vote', 'CAST_VOTE', { recommend: true, score: 85, comments: '材料齐全，符合条件' });
  }
  const last = await d.complete(organiser, 'application.recheck', 'CONFIRM_RESULT', {});
  const state = (last as { status?: { code?: string } }).status?.code;
  if (state && state !== 'recommended') throw new Error(`${caseId} ended the script in ${state}, not recommended`);
  return d.done();
}

async function panelOf(organiser: User, caseId: string, run: CaseRun, timeoutMs: number): Promise<string[]> {
  const t0 = performance.now();
  for (;;) {
    const c = await organiser.ok('GET', `/api/cases/${enc(caseId)}/tasks?active=true`);
    const votes = (c.items as { step: string; assignee: { unit: string } }[]).filter((t) => t.step === 'application.vote');
    if (votes.length >= 5) return votes.map((t) => t.assignee.unit);
    if (performance.now() - t0 > timeoutMs) throw new Error(`${caseId}: no panel after ${timeoutMs} ms`);
    run.inboxReads += 1;
    await sleep(20);
  }
}

/** R20.3: a change of contact details; R14.2: last year's annual report, reviewed by the province; R9.1: the renewal, consented and approved. */
export async function driveListing(l: ListingPlan, o: DriveOptions): Promise<CaseRun> {
  const caseId = listingCaseId(l);
  const d = new CaseDriver(o, caseId, 'listing');
  const inst = await o.people.as(institution(l.institutionId, l.institutionName));
  const ctx = { institution: { id: l.institutionId, name: l.institutionName, province: l.province }, organiser: l.organiser, recommender: l.recommender };
  if (l.script === 'standing') return d.done();
  if (l.script === 'change') {
    await d.step('REPORT_CHANGE', 'update', () => inst.ok('POST', `/api/listings/${enc(caseId)}/report-change`, { contact: { phone: `020-${String(80000000 + l.index)}` }, effectiveOn: o.today, note: '联系电话变更' }));
  } else if (l.script === 'annualReport') {
    const year = Number(o.today.slice(0, 4)) - 1;
    const reviewer = await o.people.officer(reportReviewer(ctx).unit);
    await d.step('SUBMIT_ANNUAL_REPORT', 'update', () => inst.ok('POST', `/api/listings/${enc(caseId)}/submit-annual-report`, { year, personTimes: 1200 + l.index, plan: '下一年度培训考核计划：扩大数字技术工程师培训规模。' }), { user: reviewer, step: 'listing.reviewAnnualReport' });
    await d.complete(reviewer, 'listing.reviewAnnualReport', 'REVIEW_ANNUAL_REPORT', { year, accepted: true, comments: '已审核' });
  } else {
    const consent = await o.people.officer(consentAssignee(ctx).unit);
    const organiser = await o.people.officer(organiserOfficer(ctx).unit);
    await d.step('FILE_RENEWAL', 'update', () => inst.ok('POST', `/api/listings/${enc(caseId)}/file-renewal`, { report: '三年来培训考核情况总结及下一周期计划。' }), { user: consent, step: 'listing.consentRenewal' });
    await d.complete(consent, 'listing.consentRenewal', 'CONSENT_RENEWAL', {}, { user: organiser, step: 'listing.auditRenewal' });
    await d.complete(organiser, 'listing.auditRenewal', 'APPROVE_RENEWAL', {});
  }
  return d.done();
}

export const driveCase = (c: CasePlan, o: DriveOptions) => (c.kind === 'application' ? driveApplication(c, o) : driveListing(c, o));

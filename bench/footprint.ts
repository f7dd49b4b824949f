/**
 * The absolute figures of issue 7's benchmark: worker RSS per cached case, replay time of 1,000 long
 * histories, history lengths, store documents and index sizes. Called by bench/run.ts; standalone:
 * bench/footprint.cli.ts (`npm run bench:footprint -- [--quick] [--cached N] [--histories N] [--distinct N]`).
 *
 * 1. Cached cases: the real worker in a child process (bench/footprint.worker.ts) with room for every
 *    case in its cache; listing cases opened as a published application opens them (the Temporal client
 *    starts `listingWorkflow` with today's publication day: years of timers ahead), each then sent one
 *    command (REPORT_CHANGE of its contact details) so that it is cached with some state. The child's
 *    memory is read after a full GC at an idle worker, after a few warm-up cases, at N/2 and at N cases;
 *    MB per cached case is the least-squares slope over the points from the warm-up on.
 * 2. Long histories: `distinctHistories` cases driven through many commands with the real activities
 *    (selection plans through RETURN/EDIT_DRAFT/SUBMIT cycles; listings published last year through
 *    follow-ups of the overdue report, annual-report versions with reviews, changes, a renewal and a
 *    withdrawal), their histories fetched, then `longHistories` replays cycling through them with one
 *    `Worker.runReplayHistories` (one bundle, each replay under its own workflow id).
 * 3. History lengths per case type (describe: historyLength, stateTransitionCount).
 * 4. The bench database: per collection count, sizes and index sizes (collStats), dbStats, and documents
 *    per case. The database is dropped at the end; the cached listings are terminated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import type { ListingInput } from '../machines/listing.machine.js';
import type { Assignee, Principal } from '../rules/actors.js';
import { SYSTEM_PRINCIPAL } from '../rules/actors.js';
import { shanghaiDate } from '../rules/calendar/dates.js';
import { connectStore, type Store } from '../store/mongo.js';
import { createWorker, workflowsPath } from '../worker/worker.js';
import { caseViewQuery, commandUpdate, listingWorkflow, selectionPlanWorkflow, type CommandArgs } from '../workflows/index.js';
import { draft } from '../test/fixtures/selectionPlan.js';
import { natLeader, natOfficer } from '../test/fixtures/principals.js';
import type { ChildConfig, ChildReading, ChildRequest, ChildResponse, WorkerStatus } from './footprint.worker.js';
import { Progress } from './lib/progress.js';
import { ROOT } from './lib/services.js';
import { machineInfo, mb, mean, percentile, round1, round2, sleep, table } from './lib/stats.js';

const NAMESPACE = 'default';
const WORKER_ENTRY = fileURLToPath(new URL('./footprint.worker.ts', import.meta.url));
const OCCUPATION = { code: '2-02-10-09', name: '人工智能工程技术人员' };
/** Cases opened before the first loaded reading, so lazy one-off costs (JIT, pools, the bundle) are in it. */
const WARM_UP = 10;
/** Cases in flight while opening listings / generating histories. */
const OPEN_CONCURRENCY = 16;
const GENERATE_CONCURRENCY = 6;
const DESCRIBE_SAMPLE = 20;

export interface FootprintOptions {
  temporalAddress: string;
  mongodbUri: string;
  /** Long-lived cases held in the worker's cache at the largest size (default 1000). */
  cachedCases: number;
  /** Replays in the replay figure (default 1000). */
  longHistories: number;
  /** Distinct long histories generated and replayed in cycle (default 50). */
  distinctHistories: number;
  quick?: boolean;
}

interface Stats3 {
  min: number;
  mean: number;
  max: number;
}

export interface MemoryPoint {
  label: string;
  listingsOpen: number;
  cachedWorkflows: number;
  rssMb: number;
  rssAnonMb: number | null;
  mainHeapUsedMb: number;
  workflowThreadHeapUsedMb: number | null;
  externalMb: number;
  /** Seconds spent opening the listings since the previous point. */
  openSeconds: number;
}

export interface CachedCasesResult {
  caseType: string;
  perCase: string;
  requested: number;
  maxCachedWorkflows: number;
  points: MemoryPoint[];
  /** MB per cached case: least-squares slope over the points from the warm-up on (x = cached workflows). */
  slopeMbPerCase: { rss: number | null; rssAnon: number | null; workflowThreadHeap: number | null; mainHeap: number | null };
  openRate: number;
  workflowThreads: number;
  /** The size of a cached case's own state, for comparison: JSON of the machine context and of the whole case view (a sample). */
  caseStateKb: { context: Stats3; view: Stats3; sample: number };
}

export interface ReplayFigure {
  distinct: number;
  replayed: number;
  note: string;
  eventsPerHistory: Stats3;
  byType: { caseType: string; histories: number; events: Stats3; commands: Stats3 }[];
  generation: { seconds: number; updates: number };
  workerStartS: number;
  replayS: number;
  totalS: number;
  historiesPerS: number;
  eventsPerS: number;
  msPerHistory: { p50: number; p95: number; max: number };
  /** Least-squares fit over the replays: ms ≈ fixed + perEvent × events (the fixed part is a new workflow in the sandbox). */
  fit: { msFixed: number; msPerEvent: number } | null;
  nondeterminism: number;
  otherFailures: number;
  failures: string[];
}

export interface HistoryLengthRow {
  group: string;
  workflowType: string;
  cases: number;
  historyLength: Stats3;
  stateTransitions: Stats3;
}

export interface CollectionStat {
  collection: string;
  count: number;
  sizeBytes: number | null;
  avgObjBytes: number | null;
  storageBytes: number | null;
  nindexes: number | null;
  totalIndexBytes: number | null;
  indexSizes: Record<string, number> | null;
  /** Table fields collStats did not return. */
  missing: string[];
}

export interface PerCaseRow {
  group: string;
  cases: number;
  perCase: Record<string, number>;
}

export interface StoreFigure {
  database: string;
  server: string;
  source: string;
  collections: CollectionStat[];
  dbStats: Record<string, unknown> | null;
  dbStatsMissing: string[];
  perCase: PerCaseRow[];
  /** The plan of the store's guarded upsert filter `{ _id, seq: { $lt } }` on `cases` (explain). */
  guardPlan: string;
}

export interface FootprintResult {
  startedAt: string;
  runtimeS: number;
  phaseSeconds: Record<string, number>;
  options: FootprintOptions;
  machine: Awaited<ReturnType<typeof machineInfo>> & { loadAvgAfter: number[] };
  temporal: { address: string; server: string };
  cached: CachedCasesResult;
  replay: ReplayFigure;
  historyLengths: HistoryLengthRow[];
  store: StoreFigure;
  caveats: string[];
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const stats3 = (xs: number[]): Stats3 => (xs.length ? { min: Math.min(...xs), mean: round1(mean(xs)), max: Math.max(...xs) } : { min: NaN, mean: NaN, max: NaN });
const fmt3 = (s: Stats3) => (Number.isNaN(s.mean) ? '–' : `${s.min} / ${s.mean} / ${s.max}`);
const kb = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? null : round1(bytes / 1024));

/** Least-squares slope of y over x; null with fewer than two distinct x or any null y. */
function slope(points: { x: number; y: number | null }[]): number | null {
  return line(points)?.slope ?? null;
}

/** Least-squares line y = intercept + slope × x; null with fewer than two distinct x or any null y. */
function line(points: { x: number; y: number | null }[]): { slope: number; intercept: number } | null {
  if (points.some((p) => p.y === null) || new Set(points.map((p) => p.x)).size < 2) return null;
  const mx = mean(points.map((p) => p.x));
  const my = mean(points.map((p) => p.y!));
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y! - my);
    den += (p.x - mx) ** 2;
  }
  return { slope: num / den, intercept: my - (num / den) * mx };
}

/** Runs fn(0..n-1) with at most `concurrency` in flight, ticking `progress`. */
async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>, progress?: Progress, extra?: (done: number) => string): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  let done = 0;
  const runner = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
      done++;
      progress?.tick(done, extra?.(done) ?? '');
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, runner));
  progress?.stop();
  return out;
}

/** A principal standing for whoever holds `assignee` (the host checks role and unit only). */
const actorFor = (a: Assignee, name = `${a.role}@${a.unit} (bench)`): Principal => ({ id: `bench:${a.role}@${a.unit}`, name, role: a.role, unit: a.unit });

const today = () => shanghaiDate(new Date().toISOString());

async function describeCase(client: Client, workflowId: string): Promise<{ historyLength: number; stateTransitions: number; workflowType: string }> {
  const d = await client.workflow.getHandle(workflowId).describe();
  const info = d.raw.workflowExecutionInfo as temporal.api.workflow.v1.IWorkflowExecutionInfo;
  return { historyLength: Number(info.historyLength ?? 0), stateTransitions: Number(info.stateTransitionCount ?? 0), workflowType: d.type };
}

// ---------------------------------------------------------------------------
// The worker child
// ---------------------------------------------------------------------------

class WorkerChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderrTail = '';
  private exited = false;
  private constructor(private readonly proc: ChildProcess) {
    proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-4000);
      process.stderr.write(d.replace(/^(?=.)/gm, '  worker| '));
    });
    proc.on('message', (m: ChildResponse) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.value);
      else w.reject(new Error(`worker child: ${m.error}`));
    });
    proc.once('exit', (code, signal) => {
      this.exited = true;
      for (const w of this.waiting.values()) w.reject(new Error(`the worker child exited (${code ?? signal}):\n${this.stderrTail}`));
      this.waiting.clear();
    });
  }

  get pid() {
    return this.proc.pid;
  }

  static async start(config: ChildConfig): Promise<WorkerChild> {
    const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', WORKER_ENTRY], {
      cwd: ROOT,
      env: { ...process.env, FOOTPRINT_WORKER: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const child = new WorkerChild(proc);
    const ready = new Promise<void>((resolve, reject) => {
      child.waiting.set(0, { resolve: () => resolve(), reject });
    });
    const timeout = sleep(120_000).then(() => {
      throw new Error(`the worker child was not ready in 120 s:\n${child.stderrTail}`);
    });
    await Promise.race([ready, timeout]);
    return child;
  }

  request<T>(type: ChildRequest['type'], timeoutMs = 120_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error('the worker child has exited'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`worker child: no answer to ${type} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ id, type } satisfies ChildRequest);
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    await this.request('stop', 60_000).catch(() => this.proc.kill('SIGKILL'));
    await Promise.race([exited, sleep(10_000).then(() => this.proc.kill('SIGKILL'))]);
  }
}

// ---------------------------------------------------------------------------
// 1. Worker RSS per cached case
// ---------------------------------------------------------------------------

function listingInput(institutionId: string, publishedOn: string): Omit<ListingInput, 'caseId' | 'createdAt'> {
  return {
    listingId: `training:${institutionId}:${OCCUPATION.code}`,
    kind: 'training',
    institution: { id: institutionId, name: `基准培训学院 ${institutionId}`, province: '44' },
    occupation: OCCUPATION,
    organiser: 'province:44',
    recommender: 'industry:miit',
    publishedOn,
    createdBy: SYSTEM_PRINCIPAL,
  };
}
const listingCaseId = (institutionId: string) => `listing:training:${institutionId}:${OCCUPATION.code}`;
const holderOf = (institutionId: string) => actorFor({ role: 'institution', unit: `institution:${institutionId}` });

/** Opens listing `i` as a published application does, then reports a change of contact details. */
async function openCachedListing(client: Client, taskQueue: string, institutionId: string, i: number): Promise<string> {
  const caseId = listingCaseId(institutionId);
  const h = await client.workflow.start(listingWorkflow, { workflowId: caseId, taskQueue, args: [{ input: listingInput(institutionId, today()) }] });
  await h.executeUpdate(commandUpdate, {
    args: [
      {
        type: 'REPORT_CHANGE',
        payload: { contact: { phone: `+86 20 8${String(i).padStart(3, '0').slice(-3)} 0000`, email: `office-${institutionId}@example.edu.cn` }, effectiveOn: today() },
        actor: holderOf(institutionId),
      },
    ],
  });
  return caseId;
}

async function waitForCache(child: WorkerChild, target: number, timeoutMs = 300_000): Promise<WorkerStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: WorkerStatus | undefined;
  let stable = 0;
  for (;;) {
    const s = await child.request<WorkerStatus>('status');
    const quiet = s.numInFlightWorkflowActivations === 0 && s.numInFlightActivities === 0;
    stable = quiet && s.numCachedWorkflows >= target && last?.numCachedWorkflows === s.numCachedWorkflows ? stable + 1 : 0;
    last = s;
    if (stable >= 3) return s;
    if (Date.now() > deadline) {
      console.warn(`  cache did not settle at ${target} in ${timeoutMs / 1000} s (cached ${s.numCachedWorkflows}, in flight ${s.numInFlightWorkflowActivations}/${s.numInFlightActivities}); measuring anyway`);
      return s;
    }
    await sleep(500);
  }
}

async function runCachedCases(client: Client, config: ChildConfig, n: number, tag: string, cachedIds: string[]): Promise<CachedCasesResult> {
  console.log(`cached cases: the worker in a child process (maxCachedWorkflows ${config.maxCachedWorkflows}), ${n} listing cases ...`);
  const child = await WorkerChild.start(config);
  try {
    const points: MemoryPoint[] = [];
    const toPoint = (label: string, r: ChildReading, openSeconds: number): MemoryPoint => ({
      label,
      listingsOpen: cachedIds.length,
      cachedWorkflows: r.status.numCachedWorkflows,
      rssMb: mb(r.rss),
      rssAnonMb: r.rssAnon === null ? null : mb(r.rssAnon),
      mainHeapUsedMb: mb(r.heapUsed),
      workflowThreadHeapUsedMb: r.threadHeapUsed === null ? null : mb(r.threadHeapUsed),
      externalMb: mb(r.external),
      openSeconds: round1(openSeconds),
    });
    await sleep(2000);
    const idle = await child.request<ChildReading>('measure');
    points.push(toPoint('idle worker', idle, 0));
    const warm = Math.min(WARM_UP, Math.max(1, Math.floor(n / 10)));
    const sizes = [...new Set([warm, Math.round(n / 2), n])].filter((s) => s > 0).sort((a, b) => a - b);
    let openTotalS = 0;
    let threads = idle.workflowThreads;
    for (const size of sizes) {
      const from = cachedIds.length;
      const count = size - from;
      const t0 = performance.now();
      const progress = new Progress(`open listings →${size}`, count, 'cases');
      const ids = await pool(
        count,
        OPEN_CONCURRENCY,
        (k) => openCachedListing(client, config.taskQueue, `fp${tag}c${from + k}`, from + k),
        progress,
        (done) => `${(done / Math.max(0.001, (performance.now() - t0) / 1000)).toFixed(1)} cases/s`,
      );
      const openS = (performance.now() - t0) / 1000;
      openTotalS += openS;
      cachedIds.push(...ids);
      await waitForCache(child, cachedIds.length);
      const r = await child.request<ChildReading>('measure');
      threads = r.workflowThreads;
      points.push(toPoint(size === warm ? `warm-up (${size})` : `${size} listings`, r, openS));
    }
    const sampleIds = cachedIds.filter((_, i) => i % Math.max(1, Math.floor(cachedIds.length / DESCRIBE_SAMPLE)) === 0).slice(0, DESCRIBE_SAMPLE);
    const views = await Promise.all(sampleIds.map((id) => client.workflow.getHandle(id).query(caseViewQuery)));
    const caseStateKb = {
      context: stats3(views.map((v) => round1(Buffer.byteLength(JSON.stringify(v.context)) / 1024))),
      view: stats3(views.map((v) => round1(Buffer.byteLength(JSON.stringify(v)) / 1024))),
      sample: views.length,
    };
    const loaded = points.slice(1);
    const fit = (f: (p: MemoryPoint) => number | null) => {
      const s = slope(loaded.map((p) => ({ x: p.cachedWorkflows, y: f(p) })));
      return s === null ? null : round2(s * 1000) / 1000;
    };
    return {
      caseType: 'listing',
      perCase: 'started with the client (publication day today: R9/R14.2 timers months and years ahead), then one REPORT_CHANGE',
      requested: n,
      maxCachedWorkflows: config.maxCachedWorkflows,
      points,
      slopeMbPerCase: {
        rss: fit((p) => p.rssMb),
        rssAnon: fit((p) => p.rssAnonMb),
        workflowThreadHeap: fit((p) => p.workflowThreadHeapUsedMb),
        mainHeap: fit((p) => p.mainHeapUsedMb),
      },
      openRate: round1(cachedIds.length / Math.max(0.001, openTotalS)),
      workflowThreads: threads,
      caseStateKb,
    };
  } finally {
    await child.stop();
  }
}

// ---------------------------------------------------------------------------
// 2. Long histories and their replay
// ---------------------------------------------------------------------------

interface LongCase {
  workflowId: string;
  caseType: 'selectionPlan' | 'listing';
  commands: number;
}

/** Selection plan (R7.1): SUBMIT, `cycles` × (RETURN, EDIT_DRAFT, SUBMIT), APPROVE, CANCEL. */
async function driveLongPlan(client: Client, taskQueue: string, workflowId: string, cycles: number): Promise<LongCase> {
  const h = await client.workflow.start(selectionPlanWorkflow, {
    workflowId,
    taskQueue,
    args: [{ input: { kind: 'evaluation', organiser: 'national', draft, createdBy: natOfficer } }],
  });
  const script: CommandArgs[] = [{ type: 'SUBMIT', payload: {}, actor: natOfficer }];
  for (let k = 1; k <= cycles; k++) {
    script.push(
      { type: 'RETURN', payload: { comments: `Revision ${k}: state the application requirements in full.` }, actor: natLeader },
      { type: 'EDIT_DRAFT', payload: { draft: { ...draft, requirements: `R6.1–R6.5 in full (revision ${k}).` } }, actor: natOfficer },
      { type: 'SUBMIT', payload: {}, actor: natOfficer },
    );
  }
  script.push({ type: 'APPROVE', payload: { comments: 'Agreed.' }, actor: natLeader }, { type: 'CANCEL', payload: { reason: 'benchmark case finished' }, actor: natOfficer });
  for (const cmd of script) await h.executeUpdate(commandUpdate, { args: [cmd] });
  const result = await h.result();
  if (result.state !== 'cancelled') throw new Error(`${workflowId} ended in ${JSON.stringify(result.state)}, not cancelled`);
  return { workflowId, caseType: 'selectionPlan', commands: script.length };
}

interface ListingView {
  context: { reportingYear: number; overdueReports: { year: number; level: number; followUp?: unknown }[] };
  tasks: { step: string; assignee: Assignee; actions: string[] }[];
}

/**
 * Listing published on 1 July of last year: its past R14.2 deadlines fire at once (reminders, the two
 * escalations of last year's missing report); the departments record their follow-ups; then `cycles` ×
 * (an annual-report version on last year, local HR's review, a change of contact details); a renewal
 * filed, consented and approved; a withdrawal effective today ends it.
 */
async function driveLongListing(client: Client, taskQueue: string, institutionId: string, cycles: number): Promise<LongCase> {
  const workflowId = listingCaseId(institutionId);
  const lastYear = Number(today().slice(0, 4)) - 1;
  const h = await client.workflow.start(listingWorkflow, { workflowId, taskQueue, args: [{ input: listingInput(institutionId, `${lastYear}-07-01`) }] });
  const holder = holderOf(institutionId);
  const hr = actorFor({ role: 'officer', unit: 'province:44' });
  const industry = actorFor({ role: 'officer', unit: 'industry:miit' });
  let commands = 0;
  const send = async (type: string, payload: Record<string, unknown>, actor: Principal) => {
    await h.executeUpdate(commandUpdate, { args: [{ type, payload, actor }] });
    commands++;
  };
  // The past deadlines of last year's report fire one after the other; wait until the schedule moved on.
  const t0 = Date.now();
  let view: ListingView;
  for (;;) {
    view = (await h.query(caseViewQuery)) as unknown as ListingView;
    if (view.context.reportingYear > lastYear || Date.now() - t0 > 60_000) break;
    await sleep(250);
  }
  for (const t of view.tasks.filter((x) => x.step === 'listing.annualReportOverdue')) {
    const o = view.context.overdueReports.find((x) => !x.followUp && t.actions.includes('RECORD_FOLLOW_UP') && t.assignee.unit === (x.level === 1 ? 'industry:miit' : 'province:44'));
    if (o) await send('RECORD_FOLLOW_UP', { year: o.year, level: o.level, note: `Phoned the institution about the missing ${o.year} report (level ${o.level}).` }, actorFor(t.assignee));
  }
  for (let k = 1; k <= cycles; k++) {
    await send('SUBMIT_ANNUAL_REPORT', { year: lastYear, personTimes: 180 + 10 * k, plan: `下一年度计划培训考核 ${300 + k} 人次（第 ${k} 版）`, nextYearPlannedPersonTimes: 300 + k }, holder);
    await send('REVIEW_ANNUAL_REPORT', { year: lastYear, accepted: k === cycles, comments: k === cycles ? '审核通过' : `请更正人次（第 ${k} 版）` }, hr);
    await send('REPORT_CHANGE', { contact: { phone: `+86 20 8888 ${String(1000 + k)}`, email: `office-${institutionId}-${k}@example.edu.cn` }, effectiveOn: today() }, holder);
  }
  await send('FILE_RENEWAL', { report: '近三年培训考核情况报告（基准）' }, holder);
  await send('CONSENT_RENEWAL', { comments: '同意续期' }, industry);
  await send('APPROVE_RENEWAL', { comments: '审核通过' }, hr);
  await send('WITHDRAW', { effectiveOn: today(), reason: '基准测试结束' }, holder);
  const result = await h.result();
  if (result.state !== 'withdrawn') throw new Error(`${workflowId} ended in ${JSON.stringify(result.state)}, not withdrawn`);
  return { workflowId, caseType: 'listing', commands };
}

async function generateLongCases(client: Client, nativeConnection: NativeConnection, store: Store, bundle: WorkflowBundleWithSourceMap, distinct: number, tag: string): Promise<{ cases: LongCase[]; seconds: number }> {
  const taskQueue = `bench-footprint-long-${tag}`;
  const worker = await createWorker({ connection: nativeConnection, namespace: NAMESPACE, taskQueue, store, options: { workflowBundle: bundle, workflowsPath: undefined } });
  const t0 = performance.now();
  let updates = 0;
  const cases = await worker.runUntil(() =>
    pool(
      distinct,
      GENERATE_CONCURRENCY,
      async (i) => {
        // Distinct lengths: plans 4–14 cycles of 3 commands, listings 3–11 cycles of 3 (+ 6–8 commands).
        const c =
          i % 2 === 0
            ? await driveLongPlan(client, taskQueue, `selection-plan:national:fp${tag}-long-${i}`, 4 + ((i * 3) % 11))
            : await driveLongListing(client, taskQueue, `fp${tag}l${i}`, 3 + ((i * 5) % 9));
        updates += c.commands;
        return c;
      },
      new Progress('long histories', distinct, 'cases'),
      () => `${updates} updates  ${(updates / ((performance.now() - t0) / 1000)).toFixed(1)} updates/s`,
    ),
  );
  return { cases, seconds: (performance.now() - t0) / 1000 };
}

function fitOf(points: { x: number; y: number }[]): ReplayFigure['fit'] {
  const l = line(points);
  return l ? { msFixed: round1(l.intercept), msPerEvent: round2(l.slope) } : null;
}

async function replayFigure(
  client: Client,
  bundle: WorkflowBundleWithSourceMap,
  cases: LongCase[],
  replays: number,
  generation: { seconds: number },
): Promise<ReplayFigure> {
  const fetchProgress = new Progress('fetch histories', cases.length, 'histories');
  const histories = await pool(cases.length, 4, async (i) => {
    const c = cases[i]!;
    const history = await client.workflow.getHandle(c.workflowId).fetchHistory();
    return { ...c, history, events: history.events?.length ?? 0 };
  }, fetchProgress);
  const starts: number[] = [];
  const durations: number[] = [];
  const eventsOf: number[] = [];
  const failures: string[] = [];
  let nondeterminism = 0;
  let errors = 0;
  let events = 0;
  function* items() {
    for (let j = 0; j < replays; j++) {
      const h = histories[j % histories.length]!;
      starts[j] = performance.now();
      eventsOf[j] = h.events;
      events += h.events;
      yield { workflowId: `${h.workflowId}~replay-${j}`, history: h.history };
    }
  }
  const progress = new Progress('replay', replays, 'histories');
  const t0 = performance.now();
  let k = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'bench-footprint' }, items())) {
    durations.push(performance.now() - starts[k]!);
    if (r.error) {
      errors++;
      if (r.error instanceof DeterminismViolationError) nondeterminism++;
      if (failures.length < 5) failures.push(`${r.workflowId}: ${r.error.name}: ${r.error.message}`);
    }
    k++;
    progress.tick(k, `${(k / ((performance.now() - (starts[0] ?? t0)) / 1000)).toFixed(1)} histories/s`);
  }
  progress.stop();
  const end = performance.now();
  const replayS = (end - (starts[0] ?? t0)) / 1000;
  const typeRows = (['selectionPlan', 'listing'] as const).map((caseType) => {
    const hs = histories.filter((h) => h.caseType === caseType);
    return { caseType, histories: hs.length, events: stats3(hs.map((h) => h.events)), commands: stats3(hs.map((h) => h.commands)) };
  });
  return {
    distinct: histories.length,
    replayed: k,
    note: `the ${k} replays are ${histories.length} distinct histories replayed in cycle (each under its own workflow id), one Worker.runReplayHistories, one bundle`,
    eventsPerHistory: stats3(histories.map((h) => h.events)),
    byType: typeRows.filter((r) => r.histories > 0),
    generation: { seconds: round1(generation.seconds), updates: histories.reduce((a, h) => a + h.commands, 0) },
    workerStartS: round2(((starts[0] ?? t0) - t0) / 1000),
    replayS: round2(replayS),
    totalS: round2((end - t0) / 1000),
    historiesPerS: round1(k / replayS),
    eventsPerS: Math.round(events / replayS),
    msPerHistory: { p50: round1(percentile(durations, 50)), p95: round1(percentile(durations, 95)), max: round1(Math.max(...durations)) },
    fit: fitOf(durations.map((ms, j) => ({ x: eventsOf[j]!, y: ms }))),
    nondeterminism,
    otherFailures: errors - nondeterminism,
    failures,
  };
}

// ---------------------------------------------------------------------------
// 3. History lengths
// ---------------------------------------------------------------------------

async function historyLengths(client: Client, groups: { group: string; ids: string[] }[]): Promise<HistoryLengthRow[]> {
  const rows: HistoryLengthRow[] = [];
  for (const g of groups) {
    if (g.ids.length === 0) continue;
    const d = await pool(g.ids.length, 8, (i) => describeCase(client, g.ids[i]!));
    rows.push({
      group: g.group,
      workflowType: [...new Set(d.map((x) => x.workflowType))].join(','),
      cases: d.length,
      historyLength: stats3(d.map((x) => x.historyLength)),
      stateTransitions: stats3(d.map((x) => x.stateTransitions)),
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------
// 4. The store
// ---------------------------------------------------------------------------

const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v && typeof v === 'object' && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : null);

async function storeFigure(store: Store, groups: { group: string; ids: string[]; listingIds?: string[] }[]): Promise<StoreFigure> {
  const names = (await store.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const collections: CollectionStat[] = [];
  let source = 'collStats command';
  for (const name of names) {
    const count = await store.db.collection(name).countDocuments({});
    let raw: Record<string, unknown> | null = null;
    try {
      raw = (await store.db.command({ collStats: name })) as Record<string, unknown>;
    } catch {
      try {
        const [s] = await store.db.collection(name).aggregate([{ $collStats: { storageStats: {} } }]).toArray();
        raw = ((s as { storageStats?: Record<string, unknown> } | undefined)?.storageStats ?? null);
        source = '$collStats storageStats (collStats command refused)';
      } catch {
        raw = null;
      }
    }
    const field = (k: string) => (raw && k in raw ? num(raw[k]) : null);
    const indexSizesRaw = raw?.indexSizes as Record<string, unknown> | undefined;
    const indexSizes = indexSizesRaw ? Object.fromEntries(Object.entries(indexSizesRaw).map(([k, v]) => [k, num(v) ?? NaN])) : null;
    const stat: CollectionStat = {
      collection: name,
      count,
      sizeBytes: field('size'),
      avgObjBytes: field('avgObjSize'),
      storageBytes: field('storageSize'),
      nindexes: field('nindexes'),
      totalIndexBytes: field('totalIndexSize'),
      indexSizes,
      missing: [],
    };
    stat.missing = (['size', 'avgObjSize', 'storageSize', 'nindexes', 'totalIndexSize', 'indexSizes'] as const).filter((k) => !raw || !(k in raw));
    // Not returned by FerretDB v1: derived as size ÷ count (marked in the table).
    if (stat.avgObjBytes === null && stat.sizeBytes !== null && count > 0) stat.avgObjBytes = stat.sizeBytes / count;
    collections.push(stat);
  }
  let dbStats: Record<string, unknown> | null = null;
  try {
    const { ok: _ok, ...rest } = (await store.db.command({ dbStats: 1 })) as Record<string, unknown>;
    dbStats = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, num(v) ?? v]));
  } catch {
    dbStats = null;
  }
  const dbStatsMissing = ['collections', 'objects', 'dataSize', 'storageSize', 'indexes', 'indexSize', 'totalSize'].filter((k) => !dbStats || !(k in dbStats));
  let server = 'unknown';
  try {
    const info = (await store.db.admin().command({ buildInfo: 1 })) as Record<string, unknown>;
    const text = JSON.stringify(info);
    const ferret = /"ferretdbVersion"\s*:\s*"([^"]+)"/.exec(text) ?? /"(v?\d+\.\d+\.\d+[^"]*)"[^{}]*ferret/i.exec(text);
    const fv = ferret?.[1] && ferret[1] !== 'unknown' ? ferret[1] : '(buildInfo gives no version)';
    server = /ferret/i.test(text) ? `FerretDB ${fv}, MongoDB ${String(info.version)} wire` : `MongoDB ${String(info.version ?? '?')}`;
  } catch {
    /* keep unknown */
  }

  // Documents per case: counted by caseId (directoryChanges by listingId).
  const byCase = async (collection: string, key = '$caseId', match: Record<string, unknown> = {}) => {
    const m = new Map<string, number>();
    for (const r of await store.db.collection(collection).aggregate<{ _id: string; n: number }>([{ $match: match }, { $group: { _id: key, n: { $sum: 1 } } }]).toArray()) m.set(r._id, r.n);
    return m;
  };
  const counts = {
    audit: await byCase('audit'),
    'tasks (all)': await byCase('tasks'),
    'tasks (open)': await byCase('tasks', '$caseId', { active: true }),
    notifications: await byCase('notifications'),
    listings: await byCase('listings'),
    directoryChanges: await byCase('directoryChanges', '$listingId'),
  };
  const perCase: PerCaseRow[] = groups
    .filter((g) => g.ids.length > 0)
    .map((g) => {
      const perCaseRow: Record<string, number> = {};
      for (const [name, m] of Object.entries(counts)) {
        const keys = name === 'directoryChanges' ? (g.listingIds ?? []) : g.ids;
        perCaseRow[name] = round1(keys.reduce((a, id) => a + (m.get(id) ?? 0), 0) / g.ids.length);
      }
      return { group: g.group, cases: g.ids.length, perCase: perCaseRow };
    });
  // Every projection write is an upsert guarded by `{ _id, seq|lastSeq: { $lt } }`: is that an _id lookup?
  let guardPlan = 'explain refused';
  try {
    const one = await store.cases.findOne({}, { projection: { _id: 1, seq: 1 } });
    if (one) {
      const e = (await store.cases.find({ _id: one._id, seq: { $lt: one.seq + 1 } }).explain()) as Record<string, unknown>;
      const text = JSON.stringify(e);
      guardPlan =
        'filterPushdown' in e
          ? `FerretDB filterPushdown ${String(e.filterPushdown)}; SQLite plan ${JSON.stringify((e.queryPlanner as { Plan?: unknown } | undefined)?.Plan ?? '?')}`
          : `MongoDB winning plan stages ${[...text.matchAll(/"stage":"(\w+)"/g)].map((m) => m[1]).join(' > ') || '?'}`;
    }
  } catch {
    /* keep 'explain refused' */
  }
  return { database: store.db.databaseName, server, source, collections, dbStats, dbStatsMissing, perCase, guardPlan };
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

export async function runFootprintBench(opts: FootprintOptions): Promise<FootprintResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const machine = await machineInfo();
  const phaseSeconds: Record<string, number> = {};
  const phase = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const s = performance.now();
    try {
      return await f();
    } finally {
      phaseSeconds[name] = round1((performance.now() - s) / 1000);
    }
  };
  const tag = Date.now().toString(36);
  const dbName = `bench_fp_${tag}`;
  const cleanup: (() => Promise<unknown>)[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-footprint-'));
  cleanup.push(async () => rmSync(tmp, { recursive: true, force: true }));
  try {
    const connection = await Connection.connect({ address: opts.temporalAddress });
    cleanup.unshift(() => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE });
    const nativeConnection = await NativeConnection.connect({ address: opts.temporalAddress });
    cleanup.unshift(() => nativeConnection.close());
    const store = await connectStore(opts.mongodbUri, dbName);
    cleanup.unshift(() => store.client.close());
    cleanup.unshift(() => store.db.dropDatabase());
    let temporalServer = 'unknown';
    try {
      const sys = await connection.workflowService.getSystemInfo({});
      temporalServer = `Temporal server ${sys.serverVersion ?? '?'}`;
    } catch {
      /* keep unknown */
    }

    console.log('footprint: bundling workflows ...');
    const bundle = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
    const bundlePath = path.join(tmp, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);

    // Figure 2, long histories, first, while the database is small (FerretDB v1 scans whole collections for the
    // store's guarded upserts, so every write slows as collections grow): an in-process worker, then the replay.
    console.log(`long histories: ${opts.distinctHistories} distinct cases driven through many commands, then ${opts.longHistories} replays ...`);
    const generated = await phase('generate long histories', () => generateLongCases(client, nativeConnection, store, bundle, opts.distinctHistories, tag));
    const replay = await phase('replay', () => replayFigure(client, bundle, generated.cases, opts.longHistories, generated));

    // Figure 1, cached cases, in the worker child (the in-process worker has stopped).
    const cachedIds: string[] = [];
    // Terminated at the end: long-lived cases must not outlive the bench on a server that stays up.
    cleanup.unshift(async () => {
      if (cachedIds.length === 0) return;
      const progress = new Progress('terminate listings', cachedIds.length, 'cases');
      await pool(cachedIds.length, 16, (i) => client.workflow.getHandle(cachedIds[i]!).terminate('bench footprint finished').catch(() => undefined), progress);
    });
    const config: ChildConfig = {
      temporalAddress: opts.temporalAddress,
      namespace: NAMESPACE,
      mongodbUri: opts.mongodbUri,
      dbName,
      taskQueue: `bench-footprint-cached-${tag}`,
      bundlePath,
      maxCachedWorkflows: opts.cachedCases + 200,
    };
    const cached = await phase('cached cases', () => runCachedCases(client, config, opts.cachedCases, tag, cachedIds));

    // Figures 3 and 4: history lengths, the store.
    const sample = (ids: string[]) => ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / DESCRIBE_SAMPLE)) === 0).slice(0, DESCRIBE_SAMPLE);
    const notificationIds = (await store.notifications.find({ caseId: { $in: sample(cachedIds) } }, { projection: { _id: 1 } }).toArray()).slice(0, DESCRIBE_SAMPLE).map((n) => `notification:${n._id}`);
    const plans = generated.cases.filter((c) => c.caseType === 'selectionPlan').map((c) => c.workflowId);
    const longListings = generated.cases.filter((c) => c.caseType === 'listing').map((c) => c.workflowId);
    const cachedGroup = 'listing, cached (opened + 1 change)';
    const lengths = await phase('describe', () =>
      historyLengths(client, [
        { group: `${cachedGroup}, sample`, ids: sample(cachedIds) },
        { group: 'selectionPlan, long', ids: plans },
        { group: 'listing, long', ids: longListings },
        { group: 'deliverNotification (of cached listings), sample', ids: notificationIds },
      ]),
    );
    const listingIdOf = (caseId: string) => caseId.replace(/^listing:/, '');
    const storeStats = await phase('store stats', () =>
      storeFigure(store, [
        { group: cachedGroup, ids: cachedIds, listingIds: cachedIds.map(listingIdOf) },
        { group: 'selectionPlan, long', ids: plans },
        { group: 'listing, long', ids: longListings, listingIds: longListings.map(listingIdOf) },
      ]),
    );

    const threadKb = cached.slopeMbPerCase.workflowThreadHeap === null ? null : Math.round(cached.slopeMbPerCase.workflowThreadHeap * 1024);
    const caveats = [
      `A cached case costs ~${threadKb ?? '?'} kB of workflow-thread heap against ~${cached.caseStateKb.context.mean} kB of its own state (machine context as JSON): likely because the SDK's reusable V8 context gives every workflow its own instance of the bundle's modules (per-workflow module cache, @temporalio/worker lib/workflow/reusable-vm.js), i.e. all machines, schemas and rules of workflows/index.ts; not isolated by this bench.`,
      'RSS is the worker child\'s whole process (main thread, workflow thread, Rust core, the driver pool) after a forced full GC of the main and workflow isolates; RSS does not shrink when V8 or malloc keep freed pages, so the slope is approximate — the workflow-thread heap slope is the cleaner per-case figure for the sandbox, RSS the one for capacity planning.',
      `Cached cases are listings published today with one change each (history ~${lengths[0]?.historyLength.mean ?? '?'} events); a case with a longer run history holds more in the Rust core's cache.`,
      `Replay: ${replay.note}. Replay time does not depend on the store; it is CPU on this machine (load average ${machine.loadAvg.join('/')} at the start).`,
      'Store sizes are as the server reports them: FerretDB v1 (SQLite backend) reports its own table and index sizes, not WiredTiger\'s; run with MONGODB_URI naming a real mongod for MongoDB figures.',
      'The long histories are bounded by what the machines allow without waiting on time (no timer is skipped): a listing published last year catches up on last year\'s report schedule at start.',
    ];
    return {
      startedAt: startedAt.toISOString(),
      runtimeS: round1((performance.now() - t0) / 1000),
      phaseSeconds,
      options: opts,
      machine: { ...machine, loadAvgAfter: os.loadavg().map(round1) },
      temporal: { address: opts.temporalAddress, server: temporalServer },
      cached,
      replay,
      historyLengths: lengths,
      store: storeStats,
      caveats,
    };
  } finally {
    for (const f of cleanup) await f().catch((e: unknown) => console.error('footprint cleanup:', e));
  }
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

export function formatFootprint(r: FootprintResult): string {
  const out: string[] = [];
  const c = r.cached;
  out.push(`worker RSS per cached case — ${c.caseType} cases ${c.perCase}; worker in a child process, maxCachedWorkflows ${c.maxCachedWorkflows}, ${c.workflowThreads} workflow thread(s); readings after a forced full GC`);
  const rows: (string | number | null)[][] = [['point', 'listings open', 'cached wf', 'RSS MB', 'RssAnon MB', 'wf-thread heap MB', 'main heap MB', 'external MB', 'open s']];
  for (const p of c.points) rows.push([p.label, p.listingsOpen, p.cachedWorkflows, p.rssMb, p.rssAnonMb, p.workflowThreadHeapUsedMb, p.mainHeapUsedMb, p.externalMb, p.openSeconds]);
  out.push(table(rows));
  const perCase = (x: number | null) => (x === null ? '–' : `${round2(x * 1000)} kB`);
  out.push(
    `per cached case (least-squares slope from the warm-up on): RSS ${perCase(c.slopeMbPerCase.rss)}, RssAnon ${perCase(c.slopeMbPerCase.rssAnon)}, workflow-thread V8 heap ${perCase(c.slopeMbPerCase.workflowThreadHeap)}, main-thread heap ${perCase(c.slopeMbPerCase.mainHeap)}; opened at ${c.openRate} cases/s`,
  );
  out.push(`a cached case's own state, for comparison (JSON, ${c.caseStateKb.sample} cases): machine context ${fmt3(c.caseStateKb.context)} kB, whole case view ${fmt3(c.caseStateKb.view)} kB (min / mean / max)`);
  out.push('');

  const p = r.replay;
  out.push(`replay of ${p.replayed} long histories — ${p.note}`);
  const rrows: (string | number | null)[][] = [['case type', 'distinct histories', 'events min / mean / max', 'commands min / mean / max']];
  for (const t of p.byType) rrows.push([t.caseType, t.histories, fmt3(t.events), fmt3(t.commands)]);
  rrows.push(['all', p.distinct, fmt3(p.eventsPerHistory), '']);
  out.push(table(rrows));
  out.push(
    table([
      ['replays', 'total s', 'worker start s', 'replay s', 'histories/s', 'events/s', 'ms/history p50', 'p95', 'max', 'nondeterminism', 'other failures'],
      [p.replayed, p.totalS, p.workerStartS, p.replayS, p.historiesPerS, p.eventsPerS, p.msPerHistory.p50, p.msPerHistory.p95, p.msPerHistory.max, p.nondeterminism, p.otherFailures],
    ]),
  );
  if (p.fit) out.push(`ms per replayed history ≈ ${p.fit.msFixed} + ${p.fit.msPerEvent} × events (least squares over the ${p.replayed} replays)`);
  out.push(p.nondeterminism + p.otherFailures === 0 ? `all ${p.replayed} replayed without nondeterminism errors` : `FAILURES: ${p.failures.join(' | ')}`);
  out.push(`(generating the ${p.distinct} distinct histories took ${p.generation.seconds} s for ${p.generation.updates} Updates)`);
  out.push('');

  out.push('history lengths (describe: historyLength, stateTransitionCount), min / mean / max');
  const hrows: (string | number | null)[][] = [['cases', 'workflow type', 'n', 'history events', 'state transitions']];
  for (const h of r.historyLengths) hrows.push([h.group, h.workflowType, h.cases, fmt3(h.historyLength), fmt3(h.stateTransitions)]);
  out.push(table(hrows));
  out.push('');

  const s = r.store;
  out.push(`store: database ${s.database} on ${s.server}, sizes from ${s.source} (kB; "–" = not returned by the server)`);
  const srows: (string | number | null)[][] = [['collection', 'docs', 'size kB', 'avg obj B', 'storage kB', 'indexes', 'index total kB', 'per index kB']];
  const sorted = [...s.collections].sort((a, b) => b.count - a.count || a.collection.localeCompare(b.collection));
  for (const x of sorted.filter((y) => y.count > 0)) {
    srows.push([
      x.collection,
      x.count,
      kb(x.sizeBytes),
      x.avgObjBytes === null ? null : Math.round(x.avgObjBytes),
      kb(x.storageBytes),
      x.nindexes,
      kb(x.totalIndexBytes),
      x.indexSizes ? Object.entries(x.indexSizes).map(([k, v]) => `${k}=${kb(v)}`).join(' ') : null,
    ]);
  }
  out.push(table(srows));
  const empty = sorted.filter((y) => y.count === 0);
  if (empty.length) out.push(`empty collections (indexes only): ${empty.map((y) => `${y.collection}${y.totalIndexBytes === null ? '' : ` ${kb(y.totalIndexBytes)} kB`}`).join(', ')}`);
  const missing = [...new Set(s.collections.flatMap((x) => x.missing))];
  if (missing.length) out.push(`collStats fields not returned: ${missing.join(', ')}${missing.includes('avgObjSize') ? ' (avg obj B derived as size ÷ docs)' : ''}`);
  if (s.dbStats) {
    const d = s.dbStats;
    const f = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : null);
    out.push(
      `dbStats: collections ${f('collections') ?? '–'}, objects ${f('objects') ?? '–'}, dataSize ${kb(f('dataSize')) ?? '–'} kB, storageSize ${kb(f('storageSize')) ?? '–'} kB, indexes ${f('indexes') ?? '–'}, indexSize ${kb(f('indexSize')) ?? '–'} kB, totalSize ${kb(f('totalSize')) ?? '–'} kB` +
        (s.dbStatsMissing.length ? ` (not returned: ${s.dbStatsMissing.join(', ')})` : ''),
    );
  } else out.push('dbStats: refused by the server');
  out.push(`plan of the projection writes' guarded filter { _id, seq: { $lt } } on cases: ${s.guardPlan}`);
  const cols = Object.keys(s.perCase[0]?.perCase ?? {});
  const prows: (string | number | null)[][] = [['documents per case', 'cases', ...cols]];
  for (const g of s.perCase) prows.push([g.group, g.cases, ...cols.map((k) => g.perCase[k] ?? null)]);
  out.push(table(prows));
  out.push('');
  out.push(`phases (s): ${Object.entries(r.phaseSeconds).map(([k, v]) => `${k} ${v}`).join(', ')}; total ${r.runtimeS} s`);
  out.push(`machine: ${r.machine.cpus} × ${r.machine.model ?? '?'}, ${r.machine.totalMemMb} MB, node ${r.machine.node}; load average before ${r.machine.loadAvg.join('/')}, after ${r.machine.loadAvgAfter.join('/')}; ${r.temporal.server}`);
  out.push('caveats:');
  for (const cv of r.caveats) out.push(`- ${cv}`);
  return out.join('\n');
}


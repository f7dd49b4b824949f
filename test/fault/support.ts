/**
 * What the fault-injection tests of issue 7 (test/fault/*.test.ts) and their long variants
 * (bench/faults.ts) share: the real worker as a child process (./worker-process.ts), the case driver,
 * the unfaulted reference, convergence, the tally and the summary line. No test framework in here: the
 * tests assert on the report, the bench prints it.
 *
 * A run: `cases` selection plans (national and province:44 alternating), each started at a seeded
 * random moment within `spreadMs` and driven through SUBMIT (officer) and APPROVE (leader) as a client
 * would: the start and every Update are retried until they get an answer, each Update always with the
 * same update id, so a command sent while the worker, Temporal or the store is down is applied once when
 * it is back. Meanwhile `inject` injects the faults. Then every case must end exactly as a clean
 * reference case of its organiser (same status and seq, audit seq 1..n with no gap or repeat and hashes
 * chained, same open and closed tasks, same number of outbox documents), its workflow running with no
 * failed workflow task, and, over the run: running case workflows = projections = cases, open inbox tasks
 * and outbox documents as the references have them, one delivery workflow per outbox document.
 *
 * lost = audit entries, outbox documents or tasks a case has fewer of than its reference;
 * duplicated = repeated audit seqs, extra steps, outbox documents or tasks beyond the reference, and
 * outbox documents with more than one delivery. The drain is the time from the end of the last outage
 * (a fault that makes something unreachable for a while) until every case has converged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { MongoClient, type Db } from 'mongodb';
import type { Principal } from '../../rules/actors.js';
import { workflowsPath } from '../../worker/worker.js';
import { commandUpdate, selectionPlanWorkflow } from '../../workflows/index.js';
import { draft } from '../fixtures/selectionPlan.js';
import { gdLeader, gdOfficer, natLeader, natOfficer } from '../fixtures/principals.js';
import { prng } from '../support/prng.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
/** PENDING_ACTIVITY_STATE_STARTED in temporal.api.enums.v1.PendingActivityState. */
const ACTIVITY_STARTED = 2;
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// Fault schedules and command pacing are the same every run.
export { prng };

/** A whole number of ms, uniform in [min, max]. */
export const between = (rand: () => number, min: number, max: number) => min + Math.floor(rand() * (max - min + 1));

export function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with \`npm test\` (scripts/dev-services.mjs starts the servers)`);
  return v;
}

export async function pollUntil<T>(fn: () => Promise<T | undefined>, timeoutMs: number, explain?: () => Promise<string>, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined); // a poll that fails (a server restarting) is a poll that did not converge
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`not converged in ${timeoutMs} ms${explain ? `: ${await explain()}` : ''}`);
    await sleep(everyMs);
  }
}

/** Every source a workflow bundle can include (a superset: a change anywhere here makes a new bundle). */
function bundleKey(modulePath: string): string {
  const h = createHash('sha256').update(path.relative(ROOT, modulePath));
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|json)$/.test(e.name)) h.update(path.relative(ROOT, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  for (const dir of ['workflows', 'machines', 'rules', 'activities', 'store', 'test/replay/fixtures', 'test/fault/fixtures']) walk(path.join(ROOT, dir));
  h.update(readFileSync(path.join(ROOT, 'package-lock.json')));
  return h.digest('hex').slice(0, 16);
}

/**
 * Bundles a workflows module (today's code, or a fixture) into a file a worker child can load, and
 * returns its path. Bundling takes 10–30 s on a loaded 2-core machine, so bundles are kept in
 * `.cache/fault-bundles/`, keyed by a hash of every source they can include (the newest 8 are kept).
 */
export async function workflowBundleFile(modulePath = workflowsPath): Promise<string> {
  const dir = path.join(ROOT, '.cache', 'fault-bundles');
  const file = path.join(dir, `${bundleKey(modulePath)}.js`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const bundle = await bundleWorkflowCode({ workflowsPath: modulePath, logger: quiet });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bundle.code);
  renameSync(tmp, file);
  const old = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => ({ f, t: statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t).slice(8);
  for (const { f } of old) rmSync(path.join(dir, f), { force: true });
  return file;
}

export type Organiser = 'national' | 'province:44';
export const principals: Record<Organiser, { officer: Principal; leader: Principal }> = {
  national: { officer: natOfficer, leader: natLeader },
  'province:44': { officer: gdOfficer, leader: gdLeader },
};
const ORGANISERS: Organiser[] = ['national', 'province:44'];

export interface Outcome {
  status: string;
  seq: number;
  auditSeqs: number[];
  chained: boolean;
  openTasks: string[];
  allTasks: string[];
  notifications: number;
  workflowStatus: string;
  workflowTasksFailed: number;
}

export interface WorkerProcess {
  child: ChildProcess;
  identity: string;
}

export interface HarnessOptions {
  /** Names the task queue and the database. */
  name: string;
  temporalAddress: string;
  /** The store as the harness reads it (directly). */
  storeUri: string;
  /** The store as the worker child reaches it, e.g. through a proxy; default `storeUri`. */
  workerStoreUri?: string;
}

/** An outage: something the worker needs was unreachable from `from` to `to` (epoch ms). */
export interface Outage {
  from: number;
  to: number;
}

export interface FaultContext {
  harness: FaultHarness;
  rand: () => number;
  /** The run's cases started so far. */
  handles: WorkflowHandle[];
  /** Counts injected faults (one by default); with an outage window, the drain is measured from its end. */
  injected(outage?: Outage, count?: number): void;
}

/** The steps of a case's drive. */
export type Step = 'start' | 'SUBMIT' | 'APPROVE';

export interface RunSpec {
  /** The name on the summary line. */
  fault: string;
  /** How the faults are called on the summary line, e.g. "worker SIGKILLs". */
  faultNoun: string;
  cases: number;
  seed: number;
  /** Case starts are spread uniformly over [0, spreadMs]. */
  spreadMs: number;
  /** For the whole run: driving plus convergence. */
  timeoutMs: number;
  inject(ctx: FaultContext): Promise<void>;
  /** Whether the drain after the last outage must stay within twice that outage (issue 7's criterion). */
  drainLimited?: boolean;
  /**
   * Send a case's first command only once its projection is in the store, as through the API (a command
   * route reads the case first, 404 before). Without it the first command races the opening step: the
   * host queues it, which is a harder test of the host, but a workflow that registers its handlers late
   * (after an await) refuses it.
   */
  commandsAfterProjection?: boolean;
  /** Awaited by case `index` before it starts and before each command: holds cases back for a fault. */
  gate?(index: number, step: Step): Promise<void>;
  /** Called about every second with how far the run is. */
  progress?(p: { driven: number; cases: number; faults: number; phase: 'driving' | 'converging' }): void;
}

export interface Counts {
  /** Case workflows of the run that are running (a selection plan waits for its notice). */
  workflows: number;
  /** Case projections (`cases`) of the run. */
  projections: number;
  /** Open inbox tasks of the run's cases. */
  inbox: number;
  /** Outbox documents of the run's cases. */
  outbox: number;
  /** Delivery workflows of those documents. */
  deliveries: number;
}

export interface CaseResult {
  id: string;
  organiser: Organiser;
  /** When the workflow was started (epoch ms). */
  startedAt: number;
  outcome: Outcome;
  /** Workflow tasks that timed out (not failed): lost in a crash, too slow, or on a sticky queue nobody polled. */
  workflowTaskTimeouts: number;
  /** Activity attempts that were retries (from each activity's last attempt number). */
  activityRetries: number;
}

export interface FaultReport {
  fault: string;
  faultNoun: string;
  cases: number;
  faults: number;
  lost: number;
  duplicated: number;
  /** Cases whose outcome differs from their reference in any way. */
  mismatches: { id: string; got: Outcome; want: Outcome }[];
  /** Starts or commands that never got an answer (or were rejected). */
  driveErrors: string[];
  counts: Counts;
  expected: Counts;
  failedWorkflowTasks: number;
  /** The longest outage and the drain after the last one (ms); 0 when the fault has none. */
  outageMs: number;
  drainMs: number;
  drainLimited: boolean;
  outages: Outage[];
  elapsedMs: number;
  updateRetries: number;
  strandedFailed: number;
  /** Worker children that exited without being stopped. */
  workerCrashes: number;
  results: CaseResult[];
  reference: Record<Organiser, Outcome>;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The line issue 7 asks for, one per fault: cases, faults injected, lost, duplicated (then the rest). */
export function summaryLine(r: FaultReport): string {
  const c = r.counts;
  const limit = r.drainLimited ? ` (limit ${secs(2 * r.outageMs)})` : ' (not limited)';
  const drain = r.outageMs > 0 ? `, drain ${secs(r.drainMs)} after an outage of ${secs(r.outageMs)}${limit}` : '';
  return (
    `${r.fault}: cases ${r.cases}, faults injected ${r.faults} (${r.faultNoun}), lost ${r.lost}, duplicated ${r.duplicated}${drain}` +
    ` (workflows ${c.workflows} = projections ${c.projections}, inbox ${c.inbox}, outbox ${c.outbox} = deliveries ${c.deliveries};` +
    ` mismatched cases ${r.mismatches.length}, failed workflow tasks ${r.failedWorkflowTasks}` +
    ` (timed out ${r.results.reduce((n, c) => n + c.workflowTaskTimeouts, 0)}), activity attempts retried ${r.results.reduce((n, c) => n + c.activityRetries, 0)},` +
    ` drive errors ${r.driveErrors.length},` +
    ` update retries ${r.updateRetries}, stranded activity attempts failed ${r.strandedFailed}, worker crashes ${r.workerCrashes}; ${secs(r.elapsedMs)})`
  );
}

/** Whether a report meets issue 7's pass criteria (the tests assert the parts one by one, for their messages). */
export function passed(r: FaultReport): boolean {
  const c = r.counts;
  const e = r.expected;
  return (
    r.lost === 0 && r.duplicated === 0 && r.mismatches.length === 0 && r.driveErrors.length === 0 && r.failedWorkflowTasks === 0 &&
    r.workerCrashes === 0 && c.workflows === e.workflows && c.projections === e.projections && c.inbox === e.inbox &&
    c.outbox === e.outbox && c.deliveries === e.deliveries && (!r.drainLimited || r.drainMs <= 2 * r.outageMs)
  );
}

/**
 * One task queue, one database and one worker child (restarted at will) on a given Temporal and store;
 * `run` drives a fault run on them. `close` kills the worker, ends what is still running on the task
 * queue (when Temporal is there) and drops the database.
 */
export class FaultHarness {
  readonly tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  readonly taskQueue: string;
  readonly dbName: string;
  /** Today's workflow code, bundled. */
  bundlePath!: string;
  client!: Client;
  connection!: Connection;
  mongo!: MongoClient;
  db!: Db;
  worker: WorkerProcess | undefined;
  updateRetries = 0;
  strandedFailed = 0;
  workerCrashes = 0;
  private workerCount = 0;
  private runCount = 0;
  private stderrTail = '';
  private stopping = new Set<ChildProcess>();
  private reference: Record<Organiser, Outcome> | undefined;

  private constructor(readonly options: HarnessOptions) {
    const safe = options.name.replace(/[^a-z0-9]+/gi, '_');
    this.taskQueue = `tq-fault-${safe}-${this.tag}`;
    this.dbName = `test_fault_${safe}_${this.tag}`;
  }

  static async open(options: HarnessOptions): Promise<FaultHarness> {
    const h = new FaultHarness(options);
    h.bundlePath = await workflowBundleFile();
    // A read that hangs (an overloaded store) fails after a minute, so polls reach their own deadlines.
    h.mongo = new MongoClient(options.storeUri, { serverSelectionTimeoutMS: 10_000, socketTimeoutMS: 60_000 });
    await h.mongo.connect();
    h.db = h.mongo.db(h.dbName);
    h.connection = await Connection.connect({ address: options.temporalAddress });
    h.client = new Client({ connection: h.connection });
    return h;
  }

  async close({ terminate = true } = {}): Promise<void> {
    if (this.worker) await this.stopWorker('SIGKILL');
    if (terminate) {
      // Nothing left running on this task queue (case and delivery workflows), then the database.
      try {
        for await (const w of this.client.workflow.list({ query: `TaskQueue="${this.taskQueue}" AND ExecutionStatus="Running"` })) {
          await this.client.workflow.getHandle(w.workflowId).terminate('fault test finished').catch(() => undefined);
        }
      } catch {
        /* best effort */
      }
    }
    await this.connection?.close().catch(() => undefined);
    await this.db?.dropDatabase().catch(() => undefined);
    await this.mongo?.close().catch(() => undefined);
  }

  /** Starts the worker child (this harness has one at a time); resolves once it polls. */
  async startWorker({ bundlePath = this.bundlePath } = {}): Promise<WorkerProcess> {
    if (this.worker) throw new Error('a worker is running already');
    const identity = `fault-worker-${++this.workerCount}-${this.tag}`;
    const c = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        TEMPORAL_ADDRESS: this.options.temporalAddress,
        TEMPORAL_TASK_QUEUE: this.taskQueue,
        MONGODB_URI: this.options.workerStoreUri ?? this.options.storeUri,
        MONGODB_DB: this.dbName,
        WORKFLOW_BUNDLE: bundlePath,
        WORKER_IDENTITY: identity,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    c.stderr!.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
    });
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`worker ${identity} not ready in 60 s:\n${this.stderrTail}`)), 60_000);
      c.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          clearTimeout(timeout);
          resolve();
        }
      });
      c.once('exit', (code, signal) => {
        clearTimeout(timeout);
        reject(new Error(`worker ${identity} exited before ready (${code ?? signal}):\n${this.stderrTail}`));
      });
    });
    c.once('exit', () => {
      if (!this.stopping.has(c)) this.workerCrashes += 1;
    });
    this.worker = { child: c, identity };
    return this.worker;
  }

  /** Stops the worker child: SIGKILL (a crash) or SIGTERM (a deploy: it drains, SIGKILL after 20 s). */
  async stopWorker(signal: 'SIGKILL' | 'SIGTERM'): Promise<WorkerProcess | undefined> {
    const w = this.worker;
    if (!w) return undefined;
    this.worker = undefined;
    const c = w.child;
    if (c.exitCode !== null || c.signalCode !== null) return w;
    this.stopping.add(c);
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    const timer = signal === 'SIGTERM' ? setTimeout(() => c.kill('SIGKILL'), 20_000) : undefined;
    await exited;
    clearTimeout(timer);
    return w;
  }

  /**
   * Fails the activity attempts stranded by a fault, so they are retried at once by their retry policy
   * instead of after their start-to-close timeout (30 s): no activity heartbeats,
   * so only that timeout would notice. What a heartbeat timeout would do. Stranded: started on a worker
   * that was then killed (`identity`), or started before Temporal crashed (`startedBefore`, epoch ms),
   * whose task or completion the crash may have lost. The attempt may have done its writes already: the
   * retry's idempotence is what is under test.
   */
  async failStrandedActivities(handles: WorkflowHandle[], stranded: { identity?: string; startedBefore?: number }): Promise<number> {
    let failed = 0;
    const isStranded = (a: { lastWorkerIdentity?: string | null; lastStartedTime?: { seconds?: unknown; nanos?: number | null } | null }) =>
      (stranded.identity === undefined || a.lastWorkerIdentity === stranded.identity) &&
      (stranded.startedBefore === undefined || Number(a.lastStartedTime?.seconds ?? 0) * 1000 + (a.lastStartedTime?.nanos ?? 0) / 1e6 < stranded.startedBefore);
    await Promise.all(
      handles.map(async (h) => {
        const d = await h.describe().catch(() => undefined);
        for (const a of d?.raw.pendingActivities ?? []) {
          if (a.state !== ACTIVITY_STARTED || !isStranded(a)) continue;
          await this.client.activity
            .fail({ workflowId: h.workflowId, runId: d!.runId, activityId: a.activityId! }, new Error('stranded by a fault'))
            .then(() => (failed += 1), () => undefined); // already completed or timed out: nothing to do
        }
      }),
    );
    this.strandedFailed += failed;
    return failed;
  }

  /** A command as a real client sends it: the same update id on every attempt, retried with backoff until answered. */
  async send(h: WorkflowHandle, type: string, payload: Record<string, unknown>, actor: Principal, deadline: number) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await h.executeUpdate(commandUpdate, { args: [{ type, payload, actor }], updateId: `${h.workflowId}/${type}` });
      } catch (e) {
        if (e instanceof WorkflowUpdateFailedError || Date.now() > deadline) throw e; // a rejection is a real failure
        this.updateRetries += 1;
        await sleep(Math.min(100 * 2 ** attempt, 2000));
      }
    }
  }

  /** Starts a selection plan, retried until Temporal answers; "already started" means an earlier attempt got through. */
  async startPlan(id: string, organiser: Organiser, deadline: number): Promise<WorkflowHandle<typeof selectionPlanWorkflow>> {
    const workflowId = `selection-plan:${organiser}:fault-${this.tag}-${id}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.client.workflow.start(selectionPlanWorkflow, {
          workflowId,
          taskQueue: this.taskQueue,
          args: [{ input: { kind: organiser === 'national' ? 'evaluation' : 'training', organiser, draft, createdBy: principals[organiser].officer } }],
        });
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) return this.client.workflow.getHandle(workflowId);
        if (Date.now() > deadline) throw e;
        this.updateRetries += 1;
        await sleep(Math.min(100 * 2 ** attempt, 2000));
      }
    }
  }

  async outcome(h: WorkflowHandle): Promise<Outcome> {
    return (await this.observe(h)).outcome;
  }

  /**
   * A case's outcome; the workflow tasks that timed out on its way (lost in a crash, not done within
   * 10 s, or on a sticky queue nobody polled); the activity attempts that were retries.
   */
  private async observe(h: WorkflowHandle): Promise<{ outcome: Outcome; workflowTaskTimeouts: number; activityRetries: number }> {
    const caseId = h.workflowId;
    const [doc, audit, tasks, notifications, description, history] = await Promise.all([
      this.db.collection<{ _id: string; seq: number; status: { code: string } }>('cases').findOne({ _id: caseId }),
      this.db.collection<{ seq: number; prevHash: string; hash: string }>('audit').find({ caseId }).sort({ seq: 1 }).toArray(),
      this.db.collection<{ _id: string; key: string; active: boolean }>('tasks').find({ caseId }).toArray(),
      this.db.collection('notifications').countDocuments({ caseId }),
      h.describe(),
      h.fetchHistory(),
    ]);
    const events = history.events ?? [];
    const outcome: Outcome = {
      status: doc?.status.code ?? '(none)',
      seq: doc?.seq ?? 0,
      auditSeqs: audit.map((a) => a.seq),
      chained: audit.every((a, i) => i === 0 || a.prevHash === audit[i - 1]!.hash),
      openTasks: tasks.filter((t) => t.active).map((t) => t.key).sort(),
      allTasks: tasks.map((t) => t.key).sort(),
      notifications,
      workflowStatus: description.status.name,
      workflowTasksFailed: events.filter((e) => e.workflowTaskFailedEventAttributes).length,
    };
    return {
      outcome,
      workflowTaskTimeouts: events.filter((e) => e.workflowTaskTimedOutEventAttributes).length,
      activityRetries: events.reduce((n, e) => n + Math.max(0, (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1), 0),
    };
  }

  /** One clean case per organiser, no faults (a worker must be running); computed once per harness. */
  async references(): Promise<Record<Organiser, Outcome>> {
    if (this.reference) return this.reference;
    const deadline = Date.now() + 60_000;
    const handles = await Promise.all(ORGANISERS.map((o) => this.drive({ id: `ref-${o}`, organiser: o, startAfter: 0, approveAfter: 0 }, deadline)));
    // Outbox writes follow the projection; give a clean case a moment so its count is final.
    await this.convergence(handles.map((h, i) => ({ h, organiser: ORGANISERS[i]! })), undefined, 30_000);
    await sleep(500);
    const outcomes = await Promise.all(handles.map((h) => this.outcome(h)));
    this.reference = { national: outcomes[0]!, 'province:44': outcomes[1]! };
    return this.reference;
  }

  private async drive(
    p: { id: string; organiser: Organiser; startAfter: number; approveAfter: number },
    deadline: number,
    o: { onStart?: (h: WorkflowHandle) => void; afterProjection?: boolean; gate?: (step: Step) => Promise<void> } = {},
  ) {
    await sleep(p.startAfter);
    await o.gate?.('start');
    const h = await this.startPlan(p.id, p.organiser, deadline);
    o.onStart?.(h);
    if (o.afterProjection) {
      await pollUntil(async () => ((await this.db.collection('cases').countDocuments({ _id: h.workflowId } as never)) > 0 ? true : undefined), deadline - Date.now(), undefined, 200);
    }
    await o.gate?.('SUBMIT');
    await this.send(h, 'SUBMIT', {}, principals[p.organiser].officer, deadline);
    await sleep(p.approveAfter);
    await o.gate?.('APPROVE');
    await this.send(h, 'APPROVE', { comments: 'Agreed.' }, principals[p.organiser].leader, deadline);
    return h;
  }

  /**
   * Waits until every case's projection, audit, open tasks and outbox have what its reference has (the
   * reference's, or without one, an approved case with a full audit chain and an outbox); cheap bulk
   * reads of the store, so hundreds of cases can be polled. Resolves with the moment it saw that.
   */
  private async convergence(cases: { h: WorkflowHandle; organiser: Organiser }[], reference: Record<Organiser, Outcome> | undefined, timeoutMs: number): Promise<number> {
    const ids = cases.map((c) => c.h.workflowId);
    const counts = async (collection: string, filter: Record<string, unknown>) => {
      const m = new Map<string, number>();
      for (const d of await this.db.collection<{ caseId: string }>(collection).find({ caseId: { $in: ids }, ...filter }, { projection: { caseId: 1 } }).toArray()) {
        m.set(d.caseId, (m.get(d.caseId) ?? 0) + 1);
      }
      return m;
    };
    const state = async () => {
      const [docs, audit, open, outbox] = await Promise.all([
        this.db.collection<{ _id: string; seq: number; status: { code: string } }>('cases').find({ _id: { $in: ids } }, { projection: { seq: 1, status: 1 } }).toArray(),
        counts('audit', {}),
        counts('tasks', { active: true }),
        counts('notifications', {}),
      ]);
      const byId = new Map(docs.map((d) => [d._id, d]));
      return cases.map(({ h, organiser }) => {
        const ref = reference?.[organiser];
        const d = byId.get(h.workflowId);
        const o = { status: d?.status.code ?? '(none)', seq: d?.seq ?? 0, audit: audit.get(h.workflowId) ?? 0, open: open.get(h.workflowId) ?? 0, outbox: outbox.get(h.workflowId) ?? 0 };
        const settled = ref
          ? o.status === ref.status && o.seq >= ref.seq && o.audit >= ref.seq && o.open >= ref.openTasks.length && o.outbox >= ref.notifications
          : o.status === 'approved' && o.seq > 0 && o.audit >= o.seq && o.outbox > 0;
        return { id: h.workflowId, settled, ...o };
      });
    };
    await pollUntil(async () => ((await state()).every((s) => s.settled) ? true : undefined), timeoutMs, async () => {
      const s = await state().catch((e: Error) => [{ error: e.message }]);
      const unsettled = s.filter((x) => !('settled' in x) || !x.settled).slice(0, 10);
      // What each is waiting on: its pending activities (type, state, attempt, last failure).
      const pending = await Promise.all(
        unsettled.map(async (x) => {
          if (!('id' in x)) return x;
          const d = await this.client.workflow.getHandle(x.id).describe().catch(() => undefined);
          const activities = (d?.raw.pendingActivities ?? []).map((a) => ({
            type: a.activityType?.name,
            state: a.state,
            attempt: a.attempt,
            lastFailure: a.lastFailure?.message,
            lastStarted: a.lastStartedTime?.seconds ? new Date(Number(a.lastStartedTime.seconds) * 1000).toISOString().slice(11, 19) : undefined,
          }));
          const trace =
            process.env.FAULT_TRACE === '1'
              ? ((await this.client.workflow.getHandle(x.id).fetchHistory()).events ?? []).map((e) => {
                  const k = Object.keys(e).find((key) => key.endsWith('EventAttributes'))?.replace(/EventAttributes$/, '') ?? '?';
                  return `${k}${e.activityTaskScheduledEventAttributes ? `(${e.activityTaskScheduledEventAttributes.activityType?.name})` : ''}${e.activityTaskFailedEventAttributes ? `(${e.activityTaskFailedEventAttributes.failure?.message})` : ''}`;
                })
              : undefined;
          return { ...x, workflow: d?.status.name, historyLength: d?.historyLength, pendingActivities: activities, trace };
        }),
      );
      return JSON.stringify(pending);
    }, cases.length > 50 ? 1000 : 250);
    return Date.now();
  }

  /** What the run's cases add up to: running workflows, projections, open inbox tasks, outbox, deliveries. */
  private async counts(ids: string[]): Promise<{ counts: Counts; deliveriesPerDocument: Map<string, number> }> {
    const idSet = new Set(ids);
    const [projections, inbox, outboxDocs] = await Promise.all([
      this.db.collection('cases').countDocuments({ _id: { $in: ids } } as never),
      this.db.collection('tasks').countDocuments({ caseId: { $in: ids }, active: true }),
      this.db.collection<{ _id: string }>('notifications').find({ caseId: { $in: ids } }, { projection: { _id: 1 } }).toArray(),
    ]);
    let workflows = 0;
    const deliveriesPerDocument = new Map<string, number>(outboxDocs.map((d) => [d._id, 0]));
    for await (const w of this.client.workflow.list({ query: `TaskQueue="${this.taskQueue}"` })) {
      if (idSet.has(w.workflowId) && w.status.name === 'RUNNING') workflows += 1;
      const doc = w.workflowId.startsWith('notification:') ? w.workflowId.slice('notification:'.length) : undefined;
      if (doc !== undefined && deliveriesPerDocument.has(doc)) deliveriesPerDocument.set(doc, deliveriesPerDocument.get(doc)! + 1);
    }
    const deliveries = [...deliveriesPerDocument.values()].filter((n) => n > 0).length;
    return { counts: { workflows, projections, inbox, outbox: outboxDocs.length, deliveries }, deliveriesPerDocument };
  }

  /**
   * Where a run's time went: the longest waits between consecutive history events of its cases (e.g. a
   * workflow task that timed out after a crash, an activity retry after an outage), longest first. For
   * reading a slow drain; FAULT_TRACE=1 makes the tests print them.
   */
  async longestWaits(ids: string[], top = 15): Promise<string[]> {
    const at = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
    const kind = (e: object) => Object.keys(e).find((k) => k.endsWith('EventAttributes'))?.replace(/EventAttributes$/, '') ?? '?';
    const waits: { ms: number; line: string }[] = [];
    for (const id of ids) {
      const events = (await this.client.workflow.getHandle(id).fetchHistory()).events ?? [];
      events.slice(1).forEach((e, i) => {
        const prev = events[i]!;
        const ms = at(e.eventTime) - at(prev.eventTime);
        const detail = e.workflowTaskTimedOutEventAttributes?.timeoutType ?? e.activityTaskTimedOutEventAttributes?.failure?.message ?? '';
        waits.push({ ms, line: `${(ms / 1000).toFixed(1)} s at ${new Date(at(prev.eventTime)).toISOString().slice(11, 23)} ${id}: ${kind(prev)} → ${kind(e)} ${detail}`.trimEnd() });
      });
    }
    return waits.sort((a, b) => b.ms - a.ms).slice(0, top).map((w) => w.line);
  }

  /** One fault run (see the header); a worker must be running when it starts. */
  async run(spec: RunSpec): Promise<FaultReport> {
    const started = Date.now();
    const reference = await this.references();
    const run = ++this.runCount;
    const rand = prng(spec.seed);
    const plans = Array.from({ length: spec.cases }, (_, i) => ({
      id: `r${run}-c${i}`,
      organiser: ORGANISERS[i % 2]!,
      startAfter: between(rand, 0, spec.spreadMs),
      approveAfter: between(rand, 0, 800),
    }));
    const deadline = started + spec.timeoutMs;
    const handles: WorkflowHandle[] = [];
    const startedAt = new Map<string, number>();
    const outages: Outage[] = [];
    let faults = 0;
    let driven = 0;
    const retriesBefore = this.updateRetries;
    const strandedBefore = this.strandedFailed;
    const crashesBefore = this.workerCrashes;
    const driveErrors: string[] = [];
    let phase: 'driving' | 'converging' = 'driving';
    const ticker = spec.progress ? setInterval(() => spec.progress!({ driven, cases: spec.cases, faults, phase }), 1000) : undefined;

    try {
      const ctx: FaultContext = {
        harness: this,
        rand: prng(spec.seed ^ 0x9e3779b9),
        handles,
        injected: (outage, count = 1) => {
          faults += count;
          if (outage) outages.push(outage);
        },
      };
      // A drive that gets no answer by the deadline fails (an Update's long poll may otherwise wait on).
      const byDeadline = <T>(work: Promise<T>) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no answer by the run's deadline")), Math.max(0, deadline - Date.now()))));
        return Promise.race([work, late]).finally(() => clearTimeout(timer));
      };
      const drives = plans.map((p, i) =>
        byDeadline(this.drive(p, deadline, {
          onStart: (h) => {
            handles.push(h);
            startedAt.set(h.workflowId, Date.now());
          },
          afterProjection: spec.commandsAfterProjection,
          gate: spec.gate && ((step) => spec.gate!(i, step)),
        })).then(
          () => void (driven += 1),
          (e: Error) => void driveErrors.push(`${p.id}: ${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}`),
        ),
      );
      const injecting = spec.inject(ctx);
      await Promise.all([injecting, ...drives]);
      phase = 'converging';
      const cases = plans.map((p) => ({ h: this.client.workflow.getHandle(`selection-plan:${p.organiser}:fault-${this.tag}-${p.id}`), organiser: p.organiser }));
      const convergedAt = await this.convergence(cases, reference, Math.max(10_000, deadline - Date.now())).catch((e: Error) => {
        driveErrors.push(e.message);
        return Date.now();
      });
      await sleep(500); // a duplicate write, if any, would land now
      const results: CaseResult[] = await Promise.all(
        cases.map(async ({ h, organiser }) => ({ id: h.workflowId, organiser, startedAt: startedAt.get(h.workflowId) ?? 0, ...(await this.observe(h)) })),
      );
      let lost = 0;
      let duplicated = 0;
      const mismatches: FaultReport['mismatches'] = [];
      for (const { id, organiser, outcome: o } of results) {
        const ref = reference[organiser];
        const uniqueSeqs = new Set(o.auditSeqs).size;
        lost += Math.max(0, ref.seq - uniqueSeqs) + Math.max(0, ref.notifications - o.notifications) + Math.max(0, ref.allTasks.length - o.allTasks.length);
        duplicated += o.auditSeqs.length - uniqueSeqs + Math.max(0, uniqueSeqs - ref.seq) + Math.max(0, o.notifications - ref.notifications) + Math.max(0, o.allTasks.length - ref.allTasks.length);
        const want = { ...ref, auditSeqs: Array.from({ length: ref.seq }, (_, j) => j + 1) };
        if (JSON.stringify(o) !== JSON.stringify(want)) mismatches.push({ id, got: o, want });
      }
      // Counts from visibility are eventually consistent: wait (briefly) for the deliveries to show.
      const expected: Counts = {
        workflows: spec.cases,
        projections: spec.cases,
        inbox: results.reduce((n, r) => n + reference[r.organiser].openTasks.length, 0),
        outbox: results.reduce((n, r) => n + reference[r.organiser].notifications, 0),
        deliveries: results.reduce((n, r) => n + reference[r.organiser].notifications, 0),
      };
      let tallied = await this.counts(results.map((r) => r.id));
      for (let i = 0; i < 20 && (tallied.counts.deliveries < expected.deliveries || tallied.counts.workflows < expected.workflows); i++) {
        await sleep(500);
        tallied = await this.counts(results.map((r) => r.id));
      }
      duplicated += [...tallied.deliveriesPerDocument.values()].reduce((n, k) => n + Math.max(0, k - 1), 0);
      const lastOutage = outages.reduce<Outage | undefined>((a, o) => (!a || o.to > a.to ? o : a), undefined);
      return {
        fault: spec.fault,
        faultNoun: spec.faultNoun,
        cases: spec.cases,
        faults,
        lost,
        duplicated,
        mismatches,
        driveErrors,
        counts: tallied.counts,
        expected,
        failedWorkflowTasks: results.reduce((n, r) => n + r.outcome.workflowTasksFailed, 0),
        outageMs: outages.reduce((m, o) => Math.max(m, o.to - o.from), 0),
        drainMs: lastOutage ? Math.max(0, convergedAt - lastOutage.to) : 0,
        elapsedMs: Date.now() - started,
        updateRetries: this.updateRetries - retriesBefore,
        strandedFailed: this.strandedFailed - strandedBefore,
        drainLimited: spec.drainLimited ?? false,
        outages,
        workerCrashes: this.workerCrashes - crashesBefore,
        results,
        reference,
      };
    } finally {
      clearInterval(ticker);
    }
  }
}

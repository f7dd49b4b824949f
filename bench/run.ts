/**
 * Benchmark: the real service (selection-plan cases hosted by workflows/runtime/caseHost.ts, real
 * activities over the store) against a plain Temporal workflow doing the same number of Updates,
 * timers and activities, in one run: baseline → ours → baseline again, on the same Temporal dev server
 * and with the same worker options. See bench/README.md.
 *
 *   npm run bench -- [--cases N] [--levels 1,4,16,32] [--quick]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { connectStore, type Store } from '../store/mongo.js';
import { createWorker, workflowsPath } from '../worker/worker.js';
import { commandUpdate, selectionPlanWorkflow, type CommandArgs } from '../workflows/index.js';
import { draft } from '../test/fixtures/selectionPlan.js';
import { natLeader, natOfficer } from '../test/fixtures/principals.js';
import { baselineWorkflow, stepUpdate, type BaselineInput } from './baseline.workflow.js';
import { Progress } from './lib/progress.js';
import { ROOT, startServices } from './lib/services.js';
import { mb, percentile, round1, sleep, table } from './lib/stats.js';

const NAMESPACE = 'default';
const KNEE_P95_MS = 150;
/** Cases whose SUBMIT is also timed to "visible in the inbox" (the first few of every level). */
const INBOX_SAMPLE_PER_LEVEL = 4;
/** Cases per level described (state transitions, history length). */
const DESCRIBE_SAMPLE_PER_LEVEL = 3;

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

interface Options {
  quick: boolean;
  cases: number;
  levels: number[];
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const cases = Number(value('--cases') ?? (quick ? 6 : 64));
  const levels = (value('--levels') ?? (quick ? '1,2,4' : '1,4,16,32')).split(',').map(Number);
  if (!Number.isInteger(cases) || cases < 1 || levels.some((l) => !Number.isInteger(l) || l < 1)) {
    throw new Error('usage: npm run bench -- [--cases N] [--levels 1,4,16,32] [--quick]');
  }
  return { quick, cases, levels };
}

// ---------------------------------------------------------------------------
// Servers: scripts/dev-services.mjs `env` (fresh state dir, free 127.0.0.1 ports), stopped afterwards
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------


interface CaseOutcome {
  workflowId: string;
  updateMs: number[];
  inboxMs?: number;
}

interface Described {
  stateTransitions: number;
  historyLength: number;
}

interface LevelResult {
  phase: string;
  concurrency: number;
  cases: number;
  steps: number;
  wallMs: number;
  stepsPerSec: number;
  casesPerSec: number;
  updateP50: number;
  updateP95: number;
  updateP99: number;
  inboxSamples: number;
  inboxP50: number | null;
  inboxP95: number | null;
  stateTransitionsPerCase: number | null;
  historyLengthPerCase: number | null;
}

interface PhaseResult {
  phase: string;
  levels: LevelResult[];
  rssBeforeMb: number;
  rssAfterMb: number;
  cachedWorkflowsAtEnd: number;
  kneeConcurrency: number | null;
}

async function describeCase(client: Client, workflowId: string): Promise<Described> {
  const d = await client.workflow.getHandle(workflowId).describe();
  const info = d.raw.workflowExecutionInfo as temporal.api.workflow.v1.IWorkflowExecutionInfo;
  return { stateTransitions: Number(info.stateTransitionCount ?? 0), historyLength: Number(info.historyLength ?? 0) };
}

/**
 * Runs `cases` cases with at most `concurrency` in flight, `driveCase` returning each case's Update
 * latencies. Steps = Updates completed (each one a case step).
 */
async function runLevel(client: Client, phase: string, concurrency: number, cases: number, driveCase: (id: string, index: number) => Promise<CaseOutcome>): Promise<LevelResult> {
  const runId = `${phase}-c${concurrency}-${Date.now().toString(36)}`;
  const ids = Array.from({ length: cases }, (_, i) => `bench-${runId}-${i}`);
  const outcomes: CaseOutcome[] = [];
  const progress = new Progress(`${phase.padEnd(10)} c=${String(concurrency).padEnd(3)}`, cases);
  let next = 0;
  let steps = 0;
  const started = performance.now();
  const runner = async () => {
    while (next < cases) {
      const i = next++;
      const out = await driveCase(ids[i]!, i);
      outcomes.push(out);
      steps += out.updateMs.length;
      progress.tick(outcomes.length, `${steps} updates  ${(steps / ((performance.now() - started) / 1000)).toFixed(1)} steps/s`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases) }, runner));
  progress.stop();
  const wallMs = performance.now() - started;
  const lat = outcomes.flatMap((o) => o.updateMs);
  const inbox = outcomes.flatMap((o) => (o.inboxMs === undefined ? [] : [o.inboxMs]));
  const described = await Promise.all(outcomes.slice(0, DESCRIBE_SAMPLE_PER_LEVEL).map((o) => describeCase(client, o.workflowId)));
  const mean = (xs: number[]) => (xs.length ? round1(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
  return {
    phase,
    concurrency,
    cases,
    steps,
    wallMs: Math.round(wallMs),
    stepsPerSec: round1(steps / (wallMs / 1000)),
    casesPerSec: round1(cases / (wallMs / 1000)),
    updateP50: round1(percentile(lat, 50)),
    updateP95: round1(percentile(lat, 95)),
    updateP99: round1(percentile(lat, 99)),
    inboxSamples: inbox.length,
    inboxP50: inbox.length ? round1(percentile(inbox, 50)) : null,
    inboxP95: inbox.length ? round1(percentile(inbox, 95)) : null,
    stateTransitionsPerCase: mean(described.map((d) => d.stateTransitions)),
    historyLengthPerCase: mean(described.map((d) => d.historyLength)),
  };
}

async function runPhase(client: Client, phase: string, opts: Options, makeWorker: () => Promise<Worker>, driveCase: (id: string, index: number) => Promise<CaseOutcome>): Promise<PhaseResult> {
  const rssBefore = process.memoryUsage().rss;
  const worker = await makeWorker();
  const levels: LevelResult[] = [];
  let cached = 0;
  await worker.runUntil(async () => {
    for (const c of opts.levels) levels.push(await runLevel(client, phase, c, Math.max(opts.cases, 2 * c), driveCase));
    cached = worker.getStatus().numCachedWorkflows;
  });
  const rssAfter = process.memoryUsage().rss;
  const knee = levels.find((l) => l.updateP95 > KNEE_P95_MS);
  return { phase, levels, rssBeforeMb: mb(rssBefore), rssAfterMb: mb(rssAfter), cachedWorkflowsAtEnd: cached, kneeConcurrency: knee?.concurrency ?? null };
}

// ---------------------------------------------------------------------------
// The two workloads
// ---------------------------------------------------------------------------

/** One selection plan (R7.1) as staff would drive it: submit, returned, edited, resubmitted, approved, cancelled. */
const SCRIPT: CommandArgs[] = [
  { type: 'SUBMIT', payload: {}, actor: natOfficer },
  { type: 'RETURN', payload: { comments: 'State the application requirements.' }, actor: natLeader },
  { type: 'EDIT_DRAFT', payload: { draft: { ...draft, requirements: 'R6.1–R6.5 in full.' } }, actor: natOfficer },
  { type: 'SUBMIT', payload: {}, actor: natOfficer },
  { type: 'APPROVE', payload: { comments: 'Agreed.' }, actor: natLeader },
  { type: 'CANCEL', payload: { reason: 'benchmark case finished' }, actor: natOfficer },
] as CommandArgs[];

/** Polls the inbox (`tasks`) until the case's task `key` is active; ms since `t0`. */
async function visibleInInbox(store: Store, caseId: string, key: string, t0: number, timeoutMs = 30_000): Promise<number> {
  for (;;) {
    if (await store.tasks.findOne({ caseId, key, active: true }, { projection: { _id: 1 } })) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`task ${key} of ${caseId} not visible after ${timeoutMs} ms`);
    await sleep(5);
  }
}

function oursDriver(client: Client, store: Store, taskQueue: string) {
  return async (id: string, index: number): Promise<CaseOutcome> => {
    const workflowId = `selection-plan:national:${id}`;
    const h = await client.workflow.start(selectionPlanWorkflow, {
      workflowId,
      taskQueue,
      args: [{ input: { kind: 'evaluation', organiser: 'national', draft, createdBy: natOfficer } }],
    });
    const updateMs: number[] = [];
    let inboxMs: number | undefined;
    for (const [i, cmd] of SCRIPT.entries()) {
      const t0 = performance.now();
      const sample = i === 0 && index < INBOX_SAMPLE_PER_LEVEL;
      const inbox = sample ? visibleInInbox(store, workflowId, 'approve-1', t0) : undefined;
      await h.executeUpdate(commandUpdate, { args: [cmd] });
      updateMs.push(performance.now() - t0);
      if (inbox) inboxMs = await inbox;
    }
    const result = await h.result();
    if (result.state !== 'cancelled') throw new Error(`${workflowId} ended in ${result.state}, not cancelled`);
    return { workflowId, updateMs, inboxMs };
  };
}

function baselineDriver(client: Client, taskQueue: string, input: BaselineInput) {
  const updates = input.activities.length - 1;
  return async (id: string): Promise<CaseOutcome> => {
    const workflowId = `baseline:${id}`;
    const h = await client.workflow.start(baselineWorkflow, { workflowId, taskQueue, args: [input] });
    const updateMs: number[] = [];
    for (let i = 0; i < updates; i++) {
      const t0 = performance.now();
      await h.executeUpdate(stepUpdate, { args: ['step'] });
      updateMs.push(performance.now() - t0);
    }
    await h.result();
    return { workflowId, updateMs };
  };
}

/** Activities and timers per phase (0 = start, i = after the i-th Update) of one real case's history. */
async function calibrate(h: WorkflowHandle): Promise<BaselineInput & { childWorkflowsStarted: number; historyLength: number }> {
  const history = await h.fetchHistory();
  const activities = [0];
  const timers = [0];
  let childWorkflowsStarted = 0;
  for (const e of history.events ?? []) {
    if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      activities.push(0);
      timers.push(0);
    }
    const last = activities.length - 1;
    if (e.activityTaskScheduledEventAttributes) activities[last]!++;
    if (e.timerStartedEventAttributes) timers[last]!++;
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) childWorkflowsStarted++;
  }
  return { activities, timers, childWorkflowsStarted, historyLength: history.events?.length ?? 0 };
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

async function storeCounts(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of await store.db.listCollections({}, { nameOnly: true }).toArray()) {
    out[c.name] = await store.db.collection(c.name).countDocuments({});
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const startedAt = new Date();
  const loadBefore = os.loadavg().map(round1);
  const t0 = performance.now();
  console.log(`bench: ${opts.quick ? 'quick, ' : ''}levels ${opts.levels.join(',')}, at least ${opts.cases} cases per level (2 × concurrency when larger)`);
  console.log('starting the servers (scripts/dev-services.mjs env) ...');
  const services = await startServices();
  const cleanup: (() => Promise<unknown>)[] = [services.stop];
  const onSignal = () => {
    void services.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const temporalAddress = services.env.TEMPORAL_ADDRESS!;
    const mongodbUri = services.env.MONGODB_URI!;
    const temporalDb = services.stateDir ? path.join(services.stateDir, 'temporal.db') : '(external server)';
    console.log(`Temporal dev server ${temporalAddress}, database: SQLite file ${temporalDb} (temporal CLI start-dev defaults, no --sqlite-pragma)`);
    console.log(`store ${mongodbUri.replace(/\/\/[^@]*@/, '//***@')}`);

    const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
    cleanup.unshift(() => nativeConnection.close());
    const connection = await Connection.connect({ address: temporalAddress });
    cleanup.unshift(() => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE });
    const dbName = `bench_${Date.now().toString(36)}`;
    const store = await connectStore(mongodbUri, dbName);
    cleanup.unshift(() => store.client.close());

    console.log('bundling workflows ...');
    const [oursBundle, baselineBundle]: WorkflowBundleWithSourceMap[] = await Promise.all([
      bundleWorkflowCode({ workflowsPath, logger: quietLogger }),
      bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./baseline.workflow.ts', import.meta.url)), logger: quietLogger }),
    ]);
    const suffix = Date.now().toString(36);
    const oursQueue = `bench-ours-${suffix}`;
    const baselineQueue = `bench-baseline-${suffix}`;
    // Same worker options for both: the service's (createWorker: defaults + a workflow bundle).
    const oursWorker = () => createWorker({ connection: nativeConnection, namespace: NAMESPACE, taskQueue: oursQueue, store, options: { workflowBundle: oursBundle, workflowsPath: undefined } });
    const baselineWorker = () =>
      Worker.create({ connection: nativeConnection, namespace: NAMESPACE, taskQueue: baselineQueue, workflowBundle: baselineBundle, activities: { async noop() {} } });

    // Calibration: one real case, alone; its history sets the baseline's activities and timers.
    console.log('calibrating: one real selection-plan case ...');
    const calibration = await (await oursWorker()).runUntil(async () => {
      await oursDriver(client, store, oursQueue)('bench-calibration', INBOX_SAMPLE_PER_LEVEL);
      const id = 'selection-plan:national:bench-calibration';
      // Notifications start delivery workflows from an activity (not child workflows); the baseline has none.
      return { ...(await calibrate(client.workflow.getHandle(id))), notificationWorkflowsStarted: await store.notifications.countDocuments({ caseId: id }) };
    });
    const baselineInput: BaselineInput = { activities: calibration.activities, timers: calibration.timers };
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    console.log(
      `  per case: 1 start, ${SCRIPT.length} updates, ${sum(calibration.activities)} activities [${calibration.activities.join(',')}], ${sum(calibration.timers)} timers [${calibration.timers.join(',')}], ` +
        `${calibration.childWorkflowsStarted} child workflows, ${calibration.notificationWorkflowsStarted} notification-delivery workflows (not mirrored by the baseline), history ${calibration.historyLength} events`,
    );

    const phases: PhaseResult[] = [];
    phases.push(await runPhase(client, 'baseline1', opts, baselineWorker, baselineDriver(client, baselineQueue, baselineInput)));
    phases.push(await runPhase(client, 'ours', opts, oursWorker, oursDriver(client, store, oursQueue)));
    phases.push(await runPhase(client, 'baseline2', opts, baselineWorker, baselineDriver(client, baselineQueue, baselineInput)));
    const counts = await storeCounts(store);

    // ---- report ----
    const [b1, ours, b2] = phases as [PhaseResult, PhaseResult, PhaseResult];
    const rows: (string | number | null)[][] = [['phase', 'conc', 'cases', 'steps/s', 'cases/s', 'upd p50 ms', 'upd p95 ms', 'upd p99 ms', 'inbox p50', 'inbox p95', 'transitions/case', 'history/case']];
    for (const p of phases) {
      for (const l of p.levels) {
        rows.push([p.phase, l.concurrency, l.cases, l.stepsPerSec, l.casesPerSec, l.updateP50, l.updateP95, l.updateP99, l.inboxP50, l.inboxP95, l.stateTransitionsPerCase, l.historyLengthPerCase]);
      }
    }
    const ratioRows: (string | number | null)[][] = [['conc', 'steps/s ours÷base', 'p95 ours÷base', 'transitions ours÷base', 'history ours÷base', 'baseline drift b2÷b1 steps/s']];
    const ratios = opts.levels.map((c, i) => {
      const [x, y, o] = [b1.levels[i]!, b2.levels[i]!, ours.levels[i]!];
      const meanOf = (f: (l: LevelResult) => number | null) => ((f(x) ?? NaN) + (f(y) ?? NaN)) / 2;
      const r = (a: number | null, b: number) => (a === null || !Number.isFinite(b) || b === 0 ? null : Math.round((a / b) * 100) / 100);
      const row = {
        concurrency: c,
        stepsPerSec: r(o.stepsPerSec, meanOf((l) => l.stepsPerSec)),
        updateP95: r(o.updateP95, meanOf((l) => l.updateP95)),
        stateTransitions: r(o.stateTransitionsPerCase, meanOf((l) => l.stateTransitionsPerCase)),
        historyLength: r(o.historyLengthPerCase, meanOf((l) => l.historyLengthPerCase)),
        baselineDrift: r(y.stepsPerSec, x.stepsPerSec),
      };
      ratioRows.push([c, row.stepsPerSec, row.updateP95, row.stateTransitions, row.historyLength, row.baselineDrift]);
      return row;
    });
    const absRows: (string | number | null)[][] = [['phase', 'RSS before MB', 'RSS after MB', 'cached wf at end (closed cases are evicted)', `knee (p95 > ${KNEE_P95_MS} ms) at conc`]];
    for (const p of phases) absRows.push([p.phase, p.rssBeforeMb, p.rssAfterMb, p.cachedWorkflowsAtEnd, p.kneeConcurrency === null ? 'not reached' : p.kneeConcurrency]);
    const runtimeS = round1((performance.now() - t0) / 1000);

    console.log(`\n${table(rows)}\n`);
    console.log(`ours ÷ baseline (mean of baseline1 and baseline2):\n${table(ratioRows)}\n`);
    console.log(table(absRows));
    console.log(`\nstore documents (${dbName}): ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${mb(os.totalmem())} MB, node ${process.version}; load average (1/5/15 min) before ${loadBefore.join('/')}, after ${os.loadavg().map(round1).join('/')}; runtime ${runtimeS} s`);

    const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          runtimeS,
          options: opts,
          machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, totalMemMb: mb(os.totalmem()), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAvgBefore: loadBefore, loadAvgAfter: os.loadavg().map(round1) },
          temporal: { address: temporalAddress, database: temporalDb, sqlite: 'temporal CLI start-dev defaults (no --sqlite-pragma)' },
          store: { database: dbName, documents: counts },
          workload: { script: SCRIPT.map((c) => c.type), baselineInput, calibration },
          kneeThresholdP95Ms: KNEE_P95_MS,
          phases,
          ratios,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`results: ${path.relative(ROOT, file)}`);
    await store.db.dropDatabase().catch(() => undefined);
  } finally {
    for (const f of cleanup) await f().catch((e: unknown) => console.error('cleanup:', e));
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

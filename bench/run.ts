/**
 * The benchmark (issue 7): the real service — worker and API processes as `npm start` runs them —
 * under the national workload driven through the HTTP API (bench/national/), against a plain Temporal
 * workflow doing the same number of starts, Updates, timers and activities, in one run:
 * baseline → ours → baseline again, on the same Temporal dev server, each level of concurrency in turn
 * (the knee search); then ours at half the knee with update → visible-in-inbox timing; then the
 * absolute figures (bench/footprint.ts) and the inbox-query benchmark (bench/inbox.ts).
 * See bench/README.md.
 *
 *   npm run bench -- [--quick] [--applications N] [--listings N] [--experts N] [--levels 1,2,4,8,16,32]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import type { Db } from 'mongodb';
import { connectStore } from '../store/mongo.js';
import { baselineWorkflow, processedQuery, stepUpdate, type BaselineInput } from './baseline.workflow.js';
import { formatFootprint, runFootprintBench, type FootprintResult } from './footprint.js';
import { formatInboxBench, runInboxBench, type InboxBenchResult } from './inbox.js';
import { Progress } from './lib/progress.js';
import { ROOT, startServices } from './lib/services.js';
import { machineInfo, mb, mean, percentile, round1, round2, sleep, table } from './lib/stats.js';
import { spawnChild, startServiceProcesses, type Child } from './national/service.js';
import { driveCase, listingCaseId, People, seedWorld, type CaseRun, type SeedResult } from './national/workload.js';
import { planWorld, type CasePlan } from './national/world.js';

const NAMESPACE = 'default';
const KNEE_P95_MS = 150;
const DESCRIBE_SAMPLE = 3;

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

interface Options {
  quick: boolean;
  applications: number;
  listings: number;
  experts: number;
  levels: number[];
  seed: number;
  seedConcurrency: number;
  footprint: boolean;
  inbox: boolean;
  inboxSizes: number[];
  cachedCases: number;
  longHistories: number;
  distinctHistories: number;
}

const USAGE =
  'usage: npm run bench -- [--quick] [--applications N] [--listings N] [--experts N] [--levels 1,2,4,8,16,32] [--seed N] [--no-footprint] [--cached N] [--histories N] [--distinct N] [--no-inbox] [--inbox-sizes 1e5,1e6]';

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, dflt: number) => {
    const v = Number(value(name) ?? dflt);
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a whole number\n${USAGE}`);
    return v;
  };
  const levels = (value('--levels') ?? (quick ? '1,2,4,8' : '1,2,4,8,16,32')).split(',').map(Number);
  if (levels.some((l) => !Number.isInteger(l) || l < 1)) throw new Error(`--levels: positive whole numbers\n${USAGE}`);
  const o = {
    quick,
    applications: num('--applications', quick ? 62 : 2000),
    listings: num('--listings', quick ? 93 : 10_000),
    experts: num('--experts', quick ? 40 : 300),
    levels,
    seed: num('--seed', 2026),
    seedConcurrency: num('--seed-concurrency', 8),
    footprint: !argv.includes('--no-footprint'),
    inbox: !argv.includes('--no-inbox'),
    inboxSizes: (value('--inbox-sizes') ?? (quick ? '1e4' : '1e5,1e6')).split(',').map(Number),
    cachedCases: num('--cached', quick ? 200 : 1000),
    longHistories: num('--histories', quick ? 200 : 1000),
    distinctHistories: num('--distinct', quick ? 10 : 50),
  };
  if (o.inboxSizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--inbox-sizes: whole numbers like 1e5\n${USAGE}`);
  if (o.experts < 6) throw new Error(`--experts: at least 6 (a panel is 5, R7.3)\n${USAGE}`);
  return o;
}

// ---------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------

interface Described {
  stateTransitions: number;
  historyLength: number;
}

async function describeCase(client: Client, workflowId: string): Promise<Described> {
  const d = await client.workflow.getHandle(workflowId).describe();
  const info = d.raw.workflowExecutionInfo as temporal.api.workflow.v1.IWorkflowExecutionInfo;
  return { stateTransitions: Number(info.stateTransitionCount ?? 0), historyLength: Number(info.historyLength ?? 0) };
}

/** Activities and timers per phase (0 = start, i = after the i-th Update) of one real case's history. */
async function calibrate(h: WorkflowHandle): Promise<BaselineInput & { historyLength: number }> {
  const history = await h.fetchHistory();
  const activities = [0];
  const timers = [0];
  for (const e of history.events ?? []) {
    if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      activities.push(0);
      timers.push(0);
    }
    const last = activities.length - 1;
    if (e.activityTaskScheduledEventAttributes) activities[last]!++;
    if (e.timerStartedEventAttributes) timers[last]!++;
  }
  return { activities, timers, historyLength: history.events?.length ?? 0 };
}

type Script = 'application' | 'change' | 'annualReport' | 'renewal';
const SCRIPTS: Script[] = ['application', 'change', 'annualReport', 'renewal'];
const scriptOf = (c: CasePlan): Script => (c.kind === 'application' ? 'application' : (c.script as Script));

interface LevelResult {
  phase: string;
  concurrency: number;
  cases: number;
  steps: number;
  wallMs: number;
  stepsPerSec: number;
  updateP50: number;
  updateP95: number;
  updateP99: number;
  startP95: number;
  inboxReadsPerStep: number | null;
  visibleSamples: number;
  visibleP50: number | null;
  visibleP95: number | null;
  stateTransitionsPerCase: Partial<Record<Script, number>>;
  historyLengthPerCase: Partial<Record<Script, number>>;
  errors: number;
}

function summarise(phase: string, concurrency: number, runs: (CaseRun & { script: Script })[], wallMs: number, described: Map<Script, Described[]>, errors: number): LevelResult {
  const steps = runs.flatMap((r) => r.steps);
  const updates = steps.filter((s) => s.kind === 'update').map((s) => s.ms);
  const starts = steps.filter((s) => s.kind === 'start').map((s) => s.ms);
  const visible = runs.flatMap((r) => r.visibleMs);
  const reads = runs.reduce((a, r) => a + r.inboxReads, 0);
  const per = (f: (d: Described) => number) => Object.fromEntries([...described].map(([k, ds]) => [k, round1(mean(ds.map(f)))]));
  return {
    phase,
    concurrency,
    cases: runs.length,
    steps: steps.length,
    wallMs: Math.round(wallMs),
    stepsPerSec: round1(steps.length / (wallMs / 1000)),
    updateP50: round1(percentile(updates, 50)),
    updateP95: round1(percentile(updates, 95)),
    updateP99: round1(percentile(updates, 99)),
    startP95: round1(percentile(starts, 95)),
    inboxReadsPerStep: phase.startsWith('baseline') ? null : round2(reads / Math.max(1, steps.length)),
    visibleSamples: visible.length,
    visibleP50: visible.length ? round1(percentile(visible, 50)) : null,
    visibleP95: visible.length ? round1(percentile(visible, 95)) : null,
    stateTransitionsPerCase: per((d) => d.stateTransitions),
    historyLengthPerCase: per((d) => d.historyLength),
    errors,
  };
}

/** Runs `items` with at most `concurrency` in flight; failures are counted and the first few printed. */
async function runLevel<T>(label: string, concurrency: number, items: T[], drive: (item: T) => Promise<CaseRun & { script: Script }>): Promise<{ runs: (CaseRun & { script: Script })[]; wallMs: number; errors: number }> {
  const runs: (CaseRun & { script: Script })[] = [];
  const progress = new Progress(label, items.length);
  let next = 0;
  let steps = 0;
  let errors = 0;
  const started = performance.now();
  const runner = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        const r = await drive(item);
        runs.push(r);
        steps += r.steps.length;
      } catch (e) {
        errors += 1;
        if (errors <= 3) console.error(`\n  ${label}: ${(e as Error).message}`);
      }
      progress.tick(runs.length + errors, `${steps} steps  ${(steps / ((performance.now() - started) / 1000)).toFixed(1)} steps/s`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
  progress.stop();
  return { runs, wallMs: performance.now() - started, errors };
}

/** Splits the workload into `n` slices with the same mix (the plans are shuffled already). */
function slices(cases: CasePlan[], n: number): CasePlan[][] {
  const out: CasePlan[][] = Array.from({ length: n }, () => []);
  cases.forEach((c, i) => out[i % n]!.push(c));
  return out;
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

async function storeFigures(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) out[c.name] = await db.collection(c.name).countDocuments({});
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const startedAt = new Date();
  const machineBefore = await machineInfo();
  const t0 = performance.now();
  console.log(
    `bench: ${opts.quick ? 'quick, ' : ''}31 provinces + the national group, ${opts.applications} applications, ${opts.listings} listings, ${opts.experts} experts; levels ${opts.levels.join(',')}`,
  );
  console.log('starting the servers (scripts/dev-services.mjs env) ...');
  const services = await startServices();
  const cleanup: (() => Promise<unknown>)[] = [services.stop];
  const onSignal = () => {
    void (async () => {
      for (const f of cleanup) await f().catch(() => undefined);
      process.exit(130);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const temporalAddress = services.env.TEMPORAL_ADDRESS!;
    const mongodbUri = services.env.MONGODB_URI!;
    const temporalDb = services.stateDir ? path.join(services.stateDir, 'temporal.db') : '(external server)';
    console.log(`Temporal dev server ${temporalAddress}, database: SQLite file ${temporalDb} (temporal CLI start-dev defaults, no --sqlite-pragma)`);
    console.log(`store ${mongodbUri.replace(/\/\/[^@]*@/, '//***@')}`);
    const suffix = Date.now().toString(36);
    const database = `bench_${suffix}`;
    const oursQueue = `bench-ours-${suffix}`;
    const baselineQueue = `bench-baseline-${suffix}`;
    const authSecret = `bench-secret-${suffix}-0123456789abcdef0123456789`;

    console.log('starting the service (worker/main.ts, api/main.ts) and the baseline worker (bench/baseline.worker.ts) ...');
    const service = await startServiceProcesses({ mongodbUri, temporalAddress, database, taskQueue: oursQueue, authSecret });
    cleanup.unshift(() => service.stop());
    const baselineWorker: Child = await spawnChild('baseline-worker', 'bench/baseline.worker.ts', { TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_TASK_QUEUE: baselineQueue }, /baseline worker running/);
    cleanup.unshift(() => baselineWorker.stop());
    const connection = await Connection.connect({ address: temporalAddress });
    cleanup.unshift(() => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE });
    const store = await connectStore(mongodbUri, database);
    cleanup.unshift(() => store.client.close());
    const people = new People(service.baseUrl, authSecret);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const reference = `bench-${suffix}`;

    // ---- the world ----
    const world = planWorld({ applications: opts.applications, listings: opts.listings, experts: opts.experts, seed: opts.seed, today });
    console.log('seeding the world through the API (expert pool, 32 rounds) and the directory (listing cases) ...');
    const seed: SeedResult = await seedWorld({ people, temporal: client, taskQueue: oursQueue, experts: opts.experts, listings: world.listings, today, reference, concurrency: opts.seedConcurrency });
    const projected = new Progress('listing projections', world.listings.length, 'listings');
    const tp = performance.now();
    for (;;) {
      const n = await store.cases.countDocuments({ caseType: 'listing' });
      projected.tick(n);
      if (n >= world.listings.length) break;
      if (performance.now() - tp > 1_800_000) throw new Error(`only ${n} of ${world.listings.length} listings projected after 30 min`);
      await sleep(1000);
    }
    projected.stop();
    const listingsProjectedMs = performance.now() - tp + seed.listingsMs;
    console.log(
      `  expert pool ${seed.experts} in ${round1(seed.expertPoolMs / 1000)} s; ${seed.rounds} rounds opened in ${round1(seed.roundsMs / 1000)} s; ${seed.listings} listings started in ${round1(seed.listingsMs / 1000)} s (${round1(seed.listingStartsPerSec)}/s), all projected after ${round1(listingsProjectedMs / 1000)} s`,
    );

    // ---- calibration: one case of each script alone; its history sets the baseline's activities and timers ----
    const all: CasePlan[] = [];
    const apps = [...world.applications];
    // Standing listings are the directory's standing load: seeded, not driven.
    const listings = world.listings.filter((l) => l.script !== 'standing');
    // Interleave applications and listings in their proportion.
    const ratio = listings.length / Math.max(1, apps.length);
    let credit = 0;
    while (apps.length || listings.length) {
      if (apps.length) all.push(apps.shift()!);
      credit += ratio;
      while (credit >= 1 && listings.length) {
        all.push(listings.shift()!);
        credit -= 1;
      }
      if (!apps.length) all.push(...listings.splice(0));
    }
    const calibrationCases = SCRIPTS.map((s) => all.find((c) => scriptOf(c) === s)).filter((c): c is CasePlan => c !== undefined);
    const rest = all.filter((c) => !calibrationCases.includes(c));
    const driveOpts = { people, reference, today, sampleVisibility: false };
    console.log('calibrating: one case of each script, alone ...');
    const inputs = new Map<Script, BaselineInput & { historyLength: number }>();
    for (const c of calibrationCases) {
      const r = await driveCase(c, driveOpts);
      const cal = await calibrate(client.workflow.getHandle(r.caseId));
      // A renewal's approval continues the listing as new (R9.1: one run per period): count the first run's phases.
      inputs.set(scriptOf(c), cal);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      console.log(`  ${scriptOf(c).padEnd(13)} ${r.steps.length} steps (${r.steps.map((s) => s.command).join(', ')}); ${sum(cal.activities)} activities [${cal.activities.join(',')}], ${sum(cal.timers)} timers [${cal.timers.join(',')}], history ${cal.historyLength} events`);
    }

    // ---- phases ----
    const parts = slices(rest, opts.levels.length + 1);
    const oursSlices = parts.slice(0, opts.levels.length);
    const halfKneeSlice = parts[opts.levels.length]!;
    const describeSample = async (runs: (CaseRun & { script: Script })[]) => {
      const out = new Map<Script, Described[]>();
      for (const s of SCRIPTS) {
        const ids = runs.filter((r) => r.script === s).slice(0, DESCRIBE_SAMPLE).map((r) => r.caseId);
        if (ids.length) out.set(s, await Promise.all(ids.map((id) => describeCase(client, id))));
      }
      return out;
    };

    const baselinePhase = async (name: string): Promise<LevelResult[]> => {
      const results: LevelResult[] = [];
      for (const [i, c] of opts.levels.entries()) {
        // The mirror of each case of the level; listings exist before the level (as ours were seeded), so theirs are started first, untimed.
        const mirrors = oursSlices[i]!.map((p, j) => ({ script: scriptOf(p), id: `baseline-${name}-c${c}-${suffix}-${j}` }));
        const handles = new Map<string, WorkflowHandle>();
        await Promise.all(
          mirrors
            .filter((m) => m.script !== 'application')
            .map(async (m) => {
              const h = await client.workflow.start(baselineWorkflow, { workflowId: m.id, taskQueue: baselineQueue, args: [inputs.get(m.script)!] });
              // Ours were seeded long before: wait until the mirror's opening activities are done too.
              while ((await h.query(processedQuery)) < 0) await sleep(50);
              handles.set(m.id, h);
            }),
        );
        const { runs, wallMs, errors } = await runLevel(`${name} c=${c}`, c, mirrors, async (m) => {
          const input = inputs.get(m.script)!;
          const steps: CaseRun['steps'] = [];
          let h = handles.get(m.id);
          if (!h) {
            const ts = performance.now();
            h = await client.workflow.start(baselineWorkflow, { workflowId: m.id, taskQueue: baselineQueue, args: [input] });
            steps.push({ command: 'start', kind: 'start', ms: performance.now() - ts });
          }
          for (let u = 1; u < input.activities.length; u++) {
            const tu = performance.now();
            await h.executeUpdate(stepUpdate, { args: ['step'] });
            steps.push({ command: 'step', kind: 'update', ms: performance.now() - tu });
          }
          await h.result();
          return { caseId: m.id, caseType: 'listing', steps, visibleMs: [], inboxReads: 0, script: m.script };
        });
        results.push(summarise(name, c, runs, wallMs, await describeSample(runs), errors));
      }
      return results;
    };

    const oursLevel = async (name: string, c: number, items: CasePlan[], sampleVisibility: boolean) => {
      const { runs, wallMs, errors } = await runLevel(`${name} c=${c}`, c, items, async (p) => ({ ...(await driveCase(p, { ...driveOpts, sampleVisibility })), script: scriptOf(p) }));
      return summarise(name, c, runs, wallMs, await describeSample(runs), errors);
    };

    const rss: Record<string, { workerMb: number; apiMb: number; baselineWorkerMb: number }> = {};
    const snapRss = (at: string) => (rss[at] = { workerMb: mb(service.worker.rss()), apiMb: mb(service.api.rss()), baselineWorkerMb: mb(baselineWorker.rss()) });
    snapRss('after seeding');
    const phases: { phase: string; levels: LevelResult[] }[] = [];
    phases.push({ phase: 'baseline1', levels: await baselinePhase('baseline1') });
    const ours: LevelResult[] = [];
    for (const [i, c] of opts.levels.entries()) ours.push(await oursLevel('ours', c, oursSlices[i]!, false));
    phases.push({ phase: 'ours', levels: ours });
    snapRss('after ours');
    phases.push({ phase: 'baseline2', levels: await baselinePhase('baseline2') });

    const kneeOf = (ls: LevelResult[]) => ls.find((l) => l.updateP95 > KNEE_P95_MS) ?? null;
    const oursKnee = kneeOf(ours);
    const halfKnee = Math.max(1, Math.floor((oursKnee?.concurrency ?? opts.levels[opts.levels.length - 1]!) / 2));
    console.log(`ours at half the knee (concurrency ${halfKnee}), timing update → visible in the next person's inbox ...`);
    const half = await oursLevel('ours-half-knee', halfKnee, halfKneeSlice, true);
    phases.push({ phase: 'ours-half-knee', levels: [half] });
    snapRss('at the end');

    const documents = await storeFigures(store.db);
    const caseCounts = Object.fromEntries(
      (await store.cases.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$caseType', n: { $sum: 1 } } }]).toArray()).map((x) => [x._id, x.n]),
    );

    // ---- report ----
    const rows: (string | number | null)[][] = [['phase', 'conc', 'cases', 'steps', 'steps/s', 'upd p50 ms', 'upd p95 ms', 'upd p99 ms', 'start p95', 'inbox reads/step', 'visible p50', 'visible p95', 'errors']];
    for (const p of phases) for (const l of p.levels) rows.push([p.phase, l.concurrency, l.cases, l.steps, l.stepsPerSec, l.updateP50, l.updateP95, l.updateP99, l.startP95, l.inboxReadsPerStep, l.visibleP50, l.visibleP95, l.errors]);
    const [b1, , b2] = phases as [{ levels: LevelResult[] }, unknown, { levels: LevelResult[] }];
    const r = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? null : round2(a / b));
    const ratioRows: (string | number | null)[][] = [['conc', 'steps/s ours÷base', 'upd p95 ours÷base', 'transitions/case ours÷base (application, change, report, renewal)', 'history/case ours÷base', 'baseline drift b2÷b1']];
    const ratios = opts.levels.map((c, i) => {
      const [x, y, o] = [b1.levels[i]!, b2.levels[i]!, ours[i]!];
      const base = (f: (l: LevelResult) => number) => (f(x) + f(y)) / 2;
      const perScript = (f: (l: LevelResult) => Partial<Record<Script, number>>) =>
        SCRIPTS.map((s) => r(f(o)[s], ((f(x)[s] ?? NaN) + (f(y)[s] ?? NaN)) / 2));
      const row = {
        concurrency: c,
        stepsPerSec: r(o.stepsPerSec, base((l) => l.stepsPerSec)),
        updateP95: r(o.updateP95, base((l) => l.updateP95)),
        stateTransitions: perScript((l) => l.stateTransitionsPerCase),
        historyLength: perScript((l) => l.historyLengthPerCase),
        baselineDrift: r(y.stepsPerSec, x.stepsPerSec),
      };
      ratioRows.push([c, row.stepsPerSec, row.updateP95, row.stateTransitions.map((v) => v ?? '–').join(' / '), row.historyLength.map((v) => v ?? '–').join(' / '), row.baselineDrift]);
      return row;
    });
    const baseKnee1 = kneeOf(b1.levels);
    const baseKnee2 = kneeOf(b2.levels);
    const kneeRow = {
      thresholdP95Ms: KNEE_P95_MS,
      ours: oursKnee ? { concurrency: oursKnee.concurrency, stepsPerSec: oursKnee.stepsPerSec } : null,
      baseline1: baseKnee1 ? { concurrency: baseKnee1.concurrency, stepsPerSec: baseKnee1.stepsPerSec } : null,
      baseline2: baseKnee2 ? { concurrency: baseKnee2.concurrency, stepsPerSec: baseKnee2.stepsPerSec } : null,
    };
    const baseKneeSteps = [baseKnee1, baseKnee2].filter((k): k is LevelResult => k !== null).map((k) => k.stepsPerSec);
    const kneeRatio = oursKnee && baseKneeSteps.length ? round2(oursKnee.stepsPerSec / mean(baseKneeSteps)) : null;
    const runtimeS = round1((performance.now() - t0) / 1000);

    console.log(`\n${table(rows)}\n`);
    console.log(`ours ÷ baseline (mean of baseline1 and baseline2), per level:\n${table(ratioRows)}\n`);
    const fmtKnee = (k: { concurrency: number; stepsPerSec: number } | null) => (k ? `concurrency ${k.concurrency}, ${k.stepsPerSec} steps/s` : `not reached up to concurrency ${opts.levels[opts.levels.length - 1]}`);
    console.log(`knee (first level whose Update p95 > ${KNEE_P95_MS} ms): ours ${fmtKnee(kneeRow.ours)}; baseline1 ${fmtKnee(kneeRow.baseline1)}; baseline2 ${fmtKnee(kneeRow.baseline2)}; steps/s at the knee ours÷baseline ${kneeRatio ?? '–'}`);
    console.log(`update → visible in the next person's inbox at half the knee (concurrency ${halfKnee}): p50 ${half.visibleP50 ?? '–'} ms, p95 ${half.visibleP95 ?? '–'} ms (${half.visibleSamples} samples)`);
    console.log(`RSS (MB): ${Object.entries(rss).map(([k, v]) => `${k}: worker ${v.workerMb}, api ${v.apiMb}, baseline worker ${v.baselineWorkerMb}`).join('; ')}`);
    console.log(`cases: ${Object.entries(caseCounts).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    console.log(`store documents (${database}): ${Object.entries(documents).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const machineAfter = await machineInfo();
    console.log(`machine: ${machineAfter.cpus} × ${machineAfter.model ?? '?'}, ${machineAfter.totalMemMb} MB, node ${process.version}; load average before ${machineBefore.loadAvg.join('/')}, after ${machineAfter.loadAvg.join('/')}; runtime ${runtimeS} s`);

    const resultsDir = path.join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          runtimeS,
          options: opts,
          machine: { ...machineAfter, loadAvgBefore: machineBefore.loadAvg, loadAvgAfter: machineAfter.loadAvg },
          temporal: { address: temporalAddress, database: temporalDb, sqlite: 'temporal CLI start-dev defaults (no --sqlite-pragma)' },
          store: { uri: mongodbUri.replace(/\/\/[^@]*@/, '//***@'), database, documents, cases: caseCounts },
          seed: { ...seed, listingsProjectedMs },
          calibration: Object.fromEntries(inputs),
          kneeThresholdP95Ms: KNEE_P95_MS,
          phases,
          ratios,
          knee: { ...kneeRow, stepsPerSecOursOverBaseline: kneeRatio },
          halfKnee: { concurrency: halfKnee, visibleP50: half.visibleP50, visibleP95: half.visibleP95, samples: half.visibleSamples },
          rss,
          listingCaseIdExample: world.listings[0] ? listingCaseId(world.listings[0]) : null,
        },
        null,
        2,
      )}\n`,
    );
    await store.db.dropDatabase().catch(() => undefined);

    // ---- the absolute figures and the inbox queries (their own databases; the service is stopped first) ----
    await service.stop();
    await baselineWorker.stop();
    let footprint: FootprintResult | undefined;
    let inbox: InboxBenchResult | undefined;
    if (opts.footprint) {
      console.log('\nfootprint: worker RSS per cached case, replay of long histories, history lengths, store sizes (bench/footprint.ts) ...');
      footprint = await runFootprintBench({ temporalAddress, mongodbUri, quick: opts.quick, cachedCases: opts.cachedCases, longHistories: opts.longHistories, distinctHistories: opts.distinctHistories });
      console.log(formatFootprint(footprint));
    }
    if (opts.inbox) {
      console.log(`\ninbox queries at ${opts.inboxSizes.join(', ')} tasks (bench/inbox.ts) ...`);
      inbox = await runInboxBench({ mongodbUri, sizes: opts.inboxSizes, runs: opts.quick ? 50 : 200, quick: opts.quick });
      console.log(formatInboxBench(inbox));
    }
    if (footprint || inbox) writeFileSync(file, `${JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), footprint, inbox }, null, 2)}\n`);
    console.log(`results: ${path.relative(ROOT, file)}`);
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


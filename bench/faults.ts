/**
 * Fault injection, long variants (issue 7): the in-suite fault tests (test/fault/) at scale, with the
 * same driver, pass criteria and summary lines (test/fault/support.ts). One phase per fault, each
 * driving `--cases` selection plans through SUBMIT and APPROVE while it strikes at random moments:
 *
 *   worker    the worker child is SIGKILLed `--kills` times and restarted after 0.3–3 s
 *   temporal  the Temporal dev server is stopped with SIGTERM (down 1–5 s), later with SIGKILL (down
 *             `--outage` s), and started again on the same ports with the same database file
 *   store     the store is unreachable for `--outage` s (the worker reaches it through a TCP proxy)
 *   latency   for `--outage` s every chunk to and from the store waits 50–200 ms and half the store
 *             connections are reset 0.2–2 s after they open
 *
 * Unlike test/fault/temporal-restart.test.ts, no activity attempt stranded by the Temporal crash is
 * failed by hand (unless `--fail-stranded`): such an attempt (its task or its completion lost in the
 * crash) comes back only by its start-to-close timeout, 30 s, as no activity
 * heartbeats, so the drain after a crash is at least that much less the outage.
 *
 *   npm run bench:faults -- [--cases 300] [--outage 30] [--kills 5] [--faults worker,temporal,store,latency] [--seed N] [--fail-stranded]
 *
 * Needs nothing started first: it runs its own Temporal dev server (it restarts it) and takes the store
 * from MONGODB_URI, or starts FerretDB with `scripts/dev-services.mjs env`. Prints a progress line while
 * a phase runs, then its summary line; writes bench/results/faults-<timestamp>.json; exits 1 if a phase
 * failed the pass criteria.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaultHarness, passed, prng, summaryLine, type FaultReport, type RunSpec } from '../test/fault/support.js';
import { killWorker, restartTemporal, storeFlakiness, storeOutage } from '../test/fault/support/faults.js';
import { TcpProxy } from '../test/fault/support/tcpProxy.js';
import { TemporalDevServer } from '../test/fault/support/temporalDevServer.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FAULTS = ['worker', 'temporal', 'store', 'latency'] as const;
type Fault = (typeof FAULTS)[number];

interface Options {
  cases: number;
  outageS: number;
  kills: number;
  faults: Fault[];
  seed: number;
  failStranded: boolean;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const o: Options = {
    cases: Number(value('--cases') ?? 300),
    outageS: Number(value('--outage') ?? 30),
    kills: Number(value('--kills') ?? 5),
    faults: (value('--faults') ?? FAULTS.join(',')).split(',') as Fault[],
    seed: Number(value('--seed') ?? 0x7fa017),
    failStranded: argv.includes('--fail-stranded'),
  };
  if (![o.cases, o.outageS, o.kills, o.seed].every((n) => Number.isInteger(n) && n >= 0) || o.cases < 1 || o.outageS < 1 || o.faults.some((f) => !FAULTS.includes(f))) {
    throw new Error(`usage: npm run bench:faults -- [--cases N] [--outage SECONDS] [--kills N] [--faults ${FAULTS.join(',')}] [--seed N] [--fail-stranded]`);
  }
  return o;
}

/** The store: MONGODB_URI, or FerretDB from `dev-services.mjs env` (told to use our Temporal, so it starts no other). */
async function startStore(temporalAddress: string): Promise<{ uri: string; stop(): Promise<void> }> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => undefined };
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/dev-services.mjs'), 'env'], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev-services did not start the store in 5 minutes:\n${err.slice(-2000)}`)), 300_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^export MONGODB_URI='([^']+)'$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dev-services exited (${code}) before starting the store:\n${err.slice(-2000)}`));
    });
  });
  return { uri, stop };
}

/** One progress line, rewritten in place on a terminal, every 10 s otherwise. */
function progress(label: string): RunSpec['progress'] {
  const started = Date.now();
  let lastLine = 0;
  return ({ driven, cases, faults, phase }) => {
    const s = Math.round((Date.now() - started) / 1000);
    const line = `  ${label}: ${phase === 'driving' ? `${driven}/${cases} cases driven` : `all ${cases} driven, converging`}, ${faults} faults injected, ${s} s`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}\x1b[K`);
    else if (Date.now() - lastLine >= 10_000) {
      lastLine = Date.now();
      console.log(line);
    }
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const outageMs = o.outageS * 1000;
  // Cases start over ~0.2 s each (60 s for 300): the faults strike while they run.
  const spreadMs = Math.max(5_000, o.cases * 200);
  const timeoutMs = spreadMs + 4 * outageMs + 180_000 + o.cases * 500;
  const rand = prng(o.seed);
  const at = (from: number, to: number): [number, number] => [Math.floor(spreadMs * from), Math.floor(spreadMs * to)];

  const dir = mkdtempSync(path.join(os.tmpdir(), 'dte-bench-faults-'));
  const started = new Date();
  console.log(
    `fault bench: ${o.cases} cases per phase, outage ${o.outageS} s, ${o.kills} worker kills, phases ${o.faults.join(', ')}, seed ${o.seed}` +
      `${o.failStranded ? ', stranded activity attempts failed after a Temporal crash' : ''}`,
  );
  const server = await TemporalDevServer.start(path.join(dir, 'temporal.db'));
  console.log(`Temporal dev server ${server.address} (database ${path.join(dir, 'temporal.db')}), CLI ${server.cli}`);
  const store = await startStore(server.address);
  const proxy = await TcpProxy.forMongoUri(store.uri, prng(o.seed ^ 0x5a5a));
  console.log(`store ${store.uri}, the worker through ${proxy.uriFor(store.uri)}`);
  const harness = await FaultHarness.open({ name: 'bench', temporalAddress: server.address, storeUri: store.uri, workerStoreUri: proxy.uriFor(store.uri) });
  const reports: FaultReport[] = [];
  try {
    await harness.startWorker();
    const phases: Record<Fault, () => Pick<RunSpec, 'fault' | 'faultNoun' | 'inject' | 'drainLimited'>> = {
      worker: () => ({
        fault: 'worker-kill',
        faultNoun: 'worker SIGKILLs',
        // Kills spread over the drive: each waits a random share of it after the one before.
        inject: killWorker({ kills: o.kills, afterMs: [Math.floor(spreadMs / (2 * o.kills + 1)), Math.floor((1.5 * spreadMs) / (o.kills + 1))], downMs: [300, 3000] }),
      }),
      temporal: () => ({
        fault: 'temporal-restart',
        faultNoun: `dev server restarts, 1 SIGTERM + 1 SIGKILL down ${o.outageS} s`,
        drainLimited: true,
        inject: restartTemporal(server, [
          { signal: 'SIGTERM', afterMs: at(0.1, 0.3), downMs: [1000, 5000] },
          { signal: 'SIGKILL', afterMs: at(0.1, 0.3), downMs: [outageMs, outageMs] },
        ], { failStranded: o.failStranded }),
      }),
      store: () => ({
        fault: 'store-outage',
        faultNoun: `a ${o.outageS} s outage`,
        drainLimited: true,
        inject: storeOutage(proxy, { afterMs: at(0.2, 0.5), outageMs }),
      }),
      latency: () => ({
        fault: 'store-latency-errors',
        faultNoun: `connection resets, with 50–200 ms per chunk for ${o.outageS} s`,
        drainLimited: true,
        inject: storeFlakiness(proxy, { afterMs: at(0.1, 0.3), durationMs: outageMs, flakiness: { latencyMs: [50, 200], dropRate: 0.5, lifetimeMs: [200, 2000] } }),
      }),
    };
    for (const fault of o.faults) {
      const phase = phases[fault]();
      const report = await harness.run({ ...phase, cases: o.cases, seed: Math.floor(rand() * 2 ** 31), spreadMs, timeoutMs, progress: progress(phase.fault) });
      if (process.stdout.isTTY) process.stdout.write('\n');
      reports.push(report);
      console.log(`${summaryLine(report)}${passed(report) ? '' : '  FAILED'}`);
      for (const e of report.driveErrors.slice(0, 5)) console.log(`  drive error: ${e}`);
      for (const m of report.mismatches.slice(0, 5)) console.log(`  mismatch: ${m.id}: ${JSON.stringify(m.got)} (want ${JSON.stringify(m.want)})`);
    }
  } finally {
    await harness.close({ terminate: false });
    await proxy.close();
    await server.stop('SIGTERM');
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `faults-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavg: os.loadavg() };
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        startedAt: started.toISOString(),
        options: o,
        machine,
        temporalCli: server.cli,
        // Per phase: the figures and the first mismatches, not every case's outcome.
        phases: reports.map((r) => {
          const { results: _results, mismatches, ...figures } = r;
          return { summary: summaryLine(r), passed: passed(r), ...figures, mismatches: mismatches.slice(0, 10) };
        }),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`results: ${path.relative(ROOT, file)}`);
  const failed = reports.filter((r) => !passed(r));
  if (failed.length > 0) {
    console.log(`FAILED: ${failed.map((r) => r.fault).join(', ')}`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack ?? e.message : e);
    process.exit(1);
  },
);

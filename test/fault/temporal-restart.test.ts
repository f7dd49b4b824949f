/**
 * Fault injection, short in-suite variant (issue 7): the Temporal server restarts mid-run with its
 * database file kept. The test runs a Temporal CLI dev server of its own (test/fault/support/
 * temporalDevServer.ts: free 127.0.0.1 ports, `--db-filename <tmp>/temporal.db`, the flags of
 * scripts/dev-services.mjs), since the suite's shared one must not go away under other tests. While 20
 * selection plans are driven through SUBMIT and APPROVE it is stopped twice and started again on the same
 * ports with the same file: once cleanly (SIGTERM, down 1–2 s), once as a crash (SIGKILL, down 11–12 s).
 * The worker child and the test's client keep their connections and must reconnect by themselves (the
 * worker's polls retry UNAVAILABLE without limit, the client's calls retry with backoff, and the driver
 * retries starts and Updates with the same update id on top). Then the pass criteria of
 * test/fault/support.ts, and the drain after the crash within twice its outage (stop → serving again).
 *
 * Why the crash is down that long: what a crash loses comes back by timeouts, not by the restart. A
 * workflow task handed out just before it times out 10 s after it started (its start-to-close timeout),
 * and the worker's polls back off to 10 s between tries; an outage shorter than that is stretched by
 * them, so "twice the outage" would measure the timeouts. An activity task handed out just before it
 * would wait for its 30 s start-to-close timeout (no heartbeats): as in worker-kill.test.ts, the attempts
 * started before the crash and still open when the server is back are failed through the client (what a
 * heartbeat timeout would do), and the retry's idempotence is under test. The long variant
 * (bench/faults.ts, 30 s outages) needs neither shortcut.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectPassed, printReport } from './expect.js';
import { FaultHarness, requireEnv } from './support.js';
import { restartTemporal } from './support/faults.js';
import { TemporalDevServer } from './support/temporalDevServer.js';

describe('fault injection: the Temporal server restarts mid-run, its database kept', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dte-fault-temporal-'));
  let server: TemporalDevServer;
  let harness: FaultHarness;

  beforeAll(async () => {
    server = await TemporalDevServer.start(path.join(dir, 'temporal.db'));
    harness = await FaultHarness.open({ name: 'temporal', temporalAddress: server.address, storeUri: requireEnv('MONGODB_URI') });
    await harness.startWorker();
  });

  afterAll(async () => {
    await harness?.close({ terminate: false }); // the server goes with its workflows
    await server?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing, duplicates nothing, and drains within twice the outage', async () => {
    const report = await harness.run({
      fault: 'temporal-restart',
      faultNoun: 'dev server restarts, 1 SIGTERM + 1 SIGKILL',
      cases: 20,
      seed: 0x7e3a0,
      spreadMs: 6_000,
      timeoutMs: 80_000,
      drainLimited: true,
      inject: restartTemporal(server, [
        { signal: 'SIGTERM', afterMs: [1500, 2500], downMs: [1000, 2000] },
        { signal: 'SIGKILL', afterMs: [1500, 2500], downMs: [11000, 12000] },
      ], { failStranded: true }),
    });
    await printReport(harness, report);
    expectPassed(report, { faults: 2 });
  }, 110_000);
});

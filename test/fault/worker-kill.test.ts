/**
 * Fault injection, short in-suite variant (issue 7): the real worker runs as a child process
 * (test/fault/worker-process.ts) against the dev server and the store; 20 selection plans are driven
 * through SUBMIT and APPROVE concurrently while the worker is SIGKILLed three times at pseudo-random
 * moments (fixed seed) and restarted. Commands sent while no worker runs are retried by the driver with
 * the same update id, as a real client would. Afterwards every case must be exactly where two clean
 * reference cases are: same state, same audit chain length (seq 1..n, no gap, no duplicate, hashes
 * chained), same open tasks, same number of outbox documents, one delivery each; no workflow failed.
 * The driver, the assertions and the summary line are test/fault/support.ts's, shared with the other
 * fault tests and with the long variant (bench/faults.ts).
 *
 * One acceleration: an activity attempt that was running on the killed worker would be retried only
 * after its start-to-close timeout (30 s, 1 min for the outbox), as no activity heartbeats. While the
 * worker is down the test fails those attempts through the async-completion API (what a heartbeat
 * timeout would do), so the retry follows its retry policy at once and the test stays short. The
 * activity itself may have done its writes already: its idempotence is what is under test.
 *
 * The drain after the last kill is printed but not held to twice the outage: a kill's outage is under a
 * second, and what follows it is bounded by the activities' retry intervals (1 s and up), not by it.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectPassed, printReport } from './expect.js';
import { FaultHarness, requireEnv } from './support.js';
import { killWorker } from './support/faults.js';

describe('fault injection: the worker is SIGKILLed mid-run', () => {
  let harness: FaultHarness;

  beforeAll(async () => {
    harness = await FaultHarness.open({ name: 'kill', temporalAddress: requireEnv('TEMPORAL_ADDRESS'), storeUri: requireEnv('MONGODB_URI') });
    await harness.startWorker();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('loses no transition, applies none twice, duplicates no task or message, fails no workflow', async () => {
    const report = await harness.run({
      fault: 'worker-kill',
      faultNoun: 'worker SIGKILLs',
      cases: 20,
      seed: 0x5eed7,
      spreadMs: 5_000,
      timeoutMs: 80_000,
      inject: killWorker({ kills: 3, afterMs: [600, 2000], downMs: [300, 1000] }),
    });
    await printReport(harness, report);
    expectPassed(report, { faults: 3 });
  }, 110_000);
});

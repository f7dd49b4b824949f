/**
 * Determinism, the half test/replay/replay.test.ts cannot show (issue 7): running cases keep going across
 * a deploy of a workflow change made behind `patched()`. The replay test proves the change fails replay
 * bare (fixtures/changed.workflows.ts) and replays behind patched() (fixtures/patched.workflows.ts);
 * here the patched code is deployed under live cases.
 *
 * With the driver of test/fault/support.ts, on a worker child running today's bundle: 10 selection plans
 * are opened and SUBMITted, and wait there. Then that worker is stopped (SIGTERM, as a deploy stops it;
 * what it stranded is failed for retry) and a worker with the patched bundle
 * (fixtures/patched-deploy.workflows.ts: today's workflows with the patched selection plan) takes over
 * the task queue. The 10 running cases are APPROVEd on it: it replays their histories on the new code
 * (patched() is false for them) and must bring them to the same end as clean reference cases with no
 * failed workflow task (a non-determinism error would be one). 10 new cases, started after the deploy,
 * take the patched path (its marker in their history) and end the same.
 *
 * The driver sends a case's first command once its projection is in the store, as the API does (a
 * command route reads the case first and answers 404 before). Sent at once, as the other fault tests
 * do, SUBMIT is refused on the patched path ("No registered handler for update: command"): the
 * fixture's change awaits its probe activity before runCase registers the Update handler, and the SDK
 * refuses an Update that finds no handler at the end of its activation. The change is replay-safe, not
 * Update-safe: a real patched() change must register handlers before its first await.
 */
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPassed, printReport } from './expect.js';
import { FaultHarness, pollUntil, requireEnv, workflowBundleFile, type FaultContext } from './support.js';

const PATCH_ID = 'probe-calendar-before-opening';
const PATCHED_MODULE = fileURLToPath(new URL('./fixtures/patched-deploy.workflows.ts', import.meta.url));

describe('determinism: running cases keep going when a patched() change is deployed under them', () => {
  let harness: FaultHarness;
  let patchedBundle: string;

  beforeAll(async () => {
    harness = await FaultHarness.open({ name: 'patched', temporalAddress: requireEnv('TEMPORAL_ADDRESS'), storeUri: requireEnv('MONGODB_URI') });
    patchedBundle = await workflowBundleFile(PATCHED_MODULE);
    await harness.startWorker();
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** When the first workflow task completed, when the workflow started, and whether it took the patched path. */
  async function codePath(h: WorkflowHandle) {
    const events = (await h.fetchHistory()).events ?? [];
    const at = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
    const firstTask = events.find((e) => e.workflowTaskCompletedEventAttributes);
    const patched = events.some((e) =>
      Object.values(e.markerRecordedEventAttributes?.details ?? {}).some((p) => (p.payloads ?? []).some((x) => Buffer.from(x.data ?? []).toString().includes(PATCH_ID))),
    );
    return { startedAt: at(events[0]?.eventTime), firstTaskAt: at(firstTask?.eventTime), patched, lastEventAt: at(events.at(-1)?.eventTime) };
  }

  it('running cases replay on the patched code and finish as the reference; new cases take the patched path', async () => {
    const OLD = 10;
    const deploy = { from: 0, ready: 0 };
    let submitted = 0;
    let deployed!: () => void;
    const afterDeploy = new Promise<void>((r) => (deployed = r));
    const report = await harness.run({
      fault: 'patched-deploy',
      faultNoun: 'a deploy of the patched() change under running cases',
      cases: 2 * OLD,
      seed: 0xd3b10,
      spreadMs: 3_000,
      timeoutMs: 90_000,
      commandsAfterProjection: true,
      // Cases 0..9 open and SUBMIT on today's code, then wait for the deploy to APPROVE; 10..19 start after it.
      gate: async (i, step) => {
        if (i < OLD && step === 'APPROVE') {
          submitted += 1;
          await afterDeploy;
        } else if (i >= OLD && step === 'start') {
          await afterDeploy;
        }
      },
      inject: async ({ harness: h, handles, injected }: FaultContext) => {
        await pollUntil(async () => (submitted === OLD ? true : undefined), 60_000);
        deploy.from = Date.now();
        const old = await h.stopWorker('SIGTERM');
        if (old) await h.failStrandedActivities(handles, { identity: old.identity });
        await h.startWorker({ bundlePath: patchedBundle });
        deploy.ready = Date.now();
        injected({ from: deploy.from, to: deploy.ready });
        deployed();
      },
    });
    await printReport(harness, report);
    expectPassed(report, { faults: 1 });

    const paths = await Promise.all(report.results.map(async (r) => ({ id: r.id, ...(await codePath(harness.client.workflow.getHandle(r.id))) })));
    const running = paths.slice(0, OLD);
    const started = paths.slice(OLD);
    console.log(
      `patched-deploy: ${running.filter((p) => p.firstTaskAt < deploy.from && p.lastEventAt > deploy.ready).length} of ${OLD} running cases opened on the old code and went on after the deploy, ` +
        `${started.filter((p) => p.startedAt > deploy.ready).length} of ${OLD} started after it; ${paths.filter((p) => p.patched).length} on the patched path`,
    );
    // Running cases: opened on the old code, kept its path, went on after the deploy, ended as the reference (expectPassed).
    for (const p of running) expect({ id: p.id, openedBefore: p.firstTaskAt < deploy.from, wentOn: p.lastEventAt > deploy.ready, patched: p.patched }).toEqual({ id: p.id, openedBefore: true, wentOn: true, patched: false });
    // New cases: started after the deploy, took the patched path.
    for (const p of started) expect({ id: p.id, startedAfter: p.startedAt > deploy.ready, patched: p.patched }).toEqual({ id: p.id, startedAfter: true, patched: true });
  }, 150_000);
});

/** Issue 7's pass criteria as vitest assertions on a fault run's report (test/fault/support.ts). */
import { expect } from 'vitest';
import { summaryLine, type FaultHarness, type FaultReport } from './support.js';

/** Prints the summary line (and with FAULT_TRACE=1 the longest waits and outage windows). */
export async function printReport(harness: FaultHarness, r: FaultReport, extra = ''): Promise<void> {
  console.log(`${summaryLine(r)}${extra}`);
  if (process.env.FAULT_TRACE === '1') {
    console.log(`outages: ${JSON.stringify(r.outages.map((o) => [new Date(o.from).toISOString().slice(11, 23), new Date(o.to).toISOString().slice(11, 23)]))}`);
    console.log((await harness.longestWaits(r.results.map((c) => c.id))).join('\n'));
  }
}

export function expectPassed(r: FaultReport, { faults }: { faults: number }): void {
  expect(r.driveErrors).toEqual([]);
  expect(r.faults).toBe(faults);
  for (const ref of Object.values(r.reference)) {
    expect(ref).toMatchObject({ status: 'approved', openTasks: ['publishNotice'], workflowStatus: 'RUNNING', workflowTasksFailed: 0, chained: true });
  }
  // Every case exactly as its reference: state, seq, audit 1..n chained, tasks, outbox, running, no failed workflow task.
  for (const { id, organiser, outcome } of r.results) {
    const ref = r.reference[organiser];
    expect({ id, ...outcome }).toEqual({ id, ...ref, auditSeqs: Array.from({ length: ref.seq }, (_, j) => j + 1) });
  }
  expect(r.mismatches).toHaveLength(0);
  // Workflow count = projection count; inbox and outbox as the references have them; one delivery per outbox document.
  expect(r.counts).toEqual(r.expected);
  expect(r.lost).toBe(0);
  expect(r.duplicated).toBe(0);
  expect(r.failedWorkflowTasks).toBe(0);
  expect(r.workerCrashes).toBe(0);
  if (r.drainLimited) expect(r.drainMs).toBeLessThanOrEqual(2 * r.outageMs);
}

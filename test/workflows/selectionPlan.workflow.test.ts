/**
 * The selection plan workflow (R7.1) on the time-skipping test server: every branch, a reminder,
 * an overdue escalation, a deadline months away, continue-as-new with a deadline pending across it,
 * and recomputation when a year's calendar is loaded. Months of workflow time pass in seconds.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../rules/actors.js';
import { bundledYears, shanghaiDate } from '../../rules/calendar/index.js';
import { caseViewQuery, commandUpdate, recomputeDeadlinesSignal, selectionPlanWorkflow } from '../../workflows/index.js';
import { fakeActivities } from '../support/fakeActivities.js';
import { useTimeSkippingEnv, workflowBundle } from '../support/temporal.js';
import { draft, notice } from '../fixtures/selectionPlan.js';
import { gdLeader, gdOfficer, natLeader, natOfficer } from '../fixtures/principals.js';

const DAY = 86_400_000;
const testEnv = useTimeSkippingEnv();
let seq = 0;

async function withWorker<T>(fake: ReturnType<typeof fakeActivities>, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `tq-${++seq}-${Date.now()}`;
  const worker = await Worker.create({ connection: testEnv().nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fake.activities });
  return worker.runUntil(fn(taskQueue));
}

function startPlan(taskQueue: string, id: string, organiser: 'national' | 'province:44' = 'national', continueAsNewAfterEvents?: number) {
  return testEnv().client.workflow.start(selectionPlanWorkflow, {
    workflowId: `selection-plan:${organiser}:${id}-${Date.now()}`,
    taskQueue,
    args: [{ input: { kind: organiser === 'national' ? 'evaluation' : 'training', organiser, draft, createdBy: organiser === 'national' ? natOfficer : gdOfficer }, continueAsNewAfterEvents }],
  });
}

const send = (h: WorkflowHandle, type: string, payload: Record<string, unknown>, actor: Principal) =>
  h.executeUpdate(commandUpdate, { args: [{ type, payload, actor }] });

async function rejection(p: Promise<unknown>): Promise<{ type: string; message: string; details: unknown }> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (e as WorkflowUpdateFailedError).cause as unknown as { type: string; message: string; details?: unknown[] };
  return { type: cause.type, message: cause.message, details: cause.details?.[0] };
}

/**
 * Ends a case the way its organiser would (cancel, then await the result). Terminating a workflow while
 * a workflow task is in flight leaks a time-skipping lock in the Java test server and stalls later sleeps.
 */
async function cancelCase(h: WorkflowHandle, actor: Principal = natOfficer) {
  await send(h, 'CANCEL', { reason: 'test finished' }, actor);
  expect((await h.result()).state).toBe('cancelled');
}

async function todayInShanghai(): Promise<string> {
  return shanghaiDate(new Date(await testEnv().currentTimeMs()).toISOString());
}
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

function saveHistory(name: string, h: WorkflowHandle) {
  if (process.env.UPDATE_REPLAY_FIXTURES !== '1') return Promise.resolve();
  return h.fetchHistory().then((history) => {
    writeFileSync(fileURLToPath(new URL(`../replay/histories/${name}.json`, import.meta.url)), historyToJSON(history));
  });
}

describe('selection plan workflow (R7.1)', () => {
  it('R7.1 drafted → submitted → returned → resubmitted → approved → notice published → window closes months later', async () => {
    const fake = fakeActivities();
    await withWorker(fake, async (tq) => {
      const h = await startPlan(tq, 'all-branches');
      await send(h, 'SUBMIT', {}, natOfficer);
      const returned = await send(h, 'RETURN', { comments: 'State the application requirements.' }, natLeader);
      expect(returned.status.code).toBe('drafting');
      expect(returned.tasks.map((t) => t.key)).toEqual(['draft-2']);
      await send(h, 'EDIT_DRAFT', { draft: { ...draft, requirements: 'R6.1–R6.5 in full.' } }, natOfficer);
      await send(h, 'SUBMIT', {}, natOfficer);
      const approved = await send(h, 'APPROVE', { comments: 'Agreed.' }, natLeader);
      expect(approved.status.code).toBe('approved');
      expect(approved.tasks[0]).toMatchObject({ key: 'publishNotice', step: 'selectionPlan.publishNotice' });

      const today = await todayInShanghai();
      const closes = plusDays(today, 150); // a deadline about five months away: far past setTimeout's 24.8 days
      const published = await send(h, 'PUBLISH_NOTICE', notice(plusDays(today, 1), closes), natOfficer);
      expect(published.status.code).toBe('noticePublished');
      const view = await h.query(caseViewQuery);
      const windowCloses = view.deadlines.find((d) => d.name === 'applicationWindowCloses')!;
      expect(windowCloses.date).toBe(closes);

      const result = await h.result();
      expect(result.state).toBe('applicationWindowClosed');
      expect(await testEnv().currentTimeMs()).toBeGreaterThanOrEqual(Date.parse(windowCloses.at));

      const audit = fake.audit(h.workflowId);
      expect(audit.map((a) => a.seq)).toEqual(audit.map((_, i) => i + 1));
      expect(audit.map((a) => a.event.type)).toEqual([
        'case.opened', 'SUBMIT', 'deadlines.set', 'RETURN', 'EDIT_DRAFT', 'SUBMIT', 'deadlines.set', 'APPROVE', 'deadlines.set',
        'PUBLISH_NOTICE', 'deadlines.set', 'deadline.reached',
      ]);
      const reached = audit.at(-1)!;
      expect(reached).toMatchObject({ rule: 'R7.2', from: 'noticePublished', to: 'applicationWindowClosed', actor: { id: 'system' } });
      expect(Date.parse(reached.at)).toBeGreaterThanOrEqual(Date.parse(windowCloses.at));
      expect(Date.parse(reached.at) - Date.parse(windowCloses.at)).toBeLessThan(1000);
      // Tasks: each one closed by the action that completed it.
      const closed = fake.batches.flatMap((b) => b.closedTasks.map((t) => [t.key, t.status, t.outcome.action]));
      expect(closed).toEqual([
        ['draft-1', 'done', 'SUBMIT'], ['approve-1', 'done', 'RETURN'], ['draft-2', 'done', 'SUBMIT'], ['approve-2', 'done', 'APPROVE'], ['publishNotice', 'done', 'PUBLISH_NOTICE'],
      ]);
      expect(fake.messages('selectionPlan.applicationWindowClosed')).toHaveLength(1);
      await saveHistory('selectionPlan-all-branches', h);
    });
  });

  it('R7.1 an unanswered approval gets a reminder at 09:00 two working days before it is due, then turns overdue and escalates', async () => {
    const fake = fakeActivities();
    await withWorker(fake, async (tq) => {
      const h = await startPlan(tq, 'overdue', 'province:44');
      await send(h, 'SUBMIT', {}, gdOfficer);
      const { deadlines } = await h.query(caseViewQuery);
      const due = deadlines.find((d) => d.name === 'approvalDue')!;
      const reminder = deadlines.find((d) => d.name === 'approvalReminder1')!;
      expect(due.explanation.text).toContain('10 working days');
      expect(reminder.at < due.at).toBe(true);

      await testEnv().sleep(Date.parse(due.at) - (await testEnv().currentTimeMs()) + 60_000);
      const view = await h.query(caseViewQuery, { role: 'officer', unit: 'national' });
      expect(view.status.code).toBe('submitted.overdue');
      const reminders = fake.messages('selectionPlan.approvalReminder');
      expect(reminders).toHaveLength(1);
      expect(reminders[0]!.to).toEqual([{ role: 'leader', unit: 'province:44' }]);
      expect(Date.parse(reminders[0]!.at)).toBeGreaterThanOrEqual(Date.parse(reminder.at));
      expect(fake.messages('selectionPlan.approvalOverdue')).toHaveLength(1);
      const escalation = view.tasks.find((t) => t.escalation)!;
      expect(escalation).toMatchObject({ key: 'escalation-1', assignee: { role: 'officer', unit: 'national' } });
      expect(view.availableActions.map((a) => a.type)).toEqual(['RESOLVE_ESCALATION']);
      expect(view.tasks.find((t) => t.key === 'approve-1')!.remindersSent).toHaveLength(1);

      await send(h, 'RESOLVE_ESCALATION', { note: 'Phoned the provincial leader.' }, { id: 'n', name: 'n', role: 'officer', unit: 'national' });
      const approved = await send(h, 'APPROVE', {}, gdLeader);
      expect(approved.status.code).toBe('approved');
      await saveHistory('selectionPlan-overdue', h);
      await cancelCase(h, gdOfficer);
    });
  });

  it('R7.1 commands are validated before anything changes: state, role, jurisdiction, payload, semantics', async () => {
    const fake = fakeActivities();
    await withWorker(fake, async (tq) => {
      const h = await startPlan(tq, 'validation');
      expect(await rejection(send(h, 'APPROVE', {}, natLeader))).toMatchObject({ type: 'InvalidState' });
      expect(await rejection(send(h, 'SUBMIT', {}, natLeader))).toMatchObject({ type: 'Forbidden', message: expect.stringContaining('officer@national') });
      expect(await rejection(send(h, 'SUBMIT', {}, gdOfficer))).toMatchObject({ type: 'Forbidden' });
      expect(await rejection(send(h, 'NOPE', {}, natOfficer))).toMatchObject({ type: 'UnknownCommand' });
      expect(await rejection(send(h, 'EDIT_DRAFT', { draft: { ...draft, title: '' } }, natOfficer))).toMatchObject({
        type: 'InvalidInput',
        details: { fields: [expect.objectContaining({ field: '/draft/title' })] },
      });
      expect(await rejection(send(h, 'SUBMIT', { extra: 1 }, natOfficer))).toMatchObject({ type: 'InvalidInput' });
      await send(h, 'SUBMIT', {}, natOfficer);
      expect(await rejection(send(h, 'RETURN', { comments: '' }, natLeader))).toMatchObject({ type: 'InvalidInput', details: { rule: 'R7.1' } });
      await send(h, 'APPROVE', {}, natLeader);
      const today = await todayInShanghai();
      const late = await rejection(send(h, 'PUBLISH_NOTICE', notice(plusDays(today, -1), plusDays(today, 30)), natOfficer));
      expect(late).toMatchObject({ type: 'InvalidInput', details: { rule: 'R7.1', fields: [expect.objectContaining({ field: '/applicationWindow/opens' })] } });
      const shortWindow = await rejection(send(h, 'PUBLISH_NOTICE', notice(today, plusDays(today, 2)), natOfficer));
      expect(shortWindow.details).toMatchObject({ fields: [expect.objectContaining({ field: '/applicationWindow/closes' })] });
      const foreign = await rejection(send(h, 'PUBLISH_NOTICE', { ...notice(today, plusDays(today, 30)), occupations: [{ code: '2-02-10-99', name: 'x' }] }, natOfficer));
      expect(foreign.details).toMatchObject({ fields: [expect.objectContaining({ field: '/occupations/0/code', rule: 'R7.1' })] });
      const badDate = await rejection(send(h, 'PUBLISH_NOTICE', notice('2026-02-30', plusDays(today, 30)), natOfficer));
      expect(badDate).toMatchObject({ type: 'InvalidInput' });
      // Rejections recorded nothing: only the opening, SUBMIT (+ its deadlines) and APPROVE (+ its deadlines).
      expect(fake.audit(h.workflowId).map((a) => a.event.type)).toEqual(['case.opened', 'SUBMIT', 'deadlines.set', 'APPROVE', 'deadlines.set']);
      await cancelCase(h);
    });
  });

  it('continues-as-new with its snapshot, and a deadline pending across the boundary still fires on time', async () => {
    const fake = fakeActivities();
    await withWorker(fake, async (tq) => {
      const h = await startPlan(tq, 'can', 'national', 3);
      await send(h, 'SUBMIT', {}, natOfficer); // events: opened, SUBMIT, deadlines.set → 3: continue-as-new
      const due = (await h.query(caseViewQuery)).deadlines.find((d) => d.name === 'approvalDue')!;
      await testEnv().sleep(Date.parse(due.at) - (await testEnv().currentTimeMs()) + 1000);
      const description = await h.describe();
      expect(description.runId).not.toBe(h.firstExecutionRunId);
      const view = await h.query(caseViewQuery);
      expect(view.status.code).toBe('submitted.overdue');
      const reached = fake.audit(h.workflowId).find((a) => a.event.type === 'deadline.reached' && a.event.name === 'approvalDue')!;
      expect(Date.parse(reached.at) - Date.parse(due.at)).toBeGreaterThanOrEqual(0);
      expect(Date.parse(reached.at) - Date.parse(due.at)).toBeLessThan(1000);
      // The reminder fired once, before the boundary or after it, never twice.
      expect(fake.messages('selectionPlan.approvalReminder')).toHaveLength(1);
      const seqs = fake.audit(h.workflowId).map((a) => a.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      await send(h, 'APPROVE', {}, natLeader);
      await cancelCase(h);
      // The run that started from a snapshot, armed the pending deadline and continued again.
      await saveHistory('selectionPlan-continued', testEnv().client.workflow.getHandle(h.workflowId, description.runId));
    });
  });

  it('Time: deadlines in a year without a published arrangement are provisional and are recomputed when it is loaded', async () => {
    // Move workflow time into the first year the bundled State Council data does not cover.
    // Earlier tests in this file already moved the (shared) test server clock forward, so pick a year ahead of it.
    const now = await testEnv().currentTimeMs();
    const year = Math.max(Math.max(...bundledYears()) + 1, new Date(now).getUTCFullYear() + 1);
    await testEnv().sleep(Date.parse(`${year}-03-02T01:00:00Z`) - now);
    const fake = fakeActivities();
    await withWorker(fake, async (tq) => {
      const h = await startPlan(tq, 'recompute');
      await send(h, 'SUBMIT', {}, natOfficer);
      const due = (await h.query(caseViewQuery)).deadlines.find((d) => d.name === 'approvalDue')!;
      expect(due.provisional).toBe(true);
      expect(due.date.startsWith(String(year))).toBe(true);
      // The official arrangement arrives and makes the provisional due date a holiday: the deadline moves.
      fake.arrangements.push({ year, holidays: [{ date: due.date, name: '测试假日' }], workdays: [], source: 'test arrangement' });
      await h.signal(recomputeDeadlinesSignal, { years: [year] });
      await testEnv().sleep(1000);
      const after = (await h.query(caseViewQuery)).deadlines;
      const moved = after.find((d) => d.name === 'approvalDue')!;
      expect(moved.provisional).toBe(false);
      expect(moved.date > due.date).toBe(true);
      expect(moved.explanation.skipped).toContainEqual(expect.objectContaining({ date: due.date }));
      // The reminder hangs on the due date and moved with it.
      const reminder = after.find((d) => d.name === 'approvalReminder1')!;
      expect(reminder.date > due.date || reminder.provisional === false).toBe(true);
      const audit = fake.audit(h.workflowId);
      expect(audit.at(-1)).toMatchObject({ event: { type: 'deadlines.set' }, actor: { id: 'system' } });
      await cancelCase(h);
    });
  });
});

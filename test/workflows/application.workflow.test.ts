/**
 * An application (R7.2–R7.5) on the time-skipping server with the real R7.3 draw: recommendation,
 * review, a random panel with a replacement, votes, recheck, the round's notice outcome by signal; and a
 * missed correction deadline withdrawing the application.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import type { ApplicationInput } from '../../machines/application.machine.js';
import type { Principal } from '../../rules/actors.js';
import { shanghaiDate } from '../../rules/calendar/dates.js';
import { commitSeed, verifyDraw, type DrawRequest, type DrawResult, type PoolSnapshot } from '../../rules/draw/index.js';
import { applicationWorkflow, caseEventSignal, caseViewQuery, commandUpdate } from '../../workflows/index.js';
import { gdOfficer, natOfficer } from '../fixtures/principals.js';
import { fakeActivities } from '../support/fakeActivities.js';
import { saveHistory, useTimeSkippingEnv, workflowBundle } from '../support/temporal.js';
import { expertPool } from '../fixtures/experts.js';

const testEnv = useTimeSkippingEnv();

const field = '2-02-10-09';
// e1 works for the applicant: recused (R7.3)
const experts = expertPool(8, field, (i) => (i === 0 ? 'institution:i001' : `org-${i}`));
const institution: Principal = { id: 'inst-001', name: '示例评价中心', role: 'institution', unit: 'institution:i001' };
const expert = (id: string): Principal => ({ id: `u-${id}`, name: id, role: 'expert', unit: `expert:${id}` });
const input = (): Omit<ApplicationInput, 'caseId' | 'createdAt'> => ({
  roundId: 'selection-round:national:test',
  kind: 'evaluation',
  organiser: 'national',
  institution: { id: 'i001', name: '示例评价中心', province: '44' },
  occupation: { code: field, name: '人工智能工程技术人员' },
  recommender: 'province:44',
  priority: 'nationalStandardDeveloper',
  facts: {},
  flags: [],
  panelSize: 5,
  createdBy: institution,
});

let n = 0;
async function withWorker<T>(fake: ReturnType<typeof fakeActivities>, fn: (tq: string) => Promise<T>): Promise<T> {
  const taskQueue = `app-${++n}-${Date.now()}`;
  const worker = await Worker.create({ connection: testEnv().nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fake.activities });
  return worker.runUntil(fn(taskQueue));
}
const start = (tq: string, name: string) =>
  testEnv().client.workflow.start(applicationWorkflow, { workflowId: `application:test:i001:${field}:${name}-${Date.now()}`, taskQueue: tq, args: [{ input: input() }] });
const send = (h: WorkflowHandle, type: string, payload: Record<string, unknown>, actor: Principal) => h.executeUpdate(commandUpdate, { args: [{ type, payload, actor }] });

describe('application workflow (R7.2–R7.5)', () => {
  it('R7.3 missing the correction deadline withdraws the application', async () => {
    const fake = fakeActivities([], experts);
    await withWorker(fake, async (tq) => {
      const h = await start(tq, 'correction');
      await send(h, 'CONFIRM_RECOMMENDATION', {}, gdOfficer);
      await send(h, 'RETURN_FOR_CORRECTION', { items: '补充近三年培训人次证明', workingDays: 3 }, natOfficer);
      const due = (await h.query(caseViewQuery)).deadlines.find((d) => d.name === 'correctionDue')!;
      expect(due.explanation.text).toContain('3 working days');
      const result = await h.result();
      expect(result.state).toBe('withdrawn');
      const last = fake.audit(h.workflowId).at(-1)!;
      expect(last).toMatchObject({ event: { type: 'deadline.reached', name: 'correctionDue' }, rule: 'R7.3' });
      expect(Date.parse(last.at)).toBeGreaterThanOrEqual(Date.parse(due.at));
    });
  });

  it('R7.3 a pool too small to form a panel stops for the organiser, not a crash', async () => {
    const fake = fakeActivities([], experts.slice(0, 4));
    await withWorker(fake, async (tq) => {
      const h = await start(tq, 'small-pool');
      await send(h, 'CONFIRM_RECOMMENDATION', {}, gdOfficer);
      const r = await send(h, 'PASS_REVIEW', {}, natOfficer);
      expect(r.state).toEqual({ expertReview: 'panelUnavailable' });
      expect(r.tasks.map((t) => t.step)).toEqual(['application.redraw']);
      expect(fake.messages('application.panelUnavailable')[0]!.body).toContain('eligible');
      await send(h, 'WITHDRAW', { reason: 'test finished' }, institution);
      expect((await h.result()).state).toBe('withdrawn');
    });
  });
  // Last: publishing starts a listing case whose timers run for years; the Java test server can hold its
  // time-skipping lock after such a run, so no test that needs skipped time comes after this one.
  it('R7.3 a random panel with recusal and a replacement votes; R7.4 the recheck confirms; the round publishes it', async () => {
    const fake = fakeActivities([], experts);
    await withWorker(fake, async (tq) => {
      const h = await start(tq, 'happy');
      await send(h, 'CONFIRM_RECOMMENDATION', { comments: '同意推荐' }, gdOfficer);
      await send(h, 'PASS_REVIEW', {}, natOfficer);
      const view = await h.query(caseViewQuery);
      const voters = view.tasks.filter((t) => t.step === 'application.vote').map((t) => t.assignee.unit.slice('expert:'.length));
      expect(voters).toHaveLength(5);
      expect(voters).not.toContain('e1');

      // The draw is recorded with its commitment, pool snapshot and proof, and re-runs to the same panel.
      const record = [...fake.draws.values()][0] as { seed: string; seedCommitment: string; pool: PoolSnapshot; request: DrawRequest; result: DrawResult };
      expect(record.seedCommitment).toBe(commitSeed(record.seed));
      expect(record.result.exclusions).toContainEqual(expect.objectContaining({ expertId: 'e1', reason: 'employed-by-applicant' }));
      expect(verifyDraw(record.pool, record.request, record.result)).toEqual({ valid: true, problems: [] });

      // An outsider cannot vote; a member declines and the first of the reserve takes the seat.
      const outsider = await h.executeUpdate(commandUpdate, { args: [{ type: 'CAST_VOTE', payload: { recommend: true, comments: 'x' }, actor: expert('e1') }] }).catch((e: unknown) => e);
      expect(outsider).toBeInstanceOf(WorkflowUpdateFailedError);
      await send(h, 'DECLINE_PANEL', { reason: '出差' }, expert(voters[0]!));
      const after = (await h.query(caseViewQuery)).tasks.filter((t) => t.step === 'application.vote').map((t) => t.assignee.unit.slice('expert:'.length));
      expect(after).toHaveLength(5);
      expect(after).not.toContain(voters[0]);
      expect(after).toContain(record.result.reserve[0]);

      for (const id of after) await send(h, 'CAST_VOTE', { recommend: id !== after[4], score: 85, comments: '材料完整' }, expert(id));
      const rechecked = await send(h, 'CONFIRM_RESULT', { comments: '复核同意' }, natOfficer);
      expect(rechecked.status.code).toBe('recommended');

      // The round's events arrive as signals (the round case itself is issue #3's next step).
      await h.signal(caseEventSignal, { type: 'round.listApproved', from: 'selection-round:national:test' });
      await h.signal(caseEventSignal, { type: 'round.bogus', from: 'selection-round:national:test' });
      await h.signal(caseEventSignal, { type: 'round.published', publishedAt: '2026-12-01T02:00:00.000Z', from: 'selection-round:national:test' });
      const result = await h.result();
      expect(result.state).toBe('published');
      const types = fake.audit(h.workflowId).map((a) => a.event.type);
      expect(types).toEqual(expect.arrayContaining(['panel.drawn', 'DECLINE_PANEL', 'CAST_VOTE', 'CONFIRM_RESULT', 'round.listApproved', 'round.published']));
      expect(types).not.toContain('round.bogus');
      // The published application opened its listing case (R5.2); the institution withdraws it (R20.3) to end the test cleanly.
      const listing = testEnv().client.workflow.getHandle(`listing:evaluation:i001:${field}`);
      expect((await listing.query(caseViewQuery)).status.code).toBe('valid');
      await send(listing, 'WITHDRAW', { effectiveOn: shanghaiDate(new Date(await testEnv().currentTimeMs()).toISOString()), reason: '测试结束' }, institution);
      expect((await listing.result()).state).toBe('withdrawn');
      await saveHistory('application-published', h);
    });
  });
});

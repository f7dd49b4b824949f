/**
 * A selection round with several applicants on the time-skipping server: real round and application
 * workflows signalling each other through the host. Covers rejected at review, returned and corrected,
 * returned and missed the correction deadline, an expert who declines and is replaced, not recommended,
 * overruled at recheck with a reason, an objection dismissed and one upheld, and publication after the
 * 5-working-day notice (R7.2–R7.5).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import type { ApplicationInput } from '../../machines/application.machine.js';
import { PUBLIC_PRINCIPAL, type Principal } from '../../rules/actors.js';
import { shanghaiDate } from '../../rules/calendar/index.js';
import { applicationWorkflow, caseEventSignal, caseViewQuery, commandUpdate, roundWorkflow } from '../../workflows/index.js';
import { gdOfficer, natLeader, natOfficer } from '../fixtures/principals.js';
import { fakeActivities } from '../support/fakeActivities.js';
import { useTimeSkippingEnv, workflowBundle } from '../support/temporal.js';
import { expertPool } from '../fixtures/experts.js';

const testEnv = useTimeSkippingEnv();

const field = '2-02-10-09';
const experts = expertPool(9, field);
const expert = (id: string): Principal => ({ id: `u-${id}`, name: id, role: 'expert', unit: `expert:${id}` });
const institution = (id: string): Principal => ({ id: `u-${id}`, name: id, role: 'institution', unit: `institution:${id}` });
const DAY = 86_400_000;
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

const send = (h: WorkflowHandle, type: string, payload: Record<string, unknown>, actor: Principal) => h.executeUpdate(commandUpdate, { args: [{ type, payload, actor }] });

describe('selection round with several applicants (R7.2–R7.5)', () => {
  it('runs every branch and publishes the survivors after the public notice', async () => {
    const fake = fakeActivities([], experts);
    const taskQueue = `round-${Date.now()}`;
    const worker = await Worker.create({ connection: testEnv().nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fake.activities });
    await worker.runUntil(async () => {
      const today = shanghaiDate(new Date(await testEnv().currentTimeMs()).toISOString());
      const roundId = `selection-round:national:test-${Date.now()}`;
      const round = await testEnv().client.workflow.start(roundWorkflow, {
        workflowId: roundId,
        taskQueue,
        args: [{ input: { kind: 'evaluation', organiser: 'national', planId: 'selection-plan:national:test', notice: { documentNumber: '人社厅发〔2026〕99号', occupations: [{ code: field, name: '人工智能工程技术人员' }], applicationWindow: { opens: today, closes: plusDays(today, 20) } }, createdBy: natOfficer } }],
      });

      // Five institutions apply; each application registers with the round (as the API's intake does).
      const names = ['a', 'b', 'c', 'd', 'e'];
      const apps: Record<string, WorkflowHandle> = {};
      for (const [i, id] of names.entries()) {
        const input: Omit<ApplicationInput, 'caseId' | 'createdAt'> = {
          roundId, kind: 'evaluation', organiser: 'national', institution: { id, name: `机构${id}`, province: '44' },
          occupation: { code: field, name: '人工智能工程技术人员' }, recommender: 'province:44', priority: i === 0 ? 'nationalStandardDeveloper' : 'other',
          facts: {}, flags: [], panelSize: 5, createdBy: institution(id),
        };
        const caseId = `application:${roundId}:${id}:${field}`;
        apps[id] = await testEnv().client.workflow.start(applicationWorkflow, { workflowId: caseId, taskQueue, args: [{ input }] });
        await round.signal(caseEventSignal, { type: 'application.registered', application: caseId, priority: input.priority, flags: 0, institutionId: id, occupationCode: field });
        await send(apps[id]!, 'CONFIRM_RECOMMENDATION', {}, gdOfficer);
      }
      const { a, b, c, d, e } = apps as Record<'a' | 'b' | 'c' | 'd' | 'e', WorkflowHandle>;

      // b: rejected at review. c: returned, corrected, passed. d: returned, misses the correction deadline.
      await send(b, 'REJECT', { reason: '不具备独立法人资格' }, natOfficer);
      await send(c, 'RETURN_FOR_CORRECTION', { items: '补充证明', workingDays: 30 }, natOfficer);
      await send(c, 'SUBMIT_CORRECTION', { note: '已补充' }, institution('c'));
      await send(d, 'RETURN_FOR_CORRECTION', { items: '补充证明', workingDays: 1 }, natOfficer);

      // Panels: a recommended (after one member declines and is replaced); c not recommended but overruled; e not recommended.
      const vote = async (h: WorkflowHandle, yes: number, declineFirst = false) => {
        let voters = (await h.query(caseViewQuery)).tasks.filter((t) => t.step === 'application.vote').map((t) => t.assignee.unit.slice(7));
        if (declineFirst) {
          await send(h, 'DECLINE_PANEL', { reason: '时间冲突' }, expert(voters[0]!));
          voters = (await h.query(caseViewQuery)).tasks.filter((t) => t.step === 'application.vote').map((t) => t.assignee.unit.slice(7));
        }
        for (const [i, v] of voters.entries()) await send(h, 'CAST_VOTE', { recommend: i < yes, comments: '意见' }, expert(v));
      };
      for (const h of [a, c, e]) await send(h, 'PASS_REVIEW', {}, natOfficer);
      await vote(a, 4, true);
      await vote(c, 2);
      await vote(e, 1);
      await send(a, 'CONFIRM_RESULT', {}, natOfficer);
      await send(c, 'OVERRULE', { recommended: true, reason: '国家职业标准开发参与单位，专家意见分歧（R7.0）' }, natOfficer);
      await send(e, 'CONFIRM_RESULT', {}, natOfficer);

      // The window closes (and d's correction deadline passes): the round reviews, then awaits the leader.
      await testEnv().sleep(21 * DAY);
      expect((await d.describe()).status.name).toBe('COMPLETED');
      let view = await round.query(caseViewQuery);
      expect(view.status.code).toMatch(/^approval/);
      const approve = view.tasks.find((t) => t.actions.includes('APPROVE_LIST'))!;
      expect(approve.assignee).toEqual({ role: 'leader', unit: 'national' });
      // The list: a (a national standard developer, R7.0 priority) before c.
      expect((view.context as { list: string[] }).list).toEqual([a.workflowId, c.workflowId]);

      await send(round, 'APPROVE_LIST', { comments: '同意公示' }, natLeader);
      view = await round.query(caseViewQuery);
      const noticeEnds = view.deadlines.find((dl) => dl.name === 'noticeEnds')!;
      expect(noticeEnds.explanation.text).toContain('5 working days');
      await testEnv().sleep(1000);
      expect((await a.query(caseViewQuery)).status.code).toBe('onNotice');

      // The public objects to both; the one against c is upheld, the one against a dismissed.
      await send(round, 'FILE_OBJECTION', { application: a.workflowId, text: '该机构存在虚假宣传' }, PUBLIC_PRINCIPAL);
      await send(round, 'FILE_OBJECTION', { application: c.workflowId, text: '该机构曾有失信记录', contact: '138****0000' }, PUBLIC_PRINCIPAL);
      await send(round, 'DISMISS_OBJECTION', { objectionId: 'objection-1', reason: '经核实不属实' }, natOfficer);
      await send(round, 'UPHOLD_OBJECTION', { objectionId: 'objection-2', reason: '经核实存在失信记录' }, natOfficer);

      const roundResult = await round.result();
      expect(roundResult.state).toBe('published');
      expect((await a.result()).state).toBe('published');
      expect((await c.result()).state).toBe('removedByObjection');
      expect((await b.result()).state).toBe('rejected');
      expect((await d.result()).state).toBe('withdrawn');
      expect((await e.result()).state).toBe('notRecommended');

      // Publication waited for the notice to end (R7.4) and names the publication instant.
      const published = fake.audit(roundId).find((x) => x.to === 'published')!;
      expect(Date.parse(published.at)).toBeGreaterThanOrEqual(Date.parse(noticeEnds.at));
      const aAudit = fake.audit(a.workflowId).map((x) => x.event.type);
      expect(aAudit).toEqual(expect.arrayContaining(['round.listApproved', 'round.published']));
      // R7.5 / R5: only the survivor enters the directory.
      // The published application opened its listing case, which enters the directory (R5.1).
      const listingId = `listing:evaluation:a:${field}`;
      const listing = testEnv().client.workflow.getHandle(listingId);
      expect((await listing.query(caseViewQuery)).status.code).toBe('valid');
      for (let i = 0; i < 100 && !fake.batches.some((x) => x.case.caseId === listingId); i++) await new Promise((r) => setTimeout(r, 50));
      const listingEntries = fake.batches.filter((x) => x.directory).map((x) => [x.case.caseId, x.directory!.change, x.directory!.entry.status]);
      expect(listingEntries[0]).toEqual([listingId, 'published', 'valid']);
      expect(listingEntries.every(([id]) => id === listingId)).toBe(true);
      // R20.3: the institution withdraws (no bar), which also ends the listing case before the test's worker stops.
      await send(listing, 'WITHDRAW', { effectiveOn: shanghaiDate(new Date(await testEnv().currentTimeMs()).toISOString()), reason: '业务调整' }, institution('a'));
      expect((await listing.result()).state).toBe('withdrawn');
      expect(fake.bars).toEqual([]);
      // Objection contact details never reach a notification.
      expect(JSON.stringify(fake.notifications)).not.toContain('138****0000');
    });
  });
});

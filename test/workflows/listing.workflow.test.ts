/**
 * Whole listing lifecycles (R5.2, R9, R14.2, R20.3) on the time-skipping server: years of durable
 * timers in seconds. Each test drives a listing the way its users would — the institution files
 * annual reports and renewals, the industry department consents, the organiser audits — and checks
 * what the regulation fixes: every reminder on its day and delivered once, the R9.2 judgement at
 * the renewal deadline, the R9.3 bar, one workflow run per validity period, and the escalation of a
 * missing annual report.
 *
 * Dates: the test server's clock starts at the real "now", only moves forward, and is shared by the
 * tests of this file, so each listing is published on 12 October of the year after the server's
 * current one (Y): valid Y-10-12 … (Y+3)-10-11, renewal deadline (Y+3)-07-11 — the arithmetic of
 * the 2026-10-12 → 2029-10-11 / 2029-07-11 example, which the machine and rules tests pin down.
 * Years without a published holiday arrangement make the working-day escalation dates provisional
 * (statutory holidays only), as in production.
 */
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { ListingInput } from '../../machines/listing.machine.js';
import { SYSTEM_PRINCIPAL, type Principal } from '../../rules/actors.js';
import { caseViewQuery, commandUpdate, listingWorkflow } from '../../workflows/index.js';
import { gdOfficer, institution } from '../fixtures/principals.js';
import { fakeActivities } from '../support/fakeActivities.js';
import { saveHistory, useTimeSkippingEnv, workflowBundle } from '../support/temporal.js';

const testEnv = useTimeSkippingEnv();

const miitOfficer: Principal = { id: 'miit-officer', name: 'industry department', role: 'officer', unit: 'industry:miit' };
const input = (y: number): Omit<ListingInput, 'caseId' | 'createdAt'> => ({
  listingId: 'training:i001:2-02-10-09',
  kind: 'training',
  institution: { id: 'i001', name: '示例培训学院', province: '44' },
  occupation: { code: '2-02-10-09', name: '人工智能工程技术人员' },
  organiser: 'province:44',
  recommender: 'industry:miit',
  publishedOn: `${y}-10-12`,
  createdBy: SYSTEM_PRINCIPAL,
});

let n = 0;
async function withListing<T>(name: string, fn: (h: WorkflowHandleWithFirstExecutionRunId<typeof listingWorkflow>, fake: ReturnType<typeof fakeActivities>, y: number) => Promise<T>) {
  const fake = fakeActivities();
  const taskQueue = `listing-${++n}-${Date.now()}`;
  const worker = await Worker.create({ connection: testEnv().nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fake.activities });
  return worker.runUntil(async () => {
    const y = new Date(await testEnv().currentTimeMs()).getUTCFullYear() + 1;
    const h = await testEnv().client.workflow.start(listingWorkflow, { workflowId: `listing:test:${name}-${Date.now()}`, taskQueue, args: [{ input: input(y) }] });
    return fn(h, fake, y);
  });
}

/** Skip the server's clock forward to `iso` (timers in between fire, in order). */
async function until(h: WorkflowHandle, iso: string) {
  const now = await testEnv().currentTimeMs();
  const target = Date.parse(iso);
  if (target > now) await testEnv().sleep(target - now);
  await h.query(caseViewQuery); // the workflow has caught up
}
const send = (h: WorkflowHandle, type: string, payload: Record<string, unknown>, actor: Principal) => h.executeUpdate(commandUpdate, { args: [{ type, payload, actor }] });
const report = async (h: WorkflowHandle, year: number, personTimes: number) => {
  await until(h, `${year + 1}-01-10T02:00:00.000Z`);
  await send(h, 'SUBMIT_ANNUAL_REPORT', { year, personTimes, plan: `${year + 1} 年计划培训 ${personTimes} 人次` }, institution);
};
const renew = async (h: WorkflowHandle, fileAt: string) => {
  await until(h, fileAt);
  await send(h, 'FILE_RENEWAL', { report: '近三年培训考核情况报告' }, institution);
  await send(h, 'CONSENT_RENEWAL', { comments: '同意' }, miitOfficer);
  await send(h, 'APPROVE_RENEWAL', { comments: '审核通过' }, gdOfficer);
};
/** Minutes in UTC of each message of a template: the day and time it went out. */
const sent = (fake: ReturnType<typeof fakeActivities>, template: string) => fake.messages(template).map((m) => m.at.slice(0, 16));
const runsOf = async (h: WorkflowHandleWithFirstExecutionRunId) => {
  const first = testEnv().client.workflow.getHandle(h.workflowId, h.firstExecutionRunId);
  return (await first.describe()).status.name;
};

describe('listing lifecycles on durable timers (R5.2, R9, R14.2)', () => {
  it('R9.2(c) no renewal by the deadline (and, with no report filed, R9.2(a)): the four R9 reminders on their days, each once; lapsing at the deadline; expired with the R9.3 bar; missing annual reports escalate (R14.2)', async () => {
    await withListing('missed', async (h, fake, y) => {
      // R14.2 Decision: the y report is missing at its due date → the recommender's overdue task; its follow-up closes it.
      await until(h, `${y + 1}-02-01T02:00:00.000Z`);
      const view = await h.query(caseViewQuery);
      expect(view.tasks).toEqual([expect.objectContaining({ key: `annualReportOverdue-${y}-L1`, assignee: { role: 'officer', unit: 'industry:miit' } })]);
      await send(h, 'RECORD_FOLLOW_UP', { year: y, level: 1, note: '已电话督促机构报送' }, miitOfficer);
      expect((await h.query(caseViewQuery)).tasks).toEqual([]);

      const result = await h.result();
      expect(result.state).toBe('expired');
      // R9 Decision reminders: 6 and 4 months before expiry, 3 months + 14 days before it (14 days before the deadline), and on the deadline day, at 09:00 Shanghai.
      expect(sent(fake, 'listing.renewalReminder')).toEqual([`${y + 3}-04-11T01:00`, `${y + 3}-06-11T01:00`, `${y + 3}-06-27T01:00`, `${y + 3}-07-11T01:00`]);
      for (const m of fake.messages('listing.renewalReminder')) {
        expect(m.to).toEqual([{ role: 'institution', unit: 'institution:i001' }, { role: 'officer', unit: 'industry:miit' }]);
        expect(m.body).toContain(`${y + 3}-07-11`);
      }
      // Lapsing when the deadline (24:00 on (Y+3)-07-11) passed; expired at the end of (Y+3)-10-11; barred until (Y+6)-10-11.
      expect(sent(fake, 'listing.lapsing')).toEqual([`${y + 3}-07-11T16:00`]);
      const end = fake.batches.at(-1)!;
      expect(end.case.summary).toMatchObject({ status: 'expired', forfeiture: ['R9.2(a)', 'R9.2(c)'], bar: { from: `${y + 3}-10-12`, until: `${y + 6}-10-11` }, outcome: { code: 'forfeited' } });
      expect(end.audit.at(-1)).toMatchObject({ event: { type: 'deadline.reached', name: 'expires' }, rule: 'R5.2' });
      expect(end.audit.at(-1)!.at.slice(0, 16)).toBe(`${y + 3}-10-11T16:00`);
      expect(fake.bars).toEqual([expect.objectContaining({ institutionId: 'i001', kind: 'training', occupationCode: '2-02-10-09', until: `${y + 6}-10-11` })]);
      // R14.2: every year's three reminders and two escalation levels, each once (no report was ever filed).
      expect(sent(fake, 'listing.annualReportReminder').filter((d) => d.startsWith(`${y}-12`) || d.startsWith(`${y + 1}-01`))).toEqual([
        `${y}-12-01T01:00`,
        `${y + 1}-01-15T01:00`,
        `${y + 1}-01-29T01:00`,
      ]);
      const overdue = fake.messages('listing.annualReportOverdue').map((m) => [m.subject.match(/on (\d{4}) \(level (\d)\)/)?.slice(1).join('/'), m.to.map((a) => a.unit).join(',')]);
      expect(overdue).toEqual([
        [`${y}/1`, 'industry:miit,institution:i001'],
        [`${y}/2`, 'province:44'],
        [`${y + 1}/1`, 'industry:miit,institution:i001'],
        [`${y + 1}/2`, 'province:44'],
        [`${y + 2}/1`, 'industry:miit,institution:i001'],
        [`${y + 2}/2`, 'province:44'],
      ]);
      // One period, one run.
      expect(await runsOf(h)).toBe('COMPLETED');
      await saveHistory('listing-missed-deadline', h);
    });
  });

  it('R9.2(a) a first period without any activity is deemed abandoned though the renewal was filed, consented and approved', async () => {
    await withListing('no-activity', async (h, fake, y) => {
      for (const year of [y, y + 1, y + 2]) await report(h, year, 0);
      await renew(h, `${y + 3}-03-01T02:00:00.000Z`);
      const result = await h.result();
      expect(result.state).toBe('expired');
      expect(fake.batches.at(-1)!.case.summary).toMatchObject({ forfeiture: ['R9.2(a)'], outcome: { code: 'forfeited' }, bar: { until: `${y + 6}-10-11` } });
      expect(fake.bars).toHaveLength(1);
      // Reports on time: no annual report reminder after filing, no escalation; the renewal filed before the 6-month reminder: none of those either.
      expect(fake.messages('listing.annualReportOverdue')).toEqual([]);
      expect(fake.messages('listing.renewalReminder')).toEqual([]);
    });
  });

  it('R9.1 approved → period 2 from (Y+3)-10-12 in a new run; R9.2(b) an annual average of 150 in period 2 → lapsing, expired (Y+6)-10-11, barred', async () => {
    await withListing('average-150', async (h, fake, y) => {
      for (const year of [y, y + 1, y + 2]) await report(h, year, 900);
      await renew(h, `${y + 3}-03-01T02:00:00.000Z`);
      await until(h, `${y + 3}-10-12T02:00:00.000Z`);
      const period2 = await h.query(caseViewQuery);
      expect(period2.context).toMatchObject({ period: 2, validFrom: `${y + 3}-10-12`, validUntil: `${y + 6}-10-11` });
      expect(period2.deadlines.find((d) => d.name === 'renewalDeadline')?.date).toBe(`${y + 6}-07-11`);
      expect(await runsOf(h)).toBe('CONTINUED_AS_NEW');
      expect(fake.batches.some((b) => b.directory?.change === 'renewed' && b.directory.entry.validFrom === `${y + 3}-10-12`)).toBe(true);

      // Y+3 counts for period 1 (most of its days); Y+4 and Y+5 for period 2: 150 a year on average.
      for (const year of [y + 3, y + 4, y + 5]) await report(h, year, 150);
      await renew(h, `${y + 6}-03-01T02:00:00.000Z`);
      const result = await h.result();
      expect(result.state).toBe('expired');
      expect(fake.batches.at(-1)!.case.summary).toMatchObject({ period: 2, forfeiture: ['R9.2(b)'], outcome: { code: 'forfeited' }, bar: { from: `${y + 6}-10-12`, until: `${y + 9}-10-11` } });
      expect(sent(fake, 'listing.lapsing')).toEqual([`${y + 6}-07-11T16:00`]);
    });
  });

  it('R9.1 renewed twice: periods 2 and 3 each in their own run; the directory records both renewals', async () => {
    await withListing('twice', async (h, fake, y) => {
      for (const year of [y, y + 1, y + 2]) await report(h, year, 900);
      await renew(h, `${y + 3}-03-01T02:00:00.000Z`);
      for (const year of [y + 3, y + 4, y + 5]) await report(h, year, 400);
      await renew(h, `${y + 6}-03-01T02:00:00.000Z`);
      await until(h, `${y + 6}-10-12T02:00:00.000Z`);
      const view = await h.query(caseViewQuery);
      expect(view.context).toMatchObject({ period: 3, validFrom: `${y + 6}-10-12`, validUntil: `${y + 9}-10-11` });
      expect(view.status).toMatchObject({ code: 'valid' });
      const renewals = fake.batches.filter((b) => b.directory?.change === 'renewed').map((b) => [b.directory!.entry.period, b.directory!.entry.validFrom]);
      expect(renewals).toEqual([
        [2, `${y + 3}-10-12`],
        [3, `${y + 6}-10-12`],
      ]);
      // End the case (a listing left running would hold the test server's clock).
      await send(h, 'WITHDRAW', { effectiveOn: `${y + 6}-10-12`, reason: '测试结束' }, institution);
      expect((await h.result()).state).toBe('withdrawn');
      expect(fake.bars).toEqual([]);
    });
  });

  it('R9.1 refused by the industry department: valid until its date, then expired without a bar', async () => {
    await withListing('refused', async (h, fake, y) => {
      for (const year of [y, y + 1, y + 2]) await report(h, year, 900);
      await until(h, `${y + 3}-05-01T02:00:00.000Z`);
      await send(h, 'FILE_RENEWAL', { report: '近三年培训考核情况报告' }, institution);
      await send(h, 'REFUSE_RENEWAL', { reason: '行业部门不再支持' }, miitOfficer);
      const refused = await h.query(caseViewQuery);
      expect(refused.status).toMatchObject({ code: 'valid', label: expect.stringContaining('refused') });
      expect(sent(fake, 'listing.renewalRefused')).toEqual([`${y + 3}-05-01T02:00`]);
      // The 6-month reminder went out before the filing; none after it.
      expect(sent(fake, 'listing.renewalReminder')).toEqual([`${y + 3}-04-11T01:00`]);
      const result = await h.result();
      expect(result.state).toBe('expired');
      expect(fake.batches.at(-1)!.case.summary).toMatchObject({ outcome: { code: 'expired' }, bar: null, forfeiture: [] });
      expect(fake.bars).toEqual([]);
      expect(fake.batches.at(-1)!.directory).toMatchObject({ change: 'expired' });
    });
  });

  it('R20.3 a change of name, then a withdrawal from a later day: dated versions, valid until the day, withdrawn then, no bar', async () => {
    await withListing('withdrawal', async (h, fake, y) => {
      await until(h, `${y + 1}-05-08T02:00:00.000Z`);
      await send(h, 'REPORT_CHANGE', { name: '示例数字技术学院', contact: { email: 'office@example.edu.cn' }, effectiveOn: `${y + 1}-05-01` }, institution);
      const changed = fake.batches.at(-1)!;
      expect(changed.directory).toMatchObject({ change: 'changed', entry: { institution: { name: '示例数字技术学院' }, contact: { email: 'office@example.edu.cn' } } });
      expect(sent(fake, 'listing.changed')).toEqual([`${y + 1}-05-08T02:00`]);
      // Another institution cannot report for this one.
      await expect(send(h, 'REPORT_CHANGE', { name: '冒名', effectiveOn: `${y + 1}-05-01` }, { ...institution, id: 'inst-002', unit: 'institution:i002' })).rejects.toThrow();

      await until(h, `${y + 2}-03-01T02:00:00.000Z`);
      await send(h, 'WITHDRAW', { effectiveOn: `${y + 2}-04-01`, reason: '机构业务调整' }, institution);
      expect((await h.query(caseViewQuery)).status).toMatchObject({ code: 'valid', label: expect.stringContaining('withdrawal') });
      expect(fake.messages('listing.withdrawal').map((m) => m.to.map((a) => a.unit))).toEqual([['national', 'province:44']]);
      const result = await h.result();
      expect(result.state).toBe('withdrawn');
      const last = fake.batches.at(-1)!;
      expect(last.audit.at(-1)!.at.slice(0, 16)).toBe(`${y + 2}-03-31T16:00`);
      expect(last.directory).toMatchObject({ change: 'withdrawn', entry: { status: 'withdrawn' } });
      expect(fake.bars).toEqual([]);
    });
  });
});

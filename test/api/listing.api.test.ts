/**
 * A listing through the API as its users meet it (R9, R14.2, R20.3, R5.1, R13), on the time-skipping
 * server: the holder inspects its deadlines and reminders, files annual reports and a renewal; the
 * industry department consents and the organiser audits from their inboxes; a change of name is
 * published and the directory can be read as of any past day; bad input (negative person-times, a
 * year not over, a renewal after the deadline, another institution's token) is refused with a 4xx
 * naming the field or rule, and changes nothing.
 *
 * Listings are opened as a published application opens them (a `listing` case started with its
 * publication day); the selection round API test covers that path end to end.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListingInput } from '../../machines/listing.machine.js';
import { SYSTEM_PRINCIPAL } from '../../rules/actors.js';
import { plusDays, shanghaiDate } from '../../rules/calendar/dates.js';
import { listingWorkflow } from '../../workflows/index.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';
import { createTimeSkippingEnv } from '../support/temporal.js';

type Client = ReturnType<typeof api>;
let env: TestWorkflowEnvironment;
let stack: Stack;
const as: Record<string, Client> = {};
const enc = encodeURIComponent;
const field = '2-02-10-09';

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  stack = await startStack('listing-api', { timeSkipping: env });
  for (const id of ['inst-001', 'inst-002', 'miit-officer', 'gd-officer', 'js-officer', 'nat-officer']) as[id] = api(stack.baseUrl, await tokenFor(stack.baseUrl, id));
});
afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

const today = async () => shanghaiDate(new Date(await env.currentTimeMs()).toISOString());
/** Skip the server's clock to 10:00 Shanghai of `date` (timers in between fire). */
async function skipTo(date: string) {
  const target = Date.parse(`${date}T10:00:00+08:00`);
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
}
async function openListing(name: string, publishedOn: string, occupation = field): Promise<string> {
  const listingId = `training:i001:${occupation}`;
  const caseId = `listing:${listingId}:${name}`;
  const input: Omit<ListingInput, 'caseId' | 'createdAt'> = {
    listingId: `${listingId}:${name}`,
    kind: 'training',
    institution: { id: 'i001', name: '示例培训学院', province: '44' },
    occupation: { code: occupation, name: '人工智能工程技术人员' },
    organiser: 'province:44',
    recommender: 'industry:miit',
    publishedOn,
    createdBy: SYSTEM_PRINCIPAL,
  };
  await stack.temporal.workflow.start(listingWorkflow, { workflowId: caseId, taskQueue: stack.config.taskQueue, args: [{ input }] });
  await eventually(async () => (await stack.store.cases.findOne({ _id: caseId })) !== null);
  return caseId;
}
const seqOf = async (caseId: string) => (await stack.store.cases.findOne({ _id: caseId }))!.seq;
const post = (who: string, caseId: string, command: string, body: unknown) => as[who]!.post(`/api/listings/${enc(caseId)}/${command}`, body);

describe('a listing through the API (R9, R14.2, R20.3)', () => {
  it('the holder sees its deadlines and reminders; bad reports are refused by field; the renewal is consented and audited from the inboxes', async () => {
    const d0 = await today();
    const caseId = await openListing('renewal', d0);
    const year = Number(d0.slice(0, 4));

    // What is due, by when, and why: every deadline with its explanation.
    const mine = await as['inst-001']!.get(`/api/cases/${enc(caseId)}`);
    expect(mine.status).toBe(200);
    const names = (mine.body.deadlines as { name: string }[]).map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['expires', 'renewalDeadline', 'renewalReminder6m', 'renewalReminder4m', 'renewalReminder3m14d', 'renewalDeadlineDay', 'annualReportDue']));
    const deadline = (mine.body.deadlines as { name: string; date: string; explanation: { text: string } }[]).find((d) => d.name === 'renewalDeadline')!;
    expect(deadline.explanation.text).toContain('R9');
    expect(mine.body.summary).toMatchObject({ status: 'valid', period: 1, validFrom: d0, renewalDeadline: deadline.date, reportingYear: year });

    // R14.2 bad reports: 400 naming the field, nothing recorded.
    const before = await seqOf(caseId);
    const report = (over: Record<string, unknown>) => ({ year, personTimes: 300, plan: '下一年度计划培训 300 人次', ...over });
    for (const [payload, name] of [
      [report({ personTimes: -5 }), 'personTimes'],
      [report({ year: year + 1 }), 'year'],
      [report({}), 'year'], // the current year is not over
      [report({ plan: '  ' }), 'plan'],
      [report({ extra: 1 }), 'extra'],
    ] as const) {
      const r = await post('inst-001', caseId, 'submit-annual-report', payload);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('InvalidInput');
      expect(JSON.stringify(r.body.error.details)).toContain(name);
    }
    // Another institution's token: the listing is not its case.
    expect((await post('inst-002', caseId, 'submit-annual-report', report({ year: year - 1 }))).status).toBe(404);
    expect((await post('inst-002', caseId, 'file-renewal', { report: 'x' })).status).toBe(404);
    expect(await seqOf(caseId)).toBe(before);

    // R9.1 filed early (no later than the deadline), consented by the industry department, audited by the organiser.
    expect((await post('inst-001', caseId, 'file-renewal', { report: '' })).status).toBe(400);
    const filed = await post('inst-001', caseId, 'file-renewal', { report: '近三年培训考核情况报告' });
    expect(filed.status).toBe(200);
    const consentTask = await eventually(async () => {
      const r = await as['miit-officer']!.get('/api/inbox?limit=200');
      return (r.body.items as { caseId: string; step: string; taskId: string }[]).find((t) => t.caseId === caseId && t.step === 'listing.consentRenewal');
    });
    expect((await post('gd-officer', caseId, 'consent-renewal', {})).status).toBe(403);
    expect((await post('js-officer', caseId, 'consent-renewal', {})).status).toBe(404);
    expect((await as['miit-officer']!.post(`/api/tasks/${enc(consentTask.taskId)}/complete`, { action: 'CONSENT_RENEWAL', payload: { comments: '同意续期' } })).status).toBe(200);
    expect((await post('miit-officer', caseId, 'approve-renewal', {})).status).toBe(403);
    const approved = await post('gd-officer', caseId, 'approve-renewal', { comments: '审核通过' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toMatchObject({ code: 'valid', label: expect.stringContaining('renewed') });
    const after = await eventually(async () => {
      const c = await stack.store.cases.findOne({ _id: caseId });
      return (c?.summary as { renewal?: { status: string } })?.renewal?.status === 'approved' ? c : undefined;
    });
    expect(after.summary).toMatchObject({ renewal: { status: 'approved', filedOn: d0 } });
    // The history shows who decided, under which rule.
    const history = await as['gd-officer']!.get(`/api/cases/${enc(caseId)}/history`);
    expect((history.body.items as { event: { type: string }; rule: string }[]).filter((e) => e.event.type.endsWith('_RENEWAL')).map((e) => [e.event.type, e.rule])).toEqual([
      ['FILE_RENEWAL', 'R9.1'],
      ['CONSENT_RENEWAL', 'R9.1'],
      ['APPROVE_RENEWAL', 'R9.1'],
    ]);
    expect((await post('inst-001', caseId, 'withdraw', { effectiveOn: await today(), reason: '测试结束' })).status).toBe(200);
  });

  it('R20.3 a change of name is published as a dated entry; the directory as of any day before, during and after the changes (R5.1)', async () => {
    const d0 = await today();
    const caseId = await openListing('asof', d0, '4-04-05-06');
    const listingId = `training:i001:4-04-05-06:asof`;
    await skipTo(plusDays(d0, 40));
    const changeDay = await today();
    // A change by another institution, or one that has not happened yet, changes nothing.
    expect((await post('inst-002', caseId, 'report-change', { name: '冒名学院', effectiveOn: changeDay })).status).toBe(404);
    const future = await post('inst-001', caseId, 'report-change', { name: '示例数字技术学院', effectiveOn: plusDays(changeDay, 1) });
    expect(future.status).toBe(400);
    expect(future.body.error.details).toMatchObject({ rule: 'R20.3', fields: [expect.objectContaining({ field: '/effectiveOn' })] });
    expect((await post('inst-001', caseId, 'report-change', { effectiveOn: changeDay })).status).toBe(400);
    expect((await post('inst-001', caseId, 'report-change', { contact: { email: 'not-an-email' }, effectiveOn: changeDay })).status).toBe(400);
    const changed = await post('inst-001', caseId, 'report-change', { name: '示例数字技术学院', contact: { phone: '+86 20 8888 0000', email: 'office@example.edu.cn' }, effectiveOn: changeDay });
    expect(changed.status).toBe(200);

    await skipTo(plusDays(d0, 80));
    const withdrawOn = plusDays(d0, 100);
    const w = await post('inst-001', caseId, 'withdraw', { effectiveOn: withdrawOn, reason: '机构业务调整' });
    expect(w.status).toBe(200);
    expect(w.body.status).toMatchObject({ code: 'valid' });
    await skipTo(plusDays(d0, 101));
    await eventually(async () => (await stack.store.cases.findOne({ _id: caseId }))?.status.code === 'withdrawn');

    const pub = api(stack.baseUrl);
    const asOf = async (date: string) => {
      const r = await pub.get(`/api/directory?occupation=4-04-05-06&asOf=${date}`);
      expect(r.status).toBe(200);
      return (r.body.items as { listingId: string; status: string; institution: { name: string }; contact?: unknown }[]).filter((i) => i.listingId === listingId);
    };
    expect(await asOf(plusDays(d0, -1))).toEqual([]);
    expect(await asOf(plusDays(d0, 10))).toEqual([expect.objectContaining({ status: 'valid', institution: expect.objectContaining({ name: '示例培训学院' }) })]);
    expect((await asOf(plusDays(d0, 10)))[0]!.contact).toBeUndefined();
    expect(await asOf(changeDay)).toEqual([expect.objectContaining({ status: 'valid', institution: expect.objectContaining({ name: '示例数字技术学院' }), contact: { phone: '+86 20 8888 0000', email: 'office@example.edu.cn' } })]);
    expect(await asOf(plusDays(withdrawOn, -1))).toEqual([expect.objectContaining({ status: 'valid', institution: expect.objectContaining({ name: '示例数字技术学院' }) })]);
    expect(await asOf(withdrawOn)).toEqual([expect.objectContaining({ status: 'withdrawn' })]);
    // The current directory and the name search follow the change; the old name no longer matches.
    expect((await pub.get('/api/directory?name=数字技术')).body.items.map((i: { listingId: string }) => i.listingId)).toContain(listingId);
    expect((await pub.get(`/api/directory?name=示例培训学院&asOf=${plusDays(d0, 10)}`)).body.items.map((i: { listingId: string }) => i.listingId)).toContain(listingId);
    // The change log: one dated public entry per change, newest first.
    const log = await pub.get(`/api/directory/changes?listingId=${enc(listingId)}`);
    expect(log.body.items.map((c: { change: string; rule: string }) => [c.change, c.rule])).toEqual([
      ['withdrawn', 'R20.3'],
      ['changed', 'R20.3'],
      ['published', 'R5.1'],
    ]);
    const window = await pub.get(`/api/directory/changes?listingId=${enc(listingId)}&from=${changeDay}&to=${changeDay}`);
    expect(window.body.items.map((c: { change: string }) => c.change)).toEqual(['changed']);
    // Bad dates are named.
    expect((await pub.get('/api/directory?asOf=2027-02-30')).status).toBe(400);
    expect((await pub.get('/api/directory?asOf=yesterday')).status).toBe(400);
    // Found by the fuzzer (test/api/fuzz.api.test.ts): each was a 500 or left the error shape.
    for (const path of ['/api/directory/changes?from=2091-77-96', '/api/directory/changes?to=2026-13-40', '/api/directory?limit=1e309', '/api/directory?skip=-1e309', '/api/calendar/years/1e309', '/api/calendar/years/%zz']) {
      const r = await pub.get(path);
      expect({ path, status: r.status }).toEqual({ path, status: 400 });
      expect(r.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String), details: expect.any(Object) });
    }
    const long = await pub.get(`/api/calendar/years/${'9'.repeat(150)}`);
    expect(long.status).toBe(414);
    expect(long.body.error.code).toBe('FST_ERR_MAX_PARAM_LENGTH');
    // No personal data in the public directory: units by code, no principals, no case internals.
    const text = JSON.stringify((await pub.get('/api/directory?occupation=4-04-05-06')).body);
    for (const leak of ['inst-001', 'miit-officer', 'createdBy', 'actor', 'deadlines']) expect(text).not.toContain(leak);
  });

  it('R9.1 a renewal after the deadline is refused naming the rule and the deadline; the listing is lapsing (R9.2(c))', async () => {
    const d0 = await today();
    const caseId = await openListing('late', d0, '6-31-01-09');
    const summary = (await as['inst-001']!.get(`/api/cases/${enc(caseId)}`)).body.summary as { renewalDeadline: string };
    await skipTo(plusDays(summary.renewalDeadline, 2));
    await eventually(async () => (await stack.store.cases.findOne({ _id: caseId }))?.status.code === 'lapsing');
    const before = await seqOf(caseId);
    const late = await post('inst-001', caseId, 'file-renewal', { report: '近三年培训考核情况报告' });
    expect(late.status).toBe(400);
    expect(late.body.error.details.rule).toBe('R9.1');
    expect(late.body.error.message).toContain(summary.renewalDeadline);
    expect(await seqOf(caseId)).toBe(before);
    // The directory shows it lapsing; withdrawing now keeps the R9.3 bar (the deemed abandonment stands).
    expect((await api(stack.baseUrl).get('/api/directory?occupation=6-31-01-09&status=lapsing')).body.items).toHaveLength(1);
    expect((await post('inst-001', caseId, 'withdraw', { effectiveOn: await today(), reason: '测试结束' })).status).toBe(200);
    await eventually(async () => (await stack.store.bars.countDocuments({ institutionId: 'i001', occupationCode: '6-31-01-09' })) === 1);
  });
});

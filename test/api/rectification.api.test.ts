/**
 * Rectification through the API as its users meet it (R20.1–R20.2, R16, R21), on the time-skipping
 * server: an order from the industry department, the institution's evidence from its inbox, the
 * review; and every bad input refused with a 4xx naming the rule or field, changing nothing — an
 * order by a department with no authority over the institution, a rule that does not apply to the
 * listing's kind, a deadline in the past, evidence from another institution.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListingInput } from '../../machines/listing.machine.js';
import { SYSTEM_PRINCIPAL } from '../../rules/actors.js';
import { shanghaiDate } from '../../rules/calendar/dates.js';
import { listingWorkflow } from '../../workflows/index.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';
import { createTimeSkippingEnv } from '../support/temporal.js';

type Client = ReturnType<typeof api>;
let env: TestWorkflowEnvironment;
let stack: Stack;
const as: Record<string, Client> = {};
const enc = encodeURIComponent;
const field = '2-02-10-09';
const listingId = `training:i001:${field}`;
const listingCaseId = `listing:${listingId}`;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  stack = await startStack('rectification-api', { timeSkipping: env });
  for (const id of ['inst-001', 'inst-002', 'miit-officer', 'gd-officer', 'js-officer', 'nat-officer', 'nat-leader']) as[id] = api(stack.baseUrl, await tokenFor(stack.baseUrl, id));
  const input: Omit<ListingInput, 'caseId' | 'createdAt'> = {
    listingId,
    kind: 'training',
    institution: { id: 'i001', name: '示例培训学院', province: '44' },
    occupation: { code: field, name: '人工智能工程技术人员' },
    organiser: 'province:44',
    recommender: 'industry:miit',
    publishedOn: shanghaiDate(new Date(await env.currentTimeMs()).toISOString()),
    createdBy: SYSTEM_PRINCIPAL,
  };
  await stack.temporal.workflow.start(listingWorkflow, { workflowId: listingCaseId, taskQueue: stack.config.taskQueue, args: [{ input }] });
  await eventually(async () => stack.store.listings.findOne({ _id: listingId }));
});
afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

const order = (over: Record<string, unknown> = {}) => ({
  listingId,
  breaches: [{ rule: 'R17(e)', finding: '招生广告承诺“包过、不过退费”' }],
  mode: 'deadline',
  due: { workingDays: 10 },
  ...over,
});
const countOrders = () => stack.store.cases.countDocuments({ caseType: 'rectification' });

describe('rectification through the API (R20)', () => {
  it('bad orders are refused with a 4xx naming the rule or field, and start nothing', async () => {
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['js-officer', order(), 403, 'R20.1'], // HR of another province
      ['inst-001', order(), 403, 'role'], // an institution cannot order
      ['miit-officer', order({ breaches: [{ rule: 'R18(g)', finding: 'x' }] }), 400, '/breaches/0/rule'], // an evaluation rule on a training listing
      ['miit-officer', order({ due: { date: '2020-01-01' } }), 400, '/due/date'], // a deadline in the past
      ['miit-officer', order({ due: { date: '2027-02-30' } }), 400, '/due/date'],
      ['miit-officer', order({ due: undefined }), 400, '/due'],
      ['miit-officer', order({ mode: 'immediate' }), 400, '/due'],
      ['miit-officer', order({ due: { workingDays: 0 } }), 400, 'workingDays'],
      ['miit-officer', order({ breaches: [] }), 400, 'breaches'],
      ['miit-officer', order({ listingId: 'training:nobody:1-01-01-01' }), 404, '/listingId'],
    ];
    for (const [who, body, status, named] of cases) {
      const r = await as[who]!.post('/api/rectifications', body);
      expect({ who, body, status: r.status }).toEqual({ who, body, status });
      expect(JSON.stringify(r.body.error)).toContain(named);
    }
    expect(await countOrders()).toBe(0);
  });

  it('R20.1 ordered by the industry department; the institution files evidence from its inbox; another institution cannot; the review accepts it', async () => {
    const created = await as['miit-officer']!.post('/api/rectifications', order());
    expect(created.status).toBe(201);
    const caseId = created.body.caseId as string;
    expect(created.body.summary).toMatchObject({ listingId, orderedBy: 'industry:miit', breaches: [{ rule: 'R17(e)' }], mode: 'deadline', due: expect.any(String) });
    const task = await eventually(async () => {
      const r = await as['inst-001']!.get('/api/inbox?limit=100');
      return (r.body.items as { caseId: string; step: string; taskId: string; due: string | null }[]).find((t) => t.caseId === caseId && t.step === 'rectification.submitEvidence');
    });
    expect(task.due).toBeTruthy();
    // The listing's case knows the order.
    await eventually(async () => ((await stack.store.cases.findOne({ _id: listingCaseId }))?.summary as { rectifications?: unknown[] }).rectifications?.length === 1);

    const before = (await stack.store.cases.findOne({ _id: caseId }))!.seq;
    expect((await as['inst-002']!.post(`/api/rectifications/${enc(caseId)}/submit-evidence`, { text: '冒名提交' })).status).toBe(404);
    expect((await as['inst-001']!.post(`/api/rectifications/${enc(caseId)}/submit-evidence`, { text: '   ' })).status).toBe(400);
    // Accepting before any evidence is a state error; the institution cannot review its own evidence.
    expect((await as['miit-officer']!.post(`/api/rectifications/${enc(caseId)}/accept-evidence`, {})).status).toBe(409);
    expect((await stack.store.cases.findOne({ _id: caseId }))!.seq).toBe(before);

    const filed = await as['inst-001']!.post(`/api/tasks/${enc(task.taskId)}/complete`, { action: 'SUBMIT_EVIDENCE', payload: { text: '已撤下违规广告，附整改报告', attachments: ['整改报告.pdf'] } });
    expect(filed.status).toBe(200);
    expect((await as['gd-officer']!.post(`/api/rectifications/${enc(caseId)}/accept-evidence`, {})).status).toBe(403);
    expect((await as['inst-001']!.post(`/api/rectifications/${enc(caseId)}/accept-evidence`, {})).status).toBe(403);
    const accepted = await as['miit-officer']!.post(`/api/rectifications/${enc(caseId)}/accept-evidence`, { comments: '整改到位' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toMatchObject({ code: 'rectified', final: true });
    // The history names each step's rule; the institution reads its own order.
    const history = await as['inst-001']!.get(`/api/cases/${enc(caseId)}/history`);
    expect((history.body.items as { event: { type: string }; rule: string }[]).filter((e) => e.event.type.endsWith('EVIDENCE')).map((e) => [e.event.type, e.rule])).toEqual([
      ['SUBMIT_EVIDENCE', 'R20.1'],
      ['ACCEPT_EVIDENCE', 'R20.1'],
    ]);
    expect((await as['inst-002']!.get(`/api/cases/${enc(caseId)}`)).status).toBe(404);
  });

  it('R20.2 refused → overdue tasks → the organiser removes the listing: a dated public entry and the R9.3 bar; no new order on a removed listing', async () => {
    const created = await as['gd-officer']!.post('/api/rectifications', order({ mode: 'immediate', due: undefined, breaches: [{ rule: 'R12', finding: '未公开退费办法' }] }));
    expect(created.status).toBe(201);
    const caseId = created.body.caseId as string;
    expect((await as['inst-001']!.post(`/api/rectifications/${enc(caseId)}/refuse-rectification`, { reason: '不认可' })).status).toBe(200);
    // Provincial HR ordered: the next level up is the national group.
    const overdue = await eventually(async () => {
      const r = await as['nat-officer']!.get('/api/inbox?limit=100');
      return (r.body.items as { caseId: string; step: string }[]).find((t) => t.caseId === caseId && t.step === 'rectification.overdue');
    });
    expect(overdue).toBeTruthy();
    const graceEnds = (await as['gd-officer']!.get(`/api/cases/${enc(caseId)}`)).body.summary.graceEnds as string;
    const target = Date.parse(`${graceEnds}T23:59:59.999+08:00`) + 60_000;
    await env.sleep(target - (await env.currentTimeMs()));
    await eventually(async () => (await stack.store.cases.findOne({ _id: caseId }))?.status.code === 'removalDecision');
    // The national group oversees the order but the decision is the organiser's; the industry department is not a party of this one.
    expect((await as['nat-officer']!.post(`/api/rectifications/${enc(caseId)}/decide-removal`, { reason: 'x' })).status).toBe(403);
    expect((await as['miit-officer']!.post(`/api/rectifications/${enc(caseId)}/decide-removal`, { reason: 'x' })).status).toBe(404);
    const removed = await as['gd-officer']!.post(`/api/rectifications/${enc(caseId)}/decide-removal`, { reason: '拒不整改（R20.2）' });
    expect(removed.status).toBe(200);
    const entry = await eventually(async () => {
      const r = await api(stack.baseUrl).get(`/api/directory?occupation=${field}&status=removed`);
      return r.body.items[0];
    });
    expect(entry).toMatchObject({ listingId, status: 'removed' });
    const log = await api(stack.baseUrl).get(`/api/directory/changes?listingId=${enc(listingId)}`);
    expect(log.body.items[0]).toMatchObject({ change: 'removed', rule: 'R20.2' });
    await eventually(async () => (await stack.store.bars.countDocuments({ institutionId: 'i001', occupationCode: field })) === 1);
    expect((await as['miit-officer']!.post('/api/rectifications', order())).status).toBe(409);
  });
});

/**
 * Incidents through the API as their users meet them (R11 (6), R20.1), on the time-skipping server:
 * an evaluation institution reports an incident about its listing; local HR, the industry department
 * and the national group get their acknowledgement tasks at once and acknowledge from the inbox; the
 * institution files its follow-up report from its inbox; local HR accepts it. Every bad input is
 * refused with a 4xx naming the rule or field and changes nothing — a training institution, another
 * institution or an officer reporting, an incident in the future, an unknown category or listing,
 * a follow-up from another institution, a referral citing a training rule.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../api/demoUsers.js';
import type { ListingInput } from '../../machines/listing.machine.js';
import { SYSTEM_PRINCIPAL } from '../../rules/actors.js';
import { shanghaiDate } from '../../rules/calendar/dates.js';
import { commandUpdate, listingWorkflow } from '../../workflows/index.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';
import { createTimeSkippingEnv } from '../support/temporal.js';

type Client = ReturnType<typeof api>;
let env: TestWorkflowEnvironment;
let stack: Stack;
const as: Record<string, Client> = {};
const enc = encodeURIComponent;
const field = '2-02-10-09';
const evaluationId = `evaluation:i002:${field}`;
const trainingId = `training:i001:${field}`;
const today = async () => shanghaiDate(new Date(await env.currentTimeMs()).toISOString());

async function openListing(listingId: string, over: Partial<ListingInput>) {
  const input: Omit<ListingInput, 'caseId' | 'createdAt'> = {
    listingId,
    kind: 'evaluation',
    institution: { id: 'i002', name: '示例评价中心', province: '44' },
    occupation: { code: field, name: '人工智能工程技术人员' },
    organiser: 'national',
    recommender: 'industry:miit',
    publishedOn: await today(),
    createdBy: SYSTEM_PRINCIPAL,
    ...over,
  };
  await stack.temporal.workflow.start(listingWorkflow, { workflowId: `listing:${listingId}`, taskQueue: stack.config.taskQueue, args: [{ input }] });
  await eventually(async () => stack.store.listings.findOne({ _id: listingId }));
}

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  stack = await startStack('incident-api', { timeSkipping: env });
  for (const id of ['inst-001', 'inst-002', 'inst-003', 'miit-officer', 'gd-officer', 'js-officer', 'nat-officer']) as[id] = api(stack.baseUrl, await tokenFor(stack.baseUrl, id));
  await openListing(evaluationId, {});
  await openListing(trainingId, { kind: 'training', institution: { id: 'i001', name: '示例培训学院', province: '44' }, organiser: 'province:44' });
});
afterAll(async () => {
  // End every long-running workflow, or the time-skipping server's clock stalls for later test files:
  // incidents left open by a failed test are closed, the listings withdrawn.
  const gd = DEMO_USERS.find((u) => u.id === 'gd-officer')!;
  for (const c of (await stack?.store.cases.find({ caseType: 'incident', 'status.final': false }).toArray()) ?? []) {
    await stack.temporal.workflow.getHandle(c._id).executeUpdate(commandUpdate, { args: [{ type: 'CLOSE_INCIDENT', payload: { reason: '测试结束' }, actor: gd }] }).catch(() => undefined);
  }
  for (const [who, listingId] of [['inst-002', evaluationId], ['inst-001', trainingId]] as const) {
    if (!stack) break;
    await as[who]!.post(`/api/listings/${enc(`listing:${listingId}`)}/withdraw`, { effectiveOn: await today(), reason: '测试结束' });
    await stack.temporal.workflow.getHandle(`listing:${listingId}`).result().catch(() => undefined);
  }
  await stack?.stop();
  await env?.teardown();
});

const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const incident = (over: Record<string, unknown> = {}) => ({
  listingId: evaluationId,
  category: 'disciplineBreach',
  occurredAt: anHourAgo(),
  description: '考生李某在实操考核中使用通讯工具',
  measuresTaken: '当场终止该考生考核，封存监控录像',
  ...over,
});
const countIncidents = () => stack.store.cases.countDocuments({ caseType: 'incident' });
type InboxItem = { caseId: string; step: string; taskId: string; due: string | null; assignee: { role: string; unit: string } };
const inboxTask = (who: string, caseId: string, step: string) =>
  eventually(async () => ((await as[who]!.get('/api/inbox?limit=200')).body.items as InboxItem[]).find((t) => t.caseId === caseId && t.step === step));

describe('incidents through the API (R11)', () => {
  it('R11 bad reports are refused with a 4xx naming the rule or field, and start nothing: a training institution, another institution, an officer, an incident in the future', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['inst-001', incident({ listingId: trainingId }), 403, 'R11'], // a training institution, for its training listing
      ['inst-001', incident(), 403, 'does not hold'], // another institution's evaluation listing
      ['inst-003', incident(), 403, 'does not hold'],
      ['gd-officer', incident(), 403, 'role'],
      ['inst-002', incident({ occurredAt: future }), 400, '/occurredAt'], // R11: it has happened
      ['inst-002', incident({ occurredAt: '2027-03-01' }), 400, 'occurredAt'], // not an instant
      ['inst-002', incident({ occurredAt: '2027-02-30T10:00:00+08:00' }), 400, 'occurredAt'],
      ['inst-002', incident({ category: 'fire' }), 400, 'category'],
      ['inst-002', incident({ description: '   ' }), 400, 'description'],
      ['inst-002', incident({ measuresTaken: undefined }), 400, 'measuresTaken'],
      ['inst-002', incident({ severity: 'high' }), 400, 'severity'],
      ['inst-002', incident({ listingId: 'evaluation:nobody:1-01-01-01' }), 404, '/listingId'],
    ];
    for (const [who, body, status, named] of cases) {
      const r = await as[who]!.post('/api/incidents', body);
      expect({ who, body, status: r.status }).toEqual({ who, body, status });
      expect(JSON.stringify(r.body.error)).toContain(named);
    }
    expect(await countIncidents()).toBe(0);
  });

  it('R11 reported by the evaluation institution: local HR, the industry department and the national group get inbox tasks at once and acknowledge; the institution files its follow-up from its inbox; local HR accepts it', async () => {
    const created = await as['inst-002']!.post('/api/incidents', incident());
    expect(created.status).toBe(201);
    const caseId = created.body.caseId as string;
    expect(caseId.startsWith(`incident:${evaluationId}:`)).toBe(true);
    expect(created.body.owner).toBe('province:44');
    expect(created.body.status).toMatchObject({ code: 'reported' });
    expect(created.body.summary).toMatchObject({ listingId: evaluationId, category: 'disciplineBreach', categoryLabel: '考试违纪违规', localHr: 'province:44', industryDepartment: 'industry:miit' });
    // No personal data in the summary: the description names a candidate.
    expect(JSON.stringify(created.body.summary)).not.toContain('李某');

    // At once: an acknowledgement task in each department's inbox, and a notice to each.
    const acks = await Promise.all([
      inboxTask('gd-officer', caseId, 'incident.acknowledge'),
      inboxTask('miit-officer', caseId, 'incident.acknowledge'),
      inboxTask('nat-officer', caseId, 'incident.acknowledge'),
    ]);
    expect(acks.map((t) => t.assignee.unit)).toEqual(['province:44', 'industry:miit', 'national']);
    expect(acks.every((t) => t.due)).toBe(true);
    const notified = await eventually(async () => {
      const docs = await stack.store.notifications.find({ caseId, template: 'incident.reported' }).toArray();
      return docs.length === 3 ? docs : undefined;
    });
    expect(notified.map((d) => d.to.unit).sort()).toEqual(['industry:miit', 'national', 'province:44']);
    // Another province's HR neither sees the incident nor acknowledges it.
    expect((await as['js-officer']!.get(`/api/cases/${enc(caseId)}`)).status).toBe(404);
    expect((await as['miit-officer']!.get(`/api/cases/${enc(caseId)}`)).status).toBe(200);
    for (const [who, task] of [['gd-officer', acks[0]!], ['miit-officer', acks[1]!], ['nat-officer', acks[2]!]] as const) {
      expect((await as[who]!.post(`/api/tasks/${enc(task.taskId)}/complete`, { action: 'ACKNOWLEDGE', payload: { note: '已知悉' } })).status).toBe(200);
    }
    expect((await as['gd-officer']!.post(`/api/incidents/${enc(caseId)}/acknowledge`, { note: '再次确认' })).status).toBe(409);

    // Bad inputs change nothing.
    const before = (await stack.store.cases.findOne({ _id: caseId }))!.seq;
    expect((await as['inst-001']!.post(`/api/incidents/${enc(caseId)}/submit-follow-up`, { text: '冒名提交' })).status).toBe(404);
    expect((await as['inst-002']!.post(`/api/incidents/${enc(caseId)}/submit-follow-up`, { text: '   ' })).status).toBe(400);
    expect((await as['gd-officer']!.post(`/api/incidents/${enc(caseId)}/accept-follow-up`, {})).status).toBe(409);
    expect((await as['gd-officer']!.post(`/api/incidents/${enc(caseId)}/refer-for-rectification`, { rules: ['R17(e)'], note: '培训规则' })).status).toBe(400);
    expect((await stack.store.cases.findOne({ _id: caseId }))!.seq).toBe(before);

    const followUpTask = await inboxTask('inst-002', caseId, 'incident.submitFollowUp');
    expect(followUpTask.due).toBeTruthy();
    const filed = await as['inst-002']!.post(`/api/tasks/${enc(followUpTask.taskId)}/complete`, { action: 'SUBMIT_FOLLOW_UP', payload: { text: '已取消该考生本次成绩，并加强考场巡查', attachments: ['处理决定.pdf'] } });
    expect(filed.status).toBe(200);
    expect(filed.body.status).toBe('done');
    await eventually(async () => (await stack.store.cases.findOne({ _id: caseId }))?.status.code === 'underReview');
    expect((await as['miit-officer']!.post(`/api/incidents/${enc(caseId)}/accept-follow-up`, {})).status).toBe(403);
    const accepted = await as['gd-officer']!.post(`/api/incidents/${enc(caseId)}/accept-follow-up`, { comments: '处置得当' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toMatchObject({ code: 'closed', final: true });
    const history = await as['inst-002']!.get(`/api/cases/${enc(caseId)}/history`);
    expect((history.body.items as { event: { type: string }; rule: string }[]).filter((e) => /^[A-Z_]+$/.test(e.event.type)).map((e) => [e.event.type, e.rule])).toEqual([
      ['ACKNOWLEDGE', 'R11'],
      ['ACKNOWLEDGE', 'R11'],
      ['ACKNOWLEDGE', 'R11'],
      ['SUBMIT_FOLLOW_UP', 'R11'],
      ['ACCEPT_FOLLOW_UP', 'R11'],
    ]);
  });

  it('R20.1 local HR records that a rectification order should be issued, then closes the incident with a reason; the typed routes are in the OpenAPI document', async () => {
    const created = await as['inst-002']!.post('/api/incidents', incident({ category: 'itemLeak' }));
    expect(created.status).toBe(201);
    const caseId = created.body.caseId as string;
    expect((await as['miit-officer']!.post(`/api/incidents/${enc(caseId)}/close-incident`, { reason: 'x' })).status).toBe(403);
    const referred = await as['gd-officer']!.post(`/api/incidents/${enc(caseId)}/refer-for-rectification`, { rules: ['R11', 'R18(c)'], note: '题库安全管理不到位' });
    expect(referred.status).toBe(200);
    await eventually(async () => (await stack.store.notifications.countDocuments({ caseId, template: 'incident.referredForRectification' })) === 2);
    expect((await as['gd-officer']!.post(`/api/incidents/${enc(caseId)}/refer-for-rectification`, { rules: ['R11'], note: '重复' })).status).toBe(409);
    const closed = await as['gd-officer']!.post(`/api/incidents/${enc(caseId)}/close-incident`, { reason: '已转入整改程序' });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toMatchObject({ code: 'closed', label: 'Closed by local HR' });
    const doc = await eventually(async () => stack.store.cases.findOne({ _id: caseId, 'status.final': true }));
    expect(doc.summary).toMatchObject({ referral: { rules: ['R11', 'R18(c)'] }, outcome: { code: 'closed' } });
    expect((await stack.store.tasks.countDocuments({ caseId, active: true }))).toBe(0);
    const openapi = await api(stack.baseUrl).get('/openapi.json');
    expect(Object.keys(openapi.body.paths).filter((p) => p.startsWith('/api/incidents')).sort()).toEqual([
      '/api/incidents',
      '/api/incidents/{caseId}/accept-follow-up',
      '/api/incidents/{caseId}/acknowledge',
      '/api/incidents/{caseId}/close-incident',
      '/api/incidents/{caseId}/record-escalation',
      '/api/incidents/{caseId}/refer-for-rectification',
      '/api/incidents/{caseId}/request-more',
      '/api/incidents/{caseId}/submit-follow-up',
    ]);
  });
});

/**
 * A random inspection (双随机一公开, R16) through the API on the time-skipping server, with the real
 * draw over the directory and the inspector list in the store: provincial HR keeps its inspectors,
 * starts the inspection (institutions of its province only, drawn reproducibly, an inspector who
 * worked for an institution recused from it), the inspectors record their findings from their
 * inboxes, the results are published for everyone, and the findings become rectification orders in
 * one step, each known to its listing. Bad input is refused with a 4xx naming the rule or field.
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
const listings: { institution: string; province: string; occupation: string }[] = [
  { institution: 'i001', province: '44', occupation: '2-02-10-09' },
  { institution: 'i001', province: '44', occupation: '4-04-05-06' },
  { institution: 'i003', province: '44', occupation: '2-02-10-09' },
  { institution: 'i005', province: '44', occupation: '6-31-01-09' },
  { institution: 'i009', province: '32', occupation: '2-02-10-09' },
];
const caseOf = (l: (typeof listings)[number]) => `listing:training:${l.institution}:${l.occupation}`;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  stack = await startStack('inspection-api', { timeSkipping: env });
  for (const id of ['gd-officer', 'gz-officer', 'js-officer', 'nat-officer', 'inst-001', 'inspector-001', 'inspector-002', 'inspector-003', 'inspector-004']) {
    as[id] = api(stack.baseUrl, await tokenFor(stack.baseUrl, id));
  }
  const publishedOn = shanghaiDate(new Date(await env.currentTimeMs()).toISOString());
  for (const l of listings) {
    const input: Omit<ListingInput, 'caseId' | 'createdAt'> = {
      listingId: `training:${l.institution}:${l.occupation}`,
      kind: 'training',
      institution: { id: l.institution, name: `机构${l.institution}`, province: l.province },
      occupation: { code: l.occupation, name: l.occupation },
      organiser: `province:${l.province}`,
      recommender: 'industry:miit',
      publishedOn,
      createdBy: SYSTEM_PRINCIPAL,
    };
    await stack.temporal.workflow.start(listingWorkflow, { workflowId: caseOf(l), taskQueue: stack.config.taskQueue, args: [{ input }] });
  }
  await eventually(async () => (await stack.store.listings.countDocuments({})) === listings.length);
});
afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

describe('a random inspection through the API (R16)', () => {
  let inspectionId = '';

  it('R16 provincial HR keeps its inspector list; another province cannot edit it', async () => {
    const history = (employer: string) => [{ employer, from: '2020-01-01', to: null }];
    for (const [id, employer] of [['p001', 'institution:i001'], ['p002', '广东省人社厅'], ['p003', '广东省人社厅'], ['p004', '广州市人社局']] as const) {
      const r = await as['gd-officer']!.put(`/api/inspectors/${id}`, { name: `检查员${id}`, employer, employmentHistory: history(employer), active: true });
      expect(r.status).toBe(200);
    }
    expect((await as['js-officer']!.put('/api/inspectors/p001', { name: 'x', employer: 'y', employmentHistory: [], active: true })).status).toBe(403);
    expect((await as['inst-001']!.put('/api/inspectors/p009', { name: 'x', employer: 'y', employmentHistory: [], active: true })).status).toBe(403);
    expect((await as['gd-officer']!.get('/api/inspectors')).body.items).toHaveLength(4);
  });

  it('R16 bad starts are refused: a locality, an institution, a count of 0, an unknown filter', async () => {
    const body = { reference: '2027-Q1', title: '第一季度双随机检查', filters: { kind: 'training' }, institutionCount: 2 };
    expect((await as['gz-officer']!.post('/api/inspections', body)).status).toBe(403);
    expect((await as['inst-001']!.post('/api/inspections', body)).status).toBe(403);
    expect((await as['gd-officer']!.post('/api/inspections', { ...body, institutionCount: 0 })).status).toBe(400);
    expect((await as['gd-officer']!.post('/api/inspections', { ...body, filters: { colour: 'red' } })).status).toBe(400);
    expect((await as['gd-officer']!.post('/api/inspections', { ...body, inspectorsPerInstitution: 1 })).status).toBe(400);
    expect(await stack.store.cases.countDocuments({ caseType: 'inspection' })).toBe(0);
  });

  it('R16 the draw: institutions of the province only, inspectors recused from their former employer, reproducible', async () => {
    const r = await as['gd-officer']!.post('/api/inspections', { reference: '2027-Q1', title: '第一季度双随机检查', filters: { kind: 'training' }, institutionCount: 2 });
    expect(r.status).toBe(201);
    inspectionId = r.body.caseId;
    const c = await eventually(async () => {
      const doc = await stack.store.cases.findOne({ _id: inspectionId });
      return doc?.status.code === 'inspecting' ? doc : undefined;
    });
    const summary = c.summary as { eligible: number; institutions: { id: string; province: string }[]; drawId: string };
    expect(summary.eligible).toBe(3);
    expect(summary.institutions).toHaveLength(2);
    expect(summary.institutions.every((i) => i.province === '44')).toBe(true);
    expect((await as['gd-officer']!.post('/api/inspections', { reference: '2027-Q1', title: 'dup', institutionCount: 1 })).status).toBe(409);
    // p001 worked for i001: never assigned to it.
    const draw = await stack.store.inspectionDraws.findOne({ _id: summary.drawId });
    const outcome = draw!.outcome as { assignments: { institution: { id: string }; inspectors: { id: string }[] }[] };
    for (const a of outcome.assignments) if (a.institution.id === 'i001') expect(a.inspectors.map((i) => i.id)).not.toContain('p001');
    const verified = await as['gd-officer']!.get(`/api/inspection-draws/${enc(summary.drawId)}`);
    expect(verified.body.verification).toEqual({ valid: true, problems: [] });
    expect((await as['inst-001']!.get(`/api/inspection-draws/${enc(summary.drawId)}`)).status).toBe(404);
  });

  it('R16 the inspectors record findings from their inboxes; the results are published; the findings become orders in one step (R20.1)', async () => {
    const doc = (await stack.store.cases.findOne({ _id: inspectionId }))!;
    const draw = await stack.store.inspectionDraws.findOne({ _id: (doc.summary as { drawId: string }).drawId });
    const assignments = (draw!.outcome as { assignments: { institution: { id: string }; listings: { listingId: string }[]; inspectors: { id: string }[] }[] }).assignments;
    const tokenOf = (inspectorId: string) => as[`inspector-00${inspectorId.slice(-1)}`]!;
    const [first, second] = assignments as [(typeof assignments)[number], (typeof assignments)[number]];
    // A task in each drawn inspector's inbox.
    const inbox = await tokenOf(first.inspectors[0]!.id).get('/api/inbox?limit=50');
    const task = (inbox.body.items as { caseId: string; step: string; taskId: string }[]).find((t) => t.caseId === inspectionId && t.step === 'inspection.recordFindings')!;
    expect(task).toBeTruthy();
    const outsider = ['p001', 'p002', 'p003', 'p004'].find((id) => !first.inspectors.some((i) => i.id === id) && !second.inspectors.some((i) => i.id === id));
    const findings = { institutionId: first.institution.id, checklist: [{ itemId: 'R12.fees', result: 'fail', note: '未公示收费标准' }], findings: [{ rule: 'R12', text: '未公示收费标准和退费办法' }], summary: '发现 1 项问题' };
    // Someone else's institution, a rule of the other kind, a failed item without a finding: 400, nothing recorded.
    const wrong = second.inspectors[0]!.id;
    expect((await tokenOf(wrong).post(`/api/inspections/${enc(inspectionId)}/record-findings`, findings)).status).toBe(400);
    expect((await tokenOf(first.inspectors[0]!.id).post(`/api/inspections/${enc(inspectionId)}/record-findings`, { ...findings, findings: [{ rule: 'R18(g)', text: 'x' }] })).status).toBe(400);
    expect((await tokenOf(first.inspectors[0]!.id).post(`/api/inspections/${enc(inspectionId)}/record-findings`, { ...findings, findings: [] })).status).toBe(400);
    if (outsider) expect((await tokenOf(outsider).post(`/api/inspections/${enc(inspectionId)}/record-findings`, findings)).status).toBe(404);
    const done = await tokenOf(first.inspectors[0]!.id).post(`/api/tasks/${enc(task.taskId)}/complete`, { action: 'RECORD_FINDINGS', payload: findings });
    expect(done.status).toBe(200);
    const clean = await tokenOf(second.inspectors[1]!.id).post(`/api/inspections/${enc(inspectionId)}/record-findings`, { institutionId: second.institution.id, checklist: [{ itemId: 'R10.faculty', result: 'pass' }], findings: [], summary: '未发现问题' });
    expect(clean.status).toBe(200);
    expect(clean.body.status.code).toBe('review');

    // Not public before publication; public after, without an account and without inspectors' names.
    expect((await api(stack.baseUrl).get('/api/public/inspections')).body.items).toEqual([]);
    expect((await as['gd-officer']!.post(`/api/inspections/${enc(inspectionId)}/publish-results`, { summary: '抽查 2 家，1 家存在问题' })).status).toBe(200);
    const pub = await eventually(async () => {
      const r = await api(stack.baseUrl).get('/api/public/inspections');
      return r.body.items[0];
    });
    expect(pub.results.map((x: { institution: { id: string }; problemsFound: boolean }) => [x.institution.id, x.problemsFound])).toEqual([
      [first.institution.id, true],
      [second.institution.id, false],
    ]);
    expect(JSON.stringify(pub)).not.toMatch(/p00[1-4]|检查员/);

    // R20.1 in one step: a deadline in the past is refused; then one order per listing of the institution with findings.
    expect((await as['gd-officer']!.post(`/api/inspections/${enc(inspectionId)}/issue-orders`, { mode: 'deadline', due: { date: '2020-01-01' } })).status).toBe(400);
    const issued = await as['gd-officer']!.post(`/api/inspections/${enc(inspectionId)}/issue-orders`, { mode: 'deadline', due: { workingDays: 15 } });
    expect(issued.status).toBe(200);
    const orders = await eventually(async () => {
      const docs = await stack.store.cases.find({ caseType: 'rectification' }).toArray();
      return docs.length === first.listings.length ? docs : undefined;
    });
    expect(orders.map((o) => (o.summary as { listingId: string }).listingId).sort()).toEqual(first.listings.map((l) => l.listingId).sort());
    expect(orders[0]!.summary).toMatchObject({ orderedBy: 'province:44', breaches: [{ rule: 'R12' }], source: { campaignCaseId: inspectionId } });
    // Each listing knows its order; the institution has its evidence task.
    for (const l of first.listings) {
      await eventually(async () => ((await stack.store.cases.findOne({ _id: `listing:${l.listingId}` }))?.summary as { rectifications?: unknown[] }).rectifications?.length === 1);
    }
    // End the long-running cases (a listing left running holds the test server's clock).
    for (const o of orders) expect((await as['gd-officer']!.post(`/api/rectifications/${enc(o._id)}/cancel-order`, { reason: '测试结束' })).status).toBe(200);
    for (const l of listings) {
      const h = stack.temporal.workflow.getHandle(caseOf(l));
      await h.executeUpdate('command', { args: [{ type: 'WITHDRAW', payload: { effectiveOn: shanghaiDate(new Date(await env.currentTimeMs()).toISOString()), reason: '测试结束' }, actor: { id: 'inst', name: 'inst', role: 'institution', unit: `institution:${l.institution}` } }] });
    }
  });
});

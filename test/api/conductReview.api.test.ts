/**
 * R18(g) Decision through the API on the time-skipping server: the directory detects an evaluation
 * listing and a training listing for the same occupation held by related organisations, a scan opens
 * one review per conflict (a rescan opens none again), and the national group confirms it from its
 * inbox, which orders the evaluation institution to rectify under R18(g) (R20.1) — or dismisses it.
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
const occ = '2-02-10-09';
const held = [
  { kind: 'evaluation' as const, institution: 'i002', organiser: 'national' as const },
  { kind: 'training' as const, institution: 'i001', organiser: 'province:44' as const },
  { kind: 'training' as const, institution: 'i003', organiser: 'province:44' as const },
];
const caseOf = (h: (typeof held)[number]) => `listing:${h.kind}:${h.institution}:${occ}`;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  stack = await startStack('conduct-review-api', { timeSkipping: env });
  for (const id of ['nat-officer', 'gd-officer']) as[id] = api(stack.baseUrl, await tokenFor(stack.baseUrl, id));
  const publishedOn = shanghaiDate(new Date(await env.currentTimeMs()).toISOString());
  for (const h of held) {
    const input: Omit<ListingInput, 'caseId' | 'createdAt'> = {
      listingId: `${h.kind}:${h.institution}:${occ}`,
      kind: h.kind,
      institution: { id: h.institution, name: `机构${h.institution}`, province: '44' },
      occupation: { code: occ, name: '人工智能工程技术人员' },
      organiser: h.organiser,
      recommender: 'industry:miit',
      publishedOn,
      createdBy: SYSTEM_PRINCIPAL,
    };
    await stack.temporal.workflow.start(listingWorkflow, { workflowId: caseOf(h), taskQueue: stack.config.taskQueue, args: [{ input }] });
  }
  await eventually(async () => (await stack.store.listings.countDocuments({})) === held.length);
});
afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

describe('same-occupation conflicts (R18(g))', () => {
  it('R18(g) a scan opens one review per conflict of related organisations; a rescan opens none again; only the national group scans', async () => {
    expect((await as['nat-officer']!.post('/api/conduct/conflict-reviews/scan', {})).body).toEqual({ conflicts: 0, opened: [] });
    // i001 is a branch of i002, the evaluation institution; i003 is unrelated.
    await stack.store.relations.insertOne({ _id: 'i002~i001~branch', from: 'i002', to: 'i001', type: 'branch', registeredBy: SYSTEM_PRINCIPAL, registeredAt: new Date() });
    expect((await as['gd-officer']!.post('/api/conduct/conflict-reviews/scan', {})).status).toBe(403);
    const first = await as['nat-officer']!.post('/api/conduct/conflict-reviews/scan', {});
    expect(first.body).toEqual({ conflicts: 1, opened: [`conduct-review:evaluation:i002:${occ}~training:i001:${occ}`] });
    expect((await as['nat-officer']!.post('/api/conduct/conflict-reviews/scan', {})).body).toEqual({ conflicts: 1, opened: [] });
  });

  it('R18(g) the national group confirms from its inbox: an R18(g) order against the evaluation listing; a bad deadline is refused first', async () => {
    const caseId = `conduct-review:evaluation:i002:${occ}~training:i001:${occ}`;
    const task = await eventually(async () => {
      const r = await as['nat-officer']!.get('/api/inbox?limit=50');
      return (r.body.items as { caseId: string; step: string; taskId: string; due: string | null }[]).find((t) => t.caseId === caseId && t.step === 'conductReview.decide');
    });
    expect(task.due).toBeTruthy();
    const view = await as['nat-officer']!.get(`/api/cases/${enc(caseId)}`);
    expect(view.body.summary.text).toContain('related through i002 → branch i001');
    // Guangdong HR (the training listing's organiser) reads the review but does not decide it.
    expect((await as['gd-officer']!.post(`/api/conduct/conflict-reviews/${enc(caseId)}/confirm-conflict`, { reason: 'x', mode: 'immediate' })).status).toBe(403);
    expect((await as['nat-officer']!.post(`/api/conduct/conflict-reviews/${enc(caseId)}/confirm-conflict`, { reason: '关联关系属实', mode: 'deadline', due: { date: '2020-01-01' } })).status).toBe(400);
    const done = await as['nat-officer']!.post(`/api/tasks/${enc(task.taskId)}/complete`, { action: 'CONFIRM_CONFLICT', payload: { reason: '关联关系属实', mode: 'deadline', due: { workingDays: 20 } } });
    expect(done.status).toBe(200);
    const order = await eventually(async () => stack.store.cases.findOne({ caseType: 'rectification' }));
    expect(order.summary).toMatchObject({ listingId: `evaluation:i002:${occ}`, orderedBy: 'national', breaches: [{ rule: 'R18(g)' }] });
    await eventually(async () => ((await stack.store.cases.findOne({ _id: caseOf(held[0]!) }))?.summary as { rectifications?: unknown[] }).rectifications?.length === 1);
    // End the long-running cases.
    expect((await as['nat-officer']!.post(`/api/rectifications/${enc(order._id)}/cancel-order`, { reason: '测试结束' })).status).toBe(200);
    for (const h of held) {
      await stack.temporal.workflow.getHandle(caseOf(h)).executeUpdate('command', {
        args: [{ type: 'WITHDRAW', payload: { effectiveOn: shanghaiDate(new Date(await env.currentTimeMs()).toISOString()), reason: '测试结束' }, actor: { id: 'i', name: 'i', role: 'institution', unit: `institution:${h.institution}` } }],
      });
    }
  });
});

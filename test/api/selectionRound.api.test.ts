/**
 * A whole selection round through the HTTP API, as its users would drive it: the national group
 * (officer, leader), institutions, their recommenders, the drawn experts and a member of the public.
 * The API, the worker and the store are real; Temporal is the time-skipping test server, so the
 * application window and the 5-working-day public notice pass in seconds (R7.1–R7.5, R6, R9.3).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draft } from '../fixtures/selectionPlan.js';
import { goodFacts as eligibleFacts } from '../fixtures/eligibility.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';
import { createTimeSkippingEnv } from '../support/temporal.js';

type Client = ReturnType<typeof api>;
let env: TestWorkflowEnvironment;
let stack: Stack;
const as: Record<string, Client> = {};
const enc = encodeURIComponent;
const DAY = 86_400_000;
const field = '2-02-10-09';

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  stack = await startStack('round-api', { timeSkipping: env });
  for (const id of ['nat-officer', 'nat-leader', 'gd-officer', 'miit-officer', 'inst-001', 'inst-002', 'inst-003', ...[1, 2, 3, 4, 5, 6, 7].map((i) => `expert-00${i}`)]) {
    as[id] = api(stack.baseUrl, await tokenFor(stack.baseUrl, id));
  }
});
afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const thisYear = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
/** R6: facts that pass every check. */
const goodFacts = eligibleFacts(thisYear);

async function inboxTask(client: Client, caseId: string, step: string) {
  return eventually(async () => {
    const r = await client.get('/api/inbox?limit=200');
    return (r.body.items as { caseId: string; step: string; taskId: string }[]).find((t) => t.caseId === caseId && t.step === step);
  });
}

describe('a selection round through the API (R7)', () => {
  it('goes from the published notice to listings in the public directory', async () => {
    // The national group keeps the expert pool (R7.3): seven experts of the field; e001 works for i001.
    for (let i = 1; i <= 7; i++) {
      const r = await as['nat-officer']!.put(`/api/expert-pool/e00${i}`, { name: `专家${i}`, fields: [field], employer: i === 1 ? 'institution:i001' : `org-${i}`, employmentHistory: [], active: true });
      expect(r.status).toBe(200);
    }
    expect((await as['gd-officer']!.put('/api/expert-pool/e009', { name: 'x', fields: [field], employer: 'o', employmentHistory: [], active: true })).status).toBe(403);

    // R7.1: plan → approval → notice.
    const plan = (await as['nat-officer']!.post('/api/selection-plans', { kind: 'evaluation', reference: 'round-api', draft })).body.caseId as string;
    await as['nat-officer']!.post(`/api/selection-plans/${enc(plan)}/submit`, {});
    await as['nat-leader']!.post(`/api/selection-plans/${enc(plan)}/approve`, {});
    const opens = today();
    const closes = plusDays(opens, 7);
    const published = await as['nat-officer']!.post(`/api/selection-plans/${enc(plan)}/publish-notice`, {
      documentNumber: '人社厅发〔2026〕100号', occupations: [draft.occupations[0]], applicationWindow: { opens, closes }, requirements: '见通知',
    });
    expect(published.status).toBe(200);
    const roundId = 'selection-round:national:round-api';

    // R7.2: institutions apply, each through one channel.
    const apply = (who: string, body: Record<string, unknown>) =>
      as[who]!.post(`/api/selection-rounds/${enc(roundId)}/applications`, { institution: { name: `机构${who}`, province: '44' }, occupationCodes: [field], priority: 'other', facts: goodFacts, ...body });
    const a1 = await apply('inst-001', { recommender: 'province:44', priority: 'nationalStandardDeveloper' });
    expect(a1.status).toBe(201);
    const app1 = a1.body.applications[0].caseId as string;
    expect(a1.body.applications[0].status.code).toBe('recommendation');

    const second = await apply('inst-001', { recommender: 'industry:miit' });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'SECOND_CHANNEL', details: { rule: 'R7.2' } });
    const outOfTerritory = await apply('inst-002', { recommender: 'province:32' });
    expect(outOfTerritory.status).toBe(422);
    expect(outOfTerritory.body.error.details.rule).toBe('R7.2');
    const notCovered = await apply('inst-002', { recommender: 'industry:miit', occupationCodes: ['2-02-10-11'] });
    expect(notCovered.status).toBe(422);
    expect(notCovered.body.error.code).toBe('OCCUPATION_NOT_IN_NOTICE');
    // R9.3: an institution under a re-application bar is refused with the bar's end date.
    await stack.store.bars.insertOne({ _id: 'bar-i003', institutionId: 'i003', kind: 'evaluation', occupationCode: field, until: plusDays(opens, 400), reason: 'deemed abandonment (R9.2)', createdAt: new Date() });
    const barred = await apply('inst-003', { recommender: 'industry:miit' });
    expect(barred.status).toBe(422);
    expect(barred.body.error).toMatchObject({ code: 'REAPPLICATION_BARRED', details: { rule: 'R9.3' } });
    expect(barred.body.error.message).toContain(plusDays(opens, 400));

    // The refused applications changed nothing: the round knows one application only.
    expect(await stack.store.cases.countDocuments({ caseType: 'application', 'summary.roundId': roundId })).toBe(1);
    expect(await stack.store.cases.countDocuments({ caseType: 'application', 'summary.institution.id': { $in: ['i002', 'i003'] } })).toBe(0);

    const a2 = await apply('inst-002', { recommender: 'industry:miit', facts: { ...goodFacts, yearsOfExperience: 3 } });
    expect(a2.status).toBe(201);
    const app2 = a2.body.applications[0].caseId as string;

    // The recommenders confirm from their inboxes.
    for (const [who, id] of [['gd-officer', app1], ['miit-officer', app2]] as const) {
      const t = await inboxTask(as[who]!, id, 'application.recommend');
      expect((await as[who]!.post(`/api/tasks/${enc(t.taskId)}/complete`, { action: 'CONFIRM_RECOMMENDATION', payload: {} })).status).toBe(200);
    }

    // R7.3 preliminary review; R6: the flagged application passes only with a reason.
    expect((await as['nat-officer']!.post(`/api/applications/${enc(app1)}/pass-review`, {})).status).toBe(200);
    const noReason = await as['nat-officer']!.post(`/api/applications/${enc(app2)}/pass-review`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details).toMatchObject({ rule: 'R6', fields: [expect.objectContaining({ field: '/reason' })] });
    expect((await as['nat-officer']!.post(`/api/applications/${enc(app2)}/pass-review`, { reason: '母公司经验可补足（R6.4）' })).status).toBe(200);

    // R7.3: the drawn experts vote from their inboxes; e001 (the applicant's employee) is never drawn for app1.
    const voteAll = async (caseId: string, yes: number) => {
      let n = 0;
      for (let i = 1; i <= 7; i++) {
        const r = await as[`expert-00${i}`]!.get('/api/inbox?limit=200');
        const t = (r.body.items as { caseId: string; taskId: string }[]).find((x) => x.caseId === caseId);
        if (!t) continue;
        if (caseId === app1) expect(i).not.toBe(1);
        const done = await as[`expert-00${i}`]!.post(`/api/tasks/${enc(t.taskId)}/complete`, { action: 'CAST_VOTE', payload: { recommend: n < yes, score: 80, comments: '评审意见' } });
        expect(done.status).toBe(200);
        n += 1;
      }
      expect(n).toBe(5);
    };
    await voteAll(app1, 5);
    await voteAll(app2, 2);

    // Panel membership and votes stay with the staff: the applicant sees neither.
    const mine = await as['inst-001']!.get(`/api/cases/${enc(app1)}`);
    expect(mine.body.status.code).toBe('recheck');
    expect(JSON.stringify(mine.body)).not.toMatch(/e00[1-7]/);
    const history = await as['inst-001']!.get(`/api/cases/${enc(app1)}/history`);
    expect(history.body.items.map((e: { event: { type: string } }) => e.event.type)).not.toContain('CAST_VOTE');
    const staffHistory = await as['nat-officer']!.get(`/api/cases/${enc(app1)}/history`);
    const drawnEntry = staffHistory.body.items.find((e: { event: { type: string } }) => e.event.type === 'panel.drawn');
    const drawId = drawnEntry.event.draw.drawId as string;
    const draw = await as['nat-officer']!.get(`/api/draws/${enc(drawId)}`);
    expect(draw.body.verification).toEqual({ valid: true, problems: [] });
    expect((await as['inst-001']!.get(`/api/draws/${enc(drawId)}`)).status).toBe(404);

    // R7.4 recheck: confirm one; overrule the other, with a reason.
    expect((await as['nat-officer']!.post(`/api/applications/${enc(app1)}/confirm-result`, {})).status).toBe(200);
    const overrule = await as['nat-officer']!.post(`/api/applications/${enc(app2)}/overrule`, { recommended: true, reason: '专家意见分歧，复核认为符合条件' });
    expect(overrule.status).toBe(200);

    // The organiser sees the round's progress at a glance; another province does not see it at all.
    const progress = await as['nat-officer']!.get(`/api/selection-rounds/${enc(roundId)}/applications`);
    expect(progress.body.counts).toEqual({ recommended: 2 });
    expect(progress.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([app1, app2]);
    expect((await as['gd-officer']!.get(`/api/selection-rounds/${enc(roundId)}/applications`)).status).toBe(404);

    // The window closes; the leader approves the list; the public notice opens.
    await env.sleep(8 * DAY);
    const approveTask = await inboxTask(as['nat-leader']!, roundId, 'round.approveList');
    expect((await as['nat-leader']!.post(`/api/tasks/${enc(approveTask.taskId)}/complete`, { action: 'APPROVE_LIST', payload: {} })).status).toBe(200);
    const notices = await eventually(async () => {
      const r = await api(stack.baseUrl).get('/api/public/notices');
      return r.body.items.length > 0 ? r.body.items : undefined;
    });
    expect(notices[0]).toMatchObject({ roundId, documentNumber: '人社厅发〔2026〕100号' });
    expect(notices[0].list.map((l: { application: string }) => l.application)).toEqual([app1, app2]);

    // A member of the public objects to app2 without an account; the organiser upholds it.
    const objection = await api(stack.baseUrl).post(`/api/public/notices/${enc(roundId)}/objections`, { application: app2, text: '该机构曾有失信记录', contact: '138****0000' });
    expect(objection.status).toBe(202);
    const offList = await api(stack.baseUrl).post(`/api/public/notices/${enc(roundId)}/objections`, { application: 'application:nope', text: 'x' });
    expect(offList.status).toBe(400);
    const objTask = await inboxTask(as['nat-officer']!, roundId, 'round.decideObjection');
    const upheld = await as['nat-officer']!.post(`/api/tasks/${enc(objTask.taskId)}/complete`, { action: 'UPHOLD_OBJECTION', payload: { objectionId: 'objection-1', reason: '经核实存在失信记录' } });
    expect(upheld.status).toBe(200);

    // The notice ends; the round publishes; the directory shows app1's listing for 3 years.
    await env.sleep(12 * DAY);
    const listing = await eventually(async () => {
      const r = await api(stack.baseUrl).get(`/api/directory?occupation=${field}&kind=evaluation`);
      return r.body.items.length > 0 ? r.body.items : undefined;
    });
    expect(listing).toHaveLength(1);
    expect(listing[0]).toMatchObject({ kind: 'evaluation', institution: { id: 'i001' }, occupation: { code: field }, status: 'valid', period: 1 });
    const from = listing[0].validFrom as string;
    expect(listing[0].validUntil).toBe(plusDays(`${Number(from.slice(0, 4)) + 3}${from.slice(4)}`, -1));
    const changes = await api(stack.baseUrl).get('/api/directory/changes');
    expect(changes.body.items[0]).toMatchObject({ change: 'published', rule: 'R5.1', listing: { institution: { id: 'i001' } } });
    expect((await as['inst-002']!.get(`/api/cases/${enc(app2)}`)).body.status.code).toBe('removedByObjection');
    expect(JSON.stringify(changes.body)).not.toContain('138****0000');

    // The listing lives on as its own case (R9, R14.2, R20.3): its holder reports and may withdraw; nobody else may.
    const listingCase = `listing:evaluation:i001:${field}`;
    const mineListing = await as['inst-001']!.get(`/api/cases/${enc(listingCase)}`);
    expect(mineListing.body.status.code).toBe('valid');
    expect(mineListing.body.summary).toMatchObject({ period: 1, validFrom: from, renewalDeadline: expect.any(String) });
    const year = Number(from.slice(0, 4));
    const report = (over: Record<string, unknown>) => ({ year: year - 1, personTimes: 2400, plan: '下一年度计划', ...over });
    for (const [payload, field] of [
      [report({ personTimes: -5 }), 'personTimes'],
      [report({ year: year + 1 }), 'year'],
      [report({ plan: '   ' }), 'plan'],
    ] as const) {
      const r = await as['inst-001']!.post(`/api/listings/${enc(listingCase)}/submit-annual-report`, payload);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body.error.details)).toContain(field);
    }
    expect((await as['inst-002']!.post(`/api/listings/${enc(listingCase)}/submit-annual-report`, report({}))).status).toBe(404);
    expect((await as['inst-002']!.post(`/api/listings/${enc(listingCase)}/withdraw`, { effectiveOn: from, reason: 'x' })).status).toBe(404);
    const before = (await stack.store.cases.findOne({ _id: listingCase }))!.seq;
    expect(before).toBeGreaterThan(0);
    const withdrawn = await as['inst-001']!.post(`/api/listings/${enc(listingCase)}/withdraw`, { effectiveOn: from, reason: '业务调整（R20.3）' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status.code).toBe('withdrawn');
    const after = await eventually(async () => {
      const r = await api(stack.baseUrl).get(`/api/directory?occupation=${field}&status=withdrawn`);
      return r.body.items.length > 0 ? r.body.items : undefined;
    });
    expect(after[0]).toMatchObject({ institution: { id: 'i001' }, status: 'withdrawn' });
    expect((await api(stack.baseUrl).get('/api/directory/changes')).body.items[0]).toMatchObject({ change: 'withdrawn', rule: 'R20.3' });
    expect(await stack.store.bars.countDocuments({ institutionId: 'i001' })).toBe(0);
  });

  it('the public objection endpoint has an abuse limit (429 after 5 a minute from one address)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await api(stack.baseUrl).post('/api/public/notices/selection-round:national:none/objections', { application: 'x', text: 'x' })).status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 404 || s === 429 || s === 400)).toBe(true);
  });
});

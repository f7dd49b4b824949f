/**
 * A user's view of the selection plan (R7.1) through the HTTP API, on the Temporal dev server and the
 * store: mint tokens, work the inbox (claim, complete), watch the case move and its audit chain grow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draft, notice } from '../fixtures/selectionPlan.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';

let stack: Stack;
let officer: ReturnType<typeof api>;
let leader: ReturnType<typeof api>;
let gdOfficer: ReturnType<typeof api>;

beforeAll(async () => {
  stack = await startStack('plan-api');
  officer = api(stack.baseUrl, await tokenFor(stack.baseUrl, 'nat-officer'));
  leader = api(stack.baseUrl, await tokenFor(stack.baseUrl, 'nat-leader'));
  gdOfficer = api(stack.baseUrl, await tokenFor(stack.baseUrl, 'gd-officer'));
});
afterAll(async () => {
  await stack?.stop();
});

const shanghaiToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const enc = encodeURIComponent;

async function inboxTask(client: ReturnType<typeof api>, caseId: string, step: string) {
  return eventually(async () => {
    const r = await client.get('/api/inbox');
    expect(r.status).toBe(200);
    return (r.body.items as { caseId: string; step: string; taskId: string }[]).find((t) => t.caseId === caseId && t.step === step);
  });
}

describe('selection plan through the API (R7.1)', () => {
  it('R7.1 the organiser drafts and submits, the leader returns then approves, the officer publishes the notice', async () => {
    const created = await officer.post('/api/selection-plans', { kind: 'evaluation', reference: 'walk', draft });
    expect(created.status).toBe(201);
    const caseId = created.body.caseId as string;
    expect(caseId).toBe('selection-plan:national:walk');
    expect(created.headers.get('location')).toBe(`/api/cases/${enc(caseId)}`);
    expect(created.body.status.code).toBe('drafting');
    expect(created.body.availableActions.map((a: { type: string }) => a.type).sort()).toEqual(['CANCEL', 'EDIT_DRAFT', 'SUBMIT']);

    // The officer claims the drafting task and completes it by submitting.
    const draftTask = await inboxTask(officer, caseId, 'selectionPlan.draft');
    const claimed = await officer.post(`/api/tasks/${enc(draftTask.taskId)}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ status: 'claimed', claimedBy: { id: 'nat-officer' } });
    const done = await officer.post(`/api/tasks/${enc(draftTask.taskId)}/complete`, { action: 'SUBMIT', payload: {} });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', outcome: { action: 'SUBMIT', by: { id: 'nat-officer' } } });

    // The leader sees the approval with its due date and explanation, and returns it.
    const approve = await inboxTask(leader, caseId, 'selectionPlan.approve');
    const task = (await leader.get(`/api/tasks/${enc(approve.taskId)}`)).body;
    expect(task.due).toMatch(/T15:59:59\.999Z$/);
    expect(task.dueExplanation).toContain('10 working days');
    expect(task.rule).toBe('R7.1');
    const returned = await leader.post(`/api/tasks/${enc(approve.taskId)}/complete`, { action: 'RETURN', payload: { comments: '请补充申报条件' } });
    expect(returned.status).toBe(200);

    // Resubmitted through the typed route; approved through the typed route.
    const redraft = await inboxTask(officer, caseId, 'selectionPlan.draft');
    expect(redraft.taskId).toContain('draft-2');
    expect((await officer.post(`/api/selection-plans/${enc(caseId)}/edit-draft`, { draft: { ...draft, requirements: '申报条件见附件' } })).status).toBe(200);
    expect((await officer.post(`/api/selection-plans/${enc(caseId)}/submit`, {})).status).toBe(200);
    const approved = await leader.post(`/api/selection-plans/${enc(caseId)}/approve`, { comments: '同意' });
    expect(approved.status).toBe(200);
    expect(approved.body.status.code).toBe('approved');

    const today = shanghaiToday();
    const publishTask = await inboxTask(officer, caseId, 'selectionPlan.publishNotice');
    const published = await officer.post(`/api/tasks/${enc(publishTask.taskId)}/complete`, { action: 'PUBLISH_NOTICE', payload: notice(plusDays(today, 3), plusDays(today, 40)) });
    expect(published.status).toBe(200);

    const view = await officer.get(`/api/cases/${enc(caseId)}`);
    expect(view.body.status).toEqual({ code: 'noticePublished', label: 'Selection notice published; applications open', final: false });
    expect(view.body.summary.notice).toMatchObject({ documentNumber: '人社厅发〔2026〕99号', applicationWindow: { opens: plusDays(today, 3), closes: plusDays(today, 40) } });
    expect(view.body.deadlines.map((d: { name: string }) => d.name)).toEqual(['applicationWindowCloses']);

    const history = await officer.get(`/api/cases/${enc(caseId)}/history`);
    const types = history.body.items.map((e: { event: { type: string } }) => e.event.type);
    expect(types).toEqual(['case.opened', 'SUBMIT', 'deadlines.set', 'RETURN', 'EDIT_DRAFT', 'SUBMIT', 'deadlines.set', 'APPROVE', 'deadlines.set', 'PUBLISH_NOTICE', 'deadlines.set']);
    const ret = history.body.items.find((e: { event: { type: string } }) => e.event.type === 'RETURN');
    expect(ret).toMatchObject({ actor: { id: 'nat-leader', role: 'leader', unit: 'national' }, from: { submitted: 'waiting' }, to: 'drafting', rule: 'R7.1', event: { comments: '请补充申报条件' } });
    expect((await officer.get(`/api/cases/${enc(caseId)}/audit/verify`)).body).toMatchObject({ valid: true, entries: 11, problems: [] });

    // Notices reached the leader's unit: submitted twice.
    const notes = await leader.get('/api/notifications');
    expect(notes.body.items.filter((n: { caseId: string; template: string }) => n.caseId === caseId && n.template === 'selectionPlan.submitted')).toHaveLength(2);

    // Tampering with the stored chain is detected.
    await stack.store.audit.updateOne({ _id: `${caseId}#4` }, { $set: { 'event.comments': '同意' } });
    await stack.store.audit.deleteOne({ _id: `${caseId}#7` });
    const verify = await officer.get(`/api/cases/${enc(caseId)}/audit/verify`);
    expect(verify.body.valid).toBe(false);
    expect(verify.body.problems.map((p: { kind: string; seq: number }) => `${p.kind}@${p.seq}`)).toEqual(['edited@4', 'missing@7']);
  });
});

describe('bad input changes nothing (4xx with the field or rule)', () => {
  let caseId: string;
  const seqOf = async () => (await stack.store.cases.findOne({ _id: caseId }))!.seq;

  beforeAll(async () => {
    const created = await officer.post('/api/selection-plans', { kind: 'evaluation', reference: 'bad-input', draft });
    caseId = created.body.caseId;
    await officer.post(`/api/selection-plans/${enc(caseId)}/submit`, {});
  });

  it.each([
    ['wrong state: publishing before approval', () => officer.post(`/api/selection-plans/${enc(caseId)}/publish-notice`, notice('2030-01-10', '2030-02-10')), 409, 'InvalidState'],
    ['wrong role: the officer approves', () => officer.post(`/api/selection-plans/${enc(caseId)}/approve`, {}), 403, 'Forbidden'],
    ['other jurisdiction: a province officer cancels a national plan', () => gdOfficer.post(`/api/selection-plans/${enc(caseId)}/cancel`, { reason: 'x' }), 404, 'NotFound'],
    ['other jurisdiction: a province officer reads a national plan', () => gdOfficer.get(`/api/cases/${enc(caseId)}`), 404, 'NotFound'],
    ['missing field: return without comments', () => leader.post(`/api/selection-plans/${enc(caseId)}/return`, {}), 400, 'InvalidInput'],
    ['unknown field (mass assignment)', () => leader.post(`/api/selection-plans/${enc(caseId)}/approve`, { comments: 'ok', revision: 9 }), 400, 'InvalidInput'],
    ['malformed JSON', () => leader.raw('POST', `/api/selection-plans/${enc(caseId)}/approve`, '{"comments":', {}), 400, 'FST_ERR_CTP_INVALID_JSON_BODY'],
    ['oversized body', () => leader.post(`/api/selection-plans/${enc(caseId)}/return`, { comments: 'x'.repeat(300_000) }), 413, 'FST_ERR_CTP_BODY_TOO_LARGE'],
    ['no token', () => api(stack.baseUrl).post(`/api/selection-plans/${enc(caseId)}/approve`, {}), 401, 'Unauthenticated'],
    ['forged token', () => api(stack.baseUrl, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl').post(`/api/selection-plans/${enc(caseId)}/approve`, {}), 401, 'Unauthenticated'],
    ['completing a task with an action it does not take', async () => {
      const t = await inboxTask(leader, caseId, 'selectionPlan.approve');
      return leader.post(`/api/tasks/${enc(t.taskId)}/complete`, { action: 'PUBLISH_NOTICE', payload: {} });
    }, 400, 'InvalidInput'],
    ['someone else\'s task id', async () => {
      const t = await inboxTask(leader, caseId, 'selectionPlan.approve');
      return officer.post(`/api/tasks/${enc(t.taskId)}/complete`, { action: 'APPROVE', payload: {} });
    }, 404, 'NotFound'],
  ] as const)('%s → %i', async (_name, call, status, code) => {
    const before = await seqOf();
    const r = await call();
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(typeof r.body.error.message).toBe('string');
    expect(await seqOf()).toBe(before);
  });

  it('malformed dates in a notice name the field (after approval)', async () => {
    const other = (await officer.post('/api/selection-plans', { kind: 'evaluation', reference: 'bad-dates', draft })).body.caseId as string;
    await officer.post(`/api/selection-plans/${enc(other)}/submit`, {});
    await leader.post(`/api/selection-plans/${enc(other)}/approve`, {});
    const before = (await stack.store.cases.findOne({ _id: other }))!.seq;
    const r = await officer.post(`/api/selection-plans/${enc(other)}/publish-notice`, notice('2026-13-01', '2027-02-30'));
    expect(r.status).toBe(400);
    expect(r.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['body/applicationWindow/opens', 'body/applicationWindow/closes']));
    expect((await stack.store.cases.findOne({ _id: other }))!.seq).toBe(before);
  });

  it('R7 / R8.1 an evaluation plan is the national group\'s, a training plan a province\'s', async () => {
    const r1 = await gdOfficer.post('/api/selection-plans', { kind: 'evaluation', draft });
    expect(r1.status).toBe(403);
    expect(r1.body.error.details.rule).toBe('R7.1');
    const r2 = await officer.post('/api/selection-plans', { kind: 'training', draft });
    expect(r2.status).toBe(403);
    expect(r2.body.error.details.rule).toBe('R8.1');
    const r3 = await gdOfficer.post('/api/selection-plans', { kind: 'training', reference: 'gd-2026', draft });
    expect(r3.status).toBe(201);
    expect(r3.body.owner).toBe('province:44');
    const dup = await gdOfficer.post('/api/selection-plans', { kind: 'training', reference: 'gd-2026', draft });
    expect(dup.status).toBe(409);
  });
});

describe('service endpoints', () => {
  it('GET /healthz reports Temporal and the store', async () => {
    const r = await api(stack.baseUrl).get('/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', temporal: { ok: true }, store: { ok: true } });
  });

  it('GET /openapi.json documents every route with its schemas', async () => {
    const r = await api(stack.baseUrl).get('/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.0.3');
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/calendar/working-days', '/api/inbox', '/api/tasks/{taskId}/complete', '/api/selection-plans/{caseId}/publish-notice', '/api/cases/{caseId}/history']));
  });

  it('errors for unknown routes are JSON', async () => {
    const r = await api(stack.baseUrl).get('/api/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NotFound');
  });
});

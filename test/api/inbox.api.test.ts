/**
 * The inbox through the API: a unit's tasks earliest-due first with undated ones last, stable cursor
 * pages, filters, claims that exclude colleagues, and nothing of another unit's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAR_FUTURE, taskId, type TaskDoc } from '../../store/documents.js';
import { api, startStack, tokenFor, type Stack } from '../support/stack.js';

let stack: Stack;
let leader: ReturnType<typeof api>;
let deputy: ReturnType<typeof api>;
let gdLeader: ReturnType<typeof api>;
const now = Date.now();
const DAY = 86_400_000;

function seedTask(i: number, over: Partial<TaskDoc> = {}): TaskDoc {
  const due = i % 10 === 0 ? null : new Date(now + (i - 30) * DAY);
  const caseId = `selection-plan:national:seed-${i}`;
  return {
    _id: taskId(caseId, 'approve-1'),
    caseId,
    caseType: i % 3 === 0 ? 'other' : 'selectionPlan',
    key: 'approve-1',
    step: 'selectionPlan.approve',
    title: `Task ${i}`,
    rule: 'R7.1',
    assignee: { role: 'leader', unit: 'national' },
    assigneeKey: 'leader@national',
    actions: ['APPROVE', 'RETURN'],
    escalation: false,
    status: 'open',
    active: true,
    claimedBy: null,
    due,
    dueOrder: due ?? FAR_FUTURE,
    dueDate: due?.toISOString().slice(0, 10) ?? null,
    dueExplanation: null,
    provisional: false,
    remindersSent: [],
    createdAt: new Date(now),
    closedAt: null,
    outcome: null,
    lastSeq: 1,
    ...over,
  };
}

beforeAll(async () => {
  stack = await startStack('inbox-api');
  leader = api(stack.baseUrl, await tokenFor(stack.baseUrl, 'nat-leader'));
  deputy = api(stack.baseUrl, await tokenFor(stack.baseUrl, 'nat-leader-2'));
  gdLeader = api(stack.baseUrl, await tokenFor(stack.baseUrl, 'gd-leader'));
  const docs = Array.from({ length: 120 }, (_, i) => seedTask(i));
  docs.push(seedTask(500, { assignee: { role: 'leader', unit: 'province:44' }, assigneeKey: 'leader@province:44', _id: 'other-unit~t' }));
  docs.push(seedTask(501, { active: false, status: 'done', _id: 'closed~t' }));
  await stack.store.tasks.insertMany(docs);
});
afterAll(async () => {
  await stack?.stop();
});

async function allPages(client: ReturnType<typeof api>, query: string) {
  const ids: string[] = [];
  const dues: (string | null)[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r = await client.get(`/api/inbox?limit=25${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.status).toBe(200);
    ids.push(...r.body.items.map((t: { taskId: string }) => t.taskId));
    dues.push(...r.body.items.map((t: { due: string | null }) => t.due));
    cursor = r.body.nextCursor;
    pages += 1;
  } while (cursor && pages < 20);
  return { ids, dues, pages };
}

describe('the inbox', () => {
  it('lists my unit\'s active tasks earliest due first (overdue at the top), undated last, in stable pages', async () => {
    const { ids, dues, pages } = await allPages(leader, '');
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
    expect(pages).toBe(5);
    const dated = dues.filter((d): d is string => d !== null);
    expect(dated).toEqual([...dated].sort());
    expect(dues.slice(-12).every((d) => d === null)).toBe(true);
    expect(ids).not.toContain('other-unit~t');
    expect(ids).not.toContain('closed~t');
  });

  it('filters overdue tasks and by case type', async () => {
    const overdue = await leader.get('/api/inbox?overdue=true&limit=200');
    expect(overdue.body.items.length).toBeGreaterThan(0);
    expect(overdue.body.items.every((t: { overdue: boolean; due: string }) => t.overdue && Date.parse(t.due) < Date.now())).toBe(true);
    const typed = await allPages(leader, '&caseType=selectionPlan');
    expect(typed.ids).toHaveLength(80);
  });

  it('a claimed task is mine: a colleague can neither claim nor complete it, and it shows in view=mine', async () => {
    const id = encodeURIComponent(taskId('selection-plan:national:seed-7', 'approve-1'));
    expect((await leader.post(`/api/tasks/${id}/claim`)).status).toBe(200);
    const taken = await deputy.post(`/api/tasks/${id}/claim`);
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toContain('claimed by');
    expect((await deputy.post(`/api/tasks/${id}/complete`, { action: 'APPROVE', payload: {} })).status).toBe(409);
    expect((await deputy.post(`/api/tasks/${id}/release`)).status).toBe(409);
    const mine = await leader.get('/api/inbox?view=mine');
    expect(mine.body.items.map((t: { taskId: string }) => t.taskId)).toEqual([decodeURIComponent(id)]);
    expect((await leader.post(`/api/tasks/${id}/release`)).status).toBe(200);
    expect((await deputy.post(`/api/tasks/${id}/claim`)).status).toBe(200);
  });

  it('another unit sees none of it, and cannot open it by id', async () => {
    const r = await gdLeader.get('/api/inbox?limit=200');
    expect(r.body.items.map((t: { taskId: string }) => t.taskId)).toEqual(['other-unit~t']);
    const id = encodeURIComponent(taskId('selection-plan:national:seed-8', 'approve-1'));
    expect((await gdLeader.get(`/api/tasks/${id}`)).status).toBe(404);
    expect((await gdLeader.post(`/api/tasks/${id}/claim`)).status).toBe(404);
  });

  it.each([
    ['cursor=garbage', 'cursor'],
    ['limit=0', 'limit'],
    ['limit=1000', 'limit'],
    ['view=everyone', 'view'],
    ['status=deleted', 'status'],
  ])('rejects %s naming the field', async (query, field) => {
    const r = await leader.get(`/api/inbox?${query}`);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.error.details)).toContain(field);
  });
});

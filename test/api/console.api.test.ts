/**
 * What the staff console reads: the machines' diagrams and command schemas, the inbox as a table
 * (offset pages, server-side sort with escalations first, filters on the case's occupation and
 * province, a total, facets), case lists in one's jurisdiction, round dashboards, a case's tasks,
 * related cases and outbox, and the provisional deadlines a calendar load recomputes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAR_FUTURE, taskId, type CaseDoc, type NotificationDoc, type TaskDoc } from '../../store/documents.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';

let stack: Stack;
let natOfficer: ReturnType<typeof api>;
let gdOfficer: ReturnType<typeof api>;
let jsOfficer: ReturnType<typeof api>;
let institution: ReturnType<typeof api>;
const now = Date.now();
const DAY = 86_400_000;
const OCC_AI = '2-02-10-09';
const OCC_BD = '2-02-10-10';

function seedCase(id: string, over: Partial<CaseDoc> = {}): CaseDoc {
  return {
    _id: id,
    caseType: 'application',
    seq: 3,
    status: { code: 'preliminaryReview', label: 'Preliminary review', final: false },
    final: false,
    state: 'preliminaryReview',
    owner: 'province:44',
    parties: [],
    confidentialEvents: [],
    summary: {},
    deadlines: [],
    provisional: false,
    grants: [],
    createdAt: new Date(now - DAY),
    updatedAt: new Date(now - DAY),
    ...over,
  };
}

function seedTask(caseId: string, key: string, over: Partial<TaskDoc> = {}): TaskDoc {
  const due = over.due === undefined ? new Date(now + DAY) : over.due;
  return {
    _id: taskId(caseId, key),
    caseId,
    caseType: 'application',
    key,
    step: 'application.preliminaryReview',
    title: `Review ${caseId}`,
    rule: 'R7.3',
    assignee: { role: 'officer', unit: 'province:44' },
    assigneeKey: 'officer@province:44',
    actions: ['PASS_REVIEW', 'REJECT', 'RETURN_FOR_CORRECTION'],
    escalation: false,
    status: 'open',
    active: true,
    claimedBy: null,
    dueOrder: due ?? FAR_FUTURE,
    dueDate: due?.toISOString().slice(0, 10) ?? null,
    dueExplanation: null,
    provisional: false,
    remindersSent: [],
    createdAt: new Date(now - DAY),
    closedAt: null,
    outcome: null,
    lastSeq: 1,
    ...over,
    due,
  };
}

const ROUND = 'selection-round:province:44:2027-01';
const app = (inst: string, occ: string) => `application:${ROUND}:${inst}:${occ}`;
const appSummary = (inst: string, province: string, occ: string) => ({
  roundId: ROUND,
  kind: 'training',
  institution: { id: inst, name: `机构${inst}`, province },
  occupation: { code: occ, name: occ },
  recommender: 'province:44',
  priority: 'other',
  flags: [],
  outcome: null,
});
const provisionalDeadline = {
  name: 'reviewDue',
  rule: 'R7.3',
  at: '2099-02-10T15:59:59.999Z',
  date: '2099-02-10',
  provisional: true,
  spec: { name: 'reviewDue', rule: 'R7.3', from: '2099-01-20T02:00:00.000Z', offset: { workingDays: 10 }, time: 'endOfDay' },
  explanation: { rule: 'R7.3', start: '2099-01-20', offset: { workingDays: 10 }, skipped: [{ date: '2099-01-24', reason: 'weekend' }], text: '10 working days after 2099-01-20 (provisional)' },
} as unknown as CaseDoc['deadlines'][number];

beforeAll(async () => {
  stack = await startStack('console-api');
  const as = async (u: string) => api(stack.baseUrl, await tokenFor(stack.baseUrl, u));
  natOfficer = await as('nat-officer');
  gdOfficer = await as('gd-officer');
  jsOfficer = await as('js-officer');
  institution = await as('inst-001');
  await stack.store.cases.insertMany([
    seedCase(ROUND, {
      caseType: 'round',
      status: { code: 'accepting', label: 'Accepting applications', final: false },
      state: 'accepting',
      summary: {
        kind: 'training',
        organiser: 'province:44',
        planId: 'selection-plan:province:44:2027-01',
        notice: { documentNumber: '粤人社〔2027〕1号', occupations: [{ code: OCC_AI, name: 'AI' }], applicationWindow: { opens: '2027-01-01', closes: '2027-02-01' } },
        list: [],
        publicNotice: null,
        objections: { filed: 0, open: 0, upheld: 0, dismissed: 0 },
      },
    }),
    seedCase(app('i001', OCC_AI), { summary: appSummary('i001', '44', OCC_AI), parties: ['institution:i001'], deadlines: [provisionalDeadline], provisional: true }),
    seedCase(app('i002', OCC_BD), { summary: appSummary('i002', '44', OCC_BD) }),
    seedCase(app('i003', OCC_AI), { summary: appSummary('i003', '44', OCC_AI), status: { code: 'rejected', label: 'Rejected', final: true }, final: true, updatedAt: new Date(now) }),
    seedCase('selection-plan:province:44:2027-01', { caseType: 'selectionPlan', status: { code: 'noticePublished', label: 'Selection notice published', final: false }, summary: { title: '2027 粤', occupations: [{ code: OCC_AI, name: 'AI' }] } }),
    seedCase('selection-plan:locality:440100:2027-01', { caseType: 'selectionPlan', owner: 'locality:440100', summary: { title: '广州' } }),
    seedCase('selection-plan:province:32:2027-01', { caseType: 'selectionPlan', owner: 'province:32', summary: { title: '2027 苏', occupations: [{ code: OCC_AI, name: 'AI' }] } }),
  ]);
  await stack.store.tasks.insertMany([
    seedTask(app('i001', OCC_AI), 'review-1', { due: new Date(now - 2 * DAY) }),
    seedTask(app('i002', OCC_BD), 'review-1', { due: new Date(now + 3 * DAY) }),
    seedTask(app('i002', OCC_BD), 'escalation-1', { due: new Date(now + 9 * DAY), escalation: true, step: 'application.votingOverdue', actions: ['EXTEND_VOTING', 'CLOSE_VOTING'] }),
    seedTask('selection-plan:province:44:2027-01', 'publishNotice', { caseType: 'selectionPlan', step: 'selectionPlan.publishNotice', actions: ['PUBLISH_NOTICE'], due: null }),
    seedTask('selection-plan:province:32:2027-01', 'publishNotice', { caseType: 'selectionPlan', step: 'selectionPlan.publishNotice', actions: ['PUBLISH_NOTICE'], assignee: { role: 'officer', unit: 'province:32' }, assigneeKey: 'officer@province:32' }),
    seedTask(app('i003', OCC_AI), 'review-1', { active: false, status: 'done', due: new Date(now - 5 * DAY) }),
  ]);
  const notification = (id: string, toUnit: string): NotificationDoc =>
    ({
      _id: id,
      caseId: app('i001', OCC_AI),
      caseType: 'application',
      to: { role: 'officer', unit: toUnit },
      toKey: `officer@${toUnit}`,
      template: 'reviewReminder',
      subject: '初评提醒',
      body: '请在期限前完成初评',
      rule: 'R7.3',
      status: 'sent',
      attempts: 1,
      deliveries: { email: { status: 'sent', target: 'hr@example.cn', attempts: 1, sentAt: new Date(now) } },
      createdAt: new Date(now),
    }) as NotificationDoc;
  await stack.store.notifications.insertMany([notification('n1', 'province:44'), notification('n2', 'institution:i001')]);
});
afterAll(async () => {
  await stack?.stop();
});

describe('case types: commands and diagrams', () => {
  it('draws the round machine with its nested states and the transitions named by their events', async () => {
    const r = await gdOfficer.get('/api/case-types/round/diagram');
    expect(r.status).toBe(200);
    expect(r.body.machineId).toBe('round');
    const awaiting = r.body.states.find((s: { path: string }) => s.path === 'approval.awaitingLeader');
    expect(awaiting).toMatchObject({ id: 'round.approval.awaitingLeader', parent: 'round.approval', type: 'atomic', initial: true });
    expect(r.body.states.find((s: { path: string }) => s.path === '')).toMatchObject({ id: 'round', parent: null, type: 'compound' });
    expect(r.body.transitions).toContainEqual(expect.objectContaining({ source: 'round.approval.awaitingLeader', target: 'round.publicNotice', event: 'APPROVE_LIST', kind: 'command' }));
    expect(r.body.transitions).toContainEqual(expect.objectContaining({ source: 'round.reviewing', target: 'round.approval', event: 'always', kind: 'always' }));
    // A cancel from any state is drawn from the machine itself.
    expect(r.body.transitions).toContainEqual(expect.objectContaining({ source: 'round', target: 'round.cancelled', event: 'CANCEL_ROUND' }));
    // Events handled in place are listed on their state, not drawn as edges.
    expect(awaiting.internal).toContainEqual(expect.objectContaining({ event: 'deadline.reached', kind: 'deadline' }));
  });

  it('draws every case type, every transition between states it lists', async () => {
    const types = await gdOfficer.get('/api/case-types');
    expect(types.status).toBe(200);
    for (const { caseType } of types.body.items as { caseType: string }[]) {
      const d = await gdOfficer.get(`/api/case-types/${caseType}/diagram`);
      expect(d.status).toBe(200);
      const ids = new Set(d.body.states.map((s: { id: string }) => s.id));
      expect(d.body.transitions.length).toBeGreaterThan(0);
      for (const t of d.body.transitions as { source: string; target: string }[]) {
        expect(ids.has(t.source) && ids.has(t.target)).toBe(true);
      }
    }
  });

  it('lists each command with its payload JSON schema, as the case validates it', async () => {
    const r = await gdOfficer.get('/api/case-types/selectionPlan');
    expect(r.status).toBe(200);
    const publish = r.body.commands.find((c: { type: string }) => c.type === 'PUBLISH_NOTICE');
    expect(publish).toMatchObject({ rule: 'R7.1', public: false });
    expect(publish.payload.required).toEqual(expect.arrayContaining(['documentNumber', 'occupations', 'applicationWindow', 'requirements']));
    expect(publish.payload.properties.applicationWindow.properties.opens).toMatchObject({ type: 'string', format: 'date' });
    const objection = (await gdOfficer.get('/api/case-types/round')).body.commands.find((c: { type: string }) => c.type === 'FILE_OBJECTION');
    expect(objection.public).toBe(true);
  });

  it('answers 404 for an unknown case type and 401 without a token', async () => {
    expect((await gdOfficer.get('/api/case-types/nothing/diagram')).status).toBe(404);
    expect((await api(stack.baseUrl).get('/api/case-types/round/diagram')).status).toBe(401);
  });
});

describe('the inbox as a table', () => {
  it('pages by offset with a total, escalations first then the earliest due (overdue at the top)', async () => {
    const first = await gdOfficer.get('/api/inbox?sort=priority&skip=0&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(4);
    expect(first.body.nextCursor).toBeNull();
    expect(first.body.items.map((t: { key?: string; taskId: string }) => t.taskId)).toEqual([taskId(app('i002', OCC_BD), 'escalation-1'), taskId(app('i001', OCC_AI), 'review-1')]);
    expect(first.body.items[1].overdue).toBe(true);
    const second = await gdOfficer.get('/api/inbox?sort=priority&skip=2&limit=2');
    expect(second.body.items.map((t: { taskId: string }) => t.taskId)).toEqual([taskId(app('i002', OCC_BD), 'review-1'), taskId('selection-plan:province:44:2027-01', 'publishNotice')]);
  });

  it('sorts on the server, either way, by due date or case type', async () => {
    const desc = await gdOfficer.get('/api/inbox?sort=due&order=desc&skip=0');
    expect(desc.body.items[0].due).toBeNull(); // undated tasks sort last ascending, first descending
    const dues = desc.body.items.slice(1).map((t: { due: string }) => t.due);
    expect(dues).toEqual([...dues].sort().reverse());
    const byType = await gdOfficer.get('/api/inbox?sort=caseType&order=desc&skip=0');
    expect(byType.body.items[0].caseType).toBe('selectionPlan');
  });

  it('filters by the case\'s occupation and province, and counts what matched', async () => {
    const ai = await gdOfficer.get(`/api/inbox?occupation=${OCC_AI}&skip=0`);
    expect(ai.body.total).toBe(2); // the application for AI, and the plan naming AI
    expect(ai.body.items.map((t: { caseId: string }) => t.caseId).sort()).toEqual([app('i001', OCC_AI), 'selection-plan:province:44:2027-01'].sort());
    const bd = await gdOfficer.get(`/api/inbox?occupation=${OCC_BD}&escalation=true&skip=0`);
    expect(bd.body.items.map((t: { taskId: string }) => t.taskId)).toEqual([taskId(app('i002', OCC_BD), 'escalation-1')]);
    const elsewhere = await gdOfficer.get('/api/inbox?province=32&skip=0');
    expect(elsewhere.body).toMatchObject({ total: 0, items: [] });
    const overdue = await gdOfficer.get('/api/inbox?overdue=true&skip=0');
    expect(overdue.body.total).toBe(1);
  });

  it('keeps cursor pages for the due order and refuses a cursor with another sort', async () => {
    const page = await gdOfficer.get('/api/inbox?limit=3');
    expect(page.body.total).toBe(4);
    expect(page.body.nextCursor).toBeTruthy();
    const next = await gdOfficer.get(`/api/inbox?limit=3&cursor=${page.body.nextCursor}`);
    expect(next.body.items).toHaveLength(1);
    const bad = await gdOfficer.get(`/api/inbox?sort=priority&cursor=${page.body.nextCursor}`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('cursor');
  });

  it('gives the facets of my inbox: counts, case types and steps present', async () => {
    const r = await gdOfficer.get('/api/inbox/facets');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 4, overdue: 1, escalated: 1, claimedByMe: 0, caseTypes: ['application', 'selectionPlan'] });
    expect(r.body.steps).toEqual(['application.preliminaryReview', 'application.votingOverdue', 'selectionPlan.publishNotice']);
  });
});

describe('case lists and dashboards', () => {
  it('lists the cases of my jurisdiction (and my localities), paged and sorted, with a total', async () => {
    const r = await gdOfficer.get('/api/console/cases?caseType=selectionPlan&sort=caseId&order=asc');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2);
    expect(r.body.items.map((c: { caseId: string }) => c.caseId)).toEqual(['selection-plan:locality:440100:2027-01', 'selection-plan:province:44:2027-01']);
    const page = await gdOfficer.get('/api/console/cases?caseType=application&limit=1&skip=1&sort=updatedAt&order=desc');
    expect(page.body.total).toBe(3);
    expect(page.body.items).toHaveLength(1);
    const open = await gdOfficer.get('/api/console/cases?caseType=application&open=true');
    expect(open.body.total).toBe(2);
    const found = await gdOfficer.get('/api/console/cases?q=i002');
    expect(found.body.items.map((c: { caseId: string }) => c.caseId)).toEqual([app('i002', OCC_BD)]);
    expect((await jsOfficer.get('/api/console/cases?caseType=application')).body.total).toBe(0);
    expect((await natOfficer.get('/api/console/cases?caseType=selectionPlan')).body.total).toBe(3);
    expect((await institution.get('/api/console/cases')).status).toBe(403);
  });

  it('counts a round\'s applications per stage and its overdue tasks', async () => {
    const r = await gdOfficer.get('/api/console/rounds');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(1);
    expect(r.body.items[0]).toMatchObject({
      caseId: ROUND,
      documentNumber: '粤人社〔2027〕1号',
      applications: 3,
      stages: { preliminaryReview: 2, rejected: 1 },
      openTasks: 3,
      overdue: 1,
    });
    expect((await jsOfficer.get('/api/console/rounds')).body.total).toBe(0);
  });

  it('shows a case\'s tasks, related cases and outbox to staff over it; others see their own or nothing', async () => {
    const id = encodeURIComponent(app('i001', OCC_AI));
    const tasks = await gdOfficer.get(`/api/cases/${id}/tasks`);
    expect(tasks.body.items.map((t: { taskId: string }) => t.taskId)).toEqual([taskId(app('i001', OCC_AI), 'review-1')]);
    const related = await gdOfficer.get(`/api/cases/${id}/related`);
    expect(related.body.items).toContainEqual(expect.objectContaining({ caseId: ROUND, caseType: 'round', relation: 'referenced' }));
    const fromRound = await gdOfficer.get(`/api/cases/${encodeURIComponent(ROUND)}/related`);
    expect(fromRound.body.items.filter((c: { relation: string }) => c.relation === 'referencing')).toHaveLength(3);
    expect(fromRound.body.items).toContainEqual(expect.objectContaining({ caseId: 'selection-plan:province:44:2027-01', relation: 'referenced' }));
    const outbox = await gdOfficer.get(`/api/cases/${id}/notifications`);
    expect(outbox.body.items.map((n: { id: string }) => n.id).sort()).toEqual(['n1', 'n2']);
    expect(outbox.body.items[0].deliveries.email).not.toHaveProperty('target');
    expect((await jsOfficer.get(`/api/cases/${id}/tasks`)).status).toBe(404);
  });

  it('lists the provisional deadlines of running cases, with their explanation', async () => {
    const r = await gdOfficer.get('/api/console/deadlines?provisional=true');
    expect(r.status).toBe(200);
    expect(r.body.cases).toBe(1);
    expect(r.body.items[0]).toMatchObject({ caseId: app('i001', OCC_AI), name: 'reviewDue', date: '2099-02-10', provisional: true });
    expect(r.body.items[0].explanation.skipped).toEqual([{ date: '2099-01-24', reason: 'weekend' }]);
    expect((await gdOfficer.get('/api/console/deadlines?year=2098')).body.items).toEqual([]);
    expect((await jsOfficer.get('/api/console/deadlines?provisional=true')).body.items).toEqual([]);
  });
});

describe('a listing\'s validity periods', () => {
  it('R9.1 an approved renewal shows the next period, from the day after this one\'s last day', async () => {
    const listingId = 'training:i001:2-02-10-09';
    await stack.store.cases.insertOne(
      seedCase(`listing:${listingId}`, {
        caseType: 'listing',
        status: { code: 'valid', label: 'Valid; renewed for the next period', final: false },
        state: 'renewedAwaitingExpiry',
        summary: { listingId, period: 1, validFrom: '2026-10-12', validUntil: '2029-10-11', renewalDeadline: '2029-07-11', renewal: { status: 'approved', filedOn: '2029-05-02' } },
      }),
    );
    const r = await gdOfficer.get(`/api/console/listings/${encodeURIComponent(listingId)}/validity`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      current: { period: 1, validFrom: '2026-10-12', validUntil: '2029-10-11' },
      renewal: { status: 'approved' },
      next: { period: 2, validFrom: '2029-10-12', validUntil: '2032-10-11' },
    });
    expect((await jsOfficer.get(`/api/console/listings/${encodeURIComponent(listingId)}/validity`)).status).toBe(404);
    expect((await gdOfficer.get('/api/console/listings/training%3Anone/validity')).status).toBe(404);
  });
});

describe('a real case in the console', () => {
  it('a new selection plan shows its drafting task and the round it will open', async () => {
    const created = await natOfficer.post('/api/selection-plans', {
      kind: 'evaluation',
      reference: 'console-1',
      draft: { title: '控制台测试', occupations: [{ code: OCC_AI, name: '人工智能工程技术人员' }], requirements: 'R6' },
    });
    expect(created.status).toBe(201);
    const id = encodeURIComponent(created.body.caseId);
    const tasks = await eventually(async () => {
      const r = await natOfficer.get(`/api/cases/${id}/tasks?active=true`);
      return r.body.items.length > 0 ? r.body.items : null;
    });
    expect(tasks[0]).toMatchObject({ step: 'selectionPlan.draft', actions: ['EDIT_DRAFT', 'SUBMIT'] });
    const diagram = await natOfficer.get(`/api/case-types/${created.body.caseType}/diagram`);
    expect(diagram.body.states.map((s: { path: string }) => s.path)).toContain(created.body.state);
  });
});

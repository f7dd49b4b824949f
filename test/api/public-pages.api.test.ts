/**
 * What the browser's public pages, institution portal and expert/inspector pages read (issue 6), on
 * the time-skipping server with the real worker and store:
 *   - the public tables page and sort on the server and say how many rows there are: the directory
 *     (now and as of a day, R13, R5.1), its change log, the public notices (R7.4), the published
 *     selection notices (R7.1) and the published inspection results (R16);
 *   - an institution lists its own cases, and only its own;
 *   - a drawn expert reads the application's materials, never the panel: the answer to a vote (or to
 *     the applicant's withdrawal) no longer lists the other panel members' open vote tasks (R7.3);
 *   - an inspector reads their own assignments with the R10–R12 checklist of the institution's kind.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListingInput } from '../../machines/listing.machine.js';
import { SYSTEM_PRINCIPAL } from '../../rules/actors.js';
import { shanghaiDate } from '../../rules/calendar/dates.js';
import { listingWorkflow } from '../../workflows/index.js';
import { draft } from '../fixtures/selectionPlan.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';
import { createTimeSkippingEnv } from '../support/temporal.js';

type Client = ReturnType<typeof api>;
let env: TestWorkflowEnvironment;
let stack: Stack;
let pub: Client;
const as: Record<string, Client> = {};
const enc = encodeURIComponent;
const DAY = 86_400_000;
const field = '2-02-10-09';
const EXPERTS = [1, 2, 3, 4, 5, 6, 7].map((i) => `expert-00${i}`);

/** Listings as published applications open them: names chosen so that every sort column orders them differently. */
const LISTINGS = [
  { institution: 'i001', name: '甲数字学院', province: '44', occupation: '2-02-10-09' },
  { institution: 'i001', name: '甲数字学院', province: '44', occupation: '4-04-05-06' },
  { institution: 'i002', name: '乙评价中心', province: '44', occupation: '6-31-01-09' },
  { institution: 'i003', name: '丙科技公司', province: '44', occupation: '2-02-10-11' },
  { institution: 'i009', name: '丁职业学校', province: '32', occupation: '2-02-10-09' },
];
const listingIdOf = (l: (typeof LISTINGS)[number]) => `training:${l.institution}:${l.occupation}`;

const today = async () => shanghaiDate(new Date(await env.currentTimeMs()).toISOString());
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  stack = await startStack('public-pages', { timeSkipping: env });
  pub = api(stack.baseUrl);
  for (const id of ['nat-officer', 'nat-leader', 'gd-officer', 'miit-officer', 'inst-001', 'inst-002', ...EXPERTS, 'inspector-001', 'inspector-002', 'inspector-003', 'inspector-004']) {
    as[id] = api(stack.baseUrl, await tokenFor(stack.baseUrl, id));
  }
  const publishedOn = await today();
  for (const l of LISTINGS) {
    const input: Omit<ListingInput, 'caseId' | 'createdAt'> = {
      listingId: listingIdOf(l),
      kind: 'training',
      institution: { id: l.institution, name: l.name, province: l.province },
      occupation: { code: l.occupation, name: `职业${l.occupation}` },
      organiser: `province:${l.province}`,
      recommender: 'industry:miit',
      publishedOn,
      createdBy: SYSTEM_PRINCIPAL,
    };
    await stack.temporal.workflow.start(listingWorkflow, { workflowId: `listing:${listingIdOf(l)}`, taskQueue: stack.config.taskQueue, args: [{ input }] });
  }
  await eventually(async () => (await stack.store.directoryChanges.countDocuments({})) === LISTINGS.length);
});
afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

async function inboxTask(client: Client, caseId: string, step: string) {
  return eventually(async () => {
    const r = await client.get('/api/inbox?limit=200');
    return (r.body.items as { caseId: string; step: string; taskId: string }[]).find((t) => t.caseId === caseId && t.step === step);
  });
}

/** The experts with an open vote task on the application, with the task. */
async function panelOf(caseId: string, size = 5) {
  return eventually(async () => {
    const found: { who: string; taskId: string }[] = [];
    for (const who of EXPERTS) {
      const r = await as[who]!.get('/api/inbox?limit=200');
      const t = (r.body.items as { caseId: string; taskId: string; step: string }[]).find((x) => x.caseId === caseId && x.step === 'application.vote');
      if (t) found.push({ who, taskId: t.taskId });
    }
    return found.length === size ? found : undefined;
  });
}

describe('the public tables page and sort on the server, with a total (R13, R5.1)', () => {
  it('the directory: pages that neither repeat nor skip, each sort column both ways, the filters counted', async () => {
    const seen: string[] = [];
    for (const skip of [0, 2, 4]) {
      const r = await pub.get(`/api/directory?limit=2&skip=${skip}`);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(LISTINGS.length);
      seen.push(...r.body.items.map((i: { listingId: string }) => i.listingId));
    }
    expect([...seen].sort()).toEqual(LISTINGS.map(listingIdOf).sort());

    const order = async (query: string) => (await pub.get(`/api/directory?${query}`)).body.items.map((i: { listingId: string }) => i.listingId) as string[];
    const byName = await order('sort=name');
    expect(byName).toEqual(
      [...LISTINGS].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : listingIdOf(a) < listingIdOf(b) ? -1 : 1)).map(listingIdOf),
    );
    expect(await order('sort=name&order=desc')).toEqual([...byName].reverse());
    const byOccupation = await order('sort=occupation&order=desc');
    const codes = byOccupation.map((id) => id.split(':')[2]!);
    expect(codes).toEqual([...codes].sort().reverse());
    // By province, then by name (丁 < 丙 < 乙 < 甲 in code points), then by id.
    expect(await order('sort=province')).toEqual(['training:i009:2-02-10-09', 'training:i003:2-02-10-11', 'training:i002:6-31-01-09', 'training:i001:2-02-10-09', 'training:i001:4-04-05-06']);

    const gd = await pub.get('/api/directory?province=44&limit=1');
    expect(gd.body.total).toBe(4);
    expect(gd.body.items).toHaveLength(1);
    expect((await pub.get(`/api/directory?name=${enc('甲数字')}`)).body.total).toBe(2);
    expect((await pub.get('/api/directory?sort=colour')).status).toBe(400);
    expect((await pub.get('/api/directory?order=sideways')).status).toBe(400);
  });

  it('the directory as of a day is paged and sorted the same way', async () => {
    const d = await today();
    const now = await pub.get('/api/directory?sort=name&order=desc&limit=50');
    const then = await pub.get(`/api/directory?asOf=${d}&sort=name&order=desc&limit=2&skip=1`);
    expect(then.status).toBe(200);
    expect(then.body).toMatchObject({ asOf: d, total: LISTINGS.length });
    expect(then.body.items.map((i: { listingId: string }) => i.listingId)).toEqual(now.body.items.slice(1, 3).map((i: { listingId: string }) => i.listingId));
    const before = await pub.get(`/api/directory?asOf=${plusDays(d, -1)}`);
    expect(before.body).toMatchObject({ total: 0, items: [] });
  });

  it('the change log: paged with a total, oldest or newest first, filtered by change and kind', async () => {
    const first = await pub.get('/api/directory/changes?limit=2');
    expect(first.body.total).toBe(LISTINGS.length);
    expect(first.body.items).toHaveLength(2);
    const rest = await pub.get('/api/directory/changes?limit=50&skip=2');
    expect(rest.body.items).toHaveLength(LISTINGS.length - 2);
    const all = [...first.body.items, ...rest.body.items].map((c: { listingId: string }) => c.listingId);
    expect(new Set(all).size).toBe(LISTINGS.length);
    const asc = await pub.get('/api/directory/changes?order=asc&limit=50');
    const desc = await pub.get('/api/directory/changes?order=desc&limit=50');
    expect(asc.body.items.map((c: { listingId: string }) => c.listingId)).toEqual(desc.body.items.map((c: { listingId: string }) => c.listingId).reverse());
    expect((await pub.get('/api/directory/changes?change=published')).body.total).toBe(LISTINGS.length);
    expect((await pub.get('/api/directory/changes?change=withdrawn')).body).toEqual({ total: 0, items: [] });
    expect((await pub.get('/api/directory/changes?kind=evaluation')).body.total).toBe(0);
    expect((await pub.get('/api/directory/changes?change=renamed')).status).toBe(400);
  });
});

describe('a selection round as the portal, the experts and the public pages see it (R7)', () => {
  const roundId = 'selection-round:national:pages';
  let app1 = '';
  let app2 = '';

  it('R7.1 the published selection notice is listed publicly, with its window and occupations', async () => {
    for (let i = 1; i <= 7; i++) {
      expect((await as['nat-officer']!.put(`/api/expert-pool/e00${i}`, { name: `专家${i}`, fields: [field], employer: `org-${i}`, employmentHistory: [], active: true })).status).toBe(200);
    }
    const plan = (await as['nat-officer']!.post('/api/selection-plans', { kind: 'evaluation', reference: 'pages', draft })).body.caseId as string;
    expect((await pub.get('/api/public/selection-notices')).body).toEqual({ total: 0, items: [] });
    await as['nat-officer']!.post(`/api/selection-plans/${enc(plan)}/submit`, {});
    await as['nat-leader']!.post(`/api/selection-plans/${enc(plan)}/approve`, {});
    const opens = await today();
    const closes = plusDays(opens, 7);
    const published = await as['nat-officer']!.post(`/api/selection-plans/${enc(plan)}/publish-notice`, {
      documentNumber: '人社厅发〔2026〕101号', occupations: [draft.occupations[0]], applicationWindow: { opens, closes }, requirements: '见通知',
    });
    expect(published.status).toBe(200);
    const open = await eventually(async () => {
      const r = await pub.get('/api/public/selection-notices?open=true');
      return r.body.total === 1 ? r.body : undefined;
    });
    expect(open.items[0]).toMatchObject({ planId: plan, roundId, kind: 'evaluation', organiser: 'national', documentNumber: '人社厅发〔2026〕101号', applicationWindow: { opens, closes }, open: true, occupations: [draft.occupations[0]] });
    expect((await pub.get('/api/public/selection-notices?kind=training')).body.total).toBe(0);
    expect((await pub.get('/api/public/selection-notices?open=true&limit=1&skip=1')).body).toEqual({ total: 1, items: [] });
  });

  it('R7.3 an expert reads the materials and votes; the answer names no other panel member; nor does the applicant\'s withdrawal', async () => {
    const thisYear = Number((await today()).slice(0, 4));
    const facts = {
      independentLegalPersonRegisteredInChina: true, registeredScope: '职业技能培训、考试与评价', financialSystemSound: true, managementSystemSound: true,
      credit: { illegality: false, dishonesty: false, majorEconomicDisputes: false }, influence: '国家职业标准起草单位', fullTimeStaff: 40, faculty: 25,
      facilities: { fit: true }, yearsOfExperience: 8, personTimes: [1, 2, 3].map((i) => ({ year: thisYear - i, personTimes: 3000 })), acceptsSupervision: true,
    };
    const apply = (who: string, recommender: string) =>
      as[who]!.post(`/api/selection-rounds/${enc(roundId)}/applications`, { institution: { name: `机构${who}`, province: '44' }, occupationCodes: [field], recommender, priority: 'other', facts });
    const a1 = await apply('inst-001', 'province:44');
    expect(a1.status).toBe(201);
    app1 = a1.body.applications[0].caseId;
    const a2 = await apply('inst-002', 'industry:miit');
    expect(a2.status).toBe(201);
    app2 = a2.body.applications[0].caseId;
    for (const [who, id] of [['gd-officer', app1], ['miit-officer', app2]] as const) {
      const t = await inboxTask(as[who]!, id, 'application.recommend');
      expect((await as[who]!.post(`/api/tasks/${enc(t.taskId)}/complete`, { action: 'CONFIRM_RECOMMENDATION', payload: {} })).status).toBe(200);
    }
    for (const id of [app1, app2]) expect((await as['nat-officer']!.post(`/api/applications/${enc(id)}/pass-review`, {})).status).toBe(200);

    const panel = await panelOf(app1);
    const [first, second, ...others] = panel as [(typeof panel)[number], (typeof panel)[number], ...typeof panel];
    const outsider = EXPERTS.find((e) => !panel.some((m) => m.who === e))!;

    // The materials: what the institution submitted, for the drawn expert; nothing of the panel.
    const materials = await as[first.who]!.get(`/api/applications/${enc(app1)}/materials`);
    expect(materials.status).toBe(200);
    expect(materials.body).toMatchObject({ caseId: app1, roundId, institution: { id: 'i001', name: '机构inst-001' }, occupation: { code: field }, recommender: 'province:44', facts: { yearsOfExperience: 8 }, corrections: [] });
    expect(JSON.stringify(materials.body)).not.toMatch(/e00[1-7]|expert:/);
    expect((await as[outsider]!.get(`/api/applications/${enc(app1)}/materials`)).status).toBe(404);
    expect((await as['inst-002']!.get(`/api/applications/${enc(app1)}/materials`)).status).toBe(404);
    expect((await as['inst-001']!.get(`/api/applications/${enc(app1)}/materials`)).status).toBe(200);

    // A vote by the typed route and by the generic one: the answer shows no one else's open vote task.
    const vote = { recommend: true, score: 88, comments: '材料完整，符合条件' };
    const typed = await as[first.who]!.post(`/api/applications/${enc(app1)}/cast-vote`, vote);
    expect(typed.status).toBe(200);
    expect(typed.body.tasks).toEqual([]);
    expect(JSON.stringify(typed.body)).not.toMatch(/e00[1-7]|expert:/);
    const generic = await as[second.who]!.post(`/api/cases/${enc(app1)}/actions/CAST_VOTE`, vote);
    expect(generic.status).toBe(200);
    expect(generic.body.tasks).toEqual([]);
    expect(JSON.stringify(generic.body)).not.toMatch(/e00[1-7]|expert:/);
    // Once voted, the materials are no longer the expert's to read.
    expect((await as[first.who]!.get(`/api/applications/${enc(app1)}/materials`)).status).toBe(404);
    for (const m of others) expect((await as[m.who]!.post(`/api/tasks/${enc(m.taskId)}/complete`, { action: 'CAST_VOTE', payload: vote })).status).toBe(200);

    // The applicant withdraws app2 while its panel votes: the answer does not name the panel either.
    await panelOf(app2);
    const withdrawn = await as['inst-002']!.post(`/api/applications/${enc(app2)}/withdraw`, { reason: '本年度暂不申报' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.tasks).toEqual([]);
    expect(JSON.stringify(withdrawn.body)).not.toMatch(/e00[1-7]|expert:/);
    // Staff over the case still see every open task in an answer (nothing changed for them).
    expect((await as['nat-officer']!.post(`/api/applications/${enc(app1)}/confirm-result`, {})).status).toBe(200);
  });

  it('the portal lists the institution\'s own cases only, with their deadlines', async () => {
    const mine = await as['inst-001']!.get('/api/my/cases?limit=50');
    expect(mine.status).toBe(200);
    const ids = mine.body.items.map((c: { caseId: string }) => c.caseId) as string[];
    expect(ids).toEqual(expect.arrayContaining([app1, 'listing:training:i001:2-02-10-09', 'listing:training:i001:4-04-05-06']));
    expect(ids).not.toContain(app2);
    expect(ids.some((id) => id.includes(':i002:') || id.includes(':i003:'))).toBe(false);
    expect(mine.body.total).toBe(ids.length);
    const listings = await as['inst-001']!.get('/api/my/cases?caseType=listing&limit=1');
    expect(listings.body.total).toBe(2);
    expect(listings.body.items).toHaveLength(1);
    expect(listings.body.items[0].deadlines.map((d: { name: string }) => d.name)).toContain('renewalDeadline');
    expect(listings.body.items[0].availableActions.map((a: { type: string }) => a.type)).toEqual(expect.arrayContaining(['FILE_RENEWAL', 'SUBMIT_ANNUAL_REPORT', 'REPORT_CHANGE', 'WITHDRAW']));
    const theirs = await as['inst-002']!.get('/api/my/cases?caseType=application');
    expect(theirs.body.items.map((c: { caseId: string }) => c.caseId)).toEqual([app2]);
    expect((await as['inst-002']!.get('/api/my/cases?caseType=application&final=false')).body.total).toBe(0);
    expect((await as[EXPERTS[0]!]!.get('/api/my/cases')).body.total).toBe(0);
    expect((await pub.get('/api/my/cases')).status).toBe(401);
    expect((await as['inst-001']!.get('/api/my/cases?caseType=round')).status).toBe(400);
  });

  it('R7.4 the public notice: paged with a total, its end date explained, objections filed without an account', async () => {
    await env.sleep(8 * DAY);
    const approve = await inboxTask(as['nat-leader']!, roundId, 'round.approveList');
    expect((await as['nat-leader']!.post(`/api/tasks/${enc(approve.taskId)}/complete`, { action: 'APPROVE_LIST', payload: {} })).status).toBe(200);
    const notices = await eventually(async () => {
      const r = await pub.get('/api/public/notices');
      return r.body.total === 1 ? r.body : undefined;
    });
    const n = notices.items[0];
    expect(n).toMatchObject({ roundId, documentNumber: '人社厅发〔2026〕101号', provisional: expect.any(Boolean), explanation: { rule: 'R7.4' } });
    expect(n.endDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(n.explanation.text.length).toBeGreaterThan(0);
    expect(n.list.map((l: { application: string }) => l.application)).toEqual([app1]);
    expect((await pub.get('/api/public/notices?limit=1&skip=1')).body).toEqual({ total: 1, items: [] });
    const objection = await pub.post(`/api/public/notices/${enc(roundId)}/objections`, { application: app1, text: '请核实其评价场地', contact: '138****0000' });
    expect(objection.status).toBe(202);
  });
});

describe('random inspections as the inspector and the public see them (R16)', () => {
  const ids: string[] = [];

  it('R16 an inspector reads their own assignments with the checklist of the institution\'s kind; nobody else does', async () => {
    for (const [id, employer] of [['p001', '广东省人社厅'], ['p002', '广东省人社厅'], ['p003', '广州市人社局'], ['p004', '深圳市人社局']] as const) {
      expect((await as['gd-officer']!.put(`/api/inspectors/${id}`, { name: `检查员${id}`, employer, employmentHistory: [], active: true })).status).toBe(200);
    }
    for (const reference of ['pages-1', 'pages-2']) {
      const r = await as['gd-officer']!.post('/api/inspections', { reference, title: `双随机检查 ${reference}`, filters: { kind: 'training' }, institutionCount: 1 });
      expect(r.status).toBe(201);
      ids.push(r.body.caseId);
    }
    for (const id of ids) {
      const doc = await eventually(async () => {
        const d = await stack.store.cases.findOne({ _id: id });
        return d?.status.code === 'inspecting' ? d : undefined;
      });
      const draw = await stack.store.inspectionDraws.findOne({ _id: (doc.summary as { drawId: string }).drawId });
      const [assignment] = (draw!.outcome as { assignments: { institution: { id: string }; inspectors: { id: string }[]; listings: { listingId: string }[] }[] }).assignments;
      const [inspector] = assignment!.inspectors;
      const client = as[`inspector-00${inspector!.id.slice(-1)}`]!;
      const mine = await client.get(`/api/inspections/${enc(id)}/assignments`);
      expect(mine.status).toBe(200);
      expect(mine.body.items).toHaveLength(1);
      const item = mine.body.items[0];
      expect(item.institution.id).toBe(assignment!.institution.id);
      expect(item.listings.map((l: { listingId: string }) => l.listingId).sort()).toEqual(assignment!.listings.map((l) => l.listingId).sort());
      const rules = new Set(item.checklist.map((c: { rule: string }) => c.rule));
      expect([...rules].sort()).toEqual(['R10', 'R12']);
      expect(item.checklist.every((c: { zh: string; text: string }) => c.zh && c.text)).toBe(true);
      expect(item.task).toMatchObject({ active: true, taskId: `${id}~findings-${assignment!.institution.id}-${inspector!.id}` });
      // Not drawn for it: 404; not an inspector: 403.
      const outsider = ['p001', 'p002', 'p003', 'p004'].find((p) => !assignment!.inspectors.some((i) => i.id === p))!;
      expect((await as[`inspector-00${outsider.slice(-1)}`]!.get(`/api/inspections/${enc(id)}/assignments`)).status).toBe(404);
      expect((await as['inst-001']!.get(`/api/inspections/${enc(id)}/assignments`)).status).toBe(403);

      // Record the findings from the task with the checklist as read; every drawn inspector's task closes.
      const findings = { institutionId: item.institution.id, checklist: item.checklist.map((c: { id: string }) => ({ itemId: c.id, result: 'pass' })), findings: [], summary: '未发现问题' };
      expect((await client.post(`/api/tasks/${enc(item.task.taskId)}/complete`, { action: 'RECORD_FINDINGS', payload: findings })).status).toBe(200);
      await eventually(async () => (await stack.store.cases.findOne({ _id: id }))?.status.code === 'review');
      expect((await as['gd-officer']!.post(`/api/inspections/${enc(id)}/publish-results`, { summary: `抽查 1 家（${id}）` })).status).toBe(200);
      await env.sleep(DAY);
    }
  });

  it('R16 published results: paged with a total, newest or oldest first', async () => {
    const newest = await eventually(async () => {
      const r = await pub.get('/api/public/inspections?limit=1');
      return r.body.total === 2 ? r.body : undefined;
    });
    expect(newest.items.map((i: { inspectionId: string }) => i.inspectionId)).toEqual([ids[1]]);
    expect((await pub.get('/api/public/inspections?limit=1&skip=1')).body.items.map((i: { inspectionId: string }) => i.inspectionId)).toEqual([ids[0]]);
    expect((await pub.get('/api/public/inspections?order=asc')).body.items.map((i: { inspectionId: string }) => i.inspectionId)).toEqual(ids);
    expect((await pub.get('/api/public/inspections?skip=5')).body).toEqual({ total: 2, items: [] });
  });
});

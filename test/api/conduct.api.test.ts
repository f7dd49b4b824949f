/**
 * Prohibited conduct through the API (R17(a), R17(e)/R18(e), R18(g), R19), against the real stack:
 * the public wording and advertising checks (no account), certificate templates registered in
 * versions with their R19 status, training sites flagged across provinces, and relations between
 * institutions turning a training and an evaluation listing for one occupation into an R18(g)
 * conflict. Bad input is a 400 naming the field; the wrong role or another institution a 403 naming
 * the rule.
 *
 * Listings are written straight into the directory (the listing case is their writer in production;
 * the listing API test covers that path): these routes only read them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentConflicts } from '../../api/conduct/conflicts.js';
import type { ListingDoc } from '../../store/documents.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';

type Client = ReturnType<typeof api>;
let stack: Stack;
let anon: Client;
const as: Record<string, Client> = {};
const enc = encodeURIComponent;
const occupation = '2-02-10-09';
const otherOccupation = '4-04-05-06';

function listing(kind: ListingDoc['kind'], institutionId: string, province: string, code: string, status: ListingDoc['status'] = 'valid'): ListingDoc {
  const _id = `${kind}:${institutionId}:${code}`;
  return {
    _id,
    kind,
    institution: { id: institutionId, name: `示例机构 ${institutionId}`, province },
    occupation: { code, name: code === occupation ? '人工智能工程技术人员' : '电子商务师' },
    organiser: kind === 'evaluation' ? 'national' : `province:${province}`,
    recommender: 'industry:miit',
    period: 1,
    validFrom: '2026-01-05',
    validUntil: '2029-01-04',
    status,
    caseId: `listing:${_id}`,
    lastSeq: 1,
    updatedAt: new Date(),
  };
}

/** The fields a 400 names (`body/kind` from the schema, `/province` from a check after it), joined. */
const fieldsOf = (body: { error: { details: { fields?: { field: string }[] } } }) => (body.error.details.fields ?? []).map((f) => f.field).join(' ');

beforeAll(async () => {
  stack = await startStack('conduct-api');
  anon = api(stack.baseUrl);
  for (const id of ['nat-officer', 'gd-officer', 'js-officer', 'miit-officer', 'inst-001', 'inst-002', 'inst-003']) as[id] = api(stack.baseUrl, await tokenFor(stack.baseUrl, id));
  await stack.store.listings.insertMany([
    listing('training', 'i001', '44', occupation),
    listing('evaluation', 'i002', '11', occupation),
    // Not in force, or for another occupation: never a conflict.
    listing('training', 'i001', '44', otherOccupation, 'expired'),
    listing('evaluation', 'i002', '11', otherOccupation),
    listing('evaluation', 'i003', '32', '6-31-01-03'),
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

describe('public checks (no account)', () => {
  it('documents the conduct routes in /openapi.json', async () => {
    const openapi = await anon.get('/openapi.json');
    expect(openapi.status).toBe(200);
    const paths = Object.keys(openapi.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/public/checks/certificate-wording',
        '/api/public/checks/advertising',
        '/api/certificate-templates/{templateId}',
        '/api/certificate-templates',
        '/api/institutions/{institutionId}/training-sites',
        '/api/relations',
        '/api/relations/{id}',
      ]),
    );
  });


  const wording = (body: unknown) => anon.post('/api/public/checks/certificate-wording', body);

  it('R19: finds the forbidden words however written, and only them', async () => {
    const spaced = await wording({ text: '中 国职业技能培训证书' });
    expect(spaced.status).toBe(200);
    expect(spaced.body).toEqual({ hits: [{ word: '中国', rule: 'R19', start: 0, end: 3, matched: '中 国' }], manualChecks: [] });

    const traditional = await wording({ text: '中華人民共和國技能等级证书' });
    expect(traditional.status).toBe(200);
    // The longest word alone, not also 中华 or 中国 inside it.
    expect(traditional.body.hits).toEqual([{ word: '中华人民共和国', rule: 'R19', start: 0, end: 7, matched: '中華人民共和國' }]);

    const fullWidth = await wording({ text: '取得　国·家　认可的职业资格' });
    expect(fullWidth.body.hits.map((h: { word: string; matched: string }) => [h.word, h.matched])).toEqual([
      ['国家', '国·家'],
      ['职业资格', '职业资格'],
    ]);

    const international = await wording({ text: '国际焊接技术培训合格证书', images: [{ name: 'seal.png' }, { name: 'logo.svg' }] });
    expect(international.status).toBe(200);
    expect(international.body.hits).toEqual([]);
    expect(international.body.manualChecks).toEqual([
      { image: 'seal.png', reason: 'needs manual check for emblems (R19)' },
      { image: 'logo.svg', reason: 'needs manual check for emblems (R19)' },
    ]);
    expect((await wording({ text: '' })).body).toEqual({ hits: [], manualChecks: [] });
  });

  it('R19: bad input is a 400 naming the field', async () => {
    for (const [body, field] of [
      [{}, '/text'],
      [{ text: { zh: '证书' } }, '/text'], // scalars are coerced to a string (coerceTypes), an object is not
      [{ text: 'x'.repeat(20001) }, '/text'],
      [{ text: '证书', images: Array.from({ length: 21 }, (_, i) => ({ name: `${i}.png` })) }, '/images'],
      [{ text: '证书', images: [{ name: '' }] }, '/images/0/name'],
      [{ text: '证书', lang: 'zh' }, '/lang'],
    ] as const) {
      const r = await wording(body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.error.code).toBe('InvalidInput');
      expect(fieldsOf(r.body)).toContain(field);
    }
  });

  it('R17(e) / R18(e): each promise is a hit under the clause for the kind of institution', async () => {
    const text = '包过！考试未通过，全额退款。包就业，月薪过万，可办培训贷。保证评上高级职称';
    const categories = ['guaranteedPass', 'refundIfFailed', 'guaranteedJob', 'guaranteedSalary', 'trainingLoan', 'guaranteedTitle'];
    for (const [kind, clause] of [
      ['training', 'R17(e)'],
      ['evaluation', 'R18(e)'],
    ] as const) {
      const r = await anon.post('/api/public/checks/advertising', { text, kind });
      expect(r.status).toBe(200);
      expect(r.body.kind).toBe(kind);
      const hits = r.body.hits as { phrase: string; category: string; clause: string; start: number; end: number; matched: string }[];
      expect(hits.map((h) => h.category)).toEqual(categories);
      expect(new Set(hits.map((h) => h.clause))).toEqual(new Set([clause]));
      expect(hits[1]).toMatchObject({ phrase: '不过退费', matched: '未通过，全额退款' });
      for (const h of hits) expect(text.slice(h.start, h.end)).toBe(h.matched);
    }
    // A published refund procedure (R12) and faculty titles (R10) are not promises.
    const clean = await anon.post('/api/public/checks/advertising', { text: '退费办法见附件；师资具有中级职称。', kind: 'training' });
    expect(clean.body.hits).toEqual([]);
    const bad = await anon.post('/api/public/checks/advertising', { text: '包过', kind: 'school' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toContain('/kind');
    expect(fieldsOf((await anon.post('/api/public/checks/advertising', { kind: 'training' })).body)).toContain('/text');
  });
});

describe('R19 certificate templates', () => {
  const put = (who: string, templateId: string, body: unknown) => as[who]!.put(`/api/certificate-templates/${enc(templateId)}`, body);

  it('every registration is checked and stored as a new version with its status', async () => {
    const v1 = await put('inst-001', 'cert-a', { kind: 'training', title: '职业技能培训合格证书', text: '国家职业技能等级培训合格证书' });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ templateId: 'cert-a', institutionId: 'i001', kind: 'training', version: 1, status: 'needsCorrection', registeredBy: { id: 'inst-001' } });
    expect(v1.body.check.hits).toEqual([{ word: '国家', rule: 'R19', start: 0, end: 2, matched: '国家' }]);

    const v2 = await put('inst-001', 'cert-a', { kind: 'training', title: '职业技能培训合格证书', text: '职业技能等级培训合格证书', images: [{ name: 'seal.png' }] });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, status: 'needsManualCheck', check: { hits: [], manualChecks: [{ image: 'seal.png' }] } });

    const v3 = await put('inst-001', 'cert-a', { kind: 'training', title: '职业技能培训合格证书', text: '职业技能等级培训合格证书' });
    expect(v3.body).toMatchObject({ version: 3, status: 'accepted', images: [], check: { hits: [], manualChecks: [] } });
    await put('inst-001', 'cert-b', { kind: 'training', title: '结业证书', text: '中 華 技能结业证书' });

    const mine = await as['inst-001']!.get('/api/certificate-templates');
    expect(mine.status).toBe(200);
    expect(mine.body.institutionId).toBe('i001');
    expect(mine.body.items.map((t: { templateId: string; version: number; status: string }) => [t.templateId, t.version, t.status])).toEqual([
      ['cert-a', 3, 'accepted'],
      ['cert-b', 1, 'needsCorrection'],
    ]);
  });

  it('another institution, the wrong staff and bad input are refused', async () => {
    // Another institution cannot read i001's templates; its own template of the same id is its own.
    const other = await as['inst-002']!.get('/api/certificate-templates?institutionId=i001');
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain('R19');
    const own = await put('inst-002', 'cert-a', { kind: 'evaluation', title: '等级证书', text: '专业技术等级证书' });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ institutionId: 'i002', version: 1, status: 'accepted' });
    expect((await as['inst-001']!.get('/api/certificate-templates')).body.items[0]).toMatchObject({ templateId: 'cert-a', version: 3 });

    // Staff: the national group, or the province the directory lists the institution in.
    expect((await as['gd-officer']!.get('/api/certificate-templates?institutionId=i001')).status).toBe(200);
    expect((await as['nat-officer']!.get('/api/certificate-templates?institutionId=i001')).body.items).toHaveLength(2);
    expect((await as['js-officer']!.get('/api/certificate-templates?institutionId=i001')).status).toBe(403);
    expect((await as['miit-officer']!.get('/api/certificate-templates?institutionId=i001')).status).toBe(403);
    const unnamed = await as['gd-officer']!.get('/api/certificate-templates');
    expect(unnamed.status).toBe(400);
    expect(fieldsOf(unnamed.body)).toContain('/institutionId');
    // Only an institution registers templates.
    const byStaff = await put('gd-officer', 'cert-x', { kind: 'training', title: 't', text: '证书' });
    expect(byStaff.status).toBe(403);
    expect(byStaff.body.error.message).toContain('R19');
    expect((await anon.put('/api/certificate-templates/cert-x', { kind: 'training', title: 't', text: '证书' })).status).toBe(401);

    for (const [templateId, body, field] of [
      ['cert-c', { kind: 'diploma', title: 't', text: '证书' }, '/kind'],
      ['cert-c', { kind: 'training', title: ' ', text: '证书' }, '/title'],
      ['cert-c', { kind: 'training', title: 't' }, '/text'],
      ['cert-c', { kind: 'training', title: 't', text: '证书', images: Array.from({ length: 21 }, (_, i) => ({ name: `${i}.png` })) }, '/images'],
      ['cert~c', { kind: 'training', title: 't', text: '证书' }, '/templateId'],
    ] as const) {
      const r = await put('inst-001', templateId, body);
      expect(r.status, field).toBe(400);
      expect(fieldsOf(r.body)).toContain(field);
    }
    expect((await as['inst-001']!.get('/api/certificate-templates')).body.items.map((t: { templateId: string }) => t.templateId)).toEqual(['cert-a', 'cert-b']);
  });
});

describe('R17(a) training sites', () => {
  const path = (id: string) => `/api/institutions/${id}/training-sites`;
  const sites = [
    { id: 'gz', province: '44', address: '广州市天河区示例路 1 号' },
    { id: 'nj', province: '32', address: '南京市鼓楼区示例路 2 号（合作办学点）' },
    { id: 'sz', province: '44', address: '深圳市南山区示例路 3 号' },
  ];

  it('flags the sites outside the institution\'s province', async () => {
    const r = await as['inst-001']!.put(path('i001'), { province: '44', sites });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ institutionId: 'i001', province: '44', sites, updatedBy: { id: 'inst-001' } });
    expect(r.body.flags).toEqual([{ siteId: 'nj', rule: 'R17(a)', message: expect.stringContaining('province 32') }]);

    for (const who of ['inst-001', 'gd-officer', 'nat-officer']) {
      const read = await as[who]!.get(path('i001'));
      expect(read.status, who).toBe(200);
      expect(read.body.flags.map((f: { siteId: string }) => f.siteId)).toEqual(['nj']);
    }
    // An officer of the province corrects the list: no site outside, no flag.
    const fixed = await as['gd-officer']!.put(path('i001'), { province: '44', sites: [sites[0], sites[2]] });
    expect(fixed.body).toMatchObject({ flags: [], updatedBy: { id: 'gd-officer' } });
  });

  it('another institution, another province and bad input are refused', async () => {
    const other = await as['inst-002']!.put(path('i001'), { province: '44', sites: [] });
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain('R17(a)');
    expect((await as['inst-002']!.get(path('i001'))).status).toBe(403);
    expect((await as['js-officer']!.get(path('i001'))).status).toBe(403);
    expect((await as['js-officer']!.put(path('i001'), { province: '44', sites: [] })).status).toBe(403);
    expect((await as['miit-officer']!.put(path('i001'), { province: '44', sites: [] })).status).toBe(403);
    expect((await as['nat-officer']!.get(path('i009'))).status).toBe(404);

    for (const [body, field] of [
      [{ province: '32', sites }, '/province'], // not the province the directory registers i001 in
      [{ province: '4', sites }, '/province'],
      [{ province: '44', sites: [{ ...sites[0], province: 'GD' }] }, '/sites/0/province'],
      [{ province: '44', sites: [sites[0], sites[0]] }, '/sites/1/id'],
      [{ province: '44', sites: [{ id: 'x', province: '44' }] }, '/sites/0/address'],
      [{ province: '44' }, '/sites'],
    ] as const) {
      const r = await as['inst-001']!.put(path('i001'), body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(fieldsOf(r.body)).toContain(field);
    }
    expect((await as['inst-001']!.get(path('i001'))).body.sites.map((s: { id: string }) => s.id)).toEqual(['gz', 'sz']);
  });
});

describe('R18(g) related organisations', () => {
  const del = (who: string, id: string) => as[who]!.raw('DELETE', `/api/relations/${enc(id)}`);

  it('a training and an evaluation listing for one occupation become a conflict once their holders are related', async () => {
    expect(await currentConflicts(stack.store)).toEqual([]);

    const r = await as['gd-officer']!.put('/api/relations', { from: 'i001', to: 'i002', type: 'branch' });
    expect(r.status).toBe(201);
    expect(r.body.created).toBe(true);
    expect(r.body.relation).toMatchObject({ id: 'i001~i002~branch', from: 'i001', to: 'i002', type: 'branch', registeredBy: { id: 'gd-officer' } });
    const conflict = {
      occupationCode: occupation,
      evaluation: `evaluation:i002:${occupation}`,
      training: `training:i001:${occupation}`,
      path: ['i002', 'i001'],
      via: ['branch'],
      rule: 'R18(g)',
    };
    // The expired training listing for the other occupation is not in force: no second conflict.
    expect(r.body.conflicts).toEqual([conflict]);
    expect(await currentConflicts(stack.store)).toEqual([conflict]);
    // The directory opened its review at once: a task for the national group (R18(g) Decision).
    const review = await eventually(async () => stack.store.cases.findOne({ caseType: 'conductReview' }));
    expect(review._id).toBe(`conduct-review:evaluation:i002:${occupation}~training:i001:${occupation}`);

    // Idempotent: the same relation again changes nothing.
    const again = await as['nat-officer']!.put('/api/relations', { from: 'i001', to: 'i002', type: 'branch' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, relation: { registeredBy: { id: 'gd-officer' } }, conflicts: [conflict] });

    // Unrelated institutions: a relation, but no conflict.
    const unrelated = await as['nat-officer']!.put('/api/relations', { from: 'i003', to: 'i004', type: 'subsidiary' });
    expect(unrelated.status).toBe(201);
    expect(unrelated.body.conflicts).toEqual([]);
    expect(await currentConflicts(stack.store)).toEqual([conflict]);

    // Who reads which relations.
    const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((i) => i.id);
    expect(ids(await as['nat-officer']!.get('/api/relations'))).toEqual(['i001~i002~branch', 'i003~i004~subsidiary']);
    expect(ids(await as['nat-officer']!.get('/api/relations?institutionId=i004'))).toEqual(['i003~i004~subsidiary']);
    expect(ids(await as['gd-officer']!.get('/api/relations'))).toEqual(['i001~i002~branch']);
    expect(ids(await as['inst-002']!.get('/api/relations'))).toEqual(['i001~i002~branch']);
    expect((await as['inst-002']!.get('/api/relations?institutionId=i003')).status).toBe(403);
    expect((await as['gd-officer']!.get('/api/relations?institutionId=i003')).status).toBe(403);

    // Removing the relation removes the conflict.
    expect((await del('js-officer', 'i001~i002~branch')).status).toBe(403);
    const removed = await del('gd-officer', 'i001~i002~branch');
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ relation: { id: 'i001~i002~branch' }, conflicts: [] });
    expect(await currentConflicts(stack.store)).toEqual([]);
    expect((await del('gd-officer', 'i001~i002~branch')).status).toBe(404);
  });

  it('the wrong role or province and bad input are refused', async () => {
    const body = { from: 'i001', to: 'i002', type: 'subsidiary' };
    for (const who of ['inst-001', 'miit-officer', 'js-officer']) {
      const r = await as[who]!.put('/api/relations', body);
      expect(r.status, who).toBe(403);
      expect(r.body.error.message).toContain('R18(g)');
    }
    expect((await anon.put('/api/relations', body)).status).toBe(401);
    for (const [bad, field] of [
      [{ ...body, type: 'parent' }, '/type'],
      [{ ...body, from: 'i~001' }, '/from'],
      [{ from: 'i001', type: 'branch' }, '/to'],
      [{ ...body, to: 'i001' }, '/to'],
      [{ ...body, note: 'x' }, '/note'],
    ] as const) {
      const r = await as['nat-officer']!.put('/api/relations', bad);
      expect(r.status, field).toBe(400);
      expect(fieldsOf(r.body)).toContain(field);
    }
    expect((await del('nat-officer', 'not-a-relation')).status).toBe(400);
    expect((await as['nat-officer']!.get('/api/relations')).body.items.map((i: { id: string }) => i.id)).toEqual(['i003~i004~subsidiary']);
  });
});

/**
 * The world the access matrix runs against (test/api/access-matrix.test.ts): real objects in two
 * jurisdictions — Guangdong (province:44, its locality Guangzhou, the industry department MIIT) and
 * Jiangsu (province:32, the industry department `industry:cac`) — and the national group, so that for
 * every kind of object a caller has one of its own and one of someone else's, each in the state where
 * its commands are open (drafts, approvals, recommendations, reviews, votes, renewals under consent
 * and audit, reports awaiting review, overdue reports, orders awaiting evidence, under review and
 * escalated, incidents, inspections drawing, recording, in review, published and failed, conflict
 * reviews). Everything is created through the API as its users would, except the listings, which are
 * started as a published application starts them (as test/api/listing.api.test.ts does).
 */
import type { Principal } from '../../rules/actors.js';
import { plusDays, shanghaiDate } from '../../rules/calendar/dates.js';
import type { ListingInput } from '../../machines/listing.machine.js';
import { SYSTEM_PRINCIPAL } from '../../rules/actors.js';
import { DEMO_USERS } from '../../api/demoUsers.js';
import { listingWorkflow } from '../../workflows/index.js';
import { eventually, type Stack } from './stack.js';
import { goodFacts } from '../fixtures/eligibility.js';

export interface Caller {
  id: string;
  /** null: no valid token (none, or a forged one in `authorization`). */
  principal: Principal | null;
  authorization?: string;
}

const demo = (id: string): Principal => {
  const u = DEMO_USERS.find((x) => x.id === id);
  if (!u) throw new Error(`no demo user ${id}`);
  return u;
};

/**
 * Every role of the demo users, in both jurisdictions, plus what the demo users lack: another industry
 * department (`industry:cac`, Jiangsu's recommender here), an admin of a province (an account the
 * account system may create), a token in the role `public`, and no token.
 */
export const CALLERS: Caller[] = [
  // No token. (Forged and malformed tokens on every route are the fuzzer's: test/api/fuzz.api.test.ts.)
  { id: 'anonymous', principal: null },
  { id: 'public-role', principal: { id: 'public-role', name: '社会公众 (token)', role: 'public', unit: 'public' } },
  ...['nat-officer', 'nat-leader', 'nat-admin', 'gd-officer', 'gd-leader', 'gz-officer', 'js-officer', 'js-leader', 'miit-officer'].map((id) => ({ id, principal: demo(id) })),
  { id: 'cac-officer', principal: { id: 'cac-officer', name: '(another industry department)', role: 'officer', unit: 'industry:cac' } },
  { id: 'gd-admin', principal: { id: 'gd-admin', name: '(Guangdong account admin)', role: 'admin', unit: 'province:44' } },
  ...['expert-001', 'expert-007', 'inspector-001', 'inspector-003', 'inst-001', 'inst-002', 'inst-003'].map((id) => ({ id, principal: demo(id) })),
];

/** Principals the world needs besides the callers: the other experts, inspectors and a Jiangsu institution. */
const EXTRA: Principal[] = [
  ...['expert-002', 'expert-003', 'expert-004', 'expert-005', 'expert-006', 'inspector-002', 'inspector-004'].map(demo),
  { id: 'inst-004', name: '江苏示例学院 (institution)', role: 'institution', unit: 'institution:i004' },
];

export type Client = {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers
};

export function client(baseUrl: string, authorization?: string): Client {
  return {
    async call(method, path, body) {
      const headers: Record<string, string> = {};
      if (authorization) headers.authorization = authorization;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // kept as text
      }
      return { status: res.status, body: parsed };
    },
  };
}

/** A name for each object of the world, and the ids behind it. */
export interface World {
  run: string;
  today: string;
  occ: (i: number) => { code: string; name: string };
  cases: Record<string, string>;
  /** Drawn institution of each inspection label. */
  inspected: Record<string, string>;
  tokens: Record<string, string>;
  as: (id: string) => Client;
}

const enc = encodeURIComponent;

/** Runs at most `n` of the given tasks at once (the machine is shared: a flood of workflow starts only slows every one). */
export async function limited<T>(n: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  return out;
}


export async function buildWorld(stack: Stack): Promise<World> {
  const started = Date.now();
  const runNo = Date.now();
  const run = runNo.toString(36);
  const today = shanghaiDate(new Date().toISOString());
  const year = Number(today.slice(0, 4));
  const occBase = `9-${String(runNo % 89 + 10).padStart(2, '0')}-${String(Math.floor(runNo / 89) % 89 + 10).padStart(2, '0')}`;
  const occ = (i: number) => ({ code: `${occBase}-${String(i).padStart(2, '0')}`, name: `矩阵职业${i}` });

  const { createTokenService } = await import('../../api/auth.js');
  const tokenService = createTokenService(stack.config.authSecret);
  const tokens: Record<string, string> = {};
  for (const c of CALLERS) if (c.principal) tokens[c.id] = await tokenService.mint(c.principal);
  for (const p of EXTRA) tokens[p.id] = await tokenService.mint(p);
  const clients = new Map<string, Client>();
  const as = (id: string): Client => {
    let c = clients.get(id);
    if (!c) {
      const t = tokens[id];
      if (!t) throw new Error(`no token for ${id}`);
      clients.set(id, (c = client(stack.baseUrl, `Bearer ${t}`)));
    }
    return c;
  };
  const ok = async (who: string, method: string, path: string, body?: unknown): Promise<any> => { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers
    const r = await as(who).call(method, path, body ?? (method === 'GET' ? undefined : {}));
    if (r.status >= 300) throw new Error(`world: ${who} ${method} ${path} → ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
    return r.body;
  };
  const stateOf = async (caseId: string) => (await stack.store.cases.findOne({ _id: caseId }))?.state;
  const leaf = (state: unknown): string => {
    if (typeof state === 'string') return state;
    if (!state || typeof state !== 'object') return '';
    const [k, v] = Object.entries(state as Record<string, unknown>)[0] ?? ['', ''];
    const rest = leaf(v);
    return rest ? `${k}.${rest}` : k;
  };
  const waitState = (caseId: string, wanted: string) =>
    eventually(async () => {
      const s = leaf(await stateOf(caseId));
      return s === wanted || s.startsWith(`${wanted}.`) ? s : undefined;
    }, 30_000).catch(async () => {
      throw new Error(`world: ${caseId} is ${leaf(await stateOf(caseId))}, not ${wanted}`);
    });

  const cases: Record<string, string> = {};
  const inspected: Record<string, string> = {};

  const timings: string[] = [];
  const timed = (name: string, f: () => Promise<unknown>) => async () => {
    const t = Date.now();
    await f();
    timings.push(`${name} ${((Date.now() - t) / 1000).toFixed(1)}s`);
  };
  const CONCURRENCY = Number(process.env.ACCESS_MATRIX_SETUP_CONCURRENCY ?? 4);

  // ---- the expert pool (R7.3): e001–e005 in the field of occ(1), e003–e007 in that of occ(4) ---------------------------
  const basics: (() => Promise<unknown>)[] = Array.from({ length: 7 }, (_, i) => i + 1).map((i) => () =>
    ok('nat-officer', 'PUT', `/api/expert-pool/e00${i}`, {
      name: `专家${i}`,
      fields: [...(i <= 5 ? [occ(1).code] : []), ...(i >= 3 ? [occ(4).code] : [])],
      employer: `org-${i}`,
      employmentHistory: [],
      active: true,
    }),
  );
  // ---- inspector lists (R16): Guangdong p001, p002; Jiangsu p003, p004 ---------------------------------------------------
  for (const [who, id] of [['gd-officer', 'p001'], ['gd-officer', 'p002'], ['js-officer', 'p003'], ['js-officer', 'p004']] as const) {
    basics.push(() => ok(who, 'PUT', `/api/inspectors/${id}`, { name: `检查员${id}`, employer: '人社部门', employmentHistory: [], active: true }));
  }
  // ---- contacts of the units the matrix reads (no e-mail transport in tests: deliveries end undeliverable at once) --------
  for (const u of CONTACT_UNITS) basics.push(() => ok('nat-admin', 'PUT', `/api/contacts/${enc(u)}`, { email: [`${u.replace(/[^a-z0-9]/gi, '-')}@example.org`] }));
  await limited(8, basics);

  // ---- listings (R5.2): started as a published application starts them -------------------------------------------------
  // Published on the last day of last year: a report on last year is overdue (R14.2), escalated to the recommender and
  // then the organiser, with few other past deadlines to replay.
  const past = `${year - 1}-12-31`;
  const listingSpecs: [string, string, string, string, number, 'training' | 'evaluation', string][] = [
    // label, institution, province, recommender, occupation, kind, published on
    ['LT44', 'i001', '44', 'industry:miit', 7, 'training', past],
    ['LT32', 'i002', '32', 'industry:cac', 7, 'training', past],
    ['LT44r', 'i003', '44', 'industry:miit', 7, 'training', past],
    ['LT32r', 'i004', '32', 'industry:cac', 7, 'training', past],
    ['LT44a', 'i003', '44', 'industry:miit', 8, 'training', today],
    ['LT32a', 'i004', '32', 'industry:cac', 8, 'training', today],
    ['LE44', 'i003', '44', 'industry:miit', 7, 'evaluation', today],
    ['LE32', 'i002', '32', 'industry:cac', 7, 'evaluation', today],
  ];
  const listingIdOf = (label: string) => cases[label]!.slice('listing:'.length);
  const renewal = async (label: string, holder: string, consenter: string | null) => {
    await ok(holder, 'POST', `/api/listings/${enc(cases[label]!)}/file-renewal`, { report: '近三年培训考核情况报告' });
    await waitState(cases[label]!, 'valid.consent');
    if (consenter) await ok(consenter, 'POST', `/api/listings/${enc(cases[label]!)}/consent-renewal`, {});
  };
  const listing = ([label, inst, province, recommender, o, kind, publishedOn]: (typeof listingSpecs)[number]) =>
    timed(label, async () => {
      const listingId = `${kind}:${inst}:${occ(o).code}`;
      const caseId = `listing:${listingId}`;
      const input: Omit<ListingInput, 'caseId' | 'createdAt'> = {
        listingId,
        kind,
        institution: { id: inst, name: `机构${inst}`, province },
        occupation: occ(o),
        organiser: kind === 'evaluation' ? 'national' : `province:${province}`,
        recommender: recommender as ListingInput['recommender'],
        publishedOn,
        createdBy: SYSTEM_PRINCIPAL,
      };
      await stack.temporal.workflow.start(listingWorkflow, { workflowId: caseId, taskQueue: stack.config.taskQueue, args: [{ input }] });
      await eventually(async () => (await stack.store.listings.findOne({ _id: listingId })) && stack.store.cases.findOne({ _id: caseId }), 30_000);
      cases[label] = caseId;
      const holder = `inst-${inst.slice(1)}`;
      // R14.2 a report awaiting local HR's review, and R9.1 a renewal awaiting the industry department's consent.
      if (label.endsWith('r')) {
        await ok(holder, 'POST', `/api/listings/${enc(caseId)}/submit-annual-report`, { year: year - 1, personTimes: 320, plan: '下一年度计划培训 600 人次' });
        await renewal(label, holder, null);
      }
      // R9.1 a renewal consented, under the organiser's audit.
      if (label.endsWith('a')) await renewal(label, holder, recommender === 'industry:miit' ? 'miit-officer' : 'cac-officer');
    });

  // ---- selection plans (R7.1, R8.1) in every state that has commands --------------------------------------------------
  const draftOf = (title: string, codes: number[]) => ({ title, occupations: codes.map(occ), requirements: 'R6; one channel (R7.2).' });
  const plan = (label: string, who: string, kind: 'training' | 'evaluation', codes: number[], until: 'drafting' | 'submitted' | 'approved' | 'published', approver: string) =>
    timed(label, async () => {
      const created = await ok(who, 'POST', '/api/selection-plans', { kind, reference: `am-${run}-${label}`, draft: draftOf(`矩阵遴选 ${label}`, codes) });
      const id = created.caseId as string;
      cases[label] = id;
      if (until === 'drafting') return;
      await ok(who, 'POST', `/api/selection-plans/${enc(id)}/submit`, {});
      if (until === 'submitted') return;
      await ok(approver, 'POST', `/api/selection-plans/${enc(id)}/approve`, {});
      if (until === 'approved') return;
      await ok(who, 'POST', `/api/selection-plans/${enc(id)}/publish-notice`, {
        documentNumber: `矩阵〔${year}〕${label}号`,
        occupations: codes.map(occ),
        applicationWindow: { opens: today, closes: plusDays(today, 30) },
        requirements: '见通知',
      });
    });

  // ---- applications (R7.2–R7.4): Guangdong's training round, the national evaluation round ---------------------------
  const rounds = { T44: `selection-round:province:44:am-${run}-P44pub`, E: `selection-round:national:am-${run}-PEpub` };
  type Until = 'recommendation' | 'preliminaryReview' | 'correction' | 'voting' | 'redraw' | 'recheck';
  const organiserOf = { T44: 'gd-officer', E: 'nat-officer' } as const;
  const recommenderOfficer: Record<string, string> = { 'industry:miit': 'miit-officer', 'industry:cac': 'cac-officer', 'province:44': 'gd-officer', 'province:32': 'js-officer' };
  const application = (label: string, round: 'T44' | 'E', who: string, province: string, o: number, recommender: string, until: Until) =>
    timed(label, async () => {
      const created = await ok(who, 'POST', `/api/selection-rounds/${enc(rounds[round])}/applications`, {
        institution: { name: `申报机构${who}`, province },
        occupationCodes: [occ(o).code],
        recommender,
        priority: 'other',
        facts: goodFacts(year),
      });
      const id = created.applications[0].caseId as string;
      cases[label] = id;
      if (until === 'recommendation') return;
      await ok(recommenderOfficer[recommender]!, 'POST', `/api/applications/${enc(id)}/confirm-recommendation`, {});
      if (until === 'preliminaryReview') return;
      if (until === 'correction') {
        await ok(organiserOf[round], 'POST', `/api/applications/${enc(id)}/return-for-correction`, { items: '补充近三年培训人次证明' });
        return;
      }
      await ok(organiserOf[round], 'POST', `/api/applications/${enc(id)}/pass-review`, {});
      if (until === 'redraw') {
        await waitState(id, 'expertReview.panelUnavailable');
        return;
      }
      await waitState(id, 'expertReview.voting');
      if (until === 'voting') return;
      for (let i = 1; i <= 5; i++) await ok(`expert-00${i}`, 'POST', `/api/applications/${enc(id)}/cast-vote`, { recommend: true, score: 80, comments: '同意推荐' });
      await waitState(id, 'recheck');
    });

  // ---- rectification orders (R20): awaiting evidence, under review, escalated; one by a locality ------------------------
  const order = (label: string, who: string, listingLabel: string, mode: 'deadline' | 'immediate', then?: ['evidence' | 'refuse', string]) =>
    timed(label, async () => {
      const created = await ok(who, 'POST', '/api/rectifications', {
        listingId: listingIdOf(listingLabel),
        breaches: [{ rule: 'R17(e)', finding: '招生广告承诺“包过”' }],
        mode,
        ...(mode === 'deadline' ? { due: { workingDays: 10 } } : {}),
      });
      const id = created.caseId as string;
      cases[label] = id;
      if (then?.[0] === 'evidence') await ok(then[1], 'POST', `/api/rectifications/${enc(id)}/submit-evidence`, { text: '已整改，附报告' });
      if (then?.[0] === 'refuse') {
        await ok(then[1], 'POST', `/api/rectifications/${enc(id)}/refuse-rectification`, { reason: '不认可' });
        await waitState(id, 'escalated');
      }
    });

  // ---- incidents (R11) -----------------------------------------------------------------------------------------------
  const incident = (label: string, who: string, listingLabel: string, followUp: boolean) =>
    timed(label, async () => {
      const created = await ok(who, 'POST', '/api/incidents', {
        listingId: listingIdOf(listingLabel),
        category: 'disciplineBreach',
        occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
        description: '考生在实操考核中使用通讯工具',
        measuresTaken: '当场终止该考生考核',
      });
      const id = created.caseId as string;
      cases[label] = id;
      if (followUp) await ok(who, 'POST', `/api/incidents/${enc(id)}/submit-follow-up`, { text: '已取消该考生成绩' });
    });

  // ---- random inspections (R16): inspecting, in review, published, draw failed --------------------------------------
  const inspection = (label: string, who: string, until: 'inspecting' | 'review' | 'published' | 'drawFailed') =>
    timed(label, async () => {
      const created = await ok(who, 'POST', '/api/inspections', {
        reference: `am-${run}-${label}`,
        title: `矩阵检查 ${label}`,
        filters: until === 'drawFailed' ? { occupationCodes: ['0-00-00-00'] } : { kind: 'training' },
        institutionCount: 1,
      });
      const id = created.caseId as string;
      cases[label] = id;
      if (until === 'drawFailed') {
        await waitState(id, 'drawFailed');
        return;
      }
      await waitState(id, 'inspecting');
      const doc = await stack.store.cases.findOne({ _id: id });
      const drawn = (doc!.summary as { institutions: { id: string }[] }).institutions[0]!.id;
      inspected[label] = drawn;
      if (until === 'inspecting') return;
      const inspector = who === 'gd-officer' ? 'inspector-001' : 'inspector-003';
      await ok(inspector, 'POST', `/api/inspections/${enc(id)}/record-findings`, {
        institutionId: drawn,
        checklist: [{ itemId: 'R12.fees', result: 'fail', note: '未公示收费标准' }],
        findings: [{ rule: 'R12', text: '未公示收费标准和退费办法' }],
        summary: '发现 1 项问题',
      });
      await waitState(id, 'review');
      if (until === 'review') return;
      await ok(who, 'POST', `/api/inspections/${enc(id)}/publish-results`, { summary: '抽查 1 家，1 家存在问题' });
    });

  // Plans and listings first (the rounds need a published notice; orders, incidents and inspections need listings).
  await limited(CONCURRENCY, [
    ...listingSpecs.map(listing),
    plan('P44pub', 'gd-officer', 'training', [1, 2, 3], 'published', 'gd-leader'),
    plan('PEpub', 'nat-officer', 'evaluation', [4, 5, 6], 'published', 'nat-leader'),
    plan('P44draft', 'gd-officer', 'training', [1], 'drafting', 'gd-leader'),
    plan('P32draft', 'js-officer', 'training', [1], 'drafting', 'js-leader'),
    plan('PNdraft', 'nat-officer', 'evaluation', [4], 'drafting', 'nat-leader'),
    plan('P44sub', 'gd-officer', 'training', [2], 'submitted', 'gd-leader'),
    plan('P32sub', 'js-officer', 'training', [2], 'submitted', 'js-leader'),
    plan('P44appr', 'gd-officer', 'training', [3], 'approved', 'gd-leader'),
    plan('P32appr', 'js-officer', 'training', [3], 'approved', 'js-leader'),
  ]);
  const t1 = Date.now();
  cases.RT44 = rounds.T44;
  cases.RE = rounds.E;
  // The first application of a round starts it (signalWithStart): one first, then the others.
  await limited(CONCURRENCY, [application('AT_rec', 'T44', 'inst-003', '44', 3, 'industry:miit', 'recommendation'), application('AE_rec', 'E', 'inst-002', '32', 5, 'industry:cac', 'recommendation')]);
  await limited(CONCURRENCY, [
    // the long chains first
    application('AT_recheck', 'T44', 'inst-003', '44', 1, 'industry:miit', 'recheck'),
    inspection('N44p', 'gd-officer', 'published'),
    application('AT_vote', 'T44', 'inst-001', '44', 1, 'industry:miit', 'voting'),
    application('AE_vote', 'E', 'inst-002', '32', 4, 'industry:cac', 'voting'),
    application('AT_redraw', 'T44', 'inst-001', '44', 3, 'industry:miit', 'redraw'),
    application('AT_rev', 'T44', 'inst-003', '44', 2, 'province:44', 'preliminaryReview'),
    application('AE_rev', 'E', 'inst-002', '32', 6, 'province:32', 'preliminaryReview'),
    application('AT_corr', 'T44', 'inst-001', '44', 2, 'industry:miit', 'correction'),
    inspection('N44r', 'gd-officer', 'review'),
    inspection('N32r', 'js-officer', 'review'),
    inspection('N44', 'gd-officer', 'inspecting'),
    inspection('N32', 'js-officer', 'inspecting'),
    inspection('N44f', 'gd-officer', 'drawFailed'),
    order('R44x', 'gd-officer', 'LT44r', 'immediate', ['refuse', 'inst-003']),
    order('R44e', 'gd-officer', 'LT44', 'deadline', ['evidence', 'inst-001']),
    order('R32e', 'js-officer', 'LT32', 'deadline', ['evidence', 'inst-002']),
    order('R44', 'miit-officer', 'LT44', 'deadline'),
    order('R32', 'cac-officer', 'LT32', 'deadline'),
    order('R44g', 'gz-officer', 'LT44', 'deadline'),
    incident('I44r', 'inst-003', 'LE44', true),
    incident('I44', 'inst-003', 'LE44', false),
    incident('I32', 'inst-002', 'LE32', false),
    // ---- R18(g) relations (each opens its conflict review), R19 templates, R17(a) training sites ----------------------
    () => ok('nat-officer', 'PUT', '/api/relations', { from: 'i003', to: 'i001', type: 'subsidiary' }),
    () => ok('nat-officer', 'PUT', '/api/relations', { from: 'i002', to: 'i004', type: 'subsidiary' }),
    () => ok('inst-001', 'PUT', '/api/certificate-templates/tpl-1', { kind: 'training', title: '培训证书', text: '数字技术工程师培训证书' }),
    () => ok('inst-002', 'PUT', '/api/certificate-templates/tpl-2', { kind: 'training', title: '培训证书', text: '数字技术工程师培训证书' }),
    () => ok('inst-001', 'PUT', '/api/institutions/i001/training-sites', { province: '44', sites: [{ id: 's1', province: '44', address: '广州市天河区' }] }),
    () => ok('inst-002', 'PUT', '/api/institutions/i002/training-sites', { province: '32', sites: [{ id: 's1', province: '32', address: '南京市玄武区' }] }),
    () => ok('nat-officer', 'PUT', '/api/institutions/i009/training-sites', { province: '11', sites: [{ id: 's1', province: '11', address: '北京市' }] }),
  ]);

  // The conflict reviews the relations opened (R18(g)): i003 evaluates what its subsidiary i001 trains in; i002 what i004 does.
  const [cr44, cr32] = await eventually(async () => {
    const docs = await stack.store.cases.find({ caseType: 'conductReview' }).toArray();
    const of = (evaluation: string, training: string) => docs.find((d) => d._id.includes(`:evaluation:${evaluation}:`) && d._id.includes(`~training:${training}:`));
    const pair = [of('i003', 'i001'), of('i002', 'i004')];
    return pair[0] && pair[1] ? pair : undefined;
  }, 30_000);
  cases.CR44 = cr44!._id;
  cases.CR32 = cr32!._id;
  const t2 = Date.now();
  console.log(`access matrix world: ${Object.keys(cases).length} cases in ${((t2 - started) / 1000).toFixed(1)} s (listings and plans ${((t1 - started) / 1000).toFixed(1)} s); ${timings.join(', ')}`);
  return { run, today, occ, cases, inspected, tokens, as };
}

/** Units whose contacts the world sets (and the matrix reads and writes). */
export const CONTACT_UNITS = ['national', 'province:44', 'province:32', 'locality:440100', 'industry:miit', 'industry:cac', 'institution:i001', 'institution:i002', 'expert:e001', 'inspector:p001'];

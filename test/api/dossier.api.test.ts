/**
 * The case dossier export (issue 6) through the HTTP API: an application is driven through a real
 * selection round (recommendation, review, a random panel with recusal and votes, the list's approval,
 * a public objection and its dismissal, publication) on the time-skipping server, then exported as
 * JSON and PDF — in full for the national group's staff, redacted for the institution and its
 * recommender — and refused to everyone else. A tampered audit entry shows in the next export.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import canonicalizeModule from 'canonicalize';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors.js';
import { renderDossierPdf, resolveDossierFonts } from '../../api/dossier/pdf.js';
import { dossierExports } from '../../store/dossierExports.js';
import { draft } from '../fixtures/selectionPlan.js';
import { goodFacts as eligibleFacts } from '../fixtures/eligibility.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';
import { createTimeSkippingEnv } from '../support/temporal.js';

const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

type Client = ReturnType<typeof api>;
let env: TestWorkflowEnvironment;
let stack: Stack;
const as: Record<string, Client> = {};
const tokens: Record<string, string> = {};
const enc = encodeURIComponent;
const DAY = 86_400_000;
const field = '2-02-10-09';
const roundId = 'selection-round:national:dossier-api';
const app = `application:${roundId}:i001:${field}`;
const OBJECTION_TEXT = '该机构办学场地与申报材料不符';
const OBJECTION_CONTACT = '139****1234';

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

/** The dossier as JSON, or the PDF's bytes and headers. */
const dossier = (who: string, caseId = app) => as[who]!.get(`/api/cases/${enc(caseId)}/dossier`);
async function pdfOf(who: string, caseId = app) {
  const res = await fetch(`${stack.baseUrl}/api/cases/${enc(caseId)}/dossier?format=pdf`, { headers: { authorization: `Bearer ${tokens[who]}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
async function pdfText(bytes: Buffer): Promise<{ pages: number; text: string }> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  let text = '';
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    text += `${content.items.map((item) => ('str' in item ? item.str : '')).join('')}\n`;
  }
  const pages = pdf.numPages;
  await pdf.destroy();
  return { pages, text };
}
const digestOf = (d: Record<string, unknown>) => {
  const { digest: _digest, ...rest } = d;
  return createHash('sha256').update(canonicalize(rest)!, 'utf8').digest('hex');
};

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  stack = await startStack('dossier-api', { timeSkipping: env });
  for (const id of ['nat-officer', 'nat-leader', 'gd-officer', 'js-officer', 'inst-001', 'inst-002', ...[1, 2, 3, 4, 5, 6, 7].map((i) => `expert-00${i}`)]) {
    tokens[id] = await tokenFor(stack.baseUrl, id);
    as[id] = api(stack.baseUrl, tokens[id]);
  }
});
afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

describe('the case dossier (issue 6)', () => {
  it('drives an application through a round: draw, votes, an objection, publication', async () => {
    // The expert pool (R7.3): e001 works for the applicant and is recused.
    for (let i = 1; i <= 7; i++) {
      const r = await as['nat-officer']!.put(`/api/expert-pool/e00${i}`, { name: `专家${i}`, fields: [field], employer: i === 1 ? 'institution:i001' : `org-${i}`, employmentHistory: [], active: true });
      expect(r.status).toBe(200);
    }
    const plan = (await as['nat-officer']!.post('/api/selection-plans', { kind: 'evaluation', reference: 'dossier-api', draft })).body.caseId as string;
    expect((await as['nat-officer']!.post(`/api/selection-plans/${enc(plan)}/submit`, {})).status).toBe(200);
    expect((await as['nat-leader']!.post(`/api/selection-plans/${enc(plan)}/approve`, { comments: '同意' })).status).toBe(200);
    const opens = today();
    const published = await as['nat-officer']!.post(`/api/selection-plans/${enc(plan)}/publish-notice`, {
      documentNumber: '人社厅发〔2026〕101号', occupations: [draft.occupations[0]], applicationWindow: { opens, closes: plusDays(opens, 7) }, requirements: '见通知',
    });
    expect(published.status).toBe(200);

    const applied = await as['inst-001']!.post(`/api/selection-rounds/${enc(roundId)}/applications`, {
      institution: { name: '示例培训学院', province: '44' }, occupationCodes: [field], recommender: 'province:44', priority: 'nationalStandardDeveloper', facts: goodFacts,
    });
    expect(applied.status).toBe(201);
    expect(applied.body.applications[0].caseId).toBe(app);

    const rec = await inboxTask(as['gd-officer']!, app, 'application.recommend');
    expect((await as['gd-officer']!.post(`/api/tasks/${enc(rec.taskId)}/complete`, { action: 'CONFIRM_RECOMMENDATION', payload: { comments: '同意推荐' } })).status).toBe(200);
    expect((await as['nat-officer']!.post(`/api/applications/${enc(app)}/pass-review`, { reason: '材料齐全' })).status).toBe(200);

    let votes = 0;
    for (let i = 2; i <= 7; i++) {
      const r = await as[`expert-00${i}`]!.get('/api/inbox?limit=200');
      const t = (r.body.items as { caseId: string; taskId: string }[]).find((x) => x.caseId === app);
      if (!t) continue;
      // A drawn expert reads the case through the vote task, but the dossier is for staff and parties.
      if (votes === 0) expect((await dossier(`expert-00${i}`)).status).toBe(403);
      const done = await as[`expert-00${i}`]!.post(`/api/tasks/${enc(t.taskId)}/complete`, { action: 'CAST_VOTE', payload: { recommend: true, score: 88, comments: `评审意见${i}` } });
      expect(done.status).toBe(200);
      votes += 1;
    }
    expect(votes).toBe(5);
    expect((await as['nat-officer']!.post(`/api/applications/${enc(app)}/confirm-result`, { comments: '复核同意' })).status).toBe(200);

    await env.sleep(8 * DAY);
    const approve = await inboxTask(as['nat-leader']!, roundId, 'round.approveList');
    expect((await as['nat-leader']!.post(`/api/tasks/${enc(approve.taskId)}/complete`, { action: 'APPROVE_LIST', payload: {} })).status).toBe(200);
    await eventually(async () => ((await api(stack.baseUrl).get('/api/public/notices')).body.items.length > 0 ? true : undefined));
    const objection = await api(stack.baseUrl).post(`/api/public/notices/${enc(roundId)}/objections`, { application: app, text: OBJECTION_TEXT, contact: OBJECTION_CONTACT });
    expect(objection.status).toBe(202);
    const decide = await inboxTask(as['nat-officer']!, roundId, 'round.decideObjection');
    expect((await as['nat-officer']!.post(`/api/tasks/${enc(decide.taskId)}/complete`, { action: 'DISMISS_OBJECTION', payload: { objectionId: 'objection-1', reason: '经核实场地符合要求' } })).status).toBe(200);

    await env.sleep(12 * DAY);
    await eventually(async () => ((await stack.store.cases.findOne({ _id: app }))?.status.code === 'published' ? true : undefined), 30_000);
  });

  it('gives the staff the full dossier: every step, decision, deadline, the draw verified, the objection, the chain', async () => {
    const r = await dossier('nat-officer');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('application/json');
    const d = r.body;
    expect(d).toMatchObject({ dossierVersion: 1, view: 'full', redactions: [], generatedBy: { id: 'nat-officer', role: 'officer', unit: 'national' } });
    expect(d.case).toMatchObject({ caseId: app, caseType: 'application', caseTypeLabel: { zh: '申报' }, status: { code: 'published' }, owner: 'national', institution: { id: 'i001', name: '示例培训学院' } });

    // The timeline is the audit chain, entry for entry.
    const audit = await stack.store.audit.find({ caseId: app }).sort({ seq: 1 }).toArray();
    expect(d.timeline).toHaveLength(audit.length);
    expect(d.timeline.map((t: { seq: number }) => t.seq)).toEqual(audit.map((e) => e.seq));
    expect(d.timeline.map((t: { hash: string }) => t.hash)).toEqual(audit.map((e) => e.hash));
    expect(d.auditChain).toMatchObject({ ok: true, entries: audit.length, expectedEntries: audit.length, headSeq: audit.at(-1)!.seq, headHash: audit.at(-1)!.hash, firstBroken: null, problems: [] });

    // Every decision with its actor and reason.
    const decision = (action: string) => d.decisions.filter((x: { action: string }) => x.action === action);
    expect(decision('CONFIRM_RECOMMENDATION')[0]).toMatchObject({ actor: { id: 'gd-officer', role: 'officer', unit: 'province:44' }, reason: '同意推荐', rule: 'R7.2' });
    expect(decision('PASS_REVIEW')[0]).toMatchObject({ actor: { id: 'nat-officer', name: expect.stringContaining('王芳') }, reason: '材料齐全', resultingState: expect.stringContaining('expertReview') });
    expect(decision('CAST_VOTE')).toHaveLength(5);
    for (const v of decision('CAST_VOTE')) expect(v).toMatchObject({ actor: { role: 'expert', unit: expect.stringMatching(/^expert:e00[2-7]$/) }, reason: expect.stringMatching(/^评审意见/), payload: { recommend: true, score: 88 } });
    expect(decision('CONFIRM_RESULT')[0]).toMatchObject({ actor: { id: 'nat-officer' }, reason: '复核同意' });
    expect(d.decisions.every((x: { actor: { id: string } }) => x.actor.id !== 'system')).toBe(true);

    // Deadlines with their calendar explanation: start, offset, the days skipped and why.
    const names = d.deadlines.map((x: { name: string }) => x.name);
    expect(names).toEqual(expect.arrayContaining(['recommendationDue', 'reviewDue', 'votingDue', 'recheckDue']));
    for (const x of d.deadlines) {
      expect(x).toMatchObject({ rule: expect.stringMatching(/^R/), due: expect.any(String), date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), provisional: expect.any(Boolean), explanation: { text: expect.any(String), start: expect.any(String) } });
      expect(x.explanation.text.length).toBeGreaterThan(10);
    }
    const skipped = d.deadlines.flatMap((x: { explanation: { skipped: { date: string; reason: string }[] } }) => x.explanation.skipped);
    expect(skipped.length).toBeGreaterThan(0);
    for (const s of skipped) expect(s).toMatchObject({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), reason: expect.any(String) });
    expect(d.deadlines.find((x: { name: string }) => x.name === 'recommendationDue').explanation.offset).toHaveProperty('workingDays');

    // Tasks with their outcomes; notifications sent.
    const recTask = d.tasks.find((t: { step: string }) => t.step === 'application.recommend');
    expect(recTask).toMatchObject({ status: 'done', assignee: { role: 'officer', unit: 'province:44' }, outcome: { action: 'CONFIRM_RECOMMENDATION', by: { id: 'gd-officer' } } });
    expect(d.tasks.filter((t: { step: string }) => t.step === 'application.vote')).toHaveLength(5);
    expect(Array.isArray(d.notifications)).toBe(true);
    for (const n of d.notifications) expect(JSON.stringify(n)).not.toMatch(/target|lastError/);

    // The draw: commitment, revealed seed, proof, re-run now and verified; the recused expert with the grounds.
    expect(d.draws.length).toBeGreaterThanOrEqual(1);
    const draw = d.draws[0];
    expect(draw).toMatchObject({ kind: 'expertPanel', status: 'drawn', algorithm: 'hmac-sha256-rank/v1', verified: true, problems: [], seed: expect.stringMatching(/^[0-9a-f]{64}$/), seedCommitment: expect.stringMatching(/^[0-9a-f]{64}$/), proof: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(draw.panel).toHaveLength(5);
    expect(draw.panel.map((m: { expertId: string }) => m.expertId)).not.toContain('e001');
    expect(draw.exclusions).toEqual(expect.arrayContaining([expect.objectContaining({ expertId: 'e001', rule: 'R7.3' })]));

    // The objection against this application, from the round, and how it was handled.
    expect(d.objections).toEqual([
      expect.objectContaining({ id: 'objection-1', roundId, application: app, text: OBJECTION_TEXT, contact: OBJECTION_CONTACT, status: 'dismissed', decision: expect.objectContaining({ action: 'DISMISS_OBJECTION', reason: '经核实场地符合要求', by: expect.objectContaining({ id: 'nat-officer' }) }) }),
    ]);

    // Related cases: its round and the listing it published.
    expect(d.relatedCases.map((c: { caseId: string }) => c.caseId)).toEqual(expect.arrayContaining([roundId, `listing:evaluation:i001:${field}`]));

    // The digest is the SHA-256 of the canonical JSON without it.
    expect(d.digest).toMatchObject({ algorithm: 'SHA-256', canonicalization: 'RFC 8785 (JCS)' });
    expect(digestOf(d)).toBe(d.digest.value);

    // The export is recorded.
    const recorded = await dossierExports(stack.store).find({ caseId: app }).toArray();
    expect(recorded).toEqual([expect.objectContaining({ caseId: app, caseType: 'application', format: 'json', view: 'full', digest: d.digest.value, by: expect.objectContaining({ id: 'nat-officer' }), dossierVersion: 1 })]);
  });

  it('gives the institution its own dossier, redacted; its recommender too', async () => {
    const r = await dossier('inst-001');
    expect(r.status).toBe(200);
    const d = r.body;
    expect(d.view).toBe('redacted');
    const text = JSON.stringify(d);
    // R7.3: no panel, votes, seed or expert; R7.4: no objection text or objector contact.
    // (expert ids as values, not as hex inside a hash)
    expect(text).not.toMatch(/"e00[1-7]"|expert:e00|\(e00[1-7]\)|专家[1-7]|评审意见/);
    const events = d.timeline.map((t: { event: string }) => t.event);
    expect(events).not.toContain('CAST_VOTE');
    expect(events).not.toContain('panel.drawn');
    expect(d.decisions.map((x: { action: string }) => x.action)).not.toContain('CAST_VOTE');
    expect(text).not.toContain(OBJECTION_TEXT);
    expect(text).not.toContain(OBJECTION_CONTACT);
    expect(d.draws).toEqual([expect.objectContaining({ kind: 'expertPanel', verified: true, seedCommitment: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    expect(d.draws[0]).not.toHaveProperty('seed');
    expect(d.draws[0]).not.toHaveProperty('panel');
    expect(d.objections).toEqual([expect.objectContaining({ id: 'objection-1', status: 'dismissed', decision: expect.objectContaining({ reason: '经核实场地符合要求' }) })]);
    expect(d.objections[0]).not.toHaveProperty('text');
    expect(d.case).not.toHaveProperty('parties');
    expect(d.notifications.every((n: { to: { unit: string } }) => n.to.unit === 'institution:i001')).toBe(true);
    // What it may not see is said, with counts; the chain is verified whole.
    const sections = d.redactions.map((x: { section: string }) => x.section);
    expect(sections).toEqual(expect.arrayContaining(['timeline', 'tasks', 'draws', 'objections']));
    const entries = await stack.store.audit.countDocuments({ caseId: app });
    const withheld = d.redactions.filter((x: { section: string }) => x.section === 'timeline').reduce((n: number, x: { count: number }) => n + x.count, 0);
    expect(d.timeline.length + withheld).toBe(entries);
    expect(d.auditChain).toMatchObject({ ok: true, entries });
    expect(d.decisions.find((x: { action: string }) => x.action === 'PASS_REVIEW')).toMatchObject({ actor: { id: 'nat-officer' }, reason: '材料齐全' });
    expect(digestOf(d)).toBe(d.digest.value);
    // The round is not the institution's to read: not listed.
    expect(d.relatedCases.map((c: { caseId: string }) => c.caseId)).not.toContain(roundId);

    const recommender = await dossier('gd-officer');
    expect(recommender.status).toBe(200);
    expect(recommender.body.view).toBe('redacted');
    expect(JSON.stringify(recommender.body)).not.toMatch(/"e00[1-7]"|expert:e00|专家[1-7]|评审意见/);
    expect(recommender.body.timeline.map((t: { event: string }) => t.event)).not.toContain('CAST_VOTE');
  });

  it('refuses everyone else: another province 404, another institution 404, an expert 403/404, no token 401, a bad format 400', async () => {
    expect((await dossier('js-officer')).status).toBe(404);
    const other = await dossier('inst-002');
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NotFound');
    expect([403, 404]).toContain((await dossier('expert-002')).status);
    const anonymous = await api(stack.baseUrl).get(`/api/cases/${enc(app)}/dossier`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('Unauthenticated');
    expect((await as['nat-officer']!.get(`/api/cases/${enc(app)}/dossier?format=xml`)).status).toBe(400);
    expect((await as['nat-officer']!.get(`/api/cases/${enc('application:none')}/dossier`)).status).toBe(404);
    // Refusals are not exports.
    const by = (await dossierExports(stack.store).find({ caseId: app }).toArray()).map((x) => x.by.id);
    expect(by).not.toContain('js-officer');
    expect(by).not.toContain('inst-002');
  });

  it('renders the PDF: an attachment, several pages, Chinese and English, the digest and the chain', async () => {
    const r = await pdfOf('nat-officer');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="dossier-application_selection-round_national_dossier-api_i001_2-02-10-09.pdf"`);
    expect(r.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    if (process.env.DOSSIER_PDF_OUT) writeFileSync(process.env.DOSSIER_PDF_OUT, r.bytes);
    const { pages, text } = await pdfText(r.bytes);
    expect(pages).toBeGreaterThan(1);
    for (const s of ['案件卷宗', 'Case dossier', '审计链完整', 'Audit chain intact', '示例培训学院', '材料齐全', '经核实场地符合要求', '办理过程', 'Timeline', '随机抽取', '专家2', `共 ${pages} 页`, `Page ${pages} of ${pages}`]) {
      expect(text).toContain(s);
    }
    const exported = await dossierExports(stack.store).find({ caseId: app, format: 'pdf' }).toArray();
    expect(exported).toHaveLength(1);
    // The digest the PDF shows is the one recorded for this export.
    expect(text.replace(/\s+/g, '')).toContain(exported[0]!.digest);

    const mine = await pdfOf('inst-001');
    expect(mine.status).toBe(200);
    const redacted = await pdfText(mine.bytes);
    expect(redacted.text).toContain('删减');
    expect(redacted.text).not.toMatch(/专家[1-7]|评审意见/);
    expect(redacted.text).not.toContain(OBJECTION_TEXT);
  });

  it('shows a tampered audit entry in the next export', async () => {
    const entry = (await stack.store.audit.findOne({ caseId: app, 'event.type': 'PASS_REVIEW' }))!;
    await stack.store.audit.updateOne({ _id: entry._id }, { $set: { 'event.reason': '材料不全' } });
    const d = (await dossier('nat-officer')).body;
    expect(d.auditChain.ok).toBe(false);
    expect(d.auditChain.firstBroken).toMatchObject({ seq: entry.seq, kind: 'edited' });
    const mine = (await dossier('inst-001')).body;
    expect(mine.auditChain).toMatchObject({ ok: false, firstBroken: { seq: entry.seq, kind: 'edited' } });
    const { text } = await pdfText((await pdfOf('nat-officer')).bytes);
    expect(text).toContain('审计链已损坏');
    expect(text).toContain('AUDIT CHAIN BROKEN');
  });

  it('finds the CJK font in the npm package; a missing DOSSIER_FONT is a 503 FontUnavailable, the JSON still works', async () => {
    expect(resolveDossierFonts({})).toMatchObject({ regular: { path: expect.stringMatching(/NotoSansSC_400Regular\.ttf$/) }, bold: { path: expect.stringMatching(/NotoSansSC_700Bold\.ttf$/) } });
    const d = (await dossier('nat-officer')).body;
    const saved = process.env.DOSSIER_FONT;
    process.env.DOSSIER_FONT = '/nonexistent/font.ttf';
    try {
      expect(resolveDossierFonts()).toBeUndefined();
      const failure = await renderDossierPdf(d).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApiError);
      expect(failure).toMatchObject({ statusCode: 503, code: 'FontUnavailable' });
      const refused = await pdfOf('nat-officer');
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.bytes.toString('utf8')).error.code).toBe('FontUnavailable');
      expect((await dossier('nat-officer')).status).toBe(200);
    } finally {
      if (saved === undefined) delete process.env.DOSSIER_FONT;
      else process.env.DOSSIER_FONT = saved;
    }
  });
});

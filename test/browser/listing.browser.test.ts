/**
 * A listing's life in a real browser (issue 6), on the time-skipping server: the institution files its
 * renewal from the portal (R9.1), the industry department consents and the organiser approves from
 * the console inbox, and the listing page shows the next validity period; a rectification order
 * (R20.1) made on the console listing page runs past its deadline, is escalated (R20.2), and the
 * next level up finds it at the top of its inbox, above a task due sooner. Screenshots of the key pages
 * in test-results/screenshots/listing/.
 *
 * Listings are opened as a published application opens them (a `listing` case started with its
 * publication day), as test/api/listing.api.test.ts does; everything a person does goes through the
 * browser, except a second order and the checks of what the API recorded.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ListingInput } from '../../machines/listing.machine.js';
import { SYSTEM_PRINCIPAL } from '../../rules/actors.js';
import { shanghaiDate } from '../../rules/calendar/dates.js';
import { renewedPeriod } from '../../rules/listing/validity.js';
import { listingWorkflow } from '../../workflows/index.js';
import { api, eventually, tokenFor } from '../support/stack.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { describeBrowser, screenshot, settle, signInAs, startBrowserStack, useBrowser, VIEWPORT, type BrowserStack } from './support/browser.js';

type Client = ReturnType<typeof api>;
const enc = encodeURIComponent;
/** A calendar day as the console and the portal write it in zh-CN (dayjs 'LL' / 'YYYY年M月D日'). */
const zhDay = (d: string) => {
  const [y, m, day] = d.split('-');
  return `${y}年${Number(m)}月${Number(day)}日`;
};

describeBrowser('browser: a listing renewed and an escalated rectification (R9.1, R20)', () => {
  let env: TestWorkflowEnvironment;
  let stack: BrowserStack;
  const as: Record<string, Client> = {};

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    stack = await startBrowserStack('listing', { timeSkipping: env });
    for (const id of ['inst-001', 'gd-officer', 'miit-officer']) as[id] = api(stack.baseUrl, await tokenFor(stack.baseUrl, id));
  });
  afterAll(async () => {
    await stack?.stop();
    await env?.teardown();
  });
  const b = useBrowser({ baseURL: () => stack?.baseUrl });

  const today = async () => shanghaiDate(new Date(await env.currentTimeMs()).toISOString());
  /** A training listing of i001 in Guangdong recommended by MIIT, published today (a case of its own per test). */
  async function openListing(name: string, occupation: string): Promise<{ caseId: string; listingId: string }> {
    const listingId = `training:i001:${occupation}:${name}`;
    const caseId = `listing:${listingId}`;
    const input: Omit<ListingInput, 'caseId' | 'createdAt'> = {
      listingId,
      kind: 'training',
      institution: { id: 'i001', name: '示例培训学院', province: '44' },
      occupation: { code: occupation, name: '人工智能工程技术人员' },
      organiser: 'province:44',
      recommender: 'industry:miit',
      publishedOn: await today(),
      createdBy: SYSTEM_PRINCIPAL,
    };
    await stack.temporal.workflow.start(listingWorkflow, { workflowId: caseId, taskQueue: stack.config.taskQueue, args: [{ input }] });
    await eventually(async () => (await as['inst-001']!.get(`/api/cases/${enc(caseId)}`)).status === 200);
    return { caseId, listingId };
  }
  /** Waits for a task to be open in a user's inbox (the projection follows the step by moments). */
  const taskIn = (who: string, caseId: string, step: string) =>
    eventually(async () => {
      const r = await as[who]!.get('/api/inbox?limit=200');
      return (r.body.items as { taskId: string; caseId: string; step: string }[]).find((t) => t.caseId === caseId && t.step === step);
    });
  /**
   * The next user signs in on this page: the session cookie is dropped (signing out through the menu
   * is the smoke test's; here the menu's hover races the page's own buttons) and the plain login page
   * is opened — after a sign-out it would carry `next=<the last page>`, where another user has no business.
   */
  async function switchUser(page: Page, userId: string) {
    await page.context().clearCookies();
    await page.goto('/login');
    await signInAs(page, userId);
  }
  /** Claims a task in the console inbox and completes it with an action of its decision form. */
  async function decide(page: Page, taskId: string, action: string, comments: string) {
    await page.goto('/console/inbox');
    const row = page.getByTestId(`task-row-${taskId}`);
    await row.getByTestId('task-claim').click();
    await row.getByTestId('task-release').waitFor(); // claimed by me: the row was reloaded
    await row.getByTestId('task-complete').click();
    await page.getByTestId(`decision-action-${action}`).click();
    await page.locator('#root_comments').fill(comments);
    await page.getByTestId('decision-submit').click();
    await row.waitFor({ state: 'detached' }); // done: the task left the active inbox
  }

  it('R9.1 the institution files its renewal in the portal; consent and approval from the inbox; the listing page shows the next period', { timeout: 180_000 }, async () => {
    const { page } = b;
    const { caseId, listingId } = await openListing('renewal', '2-02-10-09');
    const view = (await as['inst-001']!.get(`/api/cases/${enc(caseId)}`)).body as { summary: { validFrom: string; validUntil: string; renewalDeadline: string }; deadlines: { name: string; explanation: { start?: string } }[] };
    const { validFrom, validUntil, renewalDeadline } = view.summary;

    // The portal: the listing with its validity and renewal deadline.
    await signInAs(page, 'inst-001');
    expect(new URL(page.url()).pathname).toBe('/portal');
    const row = page.getByTestId(`listing-row-${listingId}`);
    await row.waitFor();
    expect(await row.textContent()).toContain(`${zhDay(validFrom)} – ${zhDay(validUntil)}`);
    expect(await row.textContent()).toContain(`截止 ${zhDay(renewalDeadline)}`);
    await screenshot(page, 'listing/portal-listing-deadlines');

    // The renewal form, beside the deadline and how it was computed (R9.1: expiry − 3 months).
    await row.getByTestId('renewal-file').click();
    await page.getByTestId('portal-form-FILE_RENEWAL').waitFor();
    const deadline = page.getByTestId('deadline-renewalDeadline');
    await deadline.waitFor();
    const explained = await deadline.textContent();
    expect(explained).toContain(zhDay(renewalDeadline));
    expect(explained).toContain('R9.1');
    expect(explained).toContain(`自 ${zhDay(view.deadlines.find((d) => d.name === 'renewalDeadline')!.explanation.start!)} 起算`);
    expect(explained).toContain('3 个月'); // the offset: 3 calendar months before expiry
    await page.getByTestId('portal-report').fill('近三年培训考核情况：累计培训 1,260 人次，考核合格率 92%；详见附件。');
    await screenshot(page, 'listing/portal-renewal-form');
    await page.getByTestId('portal-submit').click();
    await page.getByTestId('portal-done').waitFor();
    expect(await page.getByTestId('portal-done').textContent()).toContain('延续');
    await eventually(async () => ((await stack.store.cases.findOne({ _id: caseId }))?.summary as { renewal: { status: string } }).renewal.status === 'awaitingConsent');

    // The industry department consents, the organiser approves: each from its inbox.
    const consent = await taskIn('miit-officer', caseId, 'listing.consentRenewal');
    await switchUser(page, 'miit-officer');
    await decide(page, consent.taskId, 'CONSENT_RENEWAL', '同意续期');
    const audit = await taskIn('gd-officer', caseId, 'listing.auditRenewal');
    await switchUser(page, 'gd-officer');
    await decide(page, audit.taskId, 'APPROVE_RENEWAL', '审核通过');

    // The listing page: renewal approved, the next period from the day after this one's last day.
    await eventually(async () => ((await stack.store.cases.findOne({ _id: caseId }))?.summary as { renewal: { status: string } }).renewal.status === 'approved');
    await page.goto(`/console/listings/${enc(listingId)}`);
    const validity = page.getByTestId('listing-validity');
    await validity.waitFor();
    const next = renewedPeriod(validUntil, 2);
    expect(await page.getByTestId('listing-next-period').textContent()).toBe(`第 2 个有效期：${zhDay(next.validFrom)} – ${zhDay(next.validUntil)}`);
    expect(await validity.textContent()).toContain('已批准');
    await screenshot(page, 'listing/console-listing-renewed');
  });

  it('R20.2 an order past its deadline is escalated: the next level up sees it at the top of its inbox', { timeout: 180_000 }, async () => {
    const { page } = b;
    const { caseId: listingCaseId, listingId } = await openListing('rectify', '4-04-05-06');

    // MIIT, the listing's industry department, orders rectification on the console listing page (R20.1).
    await signInAs(page, 'miit-officer');
    await page.goto(`/console/listings/${enc(listingId)}`);
    await page.getByTestId('start-rectification').click();
    await page.locator('#root_breaches_0_rule').fill('R17(e)');
    await page.locator('#root_breaches_0_finding').fill('招生广告承诺“包过、不过退费”');
    await page.setViewportSize({ width: VIEWPORT.width, height: 1400 }); // the whole modal in the picture
    await screenshot(page, 'listing/console-order-rectification');
    await page.setViewportSize(VIEWPORT);
    await page.getByTestId('decision-submit').click();
    await page.waitForURL((u) => u.pathname.startsWith('/console/cases/rectification'));
    const overdueOrder = decodeURIComponent(new URL(page.url()).pathname.slice('/console/cases/'.length));
    const ordered = await as['miit-officer']!.get(`/api/cases/${enc(overdueOrder)}`);
    expect(ordered.body.summary).toMatchObject({ listingId, orderedBy: 'industry:miit', mode: 'deadline', breaches: [{ rule: 'R17(e)' }] });
    const due = ordered.body.summary.due as string;

    // Guangdong HR orders too (setup, through the API); the institution answers that one in the portal.
    const other = await as['gd-officer']!.post('/api/rectifications', { listingId, breaches: [{ rule: 'R12', finding: '未公开退费办法' }], mode: 'deadline', due: { workingDays: 30 } });
    expect(other.status).toBe(201);
    const answeredOrder = other.body.caseId as string;
    await eventually(async () => ((await stack.store.cases.findOne({ _id: listingCaseId }))?.summary as { rectifications: unknown[] }).rectifications.length === 2);
    await switchUser(page, 'inst-001');
    await page.goto('/portal/rectifications');
    const overdueRow = page.getByTestId(`rectification-row-${overdueOrder}`);
    await overdueRow.waitFor();
    expect(await overdueRow.textContent()).toContain(zhDay(due));
    const answeredRow = page.getByTestId(`rectification-row-${answeredOrder}`);
    await answeredRow.waitFor();
    await screenshot(page, 'listing/portal-rectifications');
    await answeredRow.getByRole('link').first().click();
    await page.getByTestId('action-SUBMIT_EVIDENCE').click();
    await page.getByTestId('portal-text').fill('已在官网公开退费办法，附公告截图');
    await page.getByTestId('portal-submit').click();
    await page.getByTestId('portal-done').waitFor();
    const review = await taskIn('gd-officer', answeredOrder, 'rectification.reviewEvidence');

    // The deadline passes with no evidence on MIIT's order: escalated to MIIT and the next level up, Guangdong HR.
    const target = Date.parse(`${due}T23:59:59.999+08:00`) + 60_000;
    await env.sleep(target - (await env.currentTimeMs()));
    await eventually(async () => (await stack.store.cases.findOne({ _id: overdueOrder }))?.status.code === 'escalated');
    const escalated = await taskIn('gd-officer', overdueOrder, 'rectification.overdue');
    expect(escalated.taskId).toBe(`${overdueOrder}~overdue-L2`);
    await taskIn('miit-officer', overdueOrder, 'rectification.overdue');

    // Guangdong HR's inbox: the escalation first, above the review that falls due sooner.
    await switchUser(page, 'gd-officer');
    expect(new URL(page.url()).pathname).toBe('/console/inbox');
    const rows = page.locator('[data-testid^="task-row-"]');
    await page.getByTestId(`task-row-${review.taskId}`).waitFor();
    await settle(page);
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    const first = rows.first();
    expect(await first.getAttribute('data-testid')).toBe(`task-row-${escalated.taskId}`);
    expect(await first.textContent()).toContain('督办：整改逾期');
    expect(await first.locator('.ant-tag', { hasText: /^督办$/ }).count()).toBe(1);
    expect(await rows.nth(1).getAttribute('data-testid')).toBe(`task-row-${review.taskId}`);
    const inbox = (await as['gd-officer']!.get('/api/inbox?limit=200')).body.items as { taskId: string; due: string; escalation: boolean }[];
    const dueOf = (id: string) => Date.parse(inbox.find((t) => t.taskId === id)!.due);
    expect(dueOf(review.taskId)).toBeLessThan(dueOf(escalated.taskId)); // the review falls due sooner, yet comes second
    expect(await page.getByTestId('inbox-stat-escalated').textContent()).toMatch(/督办\s*1$/);
    await page.mouse.move(0, 0); // no tooltip of the sign-in click's position in the picture
    await screenshot(page, 'listing/console-inbox-escalated');
  });
});

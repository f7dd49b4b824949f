/**
 * A whole training-institution selection round in a real browser (issue 6): Guangdong HR (province:44)
 * runs it end to end through the console — drafts the plan, has it approved, publishes the selection
 * notice, confirms the recommendation, passes the preliminary review, rechecks the panel's result,
 * decides an objection — each task claimed and completed from the inbox with its decision form; the
 * leader approves the plan and the proposed list; the institution applies through its portal; a drawn
 * expert votes on the expert pages; a member of the public, without an account, objects on the notice
 * page; the round publishes and the institution appears in the public directory. At each step the test
 * checks what the person sees: the Chinese labels, the success message, the task leaving the inbox, and
 * on the case pages of the plan, the application and the round the current state highlighted on the
 * state diagram.
 *
 * Through the API, as setup or where the brief allows it: the national group fills the expert pool of the
 * field (R7.3; no console page keeps the pool); the drawn experts other than the first vote through the
 * inbox API (the first votes in the browser). Time passes on the time-skipping test server (`env.sleep`):
 * the 30-day application window (R7.1) and the 5-working-day public notice (R7.4).
 *
 * Screenshots (test-results/screenshots/selection-round/): the officer's inbox, the publish-notice
 * decision form, the application form in the portal, the expert's vote form, the application's and the
 * round's case pages with their state diagram, the public notice with the objection form, the directory.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, eventually, tokenFor } from '../support/stack.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { describeBrowser, screenshot, signInAs, startBrowserStack, useBrowser, type BrowserStack } from './support/browser.js';

const DAY = 86_400_000;
const FIELD = { code: '2-02-10-09', name: '人工智能工程技术人员' };
const REF = 'gd-browser-1';
const PLAN = `selection-plan:province:44:${REF}`;
const ROUND = `selection-round:province:44:${REF}`;
const APP = `application:${ROUND}:i001:${FIELD.code}`;
const LISTING = `training:i001:${FIELD.code}`;
const INSTITUTION = '广州数字技术职业培训学院';
const DOCUMENT_NUMBER = '粤人社函〔2026〕88号';
const shot = (name: string) => `selection-round/${name}`;

describeBrowser('browser: a training-institution selection round, end to end (R7, R8)', () => {
  let env: TestWorkflowEnvironment;
  let stack: BrowserStack;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    stack = await startBrowserStack('selection-round', { timeSkipping: env });
    // Setup: the national group keeps the expert pool of the field (R7.3); seven experts, five are drawn.
    const nat = api(stack.baseUrl, await tokenFor(stack.baseUrl, 'nat-officer'));
    for (let i = 1; i <= 7; i++) {
      const r = await nat.put(`/api/expert-pool/e00${i}`, { name: `专家${i}`, fields: [FIELD.code], employer: `org-${i}`, employmentHistory: [], active: true });
      expect(r.status).toBe(200);
    }
  });
  afterAll(async () => {
    await stack?.stop();
    await env?.teardown();
  });
  const b = useBrowser({ baseURL: () => stack?.baseUrl });
  // -------------------------------------------------------------------------------------------------
  // Helpers: what a person does in the console
  // -------------------------------------------------------------------------------------------------

  /** The inbox row of a task (by its step's Chinese name and its case), reloading the inbox until it shows. */
  async function inboxRow(page: Page, step: string, caseId: string): Promise<{ row: Locator; taskId: string }> {
    const row = page.locator('[data-testid^="task-row-"]').filter({ hasText: step }).filter({ hasText: caseId });
    if (new URL(page.url()).pathname !== '/console/inbox') await page.getByTestId('console-menu').getByRole('link', { name: '待办' }).click();
    const inbox = page.getByTestId('inbox-page');
    await inbox.getByRole('heading', { name: '待办事项' }).waitFor();
    await eventually(async () => {
      const shown = await row
        .first()
        .waitFor({ timeout: 3_000 })
        .then(() => true)
        .catch(() => false);
      if (!shown) await inbox.getByRole('button', { name: '刷新' }).click(); // the task may open moments later
      return shown;
    }, 30_000);
    expect(await row.count()).toBe(1);
    const taskId = (await row.getAttribute('data-testid'))!.slice('task-row-'.length);
    return { row: page.getByTestId(`task-row-${taskId}`), taskId };
  }

  /**
   * Claims the task in the inbox, opens its decision form, picks the action, lets `fill` fill the form,
   * submits; then the form closes, the success message shows, and the task leaves the inbox.
   */
  async function handleTask(
    page: Page,
    step: string,
    caseId: string,
    opts: { action?: string; actionLabel: string; fill?: (dialog: Locator) => Promise<void>; screenshot?: string },
  ): Promise<string> {
    const { row, taskId } = await inboxRow(page, step, caseId);
    await row.getByTestId('task-claim').click();
    await row.getByTestId('task-release').waitFor(); // claimed by me: release offered, the claim shown
    const me = (await page.getByTestId('user-menu').textContent())!.trim(); // e.g. 陈静 (Guangdong HR)
    await row.getByText(me).waitFor();
    await row.getByTestId('task-complete').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`办理：${step}`).waitFor();
    if (opts.action) await dialog.getByTestId(`decision-action-${opts.action}`).click();
    const submit = dialog.getByTestId('decision-submit');
    await submit.waitFor();
    // (Ant Design spaces out a two-character button label: "批 准".)
    expect((await submit.textContent())?.replace(/\s+/g, '')).toContain(opts.actionLabel);
    await opts.fill?.(dialog);
    if (opts.screenshot) {
      await dialog.getByText(`办理：${step}`).scrollIntoViewIfNeeded();
      await screenshot(page, opts.screenshot);
    }
    await submit.click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.ant-message').getByText(`已提交：${opts.actionLabel}`).waitFor();
    await page.getByTestId(`task-row-${taskId}`).waitFor({ state: 'detached' });
    return taskId;
  }

  /** The case page: its status tag, and the current state highlighted on the diagram. */
  async function casePage(page: Page, caseId: string, status: string, state: RegExp): Promise<void> {
    await page.goto(`/console/cases/${encodeURIComponent(caseId)}`);
    await page.getByTestId('case-page').waitFor();
    await page.getByTestId('case-status').getByText(status, { exact: true }).waitFor();
    const diagram = page.getByTestId('state-diagram');
    await diagram.waitFor();
    const current = diagram.getByTestId('state-current');
    await current.waitFor();
    expect(await current.count()).toBe(1);
    expect(await current.getAttribute('data-state')).toMatch(state);
    // Highlighted: the current state is filled in the console's blue (#1677ff), the others are white.
    expect(await current.getAttribute('style')).toMatch(/background: (rgb\(22, 119, 255\)|#1677ff)/);
  }

  const roundStatus = async () => (await stack.store.cases.findOne({ _id: ROUND }))?.status.code;

  // -------------------------------------------------------------------------------------------------
  // The round
  // -------------------------------------------------------------------------------------------------

  it('the officer drafts a selection plan on the plans page and submits it from the inbox (R8.1, R7.1)', async () => {
    const { page } = b;
    await signInAs(page, 'gd-officer');
    await page.getByTestId('console-menu').getByRole('link', { name: '遴选方案' }).click();
    await page.waitForURL((u) => u.pathname === '/console/plans');
    await page.getByTestId('create-plan').click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('#root_draft_title').waitFor();
    await dialog.locator('#root_reference').fill(REF);
    await dialog.locator('#root_draft_title').fill('2026年广东省数字技术工程师培训机构遴选');
    await dialog.locator('#root_draft_occupations_0_code').fill(FIELD.code);
    await dialog.locator('#root_draft_occupations_0_name').fill(FIELD.name);
    await dialog.locator('#root_draft_requirements').fill('符合《管理办法》第六条条件的培训机构，经属地人社部门推荐申报。');
    await dialog.getByTestId('decision-submit').click();
    await page.waitForURL((u) => decodeURIComponent(u.pathname) === `/console/cases/${PLAN}`);
    await page.getByTestId('case-status').getByText('起草中').waitFor();
    await page.getByTestId('case-tasks').getByText('起草遴选方案').waitFor();

    await handleTask(page, '起草遴选方案', PLAN, { action: 'SUBMIT', actionLabel: '提交报批' });
  });

  it('the leader approves the plan from the inbox', async () => {
    const { page } = b;
    await signInAs(page, 'gd-leader');
    await handleTask(page, '审批遴选方案', PLAN, {
      actionLabel: '批准',
      fill: async (d) => {
        await d.locator('#root_comments').fill('同意。');
      },
    });
  });

  it('the officer publishes the selection notice with its application window (R7.1)', async () => {
    const { page } = b;
    await signInAs(page, 'gd-officer');
    await handleTask(page, '发布遴选工作通知', PLAN, {
      actionLabel: '发布遴选工作通知',
      screenshot: shot('decision-form-publish-notice'),
      fill: async (d) => {
        // The form comes prefilled from the plan: its occupation, a window from today for 30 days.
        await eventually(async () => (await d.locator('#root_occupations_0_code').inputValue()) === FIELD.code);
        await d.locator('#root_documentNumber').fill(DOCUMENT_NUMBER);
        await d.locator('#root_requirements').fill('请于申报时间内通过机构端在线申报，并由属地人社部门确认推荐。');
      },
    });
    await casePage(page, PLAN, '遴选工作通知已发布', /^noticePublished/);
  });

  it('the institution applies through its portal (R7.2)', async () => {
    const { page } = b;
    await signInAs(page, 'inst-001');
    await page.getByTestId('portal-nav-apply').click();
    await page.getByTestId('apply-notices').getByText(DOCUMENT_NUMBER).waitFor();
    await page.getByTestId(`apply-${ROUND}`).click();
    const form = page.getByTestId('apply-form');
    await form.locator('#root_institution_name').waitFor();
    await form.locator('#root_institution_name').fill(INSTITUTION);
    await form.locator('#root_institution_province').click();
    await page.keyboard.type('广东');
    await page.locator('.ant-select-dropdown .ant-select-item-option').filter({ hasText: '(44)' }).click();
    await form.locator('#root_recommender').fill('province:44');
    await form.locator('#root_priority').click();
    await page.locator('.ant-select-dropdown .ant-select-item-option').filter({ hasText: '国家职业标准开发单位' }).click();
    await form.locator('#root_facts_independentLegalPersonRegisteredInChina-0').check();
    await form.locator('#root_facts_facilities_fit-0').check();
    await form.locator('#root_facts_yearsOfExperience').fill('8');
    await screenshot(page, shot('portal-apply-form'));
    await page.getByTestId('portal-submit').click();
    await page.getByTestId('apply-done').getByText('申报已提交').waitFor();
    // R6: what it left unstated is flagged for the reviewer, not refused.
    await page.getByTestId('apply-flags').waitFor();
  });

  it('the officer confirms the recommendation and passes the preliminary review from the inbox (R7.2, R7.3)', async () => {
    const { page } = b;
    await signInAs(page, 'gd-officer');
    await inboxRow(page, '确认推荐', APP);
    await page.mouse.move(0, 0); // no tooltip in the picture
    await screenshot(page, shot('inbox'));
    await handleTask(page, '确认推荐', APP, { actionLabel: '确认推荐' });
    await handleTask(page, '初评', APP, {
      actionLabel: '初评通过',
      fill: async (d) => {
        await d.locator('#root_reason').fill('材料基本齐全，未说明事项经电话核实符合条件（R6）。');
      },
    });
  });

  it('a drawn expert votes on the expert pages; the others vote through the API (R7.3)', async () => {
    const { page } = b;
    // The panel is drawn at random: who was drawn shows in the experts' own inboxes (user id → vote task id).
    const drawn = new Map<string, string>();
    const experts = new Map<string, ReturnType<typeof api>>();
    for (let i = 1; i <= 7; i++) experts.set(`expert-00${i}`, api(stack.baseUrl, await tokenFor(stack.baseUrl, `expert-00${i}`)));
    await eventually(async () => {
      for (const [id, client] of experts) {
        if (drawn.has(id)) continue;
        const r = await client.get('/api/inbox?limit=50');
        const t = (r.body.items as { caseId: string; taskId: string; step: string }[]).find((x) => x.caseId === APP && x.step === 'application.vote');
        if (t) drawn.set(id, t.taskId);
      }
      return drawn.size === 5;
    }, 30_000);
    const [[first, firstTask], ...others] = [...drawn.entries()] as [[string, string], ...[string, string][]];

    await signInAs(page, first);
    expect(new URL(page.url()).pathname).toBe('/expert/tasks');
    await page.getByRole('heading', { name: '我的任务' }).waitFor();
    const row = page.getByTestId(`expert-task-${firstTask}`);
    await row.getByText('专家评议投票').waitFor();
    await page.getByTestId(`expert-task-open-${firstTask}`).click();
    await page.getByTestId('expert-task-page').waitFor();
    await page.getByTestId('vote-materials').getByText(INSTITUTION).waitFor();
    await page.getByTestId('vote-confidential').waitFor();
    await page.locator('#root_recommend-0').check();
    await page.locator('#root_score').fill('88');
    await page.locator('#root_comments').fill('师资与场地满足要求，建议纳入目录。');
    await screenshot(page, shot('expert-vote-form'));
    await page.getByTestId('vote-submit').click();
    await page.getByTestId('vote-done').getByText('已提交，感谢您的评议').waitFor();
    await page.goto('/expert/tasks');
    await page.getByRole('heading', { name: '我的任务' }).waitFor();
    await page.getByText('暂无任务').waitFor();
    expect(await page.getByTestId(`expert-task-${firstTask}`).count()).toBe(0);

    for (const [id, taskId] of others) {
      const r = await experts.get(id)!.post(`/api/tasks/${encodeURIComponent(taskId)}/complete`, {
        action: 'CAST_VOTE',
        payload: { recommend: true, score: 80, comments: '符合条件' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
  });

  it('the officer rechecks the panel result; the case page shows the application where it stands (R7.4)', async () => {
    const { page } = b;
    await signInAs(page, 'gd-officer');
    await handleTask(page, '复核专家评议结果', APP, { actionLabel: '确认评议结果' });
    await casePage(page, APP, '已推荐', /^recommended/);
    await screenshot(page, shot('case-application-diagram'));
  });

  it('after the application window closes, the leader approves the proposed list (R7.4)', async () => {
    const { page } = b;
    await env.sleep(31 * DAY); // the 30-day application window (R7.1) passes
    await eventually(async () => (await roundStatus()) === 'approval', 30_000);
    await signInAs(page, 'gd-leader');
    await handleTask(page, '审批拟入目录名单', ROUND, { actionLabel: '批准名单' });
    await eventually(async () => (await roundStatus()) === 'publicNotice');
  });

  it('a member of the public, without an account, files an objection on the notice page (R7.4)', async () => {
    const { page } = b;
    await page.goto('/notices');
    await page.getByRole('heading', { name: '公示' }).first().waitFor();
    const row = page.getByTestId(`notice-row-${ROUND}`);
    await row.getByText(DOCUMENT_NUMBER).waitFor();
    await page.getByTestId(`notice-open-${ROUND}`).click();
    const detail = page.getByTestId('notice-detail');
    await detail.getByRole('cell', { name: INSTITUTION }).waitFor();
    await page.getByTestId('notice-end-date').waitFor();
    await page.locator('#root_text').fill('据了解该机构培训场地为临时租用，与申报材料不符，请核实。');
    await page.locator('#root_contact').fill('138****0000');
    await screenshot(page, shot('notice-objection-form'));
    await page.getByTestId('objection-submit').click();
    await page.getByTestId('objection-filed').getByText('异议已提交').waitFor();
    expect(await page.getByTestId('user-menu').count()).toBe(0);
  });

  it('the officer decides the objection from the inbox; the round stays on public notice (R7.4)', async () => {
    const { page } = b;
    await signInAs(page, 'gd-officer');
    await handleTask(page, '处理公示异议', ROUND, {
      action: 'DISMISS_OBJECTION',
      actionLabel: '异议不成立',
      fill: async (d) => {
        expect(await d.locator('#root_objectionId').inputValue()).toBe('objection-1');
        await d.locator('#root_reason').fill('经现场核查，培训场地为自有产权，异议不成立。');
      },
    });
    await casePage(page, ROUND, '公示中', /^publicNotice$/);
    await screenshot(page, shot('case-round-diagram'));
  });

  it('the notice ends, the round publishes and the institution is in the public directory (R7.5, R5)', async () => {
    const { page } = b;
    await env.sleep(15 * DAY); // the 5 working days of the public notice (R7.4) pass
    await eventually(async () => (await roundStatus()) === 'published', 30_000);
    await eventually(async () => (await api(stack.baseUrl).get(`/api/directory?occupation=${FIELD.code}`)).body.items.length > 0);
    await page.goto('/');
    await page.getByRole('heading', { name: /机构目录/ }).first().waitFor();
    const row = page.getByTestId(`directory-row-${LISTING}`);
    await row.getByText(INSTITUTION).waitFor();
    await row.getByText('培训机构').waitFor();
    await row.getByText(FIELD.name).waitFor();
    await row.getByText('广东省').waitFor();
    await row.getByText('有效', { exact: true }).waitFor();
    await screenshot(page, shot('directory-published'));
  });
});

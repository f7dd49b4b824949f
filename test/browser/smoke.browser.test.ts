/**
 * The console in a real browser (Chromium, headless, zh-CN, Asia/Shanghai), against the real service:
 * the public pages in Chinese and English, the client-side-route fallback next to the API's JSON 404,
 * demo sign-in landing each audience in its area, sign-out, a one-time password changed before anything
 * else. Screenshots in test-results/screenshots/.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAccount } from '../../api/identity/accounts.js';
import { createSecretBox } from '../../api/identity/secretBox.js';
import { totpCode } from '../../api/identity/totp.js';
import { describeBrowser, screenshot, settle, signInAs, signOut, startBrowserStack, switchLanguage, useBrowser, type BrowserStack } from './support/browser.js';

describeBrowser('browser smoke: the console', () => {
  let stack: BrowserStack;
  beforeAll(async () => {
    stack = await startBrowserStack('smoke');
  });
  afterAll(async () => {
    await stack?.stop();
  });
  const b = useBrowser({ baseURL: () => stack?.baseUrl });

  it('renders the public directory page in Simplified Chinese, in Beijing time', async () => {
    const { page } = b;
    const res = await page.goto('/');
    expect(res?.status()).toBe(200);
    const header = page.locator('.ant-layout-header');
    await header.getByRole('menuitem', { name: '机构目录' }).waitFor();
    await header.getByRole('menuitem', { name: '公示' }).waitFor();
    await page.getByRole('heading', { name: /机构目录/ }).first().waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.title()).toContain('数字技术工程师培育项目');
    // (strings: the tests are type-checked without the DOM library)
    expect(await page.evaluate('[navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone]')).toEqual(['zh-CN', 'Asia/Shanghai']);
    await screenshot(page, 'directory');
  });

  it('switches to English and keeps it on reload', async () => {
    const { page } = b;
    await page.goto('/');
    await settle(page);
    await switchLanguage(page, 'English');
    const header = page.locator('.ant-layout-header');
    await header.getByRole('menuitem', { name: 'Directory', exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await header.getByRole('menuitem', { name: 'Directory', exact: true }).waitFor();
    await screenshot(page, 'directory-en');
  });

  it('shows the 404 page for an unknown page path (client-side-route fallback)', async () => {
    const { page } = b;
    const res = await page.goto('/no-such-page/here');
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toContain('text/html');
    await page.locator('.ant-result-404').waitFor();
    await page.getByText('页面不存在').waitFor();
  });

  it('keeps the API JSON 404 for an unknown /api path', async () => {
    const res = await b.page.request.get('/api/unknown');
    expect(res.status()).toBe(404);
    expect(res.headers()['content-type']).toContain('application/json');
    expect((await res.json()) as unknown).toMatchObject({ error: { code: 'NotFound' } });
  });

  it('offers the demo sign-ins on the login page in development', async () => {
    const { page } = b;
    await page.goto('/login');
    await page.getByTestId('demo-logins').waitFor();
    for (const id of ['gd-officer', 'inst-001', 'expert-001']) {
      expect(await page.getByTestId(`demo-login-${id}`).isVisible(), id).toBe(true);
    }
    await page.getByText('演示账号（仅限开发环境）').waitFor();
    await screenshot(page, 'login');
  });

  it('signs a demo officer in to the console inbox', async () => {
    const { page } = b;
    await signInAs(page, 'gd-officer');
    expect(new URL(page.url()).pathname).toBe('/console/inbox');
    expect(await page.getByTestId('user-menu').textContent()).toContain('陈静');
    await screenshot(page, 'console-inbox');
  });

  it('signs an institution in to its portal', async () => {
    const { page } = b;
    await signInAs(page, 'inst-001');
    expect(new URL(page.url()).pathname).toBe('/portal');
    await screenshot(page, 'portal');
  });

  it('signs an expert in to the review tasks (after whoever was signed in before)', async () => {
    const { page } = b;
    await signInAs(page, 'inst-002');
    await signInAs(page, 'expert-001');
    expect(new URL(page.url()).pathname).toBe('/expert/tasks');
    await screenshot(page, 'expert-tasks');
  });

  it('signs out, after which the console asks to sign in again', async () => {
    const { page } = b;
    await signInAs(page, 'gd-officer');
    await signOut(page);
    // Out of the staff area: the home page, or the login page when the area's guard saw the session end first.
    await page.waitForURL((u) => u.pathname === '/' || u.pathname === '/login');
    await page.locator('.ant-layout-header').getByRole('link', { name: '登录' }).waitFor();
    expect((await page.request.get('/api/auth/session')).status()).toBe(401);
    await page.reload();
    await page.locator('.ant-layout-header').getByRole('link', { name: '登录' }).waitFor();
    expect(await page.getByTestId('user-menu').count()).toBe(0);
    // The staff area now sends this browser to the login page, and back there after signing in.
    await page.goto('/console');
    await page.waitForURL((u) => u.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console');
    await signInAs(page, 'gd-officer', { here: true });
    expect(new URL(page.url()).pathname).toMatch(/^\/console/);
  });

  it('sends an account with a one-time password to change it before the console, under the policy', async () => {
    const { page } = b;
    // What an admin's `npm run accounts -- create` hands over: a one-time password and a TOTP secret.
    const made = await createAccount(stack.store, createSecretBox(stack.config.secretsKey), { id: 'smoke-new-officer', role: 'officer', unit: 'province:44', name: '新同事' });
    b.allowConsoleError(/401 \(Unauthorized\).*\/api\/auth\/login/); // the password alone: 401 SecondFactorRequired, then the code
    await page.goto('/console/inbox');
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByLabel('账号', { exact: true }).fill('smoke-new-officer');
    await page.getByLabel('密码', { exact: true }).fill(made.oneTimePassword!);
    await page.locator('form').getByRole('button', { name: '登 录' }).click();
    await page.getByLabel('动态验证码（6 位）').fill(totpCode(made.totpSecret!, new Date()));
    await page.locator('form').getByRole('button', { name: '登 录' }).click();
    // The change comes first, wherever the person was headed.
    await page.getByTestId('password-change-required').waitFor();
    expect(new URL(page.url()).pathname).toBe('/account/password');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/console/inbox');
    await page.goto('/console/inbox');
    await page.getByTestId('password-change-required').waitFor(); // the console's guard sends it back
    await page.getByLabel('一次性密码').fill(made.oneTimePassword!);
    await page.getByLabel('新密码', { exact: true }).fill('alllowercaseletters');
    await page.getByText('至少包含 3 类字符').waitFor(); // the policy, checked before any request
    await page.getByLabel('新密码', { exact: true }).fill('Guangzhou-Office-2026');
    await page.getByLabel('再次输入新密码').fill('Guangzhou-Office-2026');
    await screenshot(page, 'change-password');
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.waitForURL((u) => u.pathname === '/console/inbox');
    expect((await page.request.get('/api/inbox')).status()).toBe(200);
    expect((await page.request.get('/api/auth/session').then((r) => r.json())).passwordChangeRequired).toBeUndefined();
  });
});

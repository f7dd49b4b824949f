/**
 * Tests in a real browser: Playwright (playwright-core) driving Debian's Chromium, headless, against
 * the real service (test/support/stack.ts: API + worker, serving the console built into web/dist).
 *
 * scripts/dev-services.mjs provisions Chromium and a CJK font (apt, as root) and hands the tests
 * CHROMIUM_PATH, or CHROMIUM_UNAVAILABLE with the reason it could not; it also rebuilds web/dist when
 * the console's sources changed. One browser per test file, a fresh context (cookies, storage) per
 * test, in zh-CN and Asia/Shanghai. Every console error or uncaught page error fails the test unless
 * the test declared it expected; a failing test leaves a screenshot and the page's console in
 * test-results/screenshots/failures/.
 *
 *   describeBrowser('console smoke', () => {
 *     let stack: BrowserStack;
 *     beforeAll(async () => { stack = await startBrowserStack('smoke'); });
 *     afterAll(async () => stack?.stop());
 *     const b = useBrowser({ baseURL: () => stack.baseUrl });
 *     it('signs in', async () => {
 *       await signInAs(b.page, 'gd-officer');
 *       await screenshot(b.page, 'console-inbox');
 *     });
 *   });
 *
 * Also: signOut(page), switchLanguage(page, 'English'), pickFromHoverMenu(page, trigger, item),
 * settle(page) (wait for fetches and spinners), b.allowConsoleError(/…/) for an
 * error a test provokes on purpose, b.consoleMessages(). Run one file with
 * `node scripts/dev-services.mjs test -- test/browser/<file>.test.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, type TestContext } from 'vitest';
import { startStack, type Stack } from '../../support/stack.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where screenshots go (test-results/ is gitignored; CI keeps it as an artefact). */
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');
const WEB_INDEX = path.join(ROOT, 'web', 'dist', 'index.html');
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export const LOCALE = 'zh-CN';
export const TIMEZONE = 'Asia/Shanghai';
export const VIEWPORT = { width: 1280, height: 800 };

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The Chromium to drive: CHROMIUM_PATH (set by dev-services), else Debian's; null when there is none. */
export const CHROMIUM_PATH: string | null = (() => {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv; // checked at launch, with a clear error
  return isExecutable(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : null;
})();

/** Why the browser tests cannot run here (null when they can). */
export const BROWSER_UNAVAILABLE: string | null = CHROMIUM_PATH
  ? null
  : process.env.CHROMIUM_UNAVAILABLE ??
    `no Chromium at ${SYSTEM_CHROMIUM} and CHROMIUM_PATH is unset (run the tests with \`npm test\` or \`node scripts/dev-services.mjs test\`, which install it as root)`;

/**
 * `describe` for a browser test file: skipped, loudly, only when no Chromium could be resolved. On CI
 * (CI set) a missing browser is an error, never a skip.
 */
export function describeBrowser(name: string, fn: () => void): void {
  if (BROWSER_UNAVAILABLE) {
    if (process.env.CI) throw new Error(`browser tests cannot run on CI: ${BROWSER_UNAVAILABLE}`);
    const bar = '!'.repeat(100);
    console.warn(
      `\n${bar}\n!! SKIPPING browser tests "${name}": ${BROWSER_UNAVAILABLE}\n` +
        '!! Install Chromium: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium fonts-noto-cjk\n' +
        `!! (or set CHROMIUM_PATH to a Chromium or Chrome binary)\n${bar}\n`,
    );
  }
  describe.skipIf(Boolean(BROWSER_UNAVAILABLE))(name, fn);
}

// ---------------------------------------------------------------------------
// The browser: one per test file
// ---------------------------------------------------------------------------

let browserPromise: Promise<Browser> | null = null;

/** The file's browser, launched on first use (startBrowserStack starts it early, alongside the stack). */
export function launchBrowser(): Promise<Browser> {
  if (!browserPromise) {
    if (!CHROMIUM_PATH) return Promise.reject(new Error(`no Chromium: ${BROWSER_UNAVAILABLE}`));
    if (!isExecutable(CHROMIUM_PATH)) return Promise.reject(new Error(`CHROMIUM_PATH=${CHROMIUM_PATH} is not an executable file`));
    browserPromise = chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      // Chromium refuses to run as root with its sandbox; elsewhere keep it (CHROMIUM_NO_SANDBOX=1 where
      // user namespaces are off, e.g. some containers).
      chromiumSandbox: !isRoot && process.env.CHROMIUM_NO_SANDBOX !== '1',
      // /dev/shm is small in containers; Chromium then crashes tabs on big pages.
      args: ['--disable-dev-shm-usage', `--lang=${LOCALE}`],
      timeout: 60_000,
    });
    browserPromise.catch(() => {
      browserPromise = null;
    });
  }
  return browserPromise;
}

async function closeBrowser(): Promise<void> {
  const p = browserPromise;
  browserPromise = null;
  const browser = await p?.catch(() => null);
  await browser?.close().catch(() => undefined);
}

// ---------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------

/** When web/dist/index.html was written, to tell a failure caused by a rebuild under a running test. */
function webDistStamp(): number | null {
  try {
    return fs.statSync(WEB_INDEX).mtimeMs;
  } catch {
    return null;
  }
}
let webDistAtStart: number | null = null;

/** A warning when web/dist was rebuilt (or is being rebuilt) since the stack started serving it. */
function webDistChangedNote(): string {
  const now = webDistStamp();
  if (webDistAtStart === null || now === webDistAtStart) return '';
  return (
    `  NOTE: web/dist was rebuilt by another process while this test ran (${now === null ? 'index.html missing now' : `at ${new Date(now).toISOString()}`}): ` +
    'the API lists the console\'s files when it starts, so pages and assets may have answered 404. Re-run the test.\n'
  );
}

export interface BrowserStack extends Stack {
  /** Absolute URL of a path on the service (`stack.url('/login')`). */
  url(pathname: string): string;
}

/**
 * The real service for a browser test file (test/support/stack.ts's startStack: API + worker on a
 * fresh database), checked to be serving the web console; launches the file's browser meanwhile.
 */
export async function startBrowserStack(name: string, options: { timeSkipping?: TestWorkflowEnvironment } = {}): Promise<BrowserStack> {
  if (!fs.existsSync(WEB_INDEX)) {
    throw new Error(`the web console is not built (${WEB_INDEX} is missing): run \`npm run web:build\`, or the tests through \`node scripts/dev-services.mjs test\``);
  }
  webDistAtStart = webDistStamp();
  void launchBrowser().catch(() => undefined); // in parallel with the stack; useBrowser awaits it
  const stack = await startStack(`browser-${name}`, options);
  try {
    const res = await fetch(`${stack.baseUrl}/`);
    const type = res.headers.get('content-type') ?? '';
    if (res.status !== 200 || !type.includes('text/html')) {
      throw new Error(`the API does not serve the web console at / (HTTP ${res.status}, ${type || 'no content-type'})`);
    }
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return { ...stack, url: (pathname: string) => new URL(pathname, stack.baseUrl).toString() };
}

// ---------------------------------------------------------------------------
// Per-test context, page, and console watch
// ---------------------------------------------------------------------------

export interface ConsoleEntry {
  kind: 'console' | 'pageerror';
  type: string;
  text: string;
  /** The resource or script the message is about, when the browser says. */
  url: string;
}

/**
 * Console errors every page may show: the session probe answers 401 while signed out; Chromium asks
 * for /favicon.ico on its own (the console has none: the API's JSON 404).
 */
const ALWAYS_ALLOWED: RegExp[] = [/status of 401 .*\/api\/auth\/session\b/, /status of 404 .*\/favicon\.ico\)$/];

export interface BrowserFixture {
  readonly browser: Browser;
  /** This test's context: zh-CN, Asia/Shanghai, its own cookies and storage. */
  readonly context: BrowserContext;
  readonly page: Page;
  /** Declares a console or page error that this test expects (matched against "text (url)"). */
  allowConsoleError(pattern: RegExp): void;
  /** Everything the page logged so far in this test (all levels), for assertions. */
  consoleMessages(): readonly ConsoleEntry[];
  /** Console and page errors so far in this test that no pattern allows. */
  unexpectedErrors(): readonly ConsoleEntry[];
}

export interface UseBrowserOptions {
  /** Base URL for `page.goto('/path')`; a function, since the stack starts in beforeAll. */
  baseURL?: string | (() => string | undefined);
  /** Console errors allowed in every test of the file. */
  allowConsoleErrors?: RegExp[];
}

const describeEntry = (e: ConsoleEntry) => `${e.text}${e.url ? ` (${e.url})` : ''}`;

function safeName(s: string): string {
  return s.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'unnamed';
}

/** The test file's part of a failure artefact's name (`smoke.browser` for smoke.browser.test.ts). */
function fileKey(file: string | undefined): string {
  return safeName(path.basename(file ?? 'browser', '.test.ts'));
}

/**
 * Registers the hooks of a browser test file (call it inside describeBrowser): the file's browser in
 * beforeAll, a fresh context and page per test, failure artefacts and the console check after each.
 */
export function useBrowser(options: UseBrowserOptions = {}): BrowserFixture {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let messages: ConsoleEntry[] = [];
  let allowed: RegExp[] = [];

  const isAllowed = (e: ConsoleEntry) => {
    const s = describeEntry(e);
    return [...ALWAYS_ALLOWED, ...(options.allowConsoleErrors ?? []), ...allowed].some((re) => re.test(s));
  };
  const unexpected = () => messages.filter((m) => (m.kind === 'pageerror' || m.type === 'error') && !isAllowed(m));
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is only available inside a test (useBrowser)`);
    return v;
  };

  let cleaned = false;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    browser = undefined;
    await closeBrowser();
  });

  beforeEach(async (ctx: TestContext) => {
    if (!cleaned) {
      // This file's failure artefacts from an earlier run would only mislead.
      cleaned = true;
      const prefix = `${fileKey(ctx.task.file?.name)}--`;
      const dir = path.join(SCREENSHOT_DIR, 'failures');
      if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir)) if (f.startsWith(prefix)) fs.rmSync(path.join(dir, f), { force: true });
    }
    messages = [];
    allowed = [];
    const baseURL = typeof options.baseURL === 'function' ? options.baseURL() : options.baseURL;
    context = await need(browser, 'the browser').newContext({
      locale: LOCALE,
      timezoneId: TIMEZONE,
      viewport: VIEWPORT,
      ...(baseURL ? { baseURL } : {}),
    });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(30_000);
    page = await context.newPage();
    trackRequests(page);
    page.on('console', (msg) => {
      messages.push({ kind: 'console', type: msg.type(), text: msg.text(), url: msg.location().url ?? '' });
    });
    page.on('pageerror', (err) => {
      messages.push({ kind: 'pageerror', type: 'error', text: err.stack ?? `${err.name}: ${err.message}`, url: page?.url() ?? '' });
    });
  });

  afterEach(async (ctx: TestContext) => {
    const failed = ctx.task.result?.state === 'fail';
    const bad = unexpected();
    try {
      if ((failed || bad.length) && page && !page.isClosed()) {
        const base = path.join('failures', `${fileKey(ctx.task.file?.name)}--${safeName(ctx.task.name)}`);
        const shot = await screenshot(page, base).catch((e: Error) => `(no screenshot: ${e.message})`);
        const log = messages.map((m) => `[${m.kind === 'pageerror' ? 'pageerror' : m.type}] ${describeEntry(m)}`).join('\n');
        fs.writeFileSync(path.join(SCREENSHOT_DIR, `${base}.console.txt`), `${page.url()}\n\n${log}\n`);
        console.error(
          `[browser] ${ctx.task.name}: ${failed ? 'failed' : 'unexpected console errors'} at ${page.url()}\n` +
            `  screenshot: ${shot}\n` +
            webDistChangedNote() +
            (messages.length ? messages.filter((m) => m.type === 'error' || m.kind === 'pageerror').map((m) => `  console: ${describeEntry(m)}`).join('\n') : '  (console empty)'),
        );
      }
    } finally {
      await context?.close().catch(() => undefined);
      context = undefined;
      page = undefined;
    }
    if (bad.length) {
      throw new Error(
        `unexpected browser console errors (declare expected ones with allowConsoleError):\n${bad.map((m) => `  - ${describeEntry(m)}`).join('\n')}\n${webDistChangedNote()}`.trimEnd(),
      );
    }
  });

  return {
    get browser() {
      return need(browser, 'the browser');
    },
    get context() {
      return need(context, 'the context');
    },
    get page() {
      return need(page, 'the page');
    },
    allowConsoleError(pattern: RegExp) {
      allowed.push(pattern);
    },
    consoleMessages: () => messages,
    unexpectedErrors: unexpected,
  };
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** Requests in flight per page, so settle() can wait for the fetches a client-side navigation starts. */
const traffic = new WeakMap<Page, { inFlight: number; lastChange: number }>();

/** Starts counting a page's requests (useBrowser does it for its pages; settle() for any other). */
export function trackRequests(page: Page): void {
  if (traffic.has(page)) return;
  const t = { inFlight: 0, lastChange: Date.now() };
  traffic.set(page, t);
  page.on('request', () => {
    t.inFlight++;
    t.lastChange = Date.now();
  });
  const done = () => {
    t.inFlight = Math.max(0, t.inFlight - 1);
    t.lastChange = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

/**
 * Waits, best effort and within `timeoutMs`, for the page to settle: no request in flight for
 * `quietMs` since the call (a client-side navigation starts its fetches only after React renders),
 * no Ant Design spinner, active skeleton or aria-busy element, web fonts ready. Never throws: a page
 * that polls just uses up the time.
 */
export async function settle(page: Page, { timeoutMs = 8_000, quietMs = 750 } = {}): Promise<void> {
  const start = Date.now();
  const deadline = start + timeoutMs;
  trackRequests(page);
  const t = traffic.get(page)!;
  // Quiet since we were called, too: right after a click, the fetches it causes may not have started.
  while (Date.now() < deadline && !(t.inFlight === 0 && Date.now() - Math.max(t.lastChange, start) >= quietMs)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const left = () => Math.max(1, deadline - Date.now());
  await page
    .locator('.ant-spin-spinning, .ant-skeleton-active, [aria-busy="true"]')
    .first()
    .waitFor({ state: 'detached', timeout: left() })
    .catch(() => undefined);
  // Strings: the tests are type-checked without the DOM library.
  await page.evaluate('document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))').catch(() => undefined);
}

/**
 * Full-page PNG at test-results/screenshots/<name>.png (name may contain '/'), once the page has
 * settled, with animations stopped. Returns the file's path.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await settle(page);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  return file;
}

/**
 * Signs in as a seeded demo user (api/demoUsers.ts) the way a person does in development: the login
 * page's demo button (`data-testid="demo-login-<userId>"`, POST /api/auth/dev-login). Opens /login
 * first (so the user lands on their area's home), unless `here` is set: then it uses the login page
 * the browser is already on, e.g. after an area's guard sent it there, and lands on that page's `next`.
 * Signs out whoever is signed in first. Waits until the page has left /login and shows the user menu.
 * Needs a context with a baseURL (useBrowser).
 */
export async function signInAs(page: Page, userId: string, options: { here?: boolean } = {}): Promise<void> {
  // Someone signed in already (the login page would send us straight on): sign them out first.
  if ((await page.request.get('/api/auth/session')).status() === 200) {
    if (!(await page.getByTestId('user-menu').isVisible())) {
      await page.goto('/');
      await page.getByTestId('user-menu').waitFor();
    }
    await signOut(page);
  }
  if (!options.here || !new URL(page.url()).pathname.startsWith('/login')) await page.goto('/login');
  const button = page.getByTestId(`demo-login-${userId}`);
  try {
    await button.waitFor({ state: 'visible', timeout: 15_000 });
  } catch {
    const providers = await page.request.get('/api/auth/providers').then(
      async (r) => `GET /api/auth/providers -> ${r.status()} ${(await r.text()).slice(0, 200)}`,
      (e: Error) => e.message,
    );
    throw new Error(
      `no demo sign-in button for "${userId}" on ${page.url()} (are dev logins on, and is ${userId} a demo user? ${providers})`,
    );
  }
  await button.click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.getByTestId('user-menu').waitFor({ state: 'visible' });
}

/**
 * Picks an item of an Ant Design hover dropdown: hovers the trigger, clicks the item. A popup that was
 * closing (a re-render, a slow machine) lets the click fall through, so it tries up to three times.
 */
export async function pickFromHoverMenu(page: Page, trigger: Locator, item: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await trigger.hover();
      await item.click({ timeout: 5_000 });
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.mouse.move(0, 0); // let the popup close before trying again
      await page.waitForTimeout(300);
    }
  }
}

/** Switches the console's language from the header (label as in the menu: '简体中文', 'English'). */
export async function switchLanguage(page: Page, label: '简体中文' | 'English'): Promise<void> {
  const header = page.locator('.ant-layout-header');
  await pickFromHoverMenu(page, header.getByRole('button', { name: /^(语言|Language)$/ }), page.getByRole('menuitem', { name: label, exact: true }));
  await page.locator(`html[lang="${label === 'English' ? 'en' : 'zh-CN'}"]`).waitFor({ state: 'attached' });
}

/** Signs out through the user menu in the header; waits for the user menu to go. */
export async function signOut(page: Page): Promise<void> {
  await pickFromHoverMenu(page, page.getByTestId('user-menu'), page.getByRole('menuitem', { name: /退出|Sign out/ }));
  await page.getByTestId('user-menu').waitFor({ state: 'detached' });
}

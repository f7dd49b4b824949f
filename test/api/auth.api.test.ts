/**
 * Access control (issue 6): browser sessions, local accounts (argon2id password + TOTP, lockout),
 * CSRF, authentication before validation, security headers, the security event log, rate limits.
 *
 * Most tests run against a server built on the stack's store with a clock the test moves (idle
 * timeout, absolute lifetime, lockout, one-time code steps), so nothing sleeps.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../api/auth.js';
import { createAccount, seedDemoAccounts, setDisabled } from '../../api/identity/accounts.js';
import { createSecretBox } from '../../api/identity/secretBox.js';
import { hashSessionId } from '../../api/identity/sessions.js';
import { totpCode } from '../../api/identity/totp.js';
import { DEMO_USERS } from '../../api/demoUsers.js';
import { buildServer } from '../../api/server.js';
import type { Config } from '../../config/env.js';
import { DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET, SECURITY_POLICY } from '../../config/security.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';

let stack: Stack;
/** The test's clock: real time plus what the test has skipped. */
let skipped = 0;
const now = () => new Date(Date.now() + skipped);
const advance = (ms: number) => {
  skipped += ms;
};
const MINUTE = 60_000;

interface Served {
  app: FastifyInstance;
  baseUrl: string;
}
const servers: Served[] = [];

/** Another server on the stack's store and Temporal, with its own configuration and the test clock. */
async function serve(overrides: Partial<Config> = {}): Promise<Served> {
  const config: Config = { ...stack.config, loginRateLimit: 10_000, ...overrides };
  const app = await buildServer({ config, store: stack.store, temporal: stack.temporal, tokens: createTokenService(config.authSecret) }, undefined, { now });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const served = { app, baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
  servers.push(served);
  return served;
}

/** A browser: keeps the session cookie and echoes the CSRF token on unsafe methods, as web/src/api/client.ts does. */
function browser(baseUrl: string) {
  const state: { cookie?: string; csrf?: string } = {};
  async function call(method: string, path: string, body?: unknown, options: { csrf?: string | null; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (state.cookie) headers.cookie = `dte_session=${state.cookie}`;
    const csrf = options.csrf === undefined ? state.csrf : options.csrf;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    const res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const m = /^dte_session=([^;]*)/.exec(c);
      if (m) state.cookie = m[1] || undefined;
    }
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- responses are asserted field by field
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    if (res.ok && typeof json?.csrfToken === 'string') state.csrf = json.csrfToken;
    return { status: res.status, body: json, headers: res.headers, setCookies };
  }
  return {
    state,
    get: (p: string) => call('GET', p),
    post: (p: string, b: unknown = {}, o?: { csrf?: string | null; headers?: Record<string, string> }) => call('POST', p, b, o),
    put: (p: string, b: unknown = {}, o?: { csrf?: string | null }) => call('PUT', p, b, o),
    /** Password, then (when asked) the one-time code of the test clock's moment. */
    async signIn(username: string, password: string, secret?: string) {
      const first = await call('POST', '/api/auth/login', { username, password });
      if (first.status !== 401 || first.body?.error?.code !== 'SecondFactorRequired' || !secret) return first;
      return call('POST', '/api/auth/login', { username, password, totp: totpCode(secret, now()) });
    },
  };
}

/** A fresh step for the next one-time code (a step is accepted once per account). */
const nextStep = () => advance(SECURITY_POLICY.totp.period * 1000 + 1000);

let server: Served;
let adminToken: string;
/** A staff account created as an admin would: one-time password and TOTP secret. */
let officer: { id: string; password: string; secret: string };

beforeAll(async () => {
  stack = await startStack('auth-api');
  server = await serve();
  adminToken = await tokenFor(stack.baseUrl, 'nat-admin');
  const created = await createAccount(stack.store, createSecretBox(stack.config.secretsKey), { id: 'sz-officer', role: 'officer', unit: 'locality:440300', name: '深圳 officer' });
  officer = { id: 'sz-officer', password: created.oneTimePassword!, secret: created.totpSecret! };
  await seedDemoAccounts(stack.store, createSecretBox(stack.config.secretsKey), DEMO_USERS);
});

afterAll(async () => {
  for (const s of servers) await s.app.close();
  await stack?.stop();
});

describe('sign-in with a local account (password + one-time code)', () => {
  it('the providers: local accounts, no identity provider, demo users in development', async () => {
    const r = await api(server.baseUrl).get('/api/auth/providers');
    expect(r.status).toBe(200);
    expect(r.body.local).toBe(true);
    expect(r.body.oidc).toBeNull();
    expect(r.body.dev.users.map((u: { id: string }) => u.id)).toContain('nat-officer');
  });

  it('staff: the password, then SecondFactorRequired, then the code gives a session with a CSRF token', async () => {
    nextStep();
    const b = browser(server.baseUrl);
    const first = await b.post('/api/auth/login', { username: officer.id, password: officer.password });
    expect(first.status).toBe(401);
    expect(first.body.error.code).toBe('SecondFactorRequired');
    expect(first.setCookies).toEqual([]);

    const ok = await b.post('/api/auth/login', { username: officer.id, password: officer.password, totp: totpCode(officer.secret, now()) });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ principal: { id: officer.id, role: 'officer', unit: 'locality:440300' }, method: 'password+totp', idleTimeoutSeconds: 30 * 60, passwordChangeRequired: true });
    expect(ok.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(ok.body.expiresAt) - now().getTime()).toBeGreaterThan(11.9 * 3_600_000);
    expect(ok.headers.get('cache-control')).toBe('no-store');

    // The cookie: HttpOnly, SameSite=Strict, Path=/, not Secure outside production.
    const cookie = ok.setCookies.find((c) => c.startsWith('dte_session='))!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/i);

    // The TOTP secret is stored sealed (api/identity/secretBox.ts), not as enrolled.
    const stored = await stack.store.accounts.findOne({ _id: officer.id });
    expect(stored!.totpSecret).toMatch(/^enc:v1:/);
    expect(stored!.totpSecret).not.toContain(officer.secret);

    // Only the hash of the id is stored.
    expect(await stack.store.sessions.findOne({ _id: b.state.cookie })).toBeNull();
    expect(await stack.store.sessions.findOne({ _id: hashSessionId(b.state.cookie!) })).toMatchObject({ principal: { id: officer.id }, method: 'password+totp' });

    const session = await b.get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ principal: { id: officer.id }, csrfToken: ok.body.csrfToken, method: 'password+totp' });
    // The session authenticates the API like a token does, once the one-time password is changed
    // (below); until then it may only change it.
    const blocked = await b.get('/api/inbox');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toMatchObject({ code: 'PasswordChangeRequired', details: { allowed: ['POST /api/auth/password'] } });
  });

  it('a wrong password and an unknown login name get the same answer', async () => {
    const wrong = await api(server.baseUrl).post('/api/auth/login', { username: 'gd-leader', password: 'Not-the-Passw0rd' });
    const unknown = await api(server.baseUrl).post('/api/auth/login', { username: 'nobody-here', password: 'Not-the-Passw0rd' });
    const disabled = await createAccount(stack.store, createSecretBox(stack.config.secretsKey), { id: 'gone-officer', role: 'officer', unit: 'province:44', name: 'x' });
    await setDisabled(stack.store, 'gone-officer', true);
    const off = await api(server.baseUrl).post('/api/auth/login', { username: 'gone-officer', password: disabled.oneTimePassword });
    for (const r of [wrong, unknown, off]) {
      expect(r.status).toBe(401);
      expect(r.body.error).toEqual({ code: 'InvalidCredentials', message: wrong.body.error.message, details: {} });
    }
    await stack.store.accounts.updateOne({ _id: 'gd-leader' }, { $set: { failedAttempts: 0 } });
  });

  it('a TOTP secret stored before sealing still signs in, and is sealed by that sign-in', async () => {
    nextStep();
    await stack.store.accounts.updateOne({ _id: 'js-officer' }, { $set: { totpSecret: DEMO_TOTP_SECRET } });
    expect((await browser(server.baseUrl).signIn('js-officer', DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET)).status).toBe(200);
    const after = (await stack.store.accounts.findOne({ _id: 'js-officer' }))!.totpSecret!;
    expect(after).toMatch(/^enc:v1:/);
    expect(createSecretBox(stack.config.secretsKey).open(after, 'js-officer')).toBe(DEMO_TOTP_SECRET);
  });

  it('a wrong one-time code is refused, and a code is accepted only once', async () => {
    nextStep();
    const b = browser(server.baseUrl);
    const wrongCode = String((Number(totpCode(DEMO_TOTP_SECRET, now())) + 1) % 1_000_000).padStart(6, '0');
    const wrong = await b.post('/api/auth/login', { username: 'js-officer', password: DEMO_ACCOUNT_PASSWORD, totp: wrongCode });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('SecondFactorInvalid');
    const notDigits = await b.post('/api/auth/login', { username: 'js-officer', password: DEMO_ACCOUNT_PASSWORD, totp: 'abcdef' });
    expect(notDigits.body.error.code).toBe('SecondFactorInvalid');

    const code = totpCode(DEMO_TOTP_SECRET, now());
    expect((await b.post('/api/auth/login', { username: 'js-officer', password: DEMO_ACCOUNT_PASSWORD, totp: code })).status).toBe(200);
    // The same code again (a replay), even from another browser: refused.
    const replay = await browser(server.baseUrl).post('/api/auth/login', { username: 'js-officer', password: DEMO_ACCOUNT_PASSWORD, totp: code });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('SecondFactorInvalid');
    // The previous step's code (inside the ±1 window) is older than the one accepted: refused too.
    const previous = totpCode(DEMO_TOTP_SECRET, new Date(now().getTime() - SECURITY_POLICY.totp.period * 1000));
    expect((await browser(server.baseUrl).post('/api/auth/login', { username: 'js-officer', password: DEMO_ACCOUNT_PASSWORD, totp: previous })).status).toBe(401);
    // The next step's code is fine.
    nextStep();
    expect((await browser(server.baseUrl).signIn('js-officer', DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET)).status).toBe(200);
  });

  it('a code from two steps ago is outside the window', async () => {
    nextStep();
    const old = totpCode(DEMO_TOTP_SECRET, new Date(now().getTime() - 2 * SECURITY_POLICY.totp.period * 1000));
    const r = await api(server.baseUrl).post('/api/auth/login', { username: 'miit-officer', password: DEMO_ACCOUNT_PASSWORD, totp: old });
    expect(r.body.error.code).toBe('SecondFactorInvalid');
    await stack.store.accounts.updateOne({ _id: 'miit-officer' }, { $set: { failedAttempts: 0 } });
  });

  it('5 consecutive failures lock the account for 30 minutes (423, even with the right password); an admin unlocks it', async () => {
    nextStep();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api(server.baseUrl).post('/api/auth/login', { username: 'gd-officer', password: `Wrong-Passw0rd-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);

    const b = browser(server.baseUrl);
    const locked = await b.signIn('gd-officer', DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET);
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('AccountLocked');
    const until = Date.parse(locked.body.error.details.lockedUntil);
    expect(until - now().getTime()).toBeGreaterThan(29 * MINUTE);
    expect(until - now().getTime()).toBeLessThanOrEqual(30 * MINUTE);

    // Only an admin unlocks.
    const byOfficer = await api(server.baseUrl, await tokenFor(stack.baseUrl, 'nat-officer')).post('/api/accounts/gd-officer/unlock');
    expect(byOfficer.status).toBe(403);
    const listed = await api(server.baseUrl, adminToken).get('/api/accounts');
    expect(listed.body.items.find((a: { id: string }) => a.id === 'gd-officer').lockedUntil).toBe(new Date(until).toISOString());
    const unlocked = await api(server.baseUrl, adminToken).post('/api/accounts/gd-officer/unlock');
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.account).toMatchObject({ id: 'gd-officer', lockedUntil: null, failedAttempts: 0 });
    expect((await b.signIn('gd-officer', DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET)).status).toBe(200);
  });

  it('wrong one-time codes count towards the lockout; the lock ends by itself after 30 minutes', async () => {
    nextStep();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api(server.baseUrl).post('/api/auth/login', { username: 'gz-officer', password: DEMO_ACCOUNT_PASSWORD, totp: '000000' })).status);
    expect(statuses.slice(0, 4).every((s) => s === 401)).toBe(true);
    expect(statuses[4]).toBe(423);
    advance(29 * MINUTE);
    expect((await browser(server.baseUrl).signIn('gz-officer', DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET)).status).toBe(423);
    advance(2 * MINUTE);
    expect((await browser(server.baseUrl).signIn('gz-officer', DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET)).status).toBe(200);
  });

  it('a one-time password is changed by its owner, under the password policy', async () => {
    nextStep();
    const b = browser(server.baseUrl);
    expect((await b.signIn(officer.id, officer.password, officer.secret)).body.passwordChangeRequired).toBe(true);
    const weak = await b.post('/api/auth/password', { currentPassword: officer.password, newPassword: 'alllowercaseletters' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('WeakPassword');
    const short = await b.post('/api/auth/password', { currentPassword: officer.password, newPassword: 'Sh0rt!' });
    expect(short.body.error.message).toContain('12');
    const wrongCurrent = await b.post('/api/auth/password', { currentPassword: 'Not-Mine-12345', newPassword: 'Shenzhen-Office-2026' });
    expect(wrongCurrent.status).toBe(403);
    // Until it is changed, the session reads itself and changes the password, nothing else, not even a read.
    for (const [method, url] of [['GET', '/api/inbox'], ['GET', '/api/selection-plans'], ['GET', '/api/accounts'], ['POST', '/api/selection-plans']] as const) {
      const r = method === 'GET' ? await b.get(url) : await b.post(url, {});
      expect([r.status, r.body.error.code], `${method} ${url}`).toEqual([403, 'PasswordChangeRequired']);
    }
    expect((await b.get('/api/auth/session')).status).toBe(200);
    expect((await b.post('/api/auth/password', { currentPassword: officer.password, newPassword: 'Shenzhen-Office-2026' })).status).toBe(204);
    expect((await b.get('/api/auth/session')).body.passwordChangeRequired).toBeUndefined();
    expect((await b.get('/api/inbox')).status).toBe(200); // the same session, now a full one
    nextStep();
    expect((await browser(server.baseUrl).signIn(officer.id, officer.password, officer.secret)).status).toBe(401);
    nextStep();
    expect((await browser(server.baseUrl).signIn(officer.id, 'Shenzhen-Office-2026', officer.secret)).status).toBe(200);
    officer.password = 'Shenzhen-Office-2026';
  });
});

describe('sessions end', () => {
  it('after 30 minutes unused; each use moves the idle deadline', async () => {
    nextStep();
    const b = browser(server.baseUrl);
    expect((await b.signIn('nat-officer', DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET)).status).toBe(200);
    advance(20 * MINUTE);
    expect((await b.get('/api/inbox')).status).toBe(200);
    advance(20 * MINUTE);
    // 40 minutes after sign-in, 20 after the last use: still on.
    expect((await b.get('/api/auth/session')).status).toBe(200);
    advance(30 * MINUTE + 1000);
    const ended = await b.get('/api/inbox');
    expect(ended.status).toBe(401);
    expect(ended.body.error.message).toContain('session has ended');
    // The cookie is cleared and the session gone from the store.
    expect(ended.setCookies.some((c) => /^dte_session=;/.test(c))).toBe(true);
    expect(await stack.store.sessions.countDocuments({ 'principal.id': 'nat-officer' })).toBe(0);
  });

  it('12 hours after sign-in, however busy', async () => {
    nextStep();
    const b = browser(server.baseUrl);
    const signedIn = await b.signIn('nat-leader', DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET);
    expect(signedIn.status).toBe(200);
    const end = Date.parse(signedIn.body.expiresAt);
    while (now().getTime() + 25 * MINUTE < end) {
      advance(25 * MINUTE);
      expect((await b.get('/api/auth/session')).status).toBe(200);
    }
    advance(25 * MINUTE);
    expect((await b.get('/api/auth/session')).status).toBe(401);
  });

  it('at sign-out: 204, the cookie cleared, the session gone; the old cookie no longer works', async () => {
    const b = browser(server.baseUrl);
    expect((await b.post('/api/auth/dev-login', { userId: 'nat-admin' })).status).toBe(200);
    const cookie = b.state.cookie!;
    const out = await b.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(out.setCookies.some((c) => /^dte_session=;/.test(c))).toBe(true);
    expect(b.state.cookie).toBeUndefined();
    expect(await stack.store.sessions.findOne({ _id: hashSessionId(cookie) })).toBeNull();
    b.state.cookie = cookie;
    expect((await b.get('/api/auth/session')).status).toBe(401);
    expect((await b.get('/api/accounts')).status).toBe(401);
    // Signing out twice, or never signed in: still 204.
    expect((await browser(server.baseUrl).post('/api/auth/logout')).status).toBe(204);
  });

  it('a new sign-in replaces the session the browser had (no fixation)', async () => {
    const b = browser(server.baseUrl);
    await b.post('/api/auth/dev-login', { userId: 'gd-leader' });
    const first = b.state.cookie!;
    await b.post('/api/auth/dev-login', { userId: 'gd-leader' });
    expect(b.state.cookie).not.toBe(first);
    expect(await stack.store.sessions.findOne({ _id: hashSessionId(first) })).toBeNull();
  });
});

describe('CSRF: a signed-in browser echoes its token on unsafe methods', () => {
  it('missing or wrong: 403 CsrfTokenInvalid and nothing changes; right: done; GET needs none', async () => {
    const b = browser(server.baseUrl);
    const s = await b.post('/api/auth/dev-login', { userId: 'nat-admin' });
    expect(s.body.method).toBe('dev');
    const body = { id: 'csrf-victim', name: 'x', role: 'officer', unit: 'province:32' };
    for (const csrf of [null, 'not-the-token', `${s.body.csrfToken}x`]) {
      const r = await b.post('/api/accounts', body, { csrf });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('CsrfTokenInvalid');
    }
    expect(await stack.store.accounts.findOne({ _id: 'csrf-victim' })).toBeNull();
    // Sign-out is unsafe too.
    expect((await b.post('/api/auth/logout', {}, { csrf: null })).status).toBe(403);
    expect((await b.get('/api/auth/session')).status).toBe(200);

    expect((await b.get('/api/accounts')).status).toBe(200);
    const created = await b.post('/api/accounts', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ account: { id: 'csrf-victim', passwordChangeRequired: true, totpEnrolled: true } });
    expect(created.body.oneTimePassword).toHaveLength(SECURITY_POLICY.password.generatedLength);
    expect(created.body.totpUri).toMatch(/^otpauth:\/\/totp\//);
  });

  it('a bearer token needs no CSRF token (a browser never sends the header by itself)', async () => {
    const r = await api(server.baseUrl, adminToken).post('/api/accounts', { id: 'bearer-made', name: 'y', role: 'expert', unit: 'expert:e900' });
    expect(r.status).toBe(201);
    // A role that does not fit its unit, a duplicate, a non-admin: refused.
    expect((await api(server.baseUrl, adminToken).post('/api/accounts', { id: 'bad-unit', name: 'y', role: 'expert', unit: 'province:44' })).status).toBe(400);
    expect((await api(server.baseUrl, adminToken).post('/api/accounts', { id: 'bearer-made', name: 'y', role: 'expert', unit: 'expert:e900' })).status).toBe(409);
    expect((await api(server.baseUrl, await tokenFor(stack.baseUrl, 'gd-leader')).post('/api/accounts', { id: 'by-leader', name: 'y', role: 'expert', unit: 'expert:e901' })).status).toBe(403);
  });
});

describe('authentication runs before validation', () => {
  it('no credentials: 401 even for a malformed body; a session without its CSRF token: 403 before validation', async () => {
    const anon = await api(server.baseUrl).post('/api/selection-plans', { nonsense: true });
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('Unauthenticated');
    const broken = await api(server.baseUrl).raw('POST', '/api/selection-plans', '{"kind":', {});
    expect(broken.status).toBe(401);
    const b = browser(server.baseUrl);
    await b.post('/api/auth/dev-login', { userId: 'nat-officer' });
    expect((await b.post('/api/selection-plans', { nonsense: true }, { csrf: null })).status).toBe(403);
    expect((await b.post('/api/selection-plans', { nonsense: true })).status).toBe(400);
    // An unknown session id or a forged bearer token: 401.
    expect((await api(server.baseUrl).raw('GET', '/api/inbox', undefined, { cookie: 'dte_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401);
    expect((await api(server.baseUrl, 'forged').get('/api/inbox')).status).toBe(401);
  });
});

describe('security headers', () => {
  it('CSP for the console, no framing, no referrer, nosniff; no HSTS outside production', async () => {
    for (const path of ['/api/health', '/api/auth/providers', '/api/nothing-here']) {
      const r = await api(server.baseUrl).get(path);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("img-src 'self' data:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('strict-transport-security')).toBeNull();
    }
  });
});

describe('production configuration', () => {
  let prod: Served;
  beforeAll(async () => {
    prod = await serve({ production: true, devTokens: false, cookieSecure: true });
  });

  it('the session cookie is Secure, HSTS is sent, demo sign-in does not exist', async () => {
    nextStep();
    const b = browser(prod.baseUrl);
    const ok = await b.signIn('js-leader', DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET);
    expect(ok.status).toBe(200);
    const cookie = ok.setCookies.find((c) => c.startsWith('dte_session='))!;
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(ok.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(ok.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');

    const dev = await api(prod.baseUrl).post('/api/auth/dev-login', { userId: 'nat-admin' });
    expect(dev.status).toBe(404);
    expect((await api(prod.baseUrl).post('/api/dev/tokens', { userId: 'nat-admin' })).status).toBe(404);
    expect((await api(prod.baseUrl).get('/api/auth/providers')).body).toEqual({ local: true, oidc: null, dev: null });
  });
});

describe('the security event log', () => {
  it('records refusals (401, 403, 423), sign-ins, failures, lockouts and sign-outs, newest first', async () => {
    const reader = api(server.baseUrl, adminToken);
    const ua = { 'user-agent': 'auth-test/1.0' };
    // A refusal with no credentials.
    expect((await api(server.baseUrl).raw('GET', '/api/cases/selection-plan:national:x', undefined, ua)).status).toBe(401);
    // A 403 with a principal.
    const officerToken = await tokenFor(stack.baseUrl, 'nat-officer');
    expect((await api(server.baseUrl, officerToken).get('/api/security-events')).status).toBe(403);

    const denied = await eventually(async () => {
      const r = await reader.get('/api/security-events?kind=denied&limit=200');
      const anonymous = r.body.items.find((e: { url: string; status: number }) => e.url === '/api/cases/selection-plan:national:x');
      const forbidden = r.body.items.find((e: { route: string; status: number }) => e.route === '/api/security-events' && e.status === 403);
      return anonymous && forbidden ? { anonymous, forbidden } : undefined;
    });
    expect(denied.anonymous).toMatchObject({ method: 'GET', route: '/api/cases/:caseId', status: 401, code: 'Unauthenticated', principal: null, ip: '127.0.0.1', userAgent: 'auth-test/1.0' });
    expect(denied.forbidden).toMatchObject({ status: 403, code: 'Forbidden', principal: { id: 'nat-officer', role: 'officer', unit: 'national' } });

    // Sign-ins and sign-outs, with the account typed.
    const failed = await eventually(async () => (await reader.get('/api/security-events?kind=login.failed&subject=nobody-here')).body.items[0]);
    expect(failed).toMatchObject({ route: '/api/auth/login', status: 401, code: 'InvalidCredentials', reason: 'unknown account', principal: null });
    const locked = await eventually(async () => (await reader.get('/api/security-events?kind=account.locked&subject=gd-officer')).body.items[0]);
    expect(locked).toMatchObject({ status: 423, code: 'AccountLocked' });
    const lockedAttempt = await eventually(async () => (await reader.get('/api/security-events?subject=gd-officer&status=423&kind=login.failed')).body.items[0]);
    expect(lockedAttempt.reason).toBe('account locked');
    const succeeded = await eventually(async () => (await reader.get('/api/security-events?kind=login.succeeded&subject=gd-officer')).body.items[0]);
    expect(succeeded).toMatchObject({ status: 200, principal: { id: 'gd-officer', role: 'officer', unit: 'province:44' }, reason: 'password+totp' });
    const unlocked = await eventually(async () => (await reader.get('/api/security-events?kind=account.unlocked&subject=gd-officer')).body.items[0]);
    expect(unlocked.principal.id).toBe('nat-admin');
    const csrf = await eventually(async () => (await reader.get('/api/security-events?status=403&principalId=nat-admin&limit=200')).body.items.find((e: { code: string; route: string }) => e.code === 'CsrfTokenInvalid' && e.route === '/api/accounts'));
    expect(csrf).toMatchObject({ principal: { id: 'nat-admin' }, method: 'POST', route: '/api/accounts' });
    expect(await eventually(async () => (await reader.get('/api/security-events?kind=logout')).body.items[0])).toMatchObject({ status: 204, principal: { id: 'nat-admin' } });
    expect(await eventually(async () => (await reader.get('/api/security-events?kind=account.created&subject=bearer-made')).body.items[0])).toMatchObject({ principal: { id: 'nat-admin' } });

    // Newest first, paged.
    const page1 = (await reader.get('/api/security-events?limit=5')).body.items;
    const page2 = (await reader.get('/api/security-events?limit=5&skip=5')).body.items;
    const times = [...page1, ...page2].map((e: { at: string }) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set([...page1, ...page2].map((e: { id: string }) => e.id)).size).toBe(10);
    // No credentials in the log: never the password, the code or the session id.
    const all = JSON.stringify((await reader.get('/api/security-events?limit=200')).body);
    expect(all).not.toContain(DEMO_ACCOUNT_PASSWORD);
    expect(all).not.toContain(officer.password);
  });

  it('the signed-out probe of the console (no cookie at all) is not an event; an ended session is', async () => {
    const before = await stack.store.securityEvents.countDocuments({ route: '/api/auth/session' });
    expect((await api(server.baseUrl).get('/api/auth/session')).status).toBe(401);
    expect((await api(server.baseUrl).raw('GET', '/api/auth/session', undefined, { cookie: 'dte_session=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' })).status).toBe(401);
    await eventually(async () => (await stack.store.securityEvents.countDocuments({ route: '/api/auth/session' })) === before + 1);
  });

  it('is read by the admin and the national leaders only', async () => {
    expect((await api(server.baseUrl, await tokenFor(stack.baseUrl, 'nat-leader')).get('/api/security-events')).status).toBe(200);
    expect((await api(server.baseUrl, await tokenFor(stack.baseUrl, 'gd-leader')).get('/api/security-events')).status).toBe(403);
    expect((await api(server.baseUrl).get('/api/security-events')).status).toBe(401);
  });
});

describe('rate limits', () => {
  it('sign-in attempts per address per minute (LOGIN_RATE_LIMIT): 429 past the limit', async () => {
    const limited = await serve({ loginRateLimit: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api(limited.baseUrl).post('/api/auth/login', { username: 'nobody-at-all', password: 'x' })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const r = await api(limited.baseUrl).post('/api/auth/login', { username: 'nobody-at-all', password: 'x' });
    expect(r.body.error.code).toBeTypeOf('string');
    expect(r.headers.get('retry-after')).toBeTruthy();
  });

  it('the public directory (DIRECTORY_RATE_LIMIT)', async () => {
    const limited = await serve({ directoryRateLimit: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(limited.baseUrl).get('/api/directory')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('npm run accounts (scripts/accounts.ts)', () => {
  const run = promisify(execFile);
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run('npx', ['tsx', 'scripts/accounts.ts', ...args], { env: { ...process.env, MONGODB_URI: stack.config.mongodbUri, MONGODB_DB: stack.config.mongodbDb, NODE_ENV: 'test', ...env }, timeout: 60_000 });

  it('create prints a one-time password and the otpauth:// URI, which sign in', async () => {
    const { stdout } = await cli(['create', '--id', 'cli-officer', '--role', 'officer', '--unit', 'province:44', '--name', '陈静']);
    const password = /one-time password: (\S+)/.exec(stdout)?.[1];
    const uri = /enrol \(otpauth\):\s+(otpauth:\/\/\S+)/.exec(stdout)?.[1];
    expect(password).toBeTruthy();
    expect(uri).toContain('secret=');
    const secret = new URL(uri!).searchParams.get('secret')!;
    nextStep();
    const ok = await browser(server.baseUrl).signIn('cli-officer', password!, secret);
    expect(ok.status).toBe(200);
    expect(ok.body.principal).toEqual({ id: 'cli-officer', name: '陈静', role: 'officer', unit: 'province:44' });
    const { stdout: listed } = await cli(['list']);
    expect(listed).toContain('cli-officer');
  });

  it('seed-demo is refused when development tokens are off', async () => {
    const refused = await cli(['seed-demo'], { NODE_ENV: 'production', DEV_TOKENS: 'off', AUTH_SECRET: 'x'.repeat(40), TEMPORAL_ADDRESS: '127.0.0.1:1' }).catch((e: { code: number; stderr: string }) => e);
    expect((refused as { code: number }).code).toBe(1);
    expect((refused as { stderr: string }).stderr).toContain('refused');
  });
});

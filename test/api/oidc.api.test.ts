/**
 * Sign-in through an OpenID Connect identity provider (issue 6), for real: a mock provider
 * (oauth2-mock-server) on 127.0.0.1, the whole redirect flow followed by hand with fetch — our login
 * redirect (PKCE S256, state, nonce), the provider's authorize redirect, our callback (code exchange,
 * ID token checks, the account linked to `sub`), the session cookie.
 */
import { createServer, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../api/auth.js';
import { createAccount, setDisabled } from '../../api/identity/accounts.js';
import { createSecretBox } from '../../api/identity/secretBox.js';
import { buildServer } from '../../api/server.js';
import type { Config } from '../../config/env.js';
import { api, eventually, startStack, tokenFor, type Stack } from '../support/stack.js';

let stack: Stack;
let idp: OAuth2Server;
let app: FastifyInstance;
let baseUrl: string;
/** What the provider says the next person is, and how it misbehaves. */
const provider: { sub: string; nonce?: string; issuer?: string } = { sub: 'idp-user-1' };

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

const cookiesOf = (res: Response) => res.headers.getSetCookie();
const cookieValue = (setCookies: string[], name: string) => setCookies.map((c) => new RegExp(`^${name}=([^;]*)`).exec(c)?.[1]).find((v) => v !== undefined);

/** The browser's journey: our login → the provider → our callback. */
async function signInThroughProvider(options: { keepTransactionCookie?: boolean; tamperState?: boolean } = {}) {
  const login = await fetch(`${baseUrl}/api/auth/oidc/login`, { redirect: 'manual' });
  expect(login.status).toBe(302);
  const transaction = cookieValue(cookiesOf(login), 'dte_oidc');
  const authorize = new URL(login.headers.get('location')!);
  const atProvider = await fetch(authorize, { redirect: 'manual' });
  expect(atProvider.status).toBe(302);
  const callback = new URL(atProvider.headers.get('location')!);
  if (options.tamperState) callback.searchParams.set('state', 'forged-state');
  const back = await fetch(callback, { redirect: 'manual', headers: options.keepTransactionCookie === false || !transaction ? {} : { cookie: `dte_oidc=${transaction}` } });
  const text = await back.text();
  return { login, authorize, callback, back, body: text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : undefined, session: cookieValue(cookiesOf(back), 'dte_session') };
}

beforeAll(async () => {
  stack = await startStack('oidc-api');
  idp = new OAuth2Server();
  await idp.issuer.keys.generate('RS256');
  await idp.start(0, '127.0.0.1');
  idp.issuer.url = `http://127.0.0.1:${idp.address().port}`;
  idp.service.on('beforeTokenSigning', (token) => {
    token.payload.sub = provider.sub;
    if (provider.nonce !== undefined && token.payload.nonce !== undefined) token.payload.nonce = provider.nonce;
    if (provider.issuer !== undefined) token.payload.iss = provider.issuer;
  });

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const config: Config = {
    ...stack.config,
    oidc: { issuer: idp.issuer.url, clientId: 'dte-console', clientSecret: 'dte-console-secret', redirectUri: `${baseUrl}/api/auth/oidc/callback`, name: '统一身份认证 (test)' },
  };
  app = await buildServer({ config, store: stack.store, temporal: stack.temporal, tokens: createTokenService(config.authSecret) });
  await app.listen({ port, host: '127.0.0.1' });

  // Who may sign in through the provider: accounts linked to its subjects.
  await createAccount(stack.store, createSecretBox(stack.config.secretsKey), { id: 'oidc-officer', name: '陈静 (via IdP)', role: 'officer', unit: 'province:44', oidcSubject: 'idp-user-1', password: false });
  await createAccount(stack.store, createSecretBox(stack.config.secretsKey), { id: 'oidc-gone', name: 'disabled', role: 'officer', unit: 'province:32', oidcSubject: 'idp-user-2', password: false });
  await setDisabled(stack.store, 'oidc-gone', true);
});

afterAll(async () => {
  await app?.close();
  await idp?.stop();
  await stack?.stop();
});

describe('OpenID Connect sign-in', () => {
  it('the provider is offered on the sign-in page', async () => {
    const r = await api(baseUrl).get('/api/auth/providers');
    expect(r.body.oidc).toEqual({ name: '统一身份认证 (test)', loginUrl: '/api/auth/oidc/login' });
  });

  it('the whole redirect flow: code + PKCE + state + nonce, then a session for the linked account', async () => {
    provider.sub = 'idp-user-1';
    const flow = await signInThroughProvider();

    // Our redirect to the provider.
    expect(`${flow.authorize.origin}`).toBe(idp.issuer.url);
    const q = flow.authorize.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('dte-console');
    expect(q.get('redirect_uri')).toBe(`${baseUrl}/api/auth/oidc/callback`);
    expect(q.get('scope')).toBe('openid');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toBeTruthy();
    expect(q.get('nonce')).toBeTruthy();
    // The transaction cookie: signed, HttpOnly, Lax (it must come back on the provider's cross-site redirect), scoped to the OIDC routes.
    const tx = cookiesOf(flow.login).find((c) => c.startsWith('dte_oidc='))!;
    expect(tx).toMatch(/; HttpOnly/i);
    expect(tx).toMatch(/; SameSite=Lax/i);
    expect(tx).toMatch(/; Path=\/api\/auth\/oidc/);
    expect(tx).not.toContain(q.get('state')!); // not readable as such: base64url, signed

    // Our callback: a session, a redirect home, the transaction cookie cleared.
    expect(flow.back.status).toBe(302);
    expect(flow.back.headers.get('location')).toBe('/');
    expect(flow.session).toBeTruthy();
    expect(cookiesOf(flow.back).some((c) => /^dte_oidc=;/.test(c))).toBe(true);
    const session = await api(baseUrl).raw('GET', '/api/auth/session', undefined, { cookie: `dte_session=${flow.session}` });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ principal: { id: 'oidc-officer', name: '陈静 (via IdP)', role: 'officer', unit: 'province:44' }, method: 'oidc' });
    // The session works on the API, CSRF token and all.
    const me = { cookie: `dte_session=${flow.session}`, 'x-csrf-token': session.body.csrfToken as string };
    expect((await api(baseUrl).raw('GET', '/api/inbox', undefined, me)).status).toBe(200);
    expect((await api(baseUrl).raw('POST', '/api/auth/logout', {}, { ...me, 'content-type': 'application/json' })).status).toBe(204);
  });

  it('a subject without an account: 403 NoAccount, no session; a disabled account: 403', async () => {
    provider.sub = 'someone-else';
    const unknown = await signInThroughProvider();
    expect(unknown.back.status).toBe(403);
    expect(unknown.body?.error?.code).toBe('NoAccount');
    expect(unknown.session).toBeUndefined();

    provider.sub = 'idp-user-2';
    const disabled = await signInThroughProvider();
    expect(disabled.back.status).toBe(403);
    expect(disabled.body?.error?.code).toBe('AccountDisabled');
    provider.sub = 'idp-user-1';
  });

  it('a callback not started by this browser, a forged state, a wrong nonce or issuer: 401, no session', async () => {
    const noCookie = await signInThroughProvider({ keepTransactionCookie: false });
    expect(noCookie.back.status).toBe(401);
    expect(noCookie.body?.error?.code).toBe('OidcSignInFailed');

    const forged = await signInThroughProvider({ tamperState: true });
    expect(forged.back.status).toBe(401);
    expect(forged.session).toBeUndefined();

    provider.nonce = 'replayed-nonce';
    const badNonce = await signInThroughProvider();
    provider.nonce = undefined;
    expect(badNonce.back.status).toBe(401);
    expect(badNonce.body?.error?.message).toMatch(/nonce/i);

    provider.issuer = 'http://127.0.0.1:1';
    const badIssuer = await signInThroughProvider();
    provider.issuer = undefined;
    expect(badIssuer.back.status).toBe(401);
    expect(badIssuer.session).toBeUndefined();

    // A code is exchanged once: replaying the callback URL with its cookie fails.
    const ok = await signInThroughProvider();
    expect(ok.back.status).toBe(302);
    const replay = await fetch(ok.callback, { redirect: 'manual', headers: { cookie: `dte_oidc=${cookieValue(cookiesOf(ok.login), 'dte_oidc')}` } });
    expect(replay.status).toBe(401);
  });

  it('sign-ins and refusals are in the security event log, without the code or state', async () => {
    const reader = api(baseUrl, await tokenFor(stack.baseUrl, 'nat-admin'));
    const succeeded = await eventually(async () => (await reader.get('/api/security-events?kind=login.succeeded&principalId=oidc-officer')).body.items[0]);
    expect(succeeded).toMatchObject({ route: '/api/auth/oidc/callback', status: 302, reason: 'oidc', subject: 'oidc-officer' });
    expect(succeeded.url).toContain('code=REDACTED');
    expect(succeeded.url).toContain('state=REDACTED');
    const noAccount = await eventually(async () => (await reader.get('/api/security-events?kind=login.failed&subject=someone-else')).body.items[0]);
    expect(noAccount).toMatchObject({ status: 403, code: 'NoAccount', reason: 'oidc: NoAccount' });
  });
});

/**
 * Sign-in and sessions for the browser console (issue 6). The contract is web/src/auth/session.tsx:
 *   GET  /api/auth/providers      which ways to sign in there are
 *   GET  /api/auth/session        the current session (SessionInfo), or 401
 *   POST /api/auth/login          {username, password, totp?} -> SessionInfo + cookie
 *                                 401 InvalidCredentials | 401 SecondFactorRequired | 401 SecondFactorInvalid | 423 AccountLocked
 *   POST /api/auth/dev-login      {userId} -> SessionInfo (development only: demo users)
 *   POST /api/auth/logout         -> 204, session ended, cookie cleared
 *   GET  /api/auth/oidc/login     -> redirect to the identity provider (when configured)
 *   GET  /api/auth/oidc/callback  -> session cookie, redirect to /
 *   POST /api/auth/password       {currentPassword, newPassword} -> 204 (signed in, own account)
 */
import { createHmac } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { SECURITY_POLICY } from '../../config/security.js';
import { checkCsrf, principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { DEMO_USERS } from '../demoUsers.js';
import { ApiError, ErrorSchema } from '../errors.js';
import { changePassword } from '../identity/accounts.js';
import { SignInRefused, type CredentialsProvider, type RedirectProvider, type RedirectTransaction } from '../identity/providers.js';
import { SESSION_COOKIE, type SessionService, type SignedIn } from '../identity/sessions.js';
import { PrincipalSchema } from '../schemas.js';

export interface AuthDeps {
  sessions: SessionService;
  /** Local accounts, unless LOCAL_LOGIN=off. */
  local?: CredentialsProvider;
  /** The identity provider, when OIDC_* is configured. */
  oidc?: RedirectProvider;
  now: () => Date;
}

export const SessionInfoSchema = Type.Object({
  principal: PrincipalSchema,
  csrfToken: Type.String({ description: 'send it back in the x-csrf-token header on every POST, PUT, PATCH and DELETE' }),
  idleTimeoutSeconds: Type.Integer(),
  expiresAt: Type.String({ description: 'ISO instant: the session ends then, used or not' }),
  method: Type.String({ description: 'how the person signed in: password, password+totp, oidc, dev' }),
  passwordChangeRequired: Type.Optional(Type.Boolean({ description: 'the password is a one-time one: POST /api/auth/password' })),
});

const ProvidersSchema = Type.Object({
  local: Type.Boolean(),
  oidc: Type.Union([Type.Object({ name: Type.String(), loginUrl: Type.String() }), Type.Null()]),
  dev: Type.Union([Type.Object({ users: Type.Array(PrincipalSchema) }), Type.Null()]),
});

const OIDC_LOGIN_URL = '/api/auth/oidc/login';
const OIDC_COOKIE = SECURITY_POLICY.session.oidcCookie;
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

/** Starts a session for whoever signed in: ends the one the browser had (no fixation), sets the cookie. */
async function startSession(deps: AuthDeps, req: FastifyRequest, reply: FastifyReply, who: SignedIn) {
  await deps.sessions.revoke(req.cookies[SESSION_COOKIE]);
  const { id, session } = await deps.sessions.create(who, { ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '') });
  reply.setCookie(SESSION_COOKIE, id, deps.sessions.cookieOptions);
  req.principal = who.principal;
  return deps.sessions.info(session);
}

/** The OIDC transaction cookie is signed (HMAC of a key derived from AUTH_SECRET) by @fastify/cookie. */
export const cookieSigningKey = (authSecret: string) => createHmac('sha256', authSecret).update('dte cookie signing v1').digest('hex');

function readTransaction(req: FastifyRequest): RedirectTransaction | null {
  const raw = req.cookies[OIDC_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    const t = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Partial<RedirectTransaction> & { exp?: number };
    if (typeof t.state !== 'string' || typeof t.nonce !== 'string' || typeof t.codeVerifier !== 'string' || typeof t.exp !== 'number' || t.exp < Date.now()) return null;
    return { state: t.state, nonce: t.nonce, codeVerifier: t.codeVerifier };
  } catch {
    return null;
  }
}

/** Routes that need no session: the sign-in itself. */
export const authRoutes = (ctx: ApiContext, deps: AuthDeps): FastifyPluginAsyncTypebox => async (app) => {
  const { sessions } = deps;
  const oidcCookieOptions = { httpOnly: true, secure: ctx.config.cookieSecure, path: '/api/auth/oidc', signed: true } as const;

  app.get(
    '/api/auth/providers',
    { schema: { tags: ['auth'], summary: 'The ways to sign in: local accounts, the identity provider, demo users (development only)', response: { 200: ProvidersSchema } } },
    async () => ({
      local: deps.local !== undefined,
      oidc: deps.oidc ? { name: deps.oidc.name, loginUrl: OIDC_LOGIN_URL } : null,
      dev: ctx.config.devTokens ? { users: DEMO_USERS } : null,
    }),
  );

  app.get(
    '/api/auth/session',
    { schema: { tags: ['auth'], summary: 'The browser session: who is signed in, its CSRF token and timeouts; 401 when signed out or ended', response: { 200: SessionInfoSchema, 401: ErrorSchema } } },
    async (req, reply) => {
      const cookie = req.cookies[SESSION_COOKIE];
      const session = cookie === undefined ? null : await sessions.resolve(cookie);
      if (!session) {
        if (cookie !== undefined) reply.clearCookie(SESSION_COOKIE, sessions.cookieOptions);
        throw new ApiError(401, 'Unauthenticated', cookie === undefined ? 'not signed in' : 'the session has ended (signed out, idle too long or expired): sign in again');
      }
      req.principal = session.principal;
      noStore(reply);
      return sessions.info(session);
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit: { max: ctx.config.loginRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a local account: password, then the one-time code (staff); sets the session cookie',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 128 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
            totp: Type.Optional(Type.String({ maxLength: 16 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionInfoSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 423: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      if (!deps.local) throw new ApiError(404, 'NotFound', 'sign-in with a local account is off here');
      const { username, password, totp } = req.body;
      req.securityNote = { kind: 'login.failed', subject: username.slice(0, 128) };
      let who: SignedIn;
      try {
        who = await deps.local.authenticate({ username, password, totp: totp || undefined });
      } catch (e) {
        if (e instanceof SignInRefused) req.securityNote = { kind: e.event.kind, subject: username.slice(0, 128), reason: e.event.reason };
        throw e;
      }
      req.securityNote = { kind: 'login.succeeded', subject: username, principal: who.principal, reason: who.method };
      noStore(reply);
      return startSession(deps, req, reply, who);
    },
  );

  if (ctx.config.devTokens) {
    app.post(
      '/api/auth/dev-login',
      {
        schema: {
          tags: ['dev'],
          summary: 'Sign in as a demo user (development only; off in production)',
          body: Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
          response: { 200: SessionInfoSchema, 404: ErrorSchema },
        },
      },
      async (req, reply) => {
        const user = DEMO_USERS.find((u) => u.id === req.body.userId);
        if (!user) throw new ApiError(404, 'NotFound', `no demo user ${req.body.userId}; see GET /api/auth/providers`);
        req.securityNote = { kind: 'login.succeeded', subject: user.id, principal: user, reason: 'dev' };
        noStore(reply);
        return startSession(deps, req, reply, { principal: user, method: 'dev', accountId: null });
      },
    );
  }

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'Sign out: ends the browser session and clears its cookie (needs the CSRF token)', response: { 204: Type.Null(), 403: ErrorSchema } } },
    async (req, reply) => {
      const cookie = req.cookies[SESSION_COOKIE];
      const session = cookie === undefined ? null : await sessions.resolve(cookie);
      if (session) {
        req.principal = session.principal;
        // A forged cross-site sign-out would be a nuisance, not a breach; still, unsafe is unsafe.
        checkCsrf(req, session);
        await sessions.revoke(cookie);
        req.securityNote = { kind: 'logout', subject: session.principal.id, reason: session.method };
      }
      if (cookie !== undefined) reply.clearCookie(SESSION_COOKIE, sessions.cookieOptions);
      return reply.status(204).send(null);
    },
  );

  const oidc = deps.oidc;
  if (oidc) {
    app.get(
      OIDC_LOGIN_URL,
      { schema: { tags: ['auth'], summary: `Sign in through the identity provider: a redirect (authorization code + PKCE)`, response: { 302: Type.Null(), 503: ErrorSchema } } },
      async (_req, reply) => {
        const { url, transaction } = await oidc.begin();
        const exp = Date.now() + SECURITY_POLICY.session.oidcTransactionMinutes * 60_000;
        const value = Buffer.from(JSON.stringify({ ...transaction, exp })).toString('base64url');
        // SameSite=Lax: the provider sends the browser back with a cross-site navigation, which a
        // Strict cookie would not follow. It holds nothing that signs anyone in by itself.
        reply.setCookie(OIDC_COOKIE, value, { ...oidcCookieOptions, sameSite: 'lax', maxAge: SECURITY_POLICY.session.oidcTransactionMinutes * 60 });
        noStore(reply);
        return reply.redirect(url.href, 302);
      },
    );

    app.get(
      '/api/auth/oidc/callback',
      {
        config: { rateLimit: { max: ctx.config.loginRateLimit, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          summary: "The identity provider's redirect back: checks it, starts the session, redirects to /",
          querystring: Type.Object({}, { additionalProperties: Type.String({ maxLength: 4096 }) }),
          response: { 302: Type.Null(), 401: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema, 503: ErrorSchema },
        },
      },
      async (req, reply) => {
        const transaction = readTransaction(req);
        reply.clearCookie(OIDC_COOKIE, oidcCookieOptions);
        req.securityNote = { kind: 'login.failed', reason: 'oidc' };
        if (!transaction) throw new ApiError(401, 'OidcSignInFailed', 'the sign-in was not started from this browser, or took too long: start it again');
        const q = req.url.indexOf('?');
        const callbackUrl = new URL(ctx.config.oidc!.redirectUri);
        callbackUrl.search = q < 0 ? '' : req.url.slice(q);
        let who: SignedIn;
        try {
          who = await oidc.complete(callbackUrl, transaction);
        } catch (e) {
          if (e instanceof ApiError) req.securityNote = { kind: 'login.failed', subject: typeof e.details.subject === 'string' ? e.details.subject : null, reason: `oidc: ${e.code}` };
          throw e;
        }
        req.securityNote = { kind: 'login.succeeded', subject: who.accountId, principal: who.principal, reason: 'oidc' };
        await startSession(deps, req, reply, who);
        noStore(reply);
        return reply.redirect('/', 302);
      },
    );
  }
};

/** Routes for the signed-in person (registered in the authenticated scope). */
export const authAccountRoutes = (ctx: ApiContext, deps: Pick<AuthDeps, 'now'>): FastifyPluginAsyncTypebox => async (app) => {
  app.post(
    '/api/auth/password',
    {
      // The current password is checked here too: as limited as sign-in.
      config: { rateLimit: { max: ctx.config.loginRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password (a one-time password first of all); the policy: 12+ characters of 3 kinds',
        security: [{ bearer: [] }, { session: [] }],
        body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      await changePassword(ctx.store, p.id, req.body.currentPassword, req.body.newPassword, deps.now());
      req.securityNote = { kind: 'account.passwordChanged', subject: p.id };
      return reply.status(204).send(null);
    },
  );
};

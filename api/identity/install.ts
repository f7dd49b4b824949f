/**
 * Access control wired into the server (api/server.ts): cookies, security headers, the security event
 * log, the sign-in routes, and the authentication hook of the authenticated scope.
 */
import cookie from '@fastify/cookie';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/env.js';
import { requireAuth } from '../auth.js';
import type { ApiContext } from '../context.js';
import { accountRoutes } from '../routes/accounts.js';
import { authAccountRoutes, authRoutes, cookieSigningKey } from '../routes/auth.js';
import { securityEventRoutes } from '../routes/securityEvents.js';
import { oidcProvider } from './oidc.js';
import { localPasswordProvider } from './providers.js';
import { createSecretBox } from './secretBox.js';
import { installSecurityLog } from './securityEvents.js';
import { createSessionService, type SessionService } from './sessions.js';

export interface SecurityOptions {
  /** The clock of sessions, lockouts and one-time codes (tests move it). */
  now?: () => Date;
}

export interface Security {
  sessions: SessionService;
  /** The `onRequest` hook of the authenticated scope: a bearer token or a session (+ CSRF token). */
  authenticate: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Sign-in, session, sign-out, OIDC: no authentication needed. */
  publicRoutes: FastifyPluginAsyncTypebox;
  /** Accounts, the security event log, changing one's password: register in the authenticated scope. */
  authedRoutes: FastifyPluginAsyncTypebox;
}

/**
 * Security headers. The console is a Vite build of React + Ant Design: scripts only from this origin;
 * Ant Design injects <style> elements at run time, so styles need 'unsafe-inline'; images may be
 * data: URIs. Nobody may frame it. HSTS in production only (a development server speaks plain HTTP).
 */
export function helmetOptions(config: Config): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(config.production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: config.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  };
}

/** Registers cookies, headers and the security log on the root instance (before any route). */
export async function installSecurity(app: FastifyInstance, ctx: ApiContext, options: SecurityOptions = {}): Promise<Security> {
  const now = options.now ?? (() => new Date());
  const sessions = createSessionService({ store: ctx.store, config: ctx.config, now });
  await app.register(cookie, { secret: cookieSigningKey(ctx.config.authSecret) });
  await app.register(helmet, helmetOptions(ctx.config));
  installSecurityLog(app, ctx.store, now);

  const deps = {
    sessions,
    now,
    local: ctx.config.localLogin ? localPasswordProvider({ store: ctx.store, now, secrets: createSecretBox(ctx.config.secretsKey) }) : undefined,
    oidc: ctx.config.oidc ? oidcProvider(ctx.config.oidc, { store: ctx.store }) : undefined,
  };
  return {
    sessions,
    authenticate: requireAuth(ctx.tokens, sessions),
    publicRoutes: authRoutes(ctx, deps),
    authedRoutes: async (authed) => {
      await authed.register(authAccountRoutes(ctx, deps));
      await authed.register(accountRoutes(ctx, deps));
      await authed.register(securityEventRoutes(ctx));
    },
  };
}

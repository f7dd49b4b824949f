/** Configuration from the environment, read once at start by the worker and the API. */
import { SECURITY_POLICY } from './security.js';

/** Sign-in through an OpenID Connect identity provider (authorization code + PKCE); all of OIDC_* set, or none. */
export interface OidcConfig {
  /** OIDC_ISSUER: the issuer identifier (https; http only for a loopback host, for tests and development). */
  issuer: string;
  /** OIDC_CLIENT_ID */
  clientId: string;
  /** OIDC_CLIENT_SECRET (unset: a public client, PKCE only) */
  clientSecret?: string;
  /** OIDC_REDIRECT_URI: this service's `/api/auth/oidc/callback` as the browser reaches it. */
  redirectUri: string;
  /** OIDC_NAME: what the sign-in page calls the provider. */
  name: string;
}

export interface Config {
  production: boolean;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  mongodbUri: string;
  mongodbDb: string;
  port: number;
  host: string;
  authSecret: string;
  /** SECRETS_KEY, else AUTH_SECRET: the key material that seals secrets at rest (api/identity/secretBox.ts). */
  secretsKey: string;
  devTokens: boolean;
  logLevel: string;
  /** A prebuilt workflow bundle (production); dev and tests bundle from source. */
  workflowBundlePath?: string;
  /** Outbox e-mail: the SMTP server (`smtp://host:port`, `smtps://user:pass@host`); unset = no e-mail. */
  smtpUrl?: string;
  /** The From of outbox e-mail. */
  smtpFrom: string;
  /** Signs outbox webhooks (`X-DTE-Signature: sha256=<HMAC of the body>`); unset = unsigned. */
  webhookSecret?: string;
  /** The session cookie is `Secure` (HTTPS only): always in production, elsewhere with COOKIE_SECURE=on. */
  cookieSecure: boolean;
  /** SESSION_IDLE_MINUTES: a browser session unused this long ends (default 30). */
  sessionIdleMinutes: number;
  /** SESSION_MAX_HOURS: a browser session ends this long after sign-in, used or not (default 12). */
  sessionMaxHours: number;
  /** Sign-in with a local account (password + one-time code); LOCAL_LOGIN=off turns it off. */
  localLogin: boolean;
  /** OIDC_*: sign-in through an identity provider; unset = off. */
  oidc?: OidcConfig;
  /** LOGIN_RATE_LIMIT: sign-in attempts per minute per address (default 10). */
  loginRateLimit: number;
  /** DIRECTORY_RATE_LIMIT: public directory searches per minute per address (default 120). */
  directoryRateLimit: number;
  /**
   * TRUST_PROXY: behind a TLS-terminating reverse proxy, whose X-Forwarded-For names the client (rate
   * limits and the security event log go by client address): the proxies' addresses or CIDRs,
   * comma-separated (or `loopback`, `uniquelocal`). Unset: the peer address is the client.
   */
  trustProxy: string | false;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

function oidcConfig(env: NodeJS.ProcessEnv): OidcConfig | undefined {
  const names = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_REDIRECT_URI'] as const;
  const set = names.filter((n) => env[n]);
  if (set.length === 0) return undefined;
  if (set.length < names.length) throw new Error(`OIDC sign-in needs ${names.join(', ')} (missing: ${names.filter((n) => !env[n]).join(', ')})`);
  for (const name of ['OIDC_ISSUER', 'OIDC_REDIRECT_URI'] as const) {
    let url: URL;
    try {
      url = new URL(env[name]!);
    } catch {
      throw new Error(`${name} must be a URL`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) throw new Error(`${name} must be an https URL (http only for a loopback host)`);
  }
  return {
    issuer: env.OIDC_ISSUER!,
    clientId: env.OIDC_CLIENT_ID!,
    clientSecret: env.OIDC_CLIENT_SECRET || undefined,
    redirectUri: env.OIDC_REDIRECT_URI!,
    name: env.OIDC_NAME || 'OpenID Connect',
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const required = (name: string, fallback?: string): string => {
    const v = env[name] ?? fallback;
    if (!v) throw new Error(`${name} must be set`);
    return v;
  };
  const authSecret = env.AUTH_SECRET ?? (production ? undefined : 'dev-only-secret-change-me-0123456789abcdef');
  if (!authSecret || authSecret.length < 32) throw new Error('AUTH_SECRET must be set to at least 32 characters');
  if (env.SECRETS_KEY !== undefined && env.SECRETS_KEY.length < 32) throw new Error('SECRETS_KEY must be at least 32 characters');
  if (env.SMTP_URL && !/^smtps?:\/\/[^/]+/.test(env.SMTP_URL)) throw new Error('SMTP_URL must look like smtp://host:port or smtps://user:pass@host:port');
  return {
    production,
    temporalAddress: required('TEMPORAL_ADDRESS', production ? undefined : '127.0.0.1:7233'),
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'dte-cases',
    mongodbUri: required('MONGODB_URI', production ? undefined : 'mongodb://127.0.0.1:27017/'),
    mongodbDb: env.MONGODB_DB ?? 'dte',
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    authSecret,
    secretsKey: env.SECRETS_KEY ?? authSecret,
    // Development token minting is for local use only: off in production unless explicitly enabled.
    devTokens: env.DEV_TOKENS ? env.DEV_TOKENS === 'on' : !production,
    logLevel: env.LOG_LEVEL ?? 'info',
    workflowBundlePath: env.WORKFLOW_BUNDLE,
    smtpUrl: env.SMTP_URL || undefined,
    smtpFrom: env.SMTP_FROM || 'DTE directory <no-reply@dte.invalid>',
    webhookSecret: env.WEBHOOK_SECRET || undefined,
    cookieSecure: production || env.COOKIE_SECURE === 'on',
    sessionIdleMinutes: positive(env, 'SESSION_IDLE_MINUTES', SECURITY_POLICY.session.idleMinutes),
    sessionMaxHours: positive(env, 'SESSION_MAX_HOURS', SECURITY_POLICY.session.maxHours),
    localLogin: env.LOCAL_LOGIN !== 'off',
    oidc: oidcConfig(env),
    loginRateLimit: positive(env, 'LOGIN_RATE_LIMIT', SECURITY_POLICY.rateLimit.loginPerMinute),
    directoryRateLimit: positive(env, 'DIRECTORY_RATE_LIMIT', SECURITY_POLICY.rateLimit.directoryPerMinute),
    trustProxy: env.TRUST_PROXY || false,
  };
}

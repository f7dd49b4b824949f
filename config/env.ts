/** Configuration from the environment, read once at start by the worker and the API. */
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
    // Development token minting is for local use only: off in production unless explicitly enabled.
    devTokens: env.DEV_TOKENS ? env.DEV_TOKENS === 'on' : !production,
    logLevel: env.LOG_LEVEL ?? 'info',
    workflowBundlePath: env.WORKFLOW_BUNDLE,
    smtpUrl: env.SMTP_URL || undefined,
    smtpFrom: env.SMTP_FROM || 'DTE directory <no-reply@dte.invalid>',
    webhookSecret: env.WEBHOOK_SECRET || undefined,
  };
}

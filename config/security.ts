/**
 * Access-control policy as data (issue 6; GB/T 22239-2019 level 3, 等保三级 "identification and
 * authentication"): every threshold of sign-in, lockout, passwords, one-time codes, sessions and abuse
 * limits is here, in one place. The environment overrides the session and rate-limit numbers
 * (config/env.ts); the rest changes here, with a review.
 */
import type { Role } from '../rules/actors.js';

export const SECURITY_POLICY = {
  lockout: {
    /** Consecutive failed sign-ins (wrong password or wrong one-time code) that lock an account. */
    maxFailedAttempts: 5,
    /** How long a locked account stays locked (an admin may unlock it earlier). */
    lockMinutes: 30,
  },
  password: {
    minLength: 12,
    /** Bounds the work of hashing a hostile input. */
    maxLength: 256,
    /** Of lower case, upper case, digits and other characters, at least this many kinds. */
    minCharacterClasses: 3,
    /** Length of the one-time passwords the CLI and the accounts API generate. */
    generatedLength: 20,
    /**
     * All a session signed in with a one-time password may do until it changes it (`METHOD /route`);
     * everything else is 403 `PasswordChangeRequired`. Signing out and reading the session are public.
     */
    allowedBeforeChange: ['POST /api/auth/password'] as readonly string[],
  },
  /**
   * argon2id, memory-hard: 64 MiB, 3 passes, 1 lane (RFC 9106 §4, the second recommended option for
   * memory-constrained environments). Hashes carry their parameters, so raising them later keeps old
   * hashes verifiable.
   */
  argon2: { memoryCost: 65_536, timeCost: 3, parallelism: 1 },
  totp: {
    /** RFC 6238: 30-second steps, 6 digits, HMAC-SHA1 (what authenticator apps support). */
    period: 30,
    digits: 6,
    algorithm: 'SHA1',
    /** Steps accepted on either side of now (clock drift). A code's step is never accepted twice. */
    window: 1,
    issuer: 'DTE directory',
    /** Roles that must sign in with a one-time code as well (staff). Others need one when enrolled. */
    requiredFor: ['officer', 'leader', 'admin'] as Role[],
  },
  session: {
    /** Defaults; SESSION_IDLE_MINUTES and SESSION_MAX_HOURS override them. */
    idleMinutes: 30,
    maxHours: 12,
    /** A session is touched (its idle deadline moved) at most this often, to spare a write per request. */
    touchEverySeconds: 15,
    cookie: 'dte_session',
    /** The short-lived cookie holding an OIDC sign-in's state, nonce and PKCE verifier. */
    oidcCookie: 'dte_oidc',
    oidcTransactionMinutes: 10,
  },
  rateLimit: {
    /** Sign-in attempts per minute per address (LOGIN_RATE_LIMIT). */
    loginPerMinute: 10,
    /** Public directory searches per minute per address (DIRECTORY_RATE_LIMIT). */
    directoryPerMinute: 120,
  },
  /** Who reads the security event log: the platform admin, and the national group's leaders. */
  securityEventReaders: [
    // The platform admin is the national group's (issue 6): an admin account of a province, locality or
    // industry department does not read the whole platform's log.
    { role: 'admin', unit: 'national' },
    { role: 'leader', unit: 'national' },
  ] as { role: Role; unit: string | undefined }[],
} as const;

/** Documented development credentials of `npm run accounts -- seed-demo` (refused when DEV_TOKENS is off). */
export const DEMO_ACCOUNT_PASSWORD = 'Demo-Passw0rd-2026';
/** The one TOTP secret of every seeded demo account (base32): enrol it once in an authenticator app. */
export const DEMO_TOTP_SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

/**
 * The documents of access control (issue 6): local accounts, browser sessions and the security event
 * log. Written by the API only (api/identity/), never by a case workflow.
 */
import type { Principal, Role, Unit } from '../rules/actors.js';

/** A person who signs in: with a password and a one-time code, or through the identity provider. */
export interface AccountDoc {
  /** The login name (e.g. `gd-officer`); also the principal's id. */
  _id: string;
  name: string;
  role: Role;
  unit: Unit;
  /** argon2id PHC string; null: no password sign-in (identity provider only). */
  passwordHash: string | null;
  /** The password was generated (a one-time password) or reset and has to be changed. */
  passwordChangeRequired: boolean;
  passwordChangedAt: Date | null;
  /** RFC 6238 secret, base32; null: not enrolled. */
  totpSecret: string | null;
  /** The time step of the last one-time code accepted: a code is never accepted twice. */
  lastTotpStep: number;
  /** The identity provider's subject (`sub`) this account signs in as; null: not linked. */
  oidcSubject: string | null;
  failedAttempts: number;
  lockedUntil: Date | null;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

/** A browser session; the cookie holds the id, the store only its SHA-256. */
export interface SessionDoc {
  /** SHA-256 (hex) of the session id. */
  _id: string;
  principal: Principal;
  /** How the person signed in: `password`, `password+totp`, `oidc`, `dev`. */
  method: string;
  /** The local account, when the session is for one. */
  accountId: string | null;
  /** The account's password is a one-time one: the console asks for a new one. */
  passwordChangeRequired: boolean;
  /** Echoed in `x-csrf-token` on every unsafe request made with this session. */
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** When the session ends unless used: min(last use + idle timeout, `expiresAt`). */
  idleExpiresAt: Date;
  /** The absolute end: sign-in + the maximum lifetime. */
  expiresAt: Date;
  ip: string;
  userAgent: string;
}

export type SecurityEventKind =
  | 'denied'
  | 'login.succeeded'
  | 'login.failed'
  | 'account.locked'
  | 'logout'
  | 'account.created'
  | 'account.unlocked'
  | 'account.disabled'
  | 'account.passwordReset'
  | 'account.passwordChanged';

/** One entry of the security event log: every refused request (401, 403, 423), every sign-in and sign-out. */
export interface SecurityEventDoc {
  _id: string;
  at: Date;
  kind: SecurityEventKind;
  method: string;
  /** The route pattern (`/api/cases/:caseId`), or null when no route matched. */
  route: string | null;
  /** The URL as requested, with credentials in the query (OIDC `code`, `state`) redacted. */
  url: string;
  status: number;
  /** The error code answered (`Unauthenticated`, `Forbidden`, `CsrfTokenInvalid`, ...), or null. */
  code: string | null;
  principal: { id: string; role: Role; unit: Unit } | null;
  /** The account a sign-in was attempted for (the name typed), when there is one. */
  subject: string | null;
  reason: string | null;
  ip: string;
  userAgent: string;
}

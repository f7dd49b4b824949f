/**
 * Identity providers: who proves a person is who they say. Each answers a `SignedIn` (principal and
 * method) or refuses; the session is the same whichever proved it. Two kinds:
 *   - credentials: the person types them here (local accounts: password + one-time code);
 *   - redirect: the person proves it to another party (OpenID Connect, api/identity/oidc.ts).
 * Roles and units always come from our accounts collection, never from the provider.
 */
import type { Store } from '../../store/mongo.js';
import type { AccountDoc } from '../../store/identity.js';
import { SECURITY_POLICY } from '../../config/security.js';
import { ApiError } from '../errors.js';
import { principalOfAccount, secondFactorRequired } from './accounts.js';
import { verifyNothing, verifyPassword } from './passwords.js';
import type { SignedIn } from './sessions.js';
import { totpStep } from './totp.js';
import type { SecretBox } from './secretBox.js';

export interface IdentityProvider {
  /** `local`, `oidc` */
  readonly id: string;
  /** What the sign-in page calls it. */
  readonly name: string;
  readonly kind: 'credentials' | 'redirect';
}

export interface Credentials {
  username: string;
  password: string;
  totp?: string;
}

export interface CredentialsProvider extends IdentityProvider {
  readonly kind: 'credentials';
  /** The person, or a `SignInRefused`. */
  authenticate(credentials: Credentials): Promise<SignedIn>;
}

/** What must survive the round trip to the provider (kept in a signed, short-lived cookie). */
export interface RedirectTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface RedirectProvider extends IdentityProvider {
  readonly kind: 'redirect';
  /** Where to send the browser, and what to keep until it comes back. */
  begin(): Promise<{ url: URL; transaction: RedirectTransaction }>;
  /** The callback URL the browser came back with, checked against the transaction. */
  complete(callbackUrl: URL, transaction: RedirectTransaction): Promise<SignedIn>;
}

/**
 * A refused sign-in, with what the security event log records: `login.failed`, or `account.locked`
 * when this attempt locked the account.
 */
export class SignInRefused extends ApiError {
  constructor(
    statusCode: number,
    code: string,
    message: string,
    readonly event: { kind: 'login.failed' | 'account.locked'; reason: string },
    details: Record<string, unknown> = {},
  ) {
    super(statusCode, code, message, details);
  }
}

/** The same answer for an unknown login name, a disabled account and a wrong password. */
const INVALID = 'the login name or the password is not correct';

/**
 * Local accounts (等保三级 identification): argon2id password, then a TOTP code for staff (and anyone
 * enrolled); five consecutive failures lock the account for 30 minutes (config/security.ts).
 */
export function localPasswordProvider(deps: { store: Store; now: () => Date; secrets: SecretBox }): CredentialsProvider {
  const { store, now, secrets } = deps;
  const { maxFailedAttempts, lockMinutes } = SECURITY_POLICY.lockout;

  const lockedAnswer = (until: Date, event: SignInRefused['event']) =>
    new SignInRefused(423, 'AccountLocked', `the account is locked after ${maxFailedAttempts} failed sign-ins until ${until.toISOString()}; an administrator can unlock it`, event, { lockedUntil: until.toISOString() });

  /** Counts a failure; the one that reaches the threshold locks the account. */
  async function failed(account: AccountDoc, reason: string, answer: () => SignInRefused): Promise<never> {
    const after = await store.accounts.findOneAndUpdate({ _id: account._id }, { $inc: { failedAttempts: 1 } }, { returnDocument: 'after' });
    if (after && after.failedAttempts >= maxFailedAttempts) {
      const until = new Date(now().getTime() + lockMinutes * 60_000);
      await store.accounts.updateOne({ _id: account._id }, { $set: { lockedUntil: until, failedAttempts: 0 } });
      throw lockedAnswer(until, { kind: 'account.locked', reason: `${reason}; ${maxFailedAttempts} consecutive failures` });
    }
    throw answer();
  }

  return {
    id: 'local',
    name: 'password',
    kind: 'credentials',
    async authenticate({ username, password, totp }) {
      const account = await store.accounts.findOne({ _id: username });
      if (!account || account.disabled || !account.passwordHash) {
        await verifyNothing(password);
        throw new SignInRefused(401, 'InvalidCredentials', INVALID, { kind: 'login.failed', reason: !account ? 'unknown account' : account.disabled ? 'account disabled' : 'no password sign-in' });
      }
      const t = now();
      if (account.lockedUntil && account.lockedUntil > t) throw lockedAnswer(account.lockedUntil, { kind: 'login.failed', reason: 'account locked' });
      if (!(await verifyPassword(account.passwordHash, password))) {
        return failed(account, 'wrong password', () => new SignInRefused(401, 'InvalidCredentials', INVALID, { kind: 'login.failed', reason: 'wrong password' }));
      }
      const twoFactor = secondFactorRequired(account);
      if (twoFactor) {
        if (!account.totpSecret) {
          throw new SignInRefused(403, 'SecondFactorNotEnrolled', 'this account must sign in with a one-time code but has none enrolled; ask an administrator to reset it', { kind: 'login.failed', reason: 'no TOTP enrolled' });
        }
        if (!totp) {
          // The usual first step of a staff sign-in: not a failure.
          throw new SignInRefused(401, 'SecondFactorRequired', 'enter the 6-digit one-time code from your authenticator app', { kind: 'login.failed', reason: 'one-time code required' });
        }
        const step = totpStep(secrets.open(account.totpSecret, account._id), totp, t);
        const invalid = (reason: string) => () => new SignInRefused(401, 'SecondFactorInvalid', 'the one-time code is not correct or was used already; wait for the next one', { kind: 'login.failed', reason });
        if (step === null) return failed(account, 'wrong one-time code', invalid('wrong one-time code'));
        // A step is accepted once: the update matches only while the last accepted step is earlier.
        const claimed = await store.accounts.updateOne({ _id: account._id, lastTotpStep: { $lt: step } }, { $set: { lastTotpStep: step } });
        if (claimed.matchedCount === 0) return failed(account, 'one-time code reused', invalid('one-time code reused'));
      }
      // A TOTP secret stored before secrets were sealed at rest is sealed now (api/identity/secretBox.ts).
      const sealNow = account.totpSecret && !secrets.isSealed(account.totpSecret) ? { totpSecret: secrets.seal(account.totpSecret, account._id) } : {};
      await store.accounts.updateOne({ _id: account._id }, { $set: { failedAttempts: 0, lockedUntil: null, lastLoginAt: t, ...sealNow } });
      return {
        principal: principalOfAccount(account),
        method: twoFactor ? 'password+totp' : 'password',
        accountId: account._id,
        passwordChangeRequired: account.passwordChangeRequired,
      };
    },
  };
}

/**
 * Local accounts: who may sign in, with which role and unit. Shared by the admin API
 * (api/routes/accounts.ts) and the CLI (scripts/accounts.ts). A new account gets a generated one-time
 * password (to change at first sign-in) and, for password sign-in, a TOTP secret to enrol.
 */
import { isUnit, ROLES, type Principal, type Role, type Unit } from '../../rules/actors.js';
import { DEMO_ACCOUNT_PASSWORD, DEMO_TOTP_SECRET, SECURITY_POLICY } from '../../config/security.js';
import type { AccountDoc } from '../../store/identity.js';
import type { Store } from '../../store/mongo.js';
import { ApiError } from '../errors.js';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { newTotpSecret, totpUri } from './totp.js';
import type { SecretBox } from './secretBox.js';

/** Login names: lower-case letters, digits, `.`, `_`, `-`; 2 to 64 characters. */
export const ACCOUNT_ID_PATTERN = '^[a-z0-9][a-z0-9._-]{1,63}$';
const accountIdRe = new RegExp(ACCOUNT_ID_PATTERN);
/** Roles an account can hold (`public` is nobody's account). */
export const ACCOUNT_ROLES = ROLES.filter((r) => r !== 'public');

/** The units each role acts for (staff act for an administration; the others for themselves). */
const UNIT_KINDS: Record<Exclude<Role, 'public'>, RegExp> = {
  officer: /^(national|province:|locality:|industry:)/,
  leader: /^(national|province:|locality:|industry:)/,
  admin: /^(national|province:|locality:|industry:)/,
  expert: /^expert:/,
  inspector: /^inspector:/,
  institution: /^institution:/,
};

export const secondFactorRequired = (a: Pick<AccountDoc, 'role' | 'totpSecret'>) => a.totpSecret !== null || SECURITY_POLICY.totp.requiredFor.includes(a.role);
export const principalOfAccount = (a: AccountDoc): Principal => ({ id: a._id, name: a.name, role: a.role, unit: a.unit });

/** What the API and the CLI show of an account: never the hash or the secret. */
export interface AccountView {
  id: string;
  name: string;
  role: Role;
  unit: Unit;
  passwordSignIn: boolean;
  passwordChangeRequired: boolean;
  totpEnrolled: boolean;
  oidcSubject: string | null;
  failedAttempts: number;
  lockedUntil: string | null;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export function accountView(a: AccountDoc, now: Date = new Date()): AccountView {
  return {
    id: a._id,
    name: a.name,
    role: a.role,
    unit: a.unit,
    passwordSignIn: a.passwordHash !== null,
    passwordChangeRequired: a.passwordChangeRequired,
    totpEnrolled: a.totpSecret !== null,
    oidcSubject: a.oidcSubject ?? null,
    failedAttempts: a.failedAttempts ?? 0,
    lockedUntil: a.lockedUntil && a.lockedUntil > now ? a.lockedUntil.toISOString() : null,
    disabled: a.disabled === true,
    createdAt: a.createdAt.toISOString(),
    lastLoginAt: a.lastLoginAt?.toISOString() ?? null,
  };
}

export interface NewAccount {
  id: string;
  name: string;
  role: Role;
  unit: string;
  /** Link to the identity provider's subject (`sub`). */
  oidcSubject?: string | null;
  /** Password sign-in (default true); false: identity provider only. */
  password?: boolean;
}

/** What the person receives once, out of band: the one-time password and the TOTP enrolment URI. */
export interface Credentials {
  oneTimePassword: string | null;
  totpSecret: string | null;
  totpUri: string | null;
}

function checkNew(input: NewAccount): void {
  const fields: { field: string; message: string }[] = [];
  if (!accountIdRe.test(input.id)) fields.push({ field: '/id', message: `must match ${ACCOUNT_ID_PATTERN}` });
  if (!input.name.trim()) fields.push({ field: '/name', message: 'must not be blank' });
  if (!(ACCOUNT_ROLES as readonly string[]).includes(input.role)) fields.push({ field: '/role', message: `must be one of ${ACCOUNT_ROLES.join(', ')}` });
  else if (!isUnit(input.unit) || input.unit === 'public' || !UNIT_KINDS[input.role as Exclude<Role, 'public'>].test(input.unit)) {
    fields.push({ field: '/unit', message: `is not a unit a ${input.role} acts for` });
  }
  if (input.password === false && !input.oidcSubject) fields.push({ field: '/oidcSubject', message: 'an account without password sign-in needs an identity provider subject' });
  if (fields.length > 0) throw new ApiError(400, 'InvalidInput', `the account is not valid: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`, { fields });
}

async function checkSubjectFree(store: Store, subject: string | null | undefined, except?: string): Promise<void> {
  if (!subject) return;
  const other = await store.accounts.findOne({ oidcSubject: subject, ...(except ? { _id: { $ne: except } } : {}) }, { projection: { _id: 1 } });
  if (other) throw new ApiError(409, 'Conflict', 'another account is already linked to this identity provider subject');
}

const isDuplicateKey = (e: unknown) => (e as { code?: number }).code === 11000;

export async function createAccount(store: Store, secrets: SecretBox, input: NewAccount, now: Date = new Date()): Promise<{ account: AccountView } & Credentials> {
  checkNew(input);
  await checkSubjectFree(store, input.oidcSubject);
  const withPassword = input.password !== false;
  const oneTimePassword = withPassword ? generatePassword() : null;
  const totpSecret = withPassword ? newTotpSecret() : null;
  const doc: AccountDoc = {
    _id: input.id,
    name: input.name.trim(),
    role: input.role,
    unit: input.unit as Unit,
    passwordHash: oneTimePassword ? await hashPassword(oneTimePassword) : null,
    passwordChangeRequired: withPassword,
    passwordChangedAt: null,
    totpSecret: totpSecret ? secrets.seal(totpSecret, input.id) : null,
    lastTotpStep: -1,
    oidcSubject: input.oidcSubject ?? null,
    failedAttempts: 0,
    lockedUntil: null,
    disabled: false,
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
  };
  try {
    await store.accounts.insertOne(doc);
  } catch (e) {
    if (isDuplicateKey(e)) throw new ApiError(409, 'Conflict', `the account ${input.id} exists already`);
    throw e;
  }
  return { account: accountView(doc, now), oneTimePassword, totpSecret, totpUri: totpSecret ? totpUri(totpSecret, doc._id) : null };
}

async function mustFind(store: Store, id: string): Promise<AccountDoc> {
  const a = await store.accounts.findOne({ _id: id });
  if (!a) throw new ApiError(404, 'NotFound', `no account ${id}`);
  return a;
}

/**
 * A new one-time password (and, with `totp`, a new TOTP secret to enrol); unlocks the account and
 * ends its sessions.
 */
export async function resetPassword(store: Store, secrets: SecretBox, id: string, options: { totp?: boolean } = {}, now: Date = new Date()): Promise<Credentials> {
  const a = await mustFind(store, id);
  const oneTimePassword = generatePassword();
  const totpSecret = options.totp || !a.totpSecret ? newTotpSecret() : null;
  await store.accounts.updateOne(
    { _id: id },
    {
      $set: {
        passwordHash: await hashPassword(oneTimePassword),
        passwordChangeRequired: true,
        failedAttempts: 0,
        lockedUntil: null,
        updatedAt: now,
        ...(totpSecret ? { totpSecret: secrets.seal(totpSecret, a._id), lastTotpStep: -1 } : {}),
      },
    },
  );
  await store.sessions.deleteMany({ 'principal.id': a._id });
  return { oneTimePassword, totpSecret, totpUri: totpSecret ? totpUri(totpSecret, a._id) : null };
}

export async function unlockAccount(store: Store, id: string, now: Date = new Date()): Promise<AccountView> {
  await mustFind(store, id);
  await store.accounts.updateOne({ _id: id }, { $set: { failedAttempts: 0, lockedUntil: null, updatedAt: now } });
  return accountView(await mustFind(store, id), now);
}

/** Disables (or enables) an account; disabling ends its sessions. */
export async function setDisabled(store: Store, id: string, disabled: boolean, now: Date = new Date()): Promise<AccountView> {
  await mustFind(store, id);
  await store.accounts.updateOne({ _id: id }, { $set: { disabled, updatedAt: now } });
  if (disabled) await store.sessions.deleteMany({ 'principal.id': id });
  return accountView(await mustFind(store, id), now);
}

export async function linkOidcSubject(store: Store, id: string, subject: string | null, now: Date = new Date()): Promise<AccountView> {
  await mustFind(store, id);
  await checkSubjectFree(store, subject, id);
  await store.accounts.updateOne({ _id: id }, { $set: { oidcSubject: subject, updatedAt: now } });
  return accountView(await mustFind(store, id), now);
}

export async function listAccounts(store: Store, page: { limit: number; skip: number } = { limit: 1000, skip: 0 }, now: Date = new Date()): Promise<AccountView[]> {
  const docs = await store.accounts.find({}).sort({ _id: 1 }).skip(page.skip).limit(page.limit).toArray();
  return docs.map((d) => accountView(d, now));
}

/** The person changes their own password: the current one, then a new one meeting the policy. */
export async function changePassword(store: Store, id: string, current: string, next: string, now: Date = new Date()): Promise<void> {
  const a = await store.accounts.findOne({ _id: id });
  if (!a?.passwordHash || a.disabled) throw new ApiError(403, 'Forbidden', 'this account has no password to change');
  if (!(await verifyPassword(a.passwordHash, current))) throw new ApiError(403, 'InvalidCredentials', 'the current password is not correct');
  const problem = passwordProblem(next, id);
  if (problem) throw new ApiError(400, 'WeakPassword', problem, { fields: [{ field: '/newPassword', message: problem }] });
  if (await verifyPassword(a.passwordHash, next)) throw new ApiError(400, 'WeakPassword', 'the new password must differ from the current one', { fields: [{ field: '/newPassword', message: 'same as the current one' }] });
  await store.accounts.updateOne({ _id: id }, { $set: { passwordHash: await hashPassword(next), passwordChangeRequired: false, passwordChangedAt: now, updatedAt: now } });
  await store.sessions.updateMany({ 'principal.id': id }, { $set: { passwordChangeRequired: false } });
}

/**
 * Development only: an account for each demo user, with the documented password and TOTP secret
 * (config/security.ts), unlocked. Run again, it puts them back as documented.
 */
export async function seedDemoAccounts(store: Store, secrets: SecretBox, users: Principal[], now: Date = new Date()): Promise<AccountView[]> {
  const passwordHash = await hashPassword(DEMO_ACCOUNT_PASSWORD);
  for (const u of users) {
    const documented = { name: u.name, role: u.role, unit: u.unit, passwordHash, passwordChangeRequired: false, totpSecret: secrets.seal(DEMO_TOTP_SECRET, u.id), lastTotpStep: -1, failedAttempts: 0, lockedUntil: null, disabled: false, updatedAt: now };
    // Not an upsert with $setOnInsert: FerretDB v1 drops the null fields of $setOnInsert.
    const existing = await store.accounts.findOne({ _id: u.id }, { projection: { _id: 1 } });
    if (existing) await store.accounts.updateOne({ _id: u.id }, { $set: documented });
    else {
      await store.accounts.insertOne({ _id: u.id, ...documented, oidcSubject: null, passwordChangedAt: null, createdAt: now, lastLoginAt: null }).catch((e: unknown) => {
        if (!isDuplicateKey(e)) throw e; // seeded by another run meanwhile
      });
    }
  }
  return (await store.accounts.find({ _id: { $in: users.map((u) => u.id) } }).sort({ _id: 1 }).toArray()).map((d) => accountView(d, now));
}

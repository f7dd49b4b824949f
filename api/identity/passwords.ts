/**
 * Passwords: argon2id hashes (memory-hard, parameters in config/security.ts), the password policy, and
 * generated one-time passwords.
 */
import { randomInt } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { SECURITY_POLICY } from '../../config/security.js';

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot read). */
const ARGON2ID = 2 as Algorithm;
const OPTIONS = { ...SECURITY_POLICY.argon2, algorithm: ARGON2ID };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of nothing anyone knows, verified against when there is no account, so both take as long. */
let dummy: Promise<string> | undefined;
export async function verifyNothing(password: string): Promise<void> {
  dummy ??= hashPassword(`no account ${randomInt(1 << 30)}`);
  await verifyPassword(await dummy, password);
}

const CLASSES: [string, RegExp][] = [
  ['lower-case letters', /\p{Ll}/u],
  ['upper-case letters', /\p{Lu}/u],
  ['digits', /\p{Nd}/u],
  ['other characters', /[^\p{Ll}\p{Lu}\p{Nd}]/u],
];

/** The password policy: what is wrong with this password, or null when it is acceptable. */
export function passwordProblem(password: string, accountId?: string): string | null {
  const { minLength, maxLength, minCharacterClasses } = SECURITY_POLICY.password;
  const length = [...password].length;
  if (length < minLength) return `a password needs at least ${minLength} characters`;
  if (length > maxLength) return `a password has at most ${maxLength} characters`;
  const classes = CLASSES.filter(([, re]) => re.test(password)).length;
  if (classes < minCharacterClasses) return `a password needs at least ${minCharacterClasses} of: ${CLASSES.map(([n]) => n).join(', ')}`;
  if (accountId && password.toLowerCase().includes(accountId.toLowerCase())) return 'a password must not contain the login name';
  return null;
}

const ALPHABETS = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '-_.!@#%+='];

/** A random password meeting the policy (all four classes; no look-alike characters). */
export function generatePassword(length: number = SECURITY_POLICY.password.generatedLength): string {
  const all = ALPHABETS.join('');
  const chars = ALPHABETS.map((a) => a[randomInt(a.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  // Fisher–Yates, so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

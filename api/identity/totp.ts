/** One-time codes (RFC 6238 TOTP): 30-second steps, 6 digits, ±1 step, a step never accepted twice. */
import { Secret, TOTP } from 'otpauth';
import { SECURITY_POLICY } from '../../config/security.js';

const { period, digits, algorithm, window, issuer } = SECURITY_POLICY.totp;

function totp(secret: string, label = 'account'): TOTP {
  return new TOTP({ issuer, label, algorithm, digits, period, secret: Secret.fromBase32(secret) });
}

/** A new random secret (160 bits, base32). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/...` URI to enrol the secret in an authenticator app (as a QR code or typed). */
export function totpUri(secret: string, accountId: string): string {
  return totp(secret, accountId).toString();
}

/** The code of a moment (tests, the CLI). */
export function totpCode(secret: string, at: Date): string {
  return totp(secret).generate({ timestamp: at.getTime() });
}

/**
 * The time step a code belongs to when it is valid at `at` (within ±window steps), else null. The
 * caller accepts it only when the step is later than the last step accepted for the account.
 */
export function totpStep(secret: string, code: string, at: Date): number | null {
  if (!new RegExp(`^[0-9]{${digits}}$`).test(code)) return null;
  const t = totp(secret);
  const delta = t.validate({ token: code, timestamp: at.getTime(), window });
  return delta === null ? null : t.counter({ timestamp: at.getTime() }) + delta;
}

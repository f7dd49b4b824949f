/**
 * Secrets kept at rest encrypted (GB/T 22239-2019 level 3 asks for the confidentiality of
 * authentication data in storage): the TOTP secrets of local accounts. AES-256-GCM (node:crypto),
 * the key derived with HKDF-SHA256 from `SECRETS_KEY` (or, when unset, `AUTH_SECRET`), each value
 * bound to its account by the additional authenticated data, so a value copied onto another account
 * row does not open. A value stored before encryption (plain base32) is read as it is and sealed at
 * its next successful use (api/identity/providers.ts).
 *
 * Rotating the key: a value sealed with an old key no longer opens; `npm run accounts -- reset-password
 * <id> --totp` enrols a new secret.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

export interface SecretBox {
  /** The value encrypted, for storage, bound to `context` (the account id). */
  seal(plain: string, context: string): string;
  /** The stored value opened; a plain (legacy) value as it is. Throws if it was altered, belongs to another context or another key. */
  open(stored: string, context: string): string;
  /** Whether a stored value is sealed (false for a legacy plain value). */
  isSealed(stored: string): boolean;
}

export function createSecretBox(keyMaterial: string, purpose = 'totp-secrets'): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', keyMaterial, 'dte secret box', `dte/${purpose}/v1`, 32));
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + [iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')).join('.');
    },
    open(stored, context) {
      if (!stored.startsWith(PREFIX)) return stored;
      const [iv, tag, sealed] = stored.slice(PREFIX.length).split('.').map((p) => Buffer.from(p, 'base64url'));
      if (!iv || !tag || !sealed || iv.length !== 12 || tag.length !== 16) throw new Error('a sealed secret is malformed');
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
    },
    isSealed: (stored) => stored.startsWith(PREFIX),
  };
}

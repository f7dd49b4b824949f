/**
 * TOTP secrets sealed at rest (issue 6 follow-up; 等保三级: confidentiality of authentication data in
 * storage): AES-256-GCM bound to the account, legacy plain values read as they are.
 */
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../api/identity/secretBox.js';

const KEY = 'a-test-key-of-at-least-32-characters-000';
const SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

describe('secret box', () => {
  const box = createSecretBox(KEY);

  it('seals a secret so that the stored value does not hold it, and opens it for its account', () => {
    const sealed = box.seal(SECRET, 'sz-officer');
    expect(sealed).toMatch(/^enc:v1:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(box.isSealed(sealed)).toBe(true);
    expect(box.open(sealed, 'sz-officer')).toBe(SECRET);
    expect(box.seal(SECRET, 'sz-officer')).not.toBe(sealed); // a fresh IV each time
  });

  it('refuses a value copied onto another account, sealed with another key, or altered', () => {
    const sealed = box.seal(SECRET, 'sz-officer');
    expect(() => box.open(sealed, 'gd-officer')).toThrow();
    expect(() => createSecretBox(`${KEY}-rotated`).open(sealed, 'sz-officer')).toThrow();
    const [iv, tag, body] = sealed.slice('enc:v1:'.length).split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open(`enc:v1:${iv}.${tag}.${flipped.toString('base64url')}`, 'sz-officer')).toThrow();
    expect(() => box.open('enc:v1:not-a-value', 'sz-officer')).toThrow(/malformed/);
  });

  it('reads a value stored before sealing (plain base32) as it is', () => {
    expect(box.isSealed(SECRET)).toBe(false);
    expect(box.open(SECRET, 'anyone')).toBe(SECRET);
  });
});

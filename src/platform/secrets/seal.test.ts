import { describe, expect, it } from 'vitest';
import { openSecret, SealedSecretError, sealSecret } from './seal.js';

const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);

describe('sealed secrets', () => {
  it('opens what it sealed, with a fresh IV each time, never holding the secret in clear', () => {
    const a = sealSecret('mot de passe é', KEY, 'courrier-imap');
    const b = sealSecret('mot de passe é', KEY, 'courrier-imap');
    expect(a).toMatch(/^gs1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('mot');
    expect(openSecret(a, KEY, 'courrier-imap')).toBe('mot de passe é');
  });

  const sealed = sealSecret('secret', KEY, 'courrier-imap');
  const [v, iv, tag, ct] = sealed.split('.');
  it.each([
    ['another master key', sealed, OTHER_KEY, 'courrier-imap'],
    ['another purpose', sealed, KEY, 'signature'],
    ['an altered ciphertext', [v, iv, tag, `${ct!.slice(0, -2)}AA`].join('.'), KEY, 'courrier-imap'],
    ['an altered tag', [v, iv, `A${tag!.slice(1)}`, ct].join('.'), KEY, 'courrier-imap'],
    ['an unknown version', ['gk1', iv, tag, ct].join('.'), KEY, 'courrier-imap'],
    ['a truncated text', 'gs1.abc', KEY, 'courrier-imap'],
  ])('refuses %s', (_, text, key, purpose) => {
    expect(() => openSecret(text, key, purpose)).toThrow(SealedSecretError);
  });
});

/**
 * The IMAP server of a commune's mailbox must be public (decision 0054): an administrator of a
 * commune must not make Guichet connect inside the host's network (SSRF). Loopback (RFC 1122
 * §3.2.1.3), private (RFC 1918), carrier-grade NAT (RFC 6598), link-local (RFC 3927, RFC 4291
 * §2.5.6), unique local (RFC 4193), documentation (RFC 5737, RFC 3849) and unspecified addresses
 * are refused, as literals or as what a name resolves to — unless the instance allows it
 * (GUICHET_COURRIER_IMAP_ALLOW_PRIVATE=true).
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { imapTarget } from './use-cases/mailbox.js';

/** A resolver for names of the examples (no network): what each name resolves to. */
const FAKE_DNS: Record<string, string[]> = {
  'imap.exemple.fr': ['93.184.216.34'],
  'imap6.exemple.fr': ['2606:2800:220:1:248:1893:25c8:1946'],
  'intranet.opsn.fr': ['10.20.30.40'],
  'mixte.exemple.fr': ['93.184.216.34', '192.168.1.10'],
  'metadonnees.exemple.fr': ['169.254.169.254'],
};
const fakeLookup = async (name: string): Promise<string[]> => {
  const found = FAKE_DNS[name];
  if (!found) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  return found;
};

describe('the IMAP host of a mailbox', () => {
  it.each([
    // Literals, IPv4.
    ['127.0.0.1', 'loopback', '127.0.0.1'],
    ['127.8.9.10', 'loopback (all of 127/8)', '127.8.9.10'],
    ['10.0.0.5', 'private RFC 1918', '10.0.0.5'],
    ['172.16.0.1', 'private RFC 1918 (172.16/12)', '172.16.0.1'],
    ['172.31.255.255', 'private RFC 1918, last of 172.16/12', '172.31.255.255'],
    ['192.168.1.1', 'private RFC 1918', '192.168.1.1'],
    ['100.64.0.1', 'carrier-grade NAT RFC 6598', '100.64.0.1'],
    ['169.254.169.254', 'link-local (cloud metadata)', '169.254.169.254'],
    ['0.0.0.0', 'unspecified', '0.0.0.0'],
    ['192.0.2.10', 'documentation RFC 5737', '192.0.2.10'],
    // Literals, IPv6.
    ['[::1]', 'IPv6 loopback', '::1'],
    ['[::]', 'IPv6 unspecified', '::'],
    ['[fe80::1]', 'IPv6 link-local', 'fe80::1'],
    ['[fd12:3456::1]', 'IPv6 unique local RFC 4193', 'fd12:3456::1'],
    ['[::ffff:127.0.0.1]', 'IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['[::ffff:7f00:1]', 'IPv4-mapped loopback, hexadecimal', '::ffff:7f00:1'],
    ['[2001:db8::1]', 'documentation RFC 3849', '2001:db8::1'],
    // Names resolving to private addresses.
    ['intranet.opsn.fr', 'a name resolving to 10/8', '10.20.30.40'],
    ['mixte.exemple.fr', 'one of its addresses private', '192.168.1.10'],
    ['metadonnees.exemple.fr', 'a name resolving to link-local', '169.254.169.254'],
  ])('refuses %s (%s)', async (host, _why, shown) => {
    const target = await imapTarget(host, false, fakeLookup);
    expect(target).toEqual({
      ok: false,
      message: `Ce serveur est sur une adresse privée ou locale (${shown}) : Guichet ne se connecte qu’à des serveurs publics. Indiquez le serveur IMAP de votre messagerie, par exemple imap.exemple.fr.`,
    });
  });

  it.each([
    ['imap.exemple.fr', '93.184.216.34'],
    ['imap6.exemple.fr', '2606:2800:220:1:248:1893:25c8:1946'],
    ['93.184.216.34', '93.184.216.34'],
    ['172.32.0.1', '172.32.0.1'], // just outside 172.16/12
    ['100.128.0.1', '100.128.0.1'], // just outside 100.64/10
    ['[2606:4700::1111]', '2606:4700::1111'],
    ['[::ffff:93.184.216.34]', '::ffff:93.184.216.34'],
  ])('accepts the public %s, connecting to %s', async (host, address) => {
    expect(await imapTarget(host, false, fakeLookup)).toEqual({ ok: true, address });
  });

  it('refuses a name that does not resolve, in French', async () => {
    expect(await imapTarget('inconnu.exemple.fr', false, fakeLookup)).toEqual({
      ok: false,
      message: 'Ce nom de serveur est inconnu : vérifiez-le, par exemple imap.exemple.fr.',
    });
  });

  // The machine's own resolver: localhost resolves to a loopback address (127.0.0.1 or ::1).
  it.each(['localhost', '127.1', '2130706433'])('refuses %s through the real resolver', async (host) => {
    const target = await imapTarget(host, false);
    expect(target.ok).toBe(false);
    expect(!target.ok && target.message).toMatch(
      /^Ce serveur est sur une adresse privée ou locale \((127\.0\.0\.1|::1|localhost)\)/,
    );
  });

  it('accepts any host, unchecked, when the instance allows private hosts', async () => {
    for (const host of ['127.0.0.1', 'localhost', 'intranet.opsn.fr', '[::1]'])
      expect(await imapTarget(host, true, fakeLookup)).toEqual({ ok: true, address: host });
  });

  it.each([
    [{}, false],
    [{ GUICHET_COURRIER_IMAP_ALLOW_PRIVATE: 'false' }, false],
    [{ GUICHET_COURRIER_IMAP_ALLOW_PRIVATE: 'true' }, true],
  ])('GUICHET_COURRIER_IMAP_ALLOW_PRIVATE from %j is %s', (env, allowed) => {
    expect(loadConfig(env).courrierImapAllowPrivate).toBe(allowed);
  });
});

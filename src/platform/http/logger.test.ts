import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, stripQuery, truncateAddress } from './logger.js';

describe('log redaction', () => {
  it('never writes credentials or personal data', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino(loggerOptions('info'), sink);
    logger.info(
      {
        user: { email: 'marie.dupont@example.org', password: 'Cheval-Agrafe-2026', phone: '0601020304' },
        mail: { to: 'paul@example.org', toAddress: 'paul@example.org' },
        req: { headers: { authorization: 'Bearer abc', cookie: 'guichet_csrf=xyz' } },
        config: {
          secret: 's3cr3t',
          databaseUrl: 'postgres://u:pw@h/db',
          smtpUrl: 'smtp://u:pw@h',
          sms: { ovh: { applicationSecret: 'ovh-as-secret', consumerKey: 'ovh-ck-secret' } },
          blobs: { store: 's3', s3: { secretAccessKey: 's3-secret-key' } },
        },
        sms: { to: '+33611223344', toNumber: '+33655667788' },
      },
      'essai',
    );
    const out = lines.join('');
    for (const secret of [
      'marie.dupont',
      'Cheval-Agrafe',
      '0601020304',
      'paul@',
      'Bearer abc',
      'xyz',
      's3cr3t',
      'u:pw',
      'ovh-as-secret',
      'ovh-ck-secret',
      's3-secret-key',
      '+33611223344',
      '+33655667788',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[masqué]');
  });

  it.each([
    ['203.0.113.57', '203.0.113.0'],
    ['::ffff:198.51.100.7', '198.51.100.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    [undefined, undefined],
  ])('truncates the client address %s to %s', (input, output) => {
    expect(truncateAddress(input)).toBe(output);
  });

  it('drops query strings, which may carry tokens', () => {
    expect(stripQuery('/reinitialiser?jeton=abc')).toBe('/reinitialiser?…');
    expect(stripQuery('/c/villebelle/')).toBe('/c/villebelle/');
  });
});

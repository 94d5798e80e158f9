/**
 * Compression of responses: pages and assets in brotli or gzip, never PDFs (already compressed),
 * with the security headers intact and HEAD requests answered without a body.
 */
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from './modules/demo/seed.js';
import { COMPRESSIBLE_TYPES } from './platform/http/compression.js';
import { createTestApp, type TestApp } from './test/app.js';
import { TestBrowser } from './test/browser.js';
import { TEST_ENGINES } from './test/databases.js';

describe('compressible content types', () => {
  it('are the text types, never PDFs, images, fonts or archives', () => {
    for (const type of [
      'text/html; charset=utf-8',
      'text/css',
      'text/javascript; charset=utf-8',
      'application/javascript',
      'application/json; charset=utf-8',
      'application/problem+json',
      'text/csv; charset=utf-8',
      'image/svg+xml',
      'text/calendar',
    ]) {
      expect(COMPRESSIBLE_TYPES.test(type), type).toBe(true);
    }
    for (const type of [
      'application/pdf',
      'image/jpeg',
      'image/png',
      'image/webp',
      'font/woff2',
      'application/zip',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/octet-stream',
      'message/rfc822',
      'text/htmlx',
    ]) {
      expect(COMPRESSIBLE_TYPES.test(type), type).toBe(false);
    }
  });
});

describe.each(TEST_ENGINES)('response compression on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  it('sends an HTML page in brotli that decompresses to the same page, headers intact', async () => {
    const plain = await t.app.inject({ url: '/c/villebelle/', remoteAddress: '198.51.100.1' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await t.app.inject({
      url: '/c/villebelle/',
      headers: { 'accept-encoding': 'br' },
      remoteAddress: '198.51.100.1',
    });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['content-type']).toBe(plain.headers['content-type']);
    expect(br.headers['content-security-policy']).toBe(plain.headers['content-security-policy']);
    expect(br.headers['x-frame-options']).toBe('DENY');
    expect(br.headers['x-request-id']).toBeTruthy();
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    // Same page but for per-response values (CSRF token, nonce-free anyway): compare without them.
    const html = zlib.brotliDecompressSync(br.rawPayload).toString('utf8');
    const stable = (s: string) => s.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(stable(html)).toBe(stable(plain.body));
    expect(html).toContain('Villebelle');

    const gzip = await t.app.inject({
      url: '/c/villebelle/',
      headers: { 'accept-encoding': 'gzip, deflate' },
      remoteAddress: '198.51.100.1',
    });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(stable(zlib.gunzipSync(gzip.rawPayload).toString('utf8'))).toBe(stable(plain.body));
  });

  it('compresses stylesheets served from /static', async () => {
    const page = await t.app.inject({ url: '/c/villebelle/' });
    const css = /href="(\/static\/[^"]+\.css)"/.exec(page.body)?.[1];
    expect(css).toBeDefined();
    const res = await t.app.inject({ url: css!, headers: { 'accept-encoding': 'br' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(res.rawPayload).toString('utf8')).toContain('govuk');
  });

  it('answers HEAD without a body, compressed or not', async () => {
    const res = await t.app.inject({
      method: 'HEAD',
      url: '/c/villebelle/',
      headers: { 'accept-encoding': 'br' },
      remoteAddress: '198.51.100.1',
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBe(0);
    expect(String(res.headers['content-type'])).toContain('text/html');
  });

  it('sends the PDF receipt as it is, even to a browser accepting brotli', async () => {
    const b = new TestBrowser(t.app, { remoteAddress: '198.51.100.2' });
    const sent = await b.submit('/c/villebelle/contacter-la-mairie', {
      subject: 'Horaires de la mairie',
      message: 'Bonjour, la mairie est-elle ouverte le samedi matin ?',
      name: 'Élodie Lefèvre',
      email: 'elodie.lefevre@exemple.fr',
    });
    expect(sent.statusCode).toBe(303);
    const pdf = await t.app.inject({
      url: '/c/villebelle/demande-envoyee/accuse-de-reception.pdf',
      headers: {
        'accept-encoding': 'br, gzip',
        cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      remoteAddress: '198.51.100.2',
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-encoding']).toBeUndefined();
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});

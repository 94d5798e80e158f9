import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './platform/http/app.js';
import { MODULES } from './registry.js';
import { createTestApp, type TestApp } from './test/app.js';
import { insertTestCommune } from './test/communes.js';
import { TEST_ENGINES } from './test/databases.js';
import { citizen, staffMember } from './test/factories.js';
import { signIn } from './test/sign-in.js';

function csrfFrom(res: LightMyRequestResponse): { token: string; cookie: string } {
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  const setCookie = res.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).find((c) => c.startsWith('guichet_csrf='));
  if (!token || !cookie) throw new Error('no CSRF token in page');
  return { token, cookie: cookie.split(';')[0]! };
}

describe.each(TEST_ENGINES)('HTTP layer on %s', (engine) => {
  let t: TestApp;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await createTestApp(engine);
    app = t.app;
    await insertTestCommune(t.runtime.database, {
      slug: 'villebelle',
      name: 'Villebelle',
      hostname: 'villebelle.localhost',
      services: [{ slug: 'urbanisme', name: 'Urbanisme', description: 'Permis de construire' }],
    });
    await insertTestCommune(t.runtime.database, {
      slug: 'petit-bourg',
      name: 'Petit-Bourg',
      services: [{ slug: 'secretariat', name: 'Secrétariat' }],
    });
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  /** The main navigation's links of a page: label and whether it is the current page. */
  function menu(html: string): string[] {
    const list = /<ul class="govuk-service-navigation__list" id="navigation">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    return [...list.matchAll(/<a class="govuk-service-navigation__link" href="([^"]+)"( aria-current="page")?>/g)].map(
      (m) => `${m[1]}${m[2] ? ' (page courante)' : ''}`,
    );
  }

  it('shows each person the navigation the modules contribute, as far as its routes admit them', async () => {
    const villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    expect(menu((await app.inject({ url: '/c/villebelle/services' })).body)).toEqual([
      '/c/villebelle/',
      '/c/villebelle/services (page courante)',
      '/c/villebelle/contact',
      '/c/villebelle/famille/tarifs',
      '/c/villebelle/deliberations',
      '/c/villebelle/connexion',
    ]);
    const person = await citizen(t, villebelle);
    const citizenBrowser = await signIn(app, person.email);
    expect(menu((await citizenBrowser.get('/c/villebelle/')).body)).toEqual([
      '/c/villebelle/ (page courante)',
      '/c/villebelle/services',
      '/c/villebelle/contact',
      '/c/villebelle/famille/tarifs',
      '/c/villebelle/deliberations',
      '/c/villebelle/mon-espace',
      '/c/villebelle/demandes',
      '/c/villebelle/compte',
    ]);
    const agent = await staffMember(t, villebelle, { role: 'agent', services: ['urbanisme'] });
    const agentBrowser = await signIn(app, agent.email);
    expect(menu((await agentBrowser.get('/c/villebelle/contact')).body)).toEqual([
      '/c/villebelle/',
      '/c/villebelle/services',
      '/c/villebelle/contact (page courante)',
      '/c/villebelle/famille/tarifs',
      '/c/villebelle/deliberations',
      '/c/villebelle/agent',
      '/c/villebelle/mon-espace',
      '/c/villebelle/demandes',
      '/c/villebelle/compte',
    ]);
  });

  it('sends strict security headers and a request id', async () => {
    const res = await app.inject({ url: '/c/villebelle/' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('answers a resource of another commune with 404, never 403', async () => {
    expect((await app.inject({ url: '/c/villebelle/services/urbanisme' })).statusCode).toBe(200);
    const cross = await app.inject({ url: '/c/petit-bourg/services/urbanisme' });
    expect(cross.statusCode).toBe(404);
    expect(cross.body).toContain('Page introuvable');
    expect(cross.body).toContain('Petit-Bourg'); // rendered in the requested commune's layout
    expect((await app.inject({ url: '/c/commune-inconnue/' })).statusCode).toBe(404);
  });

  it('resolves the commune from the host name', async () => {
    const res = await app.inject({ url: '/services', headers: { host: 'villebelle.localhost:3000' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Urbanisme');
    const instance = await app.inject({ url: '/', headers: { host: 'guichet.example.org' } });
    expect(instance.body).toContain('Petit-Bourg');
  });

  it('lists the communes in French alphabetical order on the instance home', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.body.indexOf('Petit-Bourg')).toBeLessThan(res.body.indexOf('Villebelle'));
  });

  it('refuses a form posted without a valid CSRF token, and accepts it with one', async () => {
    const form = '/c/villebelle/mot-de-passe-oublie';
    const refused = await app.inject({
      method: 'POST',
      url: form,
      payload: 'email=a%40example.org',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Le formulaire a expiré');

    const page = await app.inject({ url: form });
    const { token, cookie } = csrfFrom(page);
    const forged = await app.inject({
      method: 'POST',
      url: form,
      payload: `_csrf=${encodeURIComponent(`${token}x`)}&email=a%40example.org`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    expect(forged.statusCode).toBe(403);

    const invalid = await app.inject({
      method: 'POST',
      url: form,
      payload: `_csrf=${encodeURIComponent(token)}&email=pas-une-adresse`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('value="pas-une-adresse"'); // what was typed is kept

    const ok = await app.inject({
      method: 'POST',
      url: form,
      payload: `_csrf=${encodeURIComponent(token)}&email=a%40example.org`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Consultez votre messagerie');
  });

  const hugeForm = `to=${'a'.repeat(1_100_000)}`;
  it.each([
    ['malformed JSON', { 'content-type': 'application/json' }, '{"to": ', 400, 'body.invalid_json'],
    ['empty JSON', { 'content-type': 'application/json' }, '', 400, 'body.empty_json'],
    [
      'prototype pollution',
      { 'content-type': 'application/json' },
      '{"__proto__": {"admin": true}}',
      400,
      'body.invalid_json',
    ],
    ['wrong content type', { 'content-type': 'text/xml' }, '<a/>', 415, 'body.unsupported_media_type'],
    ['no content type', {}, 'hello', 415, 'body.unsupported_media_type'],
    ['huge body', { 'content-type': 'application/x-www-form-urlencoded' }, hugeForm, 413, 'body.too_large'],
    [
      'invalid UTF-8',
      { 'content-type': 'application/x-www-form-urlencoded' },
      Buffer.from([0x74, 0x6f, 0x3d, 0xff, 0xfe]),
      400,
      'body.invalid_utf8',
    ],
  ])('answers %s with a French 4xx, never a 500', async (_label, headers, payload, status, code) => {
    const res = await app.inject({
      method: 'POST',
      url: '/_demo/courriels',
      payload,
      headers: { ...headers, accept: 'application/json' } as Record<string, string>,
    });
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/[éèàùç’]|Le |La |Les /);
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it.each([
    ['unknown query field', '/api/v1/communes?admin=1', 422],
    ['malformed percent-encoding in a path', '/api/v1/communes/%E9%ZZ', 400],
    ['malformed percent-encoding in a commune', '/c/%ZZ/', 400],
    ['unknown API route', '/api/v1/inconnu', 404],
    ['over-long parameter', `/api/v1/communes/${'x'.repeat(300)}`, 414],
  ])('answers %s with a 4xx JSON error', async (_label, url, status) => {
    const res = await app.inject({ url, headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(status);
    expect(res.json().error.message).toMatch(/[’éà]/);
  });

  it('renders errors as a French HTML page for browsers', async () => {
    const res = await app.inject({ url: '/nulle-part', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<html lang="fr"');
    expect(res.body).toContain('Page introuvable');
  });

  it('documents the API in OpenAPI', async () => {
    const doc = (await app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/communes', '/api/v1/communes/{slug}']));
  });

  it('reports readiness from the database and the migrations', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', database: engine });
    await t.testDb.asSuperuser(`UPDATE schema_migration SET version = '9999' WHERE version = '0001'`);
    const notReady = await app.inject({ url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toMatchObject({ status: 'not_ready', reason: 'migrations_pending', pending: ['0001'] });
    await t.testDb.asSuperuser(`UPDATE schema_migration SET version = '0001' WHERE version = '9999'`);
  });
});

describe.each(TEST_ENGINES)('rate limiting on %s', (engine) => {
  let t: TestApp;
  let second: FastifyInstance;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '5' } });
    // A second web process on the same database shares the counters.
    second = await buildApp(t.runtime, MODULES);
    await second.ready();
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('limits an address across web processes, in French, and exempts health probes and page reads', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const target = i % 2 === 0 ? t.app : second;
      statuses.push((await target.inject({ url: '/api/v1/communes', remoteAddress: '192.0.2.10' })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limitedForm = await second.inject({
      method: 'POST',
      url: '/_demo/courriels',
      payload: 'to=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress: '192.0.2.10',
    });
    expect(limitedForm.statusCode).toBe(429);
    expect(limitedForm.body).toContain('Trop de demandes');
    expect(limitedForm.headers['retry-after']).toBeDefined();
    expect((await t.app.inject({ url: '/api/v1/communes', remoteAddress: '192.0.2.11' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/healthz', remoteAddress: '192.0.2.10' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/mentions-legales', remoteAddress: '192.0.2.10' })).statusCode).toBe(200);
  });
});

describe('HTTPS behind a reverse proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { env: { GUICHET_TRUST_PROXY: 'true' } });
  });
  afterAll(() => t?.close());

  it('sends HSTS only when the request came over https', async () => {
    const https = await t.app.inject({ url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const http = await t.app.inject({ url: '/healthz' });
    expect(http.headers['strict-transport-security']).toBeUndefined();
  });

  it('keeps a well-formed request id from the proxy and replaces a malformed one', async () => {
    const kept = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'proxy-abc-12345' } });
    expect(kept.headers['x-request-id']).toBe('proxy-abc-12345');
    const replaced = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers['x-request-id']).not.toContain('<');
  });
});

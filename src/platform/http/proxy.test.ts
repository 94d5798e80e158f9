/**
 * Issue 8, finding 2: behind nginx (`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`)
 * the client writes the left-most X-Forwarded-For value. Only the trusted proxies' hops count: the
 * address the proxy saw (right-most) is the client's, for the rate limit and the sign-in lockout.
 * Finding 5: an absolute-form request target resolves its commune from the path like the router.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { insertTestCommune } from '../../test/communes.js';
import { TEST_ENGINES } from '../../test/databases.js';

const FORM = '/c/villebelle/mot-de-passe-oublie';
const SIGN_IN = '/c/villebelle/connexion';

async function addVillebelle(t: TestApp) {
  await insertTestCommune(t.runtime.database, {
    slug: 'villebelle',
    name: 'Villebelle',
    hostname: 'villebelle.localhost',
    services: [{ slug: 'urbanisme', name: 'Urbanisme' }],
  });
  await t.runtime.communes.reload();
}

describe('GUICHET_TRUSTED_PROXIES', () => {
  it('takes addresses, networks or a hop count, and keeps GUICHET_TRUST_PROXY=true to this machine', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ GUICHET_TRUSTED_PROXIES: '127.0.0.1, ::1' }).trustProxy).toEqual(['127.0.0.1', '::1']);
    expect(loadConfig({ GUICHET_TRUSTED_PROXIES: '10.0.0.0/8,fd00::/8' }).trustProxy).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    expect(loadConfig({ GUICHET_TRUSTED_PROXIES: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ GUICHET_TRUST_PROXY: 'true' }).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ GUICHET_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it.each(['*', 'nginx', '10.0.0.0/33', '127.0.0.1,', '0', '1.2.3.4/8/9'])('refuses %j, naming the variable', (v) => {
    expect(() => loadConfig({ GUICHET_TRUSTED_PROXIES: v })).toThrow(/GUICHET_TRUSTED_PROXIES : valeur invalide/);
  });

  it('refuses GUICHET_TRUST_PROXY=false with a list of proxies', () => {
    expect(() => loadConfig({ GUICHET_TRUST_PROXY: 'false', GUICHET_TRUSTED_PROXIES: '127.0.0.1' })).toThrow(
      /GUICHET_TRUST_PROXY : vaut false alors que GUICHET_TRUSTED_PROXIES est défini/,
    );
  });
});

describe.each(TEST_ENGINES)('client address behind a trusted proxy on %s', (engine) => {
  describe.each([
    ['GUICHET_TRUSTED_PROXIES=127.0.0.1', { GUICHET_TRUSTED_PROXIES: '127.0.0.1' }],
    ['GUICHET_TRUST_PROXY=true', { GUICHET_TRUST_PROXY: 'true' }],
  ])('%s', (_label, env) => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp(engine, { env: { ...env, GUICHET_RATE_LIMIT_PER_MINUTE: '3' } });
      await addVillebelle(t);
    });
    afterAll(() => t?.close());

    /** A POST as nginx on 127.0.0.1 forwards it: `<what the client wrote>, <address nginx saw>`. */
    const viaProxy = (clientWrote: string, seenByProxy: string, url = FORM, payload = 'email=a%40example.org') =>
      t.app.inject({
        method: 'POST',
        url,
        payload,
        remoteAddress: '127.0.0.1',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': `${clientWrote}, ${seenByProxy}`,
        },
      });

    it('rate-limits the address the proxy saw, whatever the client writes in X-Forwarded-For', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await viaProxy(`198.18.0.${i + 1}`, '203.0.113.7')).statusCode);
      // 403: no CSRF token (counted all the same); the 4th request of the minute is limited.
      expect(statuses).toEqual([403, 403, 403, 429, 429]);
      // Another client behind the same proxy has its own allowance.
      expect((await viaProxy('203.0.113.7', '203.0.113.99')).statusCode).toBe(403);
      // A peer that is not a trusted proxy cannot speak for anyone.
      const direct = await t.app.inject({
        method: 'POST',
        url: FORM,
        payload: 'email=a%40example.org',
        remoteAddress: '192.0.2.50',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.99' },
      });
      expect(direct.statusCode).toBe(403);
      const { rows } = await t.testDb.asSuperuser<{ key: string }>('SELECT key FROM rate_limit ORDER BY key');
      const keys = rows.map((r) => r.key).join(' ');
      expect(keys).toContain('203.0.113.7');
      expect(keys).toContain('192.0.2.50');
      expect(keys).not.toContain('198.18.0.');
    });

    it('counts sign-in failures against the network the proxy saw, not the one the client wrote', async () => {
      const page = await t.app.inject({
        url: SIGN_IN,
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': '203.0.113.50' },
      });
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const cookie = String(page.headers['set-cookie']).split(';')[0]!;
      const res = await t.app.inject({
        method: 'POST',
        url: SIGN_IN,
        remoteAddress: '127.0.0.1',
        payload: `_csrf=${encodeURIComponent(token)}&email=inconnu%40example.org&password=mauvais`,
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': '198.18.7.7, 203.0.113.50',
        },
      });
      expect(res.statusCode).toBe(422);
      const { rows } = await t.testDb.asSuperuser<{ key: string }>(
        "SELECT key FROM auth_throttle WHERE key LIKE 'network:%' ORDER BY key",
      );
      expect(rows.map((r) => r.key)).toEqual(['network:203.0.113.0']);
    });
  });
});

/** Sends one raw HTTP/1.1 request and returns the status line and the body. */
function rawRequest(port: number, head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(`${head}\r\nConnection: close\r\n\r\n`);
  });
}

describe.each(TEST_ENGINES)('absolute-form request targets on %s', (engine) => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await addVillebelle(t);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => t?.close());

  it('resolves the commune from the path of an absolute-form target (no 500)', async () => {
    const page = await rawRequest(port, 'GET http://evil.example/c/villebelle/ HTTP/1.1\r\nHost: evil.example');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Villebelle');
    const unknown = await rawRequest(port, 'GET http://evil.example/c/inconnue/ HTTP/1.1\r\nHost: evil.example');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('Page introuvable');
  });

  it('takes the host name of the target, as HTTP says, for a commune served on its own name', async () => {
    const page = await rawRequest(
      port,
      'GET http://villebelle.localhost/services/urbanisme HTTP/1.1\r\nHost: guichet.example.org',
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('Urbanisme');
  });
});

/**
 * Issue 8, finding 1: the demo mailbox held every reset link for anyone. From outside, over HTTP
 * only: on a demo instance the /_demo/* pages answer 404 to anonymous visitors and to citizens,
 * and show the mails to a signed-in administrator or operator only; without GUICHET_DEMO (the
 * default, embedded mode included) there is no /_demo route at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { mailDirectory } from '../../platform/mail/transport.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { DEMO_PASSWORD } from './accounts.js';
import { listMailbox } from './mailbox.js';
import { seedDemo } from './seed.js';

const CITIZEN = 'camille.martin@courriel.example';
const DEMO_PAGES = ['/_demo/courriels', '/_demo/sms', '/_demo/taches'];

async function waitUntil<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('GUICHET_DEMO', () => {
  it('is off unless asked, in embedded mode too', () => {
    expect(loadConfig({}).demo).toBe(false);
    expect(loadConfig({ GUICHET_DEMO: 'true' }).demo).toBe(true);
  });
});

describe.each(TEST_ENGINES)('demo pages on a demo instance (%s)', (engine) => {
  let t: TestApp;
  let address = 1;
  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.51.100.${address++}` });

  /** Signs in (administrators and the operator pass the demo key's second factor, decision 0029). */
  function signedIn(email: string, slug = 'villebelle'): Promise<TestBrowser> {
    return signIn(t.app, email, { slug, browser: browser() });
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { queueRole: 'worker', env: { GUICHET_DEMO: 'true' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  it('gives no reset link to an anonymous visitor, nor to a citizen; an administrator sees the mail', async () => {
    const requester = browser();
    const asked = await requester.submit('/c/villebelle/mot-de-passe-oublie', { email: CITIZEN });
    expect(asked.statusCode).toBe(200);
    // The reset mail is written as an .eml file by the worker.
    const file = await waitUntil(async () => {
      const mails = await listMailbox(mailDirectory(t.config));
      return mails.find((m) => m.to.includes(CITIZEN) && m.text.includes('mot-de-passe/nouveau?jeton='))?.file;
    }, 'the reset mail');

    for (const path of [...DEMO_PAGES, `/_demo/courriels/${file}`]) {
      const anonymous = await browser().get(path);
      expect(anonymous.statusCode, `anonymous GET ${path}`).toBe(404);
      expect(anonymous.body).not.toContain('jeton=');
      expect(anonymous.body).toContain('Page introuvable');
    }
    // The test-mail form and the job replay are refused before anything is done.
    const anonymousPost = await browser().post(
      '/_demo/courriels',
      { commune: 'villebelle', to: 'x@exemple.fr' },
      {
        withCsrf: false,
      },
    );
    expect([403, 404]).toContain(anonymousPost.statusCode);

    const citizen = await signedIn(CITIZEN);
    for (const path of [...DEMO_PAGES, `/_demo/courriels/${file}`]) {
      const res = await citizen.get(path);
      expect(res.statusCode, `citizen GET ${path}`).toBe(404);
      expect(res.body).not.toContain('jeton=');
    }
    // Even with a valid CSRF token of the citizen's own session, the form is not there.
    await citizen.get('/c/villebelle/compte');
    const citizenPost = await citizen.post('/_demo/courriels', { commune: 'villebelle', to: 'x@exemple.fr' });
    expect(citizenPost.statusCode).toBe(404);

    for (const staff of ['admin@villebelle.example', 'operateur@opsn.example']) {
      const b = await signedIn(staff);
      const list = await b.get('/_demo/courriels');
      expect(list.statusCode, `${staff} GET /_demo/courriels`).toBe(200);
      expect(list.body).toContain(file);
      const mail = await b.get(`/_demo/courriels/${file}`);
      expect(mail.statusCode).toBe(200);
      expect(mail.body).toContain('mot-de-passe/nouveau?jeton=');
      expect((await b.get('/_demo/taches')).statusCode).toBe(200);
    }
    // An administrator of the other commune is staff of the instance too.
    const saintAubin = await signedIn('secretariat@saint-aubin-les-pres.example', 'saint-aubin-les-pres');
    expect((await saintAubin.get('/_demo/sms')).statusCode).toBe(200);
  });
});

describe.each(TEST_ENGINES)('no demo pages without GUICHET_DEMO (%s)', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    // The demo data exists (as after an earlier demo start), but this start did not ask for the demo.
    t = await createTestApp(engine, { env: { GUICHET_DEMO: 'false' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  it('registers no /_demo route, so even an operator gets 404', async () => {
    expect(t.app.routeRegistry.filter((r) => r.url.startsWith('/_demo'))).toEqual([]);
    const operator = new TestBrowser(t.app, { remoteAddress: '198.51.100.200' });
    const res = await operator.submit('/c/villebelle/connexion', {
      email: 'operateur@opsn.example',
      password: DEMO_PASSWORD,
    });
    expect(res.statusCode).toBe(303);
    for (const path of DEMO_PAGES) {
      expect((await operator.get(path)).statusCode, path).toBe(404);
      expect((await new TestBrowser(t.app).get(path)).statusCode, path).toBe(404);
    }
  });
});

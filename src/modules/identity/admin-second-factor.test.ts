/**
 * Administrators and OPSN operators need a second factor before any back-office page, with no
 * grace period (decision 0029); agents keep theirs.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { staffMember } from '../../test/factories.js';
import { nextTestAddress, postSignIn, signIn } from '../../test/sign-in.js';
import { DEMO_TOTP_KEY, demoTotpSecret } from '../demo/accounts.js';
import { seedDemo } from '../demo/seed.js';
import { base32Secret } from './totp.js';

const MFA = '/c/villebelle/compte/double-authentification';

function keyOnPage(body: string): string {
  const grouped = /id="cle-totp"[^>]*>([A-Z2-7 ]+)</.exec(body)?.[1];
  if (!grouped) throw new Error('no TOTP key on the page');
  return grouped.replace(/ /g, '');
}

describe('the public demo key', () => {
  it('is the documented base32 key, 20 bytes', () => {
    expect(demoTotpSecret()).toHaveLength(20);
    expect(base32Secret(demoTotpSecret())).toBe(DEMO_TOTP_KEY);
  });
});

describe.each(TEST_ENGINES)('second factor of administrators and operators on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
  });
  afterAll(() => t?.close());

  it.each([
    ['the members page', '/c/villebelle/admin/membres'],
    ['the security journal', '/c/villebelle/admin/journal'],
    ['the inbox', '/c/villebelle/agent/demandes'],
  ])('sends an administrator without a factor from %s to set one up, then opens it', async (_label, page) => {
    const admin = await staffMember(t, villebelle, { role: 'admin', withoutFactor: true });
    const b = await signIn(t.app, admin.email);
    const refused = await b.get(page);
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe(`${MFA}?retour=${encodeURIComponent(page)}`);
    const enrolment = await b.get(String(refused.headers.location));
    expect(enrolment.statusCode).toBe(200);
    expect(enrolment.body).toContain('Activer la double authentification');
    expect(enrolment.body).toContain('doivent l’activer avant d’ouvrir toute page de gestion');
    const key = keyOnPage(enrolment.body);
    const code = TOTP.generate({ secret: Secret.fromBase32(key) });
    const enrolled = await b.post(MFA, { code, retour: page });
    expect(enrolled.statusCode).toBe(200);
    expect(enrolled.body).toContain('Vos codes de secours');
    const opened = await b.get(page);
    expect(opened.statusCode).toBe(200);
  });

  it('opens the admin pages to an administrator with a factor once it is presented', async () => {
    const admin = await staffMember(t, villebelle, { role: 'admin' });
    const b = await signIn(t.app, admin.email);
    expect((await b.get('/c/villebelle/admin/membres')).statusCode).toBe(200);
  });

  it('sends the operator without a factor from the operator pages to set one up', async () => {
    await t.testDb.asSuperuser(
      "DELETE FROM totp_factor WHERE account_id = (SELECT id FROM account WHERE email = 'operateur@opsn.example')",
    );
    const b = new TestBrowser(t.app, { remoteAddress: nextTestAddress() });
    expect((await postSignIn(b, 'operateur@opsn.example')).statusCode).toBe(303);
    const refused = await b.get('/operateur');
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toMatch(/^\/c\/[a-z-]+\/compte\/double-authentification\?retour=%2Foperateur$/);
    const enrolment = await b.get(String(refused.headers.location));
    expect(enrolment.statusCode).toBe(200);
    expect(enrolment.body).toContain('id="cle-totp"');
  });

  it('keeps the grace period of an agent without a factor', async () => {
    const agent = await staffMember(t, villebelle, { role: 'agent', services: ['urbanisme'] });
    const b = await signIn(t.app, agent.email);
    expect((await b.get('/c/villebelle/agent/demandes')).statusCode).toBe(200);
  });

  it('gives the demo administrator the demo key: the sign-in asks for its code, then the admin pages open', async () => {
    const b = await signIn(t.app, 'admin@villebelle.example');
    expect((await b.get('/c/villebelle/admin/membres')).statusCode).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

describe.each(TEST_ENGINES)('OPSN operator on %s', (engine) => {
  let t: TestApp;
  let address = 10;
  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.18.${address++}.4` });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  it('lists the communes with their figures and opens a new commune with its first administrator', async () => {
    const operator = await signIn(t.app, 'operateur@opsn.example');
    const home = await operator.get('/operateur');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Saint-Aubin-les-Prés');
    expect(home.body).toContain('Villebelle');

    const invalid = await operator.submit('/operateur/communes/nouvelle', { name: 'Bourg-Neuf', slug: 'Bourg Neuf' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('Saisissez l’adresse électronique du premier administrateur.');

    const created = await operator.submit('/operateur/communes/nouvelle', {
      name: 'Bourg-Neuf',
      slug: 'bourg-neuf',
      population: '2300',
      brandColour: '#7a2e8e',
      email: 'mairie@bourg-neuf.example',
      adminGivenName: 'Claire',
      adminFamilyName: 'Fontaine',
      adminEmail: 'admin@bourg-neuf.example',
    });
    expect(created.statusCode).toBe(303);
    expect((await operator.get('/operateur?creee=bourg-neuf')).body).toContain('Bourg-Neuf');
    expect((await browser().get('/c/bourg-neuf/')).statusCode).toBe(200);
    const mail = await t.testDb.asSuperuser<{ template: string }>(
      `SELECT template FROM mail_outbox WHERE to_address = 'admin@bourg-neuf.example'`,
    );
    expect(mail.rows.map((r) => r.template)).toEqual(['staffInvitation']);
    const journal = await t.testDb.asSuperuser<{ actor_type: string }>(
      `SELECT actor_type FROM audit_entry a JOIN commune c ON c.id = a.commune_id
        WHERE c.slug = 'bourg-neuf' AND a.action = 'commune.created'`,
    );
    expect(journal.rows).toEqual([{ actor_type: 'operator' }]);

    const taken = await operator.submit('/operateur/communes/nouvelle', {
      name: 'Autre',
      slug: 'bourg-neuf',
      adminGivenName: 'A',
      adminFamilyName: 'B',
      adminEmail: 'a@example.org',
    });
    expect(taken.statusCode).toBe(422);
    expect(taken.body).toContain('Une commune utilise déjà cet identifiant.');
  });

  it('refuses everyone else: 404 for a commune admin, sign-in for visitors', async () => {
    const admin = await signIn(t.app, 'admin@villebelle.example');
    expect((await admin.get('/operateur')).statusCode).toBe(404);
    const visitor = await browser().get('/operateur');
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/connexion?retour=%2Foperateur');
    expect((await browser().get('/connexion?retour=%2Foperateur')).body).toContain(
      '/c/villebelle/connexion?retour=%2Foperateur',
    );
  });
});

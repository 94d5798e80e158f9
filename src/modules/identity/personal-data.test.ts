import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { dateFields, SAMPLE_PDF } from '../../test/fixtures.js';
import { postSignIn, signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

describe.each(TEST_ENGINES)('personal data (RGPD) on %s', (engine) => {
  let t: TestApp;
  let address = 10;
  const browser = () => new TestBrowser(t.app, { remoteAddress: `203.0.${address++}.9` });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
  });
  afterAll(() => t?.close());

  /** Gives Camille a phone, an address, a child and a document in the vault. */
  async function fillProfile(b: TestBrowser) {
    await b.submit('/c/villebelle/compte/profil/coordonnees', {
      telephone: '06 12 34 56 78',
      'adresse-line1': '3 rue des Lilas',
      'adresse-postcode': '44100',
      'adresse-city': 'Villebelle',
    });
    await b.submit('/c/villebelle/compte/profil/foyer/ajouter', {
      prenom: 'Léa',
      nom: 'Martin',
      ...dateFields('naissance', '2015-03-03'),
      lien: 'enfant',
    });
    await b.get('/c/villebelle/compte/justificatifs/ajouter');
    const added = await b.postMultipart('/c/villebelle/compte/justificatifs/ajouter', { type: 'rib' }, [
      { name: 'fichier', filename: 'rib-camille.pdf', type: 'application/pdf', content: SAMPLE_PDF },
    ]);
    expect(added.statusCode).toBe(303);
  }

  it('exports everything held about the person as JSON and as a readable page, and journals it', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    await fillProfile(b);
    const json = await b.get('/c/villebelle/compte/donnees/export.json');
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toContain('attachment; filename="mes-donnees-villebelle.json"');
    const data = json.json();
    expect(data.account).toMatchObject({
      email: 'camille.martin@courriel.example',
      givenName: 'Camille',
      familyName: 'Martin',
    });
    expect(data.roles).toEqual([expect.objectContaining({ role: 'citizen' })]);
    expect(data.sessions.length).toBeGreaterThanOrEqual(1);
    expect(data.securityEvents.map((e: { action: string }) => e.action)).toContain('auth.sign_in');
    expect(data.retention.join(' ')).toContain('archives publiques');
    expect(data.profile).toEqual({
      phone: '06 12 34 56 78',
      address: { line1: '3 rue des Lilas', line2: null, postcode: '44100', city: 'Villebelle' },
      // The demo seeds Léa (born 2018) for the family portal; the test adds another Léa (2015).
      household: expect.arrayContaining([
        { givenName: 'Léa', familyName: 'Martin', birthDate: '2015-03-03', relation: 'enfant' },
      ]),
    });
    expect(data.documents).toEqual([
      {
        kind: 'rib',
        name: 'rib-camille.pdf',
        issuedOn: null,
        validUntil: null,
        sizeBytes: SAMPLE_PDF.length,
        addedAt: expect.any(String),
      },
    ]);
    expect(JSON.stringify(data)).not.toMatch(/argon2|password_hash|token_hash/);

    const page = await b.get('/c/villebelle/compte/donnees/lisible');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Camille');
    expect(page.body).toContain('3 rue des Lilas, 44100 Villebelle');
    expect(page.body).toContain('Léa Martin');
    expect(page.body).toContain('rib-camille.pdf');
    const journal = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_entry WHERE action = 'account.data_exported'`,
    );
    expect(journal.rows[0]!.n).toBe(2);
  });

  it('asks for the password again before an export when the last credential is old', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    await t.testDb.asSuperuser(`UPDATE session SET reauthenticated_at = now() - interval '1 hour'`);
    const res = await b.get('/c/villebelle/compte/donnees/export.json');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/c/villebelle/compte/confirmer-identite');
  });

  it('refuses to let staff erase their own account', async () => {
    const b = await signIn(t.app, 'agent.urbanisme@villebelle.example');
    await b.get('/c/villebelle/compte/donnees');
    const res = await b.post('/c/villebelle/compte/donnees/supprimer', { confirmation: 'oui' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Demandez sa suppression à l’administrateur de la commune');
  });

  const profileCounts = async () =>
    (
      await t.testDb.asSuperuser<{ profiles: number; members: number; documents: number; blobs: number }>(
        `SELECT (SELECT count(*)::int FROM citizen_profile) AS profiles,
                (SELECT count(*)::int FROM household_member) AS members,
                (SELECT count(*)::int FROM supporting_document) AS documents,
                (SELECT count(*)::int FROM blob WHERE scope LIKE 'accounts/%') AS blobs`,
      )
    ).rows[0];

  it('erases a citizen account in every commune and closes its sessions', async () => {
    const other = await signIn(t.app, 'camille.martin@courriel.example', { slug: 'saint-aubin-les-pres' });
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    await fillProfile(b);
    // Two documents with the same bytes: one blob in the account's scope.
    // members: the two the test adds and the demo family's child.
    expect(await profileCounts()).toEqual({ profiles: 1, members: 3, documents: 2, blobs: 1 });
    await b.get('/c/villebelle/compte/donnees');
    const unconfirmed = await b.post('/c/villebelle/compte/donnees/supprimer', {});
    expect(unconfirmed.statusCode).toBe(422);
    expect(unconfirmed.body).toContain('Cochez la case pour confirmer');
    const res = await b.post('/c/villebelle/compte/donnees/supprimer', { confirmation: 'oui' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Votre compte a été supprimé.');
    expect((await other.get('/c/saint-aubin-les-pres/compte')).statusCode).toBe(303);
    const again = await postSignIn(browser(), 'camille.martin@courriel.example');
    expect(again.statusCode).toBe(422);
    const rows = await t.testDb.asSuperuser<{ email: string; given_name: string; memberships: number }>(
      `SELECT a.email, a.given_name, (SELECT count(*)::int FROM membership m WHERE m.account_id = a.id) AS memberships
         FROM account a WHERE a.email LIKE 'compte-supprime-%'`,
    );
    expect(rows.rows).toEqual([
      { email: expect.stringMatching(/@compte-supprime\.invalid$/), given_name: '', memberships: 0 },
    ]);
    // Profile, household and vault documents (their bytes too) are gone with the account.
    expect(await profileCounts()).toEqual({ profiles: 0, members: 0, documents: 0, blobs: 0 });
  });
});

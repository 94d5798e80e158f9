/**
 * The citizen's profile: the rules of phone numbers, postal addresses and household members
 * (table-driven, with their boundaries), then the pages on both engines — saving, 422 re-render
 * with French messages, another person's household member answering 404 — and the prefill of
 * phone and address into a démarche without touching answers already given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { addSecondCitizen, formOutcome as outcome } from '../../test/fixtures.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { parseContactForm, parseHouseholdMemberForm } from './profile.js';

const PHONE_ERROR = 'Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78';

describe('contact details', () => {
  it.each([
    ['', null],
    ['06 12 34 56 78', '06 12 34 56 78'],
    ['0612345678', '06 12 34 56 78'],
    ['06.12.34.56.78', '06 12 34 56 78'],
    ['+33 6 12 34 56 78', '06 12 34 56 78'],
    ['+33 (0)1 23 45 67 89', '01 23 45 67 89'],
    ['0033 5 12 34 56 78', '05 12 34 56 78'],
    ['+262 692 12 34 56', '06 92 12 34 56'],
    ['+32 470 12 34 56', '+32470123456'],
  ])('accepts the phone %j as %j', (typed, stored) => {
    expect(outcome(() => parseContactForm({ telephone: typed }))).toEqual({ ok: { phone: stored, address: null } });
  });

  it.each([
    '06 12 34 56 7',
    '06 12 34 56 78 9',
    '00 12 34 56 78',
    '12345',
    'appelez-moi',
    '+33 6 12 34',
    '+1 23',
    '0'.repeat(41),
  ])('refuses the phone %j', (typed) => {
    expect(outcome(() => parseContactForm({ telephone: typed }))).toEqual({ errors: { telephone: PHONE_ERROR } });
  });

  const address = { 'adresse-line1': '3 rue des Lilas', 'adresse-city': 'Villebelle' };

  it.each([
    ['75001', '75001'],
    [' 75 001 ', '75001'],
    ['01000', '01000'],
    ['20000', '20000'],
    ['97400', '97400'],
    ['98000', '98000'],
  ])('accepts the postcode %j', (typed, stored) => {
    expect(outcome(() => parseContactForm({ ...address, 'adresse-postcode': typed }))).toEqual({
      ok: { phone: null, address: { line1: '3 rue des Lilas', postcode: stored, city: 'Villebelle' } },
    });
  });

  it.each(['7500', '750011', '00100', '99000', '2A004', 'abcde'])('refuses the postcode %j', (typed) => {
    expect(outcome(() => parseContactForm({ ...address, 'adresse-postcode': typed }))).toEqual({
      errors: { 'adresse-postcode': 'Le code postal doit comporter 5 chiffres, par exemple 75001' },
    });
  });

  it.each([
    [
      { 'adresse-city': 'Villebelle' },
      {
        'adresse-line1': 'Saisissez le numéro et le nom de la voie',
        'adresse-postcode': 'Saisissez le code postal',
      },
    ],
    [
      { 'adresse-line2': 'Bâtiment B' },
      {
        'adresse-line1': 'Saisissez le numéro et le nom de la voie',
        'adresse-postcode': 'Saisissez le code postal',
        'adresse-city': 'Saisissez la commune',
      },
    ],
    [
      { 'adresse-line1': 'x'.repeat(201), 'adresse-postcode': '44100', 'adresse-city': 'Villebelle' },
      { 'adresse-line1': 'Le numéro et la voie doivent comporter au plus 200 caractères' },
    ],
  ])('says what is missing or wrong in an address: %j', (typed, errors) => {
    expect(outcome(() => parseContactForm(typed))).toEqual({ errors });
  });

  it('keeps a 200-character line and the complement, with spaces tidied', () => {
    const line1 = `${'x'.repeat(199)}y`;
    expect(
      parseContactForm({
        'adresse-line1': `  ${line1} `,
        'adresse-line2': 'Bâtiment\tB,   2e étage',
        'adresse-postcode': '44100',
        'adresse-city': 'Villebelle',
      }).address,
    ).toEqual({ line1, line2: 'Bâtiment B, 2e étage', postcode: '44100', city: 'Villebelle' });
  });
});

describe('household members', () => {
  const today = '2026-06-15';
  const member = (birth: [string, string, string], extra: Record<string, string> = {}) =>
    outcome(() =>
      parseHouseholdMemberForm(
        {
          prenom: 'Léa',
          nom: 'Martin',
          'naissance-day': birth[0],
          'naissance-month': birth[1],
          'naissance-year': birth[2],
          lien: 'enfant',
          ...extra,
        },
        today,
      ),
    );

  it.each([
    [['15', '6', '2026'], '2026-06-15'],
    [['1', '1', '1900'], '1900-01-01'],
    [['29', '2', '2024'], '2024-02-29'],
    [['3', 'mars', '2015'], '2015-03-03'],
    [['07', '09', '1984'], '1984-09-07'],
  ] as const)('accepts the birth date %j', (birth, stored) => {
    expect(member([...birth])).toEqual({
      ok: { givenName: 'Léa', familyName: 'Martin', birthDate: stored, relation: 'enfant' },
    });
  });

  it.each([
    [['16', '6', '2026'], 'La date de naissance doit être aujourd’hui ou dans le passé'],
    [['31', '12', '1899'], 'La date de naissance doit être après le 1er janvier 1900'],
    [['29', '2', '2023'], 'La date de naissance doit être une date réelle, par exemple 27 3 2015'],
    [['31', '4', '2015'], 'La date de naissance doit être une date réelle, par exemple 27 3 2015'],
    [['12', '13', '2015'], 'La date de naissance doit être une date réelle, par exemple 27 3 2015'],
    [['12', '3', '15'], 'La date de naissance doit être une date réelle, par exemple 27 3 2015'],
    [['', '3', '2015'], 'La date de naissance doit être une date réelle, par exemple 27 3 2015'],
    [['', '', ''], 'Saisissez la date de naissance'],
  ] as const)('refuses the birth date %j', (birth, message) => {
    expect(member([...birth])).toEqual({ errors: { naissance: message } });
  });

  it('asks for the names and the relation, in the order of the page', () => {
    expect(member(['1', '2', '2010'], { prenom: ' ', nom: '', lien: 'voisin' })).toEqual({
      errors: {
        prenom: 'Saisissez le prénom',
        nom: 'Saisissez le nom',
        lien: 'Indiquez le lien de cette personne avec vous',
      },
    });
    expect(member(['1', '2', '2010'], { prenom: 'x'.repeat(201) })).toEqual({
      errors: { prenom: 'Le prénom doit comporter au plus 200 caractères' },
    });
  });
});

describe.each(TEST_ENGINES)('profile pages on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    await addSecondCitizen(t.runtime.database, villebelle);
  });
  afterAll(() => t?.close());

  it('saves contact details, re-rendering the form with French messages when they are wrong', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    const account = await b.get('/c/villebelle/compte');
    expect(account.body).toContain('href="/c/villebelle/compte/profil"');
    const empty = await b.get('/c/villebelle/compte/profil');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('Non renseigné');

    await b.get('/c/villebelle/compte/profil/coordonnees');
    const wrong = await b.post('/c/villebelle/compte/profil/coordonnees', {
      telephone: '06 12',
      'adresse-line1': '3 rue des Lilas',
      'adresse-postcode': '4410',
      'adresse-city': 'Villebelle',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('<title>Erreur\u00a0: Mes coordonnées – Villebelle</title>');
    expect(wrong.body).toContain(`href="#telephone">${PHONE_ERROR}`);
    expect(wrong.body).toContain('href="#adresse-postcode">Le code postal doit comporter 5 chiffres');
    expect(wrong.body).toContain('value="3 rue des Lilas"');

    const saved = await b.post('/c/villebelle/compte/profil/coordonnees', {
      telephone: '+33 6 12 34 56 78',
      'adresse-line1': '3 rue des Lilas',
      'adresse-line2': '',
      'adresse-postcode': '44100',
      'adresse-city': 'Villebelle',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/c/villebelle/compte/profil?enregistre=coordonnees');
    const shown = await b.get(saved.headers.location as string);
    expect(shown.body).toContain('Vos coordonnées sont enregistrées.');
    expect(shown.body).toContain('06 12 34 56 78');
    expect(shown.body).toContain('44100 Villebelle');
  });

  it('adds, edits and removes household members; another person gets 404 on them', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    await b.get('/c/villebelle/compte/profil/foyer/ajouter');
    const wrong = await b.post('/c/villebelle/compte/profil/foyer/ajouter', {
      prenom: 'Léa',
      nom: '',
      'naissance-day': '31',
      'naissance-month': '2',
      'naissance-year': '2015',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('href="#nom">Saisissez le nom');
    expect(wrong.body).toContain('href="#naissance-day">La date de naissance doit être une date réelle');
    expect(wrong.body).toContain('href="#lien">Indiquez le lien');
    expect(wrong.body).toContain('value="Léa"');

    const added = await b.post('/c/villebelle/compte/profil/foyer/ajouter', {
      prenom: 'Léa',
      nom: 'Martin',
      'naissance-day': '3',
      'naissance-month': '3',
      'naissance-year': '2015',
      lien: 'enfant',
    });
    expect(added.headers.location).toBe('/c/villebelle/compte/profil?enregistre=ajoute');
    const list = await b.get('/c/villebelle/compte/profil');
    expect(list.body).toContain('Léa Martin');
    expect(list.body).toContain('3 mars 2015');
    const memberId = /\/compte\/profil\/foyer\/([0-9a-f-]{36})"/.exec(list.body)?.[1];
    expect(memberId).toBeDefined();

    const edit = await b.get(`/c/villebelle/compte/profil/foyer/${memberId}`);
    expect(edit.body).toContain('name="naissance-day" type="text" inputmode="numeric" value="3"');
    const edited = await b.post(`/c/villebelle/compte/profil/foyer/${memberId}`, {
      prenom: 'Léa',
      nom: 'Martin-Roy',
      'naissance-day': '3',
      'naissance-month': '3',
      'naissance-year': '2015',
      lien: 'enfant',
    });
    expect(edited.headers.location).toBe('/c/villebelle/compte/profil?enregistre=modifie');
    expect((await b.get('/c/villebelle/compte/profil')).body).toContain('Léa Martin-Roy');

    // Someone else: the member does not exist for them.
    const other = await signIn(t.app, 'paul.voisin@courriel.example');
    expect((await other.get(`/c/villebelle/compte/profil/foyer/${memberId}`)).statusCode).toBe(404);
    expect((await other.get(`/c/villebelle/compte/profil/foyer/${memberId}/retirer`)).statusCode).toBe(404);
    await other.get('/c/villebelle/compte/profil/foyer/ajouter');
    expect((await other.post(`/c/villebelle/compte/profil/foyer/${memberId}/retirer`, {})).statusCode).toBe(404);
    expect((await other.get('/c/villebelle/compte/profil')).body).not.toContain('Léa');
    expect((await other.get('/c/villebelle/compte/profil/foyer/pas-un-identifiant')).statusCode).toBe(404);

    const confirm = await b.get(`/c/villebelle/compte/profil/foyer/${memberId}/retirer`);
    expect(shownText(confirm.body)).toContain('Retirer Léa Martin-Roy de mon foyer ?');
    const removed = await b.post(`/c/villebelle/compte/profil/foyer/${memberId}/retirer`, {});
    expect(removed.headers.location).toBe('/c/villebelle/compte/profil?enregistre=retire');
    // Only the demo family's child (Léa Martin, at the canteen) is left.
    expect((await b.get('/c/villebelle/compte/profil')).body).not.toContain('Martin-Roy');
  });

  it('hides every profile row from a transaction scoped to another account (RLS)', async () => {
    const { rows } = await t.testDb.asSuperuser<{ n: number }>('SELECT count(*)::int AS n FROM citizen_profile');
    expect(rows[0]!.n).toBeGreaterThan(0);
    const seen = await withTenant(t.runtime.database, villebelle.id, async (tx) => {
      const unscoped = await tx.client.query('SELECT * FROM citizen_profile');
      await tx.client.query("SELECT set_config('app.account_id', $1, true)", ['01a22309-0000-7000-8000-000000000009']);
      const scoped = await tx.client.query('SELECT * FROM citizen_profile');
      return [unscoped.rowCount, scoped.rowCount];
    });
    expect(seen).toEqual([0, 0]);
    // Scoped to the right account it sees its row; it cannot write a row of another account.
    const camille = (
      await t.testDb.asSuperuser<{ id: string }>(
        `SELECT id FROM account WHERE email = 'camille.martin@courriel.example'`,
      )
    ).rows[0]!.id;
    const paul = (
      await t.testDb.asSuperuser<{ id: string }>(`SELECT id FROM account WHERE email = 'paul.voisin@courriel.example'`)
    ).rows[0]!.id;
    const write = withTenant(t.runtime.database, villebelle.id, async (tx) => {
      await tx.client.query("SELECT set_config('app.account_id', $1, true)", [camille]);
      expect((await tx.client.query('SELECT * FROM citizen_profile')).rowCount).toBe(1);
      await tx.client.query(
        `INSERT INTO household_member (id, account_id, given_name, family_name, birth_date, relation)
         VALUES ('01a22309-0000-7000-8000-0000000000cc', $1, 'Intrus', 'Intrus', '2000-01-01', 'autre')`,
        [paul],
      );
    });
    await expect(write).rejects.toThrow(/row-level security/);
  });

  it('prefills phone and address into a démarche, never over answers already given', async () => {
    const b = await signIn(t.app, 'camille.martin@courriel.example');
    await b.get('/c/villebelle/compte/profil/coordonnees');
    await b.post('/c/villebelle/compte/profil/coordonnees', {
      telephone: '06 12 34 56 78',
      'adresse-line1': '3 rue des Lilas',
      'adresse-line2': 'Bâtiment B',
      'adresse-postcode': '44100',
      'adresse-city': 'Villebelle',
    });
    const base = '/c/villebelle/demarches/inscription-liste-electorale';
    const page = await b.get(`${base}/adresse`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="adresse-line1" type="text" value="3 rue des Lilas"');
    expect(page.body).toContain('value="Bâtiment B"');
    expect(page.body).toContain('value="44100"');
    expect(page.body).toContain('value="06 12 34 56 78"');

    // The citizen gives another address and no phone: the profile does not come back over them.
    const answered = await b.post(`${base}/adresse`, {
      'adresse-line1': '8 avenue du Port',
      'adresse-postcode': '44100',
      'adresse-city': 'Villebelle',
      email: 'camille.martin@courriel.example',
      telephone: '',
      action: 'continuer',
    });
    expect(answered.statusCode).toBe(303);
    const again = await b.get(`${base}/adresse`);
    expect(again.body).toContain('value="8 avenue du Port"');
    expect(again.body).not.toContain('3 rue des Lilas');
    expect(again.body).not.toContain('06 12 34 56 78');
  });
});

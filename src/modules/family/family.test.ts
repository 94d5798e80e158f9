import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, staffMember } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

const SIMULATOR = '/c/villebelle/famille/tarifs';
const ADMIN = '/c/villebelle/admin/famille';

describe.each(TEST_ENGINES)('family portal tariffs on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let admin: Person;
  let anonymous: TestBrowser;

  const grid = (overrides: Record<string, string> = {}) => ({
    model: 'brackets',
    brackets: '0 à 700 : 1,20\n701 et plus : 2,40',
    rate: '',
    floor: '',
    ceiling: '',
    nonResident: '',
    missingQf: 'highest',
    siblingReduction: '',
    costPerUser: '6,00',
    'validFrom-day': '1',
    'validFrom-month': '1',
    'validFrom-year': '2027',
    source: 'Délibération n° 2026-090 du 20 novembre 2026',
    ...overrides,
  });

  async function activityId(name: string): Promise<string> {
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM family_activity WHERE commune_id = $1 AND name = $2',
      [villebelle.id, name],
    );
    return rows[0]!.id;
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    admin = await staffMember(t, villebelle, { role: 'admin' });
    anonymous = new TestBrowser(t.app);
  });
  afterAll(() => t?.close());

  it('lets anyone read the tariffs in force and simulate them, without an account', async () => {
    const page = await anonymous.get(SIMULATOR);
    expect(page.statusCode).toBe(200);
    const text = shownText(page.body);
    expect(text).toContain('Simuler vos tarifs');
    expect(text).toContain('QF de 623 à 1 000 : 3,30 € le repas');
    expect(text).toContain('0,36 % du quotient familial par soir, au moins 2,60 € et au plus 4,50 €');
    expect(text).toContain('Délibération n° 2026-041 du 12 juin 2026');
    // Another commune's grids are not Villebelle's.
    expect(text).not.toContain('Cantine');
  });

  it('computes example E1 from the household and prices every activity, siblings included', async () => {
    const query = 'qfConnu=non&couple=oui&enfants=2&enfantsAeeh=&revenus=36+000&prestations=142&residence=oui';
    const page = await anonymous.get(`${SIMULATOR}?${query}`);
    expect(page.statusCode).toBe(200);
    const text = shownText(page.body);
    expect(text).toContain('Quotient familial retenu : 1 047');
    expect(text).toContain('divisés par 3 parts, soit 1 047,33');
    expect(text).toMatch(/Restauration scolaire 3,40 € le repas 3,06 € le repas QF de 1 001 à 1 500 : 3,40 €/);
    expect(text).toMatch(/Accueil périscolaire du soir 3,77 € le soir — 0,36 % du QF : 3,77 €/);
  });

  it('charges families outside the commune the non-resident price where there is one', async () => {
    const text = shownText((await anonymous.get(`${SIMULATOR}?qfConnu=oui&qf=525&residence=non`)).body);
    expect(text).toContain('famille qui n’habite pas la commune');
    expect(text).toContain('Tarif extérieur : 5,20 €');
    expect(text).toContain('0,36 % du QF, relevé au plancher de 2,60 €');
  });

  it.each([
    ['a QF in words', 'qfConnu=oui&qf=mille&residence=oui', 'Saisissez votre quotient familial en euros entiers'],
    ['no answer to the first question', 'residence=oui', 'Indiquez si vous connaissez votre quotient familial.'],
    [
      'more AEEH children than children',
      'qfConnu=non&couple=oui&enfants=1&enfantsAeeh=3&revenus=1000&residence=oui',
      'ne peut pas dépasser',
    ],
    ['a value from elsewhere', 'qfConnu=peut-etre&residence=%00', 'Indiquez si vous habitez la commune.'],
  ])('answers %s with a French message and the answers kept (422)', async (_name, query, message) => {
    const page = await anonymous.get(`${SIMULATOR}?${query}`);
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('Il y a un problème');
    expect(shownText(page.body)).toContain(message);
  });

  it('lets an administrator add an activity and record its grids in dated versions', async () => {
    const b = await signIn(t.app, admin.email);
    const list = await b.get(ADMIN);
    expect(list.statusCode).toBe(200);
    const added = await b.post(`${ADMIN}/activites`, { name: 'Accueil du mercredi', unit: 'demi-journée' });
    expect(added.statusCode).toBe(303);
    const id = await activityId('Accueil du mercredi');

    // A gap between brackets is refused on its field; what was typed is shown again.
    const form = `${ADMIN}/activites/${id}/grille`;
    await b.get(form);
    const gap = await b.post(form, grid({ brackets: '0 à 700 : 1,20\n702 et plus : 2,40' }));
    expect(gap.statusCode).toBe(422);
    expect(shownText(gap.body)).toContain('Ligne 2 : il manque les QF de 701 à 701');
    expect(shownText(gap.body)).toContain('702 et plus : 2,40');

    expect((await b.post(form, grid())).statusCode).toBe(303);
    // A new version from 1 September 2027 closes the first one the day before.
    await b.get(form);
    const next = await b.post(form, grid({ brackets: '0 à 700 : 1,30\n701 et plus : 2,50', 'validFrom-month': '9' }));
    expect(next.statusCode).toBe(303);
    const { rows } = await t.testDb.asSuperuser<{ valid_from: string; valid_to: string | null }>(
      `SELECT to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
       FROM family_tariff_grid WHERE activity_id = $1 ORDER BY valid_from`,
      [id],
    );
    expect(rows).toEqual([
      { valid_from: '2027-01-01', valid_to: '2027-08-31' },
      { valid_from: '2027-09-01', valid_to: null },
    ]);
    // A version cannot start before the latest one.
    await b.get(form);
    const earlier = await b.post(form, grid({ 'validFrom-month': '3' }));
    expect(earlier.statusCode).toBe(422);
    expect(shownText(earlier.body)).toContain('ne peut pas être remplacée avant cette date');
    const page = shownText((await b.get(ADMIN)).body);
    expect(page).toContain('du 1er janvier 2027 au 31 août 2027');
    expect(page).toContain('Délibération n° 2026-090 du 20 novembre 2026');
    const { rows: audit } = await t.testDb.asSuperuser<{ action: string }>(
      `SELECT action FROM audit_entry WHERE commune_id = $1 AND action LIKE 'family.%' ORDER BY seq`,
      [villebelle.id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'family.activity_created',
      'family.tariff_grid_created',
      'family.tariff_grid_created',
    ]);
  });

  it.each([
    ['no name', { name: ' ', unit: 'repas' }, 'Saisissez le nom de l’activité'],
    ['a name already used', { name: 'Restauration scolaire', unit: 'repas' }, 'Une activité porte déjà ce nom'],
    ['a control character', { name: 'Cantine\u0007', unit: 'repas' }, 'caractères non autorisés'],
  ])('refuses an activity with %s (422, French)', async (_name, form, message) => {
    const b = await signIn(t.app, admin.email);
    await b.get(ADMIN);
    const res = await b.post(`${ADMIN}/activites`, form);
    expect(res.statusCode).toBe(422);
    expect(shownText(res.body)).toContain(message);
  });

  it('keeps the tariff pages to the commune’s administrators, and other communes’ activities out of reach', async () => {
    const agent = await staffMember(t, villebelle, { role: 'agent', services: ['enfance-scolaire'] });
    const b = await signIn(t.app, agent.email);
    expect((await b.get(ADMIN)).statusCode).toBe(404);
    const saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM family_activity WHERE commune_id = $1',
      [saintAubin.id],
    );
    const foreign = rows[0]!.id;
    const a = await signIn(t.app, admin.email);
    expect((await a.get(`${ADMIN}/activites/${foreign}/grille`)).statusCode).toBe(404);
    expect((await a.get(`${ADMIN}/activites/pas-un-identifiant/grille`)).statusCode).toBe(404);
    await a.get(ADMIN);
    expect((await a.post(`${ADMIN}/activites/${foreign}/grille`, grid())).statusCode).toBe(404);
  });

  it('puts both tables under forced row-level security', async () => {
    const { rows } = await t.testDb.asSuperuser<{
      relname: string;
      relrowsecurity: boolean;
      relforcerowsecurity: boolean;
    }>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
       WHERE relname IN ('family_activity', 'family_tariff_grid') ORDER BY relname`,
    );
    expect(rows).toEqual([
      { relname: 'family_activity', relrowsecurity: true, relforcerowsecurity: true },
      { relname: 'family_tariff_grid', relrowsecurity: true, relforcerowsecurity: true },
    ]);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, type TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { citizen, type Person, staffMember } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { expireOffers } from './use-cases/expire-offers.js';

describe.each(TEST_ENGINES)('family enrolments and the waiting list on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let activity: string;

  async function family(name: string): Promise<{ person: Person; child: string; browser: TestBrowser }> {
    const person = await citizen(t, villebelle, { givenName: name, familyName: 'Famille' });
    const child = randomUUID();
    await t.testDb.asSuperuser(
      `INSERT INTO household_member (id, account_id, given_name, family_name, birth_date, relation)
       VALUES ($1, $2, $3, 'Famille', '2018-05-04', 'enfant')`,
      [child, person.id, `Enfant de ${name}`],
    );
    return { person, child, browser: await signIn(t.app, person.email) };
  }

  const statuses = async () =>
    (
      await t.testDb.asSuperuser<{ child_name: string; status: string }>(
        'SELECT child_name, status FROM family_enrolment WHERE activity_id = $1 ORDER BY requested_at, id',
        [activity],
      )
    ).rows.map((r) => `${r.child_name}: ${r.status}`);

  async function enrol(f: { child: string; browser: TestBrowser }) {
    return f.browser.post('/c/villebelle/famille/inscriptions', { enfant: f.child, activite: activity });
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      "SELECT id FROM family_activity WHERE commune_id = $1 AND slug = 'accueil-du-soir'",
      [villebelle.id],
    );
    activity = rows[0]!.id;
    const admin = await staffMember(t, villebelle, { role: 'admin' });
    const b = await signIn(t.app, admin.email);
    const page = `/c/villebelle/admin/famille/activites/${activity}/inscriptions`;
    await b.get(page);
    expect((await b.post(page, { ouverte: 'oui', capacite: 'une', delai: '2' })).statusCode).toBe(422);
    expect((await b.post(page, { ouverte: 'oui', capacite: '1', delai: '2' })).statusCode).toBe(303);
  });
  afterAll(() => t?.close());

  it('gives the last place to one of two families asking at the same instant, and puts the other in line', async () => {
    const [a, b] = [await family('Alice'), await family('Bruno')];
    await a.browser.get('/c/villebelle/famille');
    await b.browser.get('/c/villebelle/famille');
    const answers = await Promise.all([enrol(a), enrol(b)]);
    expect(answers.map((r) => r.statusCode)).toEqual([303, 303]);
    const now = await statuses();
    expect(now.filter((s) => s.endsWith(': inscrit'))).toHaveLength(1);
    expect(now.filter((s) => s.endsWith(': en_attente'))).toHaveLength(1);

    // The enrolled family cancels: the place is offered to the other, with a mail and a deadline.
    const enrolled = now.includes('Enfant de Alice Famille: inscrit') ? a : b;
    const waiting = enrolled === a ? b : a;
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      "SELECT id FROM family_enrolment WHERE child_id = $1 AND status = 'inscrit'",
      [enrolled.child],
    );
    await enrolled.browser.get('/c/villebelle/famille');
    expect(
      (await enrolled.browser.post(`/c/villebelle/famille/inscriptions/${rows[0]!.id}/annuler`, {})).statusCode,
    ).toBe(303);
    const offered = await t.testDb.asSuperuser<{ id: string; offered_until: Date }>(
      "SELECT id, offered_until FROM family_enrolment WHERE child_id = $1 AND status = 'place_proposee'",
      [waiting.child],
    );
    expect(offered.rows).toHaveLength(1);
    const mail = await t.testDb.asSuperuser<{ to_address: string; subject: string }>(
      "SELECT to_address, subject FROM mail_outbox WHERE template = 'familyPlaceOffered' AND to_address = $1",
      [waiting.person.email],
    );
    expect(mail.rows[0]?.subject).toContain('Une place s’est libérée : Accueil périscolaire du soir');
    const space = shownText((await waiting.browser.get('/c/villebelle/famille')).body);
    expect(space).toContain('Une place vous est proposée');

    // Someone else cannot confirm it; the family can.
    await enrolled.browser.get('/c/villebelle/famille');
    expect(
      (await enrolled.browser.post(`/c/villebelle/famille/inscriptions/${offered.rows[0]!.id}/confirmer`, {}))
        .statusCode,
    ).toBe(404);
    expect(
      (await waiting.browser.post(`/c/villebelle/famille/inscriptions/${offered.rows[0]!.id}/confirmer`, {}))
        .statusCode,
    ).toBe(303);
    expect(await statuses()).toContain(`Enfant de ${waiting.person.givenName} Famille: inscrit`);
  });

  it('passes an unanswered offer to the next family when its deadline is over', async () => {
    const c = await family('Chloé');
    const d = await family('David');
    await c.browser.get('/c/villebelle/famille');
    await d.browser.get('/c/villebelle/famille');
    expect((await enrol(c)).statusCode).toBe(303);
    expect((await enrol(d)).statusCode).toBe(303);
    // The place holder leaves: Chloé is offered the place, David waits.
    const holder = await t.testDb.asSuperuser<{ id: string; account_id: string }>(
      "SELECT id, account_id FROM family_enrolment WHERE activity_id = $1 AND status = 'inscrit'",
      [activity],
    );
    const admin = await staffMember(t, villebelle, { role: 'admin' });
    const ab = await signIn(t.app, admin.email);
    const page = `/c/villebelle/admin/famille/activites/${activity}/inscriptions`;
    await ab.get(page);
    expect((await ab.post(`${page}/${holder.rows[0]!.id}/annuler`, {})).statusCode).toBe(303);
    expect(await statuses()).toContain('Enfant de Chloé Famille: place_proposee');
    const deps = { queue: t.runtime.queue, publicUrl: t.config.publicUrl };
    // Not yet past the deadline (2 days): nothing changes.
    expect(
      await expireOffers(t.runtime.database, { ...deps, now: () => new Date(Date.now() + 86_400_000) }, villebelle),
    ).toBe(0);
    expect(
      await expireOffers(t.runtime.database, { ...deps, now: () => new Date(Date.now() + 3 * 86_400_000) }, villebelle),
    ).toBe(1);
    const after = await statuses();
    expect(after).toContain('Enfant de Chloé Famille: expiree');
    expect(after).toContain('Enfant de David Famille: place_proposee');
    // Too late for Chloé: a clear 409, nothing changed.
    const chloe = await t.testDb.asSuperuser<{ id: string }>('SELECT id FROM family_enrolment WHERE child_id = $1', [
      c.child,
    ]);
    const late = await c.browser.post(`/c/villebelle/famille/inscriptions/${chloe.rows[0]!.id}/confirmer`, {});
    expect(late.statusCode).toBe(409);
    expect(shownText(late.body)).toContain('le délai pour la confirmer est passé');
  });

  it('refuses another household’s child, a child enrolled twice and a closed activity, in French', async () => {
    const e = await family('Emma');
    const f = await family('Fanny');
    await e.browser.get('/c/villebelle/famille');
    const foreign = await e.browser.post('/c/villebelle/famille/inscriptions', { enfant: f.child, activite: activity });
    expect(foreign.statusCode).toBe(422);
    expect(shownText(foreign.body)).toContain('Choisissez un enfant de votre foyer');
    expect((await enrol(e)).statusCode).toBe(303);
    await e.browser.get('/c/villebelle/famille');
    const twice = await enrol(e);
    expect(twice.statusCode).toBe(409);
    expect(shownText(twice.body)).toContain('est déjà inscrit ou sur la liste d’attente');
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      "SELECT id FROM family_activity WHERE commune_id = $1 AND slug = 'restauration-scolaire'",
      [villebelle.id],
    );
    const closed = await e.browser.post('/c/villebelle/famille/inscriptions', {
      enfant: e.child,
      activite: rows[0]!.id,
    });
    expect(closed.statusCode).toBe(422);
    expect(shownText(closed.body)).toContain('ne sont pas ouvertes');
    expect(
      (await e.browser.post('/c/villebelle/famille/inscriptions', { enfant: 'x', activite: 'y' })).statusCode,
    ).toBe(422);
  });
});

/**
 * Private calendar feeds of the agents (issue 12 item 8): created on their page and shown once,
 * read by a calendar application without a session (parsed back with ical.js), one desk or all
 * of them, names but no contact details; revoked → 404; the owner leaving the service → nothing of it;
 * another commune's address, a desk the agent does not work, a bad secret → 404.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { nextTestAddress, signIn } from '../../test/sign-in.js';
import { bookAppointment } from './use-cases/book-appointment.js';
import { cancelByToken } from './use-cases/manage-booking.js';

describe.each(TEST_ENGINES)('calendar feeds on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let agent: Person;
  const desks: string[] = [];
  const base = () => `/c/${town.slug}/agent/rendez-vous/agenda-en-ligne`;

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    town = await secondCommune(t, {
      slug: 'val-de-rance',
      name: 'Val-de-Rance',
      services: [
        { slug: 'etat-civil', name: 'État civil' },
        { slug: 'technique', name: 'Services techniques' },
      ],
    });
    const admin = await staffMember(t, town, { role: 'admin' });
    agent = await staffMember(t, town, { role: 'agent', services: ['etat-civil'] });
    const serviceId = (await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id))).find(
      (s) => s.slug === 'etat-civil',
    )!.id;
    const browser = await signIn(t.app, admin.email, { slug: town.slug });
    for (const guichet of ['Guichet 1', 'Guichet 2']) {
      await browser.get(`/c/${town.slug}/admin/rendez-vous`);
      const created = await browser.post(`/c/${town.slug}/admin/rendez-vous/agendas`, {
        service: serviceId,
        lieu: 'Mairie',
        guichet,
        alsace: 'non',
      });
      const id = /agendas\/([0-9a-f-]{36})/.exec(String(created.headers.location))![1]!;
      desks.push(id);
      for (let day = 1; day <= 7; day++) {
        await browser.get(`/c/${town.slug}/admin/rendez-vous/agendas/${id}`);
        await browser.post(`/c/${town.slug}/admin/rendez-vous/agendas/${id}/horaires`, {
          jour: String(day),
          debut: '0:00',
          fin: '24:00',
        });
      }
    }
    await browser.get(`/c/${town.slug}/admin/rendez-vous`);
    await browser.post(`/c/${town.slug}/admin/rendez-vous/motifs`, {
      service: serviceId,
      nom: 'Acte de naissance',
      type: 'guichet',
      duree: '30',
      battement: '0',
      places: '1',
      delai_min: '0',
      delai_max: '60',
      qui: 'public',
      rappels: '',
    });
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM appointment_motif WHERE commune_id = $1',
      [town.id],
    );
    const motifId = rows[0]!.id;
    const visitor = { communeId: town.id, actor: null, requestId: null };
    const tomorrow = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 24 * 3_600_000);
    const book = (agenda: string, hoursLater: number, nom: string) =>
      bookAppointment(t.runtime, visitor, 'visitor', {
        motif: motifId,
        agenda,
        debut: new Date(tomorrow.getTime() + hoursLater * 3_600_000).toISOString(),
        nom,
        courriel: `${nom
          .split(' ')[0]!
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z]/g, '')}@courriel.example`,
        telephone: '06 12 34 56 78',
      });
    await book(desks[0]!, 0, 'Alice Premier');
    await book(desks[1]!, 1, 'Bruno Second');
    const { token } = await book(desks[0]!, 2, 'Chloé Annulée');
    await cancelByToken(t.runtime, visitor, token);
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Creates a feed as the agent; returns the secret address's path. */
  async function createFeed(browser: TestBrowser, agenda = '') {
    await browser.get(base());
    const res = await browser.post(base(), { agenda });
    expect(res.statusCode, shownText(res.body).slice(0, 200)).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const address = /https?:\/\/[^<"\s]+\/rendez-vous\/agenda\/[A-Za-z0-9_-]{43}\.ics/.exec(res.body)![0];
    return new URL(address).pathname;
  }

  function eventsOf(ics: string) {
    return new ICAL.Component(ICAL.parse(ics))
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v))
      .map((e) => ({ summary: e.summary, status: e.component.getFirstPropertyValue('status') }));
  }

  it('gives an agent a secret address their calendar reads without a session, names but no contact details', async () => {
    const browser = await signIn(t.app, agent.email, { slug: town.slug });
    const page = await browser.get(base());
    expect(page.statusCode).toBe(200);
    expect(shownText(page.body)).toContain('Aucune adresse pour l’instant.');
    const all = await createFeed(browser);
    // Shown once: the page afterwards lists it without its secret.
    const again = await browser.get(base());
    expect(shownText(again.body)).toContain('Tous mes guichets');
    expect(again.body).not.toContain(all.split('/').at(-1)!.replace('.ics', ''));

    const calendar = await new TestBrowser(t.app, { remoteAddress: nextTestAddress() }).get(all);
    expect(calendar.statusCode).toBe(200);
    expect(calendar.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(calendar.body).toContain('X-WR-CALNAME:Rendez-vous – Val-de-Rance');
    expect(eventsOf(calendar.body)).toEqual([
      { summary: 'Acte de naissance – Alice Premier', status: 'CONFIRMED' },
      { summary: 'Acte de naissance – Bruno Second', status: 'CONFIRMED' },
      { summary: 'Acte de naissance – Chloé Annulée', status: 'CANCELLED' },
    ]);
    expect(calendar.body).not.toContain('@courriel.example');
    expect(calendar.body).not.toContain('06 12 34 56 78');

    // One desk only.
    const one = await createFeed(browser, desks[1]!);
    const desk = await new TestBrowser(t.app, { remoteAddress: nextTestAddress() }).get(one);
    expect(eventsOf(desk.body).map((e) => e.summary)).toEqual(['Acte de naissance – Bruno Second']);
    expect(desk.body).toContain('X-WR-CALNAME:Rendez-vous – Mairie, Guichet 2');
  });

  it('answers 404 once revoked, across communes and for a bad secret, and lists nothing of a service its owner left', async () => {
    const browser = await signIn(t.app, agent.email, { slug: town.slug });
    const address = await createFeed(browser);
    const reader = () => new TestBrowser(t.app, { remoteAddress: nextTestAddress() });
    expect((await reader().get(address)).statusCode).toBe(200);
    // Another commune's path with the same secret; a secret of the wrong shape; no .ics.
    expect((await reader().get(address.replace(`/c/${town.slug}/`, '/c/villebelle/'))).statusCode).toBe(404);
    expect((await reader().get(`/c/${town.slug}/rendez-vous/agenda/court.ics`)).statusCode).toBe(404);
    expect((await reader().get(address.replace('.ics', ''))).statusCode).toBe(404);

    // A technical agent cannot make one for an état-civil desk, and their own lists nothing of it.
    const other = await staffMember(t, town, { role: 'agent', services: ['technique'] });
    const theirs = await signIn(t.app, other.email, { slug: town.slug });
    await theirs.get(`/c/${town.slug}/agent/rendez-vous/agenda-en-ligne`);
    expect((await theirs.post(base(), { agenda: desks[0]! })).statusCode).toBe(404);
    // Nor revoke the agent's.
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM appointment_feed WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1',
      [agent.id],
    );
    await theirs.get(base());
    expect((await theirs.post(`${base()}/${rows[0]!.id}/revoquer`, {})).statusCode).toBe(404);
    expect((await reader().get(address)).statusCode).toBe(200);

    // The owner revokes it.
    await browser.get(base());
    const revoked = await browser.post(`${base()}/${rows[0]!.id}/revoquer`, {});
    expect(revoked.statusCode).toBe(303);
    expect(shownText((await browser.get(String(revoked.headers.location))).body)).toContain('L’adresse est révoquée.');
    expect((await reader().get(address)).statusCode).toBe(404);

    // Another of theirs lists nothing of the état civil once they leave it.
    const kept = await createFeed(browser);
    expect((await reader().get(kept)).statusCode).toBe(200);
    await t.testDb.asSuperuser(`UPDATE membership SET service_ids = '{}' WHERE account_id = $1 AND commune_id = $2`, [
      agent.id,
      town.id,
    ]);
    const after = await reader().get(kept);
    expect(after.statusCode).toBe(200);
    expect(eventsOf(after.body)).toEqual([]);

    const journal = await t.testDb.asSuperuser<{ action: string }>(
      "SELECT action FROM audit_entry WHERE commune_id = $1 AND action LIKE 'appointments.feed_%' ORDER BY seq",
      [town.id],
    );
    expect(journal.rows.map((r) => r.action)).toContain('appointments.feed_revoked');
  });
});

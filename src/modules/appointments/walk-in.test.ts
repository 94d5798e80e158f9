/**
 * The walk-in queue as people live it: the administrator offers a motif as a ticket; a visitor
 * takes one on a phone and follows their place; the kiosk an agent opened hands out tickets
 * without the anti-robot check; the agent calls the next person to their desk, the screen shows
 * it, the ticket page says « C’est à vous », the agent closes it. Two desks calling at once never
 * get the same ticket; another commune and another service get 404; bad input gets French 4xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { nextTestAddress, signIn } from '../../test/sign-in.js';
import { takeTicket } from './use-cases/walk-in.js';

describe.each(TEST_ENGINES)('the walk-in queue on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let agent: Person;
  let technician: Person;
  let walkInMotif: string;
  let bookedOnly: string;

  const visitor = () => new TestBrowser(t.app, { remoteAddress: nextTestAddress() });
  const ticketPath = (res: { headers: Record<string, unknown> }) => String(res.headers.location);

  async function takeOnPhone(motif = walkInMotif, browser = visitor()) {
    await browser.get(`/c/${town.slug}/accueil/ticket`);
    const res = await browser.post(`/c/${town.slug}/accueil/ticket`, { motif });
    return { res, browser };
  }

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
    other = await secondCommune(t);
    const admin = await staffMember(t, town, { role: 'admin' });
    agent = await staffMember(t, town, { role: 'agent', services: ['etat-civil'] });
    technician = await staffMember(t, town, { role: 'agent', services: ['technique'] });
    const serviceId = (await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id))).find(
      (s) => s.slug === 'etat-civil',
    )!.id;
    const browser = await signIn(t.app, admin.email, { slug: town.slug });
    for (const [nom, ticket] of [
      ['Accueil état civil', 'oui'],
      ['Passeport ou carte d’identité', 'non'],
    ] as const) {
      await browser.get(`/c/${town.slug}/admin/rendez-vous`);
      const res = await browser.post(`/c/${town.slug}/admin/rendez-vous/motifs`, {
        service: serviceId,
        nom,
        type: 'guichet',
        duree: '10',
        battement: '0',
        places: '1',
        delai_min: '0',
        delai_max: '60',
        qui: 'public',
        ticket,
        rappels: '',
      });
      expect(res.statusCode, shownText(res.body).slice(0, 400)).toBe(303);
    }
    const { rows } = await t.testDb.asSuperuser<{ id: string; walk_in: boolean }>(
      'SELECT id, walk_in FROM appointment_motif WHERE commune_id = $1 ORDER BY name',
      [town.id],
    );
    walkInMotif = rows.find((r) => r.walk_in)!.id;
    bookedOnly = rows.find((r) => !r.walk_in)!.id;
  });

  afterAll(() => t?.close());

  it('offers only the motifs the administrator chose, and refuses the others in French', async () => {
    const browser = visitor();
    const form = await browser.get(`/c/${town.slug}/accueil/ticket`);
    expect(form.statusCode).toBe(200);
    expect(shownText(form.body)).toContain('Accueil état civil');
    expect(shownText(form.body)).not.toContain('Passeport');
    const refused = await browser.post(`/c/${town.slug}/accueil/ticket`, { motif: bookedOnly });
    expect(refused.statusCode).toBe(422);
    expect(shownText(refused.body)).toContain('Choisissez la raison de votre venue parmi celles proposées.');
    const empty = await browser.post(`/c/${town.slug}/accueil/ticket`, {});
    expect(empty.statusCode).toBe(422);
    expect(shownText(empty.body)).toContain('Choisissez la raison de votre venue.');
    // Another commune has no ticket to give, and does not know this commune's motif.
    const elsewhere = visitor();
    expect(shownText((await elsewhere.get(`/c/${other.slug}/accueil/ticket`)).body)).toContain(
      'ne délivre pas de ticket',
    );
    await elsewhere.get(`/c/${town.slug}/accueil/ticket`); // a form, for its CSRF token
    expect((await elsewhere.post(`/c/${other.slug}/accueil/ticket`, { motif: walkInMotif })).statusCode).toBe(422);
  });

  it('takes a ticket on a phone, shows the people ahead, calls it to a desk and closes it', async () => {
    const first = await takeOnPhone();
    expect(first.res.statusCode).toBe(303);
    const second = await takeOnPhone();
    const page = await second.browser.get(ticketPath(second.res));
    expect(page.statusCode).toBe(200);
    const text = shownText(page.body);
    expect(text).toMatch(/Ticket n° \d+/);
    // One person ahead, 10 minutes each (the motif's duration until someone has been served).
    expect(text).toContain('1 personne avant vous, environ 10 minutes d’attente.');
    expect(page.body).not.toMatch(/<meta[^>]+refresh/i);

    const desk = await signIn(t.app, agent.email, { slug: town.slug });
    const queue = await desk.get(`/c/${town.slug}/agent/file-d-attente`);
    expect(queue.statusCode).toBe(200);
    expect(shownText(queue.body)).toContain('Prochaines personnes (2)');
    const missingDesk = await desk.post(`/c/${town.slug}/agent/file-d-attente/appeler`, { guichet: '  ' });
    expect(missingDesk.statusCode).toBe(422);
    expect(shownText(missingDesk.body)).toContain('Indiquez votre guichet');

    const call = await desk.post(`/c/${town.slug}/agent/file-d-attente/appeler`, { guichet: 'Guichet 2' });
    expect(call.statusCode).toBe(303);
    const firstNumber = /appele=(\d+)/.exec(String(call.headers.location))![1]!;
    const screen = await visitor().get(`/c/${town.slug}/accueil/ecran`);
    expect(screen.headers.refresh).toBe('15');
    expect(shownText(screen.body)).toContain(`Ticket ${firstNumber}`);
    expect(shownText(screen.body)).toContain('Guichet 2');
    // The second person is now next.
    expect(shownText((await second.browser.get(ticketPath(second.res))).body)).toContain(
      'Vous êtes la prochaine personne appelée.',
    );
    const firstPage = await first.browser.get(ticketPath(first.res));
    expect(shownText(firstPage.body)).toContain('C’est à vous');
    expect(shownText(firstPage.body)).toContain('Présentez-vous au Guichet 2.');
    const state = await first.browser.get(`${ticketPath(first.res)}/etat`);
    expect(JSON.parse(state.body)).toEqual({
      statut: 'appele',
      texte: 'C’est à vous\u00a0: présentez-vous au Guichet 2.',
    });

    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM appointment_ticket WHERE commune_id = $1 AND number = $2 AND day = (now() AT TIME ZONE $3)::date',
      [town.id, Number(firstNumber), 'Europe/Paris'],
    );
    const ticketId = rows[0]!.id;
    // Someone of another service, or of another commune, does not find the ticket.
    const tech = await signIn(t.app, technician.email, { slug: town.slug });
    await tech.get(`/c/${town.slug}/accueil/ticket`); // a page with a form, for the CSRF token
    expect((await tech.post(`/c/${town.slug}/agent/file-d-attente/${ticketId}/servi`, {})).statusCode).toBe(404);
    const served = await desk.post(`/c/${town.slug}/agent/file-d-attente/${ticketId}/servi`, {});
    expect(served.statusCode).toBe(303);
    const twice = await desk.post(`/c/${town.slug}/agent/file-d-attente/${ticketId}/servi`, {});
    expect(twice.statusCode).toBe(409);
    expect(shownText((await first.browser.get(ticketPath(first.res))).body)).toContain('Reçu.');
    const journal = await t.testDb.asSuperuser<{ action: string }>(
      `SELECT action FROM audit_entry WHERE commune_id = $1 AND target_id = $2 ORDER BY seq`,
      [town.id, ticketId],
    );
    expect(journal.rows.map((r) => r.action)).toEqual([
      'appointments.ticket_taken',
      'appointments.ticket_called',
      'appointments.ticket_served',
    ]);
  });

  it('lets a person leave the queue, and not once called', async () => {
    const { res, browser } = await takeOnPhone();
    const path = ticketPath(res);
    await browser.get(path);
    const left = await browser.post(`${path}/quitter`, {});
    expect(left.statusCode).toBe(303);
    const page = await browser.get(String(left.headers.location));
    expect(shownText(page.body)).toContain('Vous avez quitté la file d’attente.');
    await browser.get(`/c/${town.slug}/accueil/ticket`); // the ticket's page has no form any more
    expect((await browser.post(`${path}/quitter`, {})).statusCode).toBe(409);
    // A made-up or malformed secret, or this ticket asked at another commune: 404.
    expect((await visitor().get(`/c/${town.slug}/accueil/ticket/${'a'.repeat(43)}`)).statusCode).toBe(404);
    expect((await visitor().get(`/c/${town.slug}/accueil/ticket/court`)).statusCode).toBe(404);
    expect((await visitor().get(path.replace(town.slug, other.slug))).statusCode).toBe(404);
  });

  it('hands out tickets from the kiosk an agent opened without the anti-robot check', async () => {
    const desk = await signIn(t.app, agent.email, { slug: town.slug });
    await desk.get(`/c/${town.slug}/agent/file-d-attente`);
    const opened = await desk.post(`/c/${town.slug}/agent/file-d-attente/borne`, {});
    expect(opened.statusCode).toBe(303);
    expect(String(opened.headers['set-cookie'])).toContain('guichet_borne=');
    // The kiosk is a tablet at the entrance: one address, many people. Its cookie travels with it.
    const kiosk = new TestBrowser(t.app, { remoteAddress: '203.0.113.77' });
    kiosk.cookies.set('guichet_borne', /guichet_borne=([^;]+)/.exec(String(opened.headers['set-cookie']))![1]!);
    for (let i = 0; i < 6; i++) {
      await kiosk.get(`/c/${town.slug}/accueil/ticket`);
      const res = await kiosk.post(`/c/${town.slug}/accueil/ticket`, { motif: walkInMotif });
      expect(res.statusCode, shownText(res.body).slice(0, 300)).toBe(303);
    }
    const page = await kiosk.get(
      String((await kiosk.post(`/c/${town.slug}/accueil/ticket`, { motif: walkInMotif })).headers.location),
    );
    expect(page.body).toContain('Code QR de la page du ticket');
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM appointment_ticket WHERE commune_id = $1 AND channel = 'borne'`,
      [town.id],
    );
    expect(rows[0]!.n).toBe(7);
    // The same address without the kiosk's cookie meets the spam ladder (a challenge, then a refusal).
    const script = new TestBrowser(t.app, { remoteAddress: '203.0.113.77' });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      await script.get(`/c/${town.slug}/accueil/ticket`);
      statuses.push((await script.post(`/c/${town.slug}/accueil/ticket`, { motif: walkInMotif })).statusCode);
    }
    expect(statuses.slice(0, 3)).toEqual([303, 303, 303]);
    expect(statuses.slice(3).every((s) => s === 422 || s === 429)).toBe(true);
  });

  it('never gives one ticket to two desks calling at the same moment', async () => {
    const caller = { communeId: town.id, actor: null, requestId: null };
    const taken = await Promise.all(
      Array.from({ length: 6 }, () => takeTicket(t.runtime, caller, { motif: walkInMotif, canal: 'telephone' })),
    );
    expect(new Set(taken.map((x) => x.ticket.number)).size).toBe(6);
    const waiting = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM appointment_ticket WHERE commune_id = $1 AND status = 'attente'`,
      [town.id],
    );
    const desk = await signIn(t.app, agent.email, { slug: town.slug });
    await desk.get(`/c/${town.slug}/agent/file-d-attente`);
    const calls = await Promise.all(
      Array.from({ length: waiting.rows[0]!.n + 2 }, (_, i) =>
        desk.post(`/c/${town.slug}/agent/file-d-attente/appeler`, { guichet: `Guichet ${i}` }),
      ),
    );
    const numbers = calls.map((c) => /appele=(\d+)/.exec(String(c.headers.location))?.[1]).filter(Boolean);
    // Every waiting ticket called once (the earlier tests left some waiting), none twice.
    expect(numbers.length).toBeGreaterThanOrEqual(6);
    expect(new Set(numbers).size).toBe(numbers.length);
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM appointment_ticket WHERE commune_id = $1 AND status = 'attente'`,
      [town.id],
    );
    expect(rows[0]!.n).toBe(0);
  });
});

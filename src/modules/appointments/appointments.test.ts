/**
 * Appointments through their pages, as people live them: an administrator sets up a desk and a
 * motif; a visitor books with an e-mail address, gets the confirmation with its calendar file
 * (parsed back with ical.js), cancels by the link; a signed-in citizen books and finds it in their
 * space; an agent books for a caller and checks people in; the waitlist offers a freed earlier
 * slot. Every table is under forced RLS; another commune gets 404; bad input gets French messages.
 * On PostgreSQL, many connections book the last seat at once: exactly one wins.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { addCalendarDays, parisDateOf, parisInstant } from '../../platform/time/calendar.js';
import { verifyRequestNumber } from '../../platform/tokens.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { citizen, type Person, procedureWithForm, secondCommune, staffMember } from '../../test/factories.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { nextTestAddress, signIn } from '../../test/sign-in.js';
import { bookAppointment } from './use-cases/book-appointment.js';

function slotLinks(html: string): string[] {
  return [...html.matchAll(/href="([^"]*\/reserver\?agenda=[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

const TABLES = [
  'appointment_agenda',
  'appointment_booking',
  'appointment_closure',
  'appointment_feed',
  'appointment_motif',
  'appointment_opening',
  'appointment_ticket',
  'appointment_waitlist',
];

describe.each(TEST_ENGINES)('appointments on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let other: Commune;
  let admin: Person;
  let agent: Person;
  let resident: Person;
  let agendaId: string;
  let motifId: string;
  let serviceId: string;

  const visitor = () => new TestBrowser(t.app, { remoteAddress: nextTestAddress() });

  async function mails(to: string) {
    const { rows } = await t.testDb.asSuperuser<{
      subject: string;
      text_body: string;
      attachments: Array<{ sha256: string; name: string; mimeType: string }>;
    }>('SELECT subject, text_body, attachments FROM mail_outbox WHERE to_address = $1 ORDER BY created_at', [to]);
    return rows;
  }

  async function icsOf(sha256: string) {
    const { rows } = await t.testDb.asSuperuser<{ content: Buffer }>('SELECT content FROM blob WHERE sha256 = $1', [
      sha256,
    ]);
    const parsed = new ICAL.Component(ICAL.parse(rows[0]!.content.toString('utf8')));
    return { calendar: parsed, event: new ICAL.Event(parsed.getFirstSubcomponent('vevent')!) };
  }

  /** Books the first free slot of the motif page as a visitor; returns the page after booking. */
  async function visitorBooks(email: string, browser = visitor()) {
    const page = await browser.get(`/c/${town.slug}/rendez-vous/${motifId}`);
    const link = slotLinks(page.body)[0]!;
    await browser.get(link);
    const params = new URL(link, 'http://x').searchParams;
    const res = await browser.post(link.split('?')[0]!, {
      agenda: params.get('agenda')!,
      debut: params.get('debut')!,
      nom: 'Camille Visiteur',
      courriel: email,
      telephone: '06 12 34 56 78',
    });
    return { res, browser, startsAt: new Date(params.get('debut')!) };
  }

  beforeAll(async () => {
    t = await createTestApp(engine, {
      env: {
        GUICHET_RATE_LIMIT_PER_MINUTE: '100000',
        GUICHET_ANONYMOUS_CHALLENGE_AFTER: '1000',
        GUICHET_ANONYMOUS_BLOCK_AFTER: '1000',
        GUICHET_ANONYMOUS_COMMUNE_CHALLENGE_AFTER: '1000',
        // SMS written to the data directory: the commune can send reminders by SMS.
        GUICHET_SMS_PROVIDER: 'file',
      },
    });
    town = await secondCommune(t, {
      slug: 'val-de-rance',
      name: 'Val-de-Rance',
      services: [
        { slug: 'etat-civil', name: 'État civil' },
        { slug: 'technique', name: 'Services techniques' },
      ],
    });
    other = await secondCommune(t);
    admin = await staffMember(t, town, { role: 'admin' });
    agent = await staffMember(t, town, { role: 'agent', services: ['etat-civil'] });
    resident = await citizen(t, town);
    serviceId = (await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id))).find(
      (s) => s.slug === 'etat-civil',
    )!.id;

    // The administrator creates the desk, its hours (every day 08:00–18:00) and the motif, through the pages.
    const browser = await signIn(t.app, admin.email, { slug: town.slug });
    await browser.get(`/c/${town.slug}/admin/rendez-vous`);
    const created = await browser.post(`/c/${town.slug}/admin/rendez-vous/agendas`, {
      service: serviceId,
      lieu: 'Mairie',
      guichet: 'Guichet 1',
      adresse: '1 place de la Mairie',
      alsace: 'non',
    });
    expect(created.statusCode, created.body.slice(0, 300)).toBe(303);
    agendaId = /agendas\/([0-9a-f-]{36})/.exec(String(created.headers.location))![1]!;
    for (let day = 1; day <= 7; day++) {
      await browser.get(`/c/${town.slug}/admin/rendez-vous/agendas/${agendaId}`);
      const res = await browser.post(`/c/${town.slug}/admin/rendez-vous/agendas/${agendaId}/horaires`, {
        jour: String(day),
        debut: '8:00',
        fin: '18:00',
      });
      expect(res.statusCode).toBe(303);
    }
    await browser.get(`/c/${town.slug}/admin/rendez-vous`);
    const motif = await browser.post(`/c/${town.slug}/admin/rendez-vous/motifs`, {
      service: serviceId,
      nom: 'Passeport ou carte d’identité',
      type: 'guichet',
      duree: '30',
      battement: '0',
      places: '1',
      delai_min: '0',
      delai_max: '60',
      qui: 'public',
      documents: 'Numéro de pré-demande ANTS\nPhoto d’identité de moins de six mois',
      rappels: '48, 3',
    });
    expect(motif.statusCode, shownText(motif.body).slice(0, 500)).toBe(303);
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM appointment_motif WHERE commune_id = $1',
      [town.id],
    );
    motifId = rows[0]!.id;
  });

  afterAll(() => t?.close());

  it('keeps every appointments table under forced row-level security', async () => {
    const { rows } = await t.testDb.asSuperuser<{ relname: string; forced: boolean; policies: number }>(
      `SELECT c.relname, c.relforcerowsecurity AS forced,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
         FROM pg_class c WHERE c.relname LIKE 'appointment\\_%' AND c.relkind = 'r' ORDER BY c.relname`,
    );
    expect(rows.map((r) => r.relname)).toEqual(TABLES);
    for (const r of rows) expect(r, r.relname).toMatchObject({ forced: true, policies: 1 });
  });

  it('refuses bad configuration with French messages, keeping what was typed', async () => {
    const browser = await signIn(t.app, admin.email, { slug: town.slug });
    await browser.get(`/c/${town.slug}/admin/rendez-vous/agendas/${agendaId}`);
    const hours = await browser.post(`/c/${town.slug}/admin/rendez-vous/agendas/${agendaId}/horaires`, {
      jour: '1',
      debut: '14:00',
      fin: '12:00',
    });
    expect(hours.statusCode).toBe(422);
    expect(shownText(hours.body)).toContain('L’heure de fermeture doit être après l’heure d’ouverture.');
    expect(hours.body).toContain('value="14:00"');
    const motif = await browser.post(`/c/${town.slug}/admin/rendez-vous/motifs`, {
      service: serviceId,
      nom: 'Mariage',
      type: 'guichet',
      duree: 'une heure',
      battement: '0',
      places: '1',
      delai_min: '0',
      delai_max: '60',
      qui: 'public',
      rappels: 'demain',
    });
    expect(motif.statusCode).toBe(422);
    expect(shownText(motif.body)).toContain('La durée doit être un nombre de minutes entre 5 et 480.');
    expect(shownText(motif.body)).toContain('Indiquez les rappels en heures avant le rendez-vous');
    expect(motif.body).toContain('value="Mariage"');
    const closure = await browser.post(`/c/${town.slug}/admin/rendez-vous/agendas/${agendaId}/fermetures`, {
      du: '2026-02-30',
    });
    expect(closure.statusCode).toBe(422);
    expect(shownText(closure.body)).toContain('Indiquez le premier jour de fermeture');
  });

  it('sends the reminders by SMS too when the person asks for them with a mobile number, and only then', async () => {
    const browser = visitor();
    const page = await browser.get(`/c/${town.slug}/rendez-vous/${motifId}`);
    const link = slotLinks(page.body).at(-1)!;
    const form = await browser.get(link);
    expect(shownText(form.body)).toContain('Recevoir aussi les rappels par SMS à ce numéro de portable');
    const params = new URL(link, 'http://x').searchParams;
    const fields = {
      agenda: params.get('agenda')!,
      debut: params.get('debut')!,
      nom: 'Dominique Texto',
      courriel: 'dominique.sms@courriel.example',
      rappel_sms: 'oui',
    };
    // Asked for, without a number or with a landline: refused on the phone field, the typing kept.
    for (const [telephone, message] of [
      ['', 'Indiquez le numéro de portable auquel envoyer les rappels par SMS.'],
      ['02 40 12 34 56', 'Ce numéro ne peut pas recevoir de SMS'],
    ] as const) {
      const refused = await browser.post(link.split('?')[0]!, { ...fields, telephone });
      expect(refused.statusCode, telephone).toBe(422);
      expect(shownText(refused.body)).toContain(message);
      expect(refused.body).toContain('value="Dominique Texto"');
      await browser.get(link);
    }
    const booked = await browser.post(link.split('?')[0]!, { ...fields, telephone: '06 98 76 54 32' });
    expect(booked.statusCode, shownText(booked.body).slice(0, 300)).toBe(303);

    // Another person gives a mobile number without asking for SMS reminders.
    const other = slotLinks((await browser.get(`/c/${town.slug}/rendez-vous/${motifId}`)).body).at(-2)!;
    await browser.get(other);
    const otherParams = new URL(other, 'http://x').searchParams;
    const quiet = await browser.post(other.split('?')[0]!, {
      agenda: otherParams.get('agenda')!,
      debut: otherParams.get('debut')!,
      nom: 'Sans Texto',
      courriel: 'sans.sms@courriel.example',
      telephone: '06 11 22 33 44',
    });
    expect(quiet.statusCode).toBe(303);

    await runQueuedJobs(t, 'appointments.reminder');
    const { rows: sms } = await t.testDb.asSuperuser<{ to_number: string; body: string }>(
      'SELECT to_number, body FROM sms_outbox WHERE commune_id = $1 ORDER BY created_at',
      [town.id],
    );
    const startsAt = new Date(fields.debut);
    const due = [48, 3].filter((h) => startsAt.getTime() - h * 3600_000 > Date.now()).length;
    expect(due).toBeGreaterThan(0);
    expect(sms.map((r) => r.to_number)).toEqual(Array(due).fill('+33698765432'));
    expect(sms[0]!.body).toContain('Val-de-Rance : rappel de votre rendez-vous « Passeport ou carte d’identité »');
    expect(sms[0]!.body.length).toBeLessThanOrEqual(320);
    // The mail reminders go out as before, to both.
    expect((await mails('dominique.sms@courriel.example')).some((m) => m.subject.startsWith('Rappel'))).toBe(true);
    expect((await mails('sans.sms@courriel.example')).some((m) => m.subject.startsWith('Rappel'))).toBe(true);
  });

  it('lets a visitor book with an e-mail address, mails the confirmation with its calendar file, and cancels by the link', async () => {
    const page = await visitor().get(`/c/${town.slug}/rendez-vous/${motifId}`);
    expect(page.statusCode).toBe(200);
    expect(shownText(page.body)).toContain('Photo d’identité de moins de six mois');
    const { res, browser, startsAt } = await visitorBooks('camille@courriel.example');
    expect(res.statusCode, shownText(res.body).slice(0, 400)).toBe(303);
    const manage = String(res.headers.location);
    expect(manage).toMatch(new RegExp(`^/c/${town.slug}/rendez-vous/gerer/[A-Za-z0-9_-]{43}\\?fait=reserve$`));
    const confirmation = await browser.get(manage);
    expect(shownText(confirmation.body)).toContain('Votre rendez-vous est réservé');

    const [mail] = await mails('camille@courriel.example');
    expect(mail!.subject).toContain('Rendez-vous confirmé : Passeport ou carte d’identité');
    expect(mail!.text_body).toContain('Numéro de pré-demande ANTS');
    expect(mail!.text_body).toContain(manage.split('?')[0]);
    expect(mail!.attachments).toEqual([
      expect.objectContaining({ name: 'rendez-vous.ics', mimeType: 'text/calendar' }),
    ]);
    const { calendar, event } = await icsOf(mail!.attachments[0]!.sha256);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(event.startDate.toJSDate().toISOString()).toBe(startsAt.toISOString());
    expect(event.endDate.toJSDate().getTime() - startsAt.getTime()).toBe(30 * 60_000);
    expect(event.summary).toBe('Passeport ou carte d’identité – Val-de-Rance');
    expect(event.location).toBe('Mairie, 1 place de la Mairie');

    // Reminders wait in the queue for 48 h and 3 h before (only those still ahead).
    const { rows: reminders } = await t.testDb.asSuperuser<{ start_after: Date }>(
      `SELECT start_after FROM pgboss.job WHERE name = 'appointments.reminder' AND data->>'startsAt' = $1`,
      [startsAt.toISOString()],
    );
    const expected = [48, 3].filter((h) => startsAt.getTime() - h * 3600_000 > Date.now());
    expect(reminders.map((r) => startsAt.getTime() - new Date(r.start_after).getTime()).sort()).toEqual(
      expected.map((h) => h * 3600_000).sort(),
    );

    // The slot is gone for the next person.
    const again = await visitor().get(`/c/${town.slug}/rendez-vous/${motifId}`);
    expect(slotLinks(again.body).some((l) => l.includes(encodeURIComponent(startsAt.toISOString())))).toBe(false);

    // Cancelling by the link frees it, and says so by mail.
    await browser.get(manage);
    const csrf = browser.csrf();
    const cancelled = await browser.post(`${manage.split('?')[0]}/annuler`, {});
    expect(cancelled.statusCode).toBe(303);
    expect(shownText((await browser.get(String(cancelled.headers.location))).body)).toContain(
      'Votre rendez-vous est annulé',
    );
    const all = await mails('camille@courriel.example');
    expect(all.map((m) => m.subject)[1]).toContain('Rendez-vous annulé');
    expect((await icsOf(all[1]!.attachments[0]!.sha256)).event.component.getFirstPropertyValue('status')).toBe(
      'CANCELLED',
    );
    const after = await visitor().get(`/c/${town.slug}/rendez-vous/${motifId}`);
    expect(slotLinks(after.body)[0]).toContain(encodeURIComponent(startsAt.toISOString()));
    // A second cancellation is refused in French.
    const twice = await browser.post(`${manage.split('?')[0]}/annuler`, { _csrf: csrf }, { withCsrf: false });
    expect(twice.statusCode).toBe(409);
    expect(shownText(twice.body)).toContain('Ce rendez-vous est déjà annulé.');
  });

  it('refuses a visitor booking without an address (422), and a taken slot (409), in French with nothing lost', async () => {
    const browser = visitor();
    const page = await browser.get(`/c/${town.slug}/rendez-vous/${motifId}`);
    const link = slotLinks(page.body)[0]!;
    const params = new URL(link, 'http://x').searchParams;
    await browser.get(link);
    const fields = {
      agenda: params.get('agenda')!,
      debut: params.get('debut')!,
      nom: 'Dominique Sans-Adresse',
      courriel: '',
    };
    const missing = await browser.post(link.split('?')[0]!, fields);
    expect(missing.statusCode).toBe(422);
    expect(shownText(missing.body)).toContain('Indiquez votre adresse électronique');
    expect(missing.body).toContain('value="Dominique Sans-Adresse"');
    const bad = await browser.post(link.split('?')[0]!, { ...fields, courriel: 'pas-une-adresse' });
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain('Indiquez une adresse électronique valide');

    const first = await visitor();
    await first.get(link);
    expect(
      (await first.post(link.split('?')[0]!, { ...fields, courriel: 'premier@courriel.example' })).statusCode,
    ).toBe(303);
    const late = await browser.post(link.split('?')[0]!, { ...fields, courriel: 'second@courriel.example' });
    expect(late.statusCode).toBe(409);
    expect(shownText(late.body)).toContain('Ce créneau vient d’être réservé par une autre personne.');
    expect(late.body).toContain('value="Dominique Sans-Adresse"');
    // A time that is no slot at all, and a malformed one.
    const noon = await browser.post(link.split('?')[0]!, {
      ...fields,
      courriel: 'x@courriel.example',
      debut: '2020-01-01T11:00:00.000Z',
    });
    expect(noon.statusCode).toBe(422);
    expect(shownText(noon.body)).toContain('Ce créneau n’est pas proposé');
  });

  it('offers the motif on its service’s public page and among the home page’s candidate tasks', async () => {
    const etatCivil = await t.app.inject({ method: 'GET', url: `/c/${town.slug}/services/etat-civil` });
    expect(etatCivil.body).toContain(`href="/c/${town.slug}/rendez-vous/${motifId}"`);
    expect(shownText(etatCivil.body)).toContain('Prendre rendez-vous : Passeport ou carte d’identité');
    const technique = await t.app.inject({ method: 'GET', url: `/c/${town.slug}/services/technique` });
    expect(technique.body).not.toContain(`/rendez-vous/${motifId}`);
    const browser = await signIn(t.app, admin.email, { slug: town.slug });
    expect((await browser.get(`/c/${town.slug}/admin/commune`)).body).toContain(`value="rendez-vous:${motifId}"`);
  });

  it('answers 404 to another commune and to unknown links', async () => {
    const { res } = await visitorBooks('isolation@courriel.example');
    const manage = String(res.headers.location).split('?')[0]!;
    const browser = visitor();
    expect((await browser.get(manage.replace(town.slug, other.slug))).statusCode).toBe(404);
    expect((await browser.get(`/c/${other.slug}/rendez-vous/${motifId}`)).statusCode).toBe(404);
    expect((await browser.get(`/c/${town.slug}/rendez-vous/gerer/${'A'.repeat(43)}`)).statusCode).toBe(404);
    expect((await browser.get(`/c/${town.slug}/rendez-vous/gerer/court`)).statusCode).toBe(404);
    const otherAdmin = await staffMember(t, other, { role: 'admin' });
    const outsider = await signIn(t.app, otherAdmin.email, { slug: other.slug });
    expect((await outsider.get(`/c/${other.slug}/admin/rendez-vous/agendas/${agendaId}`)).statusCode).toBe(404);
    // Row-level security hides the bookings from the other commune's transactions, even unfiltered.
    const seen = await withTenant(
      t.runtime.database,
      other.id,
      async (tx) => (await tx.client.query('SELECT count(*)::int AS n FROM appointment_booking')).rows[0].n,
    );
    expect(seen).toBe(0);
  });

  it('books for a signed-in citizen with their account’s address, shown in « Mes rendez-vous »', async () => {
    const browser = await signIn(t.app, resident.email, { slug: town.slug });
    const page = await browser.get(`/c/${town.slug}/rendez-vous/${motifId}`);
    const link = slotLinks(page.body)[1]!;
    const params = new URL(link, 'http://x').searchParams;
    const form = await browser.get(link);
    expect(shownText(form.body)).toContain(`La confirmation sera envoyée à ${resident.email}`);
    const res = await browser.post(link.split('?')[0]!, {
      agenda: params.get('agenda')!,
      debut: params.get('debut')!,
      nom: resident.name,
    });
    expect(res.statusCode, shownText(res.body).slice(0, 300)).toBe(303);
    expect((await mails(resident.email))[0]!.subject).toContain('Rendez-vous confirmé');
    const space = shownText((await browser.get(`/c/${town.slug}/mon-espace`)).body);
    expect(space).toContain('Mes rendez-vous');
    expect(space).toContain('Passeport ou carte d’identité');
    const own = /href="(\/c\/[^"]+\/mes-rendez-vous\/[0-9a-f-]{36})"/.exec(
      (await browser.get(`/c/${town.slug}/mon-espace`)).body,
    )![1]!;
    expect((await browser.get(own)).statusCode).toBe(200);
    // Someone else's booking answers 404.
    const stranger = await signIn(t.app, (await citizen(t, town)).email, { slug: town.slug });
    expect((await stranger.get(own)).statusCode).toBe(404);
    await browser.get(own);
    expect((await browser.post(`${own}/annuler`, {})).statusCode).toBe(303);
  });

  it('asks for the ANTS pre-application number when the motif requires it, checking its format', async () => {
    const adminBrowser = await signIn(t.app, admin.email, { slug: town.slug });
    await adminBrowser.get(`/c/${town.slug}/admin/rendez-vous`);
    const created = await adminBrowser.post(`/c/${town.slug}/admin/rendez-vous/motifs`, {
      service: serviceId,
      nom: 'Carte d’identité (ANTS)',
      type: 'guichet',
      duree: '20',
      battement: '0',
      places: '1',
      delai_min: '0',
      delai_max: '60',
      qui: 'public',
      ants: 'oui',
      rappels: '',
    });
    expect(created.statusCode).toBe(303);
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      `SELECT id FROM appointment_motif WHERE commune_id = $1 AND ants_required`,
      [town.id],
    );
    const browser = visitor();
    const page = await browser.get(`/c/${town.slug}/rendez-vous/${rows[0]!.id}`);
    const link = slotLinks(page.body)[0]!;
    const params = new URL(link, 'http://x').searchParams;
    const form = await browser.get(link);
    expect(shownText(form.body)).toContain('Numéro de pré-demande ANTS');
    const fields = {
      agenda: params.get('agenda')!,
      debut: params.get('debut')!,
      nom: 'Alex Passeport',
      courriel: 'ants@courriel.example',
    };
    const missing = await browser.post(link.split('?')[0]!, fields);
    expect(missing.statusCode).toBe(422);
    expect(shownText(missing.body)).toContain('Indiquez le numéro de pré-demande ANTS');
    const malformed = await browser.post(link.split('?')[0]!, { ...fields, ants: 'AB12CD34' });
    expect(malformed.statusCode).toBe(422);
    expect(shownText(malformed.body)).toContain('Le numéro de pré-demande ANTS compte 10 lettres ou chiffres');
    expect(malformed.body).toContain('value="AB12CD34"');
    const ok = await browser.post(link.split('?')[0]!, { ...fields, ants: 'ab12 cd34 ef' });
    expect(ok.statusCode).toBe(303);
    const stored = await t.testDb.asSuperuser<{ ants_number: string }>(
      `SELECT ants_number FROM appointment_booking WHERE email = 'ants@courriel.example'`,
    );
    expect(stored.rows[0]!.ants_number).toBe('AB12CD34EF');
  });

  it('gives a citizen’s bookings to their export, and erases them with the account', async () => {
    const person = await citizen(t, town);
    const browser = await signIn(t.app, person.email, { slug: town.slug });
    const page = await browser.get(`/c/${town.slug}/rendez-vous/${motifId}`);
    const link = slotLinks(page.body).at(-1)!;
    const params = new URL(link, 'http://x').searchParams;
    await browser.get(link);
    await browser.post(link.split('?')[0]!, {
      agenda: params.get('agenda')!,
      debut: params.get('debut')!,
      nom: person.name,
    });
    const exported = await browser.get(`/c/${town.slug}/compte/donnees/export.json`);
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('Passeport ou carte d’identité');
    await browser.get(`/c/${town.slug}/compte/donnees`);
    expect(
      (await browser.post(`/c/${town.slug}/compte/donnees/supprimer`, { confirmation: 'oui' })).statusCode,
    ).toBeLessThan(400);
    const { rows } = await t.testDb.asSuperuser<{
      name: string;
      email: string | null;
      status: string;
      account_id: string | null;
    }>('SELECT name, email, status, account_id FROM appointment_booking WHERE starts_at = $1 AND agenda_id = $2', [
      params.get('debut'),
      params.get('agenda'),
    ]);
    expect(rows).toEqual([{ name: 'Personne supprimée', email: null, status: 'annule', account_id: null }]);
  });

  it('lets the agent book for a caller, see the day, check in and mark absent', async () => {
    const browser = await signIn(t.app, agent.email, { slug: town.slug });
    const list = await browser.get(`/c/${town.slug}/agent/rendez-vous/nouveau?motif=${motifId}`);
    const link = [...list.body.matchAll(/href="([^"]*nouveau\?motif=[^"]+debut=[^"]+)"/g)][0]![1]!.replace(
      /&amp;/g,
      '&',
    );
    const params = new URL(link, 'http://x').searchParams;
    await browser.get(link);
    const noContact = await browser.post(`/c/${town.slug}/agent/rendez-vous/nouveau`, {
      motif: motifId,
      agenda: params.get('agenda')!,
      debut: params.get('debut')!,
      nom: 'Appelant Téléphone',
    });
    expect(noContact.statusCode).toBe(422);
    expect(shownText(noContact.body)).toContain('Indiquez un numéro de téléphone ou une adresse électronique');
    const booked = await browser.post(`/c/${town.slug}/agent/rendez-vous/nouveau`, {
      motif: motifId,
      agenda: params.get('agenda')!,
      debut: params.get('debut')!,
      nom: 'Appelant Téléphone',
      telephone: '02 99 00 00 00',
    });
    expect(booked.statusCode, shownText(booked.body).slice(0, 300)).toBe(303);
    const day = await browser.get(String(booked.headers.location));
    expect(shownText(day.body)).toContain('Appelant Téléphone');
    const checkIn = /action="([^"]+\/arrivee)"/.exec(day.body)![1]!;
    const starts = new Date(params.get('debut')!);
    const res = await browser.post(checkIn, { jour: parisDateOf(starts), agenda: '' });
    // On the day of the appointment it is noted; earlier it is refused in French.
    if (starts.getTime() - Date.now() <= 24 * 3600_000) {
      expect(res.statusCode).toBe(303);
      expect(shownText((await browser.get(String(res.headers.location))).body)).toContain('arrivé');
    } else {
      expect(res.statusCode).toBe(409);
    }
    // The printable version has no buttons; an agent of another service sees no desk.
    const printable = await browser.get(`/c/${town.slug}/agent/rendez-vous?jour=${parisDateOf(starts)}&impression=1`);
    expect(printable.body).not.toContain('/arrivee');
    const stranger = await signIn(
      t.app,
      (await staffMember(t, town, { role: 'agent', services: ['technique'] })).email,
      {
        slug: town.slug,
      },
    );
    expect(shownText((await stranger.get(`/c/${town.slug}/agent/rendez-vous`)).body)).toContain(
      'Aucun guichet de vos services',
    );
    await stranger.get(`/c/${town.slug}/contacter-la-mairie`);
    expect((await stranger.post(checkIn, { jour: parisDateOf(starts) })).statusCode).toBe(404);
    const week = await browser.get(`/c/${town.slug}/agent/rendez-vous/semaine?du=${parisDateOf(starts)}`);
    expect(shownText(week.body)).toContain('Appelant Téléphone');
  });

  it('offers a freed earlier slot to the person on the waitlist, who takes it', async () => {
    // Two bookings: an early one (to be cancelled) and a later one whose holder waits for better.
    const early = await visitorBooks('tot@courriel.example');
    const later = await visitorBooks('tard@courriel.example');
    expect(later.startsAt.getTime()).toBeGreaterThan(early.startsAt.getTime());
    const laterPage = String(later.res.headers.location).split('?')[0]!;
    await later.browser.get(laterPage);
    expect((await later.browser.post(`${laterPage}/attente`, {})).statusCode).toBe(303);
    const earlyPage = String(early.res.headers.location).split('?')[0]!;
    await early.browser.get(earlyPage);
    expect((await early.browser.post(`${earlyPage}/annuler`, {})).statusCode).toBe(303);
    await runQueuedJobs(t, 'event.appointments.waitlist-offer');
    const offer = (await mails('tard@courriel.example')).find((m) =>
      m.subject.startsWith('Un créneau plus tôt s’est libéré'),
    );
    expect(offer, 'offer mail').toBeDefined();
    const offerUrl = /\/c\/[^\s]+\/rendez-vous\/offre\/[A-Za-z0-9_-]{43}/.exec(offer!.text_body)![0];
    const offerPage = await later.browser.get(offerUrl);
    expect(shownText(offerPage.body)).toContain('Prendre ce créneau');
    const csrf = later.browser.csrf();
    const taken = await later.browser.post(offerUrl, {});
    expect(taken.statusCode).toBe(200);
    expect(shownText(taken.body)).toContain('Votre rendez-vous est avancé');
    const { rows } = await t.testDb.asSuperuser<{ starts_at: Date }>(
      `SELECT starts_at FROM appointment_booking WHERE email = 'tard@courriel.example'`,
    );
    expect(new Date(rows[0]!.starts_at).toISOString()).toBe(early.startsAt.toISOString());
    // The offer is used: taking it again is refused.
    expect((await later.browser.post(offerUrl, { _csrf: csrf }, { withCsrf: false })).statusCode).toBe(409);
  });

  it.runIf(engine === 'postgres')('books the last seat from many connections at once: exactly one wins', async () => {
    const day = addCalendarDays(parisDateOf(new Date()), 3);
    const startsAt = parisInstant(day, 17 * 60)!;
    const contenders = 12;
    const outcomes = await Promise.allSettled(
      Array.from({ length: contenders }, (_, i) =>
        bookAppointment(t.runtime, { communeId: town.id, actor: null, requestId: null }, 'visitor', {
          motif: motifId,
          agenda: agendaId,
          debut: startsAt.toISOString(),
          nom: `Concurrent ${i}`,
          courriel: `c${i}@courriel.example`,
        }),
      ),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(contenders - 1);
    for (const l of lost) {
      expect(l.reason).toMatchObject({ status: 409, code: 'appointments.slot_taken' });
      expect(l.reason.userMessage).toContain('Ce créneau vient d’être réservé par une autre personne.');
    }
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM appointment_booking WHERE agenda_id = $1 AND starts_at = $2 AND status <> 'annule'`,
      [agendaId, startsAt],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('ends a démarche by booking its appointment: offered once the request is sent, attached to it, in its history', async () => {
    const procedure = await procedureWithForm(t, town, { service: 'etat-civil', title: 'Consultation du cadastre' });
    const settings = `/c/${town.slug}/admin/demarches/${procedure.slug}`;
    const administrator = await signIn(t.app, admin.email, { slug: town.slug });
    await administrator.get(settings);
    const unknown = await administrator.post(`${settings}/apres-envoi`, {
      followUpTask: 'rendez-vous:00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(422);
    expect(shownText(unknown.body)).toContain('Ce rendez-vous n’est pas proposé au public');
    const saved = await administrator.post(`${settings}/apres-envoi`, { followUpTask: `rendez-vous:${motifId}` });
    expect(saved.statusCode).toBe(303);

    // A resident files the démarche; the confirmation page offers the appointment at once.
    const browser = await signIn(t.app, resident.email, { slug: town.slug });
    const flow = `/c/${town.slug}/demarches/${procedure.slug}`;
    await browser.get(`${flow}/demande`);
    await browser.post(`${flow}/demande`, { objet: 'Consulter le plan cadastral de ma parcelle', action: 'continuer' });
    await browser.get(`${flow}/verifier`);
    expect((await browser.post(`${flow}/envoyer`, {})).statusCode).toBe(303);
    const confirmation = await browser.get(`/c/${town.slug}/demande-envoyee`);
    const number = /<strong>(\d{4}-\d{6})<\/strong>/.exec(confirmation.body)![1]!;
    expect(shownText(confirmation.body)).toContain('Dernière étape : prenez rendez-vous');
    const offer = /href="([^"]*\/rendez-vous\/[^"]*\?demande=[^"]+)"/
      .exec(confirmation.body)![1]!
      .replace(/&amp;/g, '&');

    // The motif's page and the booking form say which request it is for; the slots carry it.
    const motifPage = await browser.get(offer);
    expect(shownText(motifPage.body)).toContain(`Ce rendez-vous sera rattaché à votre demande n° ${number}`);
    const link = slotLinks(motifPage.body)[0]!;
    const params = new URL(link, 'http://x').searchParams;
    expect(params.get('demande')).toBe(number);
    // Numbers restart in every commune: the same number's link signs for this commune only.
    expect(verifyRequestNumber(t.config, town.id, number, params.get('jeton')!)).toBe(true);
    expect(verifyRequestNumber(t.config, other.id, number, params.get('jeton')!)).toBe(false);
    const form = await browser.get(link);
    expect(shownText(form.body)).toContain(`votre demande n° ${number}`);
    const fields = { agenda: params.get('agenda')!, debut: params.get('debut')!, nom: 'Camille Martin' };

    // Another request's number under this link's signature is refused, and nothing is booked.
    const forged = await browser.post(link.split('?')[0]!, {
      ...fields,
      demande: '2026-999999',
      jeton: params.get('jeton')!,
    });
    expect(forged.statusCode).toBe(400);
    expect(shownText(forged.body)).toContain('Le lien qui rattache ce rendez-vous à votre demande n’est pas valide');
    await browser.get(link);
    const booked = await browser.post(link.split('?')[0]!, { ...fields, demande: number, jeton: params.get('jeton')! });
    expect(booked.statusCode, shownText(booked.body).slice(0, 300)).toBe(303);
    const manage = String(booked.headers.location).split('?')[0]!;
    expect(shownText((await browser.get(manage)).body)).toContain(`Pour la demande n° ${number}`);

    // The request's history says so, to the resident; the agent's day links the booking to the request.
    const subscriber = (event: string) => `event.requests.appointment-${event}`;
    expect(await runQueuedJobs(t, subscriber('booked'))).toBeGreaterThanOrEqual(1);
    const mine = shownText((await browser.get(`/c/${town.slug}/demandes/${number}`)).body);
    expect(mine).toMatch(/Rendez-vous pris le \d{1,2} \S+ \d{4} à \d{1,2} h \d{2} \(Passeport ou carte d’identité\)/);
    const desk = await signIn(t.app, agent.email, { slug: town.slug });
    const day = await desk.get(`/c/${town.slug}/agent/rendez-vous?jour=${parisDateOf(new Date(params.get('debut')!))}`);
    expect(day.body).toContain(`href="/c/${town.slug}/agent/demandes/${number}"`);

    // Cancelled by its link: the history says that too (once, even if the event comes twice).
    await browser.get(manage);
    expect((await browser.post(`${manage}/annuler`, {})).statusCode).toBe(303);
    await runQueuedJobs(t, subscriber('cancelled'));
    const after = shownText((await browser.get(`/c/${town.slug}/demandes/${number}`)).body);
    expect(after).toContain('annulé');
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM request_event e JOIN citizen_request r ON r.id = e.request_id
        WHERE r.number = $1 AND e.kind = 'appointment'`,
      [number],
    );
    expect(rows[0]!.n).toBe(2);
  });
});

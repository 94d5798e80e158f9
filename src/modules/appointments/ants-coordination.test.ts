/**
 * Passport appointments with the ANTS coordination API, against the local simulator of its
 * protocol (src/test/ants-simulator.ts): unknown, expired and filed numbers are refused in
 * French; an appointment another editor declared is shown with its link; a booking is declared,
 * a cancellation deleted, a move is a deletion then a declaration; an outage never stops a citizen
 * and the declaration goes out once the ANTS answers again; the management URL given to the ANTS
 * holds no secret and sends a fresh link by mail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antsCoordinationClient, antsDate } from '../../platform/ants/coordination.js';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { type AntsSimulator, startAntsSimulator } from '../../test/ants-simulator.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { secondCommune, staffMember } from '../../test/factories.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { nextTestAddress, signIn } from '../../test/sign-in.js';
import { meetingPointId } from './ants.js';
import { ANTS_SYNC_JOB } from './ants-sync.js';
import { bookAppointment } from './use-cases/book-appointment.js';
import { cancelByToken, moveByToken } from './use-cases/manage-booking.js';

describe('the ANTS date format', () => {
  it.each([
    ['2027-01-12T09:30:00Z', '2027-01-12 10:30:00'], // winter: UTC+1
    ['2027-07-01T07:15:00Z', '2027-07-01 09:15:00'], // summer: UTC+2
    ['2026-12-31T23:30:00Z', '2027-01-01 00:30:00'], // the new year in Paris first
    ['2027-03-28T00:59:00Z', '2027-03-28 01:59:00'], // just before the spring change
    ['2027-03-28T01:00:00Z', '2027-03-28 03:00:00'], // just after it
  ])('%s is %s in Paris', (instant, expected) => {
    expect(antsDate(new Date(instant))).toBe(expected);
  });
});

describe.each(TEST_ENGINES)('ANTS coordination on %s', (engine) => {
  let ants: AntsSimulator;
  let t: TestApp;
  let town: Commune;
  let motifId: string;
  let agendaId: string;
  let slots: string[];
  const visitorCaller = () => ({ communeId: town.id, actor: null, requestId: null });

  beforeAll(async () => {
    ants = await startAntsSimulator();
    t = await createTestApp(engine, { env: { ...ants.env, GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    town = await secondCommune(t, {
      slug: 'val-de-rance',
      name: 'Val-de-Rance',
      services: [{ slug: 'etat-civil', name: 'État civil' }],
    });
    const admin = await staffMember(t, town, { role: 'admin' });
    const serviceId = (await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id)))[0]!.id;
    const browser = await signIn(t.app, admin.email, { slug: town.slug });
    await browser.get(`/c/${town.slug}/admin/rendez-vous`);
    const created = await browser.post(`/c/${town.slug}/admin/rendez-vous/agendas`, {
      service: serviceId,
      lieu: 'Mairie',
      guichet: 'Guichet 1',
      adresse: '1 place de la Mairie',
      alsace: 'non',
    });
    agendaId = /agendas\/([0-9a-f-]{36})/.exec(String(created.headers.location))![1]!;
    for (let day = 1; day <= 7; day++) {
      await browser.get(`/c/${town.slug}/admin/rendez-vous/agendas/${agendaId}`);
      await browser.post(`/c/${town.slug}/admin/rendez-vous/agendas/${agendaId}/horaires`, {
        jour: String(day),
        debut: '0:00',
        fin: '24:00',
      });
    }
    await browser.get(`/c/${town.slug}/admin/rendez-vous`);
    await browser.post(`/c/${town.slug}/admin/rendez-vous/motifs`, {
      service: serviceId,
      nom: 'Passeport',
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
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM appointment_motif WHERE commune_id = $1',
      [town.id],
    );
    motifId = rows[0]!.id;
    const page = await new TestBrowser(t.app).get(`/c/${town.slug}/rendez-vous/${motifId}`);
    slots = [...page.body.matchAll(/debut=([^"&]+)/g)].map((m) => decodeURIComponent(m[1]!)).slice(1, 12);
  });

  afterAll(async () => {
    await t?.close();
    await ants?.close();
  });

  const book = (ants: string, slot: number, courriel = `p${slot}@courriel.example`) =>
    bookAppointment(t.runtime, visitorCaller(), 'visitor', {
      motif: motifId,
      agenda: agendaId,
      debut: slots[slot]!,
      nom: 'Alex Passeport',
      courriel,
      ants,
    });

  it('refuses in French the numbers the ANTS does not let book, and stores nothing', async () => {
    ants.seed('EXPIRE0001', 'expired');
    ants.seed('DEPOSE0001', 'consumed');
    const cases = [
      ['INCONNU001', 'L’ANTS ne connaît pas ce numéro de pré-demande.'],
      ['EXPIRE0001', 'Cette pré-demande a expiré.'],
      ['DEPOSE0001', 'a déjà été déposé en mairie'],
    ] as const;
    for (const [number, message] of cases) {
      await expect(book(number, 0)).rejects.toMatchObject({
        status: 422,
        fields: { ants: expect.stringContaining(message) },
      });
    }
    // Through the form, as the visitor sees it: the message on the field, the number kept.
    const browser = new TestBrowser(t.app, { remoteAddress: nextTestAddress() });
    const path = `/c/${town.slug}/rendez-vous/${motifId}/reserver`;
    await browser.get(`${path}?agenda=${agendaId}&debut=${encodeURIComponent(slots[0]!)}`);
    const res = await browser.post(path, {
      agenda: agendaId,
      debut: slots[0]!,
      nom: 'Alex Passeport',
      courriel: 'alex@courriel.example',
      ants: 'inconnu001',
    });
    expect(res.statusCode).toBe(422);
    expect(shownText(res.body)).toContain('L’ANTS ne connaît pas ce numéro de pré-demande.');
    expect(res.body).toContain('value="inconnu001"');
    const { rows } = await t.testDb.asSuperuser<{ n: number }>(
      'SELECT count(*)::int AS n FROM appointment_booking WHERE commune_id = $1',
      [town.id],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('declares a booking with a management URL that holds no secret, deletes it on cancellation', async () => {
    ants.seed('VALIDE0001', 'validated');
    const { booking, token } = await book('valide0001', 1);
    expect(ants.appointmentsOf('VALIDE0001')).toEqual([]); // declared after the commit, by the job
    expect(await runQueuedJobs(t, ANTS_SYNC_JOB)).toBe(1);
    const [declared] = ants.appointmentsOf('VALIDE0001');
    expect(declared).toMatchObject({
      meeting_point: 'Val-de-Rance – Mairie',
      // The place's id, the one the national search lists (ants-hub.ts).
      meeting_point_id: meetingPointId(town.id, 'Mairie'),
      appointment_date: antsDate(booking.startsAt),
      management_url: `${t.runtime.config.publicUrl}/c/${town.slug}/rendez-vous/ants/${booking.id}`,
    });
    expect(declared!.management_url).not.toContain(token);

    // Another person, or the same one elsewhere, with this number: refused, with the link to cancel.
    await expect(book('VALIDE0001', 2)).rejects.toMatchObject({
      status: 422,
      fields: { ants: expect.stringContaining(declared!.management_url) },
    });

    await cancelByToken(t.runtime, visitorCaller(), token);
    await runQueuedJobs(t, ANTS_SYNC_JOB);
    expect(ants.appointmentsOf('VALIDE0001')).toEqual([]);
    expect(ants.requests.filter((r) => r.method === 'DELETE').at(-1)?.params).toMatchObject({
      application_id: 'VALIDE0001',
      appointment_date: antsDate(booking.startsAt),
    });
  });

  it('shows an appointment another editor declared, with its date and link', async () => {
    ants.seed('AILLEURS01', 'validated');
    const other = antsCoordinationClient({ url: ants.url, token: ants.otherEditorToken });
    await other.declare({
      applicationId: 'AILLEURS01',
      meetingPoint: 'Mairie de Saint-Ailleurs',
      meetingPointId: '42',
      startsAt: new Date('2027-01-12T09:30:00Z'),
      managementUrl: 'https://rdv.saint-ailleurs.example/rdv/42',
    });
    const refused = book('AILLEURS01', 3).catch((e: { fields: { ants: string } }) => e.fields.ants);
    expect(await refused).toBe(
      'Un rendez-vous est déjà pris pour cette pré-demande, le mardi 12 janvier 2027 à 10\u00a0h\u00a030 (Mairie de Saint-Ailleurs). Annulez-le d’abord : https://rdv.saint-ailleurs.example/rdv/42',
    );
  });

  it('moves as a deletion then a declaration', async () => {
    ants.seed('DEPLACE001', 'validated');
    const { booking, token } = await book('DEPLACE001', 4);
    await runQueuedJobs(t, ANTS_SYNC_JOB);
    const moved = await moveByToken(t.runtime, visitorCaller(), token, { agenda: agendaId, debut: slots[5]! });
    await runQueuedJobs(t, ANTS_SYNC_JOB);
    expect(ants.appointmentsOf('DEPLACE001').map((a) => a.appointment_date)).toEqual([antsDate(moved.startsAt)]);
    expect(antsDate(moved.startsAt)).not.toBe(antsDate(booking.startsAt));
  });

  it('lets the booking through when the ANTS is down, and declares it once it answers', async () => {
    ants.seed('PANNE00001', 'validated');
    ants.down = true;
    try {
      const { booking } = await book('PANNE00001', 6);
      expect(booking.antsNumber).toBe('PANNE00001');
      await expect(runQueuedJobs(t, ANTS_SYNC_JOB)).rejects.toThrow(/HTTP 503/);
    } finally {
      ants.down = false;
    }
    expect(await runQueuedJobs(t, ANTS_SYNC_JOB)).toBe(1);
    expect(ants.appointmentsOf('PANNE00001')).toHaveLength(1);
  });

  it('sends a fresh link from the page given to the ANTS, which names nobody', async () => {
    ants.seed('LIEN000001', 'validated');
    const { booking, token } = await book('LIEN000001', 7, 'lien@courriel.example');
    const browser = new TestBrowser(t.app, { remoteAddress: nextTestAddress() });
    const page = await browser.get(`/c/${town.slug}/rendez-vous/ants/${booking.id}`);
    expect(page.statusCode).toBe(200);
    expect(shownText(page.body)).toContain('Passeport');
    expect(page.body).not.toContain('Alex Passeport');
    expect(page.body).not.toContain('lien@courriel.example');
    const sent = await browser.post(`/c/${town.slug}/rendez-vous/ants/${booking.id}`, {});
    expect(sent.statusCode).toBe(303);
    expect(shownText((await browser.get(String(sent.headers.location))).body)).toContain(
      'Un courriel vient d’être envoyé',
    );
    const mails = await t.testDb.asSuperuser<{ text_body: string }>(
      'SELECT text_body FROM mail_outbox WHERE to_address = $1 ORDER BY created_at',
      ['lien@courriel.example'],
    );
    expect(mails.rows).toHaveLength(2);
    const fresh = /rendez-vous\/gerer\/([A-Za-z0-9_-]{43})/.exec(mails.rows[1]!.text_body)![1]!;
    expect(fresh).not.toBe(token);
    expect((await browser.get(`/c/${town.slug}/rendez-vous/gerer/${token}`)).statusCode).toBe(404);
    expect((await browser.get(`/c/${town.slug}/rendez-vous/gerer/${fresh}`)).statusCode).toBe(200);
    expect(
      (await browser.get(`/c/${town.slug}/rendez-vous/ants/${'0'.repeat(8)}-0000-7000-8000-000000000000`)).statusCode,
    ).toBe(404);
  });

  // Last: it renames the place the other cases book at.
  it('lets the administrator change a desk’s place and position; its passport appointments follow at the ANTS', async () => {
    ants.seed('RENOMME001', 'validated');
    const { booking } = await book('RENOMME001', 9);
    await runQueuedJobs(t, ANTS_SYNC_JOB);
    const admin = await signIn(t.app, (await staffMember(t, town, { role: 'admin' })).email, { slug: town.slug });
    const page = `/c/${town.slug}/admin/rendez-vous/agendas/${agendaId}`;
    const form = await admin.get(page);
    expect(form.body).toContain('value="1 place de la Mairie"');

    // Half a position, or a latitude off the globe: refused on the field, the typing kept, nothing changed.
    for (const [fields, field, message] of [
      [
        { latitude: '47,3656', longitude: '' },
        'longitude',
        'Indiquez la latitude et la longitude, ou aucune des deux.',
      ],
      [{ latitude: '147,5', longitude: '-1,17' }, 'latitude', 'La latitude est un nombre de degrés entre -90 et 90'],
    ] as const) {
      const refused = await admin.post(`${page}/lieu`, { lieu: 'Mairie annexe', guichet: 'Guichet 1', ...fields });
      expect(refused.statusCode, field).toBe(422);
      expect(shownText(refused.body)).toContain(message);
      expect(refused.body).toContain('value="Mairie annexe"');
      await admin.get(page);
    }
    const placeNow = async () =>
      (await t.testDb.asSuperuser<{ place: string }>('SELECT place FROM appointment_agenda WHERE id = $1', [agendaId]))
        .rows[0]!.place;
    expect(await placeNow()).toBe('Mairie');

    const saved = await admin.post(`${page}/lieu`, {
      lieu: 'Mairie annexe',
      guichet: 'Guichet 1',
      adresse: '2 rue des Écoles',
      latitude: '47,3656',
      longitude: '-1,1772',
      alsace: 'non',
    });
    expect(saved.statusCode).toBe(303);
    const after = await admin.get(String(saved.headers.location));
    expect(shownText(after.body)).toContain('Le lieu et le guichet sont enregistrés.');
    expect(after.body).toContain('value="47,3656"');
    expect(after.body).toContain('value="-1,1772"');

    // The ANTS now holds the desk's appointments at the new place, under its new id, and only there:
    // this one and those the other cases left booked (one withdrawal and one declaration each).
    const { rows: kept } = await t.testDb.asSuperuser<{ ants_number: string }>(
      "SELECT ants_number FROM appointment_booking WHERE agenda_id = $1 AND status = 'confirme' AND ants_number IS NOT NULL",
      [agendaId],
    );
    expect(kept.map((r) => r.ants_number)).toEqual(expect.arrayContaining(['RENOMME001', 'DEPLACE001']));
    expect(await runQueuedJobs(t, ANTS_SYNC_JOB)).toBe(2 * kept.length);
    for (const { ants_number } of kept) {
      expect(ants.appointmentsOf(ants_number).map((a) => a.meeting_point)).toEqual(['Val-de-Rance – Mairie annexe']);
    }
    expect(ants.appointmentsOf('RENOMME001')).toEqual([
      expect.objectContaining({
        meeting_point: 'Val-de-Rance – Mairie annexe',
        meeting_point_id: meetingPointId(town.id, 'Mairie annexe'),
        appointment_date: antsDate(booking.startsAt),
      }),
    ]);
    const journal = await t.testDb.asSuperuser<{ data: { previousPlace: string; antsRedeclared: number } }>(
      "SELECT data FROM audit_entry WHERE commune_id = $1 AND action = 'appointments.agenda_changed' ORDER BY seq DESC LIMIT 1",
      [town.id],
    );
    expect(journal.rows[0]!.data).toMatchObject({ previousPlace: 'Mairie', antsRedeclared: kept.length });

    // Another commune's administrator: 404, nothing changed.
    const elsewhere = await secondCommune(t, {
      slug: 'autre-rive',
      name: 'Autre-Rive',
      services: [{ slug: 'etat-civil', name: 'État civil' }],
    });
    const otherAdmin = await signIn(t.app, (await staffMember(t, elsewhere, { role: 'admin' })).email, {
      slug: elsewhere.slug,
    });
    const foreign = `/c/${elsewhere.slug}/admin/rendez-vous/agendas/${agendaId}`;
    expect((await otherAdmin.get(foreign)).statusCode).toBe(404);
    await otherAdmin.get(`/c/${elsewhere.slug}/admin/rendez-vous`);
    expect((await otherAdmin.post(`${foreign}/lieu`, { lieu: 'Ailleurs', guichet: 'Guichet 1' })).statusCode).toBe(404);
    expect(await placeNow()).toBe('Mairie annexe');
  });
});

/**
 * The endpoints the ANTS national search calls (ants-hub.ts), as its hub calls them: the token
 * header, meeting points with coordinates, slots in the hub's format with a callback URL that opens
 * Guichet's booking form, N documents needing N consecutive slots, the search of pre-application
 * numbers, and bad parameters answered 4xx. Nothing at all without GUICHET_ANTS_HUB_TOKEN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { addCalendarDays, parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { secondCommune, staffMember } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';
import { meetingPointId } from './ants.js';
import { hubDatetime } from './ants-hub.js';
import { bookAppointment } from './use-cases/book-appointment.js';

const TOKEN = 'jeton-du-hub-ants-0123456789';

describe('hubDatetime', () => {
  it.each([
    ['winter: UTC+1', '2026-12-19T09:00:00Z', '2026-12-19T10:00Z'],
    ['summer: UTC+2', '2027-06-15T07:20:00Z', '2027-06-15T09:20Z'],
    ['late evening crossing midnight in Paris', '2026-12-31T23:30:00Z', '2027-01-01T00:30Z'],
  ])('%s', (_case, instant, expected) => {
    expect(hubDatetime(new Date(instant))).toBe(expected);
  });
});

describe.each(TEST_ENGINES)('ANTS hub endpoints (%s)', (engine) => {
  let t: TestApp;
  let town: Commune;
  let pointId: string;
  const hub = (url: string, token: string | null = TOKEN) =>
    t.app.inject({ url, headers: token ? { 'x-hub-rdv-auth-token': token } : {} });

  beforeAll(async () => {
    t = await createTestApp(engine, {
      env: { GUICHET_ANTS_HUB_TOKEN: TOKEN, GUICHET_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    town = await secondCommune(t, {
      slug: 'val-de-loire',
      name: 'Val-de-Loire',
      services: [
        { slug: 'etat-civil', name: 'État civil' },
        { slug: 'urbanisme', name: 'Urbanisme' },
      ],
    });
    const admin = await staffMember(t, town, { role: 'admin' });
    const services = await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id));
    const serviceId = (slug: string) => services.find((s) => s.slug === slug)!.id;
    const browser = await signIn(t.app, admin.email, { slug: town.slug });
    const agenda = async (fields: Record<string, string>) => {
      await browser.get(`/c/${town.slug}/admin/rendez-vous`);
      const res = await browser.post(`/c/${town.slug}/admin/rendez-vous/agendas`, { alsace: 'non', ...fields });
      expect(res.statusCode, shownText(res.body).slice(0, 300)).toBe(303);
      const id = /agendas\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
      for (let day = 1; day <= 7; day++) {
        await browser.get(`/c/${town.slug}/admin/rendez-vous/agendas/${id}`);
        await browser.post(`/c/${town.slug}/admin/rendez-vous/agendas/${id}/horaires`, {
          jour: String(day),
          debut: '9:00',
          fin: '12:00',
        });
      }
    };
    // Two desks at the town hall (one place for the ANTS), coordinates in French notation.
    const hall = { service: serviceId('etat-civil'), lieu: 'Mairie', adresse: '2 rue du Port, 44150 Val-de-Loire' };
    await agenda({ ...hall, guichet: 'Guichet 1', latitude: '47,3656', longitude: '-1,1772' });
    await agenda({ ...hall, guichet: 'Guichet 2' });
    // A place without coordinates is not published; the urbanisme desk books no ANTS motif.
    await agenda({ service: serviceId('etat-civil'), lieu: 'Annexe du Bourg', guichet: 'Accueil' });
    await agenda({
      service: serviceId('urbanisme'),
      lieu: 'Services techniques',
      guichet: 'Bureau',
      latitude: '47,36',
      longitude: '-1,18',
    });
    for (const [service, nom, ants] of [
      ['etat-civil', 'Passeport ou carte d’identité', 'oui'],
      ['urbanisme', 'Conseil urbanisme', 'non'],
    ] as const) {
      await browser.get(`/c/${town.slug}/admin/rendez-vous`);
      await browser.post(`/c/${town.slug}/admin/rendez-vous/motifs`, {
        service: serviceId(service),
        nom,
        type: 'guichet',
        duree: '30',
        battement: '0',
        places: '1',
        delai_min: '0',
        delai_max: '60',
        qui: 'public',
        ants,
        rappels: '',
      });
    }
    pointId = meetingPointId(town.id, 'Mairie');
  });
  afterAll(() => t?.close());

  it('refuses a missing or wrong token with 401, as the hub expects', async () => {
    for (const token of [null, 'autre-jeton-0123456789', `${TOKEN}x`]) {
      const res = await hub('/api/ants/getManagedMeetingPoints', token);
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('Val-de-Loire');
    }
  });

  it('lists the places with an ANTS motif and coordinates, once per place', async () => {
    const res = await hub('/api/ants/getManagedMeetingPoints');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      {
        id: pointId,
        name: 'Val-de-Loire – Mairie',
        latitude: 47.3656,
        longitude: -1.1772,
        public_entry_address: '2 rue du Port',
        zip_code: '44150',
        city_name: 'Val-de-Loire',
        website: `${t.runtime.config.publicUrl}/c/val-de-loire/rendez-vous`,
        city_logo: `${t.runtime.config.publicUrl}/c/val-de-loire/logo.svg`,
      },
    ]);
  });

  it('gives free slots in the hub’s format, each opening Guichet’s booking form; N documents need N slots in a row', async () => {
    const tomorrow = addCalendarDays(parisDateOf(new Date()), 1);
    const url = `/api/ants/availableTimeSlots?meeting_point_ids=${pointId}&start_date=${tomorrow}&end_date=${tomorrow}&reason=PASSPORT&documents_number=1`;
    const one = (await hub(url)).json() as Record<string, Array<{ datetime: string; callback_url: string }>>;
    // 9:00–12:00 in 30-minute slots, two desks at one place: six times, each once.
    expect(one[pointId]!.map((s) => s.datetime)).toEqual(
      ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'].map((hm) => `${tomorrow}T${hm}Z`),
    );
    const form = await new TestBrowser(t.app).get(
      one[pointId]![2]!.callback_url.replace(t.runtime.config.publicUrl, ''),
    );
    expect(form.statusCode).toBe(200);
    expect(shownText(form.body)).toContain('10 h 00');
    // Three applications: three 30-minute slots in a row, so the last start is 10:30.
    const three = (await hub(url.replace('documents_number=1', 'documents_number=3'))).json() as typeof one;
    expect(three[pointId]!.map((s) => s.datetime.slice(11))).toEqual(['09:00Z', '09:30Z', '10:00Z', '10:30Z']);
  });

  it('finds the appointments booked with a pre-application number, with the management page', async () => {
    const { rows } = await t.testDb.asSuperuser<{ id: string }>(
      'SELECT id FROM appointment_motif WHERE commune_id = $1 AND ants_required',
      [town.id],
    );
    const tomorrow = addCalendarDays(parisDateOf(new Date()), 2);
    const slots = (
      await hub(`/api/ants/availableTimeSlots?meeting_point_ids=${pointId}&start_date=${tomorrow}&end_date=${tomorrow}`)
    ).json() as Record<string, Array<{ callback_url: string }>>;
    const callback = new URL(slots[pointId]![0]!.callback_url);
    const booked = await bookAppointment(t.runtime, { communeId: town.id, actor: null, requestId: null }, 'visitor', {
      motif: rows[0]!.id,
      agenda: callback.searchParams.get('agenda')!,
      debut: callback.searchParams.get('debut')!,
      nom: 'Inès Dupont',
      courriel: 'ines.dupont@exemple.fr',
      ants: 'ab12cd34ef',
    });
    expect(booked.booking.antsNumber).toBe('AB12CD34EF');
    const res = await hub('/api/ants/searchApplicationIds?application_ids=AB12CD34EF&application_ids=ZZ99ZZ99ZZ');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      AB12CD34EF: [
        {
          meeting_point: 'Val-de-Loire – Mairie',
          datetime: `${tomorrow}T09:00Z`,
          management_url: `${t.runtime.config.publicUrl}/c/val-de-loire/rendez-vous/ants/${booked.booking.id}`,
          cancel_url: `${t.runtime.config.publicUrl}/c/val-de-loire/rendez-vous/ants/${booked.booking.id}`,
        },
      ],
      ZZ99ZZ99ZZ: [],
    });
  });

  it('answers bad parameters with 4xx and a message, never a 500', async () => {
    const cases: Array<[string, number]> = [
      [`/api/ants/availableTimeSlots?meeting_point_ids=inconnu&start_date=2026-12-01&end_date=2026-12-31`, 404],
      [`/api/ants/availableTimeSlots?meeting_point_ids=${pointId}&start_date=2026-02-30&end_date=2026-03-31`, 422],
      [`/api/ants/availableTimeSlots?meeting_point_ids=${pointId}&start_date=demain&end_date=2026-03-31`, 422],
      [`/api/ants/availableTimeSlots?start_date=2026-12-01&end_date=2026-12-31`, 422],
      [
        `/api/ants/availableTimeSlots?meeting_point_ids=${pointId}&start_date=2026-12-01&end_date=2026-12-31&reason=VISA`,
        422,
      ],
      [
        `/api/ants/availableTimeSlots?meeting_point_ids=${pointId}&start_date=2026-12-01&end_date=2026-12-31&documents_number=0`,
        422,
      ],
      ['/api/ants/searchApplicationIds?application_ids=court', 422],
      ['/api/ants/searchApplicationIds', 422],
    ];
    for (const [url, status] of cases) {
      const res = await hub(url);
      expect(res.statusCode, url).toBe(status);
      expect(res.json().error.message, url).toBeTruthy();
    }
    // An end before the start, or a range in the past: no slot, not an error.
    const past = await hub(
      `/api/ants/availableTimeSlots?meeting_point_ids=${pointId}&start_date=2020-01-01&end_date=2020-01-31`,
    );
    expect(past.json()).toEqual({ [pointId]: [] });
  });
});

describe('without GUICHET_ANTS_HUB_TOKEN', () => {
  it('has no ANTS hub endpoint at all', async () => {
    const t = await createTestApp('pglite');
    try {
      const res = await t.app.inject({
        url: '/api/ants/getManagedMeetingPoints',
        headers: { 'x-hub-rdv-auth-token': TOKEN },
      });
      expect(res.statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});

/**
 * Pilotage over HTTP, on both engines: the DGS filters a period and a service (a GET form) and
 * reads the KPIs the modules publish, the chart with its data table, the CSV export; changes an
 * assumption of the savings model and sees the saving move (an invalid value: 422, the French
 * message, every typed value kept); the assumptions stay the commune's (RLS, 404 elsewhere).
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { findServiceBySlug } from '../../platform/tenancy/communes.js';
import { addCalendarDays, parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { requestIn } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { ASSUMPTIONS } from './savings.js';
import { fieldName } from './use-cases/savings-model.js';

const DAY = 86_400_000;
/** A Paris date as the filter's field takes it (JJ/MM/AAAA). */
const typed = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const defaults = () =>
  Object.fromEntries(ASSUMPTIONS.map((a) => [fieldName(a.key), String(a.defaultValue).replace('.', ',')]));

describe.each(TEST_ENGINES)('pilotage (%s)', (engine) => {
  let t: TestApp;
  let urbanismeId: string;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.runtime.config.secret!);
    const villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    // March 2024, long before the demo's requests: 3 received (one at the counter), 2 closed.
    const rows = [
      { service: 'etat-civil', at: '2024-03-04T09:00:00Z', closedAfter: 2, channel: 'portail' },
      { service: 'etat-civil', at: '2024-03-05T09:00:00Z', closedAfter: 6, channel: 'guichet' },
      { service: 'urbanisme', at: '2024-03-31T21:30:00Z', closedAfter: null, channel: 'portail' },
    ];
    for (const r of rows) {
      const submittedAt = new Date(r.at);
      const created = await requestIn(t, villebelle, { service: r.service, subject: 'Pilotage', submittedAt });
      await withTenant(t.runtime.database, villebelle.id, (tx) =>
        tx.client.query('UPDATE citizen_request SET channel = $2, closed_at = $3 WHERE id = $1', [
          created.id,
          r.channel,
          r.closedAfter === null ? null : new Date(submittedAt.getTime() + r.closedAfter * DAY).toISOString(),
        ]),
      );
    }
    urbanismeId = (await withTenant(t.runtime.database, villebelle.id, (tx) =>
      findServiceBySlug(tx, villebelle.id, 'urbanisme'),
    ))!.id;
  });
  afterAll(() => t?.close());

  it('the DGS reads the KPIs of a period, by service, with the chart’s data table, and exports them', async () => {
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    const admin = await dgs.get('/c/villebelle/admin');
    expect(shownText(admin.body)).toContain('Pilotage');

    const page = await dgs.get('/c/villebelle/admin/pilotage?du=01%2F03%2F2024&au=31%2F03%2F2024');
    expect(page.statusCode).toBe(200);
    const text = shownText(page.body);
    expect(text).toContain('Indicateurs du 1er mars 2024 au 31 mars 2024, tous les services');
    expect(text).toMatch(/Demandes reçues 3 /);
    expect(text).toMatch(/dont au guichet 1 /);
    expect(text).toMatch(/Part reçue en ligne 66,7 %/);
    expect(text).toMatch(/Délai de traitement médian 4 j/); // 2 and 6 days
    expect(text).toMatch(/Stock en fin de période 1 /);
    // Where requests pile up: one line per service, each a link to the service's own figures.
    expect(text).toMatch(
      /Par service Service Demandes reçues .* État civil 2 2 4 j 5,6 j 0 0 0 .* Urbanisme 1 0 — — 1 0 0 /,
    );
    expect(page.body).toContain(`service=${urbanismeId}"`);
    expect(page.body).toContain('role="img"');
    expect(page.body).toContain('<title id="graphique-demandes-title">');
    expect(text).toContain('Données du graphique : demandes par mois Mois Reçues Clôturées mars 2024 3 2');

    const byService = shownText(
      (await dgs.get(`/c/villebelle/admin/pilotage?du=01/03/2024&au=31/03/2024&service=${urbanismeId}`)).body,
    );
    expect(byService).toContain('service Urbanisme');
    expect(byService).toMatch(/Demandes reçues 1 /);
    expect(byService).toMatch(/Demandes clôturées 0 /);
    expect(byService).toMatch(/Délai de traitement médian — /);

    const csv = await dgs.get(
      `/c/villebelle/admin/pilotage/export.csv?du=01/03/2024&au=31/03/2024&service=${urbanismeId}`,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('pilotage-villebelle-2024-03-01-2024-03-31.csv');
    expect(csv.body).toContain('Demandes;Demandes reçues;1;nombre;2024-03-01;2024-03-31;Urbanisme;');
    expect(csv.body).toContain('Demandes;Part reçue en ligne;100;%;');

    // The same rows for a spreadsheet, the values as numbers.
    const xlsx = await dgs.get(
      `/c/villebelle/admin/pilotage/export.xlsx?du=01/03/2024&au=31/03/2024&service=${urbanismeId}`,
    );
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers['content-disposition']).toContain('pilotage-villebelle-2024-03-01-2024-03-31.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Pilotage')!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      'Domaine',
      'Indicateur',
      'Valeur',
      'Unité',
      'Du',
      'Au',
      'Service',
      'Ce qui est compté',
    ]);
    const received = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(2).value === 'Demandes reçues')!;
    expect(received.getCell(3).value).toBe(1);
    expect(received.getCell(7).value).toBe('Urbanisme');
    expect(sheet.rowCount).toBe(csv.body.trimEnd().split('\r\n').length);
  });

  it('shows the cyber posture: failed sign-ins of the period and by month, staff coverage, backups and drills', async () => {
    const villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    // Two failed sign-ins in May 2024 and one that locked the account, one in June; one in 2023.
    for (const [action, at] of [
      ['auth.sign_in_failed', '2024-05-02T08:00:00Z'],
      ['auth.passkey_sign_in_failed', '2024-05-20T08:00:00Z'],
      ['auth.locked', '2024-05-31T21:59:00Z'],
      ['auth.sign_in_failed', '2024-05-31T22:01:00Z'], // 1 June, 00:01 in Paris
      ['auth.sign_in_failed', '2023-12-31T12:00:00Z'],
    ]) {
      // Journal entries of the past (the journal is append-only and dated now by its writer).
      await t.testDb.asSuperuser(
        `INSERT INTO audit_entry (id, commune_id, seq, occurred_at, actor_type, action, prev_hash, hash)
         SELECT gen_random_uuid(), $1, coalesce(max(seq), 0) + 1, $2, 'citizen', $3,
                md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text)
           FROM audit_entry WHERE commune_id = $1`,
        [villebelle.id, at, action],
      );
    }
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    const text = shownText((await dgs.get('/c/villebelle/admin/pilotage?du=01/05/2024&au=30/06/2024')).body);
    expect(text).toMatch(/Posture cyber .*Sécurité des comptes .* Échecs de connexion 4 .* Blocages de comptes 1 /);
    expect(text.indexOf('Sécurité des comptes')).toBeGreaterThan(text.indexOf('Demandes reçues et clôturées par mois'));
    expect(text).toMatch(/Personnel avec double authentification \d+(,\d)? %/);
    expect(text).toContain('Posture cyber');
    expect(text).toContain('de 300 000 € à 1,5 million d’euros');
    expect(text).toContain(
      'Données du graphique : échecs de connexion par mois Mois Échecs de connexion mai 2024 3 juin 2024 1',
    );
    // The continuity figures of the cyber panel, with their warning when late (never backed up).
    expect(text).toMatch(/Sauvegardes, exercices de restauration et sensibilisation, à ce jour .*En retard/);
    // A service's figures leave out what has no service.
    const service = shownText(
      (await dgs.get(`/c/villebelle/admin/pilotage?du=01/05/2024&au=30/06/2024&service=${urbanismeId}`)).body,
    );
    expect(service).not.toContain('Sécurité des comptes Indicateur');
  });

  it('the dashboard shows the courrier, parapheur, family portal and council sections, the service filter says which it leaves out', async () => {
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    // Around today: the demo council convened its nine élus by e-mail when it was seeded.
    const today = parisDateOf(new Date());
    const period = `du=${typed(addCalendarDays(today, -7))}&au=${typed(addCalendarDays(today, 7))}`;
    const text = shownText((await dgs.get(`/c/villebelle/admin/pilotage?${period}`)).body);
    const sections = [
      'Demandes',
      'Rendez-vous et accueil',
      'Courrier',
      'Parapheur',
      'Portail famille',
      'Conseil municipal',
    ];
    const at = sections.map((title) => text.indexOf(`${title} Indicateur Valeur Ce qui est compté`));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text).toMatch(/Courriers arrivés \d+ /);
    expect(text).toMatch(/Réponses envoyées en recommandé électronique \d+ /);
    expect(text).toMatch(/Durée médiane d’un circuit (—|[\d,]+ j) /);
    expect(text).toMatch(/En attente de signature aujourd’hui \d+ /);
    expect(text).toMatch(/Montant facturé [\d\s\u202f]+,\d\d €/);
    expect(text).toMatch(/Convocations envoyées 9 /);
    expect(text).toMatch(/dont par voie électronique 9 /);
    expect(text).toMatch(/Part envoyée par voie électronique 100 % /);
    expect(text).toMatch(
      /Par service Service .* Courriers arrivés Courriers en retard En attente de signature aujourd’hui /,
    );
    expect(text).not.toContain('ne sont rattachés à aucun service');

    const filtered = shownText((await dgs.get(`/c/villebelle/admin/pilotage?${period}&service=${urbanismeId}`)).body);
    expect(filtered).toContain(
      'Les domaines « Portail famille », « Conseil municipal », « Sécurité des comptes » ne sont rattachés à aucun service : leurs indicateurs ne figurent que pour « Tous les services ».',
    );
    expect(filtered).toContain('Courrier Indicateur Valeur');
    expect(filtered).toContain('Parapheur Indicateur Valeur');
    expect(filtered).not.toContain('Convocations envoyées');

    const csv = (await dgs.get(`/c/villebelle/admin/pilotage/export.csv?${period}`)).body;
    expect(csv).toContain('Conseil municipal;Convocations envoyées;9;nombre;');
    expect(csv).toContain('Portail famille;Montant facturé;');
    expect(csv).toContain(';euros;');
    expect(csv).toContain('Parapheur;Dossiers en circuit en fin de période;');
    expect(csv).toContain('Courrier;Courriers arrivés;');

    const operator = await signIn(t.app, 'operateur@opsn.example');
    const rollup = shownText((await operator.get(`/operateur/pilotage?${period}`)).body);
    expect(rollup).toContain('Courrier, parapheur, portail famille et conseil Commune Courriers arrivés');
    // Amounts and convocations are summed on the last line; the paid rate and the electronic share are not.
    expect(rollup).toMatch(
      /Saint-Aubin-les-Prés .*? 0,00 € — 0 — Villebelle .*? ([\d\s\u202f]+,\d\d) € \S+( %)? 9 100 % Ensemble \(2 communes\) .*? \1 € — 9 — /,
    );
  });

  it('refuses a wrong period or service with a French message (4xx), keeping what was typed', async () => {
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    const page = await dgs.get('/c/villebelle/admin/pilotage?du=32%2F13%2F2024&au=01%2F01%2F2024&service=nimporte');
    expect(page.statusCode).toBe(400);
    const text = shownText(page.body);
    expect(text).toContain('Indiquez la date de début sous la forme JJ/MM/AAAA');
    expect(text).toContain('Choisissez un service de la liste');
    expect(page.body).toContain('value="32/13/2024"');
    const reversed = await dgs.get('/c/villebelle/admin/pilotage?du=01%2F04%2F2024&au=01%2F03%2F2024');
    expect(reversed.statusCode).toBe(400);
    expect(shownText(reversed.body)).toContain('La date de fin doit être le même jour que la date de début ou après.');
    expect((await dgs.get('/c/villebelle/admin/pilotage/export.csv?du=bad')).statusCode).toBe(400);
  });

  it('the DGS changes a unit cost and sees the saving move; a wrong value is refused with every value kept', async () => {
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    const before = shownText((await dgs.get('/c/villebelle/admin/pilotage/economies')).body);
    // The demo council convened 9 élus by e-mail today: 9 × (12 − 0,50) € = 103,50 €.
    expect(before).toMatch(
      /Convocations électroniques du conseil au lieu des dossiers imprimés 9 convocations électroniques envoyées 104 €/,
    );
    expect(before).toContain('Source : CGCT, art. L2121-7');
    expect(before).toContain('Section d’investissement : dépense');

    const wrong = await dgs.post('/c/villebelle/admin/pilotage/economies', {
      ...defaults(),
      lre_paper_cost: 'cher',
      council_sessions: '9',
    });
    expect(wrong.statusCode).toBe(422);
    expect(shownText(wrong.body)).toContain(
      '« Lettre recommandée papier avec avis de réception » doit être un nombre positif, par exemple 4,5.',
    );
    expect(wrong.body).toContain('value="cher"');
    expect(wrong.body).toContain('name="council_sessions" type="text" value="9"');

    await dgs.get('/c/villebelle/admin/pilotage/economies');
    const saved = await dgs.post('/c/villebelle/admin/pilotage/economies', {
      ...defaults(),
      council_printed_cost: '20',
    });
    expect(saved.statusCode).toBe(303);
    const after = shownText((await dgs.get(String(saved.headers.location))).body);
    expect(after).toContain('Les hypothèses ont été enregistrées.');
    // 9 × (20 − 0,50) € = 175,50 €.
    expect(after).toMatch(/9 convocations électroniques envoyées 176 €/);
    expect(after).toMatch(/Valeur de la commune depuis le .* ; par défaut 12 €/);

    const villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    const journal = await withTenant(t.runtime.database, villebelle.id, (tx) =>
      tx.client.query<{ data: { changes: Array<{ key: string; from: number; to: number }> } }>(
        "SELECT data FROM audit_entry WHERE commune_id = $1 AND action = 'steering.assumptions_changed'",
        [villebelle.id],
      ),
    );
    expect(journal.rows.map((r) => r.data.changes)).toEqual([[{ key: 'council.printed_cost', from: 12, to: 20 }]]);

    // Another commune keeps the defaults, and villebelle's leadership gets 404 there.
    const other = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    const theirs = shownText((await other.get('/c/saint-aubin-les-pres/admin/pilotage/economies')).body);
    // No council convened through Guichet there: the estimate, 8 sessions × 23 élus × (12 − 0,50) €.
    expect(theirs).toMatch(
      /184 convocations \(séances × élus\), estimation : aucune convocation envoyée par Guichet 2 116 €/,
    );
    expect((await dgs.get('/c/saint-aubin-les-pres/admin/pilotage/economies')).statusCode).toBe(404);
    expect((await dgs.get('/c/saint-aubin-les-pres/admin/pilotage')).statusCode).toBe(404);
  });

  it('the operator sees the roll-up across communes, counts summed, medians not', async () => {
    const operator = await signIn(t.app, 'operateur@opsn.example');
    expect(shownText((await operator.get('/operateur')).body)).toContain('Pilotage des communes');
    const page = await operator.get('/operateur/pilotage?du=01%2F03%2F2024&au=31%2F03%2F2024');
    expect(page.statusCode).toBe(200);
    const text = shownText(page.body);
    expect(text).toMatch(/Villebelle 3 66,7 % 2 4 j 5,6 j 1 0 0 — /);
    expect(text).toMatch(/Saint-Aubin-les-Prés 0 — 0 — — 0 0 0 — /);
    expect(text).toMatch(/Ensemble \(2 communes\) 3 — 2 — — 1 0 0 — /);
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    expect((await dgs.get('/operateur/pilotage')).statusCode).toBe(404);
  });

  it('is not shown to agents or citizens', async () => {
    const agent = await signIn(t.app, 'agent.etat-civil@villebelle.example');
    expect((await agent.get('/c/villebelle/admin/pilotage')).statusCode).toBe(404);
    const citizen = await signIn(t.app, 'camille.martin@courriel.example');
    expect((await citizen.get('/c/villebelle/admin/pilotage/economies')).statusCode).toBe(404);
  });
});

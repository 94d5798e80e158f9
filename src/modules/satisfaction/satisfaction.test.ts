/**
 * The satisfaction survey over HTTP, on both engines: a citizen sends a démarche, follows « Je
 * donne mon avis » from the confirmation page, answers (bad marks: 422 in French, what was typed
 * kept), and the answer shows in pilotage and on the service's page — without the request, its
 * number or the citizen anywhere in the results or in the stored row. A second answer for the same
 * request is refused kindly (409), a forged or foreign link is a 404, the closing mail carries the
 * link, agents read only their services' comments, the table is the commune's (RLS forced).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { requestIn } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { requestDeps } from '../requests/deps.js';
import { changeStatus } from '../requests/use-cases/change-status.js';
import { surveyPathFor } from './index.js';
import { satisfactionIndicators } from './indicators.js';

const CONTACT = '/c/villebelle/contacter-la-mairie';

describe.each(TEST_ENGINES)('satisfaction survey (%s)', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let saintAubin: Commune;
  let address = 1;
  const browser = () => new TestBrowser(t.app, { remoteAddress: `198.51.100.${address++}` });

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    saintAubin = (await t.runtime.communes.bySlug('saint-aubin-les-pres'))!;
  });
  afterAll(() => t?.close());

  /** The survey path of a request made by the factory (as the confirmation page would link it). */
  async function surveyOf(commune: Commune, r: { id: string; procedureId: string | null; serviceId: string }) {
    return withTenant(t.runtime.database, commune.id, (tx) =>
      surveyPathFor(
        tx,
        t.config,
        commune,
        { requestId: r.id, procedureId: r.procedureId, serviceId: r.serviceId },
        'demarche',
      ),
    );
  }

  const answers = () =>
    t.testDb.asSuperuser<Record<string, unknown>>('SELECT * FROM satisfaction_answer ORDER BY answered_month, id');

  it('a citizen answers after a démarche; the answer shows in pilotage and on the service’s page, never tied to the request', async () => {
    const citizen = browser();
    const sent = await citizen.submit(CONTACT, {
      subject: 'Horaires de la mairie',
      message: 'Bonjour, la mairie est-elle ouverte le samedi matin ? Merci.',
      name: 'Aurore Delmas',
      email: 'aurore.delmas@courriel.example',
    });
    expect(sent.statusCode).toBe(303);
    const confirmation = await citizen.get('/c/villebelle/demande-envoyee');
    expect(shownText(confirmation.body)).toContain('Donnez votre avis');
    const number = /<strong>(\d{4}-\d+)<\/strong>/.exec(confirmation.body)?.[1];
    expect(number).toBeTruthy();
    const link = /href="(\/c\/villebelle\/avis\?jeton=[^"]+)"/.exec(confirmation.body)?.[1];
    expect(link).toBeTruthy();

    const form = await citizen.get(link!);
    expect(form.statusCode).toBe(200);
    // Radios in fieldsets with their legends, no JavaScript needed.
    expect(form.body).toMatch(
      /<legend[^>]*>De façon générale, comment s’est passée cette démarche pour vous.?\?<\/legend>/,
    );
    expect(form.body).toMatch(/<legend[^>]*>Était-ce facile à utiliser.?\? \(facultatif\)<\/legend>/);
    expect(form.body).toMatch(/type="radio" value="3"/);
    expect(shownText(form.body)).toContain('Pas bien Moyen Très bien');
    const jeton = /name="jeton" value="([^"]+)"/.exec(form.body)?.[1];

    // Bad marks: 422, French messages at the fields, the comment kept.
    const comment = 'Réponse rapide et claire, merci à l’accueil.';
    const wrong = await citizen.post('/c/villebelle/avis', { jeton: jeton!, facilite: '7', commentaire: comment });
    expect(wrong.statusCode).toBe(422);
    const wrongText = shownText(wrong.body);
    expect(wrongText).toContain('Il y a un problème');
    expect(wrongText).toContain('Dites comment s’est passée cette démarche pour vous');
    expect(wrongText).toContain('ou ne répondez pas à cette question.');
    expect(wrong.body).toContain(comment);
    const long = await citizen.post('/c/villebelle/avis', {
      jeton: jeton!,
      satisfaction: '3',
      commentaire: 'a'.repeat(1001),
    });
    expect(long.statusCode).toBe(422);
    expect(shownText(long.body)).toContain('Votre commentaire doit faire au plus 1 000 caractères.');
    expect((await answers()).rows).toHaveLength(0);

    const done = await citizen.post('/c/villebelle/avis', {
      jeton: jeton!,
      satisfaction: '3',
      facilite: '3',
      clarte: '2',
      commentaire: comment,
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/c/villebelle/avis/merci');
    expect(shownText((await citizen.get('/c/villebelle/avis/merci')).body)).toContain('Merci pour votre avis');

    // Stored without the requester: no request, number, name, address or exact time.
    const { rows } = await answers();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(Object.keys(row).sort()).toEqual(
      [
        'answered_month',
        'clarity',
        'comment',
        'commune_id',
        'ease',
        'id',
        'key_hash',
        'moment',
        'procedure_id',
        'satisfaction',
        'service_id',
      ].sort(),
    );
    const stored = JSON.stringify(row);
    const request = (
      await t.testDb.asSuperuser<{ id: string }>(
        'SELECT id FROM citizen_request WHERE number = $1 AND commune_id = $2',
        [number, villebelle.id],
      )
    ).rows[0]!;
    for (const secret of [request.id, request.id.replace(/-/g, ''), number!, 'Aurore', 'aurore.delmas', jeton!]) {
      expect(stored).not.toContain(secret);
    }
    expect(row.moment).toBe('demarche');

    // One answer per request: the link and the form say it was received (409 for the form).
    const again = await citizen.get(link!);
    expect(again.statusCode).toBe(200);
    expect(shownText(again.body)).toContain('Votre avis a déjà été reçu');
    await citizen.get(CONTACT); // a page with a form, for its CSRF token
    const twice = await citizen.post('/c/villebelle/avis', { jeton: jeton!, satisfaction: '1' });
    expect(twice.statusCode).toBe(409);
    expect(shownText(twice.body)).toContain('Votre avis a déjà été reçu');
    expect((await answers()).rows).toHaveLength(1);
    // The confirmation page no longer offers it.
    expect(shownText((await citizen.get('/c/villebelle/demande-envoyee')).body)).not.toContain('Donnez votre avis');

    // Pilotage: the DGS sees the answer in this year's figures.
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    const pilotagePage = await dgs.get('/c/villebelle/admin/pilotage');
    // Per démarche, with the comments: the module's page, linked under its section.
    expect(pilotagePage.body).toContain('href="/c/villebelle/agent/avis"');
    const pilotage = shownText(pilotagePage.body);
    expect(pilotage).toMatch(/Avis des usagers Indicateur Valeur Ce qui est compté Avis reçus 1 /);
    expect(pilotage).toMatch(/Note de satisfaction 10 \/ 10 /);
    expect(pilotage).toMatch(/Langage jugé clair 0 % /);
    expect(pilotage).toMatch(/Commentaires libres 1 /);

    // The service's page: the comment with its démarche and month, nothing of the citizen.
    const results = await dgs.get('/c/villebelle/agent/avis');
    expect(results.statusCode).toBe(200);
    const text = shownText(results.body);
    expect(text).toContain(comment);
    expect(text).toMatch(/Écrire à la mairie 1 10 \/ 10 100 % 100 % 0 %/);
    expect(text).toContain('avis « Très bien »');
    for (const secret of [number!, 'Aurore', 'Delmas', 'aurore.delmas', request.id]) {
      expect(results.body).not.toContain(secret);
      expect(pilotage).not.toContain(secret);
    }
  });

  it('refuses a missing, forged or other commune’s link with a French 404, and saves nothing', async () => {
    const r = await requestIn(t, villebelle, { service: 'etat-civil', procedure: 'acte-etat-civil', subject: 'Acte' });
    const path = (await surveyOf(villebelle, r))!;
    const token = decodeURIComponent(path.split('jeton=')[1]!);
    const before = (await answers()).rows.length;
    const b = browser();
    for (const url of [
      '/c/villebelle/avis',
      '/c/villebelle/avis?jeton=nimporte',
      `/c/villebelle/avis?jeton=${token.slice(0, -2)}xx`,
      `/c/saint-aubin-les-pres/avis?jeton=${token}`,
    ]) {
      const page = await b.get(url);
      expect(page.statusCode, url).toBe(404);
      expect(shownText(page.body), url).toContain('Ce lien pour donner votre avis n’est pas valable.');
    }
    await b.get('/c/saint-aubin-les-pres/contacter-la-mairie');
    const posted = await b.post('/c/saint-aubin-les-pres/avis', { jeton: token, satisfaction: '3' });
    expect(posted.statusCode).toBe(404);
    expect((await answers()).rows.length).toBe(before);
  });

  it('the mail closing a request links to the survey; the answer counts for the démarche and its service', async () => {
    const r = await requestIn(t, villebelle, {
      service: 'etat-civil',
      procedure: 'acte-etat-civil',
      subject: 'Copie intégrale',
      requesterEmail: 'bastien.roy@courriel.example',
    });
    await withTenant(t.runtime.database, villebelle.id, (tx) =>
      changeStatus(tx, requestDeps(t.runtime), {
        commune: villebelle,
        request: r,
        status: 'acceptee',
        actor: { type: 'system', accountId: null },
      }),
    );
    const { rows } = await t.testDb.asSuperuser<{ text_body: string }>(
      `SELECT text_body FROM mail_outbox WHERE template = 'requestStatusChanged' AND to_address = 'bastien.roy@courriel.example'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text_body).toContain('Donnez votre avis en trois questions');
    const url = /(http\S+\/c\/villebelle\/avis\?jeton=\S+)/.exec(rows[0]!.text_body)?.[1];
    expect(url).toBeTruthy();
    const b = browser();
    const form = await b.get(url!.slice(url!.indexOf('/c/')));
    expect(form.statusCode).toBe(200);
    expect(shownText(form.body)).toContain('Demander un acte d’état civil');
    const jeton = /name="jeton" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    expect(
      (await b.post('/c/villebelle/avis', { jeton, satisfaction: '1', commentaire: 'Trop long à obtenir.' }))
        .statusCode,
    ).toBe(303);
    const [row] = (
      await t.testDb.asSuperuser<{ moment: string; procedure_id: string; service_id: string }>(
        `SELECT moment, procedure_id, service_id FROM satisfaction_answer WHERE comment = 'Trop long à obtenir.'`,
      )
    ).rows;
    expect(row).toEqual({ moment: 'cloture', procedure_id: r.procedureId, service_id: r.serviceId });
    // Answered: its survey is no longer offered (the confirmation page, another closing mail).
    expect(await surveyOf(villebelle, r)).toBeNull();

    // The agent of État civil reads it; the agent of Urbanisme does not; the citizen has no page.
    const etatCivil = shownText(
      (await (await signIn(t.app, 'agent.etat-civil@villebelle.example')).get('/c/villebelle/agent/avis')).body,
    );
    expect(etatCivil).toContain('Trop long à obtenir.');
    expect(etatCivil).toMatch(/Demander un acte d’état civil 1 0 \/ 10 0 %/);
    const urbanisme = await (await signIn(t.app, 'agent.urbanisme@villebelle.example')).get('/c/villebelle/agent/avis');
    expect(urbanisme.statusCode).toBe(200);
    expect(shownText(urbanisme.body)).not.toContain('Trop long à obtenir.');
    expect(shownText(urbanisme.body)).toContain('Aucun avis sur cette période.');
    const citizen = await signIn(t.app, 'camille.martin@courriel.example');
    expect((await citizen.get('/c/villebelle/agent/avis')).statusCode).toBe(404);
    // Another commune's administrator: 404 on Villebelle's page, nothing of Villebelle on their own.
    const other = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example', { slug: 'saint-aubin-les-pres' });
    expect((await other.get('/c/villebelle/agent/avis')).statusCode).toBe(404);
    const own = await other.get('/c/saint-aubin-les-pres/agent/avis');
    expect(own.statusCode).toBe(200);
    expect(shownText(own.body)).not.toContain('Trop long à obtenir.');
  });

  it('refuses a wrong filter on the service’s page with a French 400, keeping what was typed', async () => {
    const dgs = await signIn(t.app, 'dgs@villebelle.example');
    const page = await dgs.get('/c/villebelle/agent/avis?du=31%2F02%2F2026&service=nimporte');
    expect(page.statusCode).toBe(400);
    expect(shownText(page.body)).toContain('Indiquez la date de début sous la forme JJ/MM/AAAA');
    expect(shownText(page.body)).toContain('Choisissez un service de la liste');
    expect(page.body).toContain('value="31/02/2026"');
  });

  it('counts answers over the months a period touches, by service, inside the commune only', async () => {
    const etatCivil = (
      await withTenant(t.runtime.database, villebelle.id, (tx) =>
        tx.client.query<{ id: string }>(`SELECT id FROM service WHERE slug = 'etat-civil'`),
      )
    ).rows[0]!.id;
    // Saint-Aubin's answers in March 2024 must never count for Villebelle.
    const insert = (commune: Commune, month: string, satisfaction: number, serviceId: string | null, n: number) =>
      withTenant(t.runtime.database, commune.id, (tx) =>
        tx.client.query(
          `INSERT INTO satisfaction_answer (commune_id, service_id, moment, answered_month, satisfaction, key_hash)
           VALUES ($1, $2, 'demarche', $3, $4, $5)`,
          [commune.id, serviceId, month, satisfaction, `${month.replace(/-/g, '')}${n}`.padEnd(64, '0')],
        ),
      );
    await insert(villebelle, '2024-02-01', 3, etatCivil, 1);
    await insert(villebelle, '2024-03-01', 2, etatCivil, 2);
    await insert(villebelle, '2024-03-01', 1, null, 3);
    await insert(villebelle, '2024-04-01', 3, null, 4);
    await insert(saintAubin, '2024-03-01', 3, null, 5);
    const compute = (from: string, to: string, serviceId: string | null = null) =>
      withTenant(t.runtime.database, villebelle.id, (tx) =>
        satisfactionIndicators.compute(tx, villebelle.id, { from, to, serviceId }),
      );
    const cases: Array<[string, string, string | null, number, number | null]> = [
      // from, to, service → answers, note
      ['2024-03-15', '2024-03-20', null, 2, 2.5], // any day of March takes March
      ['2024-03-31', '2024-04-01', null, 3, 5], // touching March and April
      ['2024-02-29', '2024-03-01', etatCivil, 2, 7.5],
      ['2024-01-01', '2024-01-31', null, 0, null],
      ['2024-05-01', '2024-05-31', etatCivil, 0, null],
    ];
    for (const [from, to, service, n, score] of cases) {
      const v = await compute(from, to, service);
      expect([from, to, service, v.get('satisfaction.answers'), v.get('satisfaction.score')]).toEqual([
        from,
        to,
        service,
        n,
        score,
      ]);
    }
    const { rows } = await t.testDb.asSuperuser<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'satisfaction_answer'`,
    );
    expect(rows).toEqual([{ relrowsecurity: true, relforcerowsecurity: true }]);
    // Outside a tenant transaction nothing is seen; in Saint-Aubin's, only its own answer.
    const seen = await withTenant(t.runtime.database, saintAubin.id, (tx) =>
      tx.client.query<{ n: number }>('SELECT count(*)::int AS n FROM satisfaction_answer'),
    );
    expect(seen.rows[0]!.n).toBe(1);
  });
});

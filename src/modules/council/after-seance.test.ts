/**
 * After the séance, as the secretariat and the public live it: a délibération goes to the
 * parapheur and comes back signed (its signed PDF served), is published on the commune's public
 * page with its date and hash, appears in the SCDL « Délibérations » CSV; the séance's calendar
 * file; postal convocations printed and recorded as « envoi postal ». Another commune gets 404,
 * bad input a French 422.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { SCDL_COLUMNS, type ScdlRow, scdlProblems } from './scdl.js';

describe.each(TEST_ENGINES)('council after the séance on %s', (engine) => {
  let t: TestApp;
  let agent: TestBrowser;
  let seance: string;
  const items: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    agent = await signIn(t.app, 'agent.etat-civil@villebelle.example');
    // The demo séance (convened): everyone present, the first two items adopted.
    const list = await agent.get('/c/villebelle/agent/conseil');
    seance = /href="(\/c\/villebelle\/agent\/conseil\/seances\/[0-9a-f-]{36})"/.exec(list.body)![1]!;
    const screen = await agent.get(`${seance}/en-seance`);
    const ids = [...screen.body.matchAll(/name="present" type="checkbox" value="([0-9a-f-]{36})"/g)].map((x) => x[1]!);
    expect((await agent.post(`${seance}/appel`, { present: ids })).statusCode).toBe(303);
    const page = (await agent.get(`${seance}/en-seance`)).body;
    items.push(...[...page.matchAll(/action="[^"]+\/points\/([0-9a-f-]{36})\/vote"/g)].map((x) => x[1]!));
    for (const item of items.slice(0, 2)) {
      const voted = await agent.post(`${seance}/points/${item}/vote`, { ballot: 'public', pour: '7', contre: '2' });
      expect(voted.statusCode).toBe(303);
    }
  });
  afterAll(() => t?.close());

  async function act(who: string, folder: string, action: string) {
    const browser = await signIn(t.app, who);
    const page = await browser.get(folder);
    const step = /name="etape" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return browser.post(`${folder}/${action}`, { etape: step });
  }

  it('sends a délibération to the parapheur and shows it signed, with the signed PDF, once the maire signed', async () => {
    const item = items[0]!;
    const sent = await agent.post(`${seance}/points/${item}/parapheur`, {});
    expect(sent.statusCode, sent.body.slice(0, 400)).toBe(303);
    let screen = shownText((await agent.get(`${seance}/en-seance`)).body);
    expect(screen).toMatch(/Au parapheur En attente de la signature du maire \(dossier n° \S+, envoyé le/);
    const again = await agent.post(`${seance}/points/${item}/parapheur`, {});
    expect(again.statusCode).toBe(422);
    expect(shownText(again.body)).toContain('Cette délibération est déjà dans le parapheur');
    // Not from another commune, and not for an item without délibération.
    const foreign = await agent.post(
      `${seance.replace('/villebelle/', '/saint-aubin-les-pres/')}/points/${item}/parapheur`,
      {},
    );
    expect(foreign.statusCode).toBe(404);
    await agent.get(`${seance}/en-seance`);
    expect((await agent.post(`${seance}/points/${items[2]}/parapheur`, {})).statusCode).toBe(404);

    const { rows } = await t.testDb.asSuperuser<{ folder: string }>(
      'SELECT signature_folder_id AS folder FROM council_vote WHERE item_id = $1',
      [item],
    );
    const folder = `/c/villebelle/agent/parapheur/${rows[0]!.folder}`;
    expect((await act('dgs@villebelle.example', folder, 'viser')).statusCode).toBe(303);
    expect((await act('maire@villebelle.example', folder, 'signer')).statusCode).toBe(303);
    expect(await runQueuedJobs(t, 'event.council.deliberation-signed')).toBeGreaterThanOrEqual(1);

    screen = shownText((await agent.get(`${seance}/en-seance`)).body);
    expect(screen).toMatch(/Signée Signée par le maire dans le parapheur le .+ \(dossier n° \S+\)\./);
    const pdf = await agent.get(`${seance}/points/${item}/deliberation.pdf`);
    expect(pdf.statusCode).toBe(200);
    // A signed PDF carries its signature dictionary (the generated one has none).
    expect(pdf.rawPayload.toString('latin1')).toContain('/ByteRange');
    const unsigned = await agent.get(`${seance}/points/${items[1]}/deliberation.pdf`);
    expect(unsigned.rawPayload.toString('latin1')).not.toContain('/ByteRange');
  });

  /** The secretariat drafts the procès-verbal, arrêtes it at the next séance, then publishes it (L2121-15). */
  async function minutesAdoptedAndPublished() {
    await agent.get(`${seance}/en-seance`);
    const unadopted = await agent.post(`${seance}/proces-verbal`, {});
    expect(unadopted.statusCode).toBe(422);
    expect(shownText(unadopted.body)).toContain(
      'Le procès-verbal doit d’abord être arrêté au commencement d’une séance suivante (article L2121-15 du CGCT).',
    );
    await agent.get(`${seance}/en-seance`);
    const undrafted = await agent.post(`${seance}/proces-verbal/arreter`, {});
    expect(shownText(undrafted.body)).toContain(
      'complétez le projet de procès-verbal : le secrétaire de séance et la teneur des débats',
    );
    let screen = await agent.get(`${seance}/en-seance`);
    const secretary = /name="secretaryId"[^>]*>[\s\S]*?<option value="([0-9a-f-]{36})"/.exec(screen.body)![1]!;
    const tooLong = await agent.post(`${seance}/proces-verbal/projet`, {
      secretaryId: secretary,
      debates: 'x'.repeat(20_001),
    });
    expect(tooLong.statusCode).toBe(422);
    expect(shownText(tooLong.body)).toContain('La teneur des débats ne peut dépasser 20000 caractères.');
    await agent.get(`${seance}/en-seance`);
    const debates = 'Le maire présente le budget supplémentaire.\n\nM. Durand demande le détail des travaux.';
    expect((await agent.post(`${seance}/proces-verbal/projet`, { secretaryId: secretary, debates })).statusCode).toBe(
      303,
    );
    screen = await agent.get(`${seance}/en-seance`);
    expect(screen.body).toContain('M. Durand demande le détail des travaux.');
    expect(shownText(screen.body)).toContain('Il sera arrêté au commencement de la séance suivante : convoquez-la');
    const draft = await agent.get(`${seance}/proces-verbal/projet.pdf`);
    expect(draft.statusCode).toBe(200);
    expect(draft.headers['content-type']).toBe('application/pdf');
    expect((await PDFDocument.load(draft.rawPayload)).getTitle()).toMatch(/^Procès-verbal de la séance/);

    // The next séance, convened: the procès-verbal is arrêté at its start.
    const next = new Date(Date.now() + 40 * 86_400_000);
    await agent.get('/c/villebelle/agent/conseil/seances/nouvelle');
    const created = await agent.post('/c/villebelle/agent/conseil/seances/nouvelle', {
      'date-day': String(next.getUTCDate()),
      'date-month': String(next.getUTCMonth() + 1),
      'date-year': String(next.getUTCFullYear()),
      time: '18:30',
      place: 'Salle du conseil',
      kind: 'ordinaire',
    });
    expect(created.statusCode).toBe(303);
    const later = String(created.headers.location);
    await agent.get(later);
    expect((await agent.post(`${later}/points`, { title: 'Approbation du procès-verbal' })).statusCode).toBe(303);
    await agent.get(later);
    expect((await agent.post(`${later}/convoquer`, {})).statusCode).toBe(303);
    await agent.get(`${seance}/en-seance`);
    const noSeance = await agent.post(`${seance}/proces-verbal/arreter`, { adoptedSeanceId: '' });
    expect(shownText(noSeance.body)).toContain('Choisissez la séance suivante, convoquée ou tenue');
    await agent.get(`${seance}/en-seance`);
    const laterId = later.split('/').at(-1)!;
    expect((await agent.post(`${seance}/proces-verbal/arreter`, { adoptedSeanceId: laterId })).statusCode).toBe(303);
    screen = await agent.get(`${seance}/en-seance`);
    expect(shownText(screen.body)).toMatch(
      /Arrêté Arrêté au commencement de la séance du .+ : à mettre en ligne au plus tard le \d{1,2} \S+ \d{4}\./,
    );
    const frozen = await agent.post(`${seance}/proces-verbal/projet`, { secretaryId: secretary, debates: 'Autre' });
    expect(frozen.statusCode).toBe(422);
    expect(shownText(frozen.body)).toContain('Le procès-verbal est arrêté : il ne peut plus être modifié.');
    // Another commune cannot arrêter nor read it.
    const foreign = seance.replace('/villebelle/', '/saint-aubin-les-pres/');
    expect((await agent.get(`${foreign}/proces-verbal/projet.pdf`)).statusCode).toBe(404);
    await agent.get(`${seance}/en-seance`);
    expect((await agent.post(`${seance}/proces-verbal`, {})).statusCode).toBe(303);
  }

  it('publishes délibérations and the procès-verbal on the public page, searchable by year and keyword, with their PDF', async () => {
    const anonymous = new TestBrowser(t.app);
    const before = shownText((await anonymous.get('/c/villebelle/deliberations')).body);
    expect(before).toContain('Aucune délibération publiée.');
    // The unsigned « Budget supplémentaire » (its generated PDF) and the signed first item.
    await agent.get(`${seance}/en-seance`);
    const noMatiere = await agent.post(`${seance}/points/${items[1]}/publier`, { matiere: '7.11' });
    expect(noMatiere.statusCode).toBe(422);
    expect(shownText(noMatiere.body)).toContain('Choisissez la matière de la délibération dans la nomenclature ACTES.');
    expect((await agent.post(`${seance}/points/${items[1]}/publier`, { matiere: '7.1' })).statusCode).toBe(303);
    await agent.get(`${seance}/en-seance`);
    expect((await agent.post(`${seance}/points/${items[0]}/publier`, { matiere: '5.2' })).statusCode).toBe(303);
    const twice = await agent.post(`${seance}/points/${items[0]}/publier`, {});
    expect(twice.statusCode).toBe(422);
    expect(shownText(twice.body)).toContain('Cette délibération est déjà publiée.');
    const screen = shownText((await agent.get(`${seance}/en-seance`)).body);
    expect(screen).toMatch(/Publiée Mise en ligne le .+ : exécutoire depuis cette date\./);

    // A délibération waiting for the maire's signature is not published.
    const vote3 = await agent.post(`${seance}/points/${items[2]}/vote`, { ballot: 'public', pour: '9', contre: '0' });
    expect(vote3.statusCode).toBe(303);
    await agent.get(`${seance}/en-seance`);
    expect((await agent.post(`${seance}/points/${items[2]}/parapheur`, {})).statusCode).toBe(303);
    await agent.get(`${seance}/en-seance`);
    const waiting = await agent.post(`${seance}/points/${items[2]}/publier`, {});
    expect(waiting.statusCode).toBe(422);
    expect(shownText(waiting.body)).toMatch(
      /attend la signature du maire dans le parapheur \(dossier n° \S+\) : publiez-la une fois signée/,
    );

    // The procès-verbal (L2121-15): not arrêté before every item is voted.
    await agent.get(`${seance}/en-seance`);
    const early = await agent.post(`${seance}/proces-verbal/arreter`, {});
    expect(early.statusCode).toBe(422);
    expect(shownText(early.body)).toContain('le vote de chaque point enregistré');
    await agent.get(`${seance}/en-seance`);
    expect(
      (await agent.post(`${seance}/points/${items[3]}/vote`, { ballot: 'secret', pour: '5', contre: '4' })).statusCode,
    ).toBe(303);
    await minutesAdoptedAndPublished();
    const page = await anonymous.get('/c/villebelle/deliberations');
    expect(page.statusCode).toBe(200);
    const text = shownText(page.body);
    expect(text).toContain('Budget supplémentaire 2026 : décision modificative n° 2');
    expect(text).toContain('Approbation du procès-verbal de la séance précédente');
    expect(text).not.toContain('Tarifs de la restauration scolaire');
    expect(text).toMatch(/Procès-verbal de la séance du .+ \(PDF\) arrêté lors de la séance du .+, mis en ligne le/);
    expect(text).toContain('exécutoire à partir de sa date de mise en ligne');
    const links = [...page.body.matchAll(/href="(\/c\/villebelle\/deliberations\/[^"]+)"/g)].map((m) => m[1]!);
    const numbered = links.filter((l) => /\/\d{4}-\d+$/.test(l));
    expect(numbered).toHaveLength(2);
    for (const link of [...numbered, ...links.filter((l) => l.includes('/proces-verbaux/'))]) {
      const pdf = await anonymous.get(link);
      expect(pdf.statusCode, link).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      if (numbered.includes(link)) expect(text).toContain(createHash('sha256').update(pdf.rawPayload).digest('hex'));
    }
    // The signed one is published signed.
    const signedNumber = /la délibération n° (\S+) signée/.exec(
      shownText((await agent.get(`${seance}/en-seance`)).body),
    )?.[1];
    const signed = await anonymous.get(`/c/villebelle/deliberations/${signedNumber}`);
    expect(signed.rawPayload.toString('latin1')).toContain('/ByteRange');

    // Search: by year of the séance, by keyword (LIKE characters taken literally), bad input in French.
    const year = /Séance du \d{1,2} \S+ (\d{4})/.exec(shownText((await agent.get(`${seance}/en-seance`)).body))![1]!;
    const byYear = shownText((await anonymous.get(`/c/villebelle/deliberations?annee=${year}`)).body);
    expect(byYear).toContain('2 délibérations publiées');
    const otherYear = shownText((await anonymous.get('/c/villebelle/deliberations?annee=1999')).body);
    expect(otherYear).toContain('Aucune délibération publiée ne correspond à cette recherche.');
    const byWord = shownText((await anonymous.get('/c/villebelle/deliberations?q=BUDGET')).body);
    expect(byWord).toContain('1 délibération publiée');
    expect(byWord).toContain('Budget supplémentaire');
    const percent = shownText((await anonymous.get('/c/villebelle/deliberations?q=%25')).body);
    expect(percent).toContain('Aucune délibération publiée ne correspond à cette recherche.');
    const bad = await anonymous.get('/c/villebelle/deliberations?annee=deux-mille');
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain('Choisissez une année sur quatre chiffres, par exemple 2026.');

    // Another commune: nothing of Villebelle, 404 on its PDFs.
    const foreign = shownText((await anonymous.get('/c/saint-aubin-les-pres/deliberations')).body);
    expect(foreign).toContain('Aucune délibération publiée.');
    expect((await anonymous.get(numbered[0]!.replace('/villebelle/', '/saint-aubin-les-pres/'))).statusCode).toBe(404);
    expect((await anonymous.get('/c/villebelle/deliberations/inconnue')).statusCode).toBe(404);
    expect((await anonymous.get(`/c/villebelle/deliberations/proces-verbaux/${items[0]}`)).statusCode).toBe(404);
  });

  it('exports the published délibérations as the SCDL CSV at a public URL once the SIRET is given', async () => {
    const anonymous = new TestBrowser(t.app);
    const url = '/c/villebelle/deliberations/donnees-ouvertes.csv';
    expect((await anonymous.get(url)).statusCode).toBe(404);
    expect(shownText((await anonymous.get('/c/villebelle/deliberations')).body)).not.toContain('Données ouvertes');
    const settings = await agent.get('/c/villebelle/agent/conseil/donnees-ouvertes');
    expect(shownText(settings.body)).toContain(
      'Le fichier sera publié dès que le SIRET de la commune sera enregistré.',
    );
    const bad = await agent.post('/c/villebelle/agent/conseil/donnees-ouvertes', { siret: '218 601 946 00014' });
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain('Ce numéro n’est pas un SIRET');
    const short = await agent.post('/c/villebelle/agent/conseil/donnees-ouvertes', { siret: '1234' });
    expect(shownText(short.body)).toContain('Le SIRET compte 14 chiffres');
    const saved = await agent.post('/c/villebelle/agent/conseil/donnees-ouvertes', { siret: '219 999 999 00010' });
    expect(saved.statusCode).toBe(303);
    expect(shownText((await agent.get(String(saved.headers.location))).body)).toContain('2 délibérations.');

    const csv = await anonymous.get(url);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.rawPayload.toString('utf8').split('\r\n');
    expect(lines[0]).toBe(SCDL_COLUMNS.join(','));
    expect(lines).toHaveLength(4);
    const rows = lines.slice(1, 3).map((line) => line.split(','));
    expect(rows.map((r) => [r[0], r[1], r[4], r[5], r[11], r[13], r[14], r[15]])).toEqual([
      [
        'Commune de Villebelle',
        '21999999900010',
        '5.2',
        'institutions et vie politique/fonctionnement des assemblées',
        '9',
        '7',
        '2',
        '0',
      ],
      ['Commune de Villebelle', '21999999900010', '7.1', 'finances locales/décisions budgétaires', '9', '7', '2', '0'],
    ]);
    for (const r of rows) {
      const row = Object.fromEntries(SCDL_COLUMNS.map((c, i) => [c, r[i] ?? ''])) as ScdlRow;
      expect(scdlProblems(row)).toEqual([]);
      expect(row.DELIB_URL).toBe(`${t.config.publicUrl.replace(/\/$/, '')}/c/villebelle/deliberations/${row.DELIB_ID}`);
      expect(row.DELIB_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(shownText((await anonymous.get('/c/villebelle/deliberations')).body)).toContain('Données ouvertes');
    // Another commune has its own file: none until its SIRET is given.
    expect((await anonymous.get('/c/saint-aubin-les-pres/deliberations/donnees-ouvertes.csv')).statusCode).toBe(404);
  });

  it('gives élus the séance as a calendar file, from their space and attached to the convocation', async () => {
    const elu = await signIn(t.app, 'elu@villebelle.example');
    const space = await elu.get('/c/villebelle/conseil');
    const link = /href="(\/c\/villebelle\/conseil\/seances\/[0-9a-f-]{36}\/seance\.ics)"/.exec(space.body)?.[1];
    expect(link).toBeDefined();
    const file = await elu.get(link!);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(file.body)).getFirstSubcomponent('vevent')!);
    const seanceId = /seances\/([0-9a-f-]{36})\//.exec(link!)![1]!;
    expect(event.uid).toBe(`conseil-${seanceId}@${new URL(t.config.publicUrl).hostname}`);
    expect(event.summary).toBe('Conseil municipal – Villebelle');
    expect(event.location).toBe('Salle du conseil, mairie de Villebelle');
    expect(event.description).toContain('2. Budget supplémentaire 2026 : décision modificative n° 2');
    // 18:30 in Paris, whatever the season: the UTC instant is 16:30 in summer, 17:30 in winter.
    const start = event.startDate.toJSDate();
    const paris = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
    expect(paris.format(start)).toBe('18:30');
    expect(event.endDate.toJSDate().getTime() - start.getTime()).toBe(3 * 3600_000);
    expect(file.body).toMatch(/\r\nEND:VCALENDAR\r\n$/);
    // Not for another commune, an unknown séance or a séance still in preparation.
    expect((await elu.get(link!.replace('/villebelle/', '/saint-aubin-les-pres/'))).statusCode).toBe(404);
    expect(
      (await elu.get('/c/villebelle/conseil/seances/01a22309-0000-7000-8000-0000000000c0/seance.ics')).statusCode,
    ).toBe(404);

    // A séance convened now: every electronic convocation carries the calendar file.
    const day = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const [y, m, d] = day.split('-');
    await agent.get('/c/villebelle/agent/conseil/seances/nouvelle');
    const created = await agent.post('/c/villebelle/agent/conseil/seances/nouvelle', {
      'date-day': d!,
      'date-month': m!,
      'date-year': y!,
      time: '20:00',
      place: 'Salle des fêtes (calendrier)',
      kind: 'ordinaire',
    });
    const next = String(created.headers.location);
    await agent.get(next);
    expect(
      (await agent.post(`${next}/points`, { title: 'Jumelage avec Bad Villebelle', matiereCode: '9.1' })).statusCode,
    ).toBe(303);
    expect(
      (await elu.get(`${next.replace('/agent/conseil/', '/conseil/')}/seance.ics`)).statusCode,
      'no calendar file before the convocation',
    ).toBe(404);
    await agent.get(next);
    expect((await agent.post(`${next}/convoquer`, {})).statusCode).toBe(303);
    const { rows } = await t.testDb.asSuperuser<{
      attachments: Array<{ name: string; mimeType: string; sha256: string }>;
    }>(`SELECT attachments FROM mail_outbox WHERE template = 'councilConvocation' AND text_body LIKE $1`, [
      '%Salle des fêtes (calendrier)%',
    ]);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect(row.attachments).toEqual([expect.objectContaining({ name: 'seance.ics', mimeType: 'text/calendar' })]);
  });

  it('prints the postal convocations and records them as « envoi postal », on the posting day, within the legal delay', async () => {
    await agent.get('/c/villebelle/agent/conseil/membres');
    const added = await agent.post('/c/villebelle/agent/conseil/membres', {
      fullName: 'Odette Postale',
      role: 'conseiller',
      channel: 'postal',
      postalAddress: '12 chemin des Vignes\n99999 Villebelle',
    });
    expect(added.statusCode).toBe(303);
    async function convene(place: string): Promise<string> {
      const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      const [y, m, d] = day.split('-');
      await agent.get('/c/villebelle/agent/conseil/seances/nouvelle');
      const created = await agent.post('/c/villebelle/agent/conseil/seances/nouvelle', {
        'date-day': d!,
        'date-month': m!,
        'date-year': y!,
        time: '19:00',
        place,
        kind: 'ordinaire',
      });
      const path = String(created.headers.location);
      await agent.get(path);
      expect((await agent.post(`${path}/points`, { title: 'Rapport annuel du délégataire' })).statusCode).toBe(303);
      await agent.get(path);
      expect((await agent.post(`${path}/convoquer`, {})).statusCode).toBe(303);
      return path;
    }
    const path = await convene('Salle du conseil (courrier)');
    const page = shownText((await agent.get(path)).body);
    expect(page).toContain('Convocations postales');
    expect(page).toMatch(/Odette Postale 12 chemin des Vignes\s+99999 Villebelle À envoyer/);
    const letters = await agent.get(`${path}/convocations-postales.pdf`);
    expect(letters.statusCode).toBe(200);
    expect(letters.headers['content-type']).toBe('application/pdf');
    const doc = await PDFDocument.load(letters.rawPayload);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toMatch(/^Convocations postales – séance du /);

    const today = new Date().toLocaleDateString('fr-CA', { timeZone: 'Europe/Paris' });
    const fields = (iso: string) => {
      const [y, m, d] = iso.split('-');
      return { 'date-day': d!, 'date-month': m!, 'date-year': y!, posting: '1' };
    };
    await agent.get(path);
    const future = await agent.post(
      `${path}/envoi-postal`,
      fields(new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)),
    );
    expect(future.statusCode).toBe(422);
    expect(shownText(future.body)).toContain('La date de dépôt ne peut pas être dans le futur.');
    const unreal = await agent.post(`${path}/envoi-postal`, fields('2026-02-31'));
    expect(unreal.statusCode).toBe(422);
    expect(shownText(unreal.body)).toContain('Saisissez une date de dépôt réelle');
    const recorded = await agent.post(`${path}/envoi-postal`, fields(today));
    expect(recorded.statusCode).toBe(303);
    const after = shownText((await agent.get(String(recorded.headers.location))).body);
    expect(after).toContain('L’envoi postal est enregistré');
    expect(after).toMatch(/Odette Postale 12 chemin des Vignes\s+99999 Villebelle Envoi postal le /);
    const id = /seances\/([0-9a-f-]{36})/.exec(path)![1]!;
    const { rows } = await t.testDb.asSuperuser<{ channel: string; letter_sha256: string; recorded_by: string | null }>(
      `SELECT c.channel, c.letter_sha256, c.recorded_by FROM council_convocation c
         JOIN council_member m ON m.id = c.member_id WHERE c.seance_id = $1 AND m.full_name = 'Odette Postale'`,
      [id],
    );
    expect(rows).toEqual([
      { channel: 'postal', letter_sha256: expect.stringMatching(/^[0-9a-f]{64}$/), recorded_by: expect.any(String) },
    ]);
    const again = await agent.post(`${path}/envoi-postal`, fields(today));
    expect(again.statusCode).toBe(422);
    expect(shownText(again.body)).toContain('Aucune convocation postale n’est à envoyer pour cette séance.');
    expect((await agent.get(`${path}/convocations-postales.pdf`)).statusCode).toBe(404);

    // Posting too late is refused with the latest valid date; another commune gets 404.
    const late = await convene('Salle du conseil (courrier en retard)');
    const lateId = /seances\/([0-9a-f-]{36})/.exec(late)![1]!;
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('fr-CA', { timeZone: 'Europe/Paris' });
    await t.testDb.asSuperuser('UPDATE council_seance SET seance_date = $2 WHERE id = $1', [lateId, tomorrow]);
    await agent.get(late);
    const refused = await agent.post(`${late}/envoi-postal`, fields(today));
    expect(refused.statusCode).toBe(422);
    expect(shownText(refused.body)).toMatch(
      /les convocations devaient partir au plus tard le \d{1,2} \S+ \d{4} \(\d jours francs, article L2121-1[12] du CGCT\)/,
    );
    await agent.get(late);
    const foreign = await agent.post(
      `${late.replace('/villebelle/', '/saint-aubin-les-pres/')}/envoi-postal`,
      fields(today),
    );
    expect(foreign.statusCode).toBe(404);
  });
});

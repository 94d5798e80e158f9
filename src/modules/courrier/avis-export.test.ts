/**
 * Avis and register exports through the pages: the service in charge asks another service (or a
 * named agent) for an avis with a question and a date; the service asked sees it in « Avis
 * demandés », answers, and the answer is in the mail's history and the journal; on a confidential
 * mail the avis names a person and nobody else in the service sees it. The incoming and outgoing
 * registers export as CSV for French Excel and as XLSX with the current filters, confidential mail
 * left out for those not named, formulas neutralised, behind a recent authentication.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, listServices } from '../../platform/tenancy/communes.js';
import { parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { TestBrowser } from '../../test/browser.js';
import { shownText } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { signIn } from '../../test/sign-in.js';

describe.each(TEST_ENGINES)('avis and register exports on %s', (engine) => {
  let t: TestApp;
  let town: Commune;
  let base: string;
  const people: Record<'accueil' | 'urbaniste' | 'voisin' | 'technicien', Person> = {} as never;
  const browsers = new Map<string, TestBrowser>();
  const service: Record<string, string> = {};
  const today = parisDateOf(new Date());
  const [year, month, day] = today.split('-');
  const nextYear = String(Number(year) + 1);

  async function as(who: keyof typeof people): Promise<TestBrowser> {
    let browser = browsers.get(who);
    if (!browser) {
      browser = await signIn(t.app, people[who].email, { slug: town.slug });
      browsers.set(who, browser);
    }
    return browser;
  }

  async function register(overrides: Record<string, string | string[]>): Promise<string> {
    const browser = await as('accueil');
    await browser.get(`${base}/nouveau`);
    const res = await browser.postMultipart(`${base}/nouveau`, {
      'arrivee-day': String(Number(day)),
      'arrivee-month': String(Number(month)),
      'arrivee-year': year!,
      expediteur_type: 'personne',
      expediteur_nom: 'Jeanne Martin',
      expediteur_adresse: '3 place de l’Église\n44000 Nantes',
      objet: 'Demande de renseignements',
      type: 'demande',
      categorie: 'courrier',
      priorite: 'normale',
      service: service.accueil!,
      ...overrides,
    });
    expect(res.statusCode, shownText(res.body).slice(0, 400)).toBe(303);
    return String(res.headers.location).replace(/\?.*$/, '');
  }

  async function post(who: keyof typeof people, url: string, form: Record<string, string>) {
    const browser = await as(who);
    await browser.get(`${base}/nouveau`);
    return browser.post(url, form);
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '100000' } });
    town = await secondCommune(t, {
      slug: 'avis-sur-loire',
      name: 'Avis-sur-Loire',
      services: [
        { slug: 'accueil', name: 'Accueil' },
        { slug: 'urbanisme', name: 'Urbanisme' },
        { slug: 'technique', name: 'Services techniques' },
      ],
    });
    base = `/c/${town.slug}/agent/courrier`;
    people.accueil = await staffMember(t, town, {
      role: 'agent',
      services: ['accueil'],
      givenName: 'Aline',
      familyName: 'Accueil',
    });
    people.urbaniste = await staffMember(t, town, {
      role: 'agent',
      services: ['urbanisme'],
      givenName: 'Ugo',
      familyName: 'Urbaniste',
    });
    people.voisin = await staffMember(t, town, {
      role: 'agent',
      services: ['urbanisme'],
      givenName: 'Victor',
      familyName: 'Voisin',
    });
    people.technicien = await staffMember(t, town, {
      role: 'agent',
      services: ['technique'],
      givenName: 'Théo',
      familyName: 'Technicien',
    });
    for (const s of await withTenant(t.runtime.database, town.id, (tx) => listServices(tx, town.id)))
      service[s.slug] = s.id;
  });

  afterAll(() => t?.close());

  it('asks a service for an avis, which it sees, answers, and the history and journal keep', async () => {
    const mail = await register({ objet: 'Clôture en limite de propriété' });
    // The service asked does not see the mail before the request.
    expect((await (await as('technicien')).get(mail)).statusCode).toBe(404);
    const bad = await post('accueil', `${mail}/avis`, {
      destinataire: '',
      question: '',
      'echeance-day': '31',
      'echeance-month': '2',
      'echeance-year': nextYear,
    });
    expect(bad.statusCode).toBe(422);
    const badText = shownText(bad.body);
    expect(badText).toContain('Choisissez le service ou la personne à qui demander l’avis.');
    expect(badText).toContain('Saisissez la question posée.');
    expect(badText).toContain('Cette date n’existe pas.');
    const past = await post('accueil', `${mail}/avis`, {
      destinataire: `service:${service.technique}`,
      question: 'La clôture gêne-t-elle le réseau ?',
      'echeance-day': '1',
      'echeance-month': '1',
      'echeance-year': '2020',
    });
    expect(shownText(past.body)).toContain('La date de l’avis ne peut pas être passée.');

    const asked = await post('accueil', `${mail}/avis`, {
      destinataire: `service:${service.technique}`,
      question: 'La clôture gêne-t-elle l’accès au réseau d’eaux pluviales ?',
      'echeance-day': '15',
      'echeance-month': '1',
      'echeance-year': nextYear,
    });
    expect(asked.statusCode).toBe(303);
    const list = shownText((await (await as('technicien')).get(`${base}/avis`)).body);
    expect(list).toContain('Clôture en limite de propriété');
    expect(list).toContain('La clôture gêne-t-elle l’accès au réseau d’eaux pluviales ?');
    expect(list).toContain(`15 janvier ${nextYear}`);
    expect(list).toContain('1 avis en attente.');
    // Another service's agent is not asked.
    expect(shownText((await (await as('urbaniste')).get(`${base}/avis`)).body)).toContain('Aucun avis en attente.');

    const page = shownText((await (await as('technicien')).get(mail)).body);
    expect(page).toContain('Avis demandé au service Services techniques');
    expect(page).toContain('Donner mon avis');
    // The one asked only gives the avis: the mail is not theirs to process.
    expect(page).not.toContain('Réorienter vers le service');
    const noReason = await post(
      'technicien',
      `${mail}/avis/${/avis\/([0-9a-f-]{36})\/reponse/.exec((await (await as('technicien')).get(mail)).body)![1]}/reponse`,
      { avis: 'reserve', texte: '' },
    );
    expect(noReason.statusCode).toBe(422);
    expect(shownText(noReason.body)).toContain('Expliquez votre avis : il est défavorable ou réservé.');
    const avisId = /avis\/([0-9a-f-]{36})\/reponse/.exec((await (await as('technicien')).get(mail)).body)![1]!;
    // Nobody else answers in their place.
    const intruder = await post('urbaniste', `${mail}/avis/${avisId}/reponse`, { avis: 'favorable' });
    expect(intruder.statusCode).toBe(404);
    const answered = await post('technicien', `${mail}/avis/${avisId}/reponse`, {
      avis: 'reserve',
      texte: 'Possible si un regard de visite reste accessible.',
    });
    expect(answered.statusCode).toBe(303);
    const twice = await post('technicien', `${mail}/avis/${avisId}/reponse`, { avis: 'favorable' });
    expect(twice.statusCode).toBe(409);
    expect(shownText(twice.body)).toContain('Cet avis est déjà donné.');

    const history = shownText((await (await as('accueil')).get(mail)).body);
    expect(history).toContain('Avis demandé au service Services techniques, attendu le 15 janvier');
    expect(history).toContain(
      'Avis réservé du service Services techniques (Théo Technicien) : « Possible si un regard de visite reste accessible. ».',
    );
    const journal = await t.testDb.asSuperuser<{ action: string }>(
      `SELECT action FROM audit_entry WHERE commune_id = $1 AND action LIKE 'courrier.avis_%' ORDER BY seq`,
      [town.id],
    );
    expect(journal.rows.map((r) => r.action)).toEqual(['courrier.avis_requested', 'courrier.avis_answered']);
  });

  it('asks a named person on a confidential mail: only they see the avis', async () => {
    const mail = await register({
      objet: 'Signalement confidentiel',
      confidentiel: 'oui',
      lecteurs: [people.accueil.id],
    });
    const toService = await post('accueil', `${mail}/avis`, {
      destinataire: `service:${service.urbanisme}`,
      question: 'Qu’en pensez-vous ?',
      'echeance-day': '15',
      'echeance-month': '1',
      'echeance-year': nextYear,
    });
    expect(toService.statusCode).toBe(422);
    expect(shownText(toService.body)).toContain('Ce courrier est confidentiel : demandez l’avis à une personne nommée');
    const toPerson = await post('accueil', `${mail}/avis`, {
      destinataire: `agent:${people.urbaniste.id}`,
      question: 'Qu’en pensez-vous ?',
      'echeance-day': '15',
      'echeance-month': '1',
      'echeance-year': nextYear,
    });
    expect(toPerson.statusCode).toBe(303);
    expect((await (await as('urbaniste')).get(mail)).statusCode).toBe(200);
    expect(shownText((await (await as('urbaniste')).get(`${base}/avis`)).body)).toContain('Signalement confidentiel');
    // His colleague of the same service sees neither the avis nor the mail.
    expect(shownText((await (await as('voisin')).get(`${base}/avis`)).body)).not.toContain('Signalement confidentiel');
    expect((await (await as('voisin')).get(mail)).statusCode).toBe(404);
  });

  it('exports the incoming register as CSV and XLSX with the filters, confidential mail excluded', async () => {
    await register({ objet: '=HYPERLINK("http://pirate.example";"clic")' });
    await register({ objet: 'Fête des écoles; buvette', service: service.urbanisme! });
    const agent = await as('urbaniste');
    const csv = await agent.get(`${base}/export.csv?statut=tous`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(String(csv.headers['content-disposition'])).toMatch(
      /^attachment; filename="courrier-arrive-avis-sur-loire-/,
    );
    expect(csv.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'Numéro;Arrivé le;Expéditeur;Adresse électronique;Objet;Type;Arrivé par;Priorité;Service;Agent attributaire;À traiter avant le;État;En retard;Clos le',
    );
    expect(csv.body).toContain('"Fête des écoles; buvette"');
    // Named for an avis on the confidential mail: he sees it; the accueil's other mail he does not.
    expect(csv.body).toContain('Signalement confidentiel');
    expect(csv.body).not.toContain('HYPERLINK');
    expect(lines[1]).toMatch(new RegExp(`^${year}-A\\d{6};\\d{2}/\\d{2}/${year};`));

    const accueil = await as('accueil');
    const all = await accueil.get(`${base}/export.csv?statut=tous&q=HYPERLINK`);
    expect(all.body).toContain(`"'=HYPERLINK(""http://pirate.example"";""clic"")"`);
    expect(all.body.split('\r\n').filter(Boolean)).toHaveLength(2);

    const voisin = await as('voisin');
    const theirs = await voisin.get(`${base}/export.csv?statut=tous`);
    expect(theirs.body).toContain('Fête des écoles');
    expect(theirs.body).not.toContain('Signalement confidentiel');

    const xlsx = await agent.get(`${base}/export.xlsx?statut=tous`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Courrier arrivé')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Numéro');
    expect(sheet.getColumn(5).values.slice(2)).toContain('Fête des écoles; buvette');
    expect(sheet.getRow(2).getCell(2).value).toBeInstanceOf(Date);
    expect(sheet.rowCount).toBe(csv.body.split('\r\n').length - 1);

    const depart = await agent.get(`${base}/depart/export.csv`);
    expect(depart.statusCode).toBe(200);
    expect(depart.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'Numéro;Créée le;Destinataire;Objet;En réponse à;État;Partie le;Envoi',
    );
    const departXlsx = await agent.get(`${base}/depart/export.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(departXlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.getWorksheet('Courrier départ')!.getRow(1).getCell(1).value).toBe('Numéro');

    const journal = await t.testDb.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_entry WHERE commune_id = $1 AND action = 'courrier.register_exported'`,
      [town.id],
    );
    expect(journal.rows[0]!.n).toBe(6);

    await t.testDb.asSuperuser(
      `UPDATE session SET reauthenticated_at = now() - interval '1 hour'
        WHERE account_id = (SELECT id FROM account WHERE email = $1)`,
      [people.urbaniste.email],
    );
    const stale = await agent.get(`${base}/export.csv?statut=tous`);
    expect(stale.statusCode).toBe(303);
    expect(String(stale.headers.location)).toContain('retour=');
  });
});

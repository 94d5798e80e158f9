import { randomUUID } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPesAller } from '../../platform/signature/index.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, type TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { citizen, type Person, staffMember } from '../../test/factories.js';
import { runQueuedJobs } from '../../test/jobs.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';

const HELIOS = {
  idPost: '076029',
  libellePoste: 'Service de gestion comptable de Villebelle',
  siret: '217 601 368 00012',
  codCol: '638',
  codBud: '00',
  nature: '7067',
};

describe.each(TEST_ENGINES)('family finance: rôles (PES V2 ORMC), credit notes, dunning on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let admin: Person;
  let adminBrowser: TestBrowser;
  const billing = '/c/villebelle/admin/famille/facturation';

  const sql = <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
    t.testDb.asSuperuser<R>(text, params).then((r) => r.rows);

  let sequence = 0;
  /** An invoice of `payer` for `month` with these line amounts (cents), to pay. */
  async function invoiceOf(payer: Person, month: string, amounts: number[]): Promise<{ id: string; number: string }> {
    const id = randomUUID();
    const number = `2019-${String(++sequence).padStart(6, '0')}`;
    const total = amounts.reduce((a, b) => a + b, 0);
    await sql(
      `INSERT INTO family_invoice (id, commune_id, number, month, account_id, payer_name, total_cents, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'a_payer')`,
      [id, villebelle.id, number, month, payer.id, `${payer.givenName} ${payer.familyName}`, total],
    );
    for (const [position, amount] of amounts.entries()) {
      await sql(
        `INSERT INTO family_invoice_line (id, commune_id, invoice_id, position, child_name, activity_name, label, quantity, unit_cents, amount_cents, explanation)
         VALUES ($1, $2, $3, $4, 'Noé', 'Restauration scolaire', $5, 1, $6, $6, 'QF 525')`,
        [randomUUID(), villebelle.id, id, position, `Ligne ${position + 1}`, amount],
      );
    }
    return { id, number };
  }

  /** The postal address a citizen gives in « Mon profil ». */
  async function withAddress(person: Person, line1 = '12 rue des Écoles'): Promise<Person> {
    await sql(
      `INSERT INTO citizen_profile (account_id, address_line1, address_postcode, address_city) VALUES ($1, $2, '44150', 'Villebelle')
       ON CONFLICT (account_id) DO UPDATE SET address_line1 = EXCLUDED.address_line1`,
      [person.id, line1],
    );
    return person;
  }

  beforeAll(async () => {
    t = await createTestApp(engine, { env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000' } });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    admin = await staffMember(t, villebelle, { role: 'admin' });
    adminBrowser = await signIn(t.app, admin.email);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('the rôle of a billed month', () => {
    it('asks for the Hélios identifiers first, and refuses bad ones in French', async () => {
      await adminBrowser.get(billing);
      const early = await adminBrowser.post(`${billing}/role`, { mois: '2019-01' });
      expect(early.statusCode).toBe(422);
      expect(shownText(early.body)).toContain('Renseignez d’abord les identifiants Hélios');

      const bad = await adminBrowser.post(`${billing}/helios`, { ...HELIOS, siret: '1234', codBud: 'ABC' });
      expect(bad.statusCode).toBe(422);
      expect(shownText(bad.body)).toContain('Le SIRET du budget compte 14 chiffres');
      expect(shownText(bad.body)).toContain('Le code budget compte 2 caractères');
      const ok = await adminBrowser.post(`${billing}/helios`, HELIOS);
      expect(ok.statusCode).toBe(303);
      const [row] = await sql<{ siret: string }>('SELECT siret FROM family_helios_settings WHERE commune_id = $1', [
        villebelle.id,
      ]);
      expect(row!.siret).toBe('21760136800012');
    });

    it('emits the demo’s own last month: Camille Martin is the debtor, at the address of her profile', async () => {
      const [invoice] = await sql<{ month: string }>(
        `SELECT i.month FROM family_invoice i JOIN account a ON a.id = i.account_id
          WHERE i.commune_id = $1 AND a.email = 'camille.martin@courriel.example'`,
        [villebelle.id],
      );
      expect(invoice).toBeDefined();
      await adminBrowser.get(billing);
      const res = await adminBrowser.post(`${billing}/role`, { mois: invoice!.month });
      expect(res.statusCode, shownText(res.body)).toBe(200);
      const doc = new DOMParser().parseFromString(res.body, 'text/xml');
      const v = (name: string) => Array.from(doc.getElementsByTagName(name)).map((e) => e.getAttribute('V'));
      expect(v('Nom')).toContain('Martin');
      expect(v('Adr1')).toContain('12 rue des Lilas');
      expect(v('Ville')).toContain('Villebelle');
    });

    it('emits the month once as an ORMC bordereau: one piece per invoice owed, the payer as debtor, escaped', async () => {
      const zoe = await withAddress(await citizen(t, villebelle, { givenName: 'Zoé', familyName: 'Dupont & Fils' }));
      const leo = await withAddress(
        await citizen(t, villebelle, { givenName: 'Léo', familyName: 'Garçon' }),
        '3 allée du Parc',
      );
      const month = '2019-02';
      await invoiceOf(zoe, month, [4080, 255]);
      const second = await invoiceOf(leo, month, [300]);
      const paid = await invoiceOf(await citizen(t, villebelle), month, [700]);
      await sql("UPDATE family_invoice SET status = 'payee', paid_at = now() WHERE id = $1", [paid.id]);

      await adminBrowser.get(billing);
      const res = await adminBrowser.post(`${billing}/role`, { mois: month });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('application/xml');
      expect(String(res.headers['content-disposition'])).toMatch(
        /attachment; filename="PES_ORMC_villebelle_\d{4}_\d{7}\.xml"/,
      );
      const errors: string[] = [];
      const doc = new DOMParser({ onError: (_l, m) => errors.push(m) }).parseFromString(res.body, 'text/xml');
      expect(errors).toEqual([]);
      const v = (name: string) => Array.from(doc.getElementsByTagName(name)).map((e) => e.getAttribute('V'));
      expect(v('TypBord')).toEqual(['06']);
      expect(v('IdColl')).toEqual(['21760136800012']);
      expect(v('LibelleColBud')).toEqual([villebelle.name]);
      // The paid invoice is not in the rôle: 40,80 + 2,55 + 3,00.
      expect(v('NbrPce')).toEqual(['2']);
      expect(v('MtBordHt')).toEqual(['46.35']);
      const sum = v('MtHT').reduce((s, a) => s + Math.round(Number(a) * 100), 0);
      expect(sum).toBe(4635);
      expect(v('Nom')).toEqual(['Dupont & Fils', 'Dupont & Fils', 'Garçon']);
      expect(v('Prenom')).toEqual(['Zoé', 'Zoé', 'Léo']);
      expect(res.body).toContain('V="Dupont &amp; Fils"');
      // Each debtor's address from their profile: where the avis des sommes à payer goes.
      expect(v('Adr1')).toEqual(['12 rue des Écoles', '12 rue des Écoles', '3 allée du Parc']);
      expect(v('CP')).toEqual(['44150', '44150', '44150']);
      const idBord = v('IdBord')[0];

      // Asked again (a double click, a second administrator): the same file, the same number.
      await adminBrowser.get(billing);
      const again = await adminBrowser.post(`${billing}/role`, { mois: month });
      expect(again.body).toBe(res.body);
      const download = await adminBrowser.get(`${billing}/role?mois=${month}`);
      expect(download.statusCode).toBe(200);
      expect(download.body).toBe(res.body);
      const roles = await sql<{ id: string; id_bord: number }>(
        'SELECT id, id_bord FROM family_role WHERE commune_id = $1 AND month = $2',
        [villebelle.id, month],
      );
      expect(roles.map((r) => String(r.id_bord))).toEqual([idBord]);
      const roleId = roles[0]!.id;
      const page = shownText((await adminBrowser.get(billing)).body);
      expect(page).toContain(`n° ${idBord} de`);

      // In the rôle, the invoice is the comptable's: not payable online by the régie any more.
      const leoBrowser = await signIn(t.app, leo.email);
      await leoBrowser.get('/c/villebelle/compte'); // a page with a form, for its CSRF token
      const pay = await leoBrowser.post(`/c/villebelle/famille/factures/${second.id}/payer`, {});
      expect(pay.statusCode).toBe(409);
      const history = shownText((await leoBrowser.get(`/c/villebelle/famille/factures/${second.id}`)).body);
      expect(history).toContain(`Transmise au comptable public dans le rôle n° ${idBord}`);
      const journal = await sql(
        "SELECT 1 FROM audit_entry WHERE action = 'family.role_emitted' AND commune_id = $1 AND target_id = $2",
        [villebelle.id, roleId],
      );
      expect(journal).toHaveLength(1);
    });

    it('has the rôle signed by the ordonnateur in the parapheur (XAdES), refused with its reason, sent again', async () => {
      const [demo] = await sql<{ month: string }>(
        `SELECT r.month FROM family_role r JOIN family_invoice i ON i.role_id = r.id JOIN account a ON a.id = i.account_id
          WHERE r.commune_id = $1 AND a.email = 'camille.martin@courriel.example'`,
        [villebelle.id],
      );
      const month = demo!.month;
      // Not emitted yet, or not a month: refused in French, nothing sent.
      await adminBrowser.get(billing);
      const early = await adminBrowser.post(`${billing}/role/signature`, { mois: '2017-01' });
      expect(early.statusCode).toBe(422);
      expect(shownText(early.body)).toContain('n’est pas encore émis');

      await adminBrowser.get(billing);
      const sent = await adminBrowser.post(`${billing}/role/signature`, { mois: month });
      expect(sent.statusCode, shownText(sent.body).slice(0, 300)).toBe(303);
      let page = shownText((await adminBrowser.get(String(sent.headers.location))).body);
      expect(page).toContain('Rôle envoyé au parapheur pour la signature de l’ordonnateur');
      expect(page).toContain('Au parapheur');
      // A double click does not open a second folder.
      const again = await adminBrowser.post(`${billing}/role/signature`, { mois: month });
      expect(again.statusCode).toBe(409);
      expect(shownText(again.body)).toContain('est déjà au parapheur');
      const [role] = await sql<{ signature_folder_id: string }>(
        'SELECT signature_folder_id FROM family_role WHERE commune_id = $1 AND month = $2',
        [villebelle.id, month],
      );
      const folder = `/c/villebelle/agent/parapheur/${role!.signature_folder_id}`;
      // Villebelle's circuit for bordereaux de titres: the adjoint aux finances' visa, the maire signs.
      const act = async (email: string, action: string, form: Record<string, string> = {}) => {
        const browser = await signIn(t.app, email);
        const view = await browser.get(folder);
        const step = /name="etape" value="([^"]+)"/.exec(view.body)?.[1] ?? '';
        return browser.post(`${folder}/${action}`, { etape: step, ...form });
      };
      expect((await act('elu@villebelle.example', 'viser')).statusCode).toBe(303);
      expect((await act('maire@villebelle.example', 'signer')).statusCode).toBe(303);
      expect(await runQueuedJobs(t, 'event.family.role-signed')).toBe(1);
      page = shownText((await adminBrowser.get(billing)).body);
      expect(page).toContain('Signé');
      const signed = await adminBrowser.get(`${billing}/role/signature?mois=${month}`);
      expect(signed.statusCode).toBe(200);
      expect(String(signed.headers['content-disposition'])).toMatch(/_signe\.xml"$/);
      const summary = readPesAller(signed.body);
      expect(summary.bordereaux.map((b) => [b.type, b.signed])).toEqual([['06', true]]);
      expect(signed.body).toContain('<ds:Signature');
      const signedAgain = await adminBrowser.post(`${billing}/role/signature`, { mois: month });
      expect(signedAgain.statusCode).toBe(409);
      expect(shownText(signedAgain.body)).toContain('est déjà signé');

      // Another month's rôle refused at the visa: the reason is shown, and it may be sent again.
      await adminBrowser.get(billing);
      expect((await adminBrowser.post(`${billing}/role/signature`, { mois: '2019-02' })).statusCode).toBe(303);
      const [other] = await sql<{ signature_folder_id: string }>(
        "SELECT signature_folder_id FROM family_role WHERE commune_id = $1 AND month = '2019-02'",
        [villebelle.id],
      );
      const otherFolder = `/c/villebelle/agent/parapheur/${other!.signature_folder_id}`;
      const elu = await signIn(t.app, 'elu@villebelle.example');
      const view = await elu.get(otherFolder);
      const step = /name="etape" value="([^"]+)"/.exec(view.body)?.[1] ?? '';
      expect(
        (
          await elu.post(`${otherFolder}/refuser`, {
            etape: step,
            motif: 'Le montant ne correspond pas au tableau de bord.',
          })
        ).statusCode,
      ).toBe(303);
      expect(await runQueuedJobs(t, 'event.family.role-refused')).toBe(1);
      page = shownText((await adminBrowser.get(billing)).body);
      expect(page).toContain('Refusé Le montant ne correspond pas au tableau de bord.');
      expect(page).toContain('Renvoyer au parapheur');
      expect((await adminBrowser.get(`${billing}/role/signature?mois=2019-02`)).statusCode).toBe(404);
      await adminBrowser.get(billing);
      expect((await adminBrowser.post(`${billing}/role/signature`, { mois: '2019-02' })).statusCode).toBe(303);
    });

    it('refuses a month with nothing owed and a malformed month, in French', async () => {
      await adminBrowser.get(billing);
      const empty = await adminBrowser.post(`${billing}/role`, { mois: '2018-07' });
      expect(empty.statusCode).toBe(422);
      expect(shownText(empty.body)).toContain('il n’y a pas de rôle à émettre');
      const bad = await adminBrowser.post(`${billing}/role`, { mois: 'juillet' });
      expect(bad.statusCode).toBe(422);
      expect(shownText(bad.body)).toContain('Choisissez un mois facturé');
      expect((await adminBrowser.get(`${billing}/role?mois=2018-07`)).statusCode).toBe(404);
    });

    it('refuses a rôle whose payers have no postal address, naming the households, and emits it once they give one', async () => {
      const month = '2018-09';
      const ines = await citizen(t, villebelle, { givenName: 'Inès', familyName: 'Sansadresse' });
      const hugo = await citizen(t, villebelle, { givenName: 'Hugo', familyName: 'Sansadresse' });
      const lucie = await withAddress(await citizen(t, villebelle, { givenName: 'Lucie', familyName: 'Adressée' }));
      const first = await invoiceOf(ines, month, [1200]);
      const second = await invoiceOf(hugo, month, [800]);
      await invoiceOf(lucie, month, [500]);
      await adminBrowser.get(billing);
      const refused = await adminBrowser.post(`${billing}/role`, { mois: month });
      expect(refused.statusCode).toBe(422);
      const text = shownText(refused.body);
      expect(text).toContain('Le rôle n’est pas émis : l’adresse postale du payeur manque pour 2 foyers');
      expect(text).toContain(`Inès Sansadresse (facture ${first.number})`);
      expect(text).toContain(`Hugo Sansadresse (facture ${second.number})`);
      expect(text).not.toContain('Lucie Adressée (facture');
      // Nothing was emitted nor numbered: the invoices are still the régie's.
      expect(
        await sql('SELECT 1 FROM family_role WHERE commune_id = $1 AND month = $2', [villebelle.id, month]),
      ).toEqual([]);
      await withAddress(ines, '5 impasse des Lilas');
      await withAddress(hugo, '7 impasse des Lilas');
      await adminBrowser.get(billing);
      const emitted = await adminBrowser.post(`${billing}/role`, { mois: month });
      expect(emitted.statusCode).toBe(200);
      expect(emitted.body).toContain('<Adr1 V="5 impasse des Lilas"/>');
      expect(emitted.body).toContain('<Adr1 V="7 impasse des Lilas"/>');
    });

    it('sends credit notes on a rôle’s invoices to the comptable once, as a numbered annulation bordereau', async () => {
      const month = '2018-09'; // the rôle emitted by the test above
      const invoices = await sql<{ id: string; number: string; payer_name: string }>(
        'SELECT id, number, payer_name FROM family_invoice WHERE commune_id = $1 AND month = $2 ORDER BY number',
        [villebelle.id, month],
      );
      const [ines, , lucie] = invoices;
      const [line] = await sql<{ id: string }>('SELECT id FROM family_invoice_line WHERE invoice_id = $1', [ines!.id]);
      await adminBrowser.get(billing);
      expect(
        (
          await adminBrowser.post(`/c/villebelle/admin/famille/factures/${ines!.id}/avoir`, {
            ligne: line!.id,
            motif: 'Cantine fermée (grève)',
          })
        ).statusCode,
      ).toBe(303);
      await adminBrowser.get(billing);
      expect(
        (
          await adminBrowser.post(`/c/villebelle/admin/famille/factures/${lucie!.id}/avoir`, {
            ligne: 'tout',
            motif: 'Déménagement',
          })
        ).statusCode,
      ).toBe(303);

      await adminBrowser.get(billing);
      const res = await adminBrowser.post(`${billing}/role/annulation`, { mois: month });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['content-disposition'])).toMatch(
        /filename="PES_ANNULATION_villebelle_\d{4}_0000001\.xml"/,
      );
      const errors: string[] = [];
      const doc = new DOMParser({ onError: (_l, m) => errors.push(m) }).parseFromString(res.body, 'text/xml');
      expect(errors).toEqual([]);
      const v = (name: string) => Array.from(doc.getElementsByTagName(name)).map((e) => e.getAttribute('V'));
      const [role] = await sql<{ id_bord: number; exer: number }>(
        'SELECT id_bord, exer FROM family_role WHERE commune_id = $1 AND month = $2',
        [villebelle.id, month],
      );
      expect(v('TypBord')).toEqual(['02']);
      expect(v('DteAsp')).toEqual([]);
      // 12,00 € (Inès’s line) + 5,00 € (the rest of Lucie’s invoice) = 17,00 €, in two pieces.
      expect(v('NbrPce')).toEqual(['2']);
      expect(v('MtBordHt')).toEqual(['17.00']);
      expect(v('MtHT').reduce((sum, a) => sum + Math.round(Number(a) * 100), 0)).toBe(1700);
      // Each piece names the rôle's bordereau and the piece it reduces (Inès 1st, Lucie 3rd in the rôle).
      const orig = Array.from(doc.getElementsByTagName('PceOrig')).map((p) =>
        ['Exer', 'IdBord', 'IdPce'].map((n) => p.getElementsByTagName(n)[0]!.getAttribute('V')),
      );
      expect(orig).toEqual([
        [String(role!.exer), String(role!.id_bord), '1'],
        [String(role!.exer), String(role!.id_bord), '3'],
      ]);
      expect(v('ObjPce')[0]).toMatch(
        new RegExp(`^Réduction de la facture ${ines!.number} \\(avoir AV-\\d{4}-\\d{6}\\)$`),
      );
      expect(v('Adr1')).toEqual(['5 impasse des Lilas', '12 rue des Écoles']);
      // Once per credit note: asked again, nothing is left to send.
      await adminBrowser.get(billing);
      const again = await adminBrowser.post(`${billing}/role/annulation`, { mois: month });
      expect(again.statusCode).toBe(422);
      expect(shownText(again.body)).toContain('n’est à transmettre au comptable');
      const none = await adminBrowser.post(`${billing}/role/annulation`, { mois: '2017-01' });
      expect(none.statusCode).toBe(422);
      expect(shownText(none.body)).toContain('n’a pas été émis');
      const history = shownText((await adminBrowser.get(`/c/villebelle/admin/famille/factures/${ines!.id}`)).body);
      expect(history).toContain('Réduction transmise au comptable public dans le bordereau d’annulation n° 1');
    });

    it('is 404 for another commune’s administrator and for a citizen', async () => {
      const other = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example');
      expect((await other.get(`${billing}/role?mois=2019-02`)).statusCode).toBe(404);
      const own = await other.get('/c/saint-aubin-les-pres/admin/famille/facturation/role?mois=2019-02');
      expect(own.statusCode).toBe(404);
      const camille = await signIn(t.app, 'camille.martin@courriel.example');
      expect((await camille.get(`${billing}/role?mois=2019-02`)).statusCode).toBe(404);
    });

    it('keeps the new tables under forced row-level security', async () => {
      const rows = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
        `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
         WHERE relname IN ('family_cancellation', 'family_helios_settings', 'family_role', 'family_credit_note', 'family_invoice_event')
         ORDER BY relname`,
      );
      expect(rows).toHaveLength(5);
      for (const r of rows)
        expect([r.relname, r.relrowsecurity, r.relforcerowsecurity]).toEqual([r.relname, true, true]);
    });
  });

  describe('credit notes (avoirs)', () => {
    let payer: Person;
    let payerBrowser: TestBrowser;
    let invoice: { id: string; number: string };
    let lines: Array<{ id: string; amount_cents: number }>;
    const page = () => `/c/villebelle/admin/famille/factures/${invoice.id}`;
    const credit = async (form: { ligne: string; motif: string }) => {
      await adminBrowser.get(billing); // always has forms (a fully credited invoice's page has none)
      return adminBrowser.post(`${page()}/avoir`, form);
    };
    const state = async () =>
      (
        await sql<{ status: string; credited_cents: number }>(
          'SELECT status, credited_cents FROM family_invoice WHERE id = $1',
          [invoice.id],
        )
      )[0]!;

    beforeAll(async () => {
      payer = await citizen(t, villebelle, { givenName: 'Inès', familyName: 'Avoir' });
      payerBrowser = await signIn(t.app, payer.email);
      invoice = await invoiceOf(payer, '2019-03', [340, 680, 0]);
      lines = await sql('SELECT id, amount_cents FROM family_invoice_line WHERE invoice_id = $1 ORDER BY position', [
        invoice.id,
      ]);
    });

    // In this order, on one invoice of 3,40 € + 6,80 € + 0,00 € = 10,20 €.
    const steps: Array<[string, () => { ligne: string; motif: string }, number, string, number, string]> = [
      [
        'without a reason',
        () => ({ ligne: lines[0]!.id, motif: ' ' }),
        422,
        'Indiquez le motif de l’avoir',
        0,
        'a_payer',
      ],
      ['without a choice', () => ({ ligne: '', motif: 'Absence justifiée' }), 422, 'Choisissez la ligne', 0, 'a_payer'],
      [
        'on a line of another invoice',
        () => ({ ligne: randomUUID(), motif: 'Absence justifiée' }),
        422,
        'Choisissez une ligne de cette facture',
        0,
        'a_payer',
      ],
      ['on the first line', () => ({ ligne: lines[0]!.id, motif: 'Certificat médical' }), 303, '', 340, 'a_payer'],
      [
        'on the same line again (a double submit)',
        () => ({ ligne: lines[0]!.id, motif: 'Certificat médical' }),
        422,
        'Cette ligne est déjà annulée par l’avoir n° AV-',
        340,
        'a_payer',
      ],
      [
        'on a line worth nothing',
        () => ({ ligne: lines[2]!.id, motif: 'Erreur' }),
        422,
        'ne coûte rien',
        340,
        'a_payer',
      ],
      [
        'on the rest of the invoice',
        () => ({ ligne: 'tout', motif: 'Départ de la commune' }),
        303,
        '',
        1020,
        'annulee',
      ],
      [
        'on the rest of a fully credited invoice',
        () => ({ ligne: 'tout', motif: 'Départ de la commune' }),
        422,
        'déjà entièrement annulée',
        1020,
        'annulee',
      ],
    ];
    it.each(steps)('a credit note %s', async (_name, form, status, message, credited, invoiceStatus) => {
      const res = await credit(form());
      expect(res.statusCode).toBe(status);
      if (message) expect(shownText(res.body)).toContain(message);
      expect(await state()).toEqual({ status: invoiceStatus, credited_cents: credited });
    });

    it('numbers the credit notes in the commune’s sequence, shows them to the family with a PDF, balance and history', async () => {
      const notes = await sql<{ id: string; number: string; amount_cents: number }>(
        'SELECT id, number, amount_cents FROM family_credit_note WHERE invoice_id = $1 ORDER BY number',
        [invoice.id],
      );
      expect(notes.map((n) => n.amount_cents)).toEqual([340, 680]);
      const [a, b] = notes.map((n) => /^AV-(\d{4})-(\d{6})$/.exec(n.number)!);
      expect(Number(b![2])).toBe(Number(a![2]) + 1);
      const view = shownText((await payerBrowser.get(`/c/villebelle/famille/factures/${invoice.id}`)).body);
      expect(view).toContain('Annulée par avoir');
      expect(view).toContain(`Avoir n° ${notes[0]!.number}`);
      expect(view).toContain('Certificat médical');
      expect(view).toContain('Reste à payer 0,00');
      const pdf = await payerBrowser.get(`/c/villebelle/famille/factures/${invoice.id}/avoirs/${notes[0]!.id}/pdf`);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const stranger = await signIn(t.app, (await citizen(t, villebelle)).email);
      expect(
        (await stranger.get(`/c/villebelle/famille/factures/${invoice.id}/avoirs/${notes[0]!.id}/pdf`)).statusCode,
      ).toBe(404);
      const journal = await sql(
        "SELECT 1 FROM audit_entry WHERE action = 'family.credit_note_issued' AND target_id = $1",
        [invoice.id],
      );
      expect(journal).toHaveLength(2);
    });

    it('refuses to collect a fully credited invoice online, and asks PayFiP for the balance only', async () => {
      await payerBrowser.get('/c/villebelle/compte');
      const res = await payerBrowser.post(`/c/villebelle/famille/factures/${invoice.id}/payer`, {});
      expect(res.statusCode).toBe(409);
      const partial = await invoiceOf(payer, '2019-04', [500, 250]);
      const [first] = await sql<{ id: string }>(
        'SELECT id FROM family_invoice_line WHERE invoice_id = $1 AND position = 0',
        [partial.id],
      );
      invoice = partial;
      expect((await credit({ ligne: first!.id, motif: 'Grève' })).statusCode).toBe(303);
      const view = shownText((await payerBrowser.get(`/c/villebelle/famille/factures/${partial.id}`)).body);
      expect(view).toContain('Reste à payer 2,50');
    });

    it('does not credit a paid invoice, and is 404 from another commune', async () => {
      const paid = await invoiceOf(payer, '2019-05', [900]);
      await sql("UPDATE family_invoice SET status = 'payee', paid_at = now() WHERE id = $1", [paid.id]);
      invoice = paid;
      const res = await credit({ ligne: 'tout', motif: 'Erreur de pointage' });
      expect(res.statusCode).toBe(422);
      expect(shownText(res.body)).toContain('un trop-perçu se rembourse par la régie');

      const other = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example');
      const theirs = `/c/saint-aubin-les-pres/admin/famille/factures/${paid.id}`;
      expect((await other.get(theirs)).statusCode).toBe(404);
      await other.get('/c/saint-aubin-les-pres/admin/famille/facturation');
      expect((await other.post(`${theirs}/avoir`, { ligne: 'tout', motif: 'Essai' })).statusCode).toBe(404);
      expect((await other.get(`/c/villebelle/admin/famille/factures/${paid.id}`)).statusCode).toBe(404);
    });
  });

  describe('dunning', () => {
    it('lists the households past due and prints a letter per household, written once a day in the history', async () => {
      const late = await citizen(t, villebelle, { givenName: 'Léon', familyName: 'Retard' });
      const old = await invoiceOf(late, '2019-06', [1500]);
      const older = await invoiceOf(late, '2019-07', [800, 200]);
      const fresh = await invoiceOf(late, '2019-08', [999]);
      await sql("UPDATE family_invoice SET issued_at = now() - interval '45 days' WHERE id = $1", [old.id]);
      await sql("UPDATE family_invoice SET issued_at = now() - interval '60 days' WHERE id = $1", [older.id]);
      await sql("UPDATE family_invoice SET issued_at = now() - interval '2 days' WHERE id = $1", [fresh.id]);
      await adminBrowser.get(billing);
      const list = shownText((await adminBrowser.get('/c/villebelle/admin/famille/relances')).body);
      expect(list).toContain('Léon Retard');
      expect(list).toMatch(/Léon Retard 2019-\d{6} ?, 2019-\d{6} .* 25,00 € aucune/);
      expect(list).not.toContain(fresh.number);

      const letter = () => adminBrowser.post('/c/villebelle/admin/famille/relances/lettre', { compte: late.id });
      const res = await letter();
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(String(res.headers['content-disposition'])).toContain('relance-leon-retard.pdf');
      expect((await letter()).statusCode).toBe(200);
      const events = await sql<{ invoice_id: string }>(
        "SELECT invoice_id FROM family_invoice_event WHERE kind = 'relance' AND invoice_id = ANY($1::uuid[])",
        [[old.id, older.id, fresh.id]],
      );
      expect(events.map((e) => e.invoice_id).sort()).toEqual([old.id, older.id].sort());
      const lateBrowser = await signIn(t.app, late.email);
      const history = shownText((await lateBrowser.get(`/c/villebelle/famille/factures/${old.id}`)).body);
      expect(history).toContain('Lettre de relance : 25,00');
      expect(shownText((await adminBrowser.get('/c/villebelle/admin/famille/relances')).body)).not.toContain(
        '25,00 € aucune',
      );

      // A household with nothing past due, a malformed one, another commune: 404.
      await adminBrowser.get('/c/villebelle/admin/famille/relances');
      const nobody = await adminBrowser.post('/c/villebelle/admin/famille/relances/lettre', { compte: randomUUID() });
      expect(nobody.statusCode).toBe(404);
      await adminBrowser.get('/c/villebelle/admin/famille/relances');
      expect((await adminBrowser.post('/c/villebelle/admin/famille/relances/lettre', { compte: 'x' })).statusCode).toBe(
        404,
      );
      const other = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example');
      await other.get('/c/saint-aubin-les-pres/admin/famille/facturation');
      const theirs = await other.post('/c/saint-aubin-les-pres/admin/famille/relances/lettre', { compte: late.id });
      expect(theirs.statusCode).toBe(404);
      expect(shownText((await other.get('/c/saint-aubin-les-pres/admin/famille/relances')).body)).not.toContain(
        'Léon Retard',
      );
    });
  });

  describe('activity days', () => {
    it('lets the administrator set the weekdays, cut-off and billing of absences, in French on bad input', async () => {
      const [canteen] = await sql<{ id: string }>(
        "SELECT id FROM family_activity WHERE commune_id = $1 AND slug = 'restauration-scolaire'",
        [villebelle.id],
      );
      const days = `/c/villebelle/admin/famille/activites/${canteen!.id}/jours`;
      expect((await adminBrowser.get(days)).statusCode).toBe(200);
      const bad = await adminBrowser.post(days, { delai: '40', heure: '25', absence: 'oui', majoration: 'x' });
      expect(bad.statusCode).toBe(422);
      const text = shownText(bad.body);
      for (const message of [
        'Cochez au moins un jour',
        'de 0 à 30',
        'une heure de 0 à 23',
        'un pourcentage de 0 à 200',
      ]) {
        expect(text).toContain(message);
      }
      await adminBrowser.get(days);
      const ok = await adminBrowser.post(days, {
        jours: ['1', '2', '3', '4', '5'],
        delai: '3',
        heure: '9',
        absence: 'non',
        majoration: '20',
      });
      expect(ok.statusCode).toBe(303);
      const [row] = await sql(
        'SELECT weekdays, cutoff_days, cutoff_hour, bill_unjustified_absence, unbooked_surcharge_percent FROM family_activity WHERE id = $1',
        [canteen!.id],
      );
      expect(row).toEqual({
        weekdays: [1, 2, 3, 4, 5],
        cutoff_days: 3,
        cutoff_hour: 9,
        bill_unjustified_absence: false,
        unbooked_surcharge_percent: 20,
      });

      // Closures: a period for all activities, added once even when sent twice.
      const closure = {
        'du-day': '6',
        'du-month': '4',
        'du-year': '2099',
        'au-day': '8',
        'au-month': '4',
        'au-year': '2099',
        libelle: 'Vacances de printemps & pont',
        portee: 'toutes',
      };
      await adminBrowser.get(days);
      const reversed = await adminBrowser.post(`${days}/fermeture`, { ...closure, 'au-day': '1' });
      expect(reversed.statusCode).toBe(422);
      expect(shownText(reversed.body)).toContain('La date de fin est le jour du début ou après');
      await adminBrowser.get(days);
      const bogus = await adminBrowser.post(`${days}/fermeture`, { ...closure, 'du-day': '31', 'du-month': '2' });
      expect(shownText(bogus.body)).toContain('Saisissez une date de début valide');
      for (let i = 0; i < 2; i++) {
        await adminBrowser.get(days);
        expect((await adminBrowser.post(`${days}/fermeture`, closure)).statusCode).toBe(303);
      }
      const closed = await sql<{ day: string; activity_id: string | null }>(
        "SELECT to_char(day, 'YYYY-MM-DD') AS day, activity_id FROM family_closed_day WHERE commune_id = $1 AND day >= '2099-01-01' ORDER BY day",
        [villebelle.id],
      );
      expect(closed).toEqual([
        { day: '2099-04-06', activity_id: null },
        { day: '2099-04-07', activity_id: null },
        { day: '2099-04-08', activity_id: null },
      ]);
      expect(shownText((await adminBrowser.get(days)).body)).toContain('Vacances de printemps & pont');

      // Another commune's administrator, a citizen: 404.
      const other = await signIn(t.app, 'secretariat@saint-aubin-les-pres.example');
      expect((await other.get(`/c/saint-aubin-les-pres/admin/famille/activites/${canteen!.id}/jours`)).statusCode).toBe(
        404,
      );
      const camille = await signIn(t.app, 'camille.martin@courriel.example');
      expect((await camille.get(days)).statusCode).toBe(404);
    });
  });
});

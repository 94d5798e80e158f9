import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../../platform/tenancy/communes.js';
import { addCalendarDays, parisDateOf } from '../../platform/time/calendar.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { shownText, type TestBrowser } from '../../test/browser.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { citizen, type Person, staffMember } from '../../test/factories.js';
import { type PayfipSimulator, startPayfipSimulator } from '../../test/payfip-simulator.js';
import { signIn } from '../../test/sign-in.js';
import { seedDemo } from '../demo/seed.js';
import { isChangeable } from './reservations/days.js';
import { billMonthInBatches } from './use-cases/run-billing.js';

const CAMILLE = 'camille.martin@courriel.example';

describe.each(TEST_ENGINES)('family days, invoices and PayFiP on %s', (engine) => {
  let t: TestApp;
  let payfip: PayfipSimulator;
  let villebelle: Commune;
  let camille: TestBrowser;
  let admin: Person;
  let adminBrowser: TestBrowser;
  let enrolment: string;
  let canteen: string;

  const sql = <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
    t.testDb.asSuperuser<R>(text, params).then((r) => r.rows);

  let invoiceMonth = 1;
  /** An unpaid invoice of Camille's (a distinct past month each time). */
  async function unpaidInvoice(totalCents: number): Promise<{ id: string; number: string }> {
    const [account] = await sql<{ id: string }>('SELECT id FROM account WHERE email = $1', [CAMILLE]);
    const id = randomUUID();
    const month = `2020-${String(invoiceMonth).padStart(2, '0')}`;
    const number = `2020-9000${String(invoiceMonth++).padStart(2, '0')}`;
    await sql(
      `INSERT INTO family_invoice (id, commune_id, number, month, account_id, payer_name, total_cents, status)
       VALUES ($1, $2, $3, $4, $5, 'Camille Martin', $6, 'a_payer')`,
      [id, villebelle.id, number, month, account!.id, totalCents],
    );
    return { id, number };
  }
  const invoiceStatus = async (id: string) =>
    (await sql<{ status: string }>('SELECT status FROM family_invoice WHERE id = $1', [id]))[0]!.status;
  const paymentsOf = async (id: string) =>
    (await sql<{ status: string }>('SELECT status FROM family_payment WHERE invoice_id = $1', [id])).map(
      (r) => r.status,
    );

  /** Camille asks to pay: the idOp PayFiP gave, from the redirect. */
  async function pay(invoice: { id: string }): Promise<string> {
    await sql(
      `INSERT INTO family_payment_settings (commune_id, payfip_numcli, payfip_saisie) VALUES ($1, $2, 'T')
       ON CONFLICT (commune_id) DO NOTHING`,
      [villebelle.id, payfip.numcli],
    );
    await camille.get(`/c/villebelle/famille/factures/${invoice.id}`);
    const res = await camille.post(`/c/villebelle/famille/factures/${invoice.id}/payer`, {});
    expect(res.statusCode).toBe(303);
    const location = new URL(String(res.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(payfip.paymentUrl);
    return location.searchParams.get('idop')!;
  }

  beforeAll(async () => {
    payfip = await startPayfipSimulator();
    t = await createTestApp(engine, {
      env: { GUICHET_RATE_LIMIT_PER_MINUTE: '10000', GUICHET_PUBLIC_URL: 'http://127.0.0.1:1', ...payfip.env },
    });
    payfip.deliverWith(async (url, body) => {
      const res = await t.app.inject({
        method: 'POST',
        url: new URL(url).pathname,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      });
      return res.statusCode;
    });
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    villebelle = (await t.runtime.communes.bySlug('villebelle'))!;
    camille = await signIn(t.app, CAMILLE);
    admin = await staffMember(t, villebelle, { role: 'admin' });
    adminBrowser = await signIn(t.app, admin.email);
    const [row] = await sql<{ id: string; activity_id: string }>(
      "SELECT e.id, e.activity_id FROM family_enrolment e JOIN family_activity a ON a.id = e.activity_id WHERE a.slug = 'restauration-scolaire' AND e.commune_id = $1 AND e.status = 'inscrit'",
      [villebelle.id],
    );
    enrolment = row!.id;
    canteen = row!.activity_id;
  });
  afterAll(async () => {
    await t?.close();
    await payfip?.close();
  });

  it('shows the month calendar and books and cancels changeable days, refusing one past its cut-off', async () => {
    const page = `/c/villebelle/famille/reservations/${enrolment}`;
    const today = parisDateOf(new Date());
    // Two changeable canteen days from next week on (Mondays, Tuesdays, Thursdays, Fridays, no holiday).
    const rules = { weekdays: [1, 2, 4, 5], cutoffDays: 2, cutoffHour: 10 };
    const closed = (
      await sql<{ day: string }>(
        "SELECT to_char(day, 'YYYY-MM-DD') AS day, label FROM family_closed_day WHERE commune_id = $1",
        [villebelle.id],
      )
    ).map((r) => ({ day: r.day, label: 'fermé' }));
    let day = addCalendarDays(today, 35);
    while (!isChangeable(day, new Date(), rules, closed)) day = addCalendarDays(day, 1);
    const month = day.slice(0, 7);
    const view = await camille.get(`${page}?mois=${month}`);
    expect(view.statusCode).toBe(200);
    expect(shownText(view.body)).toContain('Réservations de Léa Martin');
    expect(view.body).toContain(`value="${day}"`);

    const booked = await camille.post(page, { mois: month, affiche: [day], jour: [day] });
    expect(booked.statusCode).toBe(303);
    const rows = async () =>
      (
        await sql<{ booked: boolean }>('SELECT booked FROM family_booking WHERE activity_id = $1 AND day = $2', [
          canteen,
          day,
        ])
      ).map((r) => r.booked);
    expect(await rows()).toEqual([true]);
    // Unticked: cancelled.
    await camille.get(`${page}?mois=${month}`);
    expect((await camille.post(page, { mois: month, affiche: [day] })).statusCode).toBe(303);
    expect(await rows()).toEqual([]);

    // Yesterday is past its cut-off: refused with the rule, nothing saved.
    const late = addCalendarDays(today, -1);
    await camille.get(`${page}?mois=${late.slice(0, 7)}`);
    const refused = await camille.post(page, { mois: late.slice(0, 7), affiche: [late], jour: [late] });
    if (isChangeable(late, new Date(0), rules, closed)) {
      expect(refused.statusCode).toBe(422);
      expect(shownText(refused.body)).toContain('Trop tard pour modifier');
    }

    // Someone else cannot open Léa's calendar.
    const other = await signIn(t.app, (await citizen(t, villebelle)).email);
    expect((await other.get(page)).statusCode).toBe(404);
  });

  it('books every Monday and Thursday of a period at once, and says when no day can be changed', async () => {
    const page = `/c/villebelle/famille/reservations/${enrolment}`;
    const from = addCalendarDays(parisDateOf(new Date()), 60);
    const to = addCalendarDays(from, 27);
    const parts = (d: string, p: string) => ({
      [`${p}-day`]: String(Number(d.slice(8, 10))),
      [`${p}-month`]: String(Number(d.slice(5, 7))),
      [`${p}-year`]: d.slice(0, 4),
    });
    await camille.get(page);
    const res = await camille.post(`${page}/periode`, {
      jours: ['1', '4'],
      action: 'reserver',
      ...parts(from, 'du'),
      ...parts(to, 'au'),
    });
    expect(res.statusCode).toBe(303);
    const days = await sql<{ dow: number }>(
      'SELECT extract(isodow FROM day)::int AS dow FROM family_booking WHERE activity_id = $1 AND day BETWEEN $2 AND $3',
      [canteen, from, to],
    );
    expect(days.length).toBeGreaterThanOrEqual(6); // four weeks, minus holidays
    expect(new Set(days.map((d) => d.dow))).toEqual(new Set([1, 4]));

    await camille.get(page);
    const none = await camille.post(`${page}/periode`, {
      jours: ['3'],
      action: 'reserver',
      ...parts(from, 'du'),
      ...parts(to, 'au'),
    });
    expect(none.statusCode).toBe(422);
    expect(shownText(none.body)).toContain('Aucun jour de cette période ne peut être modifié');
    const bad = await camille.post(`${page}/periode`, {
      jours: ['1'],
      action: 'reserver',
      'du-day': '31',
      'du-month': '2',
      'du-year': '2027',
    });
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain('Saisissez une date de début valide');
  });

  it('lets an agent point the day (present, absent justified or not, present without booking), not a citizen', async () => {
    const agent = await staffMember(t, villebelle, { role: 'agent' });
    const browser = await signIn(t.app, agent.email);
    const day = '2026-12-10';
    const [child] = await sql<{ child_id: string }>('SELECT child_id FROM family_enrolment WHERE id = $1', [enrolment]);
    const page = `/c/villebelle/agent/famille/pointage?activite=${canteen}&jour=${day}`;
    const view = await browser.get(page);
    expect(view.statusCode).toBe(200);
    expect(shownText(view.body)).toContain('Léa Martin');
    const mark = async (value: string) =>
      browser.post('/c/villebelle/agent/famille/pointage', {
        activite: canteen,
        jour: day,
        [`pointage-${child!.child_id}`]: value,
      });
    expect((await mark('present')).statusCode).toBe(303);
    const row = async () =>
      (
        await sql<{ booked: boolean; attendance: string | null }>(
          'SELECT booked, attendance FROM family_booking WHERE activity_id = $1 AND day = $2',
          [canteen, day],
        )
      )[0];
    const before = await row();
    expect(before?.attendance).toBe('present');
    // The same form sent again (a tablet reconnecting) changes nothing.
    await browser.get(page);
    expect((await mark('present')).headers.location).toContain('enregistre=0');
    await browser.get(page);
    await mark('absent_justifie');
    expect((await row())?.attendance).toBe('absent_justifie');
    expect((await camille.get(page)).statusCode).not.toBe(200);
  });

  it('bills a month once per paying guardian at the household QF, and a rerun bills nobody twice', async () => {
    // The demo billed last month: Léa's canteen days at QF 1 047 (3,40 €), one justified absence not billed.
    const [invoice] = await sql<{ id: string; number: string; total_cents: number; month: string }>(
      "SELECT i.id, i.number, i.total_cents, i.month FROM family_invoice i JOIN account a ON a.id = i.account_id WHERE a.email = $1 AND i.month NOT LIKE '2020-%'",
      [CAMILLE],
    );
    expect(invoice!.number).toMatch(/^\d{4}-\d{6}$/);
    const lines = await sql<{ label: string; unit_cents: number; amount_cents: number }>(
      'SELECT label, unit_cents, amount_cents FROM family_invoice_line WHERE invoice_id = $1 ORDER BY position',
      [invoice!.id],
    );
    expect(lines.map((l) => l.unit_cents)).toEqual(lines.map(() => 340));
    expect(lines.reduce((s, l) => s + l.amount_cents, 0)).toBe(invoice!.total_cents);
    expect(lines.at(-1)!.label).toBe('1 absence non justifiée');

    // The administrator runs the same month again: nobody is billed twice.
    await adminBrowser.get('/c/villebelle/admin/famille/facturation');
    const rerun = await adminBrowser.post('/c/villebelle/admin/famille/facturation', { mois: invoice!.month });
    expect(rerun.statusCode).toBe(200);
    expect(shownText(rerun.body)).toContain('0 facture émise');
    expect(shownText(rerun.body)).toContain('1 foyer déjà facturé');
    const current = parisDateOf(new Date()).slice(0, 7);
    const refused = await adminBrowser.post('/c/villebelle/admin/famille/facturation', { mois: current });
    expect(refused.statusCode).toBe(422);
    expect(shownText(refused.body)).toContain('Ce mois n’est pas terminé');

    // The family sees it in « Mes factures », with a PDF.
    const list = shownText((await camille.get('/c/villebelle/famille/factures')).body);
    expect(list).toContain(invoice!.number);
    const pdf = await camille.get(`/c/villebelle/famille/factures/${invoice!.id}/pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // Not another family's.
    const other = await signIn(t.app, (await citizen(t, villebelle)).email);
    expect((await other.get(`/c/villebelle/famille/factures/${invoice!.id}`)).statusCode).toBe(404);
  });

  it('bills a presence without booking with the surcharge, and a second child with the sibling reduction', async () => {
    const family = await citizen(t, villebelle, { givenName: 'Inès', familyName: 'Durand' });
    const kids = [randomUUID(), randomUUID()];
    const month = '2026-10';
    await sql('UPDATE family_activity SET unbooked_surcharge_percent = 50 WHERE id = $1', [canteen]);
    for (const [i, kid] of kids.entries()) {
      const e = randomUUID();
      await sql(
        `INSERT INTO family_enrolment (id, commune_id, activity_id, account_id, child_id, child_name, child_birth_date, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'inscrit')`,
        [e, villebelle.id, canteen, family.id, kid, `Enfant ${i + 1} Durand`, `201${6 + i}-01-01`],
      );
      await sql(
        `INSERT INTO family_booking (id, commune_id, activity_id, enrolment_id, account_id, child_id, day, booked, attendance)
         VALUES ($1, $2, $3, $4, $5, $6, '2026-10-01', true, 'present'), ($7, $2, $3, $4, $5, $6, '2026-10-02', false, 'present')`,
        [randomUUID(), villebelle.id, canteen, e, family.id, kid, randomUUID()],
      );
    }
    await sql(
      `INSERT INTO family_household_qf (id, commune_id, account_id, qf, resident, source, valid_from)
       VALUES ($1, $2, $3, 525, true, 'Attestation CAF', '2026-09-01')`,
      [randomUUID(), villebelle.id, family.id],
    );
    await adminBrowser.get('/c/villebelle/admin/famille/facturation');
    const run = await adminBrowser.post('/c/villebelle/admin/famille/facturation', { mois: month });
    expect(shownText(run.body)).toContain('1 facture émise pour 4,75');
    await sql('UPDATE family_activity SET unbooked_surcharge_percent = 0 WHERE id = $1', [canteen]);
    const lines = await sql<{ child_name: string; label: string; unit_cents: number }>(
      `SELECT l.child_name, l.label, l.unit_cents FROM family_invoice_line l JOIN family_invoice i ON i.id = l.invoice_id
       WHERE i.account_id = $1 ORDER BY l.position`,
      [family.id],
    );
    // QF 525 → 1,00 €; the younger child −10 % (the demo canteen grid) → 0,90 €; + 50 % without booking.
    expect(lines.map((l) => `${l.child_name}: ${l.label} à ${l.unit_cents}`)).toEqual([
      'Enfant 1 Durand: 1 jour réservé à 100',
      'Enfant 1 Durand: 1 présence sans réservation à 150',
      'Enfant 2 Durand: 1 jour réservé à 90',
      'Enfant 2 Durand: 1 présence sans réservation à 135',
    ]);
  });

  it('bills page after page: a run killed after its first page keeps it, and the rerun bills the rest once, numbered without a gap', async () => {
    const month = '2026-09';
    const families: string[] = [];
    for (let i = 0; i < 5; i++) {
      const family = await citizen(t, villebelle, { givenName: `Parent ${i}`, familyName: 'Lot' });
      families.push(family.id);
      const e = randomUUID();
      const kid = randomUUID();
      await sql(
        `INSERT INTO family_enrolment (id, commune_id, activity_id, account_id, child_id, child_name, child_birth_date, status)
         VALUES ($1, $2, $3, $4, $5, $6, '2018-05-01', 'inscrit')`,
        [e, villebelle.id, canteen, family.id, kid, `Enfant ${i} Lot`],
      );
      // Three days booked, one of them absent with a justification (not billed): 2 days each.
      for (const [day, attendance] of [
        ['2026-09-14', 'present'],
        ['2026-09-15', null],
        ['2026-09-17', 'absent_justifie'],
      ] as const) {
        await sql(
          `INSERT INTO family_booking (id, commune_id, activity_id, enrolment_id, account_id, child_id, day, booked, attendance)
           VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8)`,
          [randomUUID(), villebelle.id, canteen, e, family.id, kid, day, attendance],
        );
      }
      await sql(
        `INSERT INTO family_household_qf (id, commune_id, account_id, qf, resident, source, valid_from)
         VALUES ($1, $2, $3, 525, true, 'Attestation CAF', '2026-08-01')`,
        [randomUUID(), villebelle.id, family.id],
      );
    }
    const invoicesOfMonth = () =>
      sql<{ account_id: string; number: string; total_cents: number }>(
        'SELECT account_id, number, total_cents FROM family_invoice WHERE commune_id = $1 AND month = $2 ORDER BY number',
        [villebelle.id, month],
      );
    // Killed after its first page of two guardians: those two invoices stay.
    await expect(
      billMonthInBatches(t.runtime.database, villebelle.id, month, {
        batchSize: 2,
        afterBatch: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(await invoicesOfMonth()).toHaveLength(2);
    const rerun = await billMonthInBatches(t.runtime.database, villebelle.id, month, { batchSize: 2 });
    expect(rerun).toMatchObject({ issued: 3, alreadyBilled: 2, nothingToBill: 0, totalCents: 3 * 200 });
    const again = await billMonthInBatches(t.runtime.database, villebelle.id, month, { batchSize: 2 });
    expect(again).toMatchObject({ issued: 0, alreadyBilled: 5 });
    const invoices = await invoicesOfMonth();
    // One invoice per guardian, 2 days × 1,00 € (QF 525), numbers consecutive in the year's sequence.
    expect(invoices.map((i) => i.account_id).sort()).toEqual([...families].sort());
    expect(invoices.map((i) => i.total_cents)).toEqual([200, 200, 200, 200, 200]);
    const seq = invoices.map((i) => Number(i.number.slice(5)));
    expect(seq).toEqual(seq.map((_, i) => seq[0]! + i));
  });

  it('keeps online payment closed, with no call to PayFiP, until the administrator sets the client number', async () => {
    const invoice = await unpaidInvoice(1234);
    const page = shownText((await camille.get(`/c/villebelle/famille/factures/${invoice.id}`)).body);
    expect(page).toContain('Le paiement en ligne n’est pas encore ouvert');
    const before = payfip.operations.size;
    await camille.get('/c/villebelle/famille'); // a page with a form, for its CSRF token
    const res = await camille.post(`/c/villebelle/famille/factures/${invoice.id}/payer`, {});
    expect(res.statusCode).toBe(409);
    expect(payfip.operations.size).toBe(before);

    await adminBrowser.get('/c/villebelle/admin/famille/facturation');
    const bad = await adminBrowser.post('/c/villebelle/admin/famille/facturation/payfip', {
      numcli: '12AB',
      saisie: 'T',
    });
    expect(bad.statusCode).toBe(422);
    expect(shownText(bad.body)).toContain('Le numéro client PayFiP compte 6 chiffres');
    const ok = await adminBrowser.post('/c/villebelle/admin/famille/facturation/payfip', {
      numcli: payfip.numcli,
      saisie: 'T',
    });
    expect(ok.statusCode).toBe(303);
  });

  it('marks the invoice paid on PayFiP’s confirmed notification only, once, whatever is replayed or forged', async () => {
    const invoice = await unpaidInvoice(2720);
    const idOp = await pay(invoice);
    const op = payfip.operations.get(idOp)!;
    expect(op.fields).toMatchObject({
      numcli: payfip.numcli,
      montant: '2720',
      refdet: invoice.number,
      saisie: 'T',
      mel: CAMILLE,
    });
    expect(op.fields.urlnotif).toContain('/api/paiements/payfip/villebelle/notification');

    // A notification before the payer has paid (P5, in progress): nothing changes.
    expect(await payfip.notify(idOp)).toBe(200);
    expect(await invoiceStatus(invoice.id)).toBe('a_payer');
    // A forged notification with an unknown idop: nothing.
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/paiements/payfip/villebelle/notification',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `idop=${'f'.repeat(32)}`,
    });
    expect(forged.statusCode).toBe(200);

    payfip.settle(idOp, 'P');
    expect(await payfip.notify(idOp)).toBe(200);
    expect(await invoiceStatus(invoice.id)).toBe('payee');
    // Replayed notifications and the payer's return change nothing more.
    expect(await payfip.notify(idOp)).toBe(200);
    expect(await payfip.notify(idOp)).toBe(200);
    const back = await camille.get(`/c/villebelle/famille/factures/${invoice.id}/retour`);
    expect(shownText(back.body)).toContain('Paiement reçu');
    expect(await paymentsOf(invoice.id)).toEqual(['payee']);
    const journal = await sql("SELECT 1 FROM audit_entry WHERE action = 'family.invoice_paid' AND target_id = $1", [
      invoice.id,
    ]);
    expect(journal).toHaveLength(1);
    // Paid: no « Payer » button any more, and no second payment.
    expect(shownText((await camille.get(`/c/villebelle/famille/factures/${invoice.id}`)).body)).not.toContain(
      'Payer 27,20',
    );
    await camille.get('/c/villebelle/famille');
    expect((await camille.post(`/c/villebelle/famille/factures/${invoice.id}/payer`, {})).statusCode).toBe(409);
  });

  it('counts a direct debit (V) as paid, found by the return page when the notification never came', async () => {
    const invoice = await unpaidInvoice(500);
    const idOp = await pay(invoice);
    payfip.settle(idOp, 'V');
    const back = await camille.get(`/c/villebelle/famille/factures/${invoice.id}/retour`);
    expect(shownText(back.body)).toContain('Paiement reçu');
    expect(await invoiceStatus(invoice.id)).toBe('payee');
  });

  it.each([
    ['R', 'refusee'],
    ['A', 'abandonnee'],
  ] as const)('leaves the invoice payable when PayFiP says %s, and a new attempt can pay it', async (code, status) => {
    const invoice = await unpaidInvoice(900);
    const idOp = await pay(invoice);
    payfip.settle(idOp, code);
    await payfip.notify(idOp);
    expect(await invoiceStatus(invoice.id)).toBe('a_payer');
    expect(await paymentsOf(invoice.id)).toEqual([status]);
    const again = await pay(invoice);
    payfip.settle(again, 'P');
    await payfip.notify(again);
    expect(await invoiceStatus(invoice.id)).toBe('payee');
  });

  it('does not mark paid when PayFiP reports another amount, and journals the anomaly', async () => {
    const invoice = await unpaidInvoice(4200);
    const idOp = await pay(invoice);
    payfip.settle(idOp, 'P');
    payfip.reportAmount(idOp, '100');
    await payfip.notify(idOp);
    expect(await invoiceStatus(invoice.id)).toBe('a_payer');
    expect(await paymentsOf(invoice.id)).toEqual(['anomalie']);
    const journal = await sql<{ data: Record<string, unknown> }>(
      "SELECT data FROM audit_entry WHERE action = 'family.payment_anomaly' AND target_id = $1",
      [invoice.id],
    );
    expect(journal[0]?.data).toMatchObject({ expectedCents: 4200, reportedCents: 100 });
  });

  it('refuses locally, before any call, an amount under PayFiP’s 1 € minimum', async () => {
    const invoice = await unpaidInvoice(99);
    const before = payfip.operations.size;
    await camille.get(`/c/villebelle/famille/factures/${invoice.id}`);
    const res = await camille.post(`/c/villebelle/famille/factures/${invoice.id}/payer`, {});
    expect(res.statusCode).toBe(422);
    expect(shownText(res.body)).toContain('moins de 1 €');
    expect(payfip.operations.size).toBe(before);
  });
});

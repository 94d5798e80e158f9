/**
 * The family portal's KPIs over a period (decision 0058), table-driven on both engines:
 * enrolments and invoices are seeded through this module's repo (then dated); enrolments count by
 * the time they were asked for (Paris midnights), with their status today; invoices by their
 * issue instant, whatever the billed month; the amount is net of credit notes and the paid rate
 * is over that amount; no invoice, no rate.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { citizen, secondCommune } from '../../test/factories.js';
import { familyIndicators } from './indicators.js';
import { insertActivity, insertEnrolment, insertInvoices, markInvoicePaid } from './repo.js';
import type { EnrolmentStatus } from './schema.js';

interface EnrolmentSeed {
  /** UTC instant the family asked. */
  at: string;
  status?: EnrolmentStatus;
}
interface InvoiceSeed {
  /** UTC instant of issue. */
  issued: string;
  month?: string;
  euros: number;
  credited?: number;
  paid?: boolean;
}
interface Case {
  name: string;
  enrolments?: EnrolmentSeed[];
  invoices?: InvoiceSeed[];
  from: string;
  to: string;
  expected: Record<string, number | null>;
}

const MARCH = { from: '2026-03-01', to: '2026-03-31' };
const CASES: Case[] = [
  {
    name: 'enrolments asked for in a Paris month, with their status today',
    ...MARCH,
    enrolments: [
      { at: '2026-02-28T22:59:59Z' }, // 28 February in Paris
      { at: '2026-02-28T23:00:00Z', status: 'inscrit' },
      { at: '2026-03-10T09:00:00Z', status: 'en_attente' },
      { at: '2026-03-11T09:00:00Z', status: 'place_proposee' },
      { at: '2026-03-12T09:00:00Z', status: 'annulee' },
      { at: '2026-03-31T21:59:59Z', status: 'inscrit' },
      { at: '2026-03-31T22:00:00Z' }, // 1 April in Paris
    ],
    expected: { 'family.enrolments': 5, 'family.enrolled': 2, 'family.waiting': 2 },
  },
  {
    name: 'invoices issued in the period, whatever the month billed; net of credit notes; paid rate over the amount',
    ...MARCH,
    invoices: [
      { issued: '2026-03-02T08:00:00Z', month: '2026-02', euros: 60, paid: true },
      { issued: '2026-03-02T08:00:00Z', month: '2025-12', euros: 45.5, credited: 5.5 }, // a late bill
      { issued: '2026-03-02T08:00:00Z', month: '2025-11', euros: 20, credited: 20 }, // annulled: nothing left
      { issued: '2026-02-02T08:00:00Z', month: '2026-01', euros: 80, paid: true }, // issued before
      { issued: '2026-03-31T22:30:00Z', month: '2026-03', euros: 70 }, // 1 April in Paris
    ],
    expected: { 'family.invoices': 3, 'family.invoiced': 100, 'family.paid_rate': 60 },
  },
  {
    name: 'every invoice paid: 100 %',
    ...MARCH,
    invoices: [
      { issued: '2026-03-02T08:00:00Z', euros: 12.34, paid: true },
      { issued: '2026-03-03T08:00:00Z', euros: 0.66, paid: true },
    ],
    expected: { 'family.invoices': 2, 'family.invoiced': 13, 'family.paid_rate': 100 },
  },
  {
    name: 'nothing invoiced: no rate (not zero)',
    ...MARCH,
    enrolments: [{ at: '2026-03-02T09:00:00Z' }],
    expected: { 'family.invoices': 0, 'family.invoiced': 0, 'family.paid_rate': null, 'family.enrolments': 1 },
  },
];

describe.each(TEST_ENGINES)('family portal KPIs over a period (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t?.close());

  async function communeWith(c: Case): Promise<Commune> {
    const commune = await secondCommune(t);
    const parent = await citizen(t, commune);
    await withTenant(t.runtime.database, commune.id, async (tx) => {
      const activity = await insertActivity(tx, {
        communeId: commune.id,
        slug: 'cantine',
        name: 'Restauration scolaire',
        unit: 'repas',
        position: 0,
      });
      for (const e of c.enrolments ?? []) {
        const status = e.status ?? 'inscrit';
        const row = await insertEnrolment(tx, {
          communeId: commune.id,
          activityId: activity.id,
          accountId: parent.id,
          childId: randomUUID(),
          childName: 'Léa Martin',
          childBirthDate: '2018-05-04',
          status,
          ...(status === 'place_proposee' ? { offeredUntil: new Date('2026-04-10T10:00:00Z') } : {}),
        });
        await tx.client.query('UPDATE family_enrolment SET requested_at = $2 WHERE id = $1', [row.id, e.at]);
      }
      for (const [i, inv] of (c.invoices ?? []).entries()) {
        const number = `2026-${String(i + 1).padStart(6, '0')}`;
        const totalCents = Math.round(inv.euros * 100);
        await insertInvoices(tx, [
          {
            communeId: commune.id,
            number,
            // One invoice per guardian and month: each seeded invoice has its own month.
            month: inv.month ?? `20${String(10 + i)}-01`,
            accountId: parent.id,
            payerName: parent.name,
            totalCents,
            lines: [
              {
                childName: 'Léa Martin',
                activityName: 'Restauration scolaire',
                label: 'Repas',
                quantity: 1,
                unitCents: totalCents,
                amountCents: totalCents,
                explanation: 'Tarif unique',
              },
            ],
          },
        ]);
        const credited = Math.round((inv.credited ?? 0) * 100);
        const { rows } = await tx.client.query<{ id: string }>(
          `UPDATE family_invoice SET issued_at = $3, credited_cents = $4,
                  status = CASE WHEN $4::int = total_cents THEN 'annulee' ELSE status END
            WHERE commune_id = $1 AND number = $2 RETURNING id`,
          [commune.id, number, inv.issued, credited],
        );
        if (inv.paid) await markInvoicePaid(tx, commune.id, rows[0]!.id, new Date(inv.issued));
      }
    });
    return commune;
  }

  it.each(CASES)('$name', async (c) => {
    const commune = await communeWith(c);
    const values = await withTenant(t.runtime.database, commune.id, (tx) =>
      familyIndicators(tx, commune.id, { from: c.from, to: c.to, serviceId: null }),
    );
    for (const [key, expected] of Object.entries(c.expected)) {
      const value = values.get(key);
      if (expected === null) expect(value, key).toBeNull();
      else expect(value, key).toBeCloseTo(expected, 9);
    }
  });
});

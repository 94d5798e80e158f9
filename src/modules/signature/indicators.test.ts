/**
 * The parapheur's KPIs over a period (decision 0058), table-driven on both engines: folders are
 * seeded through this module's repo (a folder, its steps, the step being acted on); the period's
 * boundaries are Paris midnights, the circuit time is creation → last step of the circuits
 * completed in the period (refusals apart), median and p90 interpolated, the folders in a circuit
 * are counted at the end of the period, the pending signatures now, and the service filter keeps
 * the service's folders only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, findServiceBySlug } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { secondCommune } from '../../test/factories.js';
import { signatureIndicators } from './indicators.js';
import { insertFolder, insertSteps, listSteps, updateStep } from './repo.js';

const DAY = 86_400_000;
interface Row {
  /** UTC instant the folder was put into its circuit. */
  at: string;
  /** Days from creation to the last step (termine) or the refusal. */
  closedAfter?: number;
  refused?: boolean;
  /** Still in circuit: the kind of the step being acted on (default visa). */
  waitingAt?: 'visa' | 'signature';
  service?: 'finances' | 'urbanisme' | null;
}
interface Case {
  name: string;
  rows: Row[];
  from: string;
  to: string;
  service?: 'finances' | 'urbanisme';
  now?: string;
  expected: Record<string, number | null>;
}

const MARCH = { from: '2026-03-01', to: '2026-03-31' };
const CASES: Case[] = [
  {
    name: 'a Paris month: folders put into circuit from 1 March 00:00 CET to 31 March 23:59:59 CEST',
    ...MARCH,
    rows: [
      { at: '2026-02-28T22:59:59Z' },
      { at: '2026-02-28T23:00:00Z' },
      { at: '2026-03-31T21:59:59Z' },
      { at: '2026-03-31T22:00:00Z' },
    ],
    expected: { 'signature.started': 2 },
  },
  {
    name: 'circuit time of the completed ones: 0.5, 1, 2, 4 days → median 1.5, p90 3.4; a refusal is apart',
    ...MARCH,
    rows: [
      ...[4, 0.5, 2, 1].map((d) => ({ at: '2026-03-02T09:00:00Z', closedAfter: d })),
      { at: '2026-03-02T09:00:00Z', closedAfter: 20, refused: true },
    ],
    expected: {
      'signature.completed': 4,
      'signature.refused': 1,
      'signature.median_circuit_days': 1.5,
      'signature.p90_circuit_days': 3.4,
    },
  },
  {
    name: 'a circuit counts in the period it ends, whenever it started',
    ...MARCH,
    rows: [
      { at: '2026-02-20T09:00:00Z', closedAfter: 12 }, // ends 4 March
      { at: '2026-03-30T09:00:00Z', closedAfter: 3 }, // ends 2 April
    ],
    expected: { 'signature.started': 1, 'signature.completed': 1, 'signature.median_circuit_days': 12 },
  },
  {
    name: 'no circuit completed: no circuit time (not zero)',
    ...MARCH,
    rows: [{ at: '2026-03-02T09:00:00Z', closedAfter: 1, refused: true }],
    expected: { 'signature.completed': 0, 'signature.median_circuit_days': null, 'signature.p90_circuit_days': null },
  },
  {
    name: 'in circuit at the end of the period; waiting for a signature now',
    ...MARCH,
    rows: [
      { at: '2026-01-10T09:00:00Z', waitingAt: 'signature' }, // still in circuit, at the maire's
      { at: '2026-03-20T09:00:00Z', waitingAt: 'visa' }, // still in circuit, at a visa
      { at: '2026-03-25T09:00:00Z', closedAfter: 10 }, // ended 4 April: in circuit on 31 March
      { at: '2026-03-02T09:00:00Z', closedAfter: 3 }, // ended in March
      { at: '2026-04-02T09:00:00Z', waitingAt: 'signature' }, // after the period, waiting now
    ],
    now: '2026-06-01T10:00:00Z',
    expected: { 'signature.in_circuit': 3, 'signature.pending_signatures': 2 },
  },
  {
    name: 'one service only (a folder without service counts for the whole commune only)',
    ...MARCH,
    service: 'urbanisme',
    rows: [
      { at: '2026-03-02T09:00:00Z', service: 'urbanisme', closedAfter: 2 },
      { at: '2026-03-02T09:00:00Z', service: 'finances', closedAfter: 5 },
      { at: '2026-03-02T09:00:00Z', service: null, waitingAt: 'signature' },
      { at: '2026-03-03T09:00:00Z', service: 'urbanisme', waitingAt: 'signature' },
    ],
    expected: {
      'signature.started': 2,
      'signature.completed': 1,
      'signature.median_circuit_days': 2,
      'signature.pending_signatures': 1,
    },
  },
];

describe.each(TEST_ENGINES)('parapheur KPIs over a period (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t?.close());

  async function communeWith(rows: Row[]): Promise<Commune> {
    const commune = await secondCommune(t, {
      services: [
        { slug: 'finances', name: 'Finances' },
        { slug: 'urbanisme', name: 'Urbanisme' },
      ],
    });
    await withTenant(t.runtime.database, commune.id, async (tx) => {
      for (const [i, row] of rows.entries()) {
        const service =
          row.service === null ? null : await findServiceBySlug(tx, commune.id, row.service ?? 'finances');
        const createdAt = new Date(row.at);
        const closed = row.closedAfter !== undefined;
        const folder = await insertFolder(tx, {
          communeId: commune.id,
          number: `P-${i + 1}`,
          title: 'Bon de commande',
          documentType: 'bon_de_commande',
          serviceId: service?.id ?? null,
          status: closed ? (row.refused ? 'refuse' : 'termine') : 'en_cours',
          circuitName: 'Visa puis signature',
          currentStep: closed ? null : row.waitingAt === 'signature' ? 1 : 0,
          source: 'agent',
          createdAt,
          closedAt: closed ? new Date(createdAt.getTime() + row.closedAfter! * DAY) : null,
        });
        await insertSteps(tx, commune.id, folder.id, [
          { kind: 'visa', mode: 'all', actors: [{ function: 'dgs' }] },
          { kind: 'signature', mode: 'all', actors: [{ function: 'maire' }] },
        ]);
        if (!closed) {
          const steps = await listSteps(tx, commune.id, folder.id);
          await updateStep(tx, commune.id, steps[folder.currentStep!]!.id, {
            status: 'en_cours',
            startedAt: createdAt,
          });
        }
      }
    });
    return commune;
  }

  it.each(CASES)('$name', async (c) => {
    const commune = await communeWith(c.rows);
    const values = await withTenant(t.runtime.database, commune.id, async (tx) => {
      const service = c.service ? await findServiceBySlug(tx, commune.id, c.service) : null;
      return signatureIndicators(
        tx,
        commune.id,
        { from: c.from, to: c.to, serviceId: service?.id ?? null },
        new Date(c.now ?? '2027-01-01T00:00:00Z'),
      );
    });
    for (const [key, expected] of Object.entries(c.expected)) {
      const value = values.get(key);
      if (expected === null) expect(value, key).toBeNull();
      else expect(value, key).toBeCloseTo(expected, 9);
    }
  });
});

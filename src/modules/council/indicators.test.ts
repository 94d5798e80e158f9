/**
 * The council's KPIs over a period (decision 0058), table-driven on both engines: members, séances
 * and their convocations are seeded through this module's repo; a convocation counts on the day
 * it was sent (Paris midnights), electronically or by post; a séance is convened in the period
 * when its convocations left in it; no convocation, no share.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { secondCommune } from '../../test/factories.js';
import { councilIndicators } from './indicators.js';
import { insertConvocation, insertMember, insertSeance } from './repo.js';

interface SeanceSeed {
  /** UTC instant the convocations left. */
  sent: string;
  /** How many élus were convened by e-mail, how many by post. */
  electronic: number;
  postal: number;
}
interface Case {
  name: string;
  seances: SeanceSeed[];
  from: string;
  to: string;
  expected: Record<string, number | null>;
}

const MARCH = { from: '2026-03-01', to: '2026-03-31' };
const CASES: Case[] = [
  {
    name: 'convocations of a Paris month: 1 March 00:00 CET is in, 1 April 00:00 CEST is out',
    ...MARCH,
    seances: [
      { sent: '2026-02-28T22:59:59Z', electronic: 5, postal: 0 },
      { sent: '2026-02-28T23:00:00Z', electronic: 4, postal: 1 },
      { sent: '2026-03-31T22:00:00Z', electronic: 5, postal: 0 },
    ],
    expected: {
      'council.seances': 1,
      'council.convocations': 5,
      'council.electronic': 4,
      'council.postal': 1,
      'council.electronic_share': 80,
    },
  },
  {
    name: 'two séances convened in the period, one all by post',
    ...MARCH,
    seances: [
      { sent: '2026-03-02T09:00:00Z', electronic: 3, postal: 0 },
      { sent: '2026-03-20T09:00:00Z', electronic: 0, postal: 3 },
    ],
    expected: { 'council.seances': 2, 'council.convocations': 6, 'council.electronic_share': 50 },
  },
  {
    name: 'no convocation: no share (not zero)',
    ...MARCH,
    seances: [],
    expected: { 'council.seances': 0, 'council.convocations': 0, 'council.electronic_share': null },
  },
];

describe.each(TEST_ENGINES)('council KPIs over a period (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t?.close());

  async function communeWith(seances: SeanceSeed[]): Promise<Commune> {
    const commune = await secondCommune(t);
    await withTenant(t.runtime.database, commune.id, async (tx) => {
      const size = Math.max(0, ...seances.map((s) => s.electronic + s.postal));
      const members = [];
      for (let i = 0; i < size; i++) {
        members.push(
          await insertMember(tx, {
            communeId: commune.id,
            accountId: null,
            fullName: `Élu ${i + 1}`,
            role: i === 0 ? 'maire' : 'conseiller',
            politicalGroup: null,
            channel: 'electronique',
            email: `elu${i + 1}@exemple.fr`,
            electronicConsentAt: new Date('2026-01-05T10:00:00Z'),
            postalAddress: '1 place de la Mairie',
          }),
        );
      }
      for (const s of seances) {
        const seance = await insertSeance(tx, {
          communeId: commune.id,
          seanceDate: '2026-04-15',
          seanceTime: '18:30',
          place: 'Salle du conseil',
          kind: 'ordinaire',
          status: 'convoquee',
          firstSeanceId: null,
        });
        for (const [i, member] of members.slice(0, s.electronic + s.postal).entries()) {
          await insertConvocation(tx, {
            communeId: commune.id,
            seanceId: seance.id,
            memberId: member.id,
            channel: i < s.electronic ? 'electronique' : 'postal',
            sentAt: new Date(s.sent),
          });
        }
      }
    });
    return commune;
  }

  it.each(CASES)('$name', async (c) => {
    const commune = await communeWith(c.seances);
    const values = await withTenant(t.runtime.database, commune.id, (tx) =>
      councilIndicators(tx, commune.id, { from: c.from, to: c.to, serviceId: null }),
    );
    for (const [key, expected] of Object.entries(c.expected)) {
      const value = values.get(key);
      if (expected === null) expect(value, key).toBeNull();
      else expect(value, key).toBeCloseTo(expected, 9);
    }
  });
});

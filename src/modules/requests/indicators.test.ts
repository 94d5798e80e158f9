/**
 * The requests' KPIs over a period (decision 0052), table-driven on both engines: the period's
 * boundaries are Paris midnights (winter and summer time, across the clock change of 29 March
 * 2026), the median and the 90th percentile interpolate linearly (`percentile_cont`, as a
 * spreadsheet's PERCENTILE.INC does), late items and the backlog are counted at the end of the
 * period, and the service filter keeps one service only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, findServiceBySlug } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { requestIn, secondCommune } from '../../test/factories.js';
import { requestIndicators } from './indicators.js';

const DAY = 86_400_000;
interface Row {
  /** UTC instant of submission. */
  at: string;
  /** Days from submission to closure (none: still open). */
  closedAfter?: number;
  /** Days from submission to the deadline (default 30). */
  dueAfter?: number;
  channel?: 'portail' | 'guichet' | 'courriel';
  service?: 'etat-civil' | 'urbanisme';
}
interface Case {
  name: string;
  rows: Row[];
  from: string;
  to: string;
  service?: 'etat-civil' | 'urbanisme';
  now?: string;
  expected: Record<string, number | null>;
}

const MARCH = { from: '2026-03-01', to: '2026-03-31' };
const CASES: Case[] = [
  {
    name: 'a Paris month: 1 March 00:00 CET (23:00 UTC the day before) is in, 31 March 23:59:59 CEST is in',
    ...MARCH,
    rows: [
      { at: '2026-02-28T22:59:59Z' }, // 28 February 23:59:59 in Paris: before
      { at: '2026-02-28T23:00:00Z' }, // 1 March 00:00 in Paris
      { at: '2026-03-31T21:59:59Z' }, // 31 March 23:59:59 in Paris (summer time)
      { at: '2026-03-31T22:00:00Z' }, // 1 April 00:00 in Paris: after
    ],
    expected: { 'requests.received': 2 },
  },
  {
    name: 'one day across the spring clock change (23 hours)',
    from: '2026-03-29',
    to: '2026-03-29',
    rows: [
      { at: '2026-03-28T22:59:00Z' },
      { at: '2026-03-28T23:00:00Z' },
      { at: '2026-03-29T21:59:00Z' },
      { at: '2026-03-29T22:00:00Z' },
    ],
    expected: { 'requests.received': 2 },
  },
  {
    name: 'median of an odd count, p90 interpolated: 1, 2, 3, 4, 10 days → 3 and 7.6',
    ...MARCH,
    rows: [1, 2, 3, 4, 10].map((d) => ({ at: '2026-03-02T09:00:00Z', closedAfter: d })),
    expected: { 'requests.closed': 5, 'requests.median_days': 3, 'requests.p90_days': 7.6 },
  },
  {
    name: 'median of an even count: 1, 2, 3, 4 days → 2.5, p90 3.7',
    ...MARCH,
    rows: [4, 1, 3, 2].map((d) => ({ at: '2026-03-02T09:00:00Z', closedAfter: d })),
    expected: { 'requests.median_days': 2.5, 'requests.p90_days': 3.7 },
  },
  {
    name: 'durations count the requests closed in the period, whenever they were filed',
    ...MARCH,
    rows: [
      { at: '2026-02-20T09:00:00Z', closedAfter: 12 }, // closed 4 March: counted
      { at: '2026-03-25T09:00:00Z', closedAfter: 10 }, // closed 4 April: not closed in March
    ],
    expected: { 'requests.received': 1, 'requests.closed': 1, 'requests.median_days': 12, 'requests.p90_days': 12 },
  },
  {
    name: 'no closed request: no median (not zero)',
    ...MARCH,
    rows: [{ at: '2026-03-02T09:00:00Z' }],
    expected: { 'requests.closed': 0, 'requests.median_days': null, 'requests.p90_days': null },
  },
  {
    name: 'online share: portal and e-mail are online, the counter is not',
    ...MARCH,
    rows: [
      { at: '2026-03-02T09:00:00Z', channel: 'portail' },
      { at: '2026-03-02T09:00:00Z', channel: 'courriel' },
      { at: '2026-03-02T09:00:00Z', channel: 'portail' },
      { at: '2026-03-02T09:00:00Z', channel: 'guichet' },
    ],
    expected: { 'requests.online': 3, 'requests.counter': 1, 'requests.online_share': 75 },
  },
  {
    name: 'no request: no share',
    ...MARCH,
    rows: [],
    expected: { 'requests.received': 0, 'requests.online_share': null, 'requests.backlog': 0 },
  },
  {
    name: 'backlog and late at the end of the period; closed late',
    ...MARCH,
    rows: [
      { at: '2026-01-10T09:00:00Z', dueAfter: 30 }, // open, deadline passed in February: late
      { at: '2026-03-20T09:00:00Z', dueAfter: 30 }, // open, deadline in April: in the backlog, not late
      { at: '2026-03-10T09:00:00Z', dueAfter: 5, closedAfter: 30 }, // closed 9 April: open on 31 March, late
      { at: '2026-03-02T09:00:00Z', dueAfter: 2, closedAfter: 3 }, // closed in March after its deadline
      { at: '2026-04-02T09:00:00Z' }, // filed after the period
    ],
    now: '2026-06-01T10:00:00Z',
    expected: { 'requests.backlog': 3, 'requests.late': 2, 'requests.closed': 1, 'requests.closed_late': 1 },
  },
  {
    name: 'a period not over yet: the backlog is counted now',
    ...MARCH,
    rows: [
      { at: '2026-03-02T09:00:00Z', dueAfter: 30, closedAfter: 10 },
      { at: '2026-03-05T09:00:00Z', dueAfter: 3 },
    ],
    now: '2026-03-15T10:00:00Z',
    expected: { 'requests.backlog': 1, 'requests.late': 1 },
  },
  {
    name: 'one service only',
    ...MARCH,
    service: 'urbanisme',
    rows: [
      { at: '2026-03-02T09:00:00Z', service: 'urbanisme', closedAfter: 8 },
      { at: '2026-03-02T09:00:00Z', service: 'etat-civil', closedAfter: 1 },
      { at: '2026-03-02T09:00:00Z', service: 'etat-civil' },
    ],
    expected: { 'requests.received': 1, 'requests.closed': 1, 'requests.median_days': 8, 'requests.backlog': 0 },
  },
];

describe.each(TEST_ENGINES)('requests KPIs over a period (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t?.close());

  async function communeWith(rows: Row[]): Promise<Commune> {
    const commune = await secondCommune(t, {
      services: [
        { slug: 'etat-civil', name: 'État civil' },
        { slug: 'urbanisme', name: 'Urbanisme' },
      ],
    });
    for (const row of rows) {
      const submittedAt = new Date(row.at);
      const created = await requestIn(t, commune, {
        service: row.service ?? 'etat-civil',
        subject: 'Demande',
        submittedAt,
        dueAt: new Date(submittedAt.getTime() + (row.dueAfter ?? 30) * DAY),
        status: row.closedAfter === undefined ? 'en_cours' : 'acceptee',
      });
      await withTenant(t.runtime.database, commune.id, (tx) =>
        tx.client.query('UPDATE citizen_request SET channel = $2, closed_at = $3 WHERE id = $1', [
          created.id,
          row.channel ?? 'portail',
          row.closedAfter === undefined ? null : new Date(submittedAt.getTime() + row.closedAfter * DAY).toISOString(),
        ]),
      );
    }
    return commune;
  }

  it.each(CASES)('$name', async (c) => {
    const commune = await communeWith(c.rows);
    const values = await withTenant(t.runtime.database, commune.id, async (tx) => {
      const service = c.service ? await findServiceBySlug(tx, commune.id, c.service) : null;
      return requestIndicators(
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

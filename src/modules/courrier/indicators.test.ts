/**
 * The courrier's KPIs over a period (decision 0058), table-driven on both engines: mails and
 * replies are seeded through this module's repo; arrivals count by the register's arrival date,
 * closures by their Paris instant, the processing time is in Paris calendar days (arrival date →
 * closing day, median interpolated), late means past the type's deadline day, open and late mails
 * are counted at the end of the period (or now), replies by electronic registered letter against
 * paper, and the service filter follows the service in charge (a reply follows its mail).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../platform/db/tenant.js';
import { type Commune, findServiceBySlug } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { secondCommune, staffMember } from '../../test/factories.js';
import { courrierIndicators } from './indicators.js';
import { findOrCreateContact, insertMail, insertOutgoing } from './repo.js';

interface MailRow {
  /** Paris date of arrival (the register's date). */
  arrived: string;
  /** UTC instant of registration (default: 10:00 UTC on the arrival date). */
  registered?: string;
  /** UTC instant of closure (none: still open). */
  closed?: string;
  due?: string | null;
  service?: 'etat-civil' | 'urbanisme';
}
interface ReplyRow {
  /** UTC instant the reply left (none: signed, not sent yet). */
  sent?: string;
  channel: 'lre' | 'papier';
  /** Index of the incoming mail it answers (none: a letter of the commune's own initiative). */
  answers?: number;
}
interface Case {
  name: string;
  mails?: MailRow[];
  replies?: ReplyRow[];
  from: string;
  to: string;
  service?: 'etat-civil' | 'urbanisme';
  now?: string;
  expected: Record<string, number | null>;
}

const MARCH = { from: '2026-03-01', to: '2026-03-31' };
const CASES: Case[] = [
  {
    name: 'arrivals by the register’s date, both ends of the period included',
    ...MARCH,
    mails: [{ arrived: '2026-02-28' }, { arrived: '2026-03-01' }, { arrived: '2026-03-31' }, { arrived: '2026-04-01' }],
    expected: { 'courrier.received': 2 },
  },
  {
    name: 'processing time in Paris days: closed 23:30 on the 4th is 2 days, 00:30 on the 5th is 3 → median of 2, 3, 10 is 3',
    ...MARCH,
    mails: [
      { arrived: '2026-03-02', closed: '2026-03-04T22:30:00Z' },
      { arrived: '2026-03-02', closed: '2026-03-04T23:30:00Z' },
      { arrived: '2026-03-02', closed: '2026-03-12T09:00:00Z' },
    ],
    expected: { 'courrier.closed': 3, 'courrier.median_days': 3 },
  },
  {
    name: 'an even count interpolates: 1 and 4 days → 2.5; closures after the period are not counted',
    ...MARCH,
    mails: [
      { arrived: '2026-03-02', closed: '2026-03-03T09:00:00Z' },
      { arrived: '2026-02-25', closed: '2026-03-01T09:00:00Z' },
      { arrived: '2026-03-30', closed: '2026-04-01T09:00:00Z' },
    ],
    expected: { 'courrier.closed': 2, 'courrier.median_days': 2.5 },
  },
  {
    name: 'no mail closed: no median (not zero)',
    ...MARCH,
    mails: [{ arrived: '2026-03-02' }],
    expected: { 'courrier.closed': 0, 'courrier.median_days': null },
  },
  {
    name: 'closed late: after the deadline day, not on it',
    ...MARCH,
    mails: [
      { arrived: '2026-03-02', due: '2026-03-05', closed: '2026-03-05T20:00:00Z' },
      { arrived: '2026-03-02', due: '2026-03-05', closed: '2026-03-06T08:00:00Z' },
      { arrived: '2026-03-02', due: null, closed: '2026-03-20T08:00:00Z' },
    ],
    expected: { 'courrier.closed': 3, 'courrier.closed_late': 1 },
  },
  {
    name: 'open and late at the end of a period over: a deadline on its last day is passed the next morning',
    ...MARCH,
    mails: [
      { arrived: '2026-03-10', due: '2026-03-31' }, // open, due on the last day: late
      { arrived: '2026-03-10', due: '2026-04-01' }, // open, not late yet
      { arrived: '2026-03-10', due: null }, // no answer expected: open, never late
      { arrived: '2026-03-05', due: '2026-03-10', closed: '2026-04-04T09:00:00Z' }, // open on 31 March, late
      { arrived: '2026-03-05', due: '2026-03-10', closed: '2026-03-09T09:00:00Z' }, // closed in time
      { arrived: '2026-03-31', registered: '2026-04-01T08:00:00Z', due: '2026-03-31' }, // registered after
    ],
    now: '2026-06-01T10:00:00Z',
    expected: { 'courrier.open': 4, 'courrier.late': 2 },
  },
  {
    name: 'a period not over yet: open and late now (a deadline today is not passed)',
    ...MARCH,
    mails: [
      { arrived: '2026-03-02', due: '2026-03-15' },
      { arrived: '2026-03-02', due: '2026-03-14' },
      { arrived: '2026-03-02', due: '2026-03-14', closed: '2026-03-13T09:00:00Z' },
    ],
    now: '2026-03-15T10:00:00Z',
    expected: { 'courrier.open': 2, 'courrier.late': 1 },
  },
  {
    name: 'replies sent in the period: electronic registered letters against paper',
    ...MARCH,
    mails: [{ arrived: '2026-03-02' }],
    replies: [
      { sent: '2026-03-03T09:00:00Z', channel: 'lre', answers: 0 },
      { sent: '2026-03-04T09:00:00Z', channel: 'lre' },
      { sent: '2026-03-05T09:00:00Z', channel: 'lre' },
      { sent: '2026-03-06T09:00:00Z', channel: 'papier' },
      { sent: '2026-03-31T22:00:00Z', channel: 'lre' }, // 1 April in Paris
      { channel: 'lre' }, // signed, not sent
    ],
    expected: { 'courrier.lre_sent': 3, 'courrier.paper_sent': 1, 'courrier.lre_share': 75 },
  },
  {
    name: 'nothing sent: no share',
    ...MARCH,
    expected: { 'courrier.lre_sent': 0, 'courrier.paper_sent': 0, 'courrier.lre_share': null, 'courrier.open': 0 },
  },
  {
    name: 'one service: its mails, and the replies to them (not the commune’s own letters)',
    ...MARCH,
    service: 'urbanisme',
    mails: [
      { arrived: '2026-03-02', service: 'urbanisme', closed: '2026-03-06T09:00:00Z' },
      { arrived: '2026-03-02', service: 'etat-civil', closed: '2026-03-03T09:00:00Z' },
      { arrived: '2026-03-02', service: 'etat-civil', due: '2026-03-03' },
    ],
    replies: [
      { sent: '2026-03-06T09:00:00Z', channel: 'lre', answers: 0 },
      { sent: '2026-03-03T09:00:00Z', channel: 'papier', answers: 1 },
      { sent: '2026-03-10T09:00:00Z', channel: 'papier' },
    ],
    expected: {
      'courrier.received': 1,
      'courrier.closed': 1,
      'courrier.median_days': 4,
      'courrier.late': 0,
      'courrier.lre_sent': 1,
      'courrier.paper_sent': 0,
    },
  },
];

describe.each(TEST_ENGINES)('courrier KPIs over a period (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
  });
  afterAll(() => t?.close());

  async function communeWith(c: Case): Promise<Commune> {
    const commune = await secondCommune(t, {
      services: [
        { slug: 'etat-civil', name: 'État civil' },
        { slug: 'urbanisme', name: 'Urbanisme' },
      ],
    });
    const agent = await staffMember(t, commune, { role: 'agent', services: ['urbanisme'] });
    await withTenant(t.runtime.database, commune.id, async (tx) => {
      const { contact } = await findOrCreateContact(tx, commune.id, {
        kind: 'personne',
        name: 'Jeanne Dupont',
        email: 'jeanne.dupont@exemple.fr',
        postalAddress: null,
      });
      const mailIds: string[] = [];
      for (const [i, m] of (c.mails ?? []).entries()) {
        const service = await findServiceBySlug(tx, commune.id, m.service ?? 'etat-civil');
        const row = await insertMail(tx, {
          id: randomUUID(),
          communeId: commune.id,
          chrono: `2026-A${String(i + 1).padStart(6, '0')}`,
          arrivedOn: m.arrived,
          registeredAt: new Date(m.registered ?? `${m.arrived}T10:00:00Z`),
          registeredBy: agent.id,
          contactId: contact.id,
          subject: 'Demande',
          mailType: 'demande',
          category: 'courrier',
          priority: 'normale',
          confidential: false,
          serviceId: service!.id,
          status: m.closed ? 'clos' : 'en_cours',
          dueOn: m.due === undefined ? '2026-05-01' : m.due,
          closedAt: m.closed ? new Date(m.closed) : null,
          ocrStatus: 'aucun',
          ocrPagesDone: 0,
          ocrPagesTotal: 0,
        });
        mailIds.push(row.id);
      }
      for (const [i, r] of (c.replies ?? []).entries()) {
        await insertOutgoing(tx, {
          id: randomUUID(),
          communeId: commune.id,
          chrono: `2026-D${String(i + 1).padStart(6, '0')}`,
          mailId: r.answers === undefined ? null : mailIds[r.answers]!,
          contactId: contact.id,
          subject: 'Réponse',
          template: 'libre',
          body: 'Madame, …',
          createdBy: agent.id,
          status: r.sent ? 'envoye' : 'signe',
          channel: r.sent ? r.channel : null,
          sentAt: r.sent ? new Date(r.sent) : null,
        });
      }
    });
    return commune;
  }

  it.each(CASES)('$name', async (c) => {
    const commune = await communeWith(c);
    const values = await withTenant(t.runtime.database, commune.id, async (tx) => {
      const service = c.service ? await findServiceBySlug(tx, commune.id, c.service) : null;
      return courrierIndicators(
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

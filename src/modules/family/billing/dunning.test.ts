import { describe, expect, it } from 'vitest';
import { arrearsOf, DUE_DAYS, dueOn, isPastDue } from './dunning.js';

const invoice = (over: Partial<Parameters<typeof isPastDue>[0]> = {}) => ({
  id: 'i1',
  number: '2026-000001',
  month: '2026-10',
  accountId: 'a1',
  payerName: 'Camille Martin',
  totalCents: 3400,
  creditedCents: 0,
  status: 'a_payer' as const,
  roleId: null,
  // 2 November 2026, 09:00 in Paris (UTC+1).
  issuedAt: new Date('2026-11-02T08:00:00Z'),
  ...over,
});

describe('an invoice past due', () => {
  it(`is due ${DUE_DAYS} days after its issue, Paris day`, () => {
    expect(dueOn(new Date('2026-11-02T08:00:00Z'))).toBe('2026-12-02');
    // 23:30 UTC on 31 October is already 1 November in Paris.
    expect(dueOn(new Date('2026-10-31T23:30:00Z'))).toBe('2026-12-01');
  });

  it.each([
    ['on its due day, evening in Paris', {}, '2026-12-02T22:59:00Z', false],
    ['the next Paris day', {}, '2026-12-02T23:00:00Z', true],
    ['paid', { status: 'payee' as const }, '2027-01-15T12:00:00Z', false],
    ['fully credited', { status: 'annulee' as const, creditedCents: 3400 }, '2027-01-15T12:00:00Z', false],
    ['partly credited', { creditedCents: 3000 }, '2027-01-15T12:00:00Z', true],
    ['in a rôle (the comptable public recovers it)', { roleId: 'r1' }, '2027-01-15T12:00:00Z', false],
  ])('%s → %s', (_name, over, now, expected) => {
    expect(isPastDue(invoice(over), new Date(now))).toBe(expected);
  });
});

describe('arrears per household', () => {
  it('groups what each paying guardian owes, the longest overdue first, credit notes deducted', () => {
    const now = new Date('2027-02-10T12:00:00Z');
    const arrears = arrearsOf(
      [
        invoice({
          id: 'a',
          number: '2026-000010',
          accountId: 'x',
          payerName: 'Zoé Petit',
          issuedAt: new Date('2026-12-01T10:00:00Z'),
        }),
        invoice({ id: 'b', number: '2026-000002', accountId: 'y', payerName: 'Léo Grand', creditedCents: 400 }),
        invoice({
          id: 'c',
          number: '2026-000001',
          accountId: 'x',
          payerName: 'Zoé Petit',
          issuedAt: new Date('2026-10-01T10:00:00Z'),
        }),
        invoice({ id: 'd', number: '2027-000001', accountId: 'z', issuedAt: new Date('2027-02-01T10:00:00Z') }),
      ],
      now,
    );
    expect(arrears.map((a) => [a.payerName, a.owedCents, a.since, a.invoices.map((i) => i.number)])).toEqual([
      ['Zoé Petit', 6800, '2026-10-31', ['2026-000001', '2026-000010']],
      ['Léo Grand', 3000, '2026-12-02', ['2026-000002']],
    ]);
  });
});

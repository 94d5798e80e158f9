/**
 * Processing deadlines, worked examples on the Paris calendar of 2026–2027: working days skip
 * weekends and public holidays, months run date to date (end of month clamped), a delay ending
 * on a closed day moves to the next working day, urgency caps the deadline at 3 working days.
 */
import { describe, expect, it } from 'vitest';
import { nameKey, postalKey, sameContact } from './contacts.js';
import { addWorkingDays, isWorkingDay, type MailType, type Priority, processingDeadline } from './deadlines.js';

describe('processing deadline from the type', () => {
  const cases: Array<[string, MailType, Priority, string | null, string]> = [
    // arrived on, type, priority, due on, why
    ['2026-12-03', 'demande', 'normale', '2026-12-24', 'Thursday + 15 working days (three weeks)'],
    [
      '2026-12-17',
      'demande',
      'normale',
      '2027-01-11',
      'Christmas and New Year’s Day skipped (15th working day: Monday 11)',
    ],
    ['2026-12-04', 'invitation', 'normale', '2026-12-11', 'Friday + 5 working days = next Friday'],
    ['2026-12-05', 'invitation', 'normale', '2026-12-11', 'arrived on a Saturday: Monday is the first working day'],
    ['2027-05-05', 'invitation', 'normale', '2027-05-13', 'Ascension Thursday (6 May 2027) and 8 May on a Saturday'],
    ['2026-12-03', 'reclamation', 'normale', '2027-01-04', '3 January 2027 is a Sunday: next working day'],
    [
      '2027-01-31',
      'reclamation',
      'normale',
      '2027-03-01',
      '31 January + 1 month = 28 February (a Sunday) → Monday 1 March',
    ],
    ['2026-12-03', 'saisine_administrative', 'normale', '2027-02-03', 'two months date to date (CRPA L231-1)'],
    ['2026-10-30', 'saisine_administrative', 'normale', '2026-12-30', 'Wednesday 30 December'],
    ['2026-12-03', 'facture', 'normale', '2027-01-04', '30 days = 2 January 2027, a Saturday → Monday 4'],
    ['2026-12-03', 'information', 'normale', null, 'no answer expected'],
    ['2026-12-03', 'information', 'urgente', null, 'urgent information still needs no answer'],
    ['2026-12-03', 'saisine_administrative', 'urgente', '2026-12-08', 'urgent: 3 working days (Fri, Mon, Tue)'],
    ['2026-12-23', 'demande', 'urgente', '2026-12-29', 'urgent over Christmas: 24, 28, 29 December'],
    ['2026-12-03', 'invitation', 'urgente', '2026-12-08', 'urgent caps 5 working days at 3'],
  ];
  it.each(cases)('%s, %s (%s) → %s: %s', (arrived, type, priority, due) => {
    expect(processingDeadline(arrived, type, priority)).toBe(due);
  });
});

describe('working days', () => {
  it.each([
    ['2026-12-25', false],
    ['2026-12-26', false],
    ['2026-12-28', true],
    ['2027-05-06', false],
    ['2027-07-14', false],
    ['2027-07-15', true],
  ])('%s is a working day: %s', (date, expected) => {
    expect(isWorkingDay(date)).toBe(expected);
  });

  it('counts from the day after: zero working days is the same day', () => {
    expect(addWorkingDays('2026-12-03', 0)).toBe('2026-12-03');
    expect(addWorkingDays('2026-12-03', 1)).toBe('2026-12-04');
    expect(addWorkingDays('2026-12-04', 1)).toBe('2026-12-07');
  });
});

describe('contacts deduplication keys', () => {
  it.each([
    ['M. Jean-Pierre DUPONT', 'dupont jean pierre'],
    ['Dupont Jean Pierre', 'dupont jean pierre'],
    ['Mme Hélène Lefèvre', 'helene lefevre'],
    ['SARL Bâtiments de l’Ouest', 'batiments de l ouest sarl'],
  ])('the name « %s » compares as « %s »', (name, key) => {
    expect(nameKey(name)).toBe(key);
  });

  it('spells out street abbreviations and ignores punctuation and case', () => {
    expect(postalKey('12, r. Victor-Hugo\n44000 NANTES')).toBe(postalKey('12 rue Victor Hugo 44000 Nantes'));
    expect(postalKey('3 bd de la Liberté')).toBe('3 boulevard de la liberte');
  });

  it('is the same contact with the same name and the same e-mail or address, never on the name alone', () => {
    const known = {
      nameKey: nameKey('Jean Dupont'),
      email: 'jean.dupont@exemple.fr',
      postalKey: postalKey('1 rue Haute 44000 Nantes'),
    };
    expect(sameContact(known, { name: 'DUPONT Jean', email: 'Jean.Dupont@exemple.fr', postalAddress: null })).toBe(
      true,
    );
    expect(
      sameContact(known, { name: 'M. Jean Dupont', email: null, postalAddress: '1, r. Haute, 44000 Nantes' }),
    ).toBe(true);
    expect(sameContact(known, { name: 'Jean Dupont', email: 'autre@exemple.fr', postalAddress: '2 rue Basse' })).toBe(
      false,
    );
    expect(sameContact(known, { name: 'Jeanne Dupont', email: 'jean.dupont@exemple.fr', postalAddress: null })).toBe(
      false,
    );
  });
});

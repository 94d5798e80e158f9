import { describe, expect, it } from 'vitest';
import { estimateWait, interleave, median, minutesBetween, waitText } from './rules.js';

describe('the walk-in queue’s wait', () => {
  it.each([
    // ahead, service minutes, desks → minutes (rounded up to 5)
    [0, 10, 1, 0],
    [1, 10, 1, 10],
    [1, 7, 1, 10],
    [3, 7, 1, 25],
    [3, 10, 2, 15],
    [4, 10, 2, 20],
    [1, 10, 3, 5],
    [2, 0, 1, 5], // a zero median (served in seconds) still counts a minute each
    [5, 12, 0, 60], // no desk calling yet: counted as one
  ])('%i ahead, %i min each, %i desks → %i min', (ahead, service, desks, minutes) => {
    expect(estimateWait(ahead, service, desks).minutes).toBe(minutes);
  });

  it.each([
    [0, 0, 'Vous êtes la prochaine personne appelée.'],
    [1, 10, '1 personne avant vous, environ 10 minutes d’attente.'],
    [6, 55, '6 personnes avant vous, environ 55 minutes d’attente.'],
    [7, 60, '7 personnes avant vous, environ 1 h d’attente.'],
    [9, 95, '9 personnes avant vous, environ 1 h 35 d’attente.'],
    [20, 125, '20 personnes avant vous, environ 2 h 05 d’attente.'],
  ])('%i ahead, %i min → « %s »', (ahead, minutes, text) => {
    expect(waitText({ ahead, minutes })).toBe(text);
  });

  it.each([
    [[], null],
    [[4], 4],
    [[9, 1, 5], 5],
    [[1, 2, 3, 10], 2.5],
  ])('median of %j is %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('counts whole minutes and never a negative wait', () => {
    const t = new Date('2026-12-02T09:00:00Z');
    expect(minutesBetween(t, new Date('2026-12-02T09:07:29Z'))).toBe(7);
    expect(minutesBetween(t, new Date('2026-12-02T09:07:31Z'))).toBe(8);
    expect(minutesBetween(t, new Date('2026-12-02T08:59:00Z'))).toBe(0);
  });
});

describe('who comes next at the desks', () => {
  const at = (hm: string) => new Date(`2026-12-02T${hm}:00+01:00`);
  const now = at('10:00');
  const tickets = [
    { n: 12, createdAt: at('09:41') },
    { n: 13, createdAt: at('09:52') },
    { n: 14, createdAt: at('09:58') },
  ];
  const appointments = [
    { name: 'Mme Durand', startsAt: at('09:45') }, // late, still listed at its time
    { name: 'M. Petit', startsAt: at('10:15') }, // due within 15 minutes: listed
    { name: 'Mme Roux', startsAt: at('10:16') }, // later: not yet
  ];

  it('lists tickets in their order and appointments at their time, from 15 minutes before', () => {
    const order = interleave(tickets, appointments, now).map((x) =>
      x.kind === 'ticket' ? `ticket ${x.item.n}` : x.item.name,
    );
    expect(order).toEqual(['ticket 12', 'Mme Durand', 'ticket 13', 'ticket 14', 'M. Petit']);
  });

  it('shows nothing but tickets when no appointment is due', () => {
    expect(interleave(tickets, appointments, at('08:00')).every((x) => x.kind === 'ticket')).toBe(true);
    expect(interleave([], appointments, at('08:00'))).toEqual([]);
  });
});

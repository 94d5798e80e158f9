/**
 * Slot search, table-driven, with worked examples: opening hours on Paris time (clock-change
 * days included), holidays and closures, the motif's buffer and delays, a booking at the end of
 * a day, a group session of three seats.
 */
import { describe, expect, it } from 'vitest';
import { type AgendaCalendar, type MotifRules, searchSlots, type TakenSeat } from './slots.js';

const MOTIF: MotifRules = {
  id: 'passeport',
  durationMinutes: 30,
  bufferMinutes: 0,
  capacity: 1,
  minDelayHours: 0,
  maxDelayDays: 365,
};

/** Open every day of the week 09:00–12:00, unless said otherwise. */
function calendar(overrides: Partial<AgendaCalendar> = {}): AgendaCalendar {
  return {
    openings: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
      weekday,
      startMinute: 9 * 60,
      endMinute: 12 * 60,
      validFrom: null,
      validUntil: null,
    })),
    closures: [],
    alsaceMoselle: false,
    ...overrides,
  };
}

/** Paris wall-clock times (HH:MM) of the slots. */
function times(slots: ReturnType<typeof searchSlots>): string[] {
  return slots.map((s) =>
    s.startsAt.toLocaleTimeString('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }),
  );
}

const NOW = new Date('2026-01-01T00:00:00Z');
const taken = (motifId: string, start: string, minutes: number, seat = 1, bufferMinutes = 0): TakenSeat => ({
  motifId,
  startsAt: new Date(start),
  endsAt: new Date(new Date(start).getTime() + minutes * 60_000),
  bufferMinutes,
  seat,
});

describe('slot search', () => {
  it.each([
    {
      name: 'an ordinary Tuesday: six half-hour slots from 09:00 to 11:30',
      day: '2026-01-06',
      search: {},
      expected: ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'],
    },
    {
      name: 'a 45-minute motif with a 15-minute buffer: one slot an hour, the last ends by 12:00',
      day: '2026-01-06',
      search: { motif: { ...MOTIF, durationMinutes: 45, bufferMinutes: 15 } },
      expected: ['09:00', '10:00', '11:00'],
    },
    {
      name: 'a 50-minute motif: the slot starting at 11:40 would end after closing',
      day: '2026-01-06',
      search: { motif: { ...MOTIF, durationMinutes: 50 } },
      expected: ['09:00', '09:50', '10:40'],
    },
    {
      name: 'morning and afternoon openings',
      day: '2026-01-06',
      search: {
        calendar: calendar({
          openings: [
            { weekday: 2, startMinute: 14 * 60, endMinute: 15 * 60, validFrom: null, validUntil: null },
            { weekday: 2, startMinute: 9 * 60, endMinute: 10 * 60, validFrom: null, validUntil: null },
          ],
        }),
      },
      expected: ['09:00', '09:30', '14:00', '14:30'],
    },
    {
      name: 'spring clock change (Sunday 29 March 2026), open 09:00–10:00: still 09:00 and 09:30',
      day: '2026-03-29',
      search: {
        calendar: calendar({
          openings: [{ weekday: 7, startMinute: 9 * 60, endMinute: 10 * 60, validFrom: null, validUntil: null }],
        }),
      },
      expected: ['09:00', '09:30'],
    },
    {
      name: 'spring clock change, open 01:00–04:00: 02:00 and 02:30 do not exist',
      day: '2026-03-29',
      search: {
        calendar: calendar({
          openings: [{ weekday: 7, startMinute: 60, endMinute: 240, validFrom: null, validUntil: null }],
        }),
      },
      expected: ['01:00', '01:30', '03:00', '03:30'],
    },
    {
      name: 'autumn clock change (Sunday 25 October 2026), open 09:00–10:00',
      day: '2026-10-25',
      search: {
        calendar: calendar({
          openings: [{ weekday: 7, startMinute: 9 * 60, endMinute: 10 * 60, validFrom: null, validUntil: null }],
        }),
      },
      expected: ['09:00', '09:30'],
    },
    {
      name: 'a public holiday (Ascension 2026) has no slot',
      day: '2026-05-14',
      search: {},
      expected: [],
    },
    {
      name: 'Good Friday is open, except in Alsace-Moselle',
      day: '2026-04-03',
      search: { calendar: calendar({ alsaceMoselle: true }) },
      expected: [],
    },
    {
      name: 'a closure covering the day',
      day: '2026-01-06',
      search: { calendar: calendar({ closures: [{ startDate: '2026-01-05', endDate: '2026-01-06' }] }) },
      expected: [],
    },
    {
      name: 'the day after a closure is open again',
      day: '2026-01-07',
      search: { calendar: calendar({ closures: [{ startDate: '2026-01-05', endDate: '2026-01-06' }] }) },
      expected: ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'],
    },
    {
      name: 'an opening valid from a later date does not apply yet',
      day: '2026-01-06',
      search: {
        calendar: calendar({
          openings: [
            { weekday: 2, startMinute: 9 * 60, endMinute: 10 * 60, validFrom: '2026-02-01', validUntil: null },
          ],
        }),
      },
      expected: [],
    },
    {
      name: 'a booking at the end of the day takes only the last slot',
      day: '2026-01-06',
      search: { taken: [taken('passeport', '2026-01-06T10:30:00Z', 30)] },
      expected: ['09:00', '09:30', '10:00', '10:30', '11:00'],
    },
    {
      name: 'a booking of another motif (45 min) blocks the two slots it overlaps',
      day: '2026-01-06',
      search: { taken: [taken('mariage', '2026-01-06T08:15:00Z', 45)] },
      expected: ['10:00', '10:30', '11:00', '11:30'],
    },
    {
      name: 'the buffer of a booking keeps the desk busy after it',
      day: '2026-01-06',
      search: { taken: [taken('mariage', '2026-01-06T08:00:00Z', 30, 1, 15)] },
      expected: ['10:00', '10:30', '11:00', '11:30'],
    },
    {
      name: 'a minimum delay of 2 hours, asked at 08:40 Paris time',
      day: '2026-01-06',
      search: { now: new Date('2026-01-06T07:40:00Z'), motif: { ...MOTIF, minDelayHours: 2 } },
      expected: ['11:00', '11:30'],
    },
    {
      name: 'a slot starting exactly at now + minimum delay is offered',
      day: '2026-01-06',
      search: { now: new Date('2026-01-06T08:00:00Z'), motif: { ...MOTIF, minDelayHours: 2 } },
      expected: ['11:00', '11:30'],
    },
    {
      name: 'a maximum delay of 5 days: day 5 is the last one offered',
      day: '2026-01-06',
      search: { motif: { ...MOTIF, maxDelayDays: 5 } },
      expected: ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'],
    },
    {
      name: 'a maximum delay of 4 days: day 5 is too far',
      day: '2026-01-06',
      search: { motif: { ...MOTIF, maxDelayDays: 4 } },
      expected: [],
    },
  ])('$name', ({ day, search, expected }) => {
    const slots = searchSlots({
      calendar: calendar(),
      motif: MOTIF,
      taken: [],
      now: NOW,
      from: day,
      to: day,
      ...search,
    });
    expect(times(slots)).toEqual(expected);
  });

  it('keeps 09:00 at 09:00 across the spring clock change (08:00 UTC on Saturday, 07:00 UTC on Sunday)', () => {
    const slots = searchSlots({
      calendar: calendar(),
      motif: MOTIF,
      taken: [],
      now: NOW,
      from: '2026-03-28',
      to: '2026-03-29',
    });
    expect(slots.filter((s) => times([s])[0] === '09:00').map((s) => s.startsAt.toISOString())).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
    ]);
  });

  it('keeps offering a group session until its three seats are taken', () => {
    const group = { ...MOTIF, id: 'atelier', durationMinutes: 60, capacity: 3 };
    const at = (seats: number) =>
      searchSlots({
        calendar: calendar(),
        motif: group,
        taken: Array.from({ length: seats }, (_, i) => taken('atelier', '2026-01-06T08:00:00Z', 60, i + 1)),
        now: NOW,
        from: '2026-01-06',
        to: '2026-01-06',
      }).find((s) => s.startsAt.toISOString() === '2026-01-06T08:00:00.000Z');
    expect(at(0)).toMatchObject({ remaining: 3, freeSeat: 1 });
    expect(at(1)).toMatchObject({ remaining: 2, freeSeat: 2 });
    expect(at(2)).toMatchObject({ remaining: 1, freeSeat: 3 });
    expect(at(3)).toBeUndefined();
  });

  it('gives the seat a cancellation freed in a group session', () => {
    const group = { ...MOTIF, id: 'atelier', durationMinutes: 60, capacity: 3 };
    const slot = searchSlots({
      calendar: calendar(),
      motif: group,
      taken: [taken('atelier', '2026-01-06T08:00:00Z', 60, 1), taken('atelier', '2026-01-06T08:00:00Z', 60, 3)],
      now: NOW,
      from: '2026-01-06',
      to: '2026-01-06',
    })[0];
    expect(slot).toMatchObject({ remaining: 1, freeSeat: 2 });
  });

  it('never offers a day in the past, nor a slot already begun', () => {
    const slots = searchSlots({
      calendar: calendar(),
      motif: MOTIF,
      taken: [],
      now: new Date('2026-01-06T09:10:00Z'), // 10:10 in Paris
      from: '2026-01-01',
      to: '2026-01-06',
    });
    expect(times(slots)).toEqual(['10:30', '11:00', '11:30']);
  });
});

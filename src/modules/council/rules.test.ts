import { describe, expect, it } from 'vitest';
import {
  checkProxy,
  checkProxySpan,
  convocationClearDays,
  convocationInTime,
  coveredSeances,
  latestConvocationDate,
  legalSeats,
  type Movement,
  minutesAdoptableAt,
  minutesPublicationDeadline,
  nominationRound,
  type ProxyGrant,
  presentAtItem,
  publicBallotRequired,
  quorum,
  secondConvocationAllowed,
  secretBallotRequired,
  usableProxies,
  voteResult,
} from './rules.js';

describe('seats (CGCT L2121-2)', () => {
  const table: Array<[number, number, number]> = [
    [0, 99, 7],
    [100, 499, 11],
    [500, 1_499, 15],
    [1_500, 2_499, 19],
    [2_500, 3_499, 23],
    [3_500, 4_999, 27],
    [5_000, 9_999, 29],
    [10_000, 19_999, 33],
    [20_000, 29_999, 35],
    [30_000, 39_999, 39],
    [40_000, 49_999, 43],
    [50_000, 59_999, 45],
    [60_000, 79_999, 49],
    [80_000, 99_999, 53],
    [100_000, 149_999, 55],
    [150_000, 199_999, 59],
    [200_000, 249_999, 61],
    [250_000, 299_999, 65],
    [300_000, 2_000_000, 69],
  ];
  it.each(table)('from %i to %i inhabitants: %i members', (from, to, seats) => {
    expect(legalSeats(from)).toBe(seats);
    expect(legalSeats(to)).toBe(seats);
    expect(legalSeats(Math.floor((from + to) / 2))).toBe(seats);
  });
  it.each([-1, 1.5, Number.NaN])('refuses population %s', (p) => {
    expect(() => legalSeats(p)).toThrow();
  });
});

describe('convocation delay (CGCT L2121-11, L2121-12)', () => {
  it.each([
    [3_499, 'ordinaire', 3],
    [3_500, 'ordinaire', 5],
    [0, 'ordinaire', 3],
    [120_000, 'ordinaire', 5],
    [3_499, 'urgence', 1],
    [3_500, 'urgence', 1],
  ] as const)('%i inhabitants, séance %s: %i clear days', (pop, type, n) => {
    expect(convocationClearDays(pop, type)).toBe(n);
  });
  it.each([
    // [séance, population, type, latest sending]
    ['2026-03-28', 2_000, 'ordinaire', '2026-03-24'],
    ['2026-08-10', 4_000, 'ordinaire', '2026-08-04'],
    ['2026-03-10', 4_000, 'urgence', '2026-03-08'],
    ['2027-01-02', 12_000, 'ordinaire', '2026-12-27'],
    ['2026-03-31', 3_500, 'ordinaire', '2026-03-25'],
  ] as const)('séance %s, %i inhabitants, %s: send by %s', (date, pop, type, latest) => {
    expect(latestConvocationDate(date, pop, type)).toBe(latest);
  });
  it.each([
    ['2026-03-24T22:59:59Z', '2026-03-28', 2_000, 'ordinaire', true],
    ['2026-03-24T23:00:00Z', '2026-03-28', 2_000, 'ordinaire', false], // 25 March in Paris
    ['2026-08-04T21:59:00Z', '2026-08-10', 4_000, 'ordinaire', true],
    ['2026-08-05T08:00:00Z', '2026-08-10', 4_000, 'ordinaire', false],
    ['2026-08-05T08:00:00Z', '2026-08-10', 3_499, 'ordinaire', true],
    ['2026-03-09T08:00:00Z', '2026-03-10', 4_000, 'urgence', false],
  ] as const)('sent %s for %s (%i inhabitants, %s): %s', (at, date, pop, type, ok) => {
    expect(convocationInTime(new Date(at), date, pop, type)).toBe(ok);
  });
});

describe('quorum per item (CGCT L2121-17)', () => {
  const members = (n: number) => Array.from({ length: n }, (_, i) => `m${i + 1}`);
  it.each([
    // [in office, present, required, reached]
    [15, 8, 8, true],
    [15, 7, 8, false],
    [14, 7, 8, false], // half is not enough
    [14, 8, 8, true],
    [10, 6, 6, true], // 10 in office after vacancies
    [10, 5, 6, false],
    [69, 35, 35, true],
    [7, 4, 4, true],
    [7, 3, 4, false],
  ])('%i in office, %i present: %i required → %s', (office, present, required, reached) => {
    expect(quorum({ membersInOffice: office, present: members(present) })).toEqual({
      reached,
      required,
      counted: present,
    });
  });
  it('an interested councillor is not counted for the item', () => {
    const present = members(8);
    expect(quorum({ membersInOffice: 15, present }).reached).toBe(true);
    expect(quorum({ membersInOffice: 15, present, interested: ['m3'] })).toEqual({
      reached: false,
      required: 8,
      counted: 7,
    });
    // an interested member absent changes nothing
    expect(quorum({ membersInOffice: 15, present, interested: ['m12'] }).reached).toBe(true);
  });
  it('second convocation: no quorum needed', () => {
    expect(quorum({ membersInOffice: 15, present: members(2), secondConvocation: true }).reached).toBe(true);
  });
  it.each([
    ['2026-03-10', '2026-03-12', false],
    ['2026-03-10', '2026-03-13', true],
    ['2026-12-30', '2027-01-02', true],
    ['2026-12-30', '2027-01-01', false],
  ])('first séance %s, second %s: allowed %s', (first, second, ok) => {
    expect(secondConvocationAllowed(first, second)).toBe(ok);
  });
});

describe('proxies (CGCT L2121-20 al. 1)', () => {
  const seance = { id: 's1', date: '2026-03-28' };
  const present = ['a', 'b', 'c'];
  const base: ProxyGrant = { giverId: 'x', holderId: 'a', written: true, seanceId: 's1' };
  it.each([
    [{}, [], null],
    [{ written: false }, [], 'not_written'],
    [{ holderId: 'x' }, [], 'self'],
    [{ seanceId: undefined }, [], 'no_scope'],
    [{ seanceId: undefined, validFrom: '2026-03-01', validTo: '2026-02-01' }, [], 'no_scope'],
    [{ seanceId: undefined, validFrom: '2026-03-01', validTo: '2026-06-30' }, [], null],
    [{ giverId: 'b' }, [], 'giver_present'],
    [{ holderId: 'z' }, [], 'holder_absent'],
    [{}, [{ giverId: 'y', holderId: 'a', written: true, seanceId: 's1' }], 'holder_already_holds'],
    [{}, [{ giverId: 'x', holderId: 'b', written: true, seanceId: 's1' }], 'giver_already_gave'],
    // a proxy for another séance, a revoked one, or one out of its duration does not count
    [{}, [{ giverId: 'y', holderId: 'a', written: true, seanceId: 's2' }], null],
    [{}, [{ giverId: 'y', holderId: 'a', written: true, seanceId: 's1', revoked: true }], null],
    [{}, [{ giverId: 'y', holderId: 'a', written: true, validFrom: '2026-01-01', validTo: '2026-03-27' }], null],
    [
      {},
      [{ giverId: 'y', holderId: 'a', written: true, validFrom: '2026-01-01', validTo: '2026-03-28' }],
      'holder_already_holds',
    ],
  ] as Array<[Partial<ProxyGrant>, ProxyGrant[], string | null]>)('%j with %j → %s', (change, accepted, refusal) => {
    expect(checkProxy({ ...base, ...change }, { seance, present, accepted })).toBe(refusal);
  });
});

describe('proxy span: three consecutive séances at most (CGCT L2121-20 al. 1)', () => {
  it.each([
    [1, false, null],
    [3, false, null],
    [4, false, 'too_many_seances'],
    [4, true, null],
    [12, true, null],
    [0, false, 'no_scope'],
    [1.5, true, 'no_scope'],
  ] as const)('%i séance(s), illness certified %s → %s', (count, illness, refusal) => {
    expect(checkProxySpan(count, illness)).toBe(refusal);
  });
});

describe('séances covered by a proxy (CGCT L2121-20 al. 1)', () => {
  const seances = ['s1', 's2', 's3', 's4', 's5'];
  it.each([
    ['s1', 1, ['s1']],
    ['s2', 3, ['s2', 's3', 's4']],
    ['s4', 3, ['s4', 's5']], // the last séances planned so far
    ['s9', 2, []],
  ] as const)('from %s for %i → %j', (first, count, covered) => {
    expect(coveredSeances(first, count, seances)).toEqual(covered);
  });
});

describe('presence per item: arrivals and departures (CGCT L2121-17 checked per item)', () => {
  const moves: Movement[] = [
    { memberId: 'd', kind: 'arrivee', position: 2 },
    { memberId: 'a', kind: 'depart', position: 3 },
    { memberId: 'a', kind: 'arrivee', position: 5 },
  ];
  it.each([
    [1, ['a', 'b', 'c']],
    [2, ['a', 'b', 'c', 'd']],
    [3, ['b', 'c', 'd']],
    [4, ['b', 'c', 'd']],
    [5, ['a', 'b', 'c', 'd']],
  ])('item %i: %j present', (position, expected) => {
    expect(presentAtItem(['a', 'b', 'c'], moves, position).sort()).toEqual(expected);
  });
  it('a departure at the item opened by an arrival leaves the member absent (last event wins)', () => {
    expect(
      presentAtItem(
        [],
        [
          { memberId: 'x', kind: 'arrivee', position: 2 },
          { memberId: 'x', kind: 'depart', position: 2 },
        ],
        2,
      ),
    ).toEqual([]);
  });
});

describe('proxies that vote on an item (CGCT L2121-20, L2131-11)', () => {
  const proxies = [
    { giverId: 'x', holderId: 'a' },
    { giverId: 'y', holderId: 'b' },
    { giverId: 'z', holderId: 'c' },
  ];
  it.each([
    // [present, interested, givers whose proxy votes]
    [['a', 'b', 'c'], [], ['x', 'y', 'z']],
    [['a', 'b'], [], ['x', 'y']], // c has left: z's proxy is not used
    [['a', 'b', 'c', 'z'], [], ['x', 'y']], // z came after all: votes in person
    [['a', 'b', 'c'], ['b'], ['x', 'z']], // the holder intéressé does not carry the proxy
    [['a', 'b', 'c'], ['x'], ['y', 'z']], // nor is the giver's voice carried when the giver is intéressé
  ] as Array<[string[], string[], string[]]>)('present %j, interested %j → %j', (present, interested, givers) => {
    expect(usableProxies(proxies, present, interested).map((p) => p.giverId)).toEqual(givers);
  });
});

describe('votes (CGCT L2121-20 al. 2, L2121-21)', () => {
  it.each([
    // [pour, contre, abstentions, blancs, ballot, president, adopted, exprimés]
    [4, 0, 6, 0, 'public', null, true, 4],
    [5, 4, 0, 0, 'public', 'contre', true, 9],
    [4, 5, 0, 0, 'public', 'pour', false, 9],
    [5, 5, 0, 0, 'public', 'pour', true, 10],
    [5, 5, 0, 0, 'public', 'contre', false, 10],
    [5, 5, 0, 0, 'secret', 'pour', false, 10],
    [5, 5, 3, 2, 'secret', null, false, 10],
    [6, 5, 0, 4, 'secret', null, true, 11],
    [0, 0, 15, 0, 'public', 'pour', false, 0],
    [1, 0, 14, 0, 'public', null, true, 1],
  ] as const)(
    '%i pour, %i contre, %i abst., %i blancs, %s, président %s → %s',
    (pour, contre, abstentions, blancs, ballot, pres, adopted, exprimes) => {
      const r = voteResult({ pour, contre, abstentions, blancs }, ballot, pres);
      expect(r.adopted).toBe(adopted);
      expect(r.exprimes).toBe(exprimes);
    },
  );
  it('the président decides a public tie only', () => {
    expect(voteResult({ pour: 3, contre: 3 }, 'public', 'pour').presidentDecided).toBe(true);
    expect(voteResult({ pour: 3, contre: 3 }, 'secret', 'pour').presidentDecided).toBe(false);
  });
  it('refuses a negative count', () => {
    expect(() => voteResult({ pour: -1, contre: 0 }, 'public')).toThrow();
  });
  it.each([
    [15, 5, false, false, true],
    [15, 4, false, false, false],
    [16, 5, false, false, false],
    [16, 6, false, false, true],
    [15, 0, true, false, true],
    [15, 0, true, true, false],
    [0, 0, false, false, false],
  ])(
    '%i present, %i ask, nomination %s, waiver %s → secret %s',
    (present, requesters, nomination, unanimousWaiver, secret) => {
      expect(secretBallotRequired({ present, requesters, nomination, unanimousWaiver })).toBe(secret);
    },
  );
  it.each([
    [16, 4, true],
    [16, 3, false],
    [15, 4, true],
    [15, 3, false],
  ])('%i present, %i ask → recorded public ballot %s', (present, requesters, due) => {
    expect(publicBallotRequired({ present, requesters })).toBe(due);
  });
});

describe('nominations in three rounds (CGCT L2122-7, L2121-21)', () => {
  const A = { id: 'a', birthDate: '1960-05-01' };
  const B = { id: 'b', birthDate: '1975-11-30' };
  const C = { id: 'c', birthDate: '1960-05-02' };
  const T = { id: 't', birthDate: '1960-05-01' }; // A's twin in age
  type Row = [string, number, Record<string, number>, number, string];
  // [case, round, votes, blank+void, expected: « a:absolute », « next », « undecided:no_votes »…]
  const table: Row[] = [
    ['L2122-7: absolute majority at round 1', 1, { a: 8, b: 7 }, 0, 'a:absolute'],
    ['L2122-7: exactly half at round 1 is not the absolute majority', 1, { a: 7, b: 5, c: 2 }, 0, 'next'],
    ['L2122-7: exactly half at round 2 is not enough either', 2, { a: 6, b: 6 }, 0, 'next'],
    ['L2122-7: tie at round 1 → round 2', 1, { a: 5, b: 5, c: 1 }, 0, 'next'],
    ['L2122-7: tie at round 2 → round 3', 2, { a: 7, b: 7 }, 1, 'next'],
    ['L2122-7: absolute majority at round 2', 2, { a: 8, b: 6 }, 0, 'a:absolute'],
    // 15 voters, 3 blank: 12 exprimés, 7 needed; with blanks counted 7 would not be more than 7.5.
    ['Blank ballots are not suffrages exprimés: 7 of 12 exprimés wins', 1, { a: 7, b: 5 }, 3, 'a:absolute'],
    ['Blank ballots: 6 of 12 exprimés is only half', 1, { a: 6, b: 6 }, 3, 'next'],
    ['Only blank ballots at round 1 → round 2', 1, {}, 15, 'next'],
    ['L2122-7: relative majority at round 3', 3, { a: 5, b: 4, c: 3 }, 2, 'a:relative'],
    ['Round 3 with an absolute majority anyway', 3, { b: 9, a: 3 }, 0, 'b:absolute'],
    ['L2122-7: tie at round 3 → the eldest (A born in 1960, B in 1975)', 3, { a: 6, b: 6 }, 0, 'a:age'],
    ['L2122-7: tie at round 3 → the eldest by one day (A before C)', 3, { c: 4, a: 4, b: 3 }, 0, 'a:age'],
    ['Tie at round 3 between the two leaders only (C not tied)', 3, { b: 5, c: 5, a: 2 }, 0, 'c:age'],
    ['Round 3 only blank ballots: nobody to elect', 3, {}, 12, 'undecided:no_votes'],
    ['Round 3 tie between candidates born the same day', 3, { a: 4, t: 4 }, 0, 'undecided:same_age'],
  ];
  it.each(table)('%s', (_, round, votes, blancs, expected) => {
    const outcome = nominationRound([A, B, C, T], { round, votes, blancs, nuls: 0 });
    const got =
      outcome.kind === 'elected'
        ? `${outcome.candidateId}:${outcome.by}`
        : outcome.kind === 'next_round'
          ? 'next'
          : `undecided:${outcome.reason}`;
    expect(got).toBe(expected);
  });
  it('counts void ballots apart like blank ones and reports the majority required', () => {
    expect(nominationRound([A, B], { round: 1, votes: { a: 7, b: 5 }, blancs: 1, nuls: 2 })).toEqual({
      kind: 'elected',
      candidateId: 'a',
      by: 'absolute',
      exprimes: 12,
      absoluteMajority: 7,
    });
  });
  it.each([
    ['round 0', { round: 0, votes: {}, blancs: 0, nuls: 0 }],
    ['round 4', { round: 4, votes: {}, blancs: 0, nuls: 0 }],
    ['unknown candidate', { round: 1, votes: { z: 1 }, blancs: 0, nuls: 0 }],
    ['negative count', { round: 1, votes: { a: -1 }, blancs: 0, nuls: 0 }],
    ['fractional blank', { round: 1, votes: { a: 1 }, blancs: 0.5, nuls: 0 }],
  ])('refuses %s', (_, input) => {
    expect(() => nominationRound([A, B], input)).toThrow();
  });
});

describe('procès-verbal arrêté at the next séance, published within the week (CGCT L2121-15)', () => {
  const seance = { seanceDate: '2027-03-28', seanceTime: '18:30' };
  it.each([
    ['a séance the next month', { seanceDate: '2027-04-25', seanceTime: '18:30' }, true],
    ['the same day, later', { seanceDate: '2027-03-28', seanceTime: '20:00' }, true],
    ['the same séance', { seanceDate: '2027-03-28', seanceTime: '18:30' }, false],
    ['the same day, earlier', { seanceDate: '2027-03-28', seanceTime: '09:00' }, false],
    ['a séance before it', { seanceDate: '2027-02-14', seanceTime: '18:30' }, false],
  ])('L2121-15: arrêté at %s → %s', (_, later, expected) => {
    expect(minutesAdoptableAt(seance, later)).toBe(expected);
  });
  it.each([
    ['2027-04-25', '2027-05-02'],
    ['2027-12-28', '2028-01-04'],
    ['2028-02-25', '2028-03-03'],
    ['2027-03-26', '2027-04-02'],
  ])('L2121-15: arrêté on %s → online by %s (across month, year, leap day and DST)', (date, deadline) => {
    expect(minutesPublicationDeadline(date)).toBe(deadline);
  });
});

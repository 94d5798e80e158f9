/**
 * Nominations recorded round by round (CGCT L2122-7, L2121-21): candidates with their date of
 * birth, three secret-ballot rounds, the eldest elected on a round-3 tie, the audit entry, and
 * the refusals a secretary meets (count above the voters, a fourth round, another commune).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/authz/actor.js';
import { AppError } from '../../platform/errors.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { secondCommune, staffMember } from '../../test/factories.js';
import { addMember } from './use-cases/add-member.js';
import { recordRollCall } from './use-cases/attendance.js';
import { addAgendaItem, createSeance } from './use-cases/create-seance.js';
import { addCandidate, recordNominationRound } from './use-cases/nominations.js';
import { recordVote } from './use-cases/record-vote.js';
import { sendConvocations } from './use-cases/send-convocations.js';

async function refusal(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe.each(TEST_ENGINES)('council nominations on %s', (engine) => {
  let t: TestApp;
  let commune: Commune;
  let other: Commune;
  let secretariat: { commune: Commune; actor: Actor };

  beforeAll(async () => {
    t = await createTestApp(engine);
    commune = await secondCommune(t, { name: 'Valmont' });
    other = await secondCommune(t);
    await t.testDb.asSuperuser('UPDATE commune SET population = 900 WHERE id = $1', [commune.id]);
    const agent = await staffMember(t, commune, { role: 'agent' });
    secretariat = {
      commune,
      actor: {
        accountId: agent.id,
        sessionId: 'test',
        email: agent.email,
        displayName: agent.name,
        isOperator: false,
        roles: new Set(['agent']),
        serviceIds: new Set(),
        mfaVerified: true,
        mfaRequiredNow: false,
        mfaSetupRequired: false,
        reauthenticatedAt: null,
      },
    };
  });
  afterAll(() => t?.close());

  it('elects the maire at the third round on a tie: the eldest candidate (L2122-7)', async () => {
    const db = t.runtime.database;
    const names = ['Alice Aîné', 'Benoît Cadet', 'Chloé Tiers', 'Denis Quatre', 'Emma Cinq'];
    const members = [];
    for (const fullName of names)
      members.push(
        await addMember(db, secretariat, { fullName, role: 'conseiller', channel: 'postal', postalAddress: '1 place' }),
      );
    const [alice, benoit, chloe] = members;
    const seance = await createSeance(db, secretariat, {
      date: '2027-05-20',
      time: '18:00',
      place: 'Salle du conseil',
      kind: 'ordinaire',
    });
    const election = await addAgendaItem(db, secretariat, seance.id, { title: 'Élection du maire', nomination: 'oui' });
    const budget = await addAgendaItem(db, secretariat, seance.id, { title: 'Budget' });
    await sendConvocations(
      db,
      { queue: t.runtime.queue, publicUrl: t.config.publicUrl, now: () => new Date('2027-05-01T10:00:00Z') },
      secretariat,
      seance.id,
    );

    // Before the roll call, no round; an ordinary item takes no candidate.
    const notNomination = await refusal(
      addCandidate(db, secretariat, budget.id, { memberId: alice!.id, birthDate: '1960-05-01' }),
    );
    expect(notNomination.fields).toEqual({ form: 'Ce point n’est pas une nomination : enregistrez son vote.' });
    const badDate = await refusal(
      addCandidate(db, secretariat, election.id, { memberId: alice!.id, birthDate: '1960-02-30' }),
    );
    expect(badDate.fields).toEqual({ birthDate: 'Saisissez une date de naissance réelle, par exemple 14 7 1962.' });
    await addCandidate(db, secretariat, election.id, { memberId: alice!.id, birthDate: '1960-05-01' });
    await addCandidate(db, secretariat, election.id, { memberId: benoit!.id, birthDate: '1975-11-30' });
    const twice = await refusal(
      addCandidate(db, secretariat, election.id, { memberId: benoit!.id, birthDate: '1975-11-30' }),
    );
    expect(twice.fields).toEqual({ memberId: 'Benoît Cadet est déjà candidat.' });
    const { rows: cands } = await t.testDb.asSuperuser<{ id: string; member_id: string }>(
      'SELECT id, member_id FROM council_candidate WHERE item_id = $1',
      [election.id],
    );
    const a = cands.find((c) => c.member_id === alice!.id)!.id;
    const b = cands.find((c) => c.member_id === benoit!.id)!.id;

    const noRollCall = await refusal(recordNominationRound(db, secretariat, election.id, { votes: { [a]: 3 } }));
    expect(noRollCall.fields?.form).toContain('Faites d’abord l’appel');
    await recordRollCall(db, secretariat, seance.id, { present: members.map((m) => m.id) });

    // Five voters: six ballots is one too many.
    const tooMany = await refusal(
      recordNominationRound(db, secretariat, election.id, { votes: { [a]: 3, [b]: 2 }, blancs: 1 }),
    );
    expect(tooMany.fields?.blancs).toBe(
      'Le décompte (6 bulletins) dépasse le nombre de votants : 5 (élus présents et pouvoirs).',
    );
    const negative = await refusal(recordNominationRound(db, secretariat, election.id, { votes: { [a]: -1 } }));
    expect(negative.fields).toEqual({ votes: 'Le nombre de voix ne peut pas être négatif.' });
    // Round 1: 2-2 and a blank: 4 exprimés, 3 needed → round 2.
    await expect(
      recordNominationRound(db, secretariat, election.id, { votes: { [a]: 2, [b]: 2 }, blancs: 1 }),
    ).resolves.toEqual({ round: 1, outcome: 'next_round', electedMemberId: null });
    // A third candidate may come forward between rounds; round 2: 2-2-0 and a void ballot.
    await addCandidate(db, secretariat, election.id, { memberId: chloe!.id, birthDate: '1960-05-02' });
    await expect(
      recordNominationRound(db, secretariat, election.id, { votes: { [a]: 2, [b]: 2 }, nuls: 1 }),
    ).resolves.toEqual({ round: 2, outcome: 'next_round', electedMemberId: null });
    // Round 3: 2-2-1, relative majority tied: Alice, born in 1960, is elected.
    const { rows: all } = await t.testDb.asSuperuser<{ id: string; member_id: string }>(
      'SELECT id, member_id FROM council_candidate WHERE item_id = $1',
      [election.id],
    );
    const c = all.find((x) => x.member_id === chloe!.id)!.id;
    await expect(
      recordNominationRound(db, secretariat, election.id, { votes: { [a]: 2, [b]: 2, [c]: 1 } }),
    ).resolves.toEqual({ round: 3, outcome: 'age', electedMemberId: alice!.id });

    const fourth = await refusal(recordNominationRound(db, secretariat, election.id, { votes: { [a]: 5 } }));
    expect(fourth.fields).toEqual({ form: 'Le scrutin de ce point est clos.' });
    const late = await refusal(
      addCandidate(db, secretariat, election.id, { memberId: members[3]!.id, birthDate: '1950-01-01' }),
    );
    expect(late.fields?.memberId).toContain('Le scrutin est clos');
    const asVote = await refusal(recordVote(db, secretariat, election.id, { pour: 5, contre: 0, abstentions: 0 }));
    expect(asVote.fields?.form).toContain('Ce point est une nomination');

    const { rows: rounds } = await t.testDb.asSuperuser<{ round: number; exprimes: number; outcome: string }>(
      'SELECT round, exprimes, outcome FROM council_nomination_round WHERE item_id = $1 ORDER BY round',
      [election.id],
    );
    expect(rounds).toEqual([
      { round: 1, exprimes: 4, outcome: 'next_round' },
      { round: 2, exprimes: 4, outcome: 'next_round' },
      { round: 3, exprimes: 5, outcome: 'age' },
    ]);
    const { rows: audit } = await t.testDb.asSuperuser<{ data: { round: number; electedMemberId: string | null } }>(
      "SELECT data FROM audit_entry WHERE action = 'council.nomination_round_recorded' AND target_id = $1 ORDER BY seq",
      [election.id],
    );
    expect(audit.map((r) => [r.data.round, r.data.electedMemberId])).toEqual([
      [1, null],
      [2, null],
      [3, alice!.id],
    ]);

    // Another commune's secretariat does not find the item.
    const foreign = await refusal(
      addCandidate(db, { ...secretariat, commune: other }, election.id, {
        memberId: alice!.id,
        birthDate: '1960-05-01',
      }),
    );
    expect(foreign.status).toBe(404);
  });
});

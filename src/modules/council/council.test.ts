import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/authz/actor.js';
import type { Role } from '../../platform/authz/roles.js';
import { AppError } from '../../platform/errors.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { type Person, secondCommune, staffMember } from '../../test/factories.js';
import { seedDemo } from '../demo/seed.js';
import { addMember } from './use-cases/add-member.js';
import { giveProxy, recordMovement, recordRollCall, replyToConvocation, revokeProxy } from './use-cases/attendance.js';
import { addAgendaItem, createSeance } from './use-cases/create-seance.js';
import { recordVote } from './use-cases/record-vote.js';
import { sendConvocations } from './use-cases/send-convocations.js';

function actorOf(person: Person, role: Role): Actor {
  return {
    accountId: person.id,
    sessionId: 'test',
    email: person.email,
    displayName: person.name,
    isOperator: false,
    roles: new Set([role]),
    serviceIds: new Set(),
    mfaVerified: true,
    mfaRequiredNow: false,
    mfaSetupRequired: false,
    reauthenticatedAt: null,
  };
}

async function refusal(work: Promise<unknown>): Promise<AppError> {
  try {
    await work;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe.each(TEST_ENGINES)('council on %s', (engine) => {
  let t: TestApp;
  let villebelle: Commune;
  let other: Commune;
  let secretariat: { commune: Commune; actor: Actor };

  beforeAll(async () => {
    t = await createTestApp(engine);
    await seedDemo(t.runtime.database, t.runtime.queue, t.config.publicUrl, t.config.secret!);
    await t.runtime.communes.reload();
    // A commune of its own: the demo seeds Villebelle with a council already.
    villebelle = await secondCommune(t, { name: 'Valbourg' });
    other = await secondCommune(t);
    await t.testDb.asSuperuser('UPDATE commune SET population = 2000 WHERE id = $1', [villebelle.id]);
    const agent = await staffMember(t, villebelle, { role: 'agent' });
    secretariat = { commune: villebelle, actor: actorOf(agent, 'agent') };
  });
  afterAll(() => t?.close());

  const deps = (now: string) => ({ queue: t.runtime.queue, publicUrl: t.config.publicUrl, now: () => new Date(now) });

  it('refuses members in French and keeps the consent of electronic convocations', async () => {
    const bad = await refusal(
      addMember(t.runtime.database, secretariat, { fullName: ' ', role: 'roi', channel: 'electronique', email: 'x' }),
    );
    expect(bad.status).toBe(422);
    expect(bad.fields).toMatchObject({
      fullName: 'Saisissez le nom de l’élu.',
      role: 'Choisissez la fonction de l’élu.',
    });
    const noConsent = await refusal(
      addMember(t.runtime.database, secretariat, {
        fullName: 'Anne Test',
        role: 'conseiller',
        channel: 'electronique',
        email: 'anne@example.org',
      }),
    );
    expect(noConsent.fields).toEqual({
      consent: 'Cochez l’accord de l’élu pour recevoir ses convocations par voie électronique.',
    });
    const postal = await refusal(
      addMember(t.runtime.database, secretariat, { fullName: 'Paul Test', role: 'adjoint', channel: 'postal' }),
    );
    expect(postal.fields).toEqual({ postalAddress: 'Saisissez l’adresse postale des convocations.' });
  });

  it('convenes a séance in time with a proof per member and a mail, and refuses once the delay is past', async () => {
    const db = t.runtime.database;
    await addMember(db, secretariat, {
      fullName: 'Claire Martin',
      role: 'maire',
      channel: 'electronique',
      email: 'claire.martin@example.org',
      consent: 'oui',
    });
    await addMember(db, secretariat, {
      fullName: 'Jean Dupont',
      role: 'conseiller',
      channel: 'postal',
      postalAddress: '3 rue des Lilas, 99999 Villebelle',
    });
    const seance = await createSeance(db, secretariat, {
      date: '2027-03-28',
      time: '18:30',
      place: 'Salle du conseil',
      kind: 'ordinaire',
    });
    const empty = await refusal(sendConvocations(db, deps('2027-03-20T10:00:00Z'), secretariat, seance.id));
    expect(empty.fields).toEqual({ form: 'Ajoutez au moins un point à l’ordre du jour avant de convoquer.' });
    await addAgendaItem(db, secretariat, seance.id, { title: 'Budget primitif 2027' });

    // 2 000 inhabitants: 3 clear days, the latest sending is 24 March (Paris): 25 March is too late.
    const late = await refusal(sendConvocations(db, deps('2027-03-24T23:30:00Z'), secretariat, seance.id));
    expect(late.status).toBe(422);
    expect(late.fields?.form).toContain('la convocation devait partir au plus tard le 24 mars 2027');
    expect(late.fields?.form).toContain('article L2121-11 du CGCT');

    const sent = await sendConvocations(db, deps('2027-03-24T20:00:00Z'), secretariat, seance.id);
    expect(sent).toEqual({ electronic: 1, postal: 1 });
    const { rows: proofs } = await t.testDb.asSuperuser<{ channel: string; sent_at: Date }>(
      'SELECT channel, sent_at FROM council_convocation WHERE seance_id = $1',
      [seance.id],
    );
    expect(proofs.map((p) => [p.channel, new Date(p.sent_at).toISOString()])).toEqual([
      ['electronique', '2027-03-24T20:00:00.000Z'],
    ]);
    const { rows: mails } = await t.testDb.asSuperuser<{ to_address: string; subject: string }>(
      "SELECT to_address, subject FROM mail_outbox WHERE template = 'councilConvocation'",
    );
    expect(mails).toEqual([
      {
        to_address: 'claire.martin@example.org',
        subject: 'Convocation au conseil municipal du 28 mars 2027 – Valbourg',
      },
    ]);
    const again = await refusal(sendConvocations(db, deps('2027-03-24T20:00:00Z'), secretariat, seance.id));
    expect(again.fields).toEqual({ form: 'Les convocations de cette séance ont déjà été envoyées.' });
    const closed = await refusal(addAgendaItem(db, secretariat, seance.id, { title: 'Questions diverses' }));
    expect(closed.status).toBe(422);

    const { rows: audit } = await t.testDb.asSuperuser<{ action: string }>(
      `SELECT action FROM audit_entry WHERE commune_id = $1 AND action LIKE 'council.%' ORDER BY seq`,
      [villebelle.id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'council.member_added',
      'council.member_added',
      'council.seance_created',
      'council.item_added',
      'council.convocations_sent',
    ]);
  });

  it('convenes in urgency with one clear day', async () => {
    const db = t.runtime.database;
    const seance = await createSeance(db, secretariat, {
      date: '2027-04-10',
      time: '09:00',
      place: 'Mairie',
      kind: 'urgence',
    });
    await addAgendaItem(db, secretariat, seance.id, { title: 'Sinistre de l’école' });
    const late = await refusal(sendConvocations(db, deps('2027-04-09T06:00:00Z'), secretariat, seance.id));
    expect(late.fields?.form).toContain('au plus tard le 8 avril 2027 (1 jour franc');
    await expect(sendConvocations(db, deps('2027-04-08T20:00:00Z'), secretariat, seance.id)).resolves.toMatchObject({
      electronic: 1,
    });
  });

  it('refuses an impossible date, a second séance too early, and an unknown séance', async () => {
    const db = t.runtime.database;
    const bad = await refusal(
      createSeance(db, secretariat, { date: '2027-02-30', time: '25:00', place: '', kind: 'x' }),
    );
    expect(Object.keys(bad.fields ?? {}).sort()).toEqual(['date', 'kind', 'place', 'time']);
    const first = await createSeance(db, secretariat, {
      date: '2027-05-10',
      time: '18:00',
      place: 'Mairie',
      kind: 'ordinaire',
    });
    const early = await refusal(
      createSeance(
        db,
        secretariat,
        { date: '2027-05-12', time: '18:00', place: 'Mairie', kind: 'ordinaire' },
        { firstSeanceId: first.id },
      ),
    );
    expect(early.fields?.date).toContain('article L2121-17 du CGCT');
    await expect(
      createSeance(
        db,
        secretariat,
        { date: '2027-05-13', time: '18:00', place: 'Mairie', kind: 'ordinaire' },
        { firstSeanceId: first.id },
      ),
    ).resolves.toMatchObject({ firstSeanceId: first.id });
  });

  it('checks the quorum per item, computes the result and numbers adopted délibérations per year', async () => {
    const db = t.runtime.database;
    const seance = await createSeance(db, secretariat, {
      date: '2027-09-20',
      time: '18:00',
      place: 'Mairie',
      kind: 'ordinaire',
    });
    const budget = await addAgendaItem(db, secretariat, seance.id, { title: 'Décision modificative' });
    const tie = await addAgendaItem(db, secretariat, seance.id, { title: 'Nom de la médiathèque' });
    const beforeConvocation = await refusal(
      recordVote(db, secretariat, budget.id, { pour: 1, contre: 0, abstentions: 0 }),
    );
    expect(beforeConvocation.status).toBe(422);
    await sendConvocations(db, deps('2027-09-01T10:00:00Z'), secretariat, seance.id);
    const { rows } = await t.testDb.asSuperuser<{ id: string; full_name: string }>(
      'SELECT id, full_name FROM council_member WHERE commune_id = $1 ORDER BY full_name',
      [villebelle.id],
    );
    const [claire, jean] = [
      rows.find((r) => r.full_name === 'Claire Martin')!.id,
      rows.find((r) => r.full_name === 'Jean Dupont')!.id,
    ];
    // 2 in office: 2 required; Jean intéressé leaves only Claire counted.
    const noQuorum = await refusal(
      recordVote(db, secretariat, budget.id, {
        present: [claire, jean],
        interested: [jean],
        pour: 1,
        contre: 0,
        abstentions: 0,
      }),
    );
    expect(noQuorum.fields?.present).toContain('1 élu présent pris en compte, 2 requis (article L2121-17 du CGCT)');
    const negative = await refusal(
      recordVote(db, secretariat, budget.id, { present: [claire, jean], pour: -1, contre: 0, abstentions: 0 }),
    );
    expect(negative.fields).toEqual({ pour: 'Le nombre de voix pour ne peut pas être négatif.' });
    const now = new Date('2027-09-20T17:00:00Z');
    await expect(
      recordVote(db, secretariat, budget.id, { present: [claire, jean], pour: 1, contre: 0, abstentions: 1 }, now),
    ).resolves.toEqual({ adopted: true, deliberationNumber: '2027-000001', quorumRequired: 2 });
    const noPresident = await refusal(
      recordVote(db, secretariat, tie.id, { present: [claire, jean], pour: 1, contre: 1, abstentions: 0 }, now),
    );
    expect(noPresident.fields?.presidentVote).toContain('voix est prépondérante');
    await expect(
      recordVote(
        db,
        secretariat,
        tie.id,
        { present: [claire, jean], pour: 1, contre: 1, abstentions: 0, presidentVote: 'pour' },
        now,
      ),
    ).resolves.toEqual({ adopted: true, deliberationNumber: '2027-000002', quorumRequired: 2 });
  });

  it('takes replies and proxies (L2121-20), the roll call, a departure that loses the quorum of an item, and counts proxies', async () => {
    const db = t.runtime.database;
    const commune = { commune: villebelle };
    // A council of four for this test (the earlier tests left two members).
    const anne = await addMember(db, secretariat, {
      fullName: 'Anne Roux',
      role: 'adjoint',
      channel: 'postal',
      postalAddress: '1 place',
    });
    const bruno = await addMember(db, secretariat, {
      fullName: 'Bruno Petit',
      role: 'conseiller',
      channel: 'postal',
      postalAddress: '2 place',
    });
    const { rows } = await t.testDb.asSuperuser<{ id: string; full_name: string }>(
      'SELECT id, full_name FROM council_member WHERE commune_id = $1',
      [villebelle.id],
    );
    const id = (name: string) => rows.find((r) => r.full_name === name)!.id;
    const [claire, jean] = [id('Claire Martin'), id('Jean Dupont')];
    const seances = [];
    for (const date of ['2027-10-04', '2027-10-11', '2027-10-18', '2027-10-25', '2027-11-02']) {
      const s = await createSeance(db, secretariat, { date, time: '18:00', place: 'Mairie', kind: 'ordinaire' });
      seances.push(s);
    }
    const [first] = seances;
    const vote1 = await addAgendaItem(db, secretariat, first!.id, { title: 'Point 1' });
    const vote2 = await addAgendaItem(db, secretariat, first!.id, { title: 'Point 2' });
    await sendConvocations(db, deps('2027-09-20T10:00:00Z'), secretariat, first!.id);

    // The secretariat records Jean's paper proxy to Anne for four séances: refused without illness.
    const four = await refusal(
      giveProxy(db, secretariat, first!.id, { memberId: jean, holderId: anne.id, seanceCount: '4' }),
    );
    expect(four.fields?.seanceCount).toBe(
      'Un même pouvoir ne peut valoir pour plus de trois séances consécutives, sauf maladie dûment constatée (article L2121-20 du CGCT).',
    );
    const proxy = await giveProxy(db, secretariat, first!.id, { memberId: jean, holderId: anne.id, seanceCount: '3' });
    // Anne holds one proxy already on the three séances: Bruno cannot give her a second one.
    const second = await refusal(giveProxy(db, secretariat, seances[2]!.id, { memberId: bruno.id, holderId: anne.id }));
    expect(second.fields?.holderId).toBe(
      'Un membre ne peut être porteur que d’un seul pouvoir (article L2121-20 du CGCT).',
    );
    // … but on the fourth séance, out of Jean's proxy, she can.
    const later = await giveProxy(db, secretariat, seances[3]!.id, { memberId: bruno.id, holderId: anne.id });
    await revokeProxy(db, secretariat, later.id);
    // A holder who announced absence is refused.
    await replyToConvocation(db, secretariat, first!.id, { memberId: bruno.id, answer: 'absent' });
    const toAbsent = await refusal(giveProxy(db, secretariat, first!.id, { memberId: claire, holderId: bruno.id }));
    expect(toAbsent.fields?.holderId).toBe('Le mandataire doit être présent à la séance.');
    // Jean gave a proxy: his reply says so and cannot be changed without revoking.
    const blocked = await refusal(
      replyToConvocation(db, secretariat, first!.id, { memberId: jean, answer: 'present' }),
    );
    expect(blocked.fields?.answer).toContain('retirez-le');
    const { rows: replies } = await t.testDb.asSuperuser<{ seance_id: string; answer: string }>(
      'SELECT seance_id, answer FROM council_reply WHERE member_id = $1 ORDER BY seance_id',
      [jean],
    );
    expect(replies.map((r) => r.answer)).toEqual(['pouvoir', 'pouvoir', 'pouvoir']);
    // An élu without a member record may not reply (404).
    const stranger = await staffMember(t, villebelle, { role: 'councillor' });
    const asStranger = { ...commune, actor: actorOf(stranger, 'councillor') };
    expect((await refusal(replyToConvocation(db, asStranger, first!.id, { answer: 'present' }))).status).toBe(404);

    // Roll call: Claire, Anne and Bruno present (3 of 4: quorum 3); Jean represented by Anne.
    const noCall = await refusal(recordVote(db, secretariat, vote1.id, { pour: 4, contre: 0, abstentions: 0 }));
    expect(noCall.fields?.form).toContain('appel des présents');
    await recordRollCall(db, secretariat, first!.id, { present: [claire, anne.id, bruno.id] });
    // Voters: three present and Jean's proxy. A count that does not add up is refused.
    const mismatch = await refusal(recordVote(db, secretariat, vote1.id, { pour: 3, contre: 0, abstentions: 0 }));
    expect(mismatch.fields?.pour).toBe(
      'Le décompte (3 voix) ne correspond pas aux votants : 4 (élus présents non intéressés et pouvoirs).',
    );
    await expect(
      recordVote(db, secretariat, vote1.id, { pour: 3, contre: 0, abstentions: 0, notVoting: 1 }),
    ).resolves.toMatchObject({ adopted: true });
    const twice = await refusal(recordVote(db, secretariat, vote1.id, { pour: 4, contre: 0, abstentions: 0 }));
    expect(twice.fields?.form).toBe('Le vote de ce point est déjà enregistré.');
    // Bruno leaves before item 2: two present, quorum lost on that item.
    const notHere = await refusal(
      recordMovement(db, secretariat, first!.id, { memberId: jean, itemId: vote2.id, kind: 'depart' }),
    );
    expect(notHere.fields?.memberId).toContain('n’est pas présent');
    await recordMovement(db, secretariat, first!.id, { memberId: bruno.id, itemId: vote2.id, kind: 'depart' });
    const lost = await refusal(recordVote(db, secretariat, vote2.id, { pour: 3, contre: 0, abstentions: 0 }));
    expect(lost.fields?.present).toContain('2 élus présents pris en compte, 3 requis');
    // Secret ballot: no casting vote.
    await recordMovement(db, secretariat, first!.id, { memberId: bruno.id, itemId: vote2.id, kind: 'arrivee' });
    const secret = await refusal(
      recordVote(db, secretariat, vote2.id, {
        ballot: 'secret',
        pour: 2,
        contre: 2,
        abstentions: 0,
        presidentVote: 'pour',
      }),
    );
    expect(secret.fields?.presidentVote).toContain('pas prépondérante');
    await expect(
      recordVote(db, secretariat, vote2.id, { ballot: 'secret', pour: 2, contre: 2, abstentions: 0 }),
    ).resolves.toMatchObject({ adopted: false, deliberationNumber: null });
    // Jean revokes nothing himself (he has no account); the secretariat revokes on paper.
    await revokeProxy(db, secretariat, proxy.id);
    expect((await refusal(revokeProxy(db, secretariat, proxy.id))).status).toBe(404);
  });

  it('hides a séance of another commune (404) and refuses non-secretariat callers (404)', async () => {
    const db = t.runtime.database;
    const seance = await createSeance(db, secretariat, {
      date: '2027-06-10',
      time: '18:00',
      place: 'Mairie',
      kind: 'ordinaire',
    });
    const otherAgent = await staffMember(t, other, { role: 'agent' });
    const foreign = { commune: other, actor: actorOf(otherAgent, 'agent') };
    expect((await refusal(addAgendaItem(db, foreign, seance.id, { title: 'Intrus' }))).status).toBe(404);
    expect((await refusal(sendConvocations(db, deps('2027-06-01T10:00:00Z'), foreign, seance.id))).status).toBe(404);
    const elu = await staffMember(t, villebelle, { role: 'councillor' });
    const asElu = { commune: villebelle, actor: actorOf(elu, 'councillor') };
    expect((await refusal(addAgendaItem(db, asElu, seance.id, { title: 'Point' }))).status).toBe(404);
  });
});

/**
 * Postal convocations (members who asked for the post and did not consent to electronic ones,
 * CGCT L2121-10): the secretariat prints the letter batch, posts it, and records the posting day;
 * each member gets a proof « envoi postal » dated that day with the SHA-256 of the letters kept in
 * the commune's blob store. The legal delay is checked on the posting day as on an e-mail.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { parisDateOf, parisInstant } from '../../../platform/time/calendar.js';
import { formatDate } from '../../../platform/views/format.js';
import { renderConvocationLetters } from '../convocation-letters.js';
import { canManageCouncil } from '../policy.js';
import { communePopulation, findSeance, insertConvocation, listConvocations, listItems, listMembers } from '../repo.js';
import { convocationClearDays, latestConvocationDate } from '../rules.js';
import type { MemberRow, SeanceRow } from '../schema.js';
import { type CouncilCaller, parseOrRefuse, refuse } from './common.js';

const UNKNOWN_POPULATION = 3_500;

/** Members convened by post who have no proof of sending yet for this séance. */
async function postalToSend(tx: Tx, communeId: string, seanceId: string): Promise<MemberRow[]> {
  const sent = new Set((await listConvocations(tx, communeId, seanceId)).map((c) => c.memberId));
  return (await listMembers(tx, communeId)).filter((m) => m.channel === 'postal' && !sent.has(m.id));
}

async function convened(tx: Tx, communeId: string, seanceId: string): Promise<SeanceRow> {
  const seance = await findSeance(tx, communeId, seanceId, true);
  if (!seance) throw notFound('council.seance_not_found');
  if (seance.status !== 'convoquee')
    throw refuse(
      'council.not_convened',
      'form',
      'Envoyez d’abord les convocations de la séance : les courriers postaux partent avec elles.',
    );
  return seance;
}

/** The letter batch to print (null when every postal member already has a proof). */
export async function postalLetters(
  database: Database,
  caller: CouncilCaller,
  seanceId: string,
  postedOn: string,
): Promise<Buffer | null> {
  if (!canManageCouncil(caller.actor)) throw notFound('council.forbidden', 'not the secretariat');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const seance = await findSeance(tx, communeId, seanceId);
    if (seance?.status !== 'convoquee') return null;
    const members = await postalToSend(tx, communeId, seanceId);
    if (members.length === 0) return null;
    return renderConvocationLetters({
      communeName: caller.commune.name,
      communeAddress: caller.commune.address ?? null,
      seance,
      items: await listItems(tx, communeId, seanceId),
      members,
      postedOn,
    });
  });
}

export const postingSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Saisissez la date de dépôt à La Poste, par exemple 24 3 2027.'),
});

export async function recordPostalConvocations(
  database: Database,
  caller: CouncilCaller,
  seanceId: string,
  input: { date?: string },
  now = new Date(),
): Promise<{ recorded: number }> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const { date } = parseOrRefuse(postingSchema, { date: '', ...input }, 'council.posting_invalid');
  const posted = parisInstant(date, 12 * 60);
  if (!posted || parisDateOf(posted) !== date)
    throw refuse('council.posting_invalid', 'date', 'Saisissez une date de dépôt réelle, par exemple 24 3 2027.');
  if (date > parisDateOf(now))
    throw refuse('council.posting_future', 'date', 'La date de dépôt ne peut pas être dans le futur.');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const seance = await convened(tx, communeId, seanceId);
    const members = await postalToSend(tx, communeId, seanceId);
    if (members.length === 0)
      throw refuse('council.postal_none', 'form', 'Aucune convocation postale n’est à envoyer pour cette séance.');
    const population = (await communePopulation(tx, communeId)) ?? UNKNOWN_POPULATION;
    const latest = latestConvocationDate(seance.seanceDate, population, seance.kind);
    if (date > latest) {
      const n = convocationClearDays(population, seance.kind);
      throw refuse(
        'council.delay_not_met',
        'date',
        `Le délai légal n’est pas respecté : pour la séance du ${formatDate(`${seance.seanceDate}T12:00:00Z`)}, les convocations devaient partir au plus tard le ${formatDate(`${latest}T12:00:00Z`)} (${n} jour${n > 1 ? 's' : ''} franc${n > 1 ? 's' : ''}, article ${population >= 3_500 ? 'L2121-12' : 'L2121-11'} du CGCT).`,
      );
    }
    const letters = await renderConvocationLetters({
      communeName: caller.commune.name,
      communeAddress: caller.commune.address ?? null,
      seance,
      items: await listItems(tx, communeId, seanceId),
      members,
      postedOn: date,
    });
    const sha256 = await tx.blobs.put({ communeId }, letters);
    for (const member of members)
      await insertConvocation(tx, {
        communeId,
        seanceId,
        memberId: member.id,
        channel: 'postal',
        sentAt: posted,
        recordedBy: actor.accountId,
        letterSha256: sha256,
      });
    await recordAudit(tx, {
      action: 'council.postal_convocations_recorded',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_seance',
      targetId: seanceId,
      data: { postedOn: date, members: members.length, sha256 },
      requestId: caller.httpRequestId ?? null,
    });
    return { recorded: members.length };
  });
}

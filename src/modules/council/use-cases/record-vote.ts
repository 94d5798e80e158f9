/**
 * Records the attendance of a séance and the vote of an item: the quorum is checked at the
 * opening of the item (CGCT L2121-17), the result computed (L2121-20/21), and an adopted item
 * takes the next délibération number of the commune and year.
 */
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { nextNumber } from '../../../platform/db/counters.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { canManageCouncil } from '../policy.js';
import { findItem, findSeance, listMembers, listVotes } from '../repo.js';
import { quorum, usableProxies, voteResult } from '../rules.js';
import { loadSeanceState, presentFor } from './attendance.js';
import { type CouncilCaller, parseOrRefuse, refuse } from './common.js';

const count = (label: string) =>
  z.coerce
    .number({ message: `Saisissez le nombre de voix ${label}.` })
    .int(`Le nombre de voix ${label} est un nombre entier.`)
    .min(0, `Le nombre de voix ${label} ne peut pas être négatif.`);

export const voteSchema = z.object({
  present: z.array(z.uuid()),
  interested: z.array(z.uuid()),
  ballot: z.enum(['public', 'secret'], { message: 'Choisissez le mode de scrutin.' }),
  pour: count('pour'),
  contre: count('contre'),
  abstentions: count('d’abstention'),
  blancs: count('blanches'),
  notVoting: count('des élus qui ne prennent pas part au vote'),
  presidentVote: z.enum(['pour', 'contre', '']),
});

export interface VoteOutcome {
  adopted: boolean;
  deliberationNumber: string | null;
  quorumRequired: number;
}

export async function recordVote(
  database: Database,
  caller: CouncilCaller,
  itemId: string,
  input: Partial<z.input<typeof voteSchema>>,
  now = new Date(),
): Promise<VoteOutcome> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const v = parseOrRefuse(
    voteSchema,
    { present: [], interested: [], ballot: 'public', blancs: 0, notVoting: 0, presidentVote: '', ...input },
    'council.vote_invalid',
  );
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const item = await findItem(tx, communeId, itemId);
    if (!item) throw notFound('council.item_not_found');
    if (item.nomination)
      throw refuse(
        'council.nomination_item',
        'form',
        'Ce point est une nomination : enregistrez chaque tour de scrutin secret (article L2121-21 du CGCT).',
      );
    const seance = await findSeance(tx, communeId, item.seanceId, true);
    if (!seance) throw notFound('council.seance_not_found');
    if (seance.status !== 'convoquee' && seance.status !== 'tenue')
      throw refuse(
        'council.not_convened',
        'form',
        'Cette séance n’a pas été convoquée : aucun vote ne peut y être enregistré.',
      );
    const members = new Set((await listMembers(tx, communeId)).map((m) => m.id));
    // Without an explicit list, the presence comes from the roll call and the movements.
    const state = await loadSeanceState(tx, communeId, item.seanceId);
    if (input.present === undefined) {
      if (!state?.opening)
        throw refuse('council.no_roll_call', 'form', 'Faites d’abord l’appel des présents à l’ouverture de la séance.');
      v.present = presentFor(state, item);
    }
    if ([...v.present, ...v.interested].some((id) => !members.has(id)))
      throw refuse('council.unknown_member', 'present', 'Choisissez les élus parmi les membres en exercice.');
    const q = quorum({
      membersInOffice: members.size,
      present: v.present,
      interested: v.interested,
      secondConvocation: seance.firstSeanceId !== null,
    });
    if (!q.reached)
      throw refuse(
        'council.no_quorum',
        'present',
        `Le quorum n’est pas atteint pour ce point : ${q.counted} élu${q.counted > 1 ? 's' : ''} présent${q.counted > 1 ? 's' : ''} pris en compte, ${q.required} requis (article L2121-17 du CGCT). Le conseil devra être convoqué à nouveau, trois jours au moins plus tard.`,
      );
    if ((await listVotes(tx, communeId, [itemId])).length)
      throw refuse('council.already_voted', 'form', 'Le vote de ce point est déjà enregistré.');
    const proxies = usableProxies(state?.proxies ?? [], v.present, v.interested);
    const voters = v.present.filter((id) => !v.interested.includes(id)).length + proxies.length;
    const cast = v.pour + v.contre + v.abstentions + v.blancs + v.notVoting;
    if (cast !== voters)
      throw refuse(
        'council.count_mismatch',
        'pour',
        `Le décompte (${cast} voix) ne correspond pas aux votants : ${voters} (élus présents non intéressés et pouvoirs).`,
      );
    if (v.ballot === 'secret' && v.presidentVote)
      throw refuse(
        'council.secret_president',
        'presidentVote',
        'Au scrutin secret, la voix du président n’est pas prépondérante : laissez ce choix vide.',
      );
    const result = voteResult(v, v.ballot, v.presidentVote || null);
    if (result.tie && v.ballot === 'public' && !result.presidentDecided)
      throw refuse(
        'council.tie_president',
        'presidentVote',
        'Partage des voix : indiquez le vote du président, dont la voix est prépondérante.',
      );
    const number = result.adopted ? await nextNumber(tx, 'deliberation', now) : null;
    await tx.client.query(
      `INSERT INTO council_vote (id, commune_id, item_id, present_count, quorum_required, interested_ids, ballot,
         pour, contre, abstentions, blancs, president_vote, adopted, deliberation_number, recorded_by, not_voting)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        uuidv7(),
        communeId,
        itemId,
        q.counted,
        q.required,
        v.interested,
        v.ballot,
        v.pour,
        v.contre,
        v.abstentions,
        v.blancs,
        v.presidentVote || null,
        result.adopted,
        number,
        actor.accountId,
        v.notVoting,
      ],
    );
    await recordAudit(tx, {
      action: 'council.vote_recorded',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_item',
      targetId: itemId,
      data: { adopted: result.adopted, number, pour: v.pour, contre: v.contre, ballot: v.ballot },
      requestId: caller.httpRequestId ?? null,
    });
    return { adopted: result.adopted, deliberationNumber: number, quorumRequired: q.required };
  });
}

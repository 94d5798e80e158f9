/**
 * Sends the convocations of a séance (CGCT L2121-10 to L2121-12): refused once the legal delay in
 * jours francs can no longer be met; each member in office gets a timestamped proof, and the
 * electronic ones a mail through the platform outbox. Postal members are recorded with the
 * posting date by the secretariat (postal-convocations.ts).
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { queueMail } from '../../../platform/mail/outbox.js';
import { hashToken, newToken } from '../../../platform/tokens.js';
import { formatDate } from '../../../platform/views/format.js';
import { COUNCIL_MAILS } from '../mail-templates.js';
import { canManageCouncil } from '../policy.js';
import { communePopulation, findSeance, insertConvocation, listItems, listMembers, setSeanceStatus } from '../repo.js';
import { convocationClearDays, convocationInTime, latestConvocationDate } from '../rules.js';
import { seanceIcs } from '../seance-ics.js';
import { type CouncilCaller, type CouncilDeps, refuse } from './common.js';

/** When the population is unknown, the longer delay (5 clear days) applies: the cautious reading. */
const UNKNOWN_POPULATION = 3_500;

export async function sendConvocations(
  database: Database,
  deps: CouncilDeps,
  caller: CouncilCaller,
  seanceId: string,
): Promise<{ electronic: number; postal: number }> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const communeId = caller.commune.id;
  const now = deps.now?.() ?? new Date();
  return withTenant(database, communeId, async (tx) => {
    const seance = await findSeance(tx, communeId, seanceId, true);
    if (!seance) throw notFound('council.seance_not_found');
    if (seance.status !== 'preparation')
      throw refuse('council.already_convened', 'form', 'Les convocations de cette séance ont déjà été envoyées.');
    const items = await listItems(tx, communeId, seanceId);
    if (items.length === 0)
      throw refuse('council.agenda_empty', 'form', 'Ajoutez au moins un point à l’ordre du jour avant de convoquer.');
    const population = (await communePopulation(tx, communeId)) ?? UNKNOWN_POPULATION;
    if (!convocationInTime(now, seance.seanceDate, population, seance.kind)) {
      const n = convocationClearDays(population, seance.kind);
      const article = population >= 3_500 ? 'L2121-12' : 'L2121-11';
      throw refuse(
        'council.delay_not_met',
        'form',
        `Le délai légal n’est plus respecté : pour une séance ${seance.kind === 'urgence' ? 'convoquée en urgence' : 'ordinaire'} le ${formatDate(seance.seanceDate)}, la convocation devait partir au plus tard le ${formatDate(latestConvocationDate(seance.seanceDate, population, seance.kind))} (${n} jour${n > 1 ? 's' : ''} franc${n > 1 ? 's' : ''}, article ${article} du CGCT). Déplacez la séance${seance.kind === 'urgence' ? '.' : ' ou convoquez-la en urgence.'}`,
      );
    }
    const members = await listMembers(tx, communeId);
    // The séance's calendar file, attached to every electronic convocation.
    const ics = seanceIcs({
      seance,
      items,
      communeName: caller.commune.name,
      publicUrl: deps.publicUrl,
      communeSlug: caller.commune.slug,
    });
    const icsSha = await tx.blobs.put({ communeId }, Buffer.from(ics, 'utf8'));
    let electronic = 0;
    let postal = 0;
    for (const member of members) {
      if (member.channel === 'electronique' && member.email) {
        // Each recipient's link carries a token of its own: its first use proves the opening.
        const token = newToken();
        await insertConvocation(tx, {
          communeId,
          seanceId,
          memberId: member.id,
          channel: 'electronique',
          sentAt: now,
          recordedBy: actor.accountId,
          openTokenHash: hashToken(token),
        });
        await queueMail(tx, deps.queue, {
          to: member.email,
          template: COUNCIL_MAILS.convocation,
          variables: {
            communeName: caller.commune.name,
            memberName: member.fullName,
            seanceDate: formatDate(seance.seanceDate),
            seanceTime: seance.seanceTime.replace(':', ' h '),
            place: seance.place,
            agenda: items.map((i) => i.title),
            urgency: seance.kind === 'urgence',
            link: `${deps.publicUrl}/c/${caller.commune.slug}/conseil/convocations/${token}`,
          },
          attachments: [{ sha256: icsSha, name: 'seance.ics', mimeType: 'text/calendar' }],
        });
        electronic += 1;
      } else postal += 1;
    }
    await setSeanceStatus(tx, communeId, seanceId, 'convoquee');
    await recordAudit(tx, {
      action: 'council.convocations_sent',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_seance',
      targetId: seanceId,
      data: { sentAt: now.toISOString(), electronic, postal, seanceDate: seance.seanceDate },
      requestId: caller.httpRequestId ?? null,
    });
    return { electronic, postal };
  });
}

/**
 * The @ctes transmission package of a signed délibération (decision 0055), for the commune's tiers
 * de télétransmission: the signed PDF with its ACTES message and transport envelope, in the
 * archive the convention names (actes.ts). The envelope's number (the commune's yearly counter)
 * and date are taken at the first preparation and kept: every later download gives the same
 * names. Refused, with what is missing, while the commune's @ctes settings or the item's matière
 * are not known, or the délibération is not signed.
 */
import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { nextValue } from '../../../platform/db/counters.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { actesTransmission, type TransmissionPackage } from '../actes.js';
import { findDeliberation } from '../deliberation-file.js';
import { canManageCouncil } from '../policy.js';
import { findSetting } from '../repo.js';
import { councilVote } from '../schema.js';
import { missingActesSettings } from './actes-settings.js';
import { type CouncilCaller, refuse } from './common.js';

/** « a », « a et b », « a, b et c ». */
export function frenchList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} et ${items.at(-1)}`;
}

export async function prepareActesPackage(
  database: Database,
  caller: CouncilCaller,
  itemId: string,
  now = new Date(),
): Promise<TransmissionPackage> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const d = await findDeliberation(tx, communeId, itemId);
    if (!d) throw notFound('council.deliberation_not_found');
    const number = d.vote.deliberationNumber!;
    if (!d.vote.signedSha256)
      throw refuse(
        'council.actes_unsigned',
        'form',
        `La délibération n° ${number} doit d’abord être signée par le maire dans le parapheur : le paquet @ctes transmet l’acte signé.`,
      );
    const setting = await findSetting(tx, communeId);
    const missing = missingActesSettings(setting);
    if (!d.item.matiereCode)
      missing.push('la matière de la délibération (nomenclature ACTES, choisie à la publication)');
    if (missing.length > 0)
      throw refuse(
        'council.actes_settings_missing',
        'form',
        `Le paquet @ctes de la délibération n° ${number} ne peut pas être préparé : il manque ${frenchList(missing)}. Un administrateur de la commune les saisit dans Administration › Télétransmission @ctes.`,
      );
    let envelopeNumber = d.vote.actesEnvelopeNumber;
    let preparedAt = d.vote.actesPreparedAt;
    if (envelopeNumber === null || preparedAt === null) {
      envelopeNumber = await nextValue(tx, 'council.actes-envelope', now);
      if (envelopeNumber > 9999)
        throw refuse(
          'council.actes_envelopes_exhausted',
          'form',
          'La commune a préparé 9 999 paquets @ctes cette année : le protocole n’en numérote pas davantage.',
        );
      preparedAt = now;
      await tx.db
        .update(councilVote)
        .set({ actesEnvelopeNumber: envelopeNumber, actesPreparedAt: now, actesPreparedBy: actor.accountId })
        .where(and(eq(councilVote.communeId, communeId), eq(councilVote.id, d.vote.id)));
      await recordAudit(tx, {
        action: 'council.actes_package_prepared',
        actorType: 'agent',
        actorId: actor.accountId,
        targetType: 'council_item',
        targetId: itemId,
        data: { number, envelopeNumber, preparedAt: now.toISOString() },
        requestId: caller.httpRequestId ?? null,
      });
    }
    const act = await tx.blobs.get({ communeId }, d.vote.signedSha256);
    const s = setting!;
    try {
      return actesTransmission({
        departement: s.actesDepartement!,
        siren: s.actesSiren!,
        date: d.seance.seanceDate,
        number,
        matiere: d.item.matiereCode!,
        objet: d.item.title,
        classificationDate: s.actesClassificationDate!,
        emitter: {
          departement: s.actesDepartement!,
          arrondissement: s.actesArrondissement!,
          siren: s.actesSiren!,
          nature: s.actesNature!,
          returnEmails: [s.actesReturnEmail!],
        },
        envelopeDate: parisDateOf(preparedAt),
        envelopeNumber,
        act,
        preparedAt,
      });
    } catch (error) {
      throw refuse(
        'council.actes_invalid',
        'form',
        `Le paquet @ctes de la délibération n° ${number} ne respecte pas le protocole ACTES : ${(error as Error).message}.`,
      );
    }
  });
}

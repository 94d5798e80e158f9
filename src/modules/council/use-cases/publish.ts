/**
 * Puts acts online on the commune's public page (CGCT L2131-1 since 1 July 2022: publication in
 * electronic form makes the act enforceable from that date): a numbered délibération — its signed
 * PDF once the parapheur sent it back, else the generated one — and the procès-verbal of a séance
 * (L2121-15) once arrêté at a later séance (minutes.ts). The published PDF is kept as it was put online (its SHA-256 in the commune's blob
 * store) with the date; it is never regenerated afterwards.
 */
import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { currentDeliberationPdf, findDeliberation } from '../deliberation-file.js';
import { canManageCouncil } from '../policy.js';
import { findSeance, setItemMatiere } from '../repo.js';
import { matiereName } from '../scdl.js';
import { councilSeance, councilVote } from '../schema.js';
import { type CouncilCaller, refuse } from './common.js';
import { minutesPdf } from './minutes.js';

export async function publishDeliberation(
  database: Database,
  caller: CouncilCaller,
  itemId: string,
  input: { matiere?: string } = {},
  now = new Date(),
): Promise<{ number: string; sha256: string }> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const d = await findDeliberation(tx, communeId, itemId);
    if (!d) throw notFound('council.deliberation_not_found');
    if (d.vote.publishedAt) throw refuse('council.already_published', 'form', 'Cette délibération est déjà publiée.');
    if (d.vote.signatureFolderId && !d.vote.signedAt)
      throw refuse(
        'council.awaiting_signature',
        'form',
        `Cette délibération attend la signature du maire dans le parapheur (dossier n° ${d.vote.signatureFolderNumber}) : publiez-la une fois signée.`,
      );
    // The open-data file needs the ACTES matière of every published délibération.
    if (!d.item.matiereCode) {
      const code = (input.matiere ?? '').trim();
      if (!matiereName(code))
        throw refuse(
          'council.matiere_missing',
          'matiere',
          'Choisissez la matière de la délibération dans la nomenclature ACTES.',
        );
      await setItemMatiere(tx, communeId, itemId, code);
    }
    const pdf = await currentDeliberationPdf(tx, communeId, caller.commune.name, d);
    const sha256 = await tx.blobs.put({ communeId }, pdf);
    await tx.db
      .update(councilVote)
      .set({ publishedAt: now, publishedSha256: sha256, publishedBy: actor.accountId })
      .where(and(eq(councilVote.communeId, communeId), eq(councilVote.id, d.vote.id)));
    await recordAudit(tx, {
      action: 'council.deliberation_published',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_item',
      targetId: itemId,
      data: { number: d.vote.deliberationNumber, publishedAt: now.toISOString(), sha256, signed: !!d.vote.signedAt },
      requestId: caller.httpRequestId ?? null,
    });
    return { number: d.vote.deliberationNumber!, sha256 };
  });
}

export async function publishMinutes(
  database: Database,
  caller: CouncilCaller,
  seanceId: string,
  now = new Date(),
): Promise<{ sha256: string }> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const seance = await findSeance(tx, communeId, seanceId, true);
    if (!seance) throw notFound('council.seance_not_found');
    if (seance.pvPublishedAt)
      throw refuse('council.pv_already_published', 'form', 'Le procès-verbal de cette séance est déjà publié.');
    if (!seance.pvAdoptedAt)
      throw refuse(
        'council.pv_not_adopted',
        'form',
        'Le procès-verbal doit d’abord être arrêté au commencement d’une séance suivante (article L2121-15 du CGCT).',
      );
    const { pdf } = await minutesPdf(tx, communeId, caller.commune.name, seance);
    const sha256 = await tx.blobs.put({ communeId }, pdf);
    await tx.db
      .update(councilSeance)
      .set({ pvPublishedAt: now, pvSha256: sha256, pvPublishedBy: actor.accountId })
      .where(and(eq(councilSeance.communeId, communeId), eq(councilSeance.id, seanceId)));
    await recordAudit(tx, {
      action: 'council.pv_published',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_seance',
      targetId: seanceId,
      data: { publishedAt: now.toISOString(), sha256, seanceDate: seance.seanceDate },
      requestId: caller.httpRequestId ?? null,
    });
    return { sha256 };
  });
}

/**
 * The délibération goes to the maire's signature through the parapheur's front door
 * (`startCircuit`, circuit « Délibération » of the commune: the DGS's visa, then the maire's
 * signature). The parapheur tells when it is over by its events: on `signature.circuit.completed`
 * the signed PDF is kept in the commune's blob store and the délibération shows as signed; on
 * `signature.circuit.refused` the reason is kept and it may be sent again.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import type { DomainEvent } from '../../../platform/events/index.js';
import { signedDocument, startCircuit } from '../../signature/index.js';
import { findDeliberation, generatedDeliberationPdf } from '../deliberation-file.js';
import { canManageCouncil } from '../policy.js';
import { councilVote } from '../schema.js';
import { type CouncilCaller, refuse } from './common.js';

/** The reference the council gives the parapheur: `council:<délibération number>` comes back in events. */
export const SIGNATURE_REFERENCE_PREFIX = 'council:';

export async function sendDeliberationForSignature(
  ctx: AppContext,
  caller: CouncilCaller,
  itemId: string,
  now = new Date(),
): Promise<{ folderNumber: string }> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const communeId = caller.commune.id;
  const prepared = await withTenant(ctx.database, communeId, async (tx) => {
    const d = await findDeliberation(tx, communeId, itemId);
    if (!d) throw notFound('council.deliberation_not_found');
    if (d.vote.signedAt)
      throw refuse('council.already_signed', 'form', 'Cette délibération est déjà signée par le maire.');
    if (d.vote.signatureFolderId)
      throw refuse(
        'council.already_in_parapheur',
        'form',
        `Cette délibération est déjà dans le parapheur (dossier n° ${d.vote.signatureFolderNumber}).`,
      );
    return { d, pdf: await generatedDeliberationPdf(tx, communeId, caller.commune.name, d) };
  });
  const { d, pdf } = prepared;
  const folder = await startCircuit(ctx, {
    communeId,
    module: 'council',
    reference: d.vote.deliberationNumber!,
    requestedBy: actor,
    requestId: caller.httpRequestId ?? null,
    title: `Délibération n° ${d.vote.deliberationNumber} – ${d.item.title}`.slice(0, 200),
    documentType: 'deliberation',
    documents: [{ name: `deliberation-${d.vote.deliberationNumber}.pdf`, mimeType: 'application/pdf', content: pdf }],
  });
  await withTenant(ctx.database, communeId, async (tx) => {
    await tx.db
      .update(councilVote)
      .set({
        signatureFolderId: folder.folderId,
        signatureFolderNumber: folder.number,
        sentForSignatureAt: now,
        signatureRefusal: null,
      })
      .where(and(eq(councilVote.communeId, communeId), eq(councilVote.id, d.vote.id)));
    await recordAudit(tx, {
      action: 'council.deliberation_sent_for_signature',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_item',
      targetId: itemId,
      data: { number: d.vote.deliberationNumber, folder: folder.number },
      requestId: caller.httpRequestId ?? null,
    });
  });
  return { folderNumber: folder.number };
}

type CircuitEvent = DomainEvent<'signature.circuit.completed'> | DomainEvent<'signature.circuit.refused'>;

function ours(event: CircuitEvent): boolean {
  return event.data.source === 'module' && (event.data.sourceReference ?? '').startsWith(SIGNATURE_REFERENCE_PREFIX);
}

/** The circuit ended with the maire's signature: keeps the signed PDF (idempotent: once per folder). */
export async function deliberationSigned(
  ctx: AppContext,
  event: DomainEvent<'signature.circuit.completed'>,
): Promise<void> {
  if (!ours(event)) return;
  const { communeId } = event;
  const signed = await signedDocument(ctx, communeId, event.data.folderId);
  await withTenant(ctx.database, communeId, async (tx) => {
    const sha256 = await tx.blobs.put({ communeId }, signed);
    const updated = await settleAwaitingSignature(tx, communeId, event.data.folderId, {
      signedAt: new Date(event.occurredAt),
      signedSha256: sha256,
    });
    if (!updated[0]) return;
    await recordAudit(tx, {
      action: 'council.deliberation_signed',
      actorType: 'system',
      actorId: null,
      targetType: 'council_item',
      targetId: updated[0].itemId,
      data: { number: updated[0].number, folder: event.data.number, sha256 },
      requestId: null,
    });
  });
}

/** The circuit was refused: the reason is shown and the délibération may be sent again. */
export async function deliberationRefused(
  ctx: AppContext,
  event: DomainEvent<'signature.circuit.refused'>,
): Promise<void> {
  if (!ours(event)) return;
  const { communeId } = event;
  await withTenant(ctx.database, communeId, async (tx) => {
    const updated = await settleAwaitingSignature(tx, communeId, event.data.folderId, {
      signatureFolderId: null,
      signatureRefusal: event.data.reason.slice(0, 2000),
    });
    if (!updated[0]) return;
    await recordAudit(tx, {
      action: 'council.deliberation_signature_refused',
      actorType: 'system',
      actorId: null,
      targetType: 'council_item',
      targetId: updated[0].itemId,
      data: { number: updated[0].number, folder: event.data.number },
      requestId: null,
    });
  });
}

/** Updates the délibération still waiting for this parapheur folder (none once settled: replays change nothing). */
function settleAwaitingSignature(
  tx: Tx,
  communeId: string,
  folderId: string,
  values: Partial<typeof councilVote.$inferInsert>,
) {
  return tx.db
    .update(councilVote)
    .set(values)
    .where(
      and(
        eq(councilVote.communeId, communeId),
        eq(councilVote.signatureFolderId, folderId),
        isNull(councilVote.signedAt),
      ),
    )
    .returning({ itemId: councilVote.itemId, number: councilVote.deliberationNumber });
}

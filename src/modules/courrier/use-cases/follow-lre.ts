/**
 * Follows the electronic registered letters not yet settled: asks the provider for their status,
 * fetches every new proof (receipt, refusal, negligence) and files it with the mail (blob store),
 * with a line in the mail's history. Run by a scheduled job every 30 minutes, for every commune,
 * and at once for one commune when an agent asks for it from the mail's page (a proof awaited).
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withInstance, withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import type { JobDefinition } from '../../../platform/jobs/queue.js';
import { listCommunes } from '../../../platform/tenancy/communes.js';
import { lreProviderOf } from '../lre/configured.js';
import type { LreProvider } from '../lre/provider.js';
import { LreUnavailableError } from '../lre/provider.js';
import { addHistory, findOutgoing, insertLreProof, listLreProofs, listLreSends, updateLreSend } from '../repo.js';
import type { LreProofKind, LreSend } from '../schema.js';
import { type Caller, fieldError, OUTGOING_NOT_FOUND, processableMail } from './common.js';

const PROOF_TEXT = {
  reception: 'preuve de réception',
  refus: 'preuve de refus',
  non_reclame: 'preuve de non-réclamation',
  depot: 'preuve de dépôt',
} as const;

const STATUS_TEXT = {
  notifie: 'notifiée au destinataire',
  accepte: 'acceptée par le destinataire',
  refuse: 'refusée par le destinataire',
  non_reclame: 'non réclamée dans les 15 jours',
  depose: 'déposée',
} as const;

export async function followLreSends(ctx: AppContext, communeId: string, provider: LreProvider): Promise<number> {
  const pending = await withTenant(ctx.database, communeId, async (tx) => {
    const { rows } = await tx.client.query<{ id: string }>(
      `SELECT id FROM courrier_lre_send WHERE commune_id = $1 AND provider = $2 AND status IN ('depose', 'notifie')`,
      [communeId, provider.name],
    );
    return rows.map((r) => r.id);
  });
  let changed = 0;
  for (const sendId of pending) {
    const send = await withTenant(ctx.database, communeId, async (tx) => {
      const { rows } = await tx.client.query<{
        id: string;
        external_id: string;
        status: LreSend['status'];
        outgoing_id: string;
      }>('SELECT id, external_id, status, outgoing_id FROM courrier_lre_send WHERE commune_id = $1 AND id = $2', [
        communeId,
        sendId,
      ]);
      return rows[0];
    });
    if (!send) continue;
    let state: Awaited<ReturnType<LreProvider['status']>>;
    try {
      state = await provider.status(send.external_id);
    } catch (error) {
      if (error instanceof LreUnavailableError) {
        ctx.logger.warn({ err: error.message }, 'prestataire LRE injoignable : suivi reporté');
        return changed;
      }
      throw error;
    }
    const known = await withTenant(ctx.database, communeId, async (tx) =>
      (await listLreProofs(tx, communeId, [send.id])).map((p) => p.kind),
    );
    const fresh = state.proofs.filter((k) => !known.includes(k));
    const files: Array<{ kind: LreProofKind; content: Buffer }> = [];
    for (const kind of fresh) files.push({ kind, content: await provider.proof(send.external_id, kind) });
    if (fresh.length === 0 && state.status === send.status) continue;
    changed++;
    await withTenant(ctx.database, communeId, async (tx) => {
      await updateLreSend(tx, communeId, send.id, { status: state.status });
      for (const f of files) {
        const sha256 = await tx.blobs.put({ communeId }, f.content);
        await insertLreProof(tx, { communeId, sendId: send.id, kind: f.kind, name: `preuve-${f.kind}.pdf`, sha256 });
      }
      const reply = await findOutgoing(tx, communeId, send.outgoing_id);
      if (reply?.mailId) {
        await addHistory(tx, communeId, reply.mailId, {
          actorId: null,
          kind: 'lre',
          text: `Lettre recommandée électronique ${send.external_id} ${STATUS_TEXT[state.status]}${
            files.length ? ` ; ${files.map((f) => PROOF_TEXT[f.kind]).join(', ')} classée avec le courrier` : ''
          }.`,
        });
      }
    });
  }
  return changed;
}

export const LRE_FOLLOW_JOB = 'courrier.lre-follow';

const followSchema = z.object({ communeId: z.string().uuid().optional() });

export function lreFollowJob(ctx: AppContext): JobDefinition<typeof followSchema> {
  return {
    name: LRE_FOLLOW_JOB,
    // Scheduled: every commune; asked from a mail's page: that commune only.
    schema: followSchema,
    schedule: { cron: '*/30 * * * *', data: {} },
    retryLimit: 1,
    async run(data) {
      const provider = lreProviderOf(ctx);
      if (!provider) return;
      const communes = data.communeId
        ? [data.communeId]
        : (await withInstance(ctx.database, (tx) => listCommunes(tx))).map((c) => c.id);
      for (const communeId of communes) await followLreSends(ctx, communeId, provider);
    },
  };
}

/**
 * An agent asks for the status of a reply's registered letters now rather than at the next round
 * (the proof of receipt awaited): the follow job is queued for the commune; the mail's page shows
 * what it brings back. 409 when no sending of the reply is still awaiting its outcome.
 */
export async function requestLreFollow(
  ctx: AppContext,
  caller: Caller,
  mailId: string,
  replyId: string,
): Promise<void> {
  await withTenant(ctx.database, caller.communeId, async (tx) => {
    const { mail } = await processableMail(tx, caller, mailId);
    const reply = isUuid(replyId) ? await findOutgoing(tx, caller.communeId, replyId) : undefined;
    if (!reply || reply.mailId !== mail.id) throw OUTGOING_NOT_FOUND();
    const pending = (await listLreSends(tx, caller.communeId, [reply.id])).filter(
      (s) => s.status === 'depose' || s.status === 'notifie',
    );
    if (pending.length === 0) {
      throw fieldError('reponse', 'Aucune lettre recommandée électronique de cette réponse n’attend de suite.', 409);
    }
    await ctx.queue.enqueue(tx, LRE_FOLLOW_JOB, { communeId: caller.communeId });
  });
}

/**
 * The procès-verbal of a séance (CGCT L2121-15, as amended from 1 July 2022; decision 0055): drafted
 * by the secretariat for the secretary of séance — the secretary named, the substance of the
 * debates in free text — then **arrêté** at the start of a later séance (recorded with that
 * séance), after which it no longer changes and is published (publish.ts) within the week.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { renderMinutesPdf } from '../minutes-pdf.js';
import { canManageCouncil } from '../policy.js';
import { findSeance, listVotes } from '../repo.js';
import { minutesAdoptableAt } from '../rules.js';
import { councilSeance, type SeanceRow } from '../schema.js';
import { loadSeanceState } from './attendance.js';
import { type CouncilCaller, parseOrRefuse, refuse } from './common.js';

export const DEBATES_MAX = 20_000;

const draftSchema = z.object({
  secretaryId: z.string(),
  debates: z
    .string()
    .transform((v) => v.replace(/\r\n/g, '\n').trim())
    .pipe(z.string().max(DEBATES_MAX, `La teneur des débats ne peut dépasser ${DEBATES_MAX} caractères.`)),
});

const ALREADY_ADOPTED = 'Le procès-verbal est arrêté : il ne peut plus être modifié.';

/** The minutes of a séance as a PDF, from its facts (the draft, or the arrêté version). */
export async function minutesPdf(tx: Tx, communeId: string, communeName: string, seance: SeanceRow) {
  const state = (await loadSeanceState(tx, communeId, seance.id))!;
  const votes = await listVotes(
    tx,
    communeId,
    state.items.map((i) => i.id),
  );
  const complete = !!state.opening && state.items.length > 0 && votes.length >= state.items.length;
  const adopted = seance.pvAdoptedSeanceId ? await findSeance(tx, communeId, seance.pvAdoptedSeanceId) : undefined;
  const pdf = await renderMinutesPdf({
    communeName,
    seance,
    members: state.members,
    opening: state.opening ?? [],
    proxies: state.proxies,
    items: state.items,
    votes: new Map(votes.map((v) => [v.itemId, v])),
    adoptedAt: adopted ? { seanceDate: adopted.seanceDate } : null,
  });
  return { pdf, complete };
}

export async function saveMinutesDraft(
  database: Database,
  caller: CouncilCaller,
  seanceId: string,
  input: { secretaryId?: string; debates?: string },
  now = new Date(),
): Promise<void> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const v = parseOrRefuse(draftSchema, { secretaryId: '', debates: '', ...input }, 'council.pv_draft_invalid');
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    const seance = await findSeance(tx, communeId, seanceId, true);
    if (!seance) throw notFound('council.seance_not_found');
    if (seance.pvAdoptedAt) throw refuse('council.pv_adopted', 'form', ALREADY_ADOPTED);
    const state = (await loadSeanceState(tx, communeId, seanceId))!;
    if (v.secretaryId && !state.members.some((m) => m.id === v.secretaryId))
      throw refuse('council.pv_draft_invalid', 'secretaryId', 'Choisissez le secrétaire de séance parmi les élus.');
    await tx.db
      .update(councilSeance)
      .set({ pvSecretaryId: v.secretaryId || null, pvDebates: v.debates || null, pvDraftUpdatedAt: now })
      .where(and(eq(councilSeance.communeId, communeId), eq(councilSeance.id, seanceId)));
    await recordAudit(tx, {
      action: 'council.pv_draft_saved',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_seance',
      targetId: seanceId,
      data: { secretaryId: v.secretaryId || null, debatesLength: v.debates.length },
      requestId: caller.httpRequestId ?? null,
    });
  });
}

/** The séances at which a séance's procès-verbal may be arrêté: the later ones convened or held. */
export function adoptionCandidates(seance: SeanceRow, seances: readonly SeanceRow[]): SeanceRow[] {
  return seances.filter(
    (s) => s.id !== seance.id && (s.status === 'convoquee' || s.status === 'tenue') && minutesAdoptableAt(seance, s),
  );
}

export async function adoptMinutes(
  database: Database,
  caller: CouncilCaller,
  seanceId: string,
  input: { adoptedSeanceId?: string },
  now = new Date(),
): Promise<void> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    const seance = await findSeance(tx, communeId, seanceId, true);
    if (!seance) throw notFound('council.seance_not_found');
    if (seance.pvAdoptedAt) throw refuse('council.pv_adopted', 'form', ALREADY_ADOPTED);
    const { complete } = await minutesPdf(tx, communeId, caller.commune.name, seance);
    if (!complete)
      throw refuse(
        'council.pv_incomplete',
        'form',
        'Le procès-verbal ne peut être arrêté qu’une fois l’appel fait et le vote de chaque point enregistré.',
      );
    const missing = [
      ...(seance.pvSecretaryId ? [] : ['le secrétaire de séance']),
      ...(seance.pvDebates ? [] : ['la teneur des débats']),
    ];
    if (missing.length)
      throw refuse(
        'council.pv_draft_incomplete',
        'form',
        `Avant de l’arrêter, complétez le projet de procès-verbal : ${missing.join(' et ')} (article L2121-15 du CGCT).`,
      );
    const later = input.adoptedSeanceId ? await findSeance(tx, communeId, input.adoptedSeanceId) : undefined;
    if (!later || !adoptionCandidates(seance, [later]).length)
      throw refuse(
        'council.pv_adoption_seance',
        'adoptedSeanceId',
        'Choisissez la séance suivante, convoquée ou tenue, au commencement de laquelle le procès-verbal a été arrêté.',
      );
    await tx.db
      .update(councilSeance)
      .set({ pvAdoptedAt: now, pvAdoptedSeanceId: later.id, pvAdoptedBy: actor.accountId })
      .where(and(eq(councilSeance.communeId, communeId), eq(councilSeance.id, seanceId)));
    await recordAudit(tx, {
      action: 'council.pv_adopted',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_seance',
      targetId: seanceId,
      data: { adoptedAtSeance: later.id, adoptedAtSeanceDate: later.seanceDate, at: now.toISOString() },
      requestId: caller.httpRequestId ?? null,
    });
  });
}

/** The draft PDF the secretariat proofreads (null for an unknown séance). */
export async function minutesDraftPdf(database: Database, caller: CouncilCaller, seanceId: string) {
  if (!canManageCouncil(caller.actor)) return null;
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const seance = await findSeance(tx, communeId, seanceId);
    if (!seance) return null;
    return (await minutesPdf(tx, communeId, caller.commune.name, seance)).pdf;
  });
}

/** Creates a séance of the council with its agenda: zod → policy → transaction → audit. */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { canManageCouncil } from '../policy.js';
import { findSeance, insertItem, insertSeance, listItems, listMembers } from '../repo.js';
import { secondConvocationAllowed } from '../rules.js';
import { matiereName } from '../scdl.js';
import type { ItemRow, SeanceRow } from '../schema.js';
import { type CouncilCaller, parseOrRefuse, refuse } from './common.js';

const isRealDate = (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};

export const seanceSchema = z.object({
  date: z.string().refine(isRealDate, 'Saisissez une date de séance réelle, par exemple 12/03/2027.'),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Saisissez une heure au format 18:30.'),
  place: z
    .string()
    .transform((v) => v.trim().replace(/\s+/g, ' '))
    .pipe(
      z.string().min(1, 'Saisissez le lieu de la séance.').max(200, 'Le lieu ne doit pas dépasser 200 caractères.'),
    ),
  kind: z.enum(['ordinaire', 'urgence'], { message: 'Choisissez le type de séance.' }),
});

export type SeanceInput = Partial<Record<'date' | 'time' | 'place' | 'kind', string>>;

export async function createSeance(
  database: Database,
  caller: CouncilCaller,
  input: SeanceInput,
  options: { firstSeanceId?: string } = {},
): Promise<SeanceRow> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const v = parseOrRefuse(
    seanceSchema,
    { date: '', time: '', place: '', kind: '', ...input },
    'council.seance_invalid',
  );
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    if (options.firstSeanceId) {
      const first = await findSeance(tx, communeId, options.firstSeanceId);
      if (!first) throw notFound('council.seance_not_found');
      if (!secondConvocationAllowed(first.seanceDate, v.date))
        throw refuse(
          'council.second_too_early',
          'date',
          'Après une séance sans quorum, la nouvelle séance doit se tenir trois jours au moins après la première (article L2121-17 du CGCT).',
        );
    }
    const seance = await insertSeance(tx, {
      communeId,
      seanceDate: v.date,
      seanceTime: v.time,
      place: v.place,
      kind: v.kind,
      status: 'preparation',
      firstSeanceId: options.firstSeanceId ?? null,
    });
    await recordAudit(tx, {
      action: 'council.seance_created',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_seance',
      targetId: seance.id,
      data: { date: v.date, kind: v.kind },
      requestId: caller.httpRequestId ?? null,
    });
    return seance;
  });
}

export const itemSchema = z.object({
  title: z
    .string()
    .transform((v) => v.trim().replace(/\s+/g, ' '))
    .pipe(z.string().min(1, 'Saisissez l’objet du point.').max(300, 'L’objet ne doit pas dépasser 300 caractères.')),
  summary: z
    .string()
    .transform((v) => v.trim())
    .pipe(z.string().max(20_000, 'La note de synthèse ne doit pas dépasser 20 000 caractères.')),
  rapporteurId: z.union([z.literal(''), z.uuid({ message: 'Choisissez le rapporteur dans la liste.' })]),
  closedSession: z.enum(['', 'oui']),
  nomination: z.enum(['', 'oui']),
  matiereCode: z.string().refine((v) => v === '' || matiereName(v) !== undefined, {
    message: 'Choisissez la matière dans la nomenclature ACTES.',
  }),
});

/** Adds an item to the agenda of a séance still in preparation (after convocation, the agenda is closed). */
export async function addAgendaItem(
  database: Database,
  caller: CouncilCaller,
  seanceId: string,
  input: Partial<Record<'title' | 'summary' | 'rapporteurId' | 'closedSession' | 'nomination' | 'matiereCode', string>>,
): Promise<ItemRow> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const v = parseOrRefuse(
    itemSchema,
    { title: '', summary: '', rapporteurId: '', closedSession: '', nomination: '', matiereCode: '', ...input },
    'council.item_invalid',
  );
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    const seance = await findSeance(tx, communeId, seanceId, true);
    if (!seance) throw notFound('council.seance_not_found');
    if (seance.status !== 'preparation')
      throw refuse(
        'council.agenda_closed',
        'title',
        'Les convocations sont parties : l’ordre du jour ne peut plus recevoir de point (un point hors ordre du jour ne peut pas faire l’objet d’une délibération).',
      );
    if (v.rapporteurId && !(await listMembers(tx, communeId)).some((m) => m.id === v.rapporteurId))
      throw refuse('council.unknown_member', 'rapporteurId', 'Choisissez le rapporteur parmi les membres en exercice.');
    const position = (await listItems(tx, communeId, seanceId)).length + 1;
    const item = await insertItem(tx, {
      communeId,
      seanceId,
      position,
      title: v.title,
      summary: v.summary || null,
      rapporteurId: v.rapporteurId || null,
      closedSession: v.closedSession === 'oui',
      nomination: v.nomination === 'oui',
      matiereCode: v.matiereCode || null,
    });
    await recordAudit(tx, {
      action: 'council.item_added',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'council_item',
      targetId: item.id,
      data: { seanceId, position, title: v.title, nomination: v.nomination === 'oui' },
      requestId: caller.httpRequestId ?? null,
    });
    return item;
  });
}

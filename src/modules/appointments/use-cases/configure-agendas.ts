/**
 * Configuring appointments (administrators): agendas (a desk of a service at a place), their
 * weekly opening hours and closures, and the motifs each service offers. zod → policy → one
 * transaction → journal.
 */
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { findServiceById } from '../../../platform/tenancy/communes.js';
import { queueAntsSync } from '../ants-sync.js';
import { canConfigure } from '../policy.js';
import {
  bookingsBetween,
  deleteClosure,
  deleteOpening,
  findAgenda,
  findMotif,
  insertAgenda,
  insertClosure,
  insertMotif,
  insertOpening,
  setAgendaActive,
  setMotifActive,
  updateAgendaPlace,
} from '../repo.js';
import { parseTimeOfDay } from '../texts.js';
import { AGENDA_NOT_FOUND, auditAppointments, type Caller, fieldError, MOTIF_NOT_FOUND, parseInput } from './common.js';

function assertAdmin(caller: Caller): void {
  if (!canConfigure(caller.actor)) throw new AppError('not_found', 'not an administrator', 404);
}

const text = (missing: string, max: number, tooLong: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, tooLong);
const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, tooLong)
    .optional()
    .transform((v) => v ?? '');
const serviceField = z.string({ error: 'Choisissez le service.' }).refine(isUuid, 'Choisissez le service.');
const isoDate = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine(
      (v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
      message,
    );
const optionalDate = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null)
    .pipe(isoDate(message).nullable());
const integer = (message: string, min: number, max: number) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));

/** A decimal degree in French or English notation (« 47,3656 » or « 47.3656 »), within ±limit. */
const coordinate = (limit: number, message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null)
    .pipe(
      z
        .string()
        .regex(/^-?\d{1,3}([.,]\d{1,8})?$/, message)
        .transform((v) => Number(v.replace(',', '.')))
        .pipe(z.number().min(-limit, message).max(limit, message))
        .nullable(),
    );

export const agendaSchema = z.object({
  service: serviceField,
  lieu: text('Indiquez le lieu.', 120, 'Le lieu ne doit pas dépasser 120 caractères.'),
  guichet: text(
    'Indiquez le guichet (par exemple « Guichet 1 »).',
    60,
    'Le guichet ne doit pas dépasser 60 caractères.',
  ),
  adresse: optionalText(200, 'L’adresse ne doit pas dépasser 200 caractères.'),
  alsace: z.enum(['oui', 'non']).optional(),
  latitude: coordinate(90, 'La latitude est un nombre de degrés entre -90 et 90, par exemple 47,3656.'),
  longitude: coordinate(180, 'La longitude est un nombre de degrés entre -180 et 180, par exemple -1,1772.'),
});

/** The same place and desk twice in a commune, or half a position: refused, named on its field. */
async function checkPlace(
  tx: Tx,
  communeId: string,
  v: { lieu: string; guichet: string; latitude: number | null; longitude: number | null },
  exceptAgendaId?: string,
): Promise<void> {
  const { rows } = await tx.client.query(
    'SELECT 1 FROM appointment_agenda WHERE commune_id = $1 AND place = $2 AND desk = $3 AND id IS DISTINCT FROM $4',
    [communeId, v.lieu, v.guichet, exceptAgendaId ?? null],
  );
  if (rows.length) throw fieldError('guichet', 'Ce guichet existe déjà à ce lieu : choisissez un autre nom.');
  if ((v.latitude === null) !== (v.longitude === null)) {
    throw fieldError(
      v.latitude === null ? 'latitude' : 'longitude',
      'Indiquez la latitude et la longitude, ou aucune des deux.',
    );
  }
}

export async function createAgenda(ctx: AppContext, caller: Caller, input: unknown): Promise<string> {
  assertAdmin(caller);
  const v = parseInput(agendaSchema, input);
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    if (!(await findServiceById(tx, communeId, v.service))) throw fieldError('service', 'Choisissez le service.');
    await checkPlace(tx, communeId, v);
    const id = await insertAgenda(tx, {
      communeId,
      serviceId: v.service,
      place: v.lieu,
      desk: v.guichet,
      address: v.adresse,
      alsaceMoselle: v.alsace === 'oui',
      latitude: v.latitude,
      longitude: v.longitude,
    });
    await auditAppointments(
      tx,
      caller,
      'appointments.agenda_created',
      { type: 'appointment_agenda', id },
      {
        place: v.lieu,
        desk: v.guichet,
      },
    );
    return id;
  });
}

/** Beyond any booking (motifs open at most 366 days ahead). */
const FAR_AHEAD_MS = 10 * 366 * 86_400_000;

export const agendaPlaceSchema = agendaSchema.omit({ service: true });

/**
 * Changes a desk's place, name, address, holidays or coordinates (its service stays: its bookings
 * belong to it). The ANTS knows a place by its name: when it changes, the desk's future passport
 * and identity-card appointments are withdrawn from the old place and declared at the new one.
 */
export async function updateAgenda(ctx: AppContext, caller: Caller, agendaId: string, input: unknown): Promise<void> {
  assertAdmin(caller);
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    const before = isUuid(agendaId) ? await findAgenda(tx, communeId, agendaId) : undefined;
    if (!before) throw AGENDA_NOT_FOUND();
    const v = parseInput(agendaPlaceSchema, input);
    await checkPlace(tx, communeId, v, agendaId);
    const values = {
      place: v.lieu,
      desk: v.guichet,
      address: v.adresse,
      alsaceMoselle: v.alsace === 'oui',
      latitude: v.latitude,
      longitude: v.longitude,
    };
    await updateAgendaPlace(tx, communeId, agendaId, values);
    const after = { ...before, ...values };
    let redeclared = 0;
    if (before.place !== after.place) {
      const now = Date.now();
      const future = await bookingsBetween(tx, communeId, [agendaId], new Date(now), new Date(now + FAR_AHEAD_MS));
      for (const { booking: b } of future.filter((f) => f.booking.status === 'confirme' && f.booking.antsNumber)) {
        await queueAntsSync(ctx, tx, 'remove', b, before);
        await queueAntsSync(ctx, tx, 'declare', b, after);
        redeclared++;
      }
    }
    await auditAppointments(
      tx,
      caller,
      'appointments.agenda_changed',
      { type: 'appointment_agenda', id: agendaId },
      {
        place: after.place,
        desk: after.desk,
        ...(before.place !== after.place ? { previousPlace: before.place, antsRedeclared: redeclared } : {}),
      },
    );
  });
}

const openingSchema = z.object({
  jour: integer('Choisissez le jour de la semaine.', 1, 7),
  debut: z.string({ error: 'Indiquez l’heure d’ouverture, par exemple 9:00.' }).trim(),
  fin: z.string({ error: 'Indiquez l’heure de fermeture, par exemple 12:00.' }).trim(),
  du: optionalDate('La date de début doit être une date valide, par exemple 2026-09-01.'),
  au: optionalDate('La date de fin doit être une date valide, par exemple 2027-06-30.'),
});

export async function addOpening(ctx: AppContext, caller: Caller, agendaId: string, input: unknown): Promise<void> {
  assertAdmin(caller);
  const v = parseInput(openingSchema, input);
  const start = parseTimeOfDay(v.debut);
  const end = parseTimeOfDay(v.fin);
  if (start === undefined) throw fieldError('debut', 'Indiquez l’heure d’ouverture, par exemple 9:00.');
  if (end === undefined) throw fieldError('fin', 'Indiquez l’heure de fermeture, par exemple 12:00.');
  if (end <= start) throw fieldError('fin', 'L’heure de fermeture doit être après l’heure d’ouverture.');
  if (v.du && v.au && v.au < v.du) throw fieldError('au', 'La date de fin doit être après la date de début.');
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    if (!isUuid(agendaId) || !(await findAgenda(tx, communeId, agendaId))) throw AGENDA_NOT_FOUND();
    await insertOpening(tx, {
      communeId,
      agendaId,
      weekday: v.jour,
      startMinute: start,
      endMinute: end,
      validFrom: v.du,
      validUntil: v.au,
    });
    await auditAppointments(
      tx,
      caller,
      'appointments.agenda_changed',
      { type: 'appointment_agenda', id: agendaId },
      {
        opening: { weekday: v.jour, start, end },
      },
    );
  });
}

const closureSchema = z.object({
  du: isoDate('Indiquez le premier jour de fermeture, par exemple 2026-08-03.'),
  au: optionalDate('Le dernier jour de fermeture doit être une date valide, par exemple 2026-08-21.'),
  motif: optionalText(200, 'Le motif ne doit pas dépasser 200 caractères.'),
});

export async function addClosure(ctx: AppContext, caller: Caller, agendaId: string, input: unknown): Promise<void> {
  assertAdmin(caller);
  const v = parseInput(closureSchema, input);
  const end = v.au ?? v.du;
  if (end < v.du) throw fieldError('au', 'Le dernier jour de fermeture doit être après le premier.');
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    if (!isUuid(agendaId) || !(await findAgenda(tx, communeId, agendaId))) throw AGENDA_NOT_FOUND();
    await insertClosure(tx, { communeId, agendaId, startDate: v.du, endDate: end, reason: v.motif });
    await auditAppointments(
      tx,
      caller,
      'appointments.agenda_changed',
      { type: 'appointment_agenda', id: agendaId },
      {
        closure: { from: v.du, to: end },
      },
    );
  });
}

/** Removes an opening or a closure of an agenda. */
export async function removeAgendaItem(
  ctx: AppContext,
  caller: Caller,
  agendaId: string,
  kind: 'opening' | 'closure',
  itemId: string,
): Promise<void> {
  assertAdmin(caller);
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    if (!isUuid(agendaId) || !isUuid(itemId)) throw AGENDA_NOT_FOUND();
    const removed =
      kind === 'opening'
        ? await deleteOpening(tx, communeId, agendaId, itemId)
        : await deleteClosure(tx, communeId, agendaId, itemId);
    if (!removed) throw AGENDA_NOT_FOUND();
    await auditAppointments(
      tx,
      caller,
      'appointments.agenda_changed',
      { type: 'appointment_agenda', id: agendaId },
      {
        removed: kind,
      },
    );
  });
}

export async function changeAgendaActive(ctx: AppContext, caller: Caller, agendaId: string, active: boolean) {
  assertAdmin(caller);
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    if (!isUuid(agendaId) || !(await findAgenda(tx, communeId, agendaId))) throw AGENDA_NOT_FOUND();
    await setAgendaActive(tx, communeId, agendaId, active);
    await auditAppointments(
      tx,
      caller,
      'appointments.agenda_changed',
      { type: 'appointment_agenda', id: agendaId },
      {
        active,
      },
    );
  });
}

export const motifSchema = z.object({
  service: serviceField,
  nom: text('Indiquez le nom du rendez-vous.', 120, 'Le nom ne doit pas dépasser 120 caractères.'),
  type: z.enum(['guichet', 'telephone', 'visio'], { error: 'Indiquez où se passe le rendez-vous.' }),
  duree: integer('La durée doit être un nombre de minutes entre 5 et 480.', 5, 480),
  battement: integer('Le temps entre deux rendez-vous doit être un nombre de minutes entre 0 et 120.', 0, 120),
  places: integer('Le nombre de places doit être un nombre entre 1 et 100.', 1, 100),
  delai_min: integer('Le délai minimum doit être un nombre d’heures entre 0 et 8 760.', 0, 8760),
  delai_max: integer('Le délai maximum doit être un nombre de jours entre 1 et 366.', 1, 366),
  qui: z.enum(['public', 'signed_in', 'agents'], { error: 'Indiquez qui peut prendre ce rendez-vous.' }),
  ants: z.enum(['oui', 'non']).optional(),
  ticket: z.enum(['oui', 'non']).optional(),
  documents: optionalText(4000, 'La liste des documents ne doit pas dépasser 4 000 caractères.'),
  rappels: z
    .string()
    .trim()
    .optional()
    .transform((v) => v ?? '')
    .refine(
      (v) => v === '' || /^\d{1,4}(\s*[,;]\s*\d{1,4})*$/.test(v),
      'Indiquez les rappels en heures avant le rendez-vous, séparés par des virgules, par exemple 48, 3.',
    )
    .transform((v) =>
      v === '' ? [] : [...new Set(v.split(/[,;]/).map((h) => Number(h.trim())))].sort((a, b) => b - a),
    )
    .refine((hours) => hours.length <= 5, 'Cinq rappels au plus.'),
});

export async function createMotif(ctx: AppContext, caller: Caller, input: unknown): Promise<string> {
  assertAdmin(caller);
  const v = parseInput(motifSchema, input);
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    if (!(await findServiceById(tx, communeId, v.service))) throw fieldError('service', 'Choisissez le service.');
    const { rows } = await tx.client.query(
      'SELECT 1 FROM appointment_motif WHERE commune_id = $1 AND service_id = $2 AND name = $3',
      [communeId, v.service, v.nom],
    );
    if (rows.length) throw fieldError('nom', 'Ce service propose déjà un rendez-vous de ce nom.');
    const id = await insertMotif(tx, {
      communeId,
      serviceId: v.service,
      name: v.nom,
      kind: v.type,
      durationMinutes: v.duree,
      bufferMinutes: v.battement,
      capacity: v.places,
      minDelayHours: v.delai_min,
      maxDelayDays: v.delai_max,
      bookableBy: v.qui,
      documents: v.documents,
      reminderHours: v.rappels,
      antsRequired: v.ants === 'oui',
      walkIn: v.ticket === 'oui',
    });
    await auditAppointments(
      tx,
      caller,
      'appointments.motif_created',
      { type: 'appointment_motif', id },
      { name: v.nom },
    );
    return id;
  });
}

export async function changeMotifActive(ctx: AppContext, caller: Caller, motifId: string, active: boolean) {
  assertAdmin(caller);
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    if (!isUuid(motifId) || !(await findMotif(tx, communeId, motifId))) throw MOTIF_NOT_FOUND();
    await setMotifActive(tx, communeId, motifId, active);
    await auditAppointments(
      tx,
      caller,
      'appointments.motif_changed',
      { type: 'appointment_motif', id: motifId },
      {
        active,
      },
    );
  });
}

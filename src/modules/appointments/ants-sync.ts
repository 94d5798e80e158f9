/**
 * Passport and identity-card appointments with the ANTS coordination API (domain rules §9), when
 * the instance is configured for it (`GUICHET_ANTS_*`; otherwise nothing leaves Guichet):
 * - before booking, the pre-application number is checked: unknown, expired or already filed
 *   (`consumed`) numbers are refused, and an appointment already declared elsewhere is shown with
 *   the link to cancel it; if the ANTS does not answer, the booking goes through (a citizen is
 *   never stuck on an outage) and the declaration waits in the queue;
 * - each booking is declared, each cancellation deleted, a move is a deletion then a declaration —
 *   as jobs queued in the booking's transaction and retried with backoff until the ANTS answers.
 * The management URL given to the ANTS (which shows it to other editors) holds no secret: it is
 * the booking's « ANTS » page, from which the person gets a fresh link to change or cancel by mail.
 */
import { z } from 'zod';
import {
  type AntsCoordination,
  AntsUnavailableError,
  antsCoordinationClient,
} from '../../platform/ants/coordination.js';
import type { AppContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/tenant.js';
import type { JobDefinition } from '../../platform/jobs/queue.js';
import { parisInstant } from '../../platform/time/calendar.js';
import { meetingPointId } from './ants.js';
import { communeRef } from './notify.js';
import type { Agenda, Booking } from './schema.js';
import { whenText } from './texts.js';
import { fieldError } from './use-cases/common.js';

export const ANTS_SYNC_JOB = 'appointments.ants-sync';

/** The client of the configured ANTS coordination API, or null (nothing is sent). */
export function antsClient(ctx: AppContext): AntsCoordination | null {
  return ctx.config.ants ? antsCoordinationClient(ctx.config.ants) : null;
}

const PARIS_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})/;

/** « le 12 janvier 2027 à 10 h 30 » from the ANTS's `YYYY-MM-DD HH:MM:SS` (Paris time). */
function antsWhen(date: string): string {
  const m = PARIS_DATE.exec(date);
  if (!m) return date;
  const [, y, mo, d, h, mi] = m;
  const instant = parisInstant(`${y}-${mo}-${d}`, Number(h) * 60 + Number(mi));
  return instant ? `le ${whenText(instant)}` : date;
}

/**
 * Refuses, on the `ants` field, a pre-application number the ANTS says cannot be booked. Called
 * before the booking's transaction (no lock is held during the call).
 */
export async function checkAntsApplication(ctx: AppContext, applicationId: string): Promise<void> {
  const client = antsClient(ctx);
  if (!client) return;
  let found: Awaited<ReturnType<AntsCoordination['status']>>;
  try {
    found = await client.status(applicationId);
  } catch (error) {
    if (!(error instanceof AntsUnavailableError)) throw error;
    ctx.logger.warn({ err: error.message }, 'ANTS injoignable : numéro de pré-demande non vérifié');
    return;
  }
  if (found.status === 'validated' && found.appointments.length === 0) return;
  const messages: Record<string, string> = {
    unknown:
      'L’ANTS ne connaît pas ce numéro de pré-demande. Vérifiez-le sur le récapitulatif de votre pré-demande (10 lettres ou chiffres).',
    expired: 'Cette pré-demande a expiré. Refaites-la sur le site de l’ANTS, puis revenez avec le nouveau numéro.',
    consumed:
      'Le dossier de cette pré-demande a déjà été déposé en mairie : un nouveau rendez-vous n’est pas nécessaire.',
  };
  const other = found.appointments[0];
  throw fieldError(
    'ants',
    messages[found.status] ??
      (other
        ? `Un rendez-vous est déjà pris pour cette pré-demande, ${antsWhen(other.appointmentDate)} (${other.meetingPoint}). Annulez-le d’abord : ${other.managementUrl}`
        : 'Un rendez-vous est déjà pris pour cette pré-demande. Annulez-le avant d’en prendre un autre.'),
  );
}

const syncSchema = z.object({
  action: z.enum(['declare', 'remove']),
  applicationId: z.string().regex(/^[A-Z0-9]{10}$/),
  meetingPoint: z.string().min(1),
  meetingPointId: z.string().min(1),
  startsAt: z.iso.datetime(),
  managementUrl: z.url().optional(),
});

/** The page given to the ANTS as the booking's management URL (no secret in it). */
export function antsManagementUrl(ctx: AppContext, slug: string, bookingId: string): string {
  return `${ctx.config.publicUrl}/c/${slug}/rendez-vous/ants/${bookingId}`;
}

/** Queues the declaration (or deletion) of a booking's appointment at the ANTS, in the caller's transaction. */
export async function queueAntsSync(
  ctx: AppContext,
  tx: Tx,
  action: 'declare' | 'remove',
  b: Pick<Booking, 'id' | 'communeId' | 'antsNumber' | 'startsAt'>,
  agenda: Agenda,
): Promise<void> {
  if (!ctx.config.ants || !b.antsNumber) return;
  const c = await communeRef(tx, b.communeId);
  await ctx.queue.enqueue(tx, ANTS_SYNC_JOB, {
    action,
    applicationId: b.antsNumber,
    meetingPoint: `${c.name} – ${agenda.place}`,
    meetingPointId: meetingPointId(b.communeId, agenda.place),
    startsAt: b.startsAt.toISOString(),
    ...(action === 'declare' ? { managementUrl: antsManagementUrl(ctx, c.slug, b.id) } : {}),
  });
}

/** The job: one call to the ANTS; an outage fails it, and the queue retries with backoff. */
export function antsSyncJob(ctx: AppContext): JobDefinition<typeof syncSchema> {
  return {
    name: ANTS_SYNC_JOB,
    schema: syncSchema,
    retryLimit: 20,
    retryDelaySeconds: 60,
    async run(data) {
      const client = antsClient(ctx);
      if (!client) return; // the configuration was removed since: nothing to tell
      const base = {
        applicationId: data.applicationId,
        meetingPoint: data.meetingPoint,
        meetingPointId: data.meetingPointId,
        startsAt: new Date(data.startsAt),
      };
      if (data.action === 'declare') await client.declare({ ...base, managementUrl: data.managementUrl! });
      else await client.remove(base);
    },
  };
}

/**
 * What the people who booked receive: the confirmation (with the calendar file), the notice of a
 * change or a cancellation, the reminders (queued jobs at the motif's offsets, e.g. 48 h and 3 h
 * before), and the waitlist's offer. Mails go through the platform's outbox, in the business
 * transaction; the calendar file is a blob of the commune attached when the mail leaves.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { commune } from '../../platform/db/schema.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import type { JobDefinition } from '../../platform/jobs/queue.js';
import { queueMail } from '../../platform/mail/outbox.js';
import { queueSms } from '../../platform/sms/outbox.js';
import { mobileE164 } from '../../platform/sms/phone.js';
import { appointmentIcs } from './ics.js';
import { APPOINTMENT_MAILS } from './mail-templates.js';
import { findAgenda, findBooking, findMotif } from './repo.js';
import type { Agenda, Booking, Motif } from './schema.js';
import { documentLines, KIND_LABELS, whenText } from './texts.js';

export const REMINDER_JOB = 'appointments.reminder';

export interface CommuneRef {
  name: string;
  slug: string;
}

export async function communeRef(tx: Tx, communeId: string): Promise<CommuneRef> {
  const rows = await tx.db
    .select({ name: commune.name, slug: commune.slug })
    .from(commune)
    .where(eq(commune.id, communeId));
  return rows[0]!;
}

/** The link that cancels or moves an appointment without an account. */
export function manageUrl(ctx: AppContext, c: CommuneRef, token: string): string {
  return `${ctx.config.publicUrl}/c/${c.slug}/rendez-vous/gerer/${token}`;
}

function placeText(agenda: Agenda): string {
  return [agenda.place, agenda.address].filter(Boolean).join(', ');
}

function whereText(motif: Motif, agenda: Agenda): string {
  return motif.kind === 'guichet'
    ? `${placeText(agenda)} (${agenda.desk})`
    : `${KIND_LABELS[motif.kind]} : la mairie vous contactera à l’heure prévue`;
}

async function attachIcs(
  ctx: AppContext,
  tx: Tx,
  c: CommuneRef,
  b: Booking,
  motif: Motif,
  agenda: Agenda,
  cancelled = false,
) {
  const ics = appointmentIcs({
    bookingId: b.id,
    hostname: new URL(ctx.config.publicUrl).hostname,
    startsAt: b.startsAt,
    endsAt: b.endsAt,
    summary: `${motif.name} – ${c.name}`,
    location: motif.kind === 'guichet' ? placeText(agenda) : KIND_LABELS[motif.kind],
    description: [
      `Rendez-vous « ${motif.name} » ${KIND_LABELS[motif.kind]}.`,
      ...documentLines(motif.documents).map((d) => `À apporter : ${d}`),
    ].join('\n'),
    sequence: b.sequence,
    cancelled,
  });
  const sha256 = await tx.blobs.put({ communeId: b.communeId }, Buffer.from(ics, 'utf8'));
  return [{ sha256, name: 'rendez-vous.ics', mimeType: 'text/calendar' }];
}

export type BookingMail = 'confirmation' | 'moved' | 'cancelled';

/** Queues the mail of a booking that was made, moved or cancelled (nothing without an address). */
export async function queueBookingMail(
  ctx: AppContext,
  tx: Tx,
  kind: BookingMail,
  b: Booking,
  token: string | null,
): Promise<void> {
  if (!b.email) return;
  const c = await communeRef(tx, b.communeId);
  const [motif, agenda] = await Promise.all([
    findMotif(tx, b.communeId, b.motifId),
    findAgenda(tx, b.communeId, b.agendaId),
  ]);
  if (!motif || !agenda) return;
  const when = whenText(b.startsAt);
  const documents = documentLines(motif.documents);
  const subject =
    kind === 'cancelled'
      ? `Rendez-vous annulé : ${motif.name}, ${when}`
      : kind === 'moved'
        ? `Rendez-vous déplacé : ${motif.name}, ${when}`
        : `Rendez-vous confirmé : ${motif.name}, ${when}`;
  const paragraphs =
    kind === 'cancelled'
      ? [
          `Bonjour ${b.name},`,
          `Votre rendez-vous « ${motif.name} » du ${when} est annulé.`,
          'Vous pouvez prendre un nouveau rendez-vous sur le site de la mairie.',
        ]
      : [
          `Bonjour ${b.name},`,
          `${kind === 'moved' ? 'Votre rendez-vous a été déplacé.' : 'Votre rendez-vous est confirmé.'} « ${motif.name} » : le ${when}, ${whereText(motif, agenda)}.`,
          ...(documents.length ? [`Documents à apporter :\n${documents.map((d) => `– ${d}`).join('\n')}`] : []),
          'Le fichier joint (rendez-vous.ics) ajoute le rendez-vous à votre agenda.',
          'Si vous ne pouvez pas venir, annulez ou déplacez le rendez-vous avec le lien ci-dessous : le créneau profitera à une autre personne.',
        ];
  await queueMail(tx, ctx.queue, {
    to: b.email,
    template: APPOINTMENT_MAILS.booking,
    variables: {
      communeName: c.name,
      subject,
      paragraphs,
      ...(token && kind !== 'cancelled'
        ? { link: { href: manageUrl(ctx, c, token), label: 'Annuler ou déplacer mon rendez-vous' } }
        : {}),
    },
    attachments: await attachIcs(ctx, tx, c, b, motif, agenda, kind === 'cancelled'),
  });
}

/** Queues the reminders of a booking at its motif's offsets (those still ahead). */
export async function scheduleReminders(
  ctx: AppContext,
  tx: Tx,
  b: Booking,
  motif: Motif,
  now = new Date(),
): Promise<void> {
  if (!b.email && !b.smsReminders) return;
  for (const hours of motif.reminderHours) {
    const at = new Date(b.startsAt.getTime() - hours * 3600_000);
    if (at.getTime() <= now.getTime()) continue;
    await ctx.queue.enqueue(
      tx,
      REMINDER_JOB,
      { communeId: b.communeId, bookingId: b.id, startsAt: b.startsAt.toISOString(), hours },
      { startAfter: at, idempotencyKey: `appointment-reminder:${b.id}:${b.startsAt.toISOString()}:${hours}` },
    );
  }
}

const reminderSchema = z.object({
  communeId: z.uuid(),
  bookingId: z.uuid(),
  startsAt: z.iso.datetime(),
  hours: z.number().int().min(0),
});

/** The reminder job: sent only if the booking is still confirmed at the time it was made for. */
export function reminderJob(ctx: AppContext): JobDefinition<typeof reminderSchema> {
  return {
    name: REMINDER_JOB,
    schema: reminderSchema,
    retryLimit: 3,
    async run(data) {
      await withTenant(ctx.database, data.communeId, async (tx) => {
        const b = await findBooking(tx, data.communeId, data.bookingId);
        if (b?.status !== 'confirme' || b.startsAt.toISOString() !== data.startsAt) return;
        const [motif, agenda] = await Promise.all([
          findMotif(tx, b.communeId, b.motifId),
          findAgenda(tx, b.communeId, b.agendaId),
        ]);
        if (!motif || !agenda) return;
        const c = await communeRef(tx, b.communeId);
        const documents = documentLines(motif.documents);
        const sms = b.smsReminders && b.phone && ctx.smsProvider.canSend ? mobileE164(b.phone) : null;
        if (sms) {
          await queueSms(tx, ctx.queue, {
            to: sms,
            template: 'appointments.reminder',
            body: `${c.name} : rappel de votre rendez-vous « ${motif.name} » le ${whenText(b.startsAt)}, ${agenda.place}. Empêchement ? Annulez-le pour libérer le créneau.`,
          });
        }
        if (!b.email) return;
        await queueMail(tx, ctx.queue, {
          to: b.email,
          template: APPOINTMENT_MAILS.reminder,
          variables: {
            communeName: c.name,
            subject: `Rappel : rendez-vous « ${motif.name} » le ${whenText(b.startsAt)}`,
            paragraphs: [
              `Bonjour ${b.name},`,
              `Nous vous rappelons votre rendez-vous « ${motif.name} » le ${whenText(b.startsAt)}, ${whereText(motif, agenda)}.`,
              ...(documents.length ? [`Documents à apporter :\n${documents.map((d) => `– ${d}`).join('\n')}`] : []),
              'Si vous ne pouvez pas venir, annulez le rendez-vous avec le lien reçu lors de la réservation : le créneau profitera à une autre personne.',
            ],
          },
        });
      });
    },
  };
}

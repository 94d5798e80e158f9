/**
 * The mails of appointments (rendered by the platform outbox): the texts are composed by the
 * module (confirmation, move or cancellation; reminder; an earlier slot offered from the waitlist).
 */
import { z } from 'zod';
import { defineMailTemplate, mailCommuneVariables } from '../../platform/mail/templates.js';

const composed = z.object({
  ...mailCommuneVariables,
  subject: z.string().min(1).max(200),
  paragraphs: z.array(z.string()).min(1),
  link: z.object({ href: z.url(), label: z.string().min(1) }).optional(),
});

const render = (v: z.infer<typeof composed>) => ({
  subject: v.subject,
  paragraphs: v.paragraphs,
  ...(v.link ? { link: v.link } : {}),
});

export const APPOINTMENT_MAILS = {
  /** Booked, moved or cancelled, with the ICS attached. */
  booking: defineMailTemplate({ name: 'appointmentBooking', variables: composed, render }),
  reminder: defineMailTemplate({ name: 'appointmentReminder', variables: composed, render }),
  waitlistOffer: defineMailTemplate({ name: 'appointmentWaitlistOffer', variables: composed, render }),
} as const;

/** The mails of the parapheur (rendered by the platform outbox). */
import { z } from 'zod';
import { defineMailTemplate, mailCommuneVariables } from '../../platform/mail/templates.js';

export const SIGNATURE_MAILS = {
  /** The daily reminder of the folders waiting for a person (subject and list composed by the job). */
  reminder: defineMailTemplate({
    name: 'signatureReminder',
    variables: z.object({
      ...mailCommuneVariables,
      subject: z.string().min(1).max(200),
      paragraphs: z.array(z.string()).min(1),
      link: z.object({ href: z.url(), label: z.string().min(1) }),
    }),
    render: (v) => ({ subject: v.subject, paragraphs: v.paragraphs, link: v.link }),
  }),
} as const;

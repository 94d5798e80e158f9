/** The mails of the courrier (rendered by the platform outbox). */
import { z } from 'zod';
import { defineMailTemplate, mailCommuneVariables } from '../../platform/mail/templates.js';

export const COURRIER_MAILS = {
  /** The daily reminder of an agent's mails due tomorrow or late (subject and list composed by the job). */
  reminder: defineMailTemplate({
    name: 'courrierReminder',
    variables: z.object({
      ...mailCommuneVariables,
      subject: z.string().min(1).max(200),
      paragraphs: z.array(z.string()).min(1),
      link: z.object({ href: z.url(), label: z.string().min(1) }),
    }),
    render: (v) => ({ subject: v.subject, paragraphs: v.paragraphs, link: v.link }),
  }),
} as const;

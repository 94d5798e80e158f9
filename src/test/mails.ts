/**
 * Mail templates for the platform's own tests (the real ones belong to modules): a plain notice,
 * and a security mail capped per recipient like a password reset.
 */
import { z } from 'zod';
import { defineMailTemplate, mailCommuneVariables } from '../platform/mail/templates.js';

export const TEST_MAILS = {
  notice: defineMailTemplate({
    name: 'testNotice',
    variables: z.object({
      ...mailCommuneVariables,
      subject: z.string().min(1).max(200),
      paragraphs: z.array(z.string()).min(1),
      link: z.object({ href: z.url(), label: z.string().min(1) }).optional(),
    }),
    render: (v) => ({ subject: v.subject, paragraphs: v.paragraphs, ...(v.link ? { link: v.link } : {}) }),
  }),
  reset: defineMailTemplate({
    name: 'testReset',
    priority: 'security',
    hourlyCapPerRecipient: 3,
    variables: z.object({ ...mailCommuneVariables, link: z.url(), validMinutes: z.number().int() }),
    render: (v) => ({
      subject: `Réinitialisation de votre mot de passe – ${v.communeName}`,
      paragraphs: ['Bonjour,', `Le lien expire dans ${v.validMinutes} minutes.`],
      link: { href: v.link, label: 'Choisir un nouveau mot de passe' },
    }),
  }),
} as const;

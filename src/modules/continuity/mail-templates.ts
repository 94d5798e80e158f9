/** The mails of continuity (rendered by the platform outbox). */
import { z } from 'zod';
import { defineMailTemplate, mailCommuneVariables } from '../../platform/mail/templates.js';

export const CONTINUITY_MAILS = {
  /** To the operators: a tier (backup, drill, offline copy) is late; subject and text composed by the job. */
  lateTier: defineMailTemplate({
    name: 'continuityLateTier',
    variables: z.object({
      ...mailCommuneVariables,
      subject: z.string().min(1).max(200),
      paragraphs: z.array(z.string().min(1)).min(1),
      instance: z.string().min(1),
    }),
    render: (v) => ({
      subject: v.subject,
      paragraphs: v.paragraphs,
      footer: `— Guichet, instance ${v.instance}. Message automatique de la continuité (sauvegardes, exercices de restauration, copie hors ligne), envoyé aux opérateurs de l’instance ; merci de ne pas y répondre.`,
    }),
  }),
} as const;

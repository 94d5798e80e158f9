/** The mails of the awareness module (rendered by the platform outbox). */
import { z } from 'zod';
import { defineMailTemplate, mailCommuneVariables } from '../../platform/mail/templates.js';

export const AWARENESS_MAILS = {
  /**
   * A simulated phishing message (the scenario's text, composed by the sending job): its link and
   * image carry the recipient's secret; the footer is the scenario's signature, not Guichet's.
   */
  simulation: defineMailTemplate({
    name: 'awarenessSimulation',
    variables: z.object({
      ...mailCommuneVariables,
      subject: z.string().min(1).max(200),
      paragraphs: z.array(z.string().min(1)).min(1),
      link: z.object({ href: z.url(), label: z.string().min(1) }),
      pixel: z.url(),
    }),
    render: (v) => ({
      subject: v.subject,
      paragraphs: v.paragraphs,
      link: v.link,
      pixel: v.pixel,
      footer: 'Ce message et ses pièces jointes sont confidentiels.',
    }),
  }),
  /** The monthly reminder of the trainings not passed yet (subject and list composed by the job). */
  trainingReminder: defineMailTemplate({
    name: 'awarenessTrainingReminder',
    variables: z.object({
      ...mailCommuneVariables,
      subject: z.string().min(1).max(200),
      paragraphs: z.array(z.string().min(1)).min(1),
      link: z.object({ href: z.url(), label: z.string().min(1) }),
    }),
    render: (v) => ({ subject: v.subject, paragraphs: v.paragraphs, link: v.link }),
  }),
} as const;

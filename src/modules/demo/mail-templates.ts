/** The mails of the demo: its welcome mail and the mailbox page’s send test (rendered by the platform outbox). */
import { z } from 'zod';
import { defineMailTemplate, mailCommuneVariables } from '../../platform/mail/templates.js';

export const DEMO_MAILS = {
  demoWelcome: defineMailTemplate({
    name: 'demoWelcome',
    variables: z.object({ ...mailCommuneVariables, homeUrl: z.url() }),
    render: (v) => ({
      subject: `Bienvenue sur le guichet numérique de ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `Le guichet numérique de ${v.communeName} est prêt. Ce courriel de démonstration montre comment les messages envoyés par la commune apparaissent.`,
        'Vous n’avez rien à faire : ce message est envoyé automatiquement.',
      ],
      link: { href: v.homeUrl, label: 'Ouvrir le guichet de la commune' },
    }),
  }),
  smtpTest: defineMailTemplate({
    name: 'smtpTest',
    priority: 'security',
    hourlyCapPerRecipient: 10,
    variables: z.object({ ...mailCommuneVariables, sentAt: z.string() }),
    render: (v) => ({
      subject: `Test d’envoi de courriel – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `Ce message confirme que Guichet peut envoyer des courriels au nom de ${v.communeName}.`,
        `Envoyé le ${v.sentAt}.`,
      ],
    }),
  }),
} as const;

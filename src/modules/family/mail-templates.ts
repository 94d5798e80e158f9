/** The mails of the family portal (rendered by the platform outbox). */
import { z } from 'zod';
import { defineMailTemplate, mailCommuneVariables } from '../../platform/mail/templates.js';

export const FAMILY_MAILS = {
  placeOffered: defineMailTemplate({
    name: 'familyPlaceOffered',
    variables: z.object({
      ...mailCommuneVariables,
      childName: z.string().min(1),
      activityName: z.string().min(1),
      deadline: z.string().min(1),
      link: z.url(),
    }),
    render: (v) => ({
      subject: `Une place s’est libérée : ${v.activityName} – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `Une place s’est libérée pour ${v.childName} à l’activité « ${v.activityName} ». Elle vous est réservée jusqu’au ${v.deadline}.`,
        'Confirmez-la depuis votre espace famille. Sans réponse à cette date, elle sera proposée à la famille suivante sur la liste d’attente.',
      ],
      link: { href: v.link, label: 'Confirmer la place' },
    }),
  }),
} as const;

/** The council's mails (rendered by the platform outbox). */
import { z } from 'zod';
import { defineMailTemplate, mailCommuneVariables } from '../../platform/mail/templates.js';

export const COUNCIL_MAILS = {
  convocation: defineMailTemplate({
    name: 'councilConvocation',
    variables: z.object({
      ...mailCommuneVariables,
      memberName: z.string().min(1),
      seanceDate: z.string().min(1),
      seanceTime: z.string().min(1),
      place: z.string().min(1),
      agenda: z.array(z.string().min(1)),
      urgency: z.boolean(),
      link: z.url(),
    }),
    render: (v) => ({
      subject: `Convocation au conseil municipal du ${v.seanceDate} – ${v.communeName}`,
      paragraphs: [
        `Madame, Monsieur ${v.memberName},`,
        `Vous êtes convoqué(e) à la séance du conseil municipal du ${v.seanceDate} à ${v.seanceTime}, ${v.place}.`,
        ...(v.urgency
          ? [
              'Cette séance est convoquée en urgence (articles L2121-11 et L2121-12 du CGCT) : le conseil se prononcera d’abord sur l’urgence.',
            ]
          : []),
        'Ordre du jour :',
        ...v.agenda.map((title, i) => `${i + 1}. ${title}`),
        'Le fichier joint (seance.ics) ajoute la séance à votre agenda.',
      ],
      link: { href: v.link, label: 'Consulter l’ordre du jour et les documents' },
    }),
  }),
} as const;

/** The mails of requests: receipts, messages and status changes to requesters, and the mode simple mail to the secretary (rendered by the platform outbox). */
import { z } from 'zod';
import { isMailAddress } from '../../platform/mail/address.js';
import { defineMailTemplate, mailCommuneText, mailCommuneVariables } from '../../platform/mail/templates.js';

export const REQUEST_MAILS = {
  requestReceipt: defineMailTemplate({
    name: 'requestReceipt',
    hourlyCapPerRecipient: 10,
    variables: z.object({
      ...mailCommuneVariables,
      text: mailCommuneText,
      /** The legal mention of silence (accord/rejet) with its date, when the démarche has one. */
      silenceMention: z.string().optional(),
      /** The request's page (signed-in requesters); the receipt PDF is attached to the mail. */
      trackingUrl: z.url().optional(),
      receiptUrl: z.url().optional(),
    }),
    render: (v) => ({
      subject: v.text.subject,
      paragraphs: [
        ...v.text.paragraphs,
        'Vous trouverez l’accusé de réception en pièce jointe (PDF).',
        ...(v.silenceMention ? [v.silenceMention] : []),
        ...(v.receiptUrl ? [`Accusé de réception en ligne : ${v.receiptUrl}`] : []),
        v.trackingUrl
          ? 'Vous pouvez suivre votre demande et échanger avec la mairie depuis votre espace « Mes demandes ».'
          : 'La mairie vous répondra à cette adresse électronique.',
      ],
      ...(v.trackingUrl ? { link: { href: v.trackingUrl, label: 'Suivre ma demande' } } : {}),
    }),
  }),
  requestMessage: defineMailTemplate({
    name: 'requestMessage',
    variables: z.object({
      ...mailCommuneVariables,
      text: mailCommuneText,
      /** The message itself, for requesters without an account (they cannot read it online). */
      message: z.string().optional(),
      trackingUrl: z.url().optional(),
    }),
    render: (v) => ({
      subject: v.text.subject,
      paragraphs: [
        ...v.text.paragraphs,
        ...(v.message ? [`« ${v.message} »`] : []),
        v.trackingUrl
          ? 'Lisez le message et répondez depuis votre espace « Mes demandes ».'
          : 'Pour répondre, contactez la mairie en rappelant le numéro de votre demande.',
      ],
      ...(v.trackingUrl ? { link: { href: v.trackingUrl, label: 'Lire le message' } } : {}),
    }),
  }),
  requestStatusChanged: defineMailTemplate({
    name: 'requestStatusChanged',
    variables: z.object({
      ...mailCommuneVariables,
      text: mailCommuneText,
      message: z.string().optional(),
      /** A refusal: the reason given is `message`; the voies et délais de recours follow it. */
      appeal: z.array(z.string().min(1)).optional(),
      trackingUrl: z.url().optional(),
      /** A closed request: the link to the « Je donne mon avis » survey (satisfaction module). */
      surveyUrl: z.url().optional(),
    }),
    render: (v) => ({
      subject: v.text.subject,
      paragraphs: [
        ...v.text.paragraphs,
        ...(v.message ? [v.appeal ? `Motif du refus\u00a0: «\u00a0${v.message}\u00a0»` : `« ${v.message} »`] : []),
        ...(v.appeal ?? []),
        v.trackingUrl
          ? 'Retrouvez l’historique complet de votre demande dans votre espace « Mes demandes ».'
          : 'Pour toute question, contactez la mairie en rappelant le numéro de votre demande.',
        ...(v.surveyUrl
          ? [
              `Comment s’est passée cette démarche ? Donnez votre avis en trois questions, sans compte et de façon anonyme : ${v.surveyUrl}`,
            ]
          : []),
      ],
      ...(v.trackingUrl ? { link: { href: v.trackingUrl, label: 'Voir ma demande' } } : {}),
    }),
  }),
  requestToSecretary: defineMailTemplate({
    name: 'requestToSecretary',
    variables: z.object({
      ...mailCommuneVariables,
      number: z.string().min(1),
      procedureTitle: z.string().min(1),
      requesterName: z.string().min(1),
      /** Empty when the requester left no address (anonymous street report). */
      requesterEmail: z.union([z.string().refine(isMailAddress), z.literal('')]),
      submittedAt: z.string().min(1),
      /** "Question : réponse" lines of the form. */
      lines: z.array(z.string()),
      attachmentCount: z.number().int().min(0),
      processUrl: z.url(),
      validDays: z.number().int(),
    }),
    render: (v) => ({
      subject: `Nouvelle demande n° ${v.number} : ${v.procedureTitle}`,
      paragraphs: [
        'Bonjour,',
        `${v.requesterEmail ? `${v.requesterName} (${v.requesterEmail})` : `${v.requesterName} (sans adresse électronique)`} a déposé une demande « ${v.procedureTitle} » sur le guichet numérique le ${v.submittedAt}.`,
        ...v.lines,
        v.attachmentCount > 0
          ? `L’accusé de réception et ${v.attachmentCount} pièce(s) jointe(s) de l’usager sont joints à ce courriel.`
          : 'L’accusé de réception est joint à ce courriel.',
        v.requesterEmail
          ? 'Pour répondre à l’usager, répondez simplement à ce courriel : votre réponse lui sera adressée directement.'
          : 'L’usager n’a pas laissé d’adresse électronique : il ne peut pas être recontacté par courriel.',
        `Une fois la demande traitée, indiquez-le avec le lien ci-dessous (valable ${v.validDays} jours, utilisable une seule fois) : l’usager verra le nouveau statut dans son espace.`,
      ],
      link: { href: v.processUrl, label: 'Indiquer que la demande est traitée' },
      footer: `— Guichet numérique de ${v.communeName} (mode simple). Une réponse à ce courriel est adressée à l’usager.`,
    }),
  }),
} as const;

/**
 * Reply templates with merge fields (« {{expediteur.nom}} »): the acknowledgement of receipt and
 * the usual replies, filled from the incoming mail, its sender and the commune. A field the
 * template names but the mail does not have is left visible (« [champ inconnu : x] ») so that the
 * drafter sees it before sending, never silently dropped.
 */
import { formatDate } from '../../platform/views/format.js';
import { MAIL_TYPE_RULES } from './deadlines.js';
import type { Contact, Mail } from './schema.js';

export interface ReplyTemplate {
  label: string;
  subject: string;
  body: string;
}

export const REPLY_TEMPLATES = {
  accuse_reception: {
    label: 'Accusé de réception',
    subject: 'Accusé de réception de votre courrier du {{courrier.date_arrivee}}',
    body: `{{expediteur.civilite}},

Nous avons bien reçu votre courrier du {{courrier.date_arrivee}} relatif à « {{courrier.objet}} », enregistré sous le numéro {{courrier.numero}}.

Il est confié au service {{service.nom}}, qui vous répondra au plus tard le {{courrier.date_limite}}.

Nous vous prions d’agréer nos salutations distinguées.`,
  },
  reponse: {
    label: 'Réponse',
    subject: 'Votre courrier du {{courrier.date_arrivee}} : {{courrier.objet}}',
    body: `{{expediteur.civilite}},

Par votre courrier du {{courrier.date_arrivee}} (notre référence {{courrier.numero}}), vous nous avez interrogés au sujet de « {{courrier.objet}} ».

[Votre réponse]

Nous vous prions d’agréer nos salutations distinguées.`,
  },
  demande_pieces: {
    label: 'Demande de pièces complémentaires',
    subject: 'Pièces complémentaires : {{courrier.objet}}',
    body: `{{expediteur.civilite}},

Votre courrier du {{courrier.date_arrivee}} (notre référence {{courrier.numero}}) ne peut être instruit en l’état. Merci de nous adresser les pièces suivantes :

[Liste des pièces]

Nous vous prions d’agréer nos salutations distinguées.`,
  },
} as const satisfies Record<string, ReplyTemplate>;

export type TemplateKey = keyof typeof REPLY_TEMPLATES;
export const TEMPLATE_KEYS = Object.keys(REPLY_TEMPLATES) as TemplateKey[];

/** The values of the merge fields for one incoming mail. */
export function mergeFields(input: {
  mail: Pick<Mail, 'chrono' | 'arrivedOn' | 'subject' | 'dueOn' | 'mailType'>;
  contact: Pick<Contact, 'name' | 'kind'>;
  serviceName: string;
  communeName: string;
  today: string;
}): Record<string, string> {
  const { mail, contact } = input;
  return {
    'expediteur.nom': contact.name,
    'expediteur.civilite': contact.kind === 'organisation' ? 'Madame, Monsieur' : `À l’attention de ${contact.name}`,
    'courrier.numero': mail.chrono,
    'courrier.objet': mail.subject,
    'courrier.date_arrivee': formatDate(mail.arrivedOn),
    'courrier.date_limite': mail.dueOn ? formatDate(mail.dueOn) : 'dans les meilleurs délais',
    'courrier.type': MAIL_TYPE_RULES[mail.mailType].label,
    'service.nom': input.serviceName,
    'commune.nom': input.communeName,
    date: formatDate(input.today),
  };
}

/** Fills `{{field}}` placeholders; unknown ones stay visible for the drafter. */
export function merge(text: string, fields: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (_, key: string) => fields[key] ?? `[champ inconnu : ${key}]`);
}

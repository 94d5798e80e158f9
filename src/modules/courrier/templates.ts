/**
 * Reply templates with merge fields (« {{expediteur.nom}} »): the acknowledgement of receipt and
 * the usual replies, filled from the incoming mail, its sender and the commune. A field the
 * template names but the mail does not have is left visible (« [champ inconnu : x] ») so that the
 * drafter sees it before sending, never silently dropped. A commune may edit a built-in template
 * (its version replaces the built-in one until reverted) and add its own (decision 0054): both may
 * only name the fields of MERGE_FIELDS (`unknownFields` lists the others, refused when saving).
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

/** The merge fields the system fills, with what each becomes (shown on the template edit page). */
export const MERGE_FIELDS = {
  'expediteur.nom': 'le nom de l’expéditeur (personne ou organisme)',
  'expediteur.civilite':
    'la formule d’appel : « Madame, Monsieur » pour un organisme, « À l’attention de … » pour une personne',
  'courrier.numero': 'le numéro d’enregistrement du courrier arrivé',
  'courrier.objet': 'l’objet du courrier arrivé',
  'courrier.date_arrivee': 'la date d’arrivée du courrier',
  'courrier.date_limite': 'la date limite de réponse (ou « dans les meilleurs délais » s’il n’y en a pas)',
  'courrier.type': 'le type du courrier (demande, réclamation…)',
  'service.nom': 'le nom du service en charge',
  'commune.nom': 'le nom de la commune',
  date: 'la date du jour',
} as const;
export type MergeField = keyof typeof MERGE_FIELDS;

/** The `{{…}}` a text names that the system does not fill, each once, in order of appearance. */
export function unknownFields(text: string): string[] {
  const unknown = new Set<string>();
  for (const [, name] of text.matchAll(/\{\{([^{}]*)\}\}/g)) {
    const key = name!.trim();
    if (!Object.hasOwn(MERGE_FIELDS, key)) unknown.add(key || '(vide)');
  }
  return [...unknown];
}

/** A template the commune can draft from: `key` is a built-in key or the id of the commune's own template. */
export interface AvailableTemplate extends ReplyTemplate {
  key: string;
  builtin: TemplateKey | null;
  /** A built-in template the commune has edited. */
  edited: boolean;
}

/** The commune's templates: the built-in ones (its edited versions in their place), then its own. */
export function communeTemplates(
  rows: ReadonlyArray<{ id: string; builtinKey: string | null; label: string; subject: string; body: string }>,
): AvailableTemplate[] {
  const builtins = TEMPLATE_KEYS.map((key): AvailableTemplate => {
    const row = rows.find((r) => r.builtinKey === key);
    const { subject, body } = row ?? REPLY_TEMPLATES[key];
    return { key, builtin: key, edited: Boolean(row), label: REPLY_TEMPLATES[key].label, subject, body };
  });
  const own = rows
    .filter((r) => r.builtinKey === null)
    .map(
      (r): AvailableTemplate => ({
        key: r.id,
        builtin: null,
        edited: false,
        label: r.label,
        subject: r.subject,
        body: r.body,
      }),
    );
  return [...builtins, ...own];
}

/** The values of the merge fields for one incoming mail. */
export function mergeFields(input: {
  mail: Pick<Mail, 'chrono' | 'arrivedOn' | 'subject' | 'dueOn' | 'mailType'>;
  contact: Pick<Contact, 'name' | 'kind'>;
  serviceName: string;
  communeName: string;
  today: string;
}): Record<MergeField, string> {
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

/**
 * The citizen notifications of requests that a commune may reword: what each one is, its
 * placeholders and its default French text (the text Guichet sent before communes could edit it).
 * Legal and technical parts stay automatic and out of the commune's text (receipt PDF, silence
 * rule, the agent's message, the real link to the request, the footer): see `automatic`.
 */
import { formatDate, formatDateTime } from '../../../platform/views/format.js';
import { REQUEST_STATUSES, type RequestStatus, STATUS_LABELS } from '../../procedures/index.js';

export const PLACEHOLDERS = {
  numero: 'le numéro de la demande, par exemple 2026-000042',
  demarche: 'le titre de la démarche (ou « Demande de contact : » et l’objet du message)',
  statut: 'le statut de la demande, en minuscules, par exemple « acceptée »',
  commune: 'le nom de la commune',
  nom: 'le nom de l’usager, tel qu’il l’a donné dans sa demande',
  date_depot: 'la date et l’heure du dépôt de la demande',
  date_limite: 'la date limite de traitement de la demande',
  lien: 'l’adresse de la demande dans l’espace « Mes demandes » de l’usager (pour une demande déposée sans compte : l’adresse de la page de contact de la mairie)',
} as const;
export type PlaceholderName = keyof typeof PLACEHOLDERS;
export type PlaceholderValues = Record<PlaceholderName, string>;

export const MAX_SUBJECT_LENGTH = 200;
export const MAX_MAIL_BODY_LENGTH = 5000;
export const MAX_SMS_BODY_LENGTH = 320;

/** Statuses a request can be moved to, each with its own mail. */
export const NOTIFIED_STATUSES = REQUEST_STATUSES.filter((s) => s !== 'nouvelle');
export type NotifiedStatus = Exclude<RequestStatus, 'nouvelle'>;

export type NotificationKey =
  | 'request.received'
  | `request.status.${NotifiedStatus}`
  | 'request.message'
  | 'sms.status_changed';

export interface NotificationDefinition {
  key: NotificationKey;
  /** The last segment of the edit page's address. */
  slug: string;
  channel: 'mail' | 'sms';
  label: string;
  /** When it is sent. */
  when: string;
  placeholders: readonly PlaceholderName[];
  defaultSubject: string | null;
  defaultBody: string;
  /** What Guichet adds around the commune's text, whatever it says. */
  automatic: readonly string[];
  /** The status shown by {{statut}} in the preview. */
  exampleStatus: RequestStatus;
}

const ALL_MAIL: readonly PlaceholderName[] = [
  'numero',
  'demarche',
  'statut',
  'commune',
  'nom',
  'date_depot',
  'date_limite',
  'lien',
];

const FOLLOW_UP = [
  'la phrase de suivi : « Retrouvez l’historique… dans votre espace « Mes demandes » » pour un usager qui a un compte, sinon l’invitation à contacter la mairie en rappelant le numéro',
  'le bouton vers la demande (usagers qui ont un compte)',
  'la signature de la commune et la mention « merci de ne pas répondre directement »',
];

const STATUS_SLUGS: Record<NotifiedStatus, string> = {
  en_cours: 'statut-en-cours',
  attente_usager: 'statut-en-attente-de-l-usager',
  acceptee: 'statut-acceptee',
  refusee: 'statut-refusee',
  classee: 'statut-classee',
};

const STATUS_WHEN: Record<NotifiedStatus, string> = {
  en_cours: 'Quand une demande passe « en cours » (prise en charge, ou reprise après une réponse de l’usager).',
  attente_usager: 'Quand un agent met la demande « en attente de l’usager » (une information ou une pièce manque).',
  acceptee: 'Quand la demande est acceptée.',
  refusee: 'Quand la demande est refusée.',
  classee: 'Quand la demande est classée (traitée sans suite, doublon…).',
};

function statusDefinition(status: NotifiedStatus): NotificationDefinition {
  return {
    key: `request.status.${status}`,
    slug: STATUS_SLUGS[status],
    channel: 'mail',
    label: `Statut « ${STATUS_LABELS[status]} »`,
    when: STATUS_WHEN[status],
    placeholders: ALL_MAIL,
    defaultSubject: 'Votre demande n° {{numero}} : {{statut}} – {{commune}}',
    defaultBody:
      'Bonjour,\n\nVotre demande n° {{numero}} auprès de la mairie de {{commune}} a changé de statut : {{statut}}.',
    automatic: ['le message de l’agent à l’usager, s’il en a écrit un, entre guillemets', ...FOLLOW_UP],
    exampleStatus: status,
  };
}

export const NOTIFICATIONS: readonly NotificationDefinition[] = [
  {
    key: 'request.received',
    slug: 'accuse-de-reception',
    channel: 'mail',
    label: 'Accusé de réception',
    when: 'Dès qu’une demande est déposée (en ligne, au guichet ou par l’API), si l’usager a donné son adresse électronique.',
    placeholders: ALL_MAIL.filter((p) => p !== 'statut'),
    defaultSubject: 'Demande n° {{numero}} bien reçue – {{commune}}',
    defaultBody:
      'Bonjour,\n\nLa mairie de {{commune}} a bien reçu votre demande « {{demarche}} » le {{date_depot}}. Son numéro est le {{numero}} : rappelez-le dans vos échanges avec la mairie.',
    automatic: [
      'l’accusé de réception en PDF, en pièce jointe, et la phrase qui l’annonce',
      'la règle du silence de l’administration (accord ou rejet) et sa date, quand la démarche en a une',
      'l’adresse de l’accusé de réception en ligne (usagers qui ont un compte)',
      ...FOLLOW_UP,
    ],
    exampleStatus: 'nouvelle',
  },
  ...NOTIFIED_STATUSES.map(statusDefinition),
  {
    key: 'request.message',
    slug: 'nouveau-message',
    channel: 'mail',
    label: 'Nouveau message de la mairie',
    when: 'Quand un agent écrit à l’usager depuis l’espace agent ou par l’API.',
    placeholders: ALL_MAIL,
    defaultSubject: 'Nouveau message de la mairie sur votre demande n° {{numero}} – {{commune}}',
    defaultBody: 'Bonjour,\n\nLa mairie de {{commune}} vous a écrit au sujet de votre demande n° {{numero}}.',
    automatic: [
      'le message lui-même et ses pièces jointes, pour un usager sans compte (qui ne peut pas le lire en ligne)',
      ...FOLLOW_UP,
    ],
    exampleStatus: 'en_cours',
  },
  {
    key: 'sms.status_changed',
    slug: 'sms-changement-de-statut',
    channel: 'sms',
    label: 'SMS de changement de statut',
    when: 'À chaque changement de statut, si la commune a activé les SMS et si l’usager a donné un numéro de téléphone mobile dans sa demande.',
    placeholders: ['numero', 'demarche', 'statut', 'commune', 'date_limite', 'lien'],
    defaultSubject: null,
    // GSM alphabet only (no « », ’ or ê): one SMS of at most 160 characters for usual values.
    defaultBody:
      'Mairie de {{commune}} : votre demande {{numero}} est maintenant "{{statut}}". Détails par courriel ou dans votre espace en ligne.',
    automatic: ['rien : le SMS contient exactement ce texte'],
    exampleStatus: 'acceptee',
  },
];

export function findNotification(slug: string): NotificationDefinition | undefined {
  return NOTIFICATIONS.find((n) => n.slug === slug);
}

export function notificationByKey(key: NotificationKey): NotificationDefinition {
  const found = NOTIFICATIONS.find((n) => n.key === key);
  if (!found) throw new Error(`unknown notification ${key}`);
  return found;
}

/** The mail sent when a request moves to `status` (none for 'nouvelle', which is never notified). */
export function statusNotificationKey(status: RequestStatus): NotificationKey | null {
  return status === 'nouvelle' ? null : `request.status.${status}`;
}

/** The value of {{statut}}. */
export function statusValue(status: RequestStatus): string {
  return STATUS_LABELS[status].toLowerCase();
}

/** Example values for the preview, with the commune's real name and addresses. */
export function exampleValues(
  definition: NotificationDefinition,
  commune: { name: string; slug: string },
  publicUrl: string,
): PlaceholderValues {
  return {
    numero: '2026-000042',
    demarche: 'Signaler un problème sur la voie publique',
    statut: statusValue(definition.exampleStatus),
    commune: commune.name,
    nom: 'Camille Martin',
    date_depot: formatDateTime(new Date('2026-05-12T08:30:00Z')),
    date_limite: formatDate(new Date('2026-06-11T12:00:00Z')),
    lien: `${publicUrl}/c/${commune.slug}/demandes/2026-000042`,
  };
}

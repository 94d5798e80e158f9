/** French labels of the courrier's values, shared by its pages. */
import type { TagColour } from '../../platform/views/components.js';
import type { MailCategory, MailStatus, OcrStatus, OutgoingStatus } from './schema.js';

export const CATEGORY_LABELS: Record<MailCategory, string> = {
  courrier: 'Courrier simple',
  recommande: 'Recommandé avec accusé de réception',
  courriel: 'Courriel',
  depot: 'Déposé à l’accueil',
};

export const PRIORITY_LABELS = { normale: 'Normale', urgente: 'Urgente' } as const;

export const STATUS_LABELS: Record<MailStatus, { text: string; colour?: TagColour }> = {
  a_traiter: { text: 'À traiter' },
  en_cours: { text: 'En cours', colour: 'yellow' },
  clos: { text: 'Clos', colour: 'grey' },
};

export const OCR_LABELS: Record<OcrStatus, string> = {
  aucun: 'Aucun scan à lire',
  en_attente: 'Lecture du texte en attente',
  en_cours: 'Lecture du texte en cours',
  termine: 'Texte lu',
  echec: 'Lecture du texte impossible',
  indisponible: 'Lecture automatique indisponible',
};

export const OUTGOING_LABELS: Record<OutgoingStatus, string> = {
  brouillon: 'Brouillon',
  au_parapheur: 'Au parapheur',
  signe: 'Signée',
  refuse: 'Refusée au parapheur',
  envoye: 'Envoyée',
};

export const CHANNEL_LABELS = {
  lre: 'Lettre recommandée électronique',
  courriel: 'Courriel',
  papier: 'Courrier papier',
} as const;

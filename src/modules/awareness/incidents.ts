/**
 * The security officer's checklist for a declared incident (ANSSI « Attaque par rançongiciel » and
 * cybermalveillance.gouv.fr first steps; RGPD art. 33 and 34 for a personal-data breach), and the
 * facts the CNIL notification asks for (RGPD art. 33(3)). Plain data.
 */
import type { PersonalData } from './repo.js';

export interface IncidentStep {
  key: string;
  label: string;
  hint: string;
  /** Only for a (possible) personal-data breach. */
  personalDataOnly?: boolean;
}

export const INCIDENT_STEPS: readonly IncidentStep[] = [
  {
    key: 'isoler',
    label: 'Isoler la machine ou le compte',
    hint: 'Débrancher la machine du réseau (câble et Wi-Fi) sans l’éteindre ; suspendre le compte touché.',
  },
  {
    key: 'preserver',
    label: 'Préserver les traces',
    hint: 'Ne rien effacer ni réinstaller ; noter les heures, les messages affichés, les fichiers touchés ; garder le message piégé.',
  },
  {
    key: 'reinitialiser',
    label: 'Réinitialiser les accès',
    hint: 'Changer les mots de passe du compte touché et de ceux qui partageaient le même mot de passe ; fermer ses sessions ; vérifier la double authentification.',
  },
  {
    key: 'contacts',
    label: 'Prévenir les bons contacts',
    hint: 'L’OPSN ou le prestataire informatique de la commune ; le CERT-FR (cert.ssi.gouv.fr) pour une attaque ; cybermalveillance.gouv.fr pour trouver une aide ; un dépôt de plainte si nécessaire.',
  },
  {
    key: 'cnil',
    label: 'Notifier la CNIL',
    hint: 'Sur notifications.cnil.fr, dans les 72 heures après en avoir pris connaissance, même incomplète (des compléments peuvent suivre).',
    personalDataOnly: true,
  },
  {
    key: 'personnes',
    label: 'Informer les personnes concernées si le risque est élevé',
    hint: 'RGPD art. 34 : en termes clairs, la nature de la violation, ses conséquences probables et les mesures prises.',
    personalDataOnly: true,
  },
];

export function stepsFor(personalData: PersonalData): IncidentStep[] {
  return INCIDENT_STEPS.filter((s) => !s.personalDataOnly || personalData !== 'non');
}

/** What the notification to the CNIL must give (RGPD art. 33(3)). */
export const CNIL_NOTIFICATION_FACTS = [
  'La nature de la violation : ce qui s’est passé, les catégories et le nombre approximatif de personnes et d’enregistrements concernés.',
  'Le nom et les coordonnées du délégué à la protection des données ou d’un autre point de contact.',
  'Les conséquences probables de la violation.',
  'Les mesures prises ou envisagées pour y remédier et en limiter les effets.',
] as const;

export const PERSONAL_DATA_LABELS: Record<PersonalData, string> = {
  oui: 'Oui',
  non: 'Non',
  inconnu: 'Je ne sais pas',
};

/**
 * Kinds of supporting documents ("justificatifs") a citizen keeps in the vault, and the rule of
 * their dates. The same list is what a démarche's file field may name as `documentKind` (forms
 * module), so that a document of the vault can be offered there. No dependency: the form engine
 * imports it.
 */

export const DOCUMENT_KINDS = [
  'justificatif_domicile',
  'attestation_caf',
  'piece_identite',
  'livret_famille',
  'rib',
  'avis_imposition',
  'autre',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === 'string' && (DOCUMENT_KINDS as readonly string[]).includes(value);
}

export interface DocumentKindRule {
  /** French name, as shown in lists ("Justificatif de domicile"). */
  label: string;
  /** Examples shown under the choice. */
  hint: string;
  /** Which date the citizen must give: the issue date, the end of validity, or neither. */
  requires: 'issuedOn' | 'validUntil' | null;
  /** Validity counted from the issue date when no end date is typed (calendar months). */
  defaultValidityMonths?: number;
}

export const DOCUMENT_KIND_RULES: Record<DocumentKind, DocumentKindRule> = {
  justificatif_domicile: {
    label: 'Justificatif de domicile',
    hint: 'Facture d’électricité, de gaz, d’eau ou de téléphone fixe, quittance de loyer, attestation d’assurance habitation. Les démarches l’acceptent pendant 3 mois après sa date d’émission.',
    requires: 'issuedOn',
    defaultValidityMonths: 3,
  },
  attestation_caf: {
    label: 'Attestation CAF ou de quotient familial',
    hint: 'Attestation de paiement ou de quotient familial de la CAF ou de la MSA.',
    requires: 'issuedOn',
  },
  piece_identite: {
    label: 'Pièce d’identité',
    hint: 'Carte nationale d’identité, passeport ou titre de séjour. Indiquez sa date d’expiration.',
    requires: 'validUntil',
  },
  livret_famille: { label: 'Livret de famille', hint: 'Les pages utiles, en un seul fichier.', requires: null },
  rib: { label: 'Relevé d’identité bancaire (RIB)', hint: 'À votre nom, avec l’IBAN.', requires: null },
  avis_imposition: {
    label: 'Avis d’imposition',
    hint: 'Avis d’impôt sur le revenu, de taxe foncière ou de taxe d’habitation.',
    requires: 'issuedOn',
  },
  autre: { label: 'Autre document', hint: 'Tout autre document que vous joignez souvent.', requires: null },
};

/** Days before the end of validity from which a document is shown as "expire bientôt". */
export const EXPIRING_SOON_DAYS = 30;

export type DocumentStatus = 'valide' | 'expire_bientot' | 'expire';

export const DOCUMENT_STATUS_LABELS: Record<DocumentStatus, string> = {
  valide: 'Valide',
  expire_bientot: 'Expire bientôt',
  expire: 'Expiré',
};

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The status of a document on a given day (`YYYY-MM-DD`, Europe/Paris): expired the day after
 * its end of validity, "expire bientôt" in the last 30 days, valid otherwise (and always when it
 * has no end of validity).
 */
export function documentStatus(validUntil: string | null, today: string): DocumentStatus {
  if (validUntil === null) return 'valide';
  if (validUntil < today) return 'expire';
  return validUntil < addDays(today, EXPIRING_SOON_DAYS) ? 'expire_bientot' : 'valide';
}

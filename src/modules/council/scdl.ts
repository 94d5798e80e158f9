/**
 * The SCDL « Délibérations » open-data file (schema scdl/deliberations 2.1.5,
 * schema.data.gouv.fr): its 17 columns in the schema's order, one row per published délibération,
 * CSV in UTF-8 with a comma separator, fields quoted when they hold a comma, a quote or a line
 * break (RFC 4180), missing values as empty fields. The ACTES matières (level 2) name
 * DELIB_MATIERE_NOM as the schema asks: « niveau 1/niveau 2 », lowercase with accents, without
 * comma or bracket. `scdlProblems` checks a row against the schema's field rules.
 */

export const SCDL_COLUMNS = [
  'COLL_NOM',
  'COLL_SIRET',
  'DELIB_ID',
  'DELIB_DATE',
  'DELIB_MATIERE_CODE',
  'DELIB_MATIERE_NOM',
  'DELIB_OBJET',
  'BUDGET_ANNEE',
  'BUDGET_NOM',
  'PREF_ID',
  'PREF_DATE',
  'VOTE_EFFECTIF',
  'VOTE_REEL',
  'VOTE_POUR',
  'VOTE_CONTRE',
  'VOTE_ABSTENTION',
  'DELIB_URL',
] as const;
export type ScdlColumn = (typeof SCDL_COLUMNS)[number];
export type ScdlRow = Record<ScdlColumn, string>;

const LEVEL_1: Record<string, string> = {
  '1': 'commande publique',
  '2': 'urbanisme',
  '3': 'domaine et patrimoine',
  '4': 'fonction publique',
  '5': 'institutions et vie politique',
  '6': 'libertés publiques et pouvoirs de police',
  '7': 'finances locales',
  '8': 'domaines de compétences par thèmes',
  '9': 'autres domaines de compétences',
};

/** ACTES nomenclature, level 2 (the codes the SCDL schema allows: 1.1–1.7 … 9.1–9.4). */
export const ACTES_MATIERES: Record<string, string> = {
  '1.1': 'marchés publics',
  '1.2': 'délégation de service public',
  '1.3': 'conventions de mandat',
  '1.4': 'autres types de contrats',
  '1.5': 'transactions protocole d’accord transactionnel',
  '1.6': 'actes relatifs à la maîtrise d’œuvre',
  '1.7': 'actes spéciaux et divers',
  '2.1': 'documents d’urbanisme',
  '2.2': 'actes relatifs au droit d’occupation ou d’utilisation des sols',
  '2.3': 'droit de préemption urbain',
  '3.1': 'acquisitions',
  '3.2': 'aliénations',
  '3.3': 'locations',
  '3.4': 'limites territoriales',
  '3.5': 'actes de gestion du domaine public',
  '3.6': 'actes de gestion du domaine privé',
  '4.1': 'personnels titulaires et stagiaires de la fpt',
  '4.2': 'personnels contractuels',
  '4.3': 'fonction publique hospitalière',
  '4.4': 'autres catégories de personnels',
  '4.5': 'régime indemnitaire',
  '5.1': 'election exécutif',
  '5.2': 'fonctionnement des assemblées',
  '5.3': 'désignation de représentants',
  '5.4': 'délégation de fonctions',
  '5.5': 'délégation de signature',
  '5.6': 'exercice des mandats locaux',
  '5.7': 'intercommunalité',
  '5.8': 'décision d’ester en justice',
  '6.1': 'police municipale',
  '6.2': 'pouvoir du président du conseil général',
  '6.3': 'pouvoir du président du conseil régional',
  '6.4': 'autres actes réglementaires',
  '6.5': 'actes pris au nom de l’état',
  '7.1': 'décisions budgétaires',
  '7.2': 'fiscalité',
  '7.3': 'emprunts',
  '7.4': 'interventions économiques',
  '7.5': 'subventions',
  '7.6': 'contributions budgétaires',
  '7.7': 'avances',
  '7.8': 'fonds de concours',
  '7.9': 'prise de participation',
  '7.10': 'divers',
  '8.1': 'enseignement',
  '8.2': 'aide sociale',
  '8.3': 'voirie',
  '8.4': 'aménagement du territoire',
  '8.5': 'politique de la ville-habitat-logement',
  '8.6': 'emploi-formation professionnelle',
  '8.7': 'transports',
  '8.8': 'environnement',
  '8.9': 'culture',
  '9.1': 'autres domaines de compétences des communes',
  '9.2': 'autres domaines de compétences des départements',
  '9.3': 'autres domaines de compétences des régions',
  '9.4': 'voeux et motions',
};

/** « 7.1 » → « finances locales/décisions budgétaires »; undefined for a code ACTES does not have. */
export function matiereName(code: string): string | undefined {
  const level2 = ACTES_MATIERES[code];
  const level1 = LEVEL_1[code.split('.')[0] ?? ''];
  return level2 && level1 ? `${level1}/${level2}` : undefined;
}

/** The choices of a form: « 7.1 – Finances locales / Décisions budgétaires ». */
export function matiereOptions(): Array<{ value: string; label: string }> {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return Object.keys(ACTES_MATIERES).map((code) => ({
    value: code,
    label: `${code} – ${cap(LEVEL_1[code.split('.')[0]!]!)} / ${ACTES_MATIERES[code]}`,
  }));
}

export interface ScdlInput {
  communeName: string;
  siret: string;
  number: string;
  /** Adoption date (the séance's Paris date, YYYY-MM-DD). */
  adoptedOn: string;
  matiereCode: string;
  title: string;
  membersInOffice: number;
  voters: number;
  pour: number;
  contre: number;
  abstentions: number;
  url: string;
}

export function scdlRow(d: ScdlInput): ScdlRow {
  return {
    COLL_NOM: d.communeName,
    COLL_SIRET: d.siret,
    DELIB_ID: d.number,
    DELIB_DATE: d.adoptedOn,
    DELIB_MATIERE_CODE: d.matiereCode,
    DELIB_MATIERE_NOM: matiereName(d.matiereCode) ?? '',
    DELIB_OBJET: d.title,
    BUDGET_ANNEE: '',
    BUDGET_NOM: '',
    PREF_ID: '',
    PREF_DATE: '',
    VOTE_EFFECTIF: String(d.membersInOffice),
    VOTE_REEL: String(d.voters),
    VOTE_POUR: String(d.pour),
    VOTE_CONTRE: String(d.contre),
    VOTE_ABSTENTION: String(d.abstentions),
    DELIB_URL: d.url,
  };
}

/** One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The whole file: the header line, then one line per row, CRLF line ends (RFC 4180). */
export function scdlCsv(rows: readonly ScdlRow[]): string {
  const lines = [SCDL_COLUMNS.join(','), ...rows.map((r) => SCDL_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** SIRET: 14 digits whose Luhn sum is a multiple of 10. */
export function isSiret(value: string): boolean {
  if (!/^\d{14}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let digit = Number(value[13 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const INTEGER = /^\d+$/;

/** What breaks the schema's field rules in a row (empty: valid), field by field. */
export function scdlProblems(row: ScdlRow): string[] {
  const problems: string[] = [];
  for (const c of [
    'COLL_NOM',
    'COLL_SIRET',
    'DELIB_ID',
    'DELIB_DATE',
    'DELIB_MATIERE_CODE',
    'DELIB_MATIERE_NOM',
    'DELIB_OBJET',
  ] as const)
    if (!row[c]) problems.push(`${c} obligatoire`);
  if (row.COLL_SIRET && !/^\d{14}$/.test(row.COLL_SIRET)) problems.push('COLL_SIRET : 14 chiffres');
  if (row.DELIB_DATE && !/^\d{4}-\d{2}-\d{2}$/.test(row.DELIB_DATE)) problems.push('DELIB_DATE : AAAA-MM-JJ');
  if (row.DELIB_MATIERE_CODE && !/^\d\.\d{1,2}$/.test(row.DELIB_MATIERE_CODE))
    problems.push('DELIB_MATIERE_CODE : motif ^\\d\\.\\d{1,2}$');
  else if (row.DELIB_MATIERE_CODE && matiereName(row.DELIB_MATIERE_CODE) !== row.DELIB_MATIERE_NOM)
    problems.push('DELIB_MATIERE_NOM ne correspond pas au code ACTES');
  if (row.BUDGET_ANNEE && !/^[0-9]{4}(\/[0-9]{4})?$/.test(row.BUDGET_ANNEE))
    problems.push('BUDGET_ANNEE : AAAA ou AAAA/AAAA');
  const counts = ['VOTE_EFFECTIF', 'VOTE_REEL', 'VOTE_POUR', 'VOTE_CONTRE', 'VOTE_ABSTENTION'] as const;
  for (const c of counts) if (row[c] && !INTEGER.test(row[c])) problems.push(`${c} : nombre entier`);
  if (counts.every((c) => INTEGER.test(row[c]))) {
    const [effectif, reel, pour, contre, abstention] = counts.map((c) => Number(row[c])) as [
      number,
      number,
      number,
      number,
      number,
    ];
    if (pour + contre + abstention > reel) problems.push('VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION > VOTE_REEL');
    if (reel > effectif) problems.push('VOTE_REEL > VOTE_EFFECTIF');
  }
  if (row.DELIB_URL && !/^https?:\/\/\S+$/.test(row.DELIB_URL)) problems.push('DELIB_URL : adresse web');
  return problems;
}

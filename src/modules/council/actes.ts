/**
 * The @ctes transmission package of a délibération (legality control, CGCT L2131-1 and L2131-2):
 * the ACTES envelope (namespace `http://www.interieur.gouv.fr/ACTES#v1.1-20040216`, root
 * `actes:Acte`) and the files named by the convention the tiers de télétransmission use
 * (`99_DE-<dépt>-<SIREN>-<AAAAMMJJ>-<NUMÉRO>-DE-1-1_<n>.pdf`). Pure: no storage, no sending.
 * What could not be checked against the ministry's schema is listed in decision 0047.
 */
import { matiereName } from './scdl.js';

export const ACTES_NAMESPACE = 'http://www.interieur.gouv.fr/ACTES#v1.1-20040216';

/** Nature codes of ACTES and their abbreviations in ids and file names (1 = délibération, DE). */
export const ACTES_NATURES = { 1: 'DE', 2: 'AR', 3: 'AI', 4: 'CC', 5: 'BF', 6: 'AU' } as const;
export type ActesNature = keyof typeof ACTES_NATURES;

export interface ActesInput {
  /** Code of the département on three characters (« 034 », « 02A »). */
  departement: string;
  /** SIREN of the commune (the first 9 digits of its SIRET). */
  siren: string;
  /** Paris date of the decision (the séance), ISO. */
  date: string;
  /** The délibération's number (« 2027-000001 »). */
  number: string;
  nature?: ActesNature;
  /** ACTES matière, level 2 (« 7.1 »). */
  matiere: string;
  objet: string;
  /** Date of the version of the commune's classification (ISO). */
  classificationDate: string;
  /** Annexes' count: named `_2.pdf`, `_3.pdf`… after the act. */
  annexes?: number;
}

export interface ActesPackage {
  /** The act's id stamped on documents: `DDD-SIREN-AAAAMMJJ-NUMÉRO-DE`. */
  actId: string;
  /** File names: the act first, then the annexes. */
  files: string[];
  envelopeName: string;
  envelope: string;
}

/** NumeroInterne as tiers de télétransmission send it: upper case, `-` replaced by `_`. */
export function actesNumero(number: string): string {
  return number.toUpperCase().replace(/-/g, '_');
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function actesPackage(input: ActesInput): ActesPackage {
  if (!/^(\d{3}|02[AB])$/.test(input.departement)) throw new Error('Département invalide (trois caractères)');
  if (!/^\d{9}$/.test(input.siren)) throw new Error('SIREN invalide');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date) || !/^\d{4}-\d{2}-\d{2}$/.test(input.classificationDate))
    throw new Error('Date invalide');
  if (!matiereName(input.matiere)) throw new Error('Matière ACTES inconnue');
  const numero = actesNumero(input.number);
  if (!/^[A-Z0-9_]{1,15}$/.test(numero)) throw new Error('Numéro interne invalide');
  const nature = input.nature ?? 1;
  const abbr = ACTES_NATURES[nature];
  const day = input.date.replace(/-/g, '');
  const actId = `${input.departement}-${input.siren}-${day}-${numero}-${abbr}`;
  const stem = `99_${abbr}-${actId}-1-1`;
  const annexes = input.annexes ?? 0;
  const files = Array.from({ length: annexes + 1 }, (_, i) => `${stem}_${i + 1}.pdf`);
  const levels = input.matiere.split('.');
  const objet = input.objet.replace(/\s+/g, ' ').trim();
  const envelope = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<actes:Acte xmlns:actes="${ACTES_NAMESPACE}" actes:Date="${input.date}" actes:NumeroInterne="${numero}" actes:CodeNatureActe="${nature}">`,
    ...levels.map((code, i) => `  <actes:CodeMatiere${i + 1} actes:CodeMatiere="${code}"/>`),
    `  <actes:Objet>${xml(objet)}</actes:Objet>`,
    `  <actes:ClassificationDateVersion>${input.classificationDate}</actes:ClassificationDateVersion>`,
    '  <actes:Document>',
    `    <actes:NomFichier>${files[0]}</actes:NomFichier>`,
    '  </actes:Document>',
    annexes
      ? [
          `  <actes:Annexes actes:Nombre="${annexes}">`,
          ...files
            .slice(1)
            .map((f) => `    <actes:Annexe>\n      <actes:NomFichier>${f}</actes:NomFichier>\n    </actes:Annexe>`),
          '  </actes:Annexes>',
        ].join('\n')
      : '  <actes:Annexes actes:Nombre="0"/>',
    '  <actes:DocumentPapier>N</actes:DocumentPapier>',
    '</actes:Acte>',
    '',
  ].join('\n');
  return { actId, files, envelopeName: `${stem}_0.xml`, envelope };
}

/**
 * The @ctes transmission package of a délibération (legality control, CGCT L2131-1 and L2131-2),
 * as the tiers de télétransmission build it for the ministry (S²LOW, Stela): a tar.gz
 * `EACT--<SIREN>--<AAAAMMJJ>-<n>.tar.gz` holding the transport envelope
 * (`EACT--<SIREN>--<AAAAMMJJ>-<n>.xml`, root `actes:EnveloppeCLMISILL`: the emitter's IDCL, the
 * return addresses, the message sent), the message of the act (`<dépt>-<SIREN>-<AAAAMMJJ>-
 * <NUMÉRO>-DE-1-1_0.xml`, root `actes:Acte`, namespace
 * `http://www.interieur.gouv.fr/ACTES#v1.1-20040216`) and the act itself
 * (`99_DE-<dépt>-<SIREN>-<AAAAMMJJ>-<NUMÉRO>-DE-1-1_1.pdf`, annexes `_2`, `_3`…). Pure: no storage,
 * no sending. What could not be checked against the ministry's schema is listed in decisions 0047
 * and 0055.
 */
import { gzipSync } from 'node:zlib';
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
  /** The message of the act (`…-1-1_0.xml`, root `actes:Acte`). */
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
  // The message of the act carries no document-type prefix (S²LOW and Pastell name it `<id>-1-1_0.xml`).
  return { actId, files, envelopeName: `${actId}-1-1_0.xml`, envelope };
}

/** IDCL natures of the emitter (S²LOW's authority types): 31 is a commune. */
export const COLLECTIVITY_NATURES = {
  '31': 'Commune',
  '33': 'Établissement public rattaché à la commune',
  '41': 'Syndicat de communes ou syndicat mixte fermé',
  '44': 'Communauté de communes',
  '46': 'Communauté d’agglomération',
} as const;

export interface ActesEmitter {
  departement: string;
  /** Arrondissement of the commune (one digit, « 1 » for the prefecture's). */
  arrondissement: string;
  siren: string;
  /** IDCL nature (COLLECTIVITY_NATURES). */
  nature: string;
  /** Where the prefecture's acknowledgement and letters are sent. */
  returnEmails: string[];
}

export interface TransmissionInput extends ActesInput {
  emitter: ActesEmitter;
  /** Paris date the package was prepared (the envelope's date), ISO, and its number that day (1–9999). */
  envelopeDate: string;
  envelopeNumber: number;
  /** The signed act (PDF) and its annexes, in order. */
  act: Buffer;
  annexFiles?: Buffer[];
  /** Modification time of the archive's entries. */
  preparedAt: Date;
}

export interface TransmissionPackage {
  archiveName: string;
  /** The entries in the archive's order: transport envelope, message, act, annexes. */
  entries: Array<{ name: string; content: Buffer }>;
  archive: Buffer;
  actId: string;
}

/** The transport envelope (`actes:EnveloppeCLMISILL`) naming the message it carries. */
export function transportEnvelope(emitter: ActesEmitter, messageName: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<actes:EnveloppeCLMISILL xmlns:actes="${ACTES_NAMESPACE}" xmlns:insee="http://xml.insee.fr/schema">`,
    '  <actes:Emetteur>',
    `    <actes:IDCL insee:SIREN="${emitter.siren}" actes:Departement="${emitter.departement}" actes:Arrondissement="${emitter.arrondissement}" actes:Nature="${emitter.nature}"/>`,
    '  </actes:Emetteur>',
    '  <actes:AdressesRetour>',
    ...emitter.returnEmails.map((e) => `    <actes:Email>${xml(e)}</actes:Email>`),
    '  </actes:AdressesRetour>',
    '  <actes:FormulairesEnvoyes>',
    '    <actes:Formulaire>',
    `      <actes:NomFichier>${messageName}</actes:NomFichier>`,
    '    </actes:Formulaire>',
    '  </actes:FormulairesEnvoyes>',
    '</actes:EnveloppeCLMISILL>',
    '',
  ].join('\n');
}

/** The whole package of one act, ready for the tiers de télétransmission. */
export function actesTransmission(input: TransmissionInput): TransmissionPackage {
  const { emitter } = input;
  if (emitter.siren !== input.siren || emitter.departement !== input.departement)
    throw new Error('Émetteur incohérent');
  if (!/^\d$/.test(emitter.arrondissement)) throw new Error('Arrondissement invalide');
  if (!(emitter.nature in COLLECTIVITY_NATURES)) throw new Error('Nature de collectivité inconnue');
  if (emitter.returnEmails.length === 0) throw new Error('Adresse de retour manquante');
  if (!Number.isInteger(input.envelopeNumber) || input.envelopeNumber < 1 || input.envelopeNumber > 9999)
    throw new Error('Numéro d’enveloppe invalide');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.envelopeDate)) throw new Error('Date invalide');
  const annexFiles = input.annexFiles ?? [];
  const message = actesPackage({ ...input, annexes: annexFiles.length });
  const base = `EACT--${input.siren}--${input.envelopeDate.replace(/-/g, '')}-${input.envelopeNumber}`;
  const entries = [
    { name: `${base}.xml`, content: Buffer.from(transportEnvelope(emitter, message.envelopeName), 'utf8') },
    { name: message.envelopeName, content: Buffer.from(message.envelope, 'utf8') },
    { name: message.files[0]!, content: input.act },
    ...annexFiles.map((content, i) => ({ name: message.files[i + 1]!, content })),
  ];
  return { archiveName: `${base}.tar.gz`, entries, archive: tarGz(entries, input.preparedAt), actId: message.actId };
}

/** A POSIX ustar archive of regular files (names ≤ 100 bytes), gzipped. */
export function tarGz(entries: ReadonlyArray<{ name: string; content: Buffer }>, mtime: Date): Buffer {
  const blocks: Buffer[] = [];
  const seconds = Math.floor(mtime.getTime() / 1000);
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    if (name.length > 100) throw new Error(`Nom trop long pour l’archive : ${entry.name}`);
    const header = Buffer.alloc(512);
    name.copy(header, 0);
    const octal = (value: number, offset: number, width: number) =>
      header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
    octal(0o644, 100, 8);
    octal(0, 108, 8);
    octal(0, 116, 8);
    octal(entry.content.length, 124, 12);
    octal(seconds, 136, 12);
    header.fill(' ', 148, 156);
    header.write('0', 156, 1, 'ascii');
    header.write('ustar\0', 257, 6, 'ascii');
    header.write('00', 263, 2, 'ascii');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
    blocks.push(header, entry.content, Buffer.alloc((512 - (entry.content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/**
 * PES V2 Aller bordereaux in the parapheur: a folder « bordereau de mandats » or « bordereau de
 * titres » may carry the finance software's XML file instead of a PDF. It is checked when it is
 * deposited (well-formed, root PES_Aller, at least one Bordereau with an Id, none signed yet, the
 * blocks of the folder's type), and the signature step signs every bordereau in XAdES
 * (signing.ts). People see a summary of the bordereaux, never the XML.
 */
import { AppError } from '../../platform/errors.js';
import { formatEuros } from '../../platform/money.js';
import { type PesSummary, readPesAller, SignatureInputError } from '../../platform/signature/index.js';
import { formatNumber } from '../../platform/views/format.js';
import type { CircuitTemplate, DocumentType } from './circuits.js';

export const PES_MIME_TYPE = 'application/xml';

export const PES_DOCUMENT_TYPES: readonly DocumentType[] = ['bordereau_mandats', 'bordereau_titres'];

export const isPes = (doc: { mimeType: string }): boolean => doc.mimeType === PES_MIME_TYPE;

function refused(code: string, message: string): AppError {
  return new AppError(`signature.${code}`, code, 422, { userMessage: message, fields: { document: message } });
}

/** The XML as text (UTF-8; a byte-order mark dropped). */
export function pesText(content: Buffer): string {
  return content.toString('utf8').replace(/^\uFEFF/, '');
}

/** Reads a stored PES file's summary (it was checked when deposited). */
export function pesSummaryOf(content: Buffer): PesSummary {
  return readPesAller(pesText(content));
}

/**
 * Checks a deposited PES file against the folder's type and circuit; returns its summary, or
 * throws a 422 with a French message on the « document » field.
 */
export function checkPesDeposit(
  type: DocumentType,
  content: Buffer,
  circuit: Pick<CircuitTemplate, 'steps'> | null,
): PesSummary {
  if (!PES_DOCUMENT_TYPES.includes(type)) {
    return fail(
      'pes_wrong_type',
      'Un fichier XML ne peut être déposé que pour un bordereau de mandats ou de titres (flux PES V2) ; pour un autre type, joignez un PDF.',
    );
  }
  let summary: PesSummary;
  try {
    summary = readPesAller(pesText(content));
  } catch (error) {
    if (error instanceof SignatureInputError) return fail(error.code.replace('.', '_'), error.frenchMessage);
    throw error;
  }
  const wanted = type === 'bordereau_mandats' ? 'depense' : 'recette';
  const stray = summary.bordereaux.find((b) => b.domain !== wanted);
  if (stray) {
    return fail(
      'pes_wrong_domain',
      type === 'bordereau_mandats'
        ? `Le bordereau ${stray.id} n’est pas un bordereau de mandats (bloc PES_DepenseAller attendu) : déposez-le comme bordereau de titres.`
        : `Le bordereau ${stray.id} n’est pas un bordereau de titres (bloc PES_RecetteAller attendu) : déposez-le comme bordereau de mandats.`,
    );
  }
  const signed = summary.bordereaux.find((b) => b.signed);
  if (signed)
    return fail('pes_already_signed', `Le bordereau ${signed.id} est déjà signé : déposez le flux avant signature.`);
  if (circuit && circuit.steps.filter((s) => s.kind === 'signature').length > 1) {
    return fail(
      'pes_one_signature',
      'Chaque bordereau d’un flux PES ne porte qu’une signature, celle de l’ordonnateur : le circuit de ce type de document a plusieurs étapes de signature. Un administrateur doit le corriger dans les réglages du parapheur.',
    );
  }
  return summary;

  function fail(code: string, message: string): never {
    throw refused(code, message);
  }
}

const DOMAIN: Record<PesSummary['bordereaux'][number]['domain'], string> = {
  depense: 'Mandats',
  recette: 'Titres',
  autre: 'Autre',
};

/** One row per bordereau, as pages and the proof sheet show it. */
export function bordereauRows(summary: PesSummary) {
  return summary.bordereaux.map((b) => {
    const pieces =
      b.declaredPieces !== null && b.declaredPieces !== b.pieces
        ? `${formatNumber(b.pieces)} (${formatNumber(b.declaredPieces)} annoncées)`
        : formatNumber(b.pieces);
    return {
      id: b.id,
      label: `${b.number ? `n° ${b.number}` : b.id}${b.year ? ` (exercice ${b.year})` : ''}`,
      type: `${DOMAIN[b.domain]}${b.type ? `, type ${b.type}${b.domain === 'recette' && b.type === '06' ? ' (ORMC)' : ''}` : ''}`,
      pieces,
      amount: b.amountCents === null ? 'non indiqué' : formatEuros(b.amountCents),
      signed: b.signed,
    };
  });
}

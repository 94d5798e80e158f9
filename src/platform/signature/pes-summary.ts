/**
 * What a person must see of a PES V2 Aller file before signing it, instead of its XML: each
 * bordereau's domain (dépense: mandats, recette: titres), number (IdBord), exercise, type
 * (TypBord), pieces (declared NbrPce and the Piece elements actually there) and total (MtBordHt,
 * in cents), and whether it is signed already. `readPesAller` also checks what signing needs
 * (well-formed XML, root PES_Aller, at least one Bordereau, each with an Id) and throws
 * SignatureInputError with a French message otherwise.
 */
import { SignatureInputError } from './errors.js';
import { bordereaux, idOf, ownSignature, parsePes } from './xades.js';

export interface PesBordereauSummary {
  /** The Id attribute the signature references. */
  id: string;
  /** dépense (PES_DepenseAller: mandats) or recette (PES_RecetteAller: titres). */
  domain: 'depense' | 'recette' | 'autre';
  /** IdBord (the bordereau's number), Exer (the exercise), TypBord (its type code), as written. */
  number: string | null;
  year: string | null;
  type: string | null;
  /** NbrPce as declared, and the Piece elements counted. */
  declaredPieces: number | null;
  pieces: number;
  /** MtBordHt in cents (null when absent or not an amount). */
  amountCents: number | null;
  signed: boolean;
}

export interface PesSummary {
  /** NomFic of the envelope, IdColl (SIRET) and LibelleColBud of the header, as written. */
  fileName: string | null;
  collectivity: string | null;
  siret: string | null;
  bordereaux: PesBordereauSummary[];
  /** Sum of the bordereaux's amounts, in cents. */
  totalCents: number;
}

function child(parent: Element, localName: string): Element | null {
  const wanted = localName.toLowerCase();
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName.toLowerCase() === wanted) return n as Element;
  }
  return null;
}

function first(doc: Document | Element, localName: string): Element | null {
  return (doc.getElementsByTagNameNS('*', localName)[0] as Element | undefined) ?? null;
}

const attributeV = (el: Element | null): string | null => el?.getAttribute('V')?.trim() || null;

/** « 1250.00 » → 125000; null when it is not a PES amount. */
export function pesAmountToCents(v: string | null): number | null {
  const m = v ? /^(-?)(\d{1,15})(?:\.(\d{1,2}))?$/.exec(v) : null;
  if (!m) return null;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

/** Reads and checks a PES Aller file for signing; throws SignatureInputError (French) otherwise. */
export function readPesAller(xml: string): PesSummary {
  const doc = parsePes(xml);
  const list = bordereaux(doc);
  if (list.length === 0) {
    throw new SignatureInputError('Ce flux PES ne contient aucun bordereau à signer.', 'pes.no_bordereau');
  }
  const out: PesBordereauSummary[] = list.map((b, i) => {
    const id = idOf(b);
    if (!id) {
      throw new SignatureInputError(
        `Le bordereau n° ${i + 1} n’a pas d’attribut Id : il ne peut pas être signé.`,
        'pes.bordereau_without_id',
      );
    }
    const parent = (b.parentNode as Element | null)?.localName ?? '';
    const bloc = child(b, 'BlocBordereau') ?? b;
    const declared = attributeV(child(bloc, 'NbrPce'));
    return {
      id,
      domain: parent === 'PES_DepenseAller' ? 'depense' : parent === 'PES_RecetteAller' ? 'recette' : 'autre',
      number: attributeV(child(bloc, 'IdBord')),
      year: attributeV(child(bloc, 'Exer')),
      type: attributeV(child(bloc, 'TypBord')),
      declaredPieces: declared && /^\d{1,9}$/.test(declared) ? Number(declared) : null,
      pieces: Array.from(b.childNodes).filter((n) => n.nodeType === 1 && (n as Element).localName === 'Piece').length,
      amountCents: pesAmountToCents(attributeV(child(bloc, 'MtBordHt'))),
      signed: ownSignature(b) !== null,
    };
  });
  return {
    fileName: attributeV(first(doc, 'NomFic')),
    collectivity: attributeV(first(doc, 'LibelleColBud')),
    siret: attributeV(first(doc, 'IdColl')),
    bordereaux: out,
    totalCents: out.reduce((sum, b) => sum + (b.amountCents ?? 0), 0),
  };
}

/**
 * A month's rôle as a PES V2 « ORMC » bordereau (Ordre de Recette Multi-Créanciers, domain rules
 * §4.3), pure: the commune's Hélios identifiers and the invoices in, the `PES_Aller` XML out.
 *
 * - `Enveloppe` (Parametres Version, TypFic PESALR2, NomFic; Emetteur) and `EnTetePES` (DteStr,
 *   IdPost, LibellePoste, IdColl = SIRET, CodCol, CodBud, LibelleColBud);
 * - `PES_RecetteAller` / `EnTeteRecette` (IdVer 2, InfoDematerialisee 0: no pièce justificative
 *   in the file) / one `Bordereau` with its `Id` (what the ordonnateur's XAdES signature, put on
 *   in the parapheur, refers to): `BlocBordereau` with Exer, IdBord (the rôle number, unique per
 *   year), DteBordEm, TypBord 06 (ORMC), NbrPce, MtBordHt (the sum of the pieces), DteAsp (the
 *   day the « avis des sommes à payer » go out: the invoices are already in the families'
 *   accounts) and Objet (160 characters at most);
 * - one `Piece` per invoice (the rôle's article: a debtor, the paying guardian): `BlocPiece`
 *   (IdPce, TypPce 01, NatPce 01, ObjPce with the invoice number), then one `LigneDePiece` per
 *   invoice line still owed (the sub-articles: the product), each with its `InfoLignePiece`
 *   (IdLigne, ObjLignePce, Nature = the revenue account, Majo 0, MtHT) and the debtor's `Tiers`
 *   (RefTiers, CatTiers 01 personne physique, NatJur 01 particulier, TypTiers 01, Nom, Prenom)
 *   followed by its `Adresse` (decision 0048: TypAdr 1 the main address, Adr1 the number and
 *   street, Adr2 the complement when there is one, CP, Ville, CodRes 0 resident in France,
 *   CodPays FR) — the comptable sends the avis des sommes à payer there.
 *
 * Amounts are integer cents rendered as PES decimals (« 1234.05 »). Every value sits in an
 * attribute `V`, escaped (& < > " '), accents kept (UTF-8). Length limits are cut, never refused.
 */

export const PES_NAMESPACE = 'http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller';
export const PES_COMMON_NAMESPACE = 'http://www.minefi.gouv.fr/cp/helios/pes_v2/commun';
/**
 * The bordereau's XML Id, which its XAdES signature refers to (signature module: one enveloped
 * signature per Bordereau): an NCName, unique in the file, e.g. « ORMC-2026-0000012 ».
 */
export function bordereauId(kind: 'ORMC' | 'ANNUL', exer: number, idBord: number): string {
  return `${kind}-${exer}-${String(idBord).padStart(7, '0')}`;
}

/** TypBord of an ORMC bordereau (a rôle). */
export const ORMC_TYPBORD = '06';
/** TypBord of an annulation-réduction bordereau (domain rules §4.3: 02, to confirm). */
export const CANCELLATION_TYPBORD = '02';

export interface HeliosIdentity {
  idPost: string;
  libellePoste: string;
  /** SIRET of the budget (IdColl). */
  siret: string;
  codCol: string;
  codBud: string;
  /** The commune's name as the comptable knows the budget (LibelleColBud). */
  libelleColBud: string;
  /** Revenue account of the lines (e.g. 7067, redevances des services périscolaires). */
  nature: string;
}

/** The debtor's postal address (from the citizen's profile): where the avis des sommes à payer goes. */
export interface DebtorAddress {
  line1: string;
  line2?: string;
  postcode: string;
  city: string;
}

export interface OrmcPiece {
  invoiceNumber: string;
  debtor: { reference: string; givenName: string; familyName: string; address: DebtorAddress };
  lines: ReadonlyArray<{ label: string; amountCents: number }>;
}

export interface OrmcRole {
  exer: number;
  idBord: number;
  /** Paris date the bordereau is emitted and the avis sent (YYYY-MM-DD). */
  emittedOn: string;
  objet: string;
  fileName: string;
  pieces: readonly OrmcPiece[];
}

/** Integer cents as a PES amount: 123405 → « 1234.05 ». */
export function pesAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError('PES amounts are non-negative integer cents');
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** An attribute value: XML-escaped, control characters dropped, cut to `max` characters. */
export function pesText(value: string, max: number): string {
  const clean = [...value.replace(/\s+/g, ' ').trim()]
    .filter((c) => {
      const code = c.codePointAt(0)!;
      return code >= 0x20 && code !== 0x7f; // control characters are not allowed in XML 1.0
    })
    .slice(0, max)
    .join('');
  return clean.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

/** Sum of what the pieces' lines ask, in cents (MtBordHt). */
export function roleTotal(pieces: readonly OrmcPiece[]): number {
  return pieces.reduce((sum, p) => sum + p.lines.reduce((s, l) => s + l.amountCents, 0), 0);
}

function addressBlock(address: DebtorAddress, v: (name: string, value: string, indent: string) => string): string[] {
  const indent = '              ';
  return [
    '            <Adresse>',
    v('TypAdr', '1', indent),
    v('Adr1', pesText(address.line1, 38), indent),
    ...(address.line2 ? [v('Adr2', pesText(address.line2, 38), indent)] : []),
    v('CP', pesText(address.postcode, 5), indent),
    v('Ville', pesText(address.city, 38), indent),
    v('CodRes', '0', indent),
    v('CodPays', 'FR', indent),
    '            </Adresse>',
  ];
}

export function ormcXml(header: HeliosIdentity, role: OrmcRole): string {
  const pieces = role.pieces.filter((p) => p.lines.some((l) => l.amountCents > 0));
  if (pieces.length === 0) throw new RangeError('an ORMC bordereau needs at least one piece');
  const v = (name: string, value: string, indent: string) => `${indent}<${name} V="${value}"/>`;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<n:PES_Aller xmlns:n="${PES_NAMESPACE}" xmlns:cm="${PES_COMMON_NAMESPACE}">`);
  out.push(
    '  <Enveloppe>',
    '    <Parametres>',
    v('Version', '2', '      '),
    v('TypFic', 'PESALR2', '      '),
    v('NomFic', pesText(role.fileName, 100), '      '),
    '    </Parametres>',
    '    <Emetteur>',
    v('Sigle', pesText(header.libelleColBud, 38), '      '),
    v('Adresse', 'Guichet, portail famille', '      '),
    '    </Emetteur>',
    '  </Enveloppe>',
    '  <EnTetePES>',
    v('DteStr', role.emittedOn, '    '),
    v('IdPost', pesText(header.idPost, 7), '    '),
    v('LibellePoste', pesText(header.libellePoste, 100), '    '),
    v('IdColl', pesText(header.siret, 14), '    '),
    v('CodCol', pesText(header.codCol, 3), '    '),
    v('CodBud', pesText(header.codBud, 2), '    '),
    v('LibelleColBud', pesText(header.libelleColBud, 100), '    '),
    '  </EnTetePES>',
    '  <PES_RecetteAller>',
    '    <EnTeteRecette>',
    v('IdVer', '2', '      '),
    v('InfoDematerialisee', '0', '      '),
    '    </EnTeteRecette>',
    `    <Bordereau Id="${bordereauId('ORMC', role.exer, role.idBord)}">`,
    '      <BlocBordereau>',
    v('Exer', String(role.exer), '        '),
    v('IdBord', String(role.idBord), '        '),
    v('DteBordEm', role.emittedOn, '        '),
    v('TypBord', ORMC_TYPBORD, '        '),
    v('NbrPce', String(pieces.length), '        '),
    v('MtBordHt', pesAmount(roleTotal(pieces)), '        '),
    v('DteAsp', role.emittedOn, '        '),
    v('Objet', pesText(role.objet, 160), '        '),
    '      </BlocBordereau>',
  );
  pieces.forEach((piece, i) => {
    out.push(
      '      <Piece>',
      '        <BlocPiece>',
      v('IdPce', String(i + 1), '          '),
      v('TypPce', '01', '          '),
      v('NatPce', '01', '          '),
      v('ObjPce', pesText(`Facture ${piece.invoiceNumber}`, 160), '          '),
      '        </BlocPiece>',
    );
    let idLigne = 0;
    for (const line of piece.lines) {
      if (line.amountCents <= 0) continue;
      idLigne += 1;
      out.push(
        '        <LigneDePiece>',
        '          <BlocLignePiece>',
        '            <InfoLignePiece>',
        v('IdLigne', String(idLigne), '              '),
        v('ObjLignePce', pesText(line.label, 160), '              '),
        v('Nature', pesText(header.nature, 10), '              '),
        v('Majo', '0', '              '),
        v('MtHT', pesAmount(line.amountCents), '              '),
        '            </InfoLignePiece>',
        '          </BlocLignePiece>',
        '          <Tiers>',
        '            <InfoTiers>',
        v('RefTiers', pesText(piece.debtor.reference, 15), '              '),
        v('CatTiers', '01', '              '),
        v('NatJur', '01', '              '),
        v('TypTiers', '01', '              '),
        v('Nom', pesText(piece.debtor.familyName, 38), '              '),
        v('Prenom', pesText(piece.debtor.givenName, 38), '              '),
        '            </InfoTiers>',
        ...addressBlock(piece.debtor.address, v),
        '          </Tiers>',
        '        </LigneDePiece>',
      );
    }
    out.push('      </Piece>');
  });
  out.push('    </Bordereau>', '  </PES_RecetteAller>', '</n:PES_Aller>', '');
  return out.join('\n');
}

/** One invoice of a rôle reduced by credit notes: the piece of the rôle it reduces, and by what. */
export interface CancellationPiece {
  invoiceNumber: string;
  /** IdPce of the invoice in the rôle. */
  rolePiece: number;
  creditNoteNumbers: readonly string[];
  debtor: OrmcPiece['debtor'];
  lines: ReadonlyArray<{ label: string; amountCents: number }>;
}

export interface CancellationBordereau {
  exer: number;
  idBord: number;
  emittedOn: string;
  objet: string;
  fileName: string;
  /** The rôle reduced: its year and number. */
  role: { exer: number; idBord: number };
  pieces: readonly CancellationPiece[];
}

/**
 * An annulation-réduction bordereau (decision 0048): the same envelope and header as the rôle,
 * TypBord 02, MtBordHt the sum of the reductions, and per reduced invoice a piece that names the
 * rôle's bordereau and piece it reduces (`PceOrig`: Exer, IdBord, IdPce), the credit notes in
 * ObjPce, one line per amount taken off, and the debtor as in the rôle.
 */
export function cancellationXml(header: HeliosIdentity, bordereau: CancellationBordereau): string {
  const pieces = bordereau.pieces.filter((p) => p.lines.some((l) => l.amountCents > 0));
  if (pieces.length === 0) throw new RangeError('an annulation bordereau needs at least one reduction');
  const rendered = ormcXml(header, {
    exer: bordereau.exer,
    idBord: bordereau.idBord,
    emittedOn: bordereau.emittedOn,
    objet: bordereau.objet,
    fileName: bordereau.fileName,
    pieces,
  });
  // The rôle's layout with the type of the bordereau and, in each piece, what it reduces.
  let index = 0;
  return rendered
    .replace(
      `<Bordereau Id="${bordereauId('ORMC', bordereau.exer, bordereau.idBord)}">`,
      `<Bordereau Id="${bordereauId('ANNUL', bordereau.exer, bordereau.idBord)}">`,
    )
    .replace(`<TypBord V="${ORMC_TYPBORD}"/>`, `<TypBord V="${CANCELLATION_TYPBORD}"/>`)
    .replace(/<DteAsp V="[^"]*"\/>\n/, '')
    .replace(/( *)<ObjPce V="[^"]*"\/>/g, (_match, indent: string) => {
      const piece = pieces[index++]!;
      const what = `Réduction de la facture ${piece.invoiceNumber} (avoir ${piece.creditNoteNumbers.join(', ')})`;
      return [
        `${indent}<ObjPce V="${pesText(what, 160)}"/>`,
        `${indent}<PceOrig>`,
        `${indent}  <Exer V="${bordereau.role.exer}"/>`,
        `${indent}  <IdBord V="${bordereau.role.idBord}"/>`,
        `${indent}  <IdPce V="${piece.rolePiece}"/>`,
        `${indent}</PceOrig>`,
      ].join('\n');
    });
}

/** The IdPce of each invoice in an emitted rôle's XML (« Facture N » in ObjPce), by invoice number. */
export function rolePieces(xml: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const m of xml.matchAll(
    /<IdPce V="(\d+)"\/>\s*<TypPce V="01"\/>\s*<NatPce V="01"\/>\s*<ObjPce V="Facture ([^"]+)"\/>/g,
  )) {
    found.set(m[2]!, Number(m[1]));
  }
  return found;
}

/**
 * PES V2 Aller files built by hand for the parapheur's tests (and its e2e): dépense (mandats) or
 * recette (titres) bordereaux with their Id, number, pieces and total, as a finance package
 * would emit them; and xmlsec1's verdict on one bordereau's signature.
 */
import { tool, type Workdir } from './signature-tools.js';

export interface PesBordereauSpec {
  /** The IdBord (7 digits); the Id attribute is BORD_<year>_<number>. */
  number: string;
  /** Each piece's amount, « 1000.00 ». */
  pieces: string[];
}

const sum = (amounts: string[]) => (amounts.reduce((s, a) => s + Math.round(Number(a) * 100), 0) / 100).toFixed(2);

/** A PES V2 Aller file with one block (dépense: mandats, recette: titres) of bordereaux. */
export function pesAllerXml(spec: {
  domain?: 'depense' | 'recette';
  year?: string;
  bordereaux: PesBordereauSpec[];
}): string {
  const domain = spec.domain ?? 'depense';
  const year = spec.year ?? '2026';
  const block = domain === 'depense' ? 'PES_DepenseAller' : 'PES_RecetteAller';
  const head = domain === 'depense' ? 'EnTeteDepense' : 'EnTeteRecette';
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<n:PES_Aller xmlns:n="http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller" xmlns="http://www.minefi.gouv.fr/cp/helios/pes_v2/commun">',
    '  <Enveloppe><Parametres><Version V="2"/><TypFic V="PESALR2"/><NomFic V="PESALR2_21640001400011_261201_0042.xml"/></Parametres></Enveloppe>',
    '  <EnTetePES><DteStr V="2026-12-01"/><IdPost V="0640100"/><IdColl V="21640001400011"/><CodCol V="123"/><CodBud V="01"/><LibelleColBud V="COMMUNE DE VAL-DE-PREUVE"/></EnTetePES>',
    `  <${block}>`,
    `    <${head}><IdVer V="2"/><InfoDematerialisee V="1"/></${head}>`,
  ];
  for (const b of spec.bordereaux) {
    out.push(
      `    <Bordereau Id="BORD_${year}_${b.number}">`,
      '      <BlocBordereau>',
      `        <Exer V="${year}"/><IdBord V="${b.number}"/><DteBordEm V="2026-12-01"/><TypBord V="01"/>`,
      `        <NbrPce V="${b.pieces.length}"/><MtCumulAnnuel V="48250.00"/><MtBordHt V="${sum(b.pieces)}"/>`,
      '      </BlocBordereau>',
    );
    for (const [i, amount] of b.pieces.entries()) {
      out.push(
        '      <Piece>',
        `        <BlocPiece><IdPce V="${i + 1}"/><TypPce V="01"/><NatPce V="01"/><Obj V="Pièce n° ${i + 1} — fournitures"/></BlocPiece>`,
        `        <LigneDePiece><BlocLignePiece><InfoLignePiece><IdLigne V="1"/><Nature V="6067"/><MtHT V="${amount}"/></InfoLignePiece></BlocLignePiece></LigneDePiece>`,
        '      </Piece>',
      );
    }
    out.push('    </Bordereau>');
  }
  out.push(`  </${block}>`, '</n:PES_Aller>', '');
  return out.join('\n');
}

/** xmlsec1 --verify of the signature of bordereau `id` (Id SIG-<id>) against `caPem`. */
export async function xmlsecVerify(
  wd: Workdir,
  xml: string | Uint8Array,
  id: string,
  caPem: string,
): Promise<{ code: number; out: string }> {
  const n = Math.random().toString(16).slice(2);
  const file = await wd.file(`pes-${n}.xml`, xml);
  const ca = await wd.file(`ca-${n}.pem`, caPem);
  return tool('xmlsec1', [
    '--verify',
    '--trusted-pem',
    ca,
    '--id-attr:Id',
    'Bordereau',
    '--id-attr:Id',
    'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
    '--node-xpath',
    `//*[@Id='SIG-${id}']`,
    file,
  ]);
}

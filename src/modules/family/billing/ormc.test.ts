import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { type HeliosIdentity, type OrmcPiece, ormcXml, pesAmount, pesText } from './ormc.js';

const HELIOS: HeliosIdentity = {
  idPost: '076029',
  libellePoste: 'Trésorerie de Villebelle',
  siret: '21760136800012',
  codCol: '638',
  codBud: '00',
  libelleColBud: 'Commune de Villebelle',
  nature: '7067',
};

const PIECES: OrmcPiece[] = [
  {
    invoiceNumber: '2026-000001',
    debtor: {
      reference: 'F0193A1B2C3',
      givenName: 'Hélène',
      familyName: 'Dupont & Fils',
      address: { line1: '12 rue des Écoles', line2: 'Bâtiment B & C', postcode: '44150', city: 'Villebelle' },
    },
    lines: [
      { label: 'Restauration scolaire : 12 jours réservés', amountCents: 4080 },
      { label: 'Accueil du soir : 1 présence sans réservation', amountCents: 255 },
    ],
  },
  {
    invoiceNumber: '2026-000002',
    debtor: {
      reference: 'F0193A1B2C4',
      givenName: 'Zoé',
      familyName: 'L’Hôte <"Ñ">',
      address: { line1: '3 allée du Parc', postcode: '44200', city: 'Saint-Aubin-les-Prés' },
    },
    lines: [
      { label: 'Restauration scolaire : 3 jours réservés', amountCents: 300 },
      // A line entirely credited is not in the rôle.
      { label: 'Accueil du matin : 2 jours réservés', amountCents: 0 },
    ],
  },
  // An invoice with nothing left to pay is not a piece.
  {
    invoiceNumber: '2026-000003',
    debtor: {
      reference: 'X',
      givenName: 'A',
      familyName: 'B',
      address: { line1: '1 rue', postcode: '44000', city: 'Nantes' },
    },
    lines: [],
  },
];

function parse(xml: string) {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => errors.push(`${level}: ${message}`) }).parseFromString(
    xml,
    'text/xml',
  );
  expect(errors).toEqual([]);
  return doc;
}
interface Searchable {
  getElementsByTagName(name: string): ArrayLike<XmlElement>;
}
const all = (node: Searchable, name: string): XmlElement[] => Array.from(node.getElementsByTagName(name));
const value = (node: Searchable, name: string) => all(node, name)[0]?.getAttribute('V') ?? null;

describe('PES V2 ORMC bordereau of a rôle', () => {
  const xml = ormcXml(HELIOS, {
    exer: 2026,
    idBord: 42,
    emittedOn: '2026-12-03',
    objet: 'Portail famille, novembre 2026',
    fileName: 'PES_ORMC_2026_0000042.xml',
    pieces: PIECES,
  });
  const doc = parse(xml);

  it('has the PES_Aller envelope and header the comptable checks', () => {
    const root = doc.documentElement!;
    expect(root.localName).toBe('PES_Aller');
    expect(root.namespaceURI).toBe('http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller');
    expect(value(doc, 'Version')).toBe('2');
    expect(value(doc, 'TypFic')).toBe('PESALR2');
    expect(value(doc, 'NomFic')).toBe('PES_ORMC_2026_0000042.xml');
    const header = all(doc, 'EnTetePES')[0]!;
    expect(
      ['DteStr', 'IdPost', 'LibellePoste', 'IdColl', 'CodCol', 'CodBud', 'LibelleColBud'].map((n) => value(header, n)),
    ).toEqual([
      '2026-12-03',
      '076029',
      'Trésorerie de Villebelle',
      '21760136800012',
      '638',
      '00',
      'Commune de Villebelle',
    ]);
    expect(value(doc, 'IdVer')).toBe('2');
  });

  it('is one ORMC bordereau (TypBord 06) whose total is the sum of the invoices still owed', () => {
    const bloc = all(doc, 'BlocBordereau')[0]!;
    expect(value(bloc, 'Exer')).toBe('2026');
    expect(value(bloc, 'IdBord')).toBe('42');
    expect(value(bloc, 'TypBord')).toBe('06');
    expect(value(bloc, 'DteAsp')).toBe('2026-12-03');
    expect(value(bloc, 'Objet')).toBe('Portail famille, novembre 2026');
    // Two pieces (the third invoice owes nothing), 40,80 + 2,55 + 3,00 = 46,35 €.
    expect(value(bloc, 'NbrPce')).toBe('2');
    expect(value(bloc, 'MtBordHt')).toBe('46.35');
    const lineTotals = all(doc, 'MtHT').map((e) => Math.round(Number(e.getAttribute('V')) * 100));
    expect(lineTotals).toEqual([4080, 255, 300]);
    expect(lineTotals.reduce((a, b) => a + b, 0)).toBe(4635);
  });

  it('gives each invoice its piece, each owed line its debtor, the paying guardian', () => {
    const pieces = all(doc, 'Piece');
    expect(pieces.map((p) => value(p, 'ObjPce'))).toEqual(['Facture 2026-000001', 'Facture 2026-000002']);
    expect(pieces.map((p) => value(p, 'IdPce'))).toEqual(['1', '2']);
    expect(pieces.map((p) => all(p, 'LigneDePiece').length)).toEqual([2, 1]);
    for (const line of all(doc, 'LigneDePiece')) {
      for (const required of ['IdLigne', 'ObjLignePce', 'Nature', 'MtHT', 'RefTiers', 'CatTiers', 'Nom']) {
        expect(value(line, required), required).not.toBeNull();
      }
    }
    // Accents kept, ampersands, quotes and angle brackets escaped and read back as written.
    expect(all(pieces[0]!, 'Nom').map((e) => e.getAttribute('V'))).toEqual(['Dupont & Fils', 'Dupont & Fils']);
    expect(value(pieces[0]!, 'Prenom')).toBe('Hélène');
    expect(value(pieces[1]!, 'Nom')).toBe('L’Hôte <"Ñ">');
    expect(xml).toContain('Dupont &amp; Fils');
    expect(xml).toContain('L’Hôte &lt;&quot;Ñ&quot;&gt;');
  });

  it('gives each debtor the postal address the avis des sommes à payer goes to, after InfoTiers', () => {
    const tiers = all(doc, 'Tiers');
    expect(tiers).toHaveLength(3);
    const address = (t: XmlElement) =>
      ['TypAdr', 'Adr1', 'Adr2', 'CP', 'Ville', 'CodRes', 'CodPays'].map((n) => value(all(t, 'Adresse')[0]!, n));
    expect(address(tiers[0]!)).toEqual(['1', '12 rue des Écoles', 'Bâtiment B & C', '44150', 'Villebelle', '0', 'FR']);
    // No complement: no Adr2.
    expect(address(tiers[2]!)).toEqual(['1', '3 allée du Parc', null, '44200', 'Saint-Aubin-les-Prés', '0', 'FR']);
    // InfoTiers first, then Adresse (the order of the Tiers block).
    const children = Array.from(tiers[0]!.childNodes)
      .filter((n) => n.nodeType === 1)
      .map((n) => (n as XmlElement).tagName);
    expect(children).toEqual(['InfoTiers', 'Adresse']);
  });

  it('refuses a rôle with nothing to recover', () => {
    expect(() =>
      ormcXml(HELIOS, { exer: 2026, idBord: 1, emittedOn: '2026-12-03', objet: 'x', fileName: 'x', pieces: [] }),
    ).toThrow(RangeError);
  });
});

describe('PES amounts and texts', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [100, '1.00'],
    [123405, '1234.05'],
    [99999999, '999999.99'],
  ])('%i cents → %s', (cents, rendered) => {
    expect(pesAmount(cents)).toBe(rendered);
  });
  it('refuses negative or fractional cents', () => {
    expect(() => pesAmount(-1)).toThrow(RangeError);
    expect(() => pesAmount(1.5)).toThrow(RangeError);
  });
  it.each([
    ['Dupont & Fils', 38, 'Dupont &amp; Fils'],
    ['  deux   espaces\n', 38, 'deux espaces'],
    ['Élise', 3, 'Éli'],
    ['a&b', 2, 'a&amp;'],
    ['bip\u0007', 10, 'bip'],
  ])('%j cut at %i → %j', (text, max, out) => {
    expect(pesText(text, max)).toBe(out);
  });
});

/**
 * The SCDL « Délibérations » file (scdl/deliberations 2.1.5): the 17 columns in the schema's
 * order, CSV escaping (RFC 4180: comma separator, quotes doubled, line breaks kept inside quotes),
 * the ACTES matière names, the SIRET check and the schema's field rules on worked rows.
 */
import { describe, expect, it } from 'vitest';
import { csvField, isSiret, matiereName, SCDL_COLUMNS, type ScdlRow, scdlCsv, scdlProblems, scdlRow } from './scdl.js';

const base = {
  communeName: 'Commune de Villebelle',
  siret: '21860194600013',
  number: '2027-000004',
  adoptedOn: '2027-03-28',
  matiereCode: '7.1',
  title: 'Budget primitif 2027',
  membersInOffice: 15,
  voters: 14,
  pour: 10,
  contre: 3,
  abstentions: 1,
  url: 'https://guichet.example/c/villebelle/deliberations/2027-000004',
};

describe('SCDL « Délibérations » columns', () => {
  it('has the schema’s 17 columns in its order', () => {
    expect(SCDL_COLUMNS.join(',')).toBe(
      'COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,DELIB_OBJET,BUDGET_ANNEE,BUDGET_NOM,PREF_ID,PREF_DATE,VOTE_EFFECTIF,VOTE_REEL,VOTE_POUR,VOTE_CONTRE,VOTE_ABSTENTION,DELIB_URL',
    );
  });

  it('writes a row column by column, missing values empty', () => {
    expect(scdlRow(base)).toEqual({
      COLL_NOM: 'Commune de Villebelle',
      COLL_SIRET: '21860194600013',
      DELIB_ID: '2027-000004',
      DELIB_DATE: '2027-03-28',
      DELIB_MATIERE_CODE: '7.1',
      DELIB_MATIERE_NOM: 'finances locales/décisions budgétaires',
      DELIB_OBJET: 'Budget primitif 2027',
      BUDGET_ANNEE: '',
      BUDGET_NOM: '',
      PREF_ID: '',
      PREF_DATE: '',
      VOTE_EFFECTIF: '15',
      VOTE_REEL: '14',
      VOTE_POUR: '10',
      VOTE_CONTRE: '3',
      VOTE_ABSTENTION: '1',
      DELIB_URL: 'https://guichet.example/c/villebelle/deliberations/2027-000004',
    });
  });
});

describe('CSV escaping (RFC 4180, comma separator)', () => {
  it.each([
    ['Budget primitif', 'Budget primitif'],
    ['Tarifs, cantine et garderie', '"Tarifs, cantine et garderie"'],
    ['Motion « pour l’école »', 'Motion « pour l’école »'],
    ['Le "Grand Pré"', '"Le ""Grand Pré"""'],
    ['Ligne 1\nLigne 2', '"Ligne 1\nLigne 2"'],
    ['Retour\r\nchariot', '"Retour\r\nchariot"'],
    ['point-virgule ; pas de guillemets', 'point-virgule ; pas de guillemets'],
    ['', ''],
  ])('%j → %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('writes the header then one CRLF-ended line per délibération, in UTF-8 text', () => {
    const csv = scdlCsv([scdlRow({ ...base, title: 'Tarifs, "cantine"' })]);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(SCDL_COLUMNS.join(','));
    expect(lines[1]).toBe(
      'Commune de Villebelle,21860194600013,2027-000004,2027-03-28,7.1,finances locales/décisions budgétaires,"Tarifs, ""cantine""",,,,,15,14,10,3,1,https://guichet.example/c/villebelle/deliberations/2027-000004',
    );
    expect(lines[2]).toBe('');
    expect(scdlCsv([])).toBe(`${SCDL_COLUMNS.join(',')}\r\n`);
  });
});

describe('ACTES matières (level 2)', () => {
  it.each([
    ['1.1', 'commande publique/marchés publics'],
    ['1.7', 'commande publique/actes spéciaux et divers'],
    ['5.2', 'institutions et vie politique/fonctionnement des assemblées'],
    ['7.10', 'finances locales/divers'],
    ['8.4', 'domaines de compétences par thèmes/aménagement du territoire'],
    ['9.4', 'autres domaines de compétences/voeux et motions'],
    ['1.8', undefined],
    ['7.11', undefined],
    ['10.1', undefined],
    ['7', undefined],
  ])('%s → %s', (code, name) => {
    expect(matiereName(code)).toBe(name);
  });

  it('names every matière in lowercase, without comma or bracket, as the schema asks', () => {
    for (const code of ['1.1', '3.6', '4.1', '6.5', '7.9', '8.5', '9.1']) {
      const name = matiereName(code)!;
      expect(name).toBe(name.toLowerCase());
      expect(name).not.toMatch(/[,()[\]]/);
      expect(name.split('/')).toHaveLength(2);
    }
  });
});

describe('SIRET (14 digits, Luhn key)', () => {
  it.each([
    ['21860194600013', true], // Poitiers, the schema's example
    ['21999999900010', true],
    ['21860194600014', false],
    ['2186019460001', false],
    ['218601946000130', false],
    ['2186019460001A', false],
  ])('%s → %s', (siret, valid) => {
    expect(isSiret(siret)).toBe(valid);
  });
});

describe('field rules of the schema', () => {
  const row = (patch: Partial<ScdlRow>): ScdlRow => ({ ...scdlRow(base), ...patch });
  it.each<[string, Partial<ScdlRow>, string[]]>([
    ['a complete row', {}, []],
    ['no SIRET', { COLL_SIRET: '' }, ['COLL_SIRET obligatoire']],
    ['a SIRET of 13 digits', { COLL_SIRET: '2186019460001' }, ['COLL_SIRET : 14 chiffres']],
    ['a French date', { DELIB_DATE: '28/03/2027' }, ['DELIB_DATE : AAAA-MM-JJ']],
    ['a level-3 code', { DELIB_MATIERE_CODE: '7.1.2' }, ['DELIB_MATIERE_CODE : motif ^\\d\\.\\d{1,2}$']],
    [
      'a name of another code',
      { DELIB_MATIERE_NOM: 'finances locales/fiscalité' },
      ['DELIB_MATIERE_NOM ne correspond pas au code ACTES'],
    ],
    ['a budget year range', { BUDGET_ANNEE: '2027/2028' }, []],
    ['a budget year in words', { BUDGET_ANNEE: 'deux mille' }, ['BUDGET_ANNEE : AAAA ou AAAA/AAAA']],
    // Boundaries: the counts may reach the voters, the voters the members in office, not beyond.
    ['counts equal to the voters', { VOTE_POUR: '10', VOTE_CONTRE: '3', VOTE_ABSTENTION: '1', VOTE_REEL: '14' }, []],
    ['one voice too many', { VOTE_POUR: '11' }, ['VOTE_POUR + VOTE_CONTRE + VOTE_ABSTENTION > VOTE_REEL']],
    ['voters equal to the members', { VOTE_REEL: '15' }, []],
    ['more voters than members', { VOTE_REEL: '16' }, ['VOTE_REEL > VOTE_EFFECTIF']],
    ['a negative count', { VOTE_CONTRE: '-1' }, ['VOTE_CONTRE : nombre entier']],
    ['a link without scheme', { DELIB_URL: 'guichet.example/x' }, ['DELIB_URL : adresse web']],
  ])('%s', (_name, patch, problems) => {
    expect(scdlProblems(row(patch))).toEqual(problems);
  });
});

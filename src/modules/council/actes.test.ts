import { describe, expect, it } from 'vitest';
import { actesNumero, actesPackage } from './actes.js';

const base = {
  departement: '034',
  siren: '213401730',
  date: '2023-01-01',
  number: '2023-001',
  matiere: '7.1',
  objet: 'Budget primitif 2023',
  classificationDate: '2022-06-15',
};

describe('@ctes package of a délibération (ACTES protocol, CGCT L2131-1)', () => {
  it('an act of nature DE with matière 7.1 gets the ACTES id and envelope (domain rules §1.9)', () => {
    const p = actesPackage(base);
    expect(p.actId).toBe('034-213401730-20230101-2023_001-DE');
    expect(p.actId).toMatch(/^\d{3}-\d{9}-\d{8}-[^-]+-(AI|AR|DE|CC|BF|AU)$/);
    expect(p.files).toEqual(['99_DE-034-213401730-20230101-2023_001-DE-1-1_1.pdf']);
    expect(p.envelope).toContain('xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216"');
    expect(p.envelope).toContain('actes:Date="2023-01-01" actes:NumeroInterne="2023_001" actes:CodeNatureActe="1"');
    expect(p.envelope).toContain('<actes:CodeMatiere1 actes:CodeMatiere="7"/>');
    expect(p.envelope).toContain('<actes:CodeMatiere2 actes:CodeMatiere="1"/>');
    expect(p.envelope).toContain(
      '<actes:NomFichier>99_DE-034-213401730-20230101-2023_001-DE-1-1_1.pdf</actes:NomFichier>',
    );
    expect(p.envelope).toContain('<actes:Annexes actes:Nombre="0"/>');
    expect(p.envelope).toContain('<actes:DocumentPapier>N</actes:DocumentPapier>');
  });
  it('names the annexes _2, _3 after the act and lists them in the envelope', () => {
    const p = actesPackage({ ...base, annexes: 2, objet: 'Convention « A & B » <annexe>' });
    expect(p.files.map((f) => f.slice(-6))).toEqual(['_1.pdf', '_2.pdf', '_3.pdf']);
    expect(p.envelope).toContain('<actes:Annexes actes:Nombre="2">');
    expect(p.envelope).toContain('Convention « A &amp; B » &lt;annexe&gt;');
  });
  it.each([
    ['2027-000001', '2027_000001'],
    ['mr02-de', 'MR02_DE'],
  ])('NumeroInterne %s → %s (upper case, - → _)', (n, expected) => {
    expect(actesNumero(n)).toBe(expected);
  });
  it.each([
    ['a département of two digits', { departement: '34' }],
    ['a SIREN of 8 digits', { siren: '21340173' }],
    ['an unknown matière', { matiere: '7.99' }],
    ['a number too long for ACTES', { number: '2027-0000000000001' }],
  ])('refuses %s', (_, change) => {
    expect(() => actesPackage({ ...base, ...change })).toThrow();
  });
});

import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { untarGz } from '../../test/archives.js';
import { actesNumero, actesPackage, actesTransmission, tarGz } from './actes.js';

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
    expect(p.envelopeName).toBe('034-213401730-20230101-2023_001-DE-1-1_0.xml');
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

const ns = 'http://www.interieur.gouv.fr/ACTES#v1.1-20040216';
const emitter = {
  departement: '034',
  arrondissement: '2',
  siren: '213401730',
  nature: '31',
  returnEmails: ['secretariat@mairie.example'],
};

describe('@ctes transmission archive (ACTES: EnveloppeCLMISILL + message + act, tar.gz)', () => {
  const act = Buffer.from('%PDF-1.7 signed act');
  const p = actesTransmission({
    ...base,
    number: '2027-000004',
    date: '2027-03-28',
    emitter,
    envelopeDate: '2027-04-02',
    envelopeNumber: 7,
    act,
    preparedAt: new Date('2027-04-02T08:00:00Z'),
  });

  it('names the archive and its entries by the convention: EACT envelope, message _0.xml, act 99_DE _1.pdf', () => {
    expect(p.archiveName).toBe('EACT--213401730--20270402-7.tar.gz');
    const entries = untarGz(p.archive);
    expect(entries.map((e) => e.name)).toEqual([
      'EACT--213401730--20270402-7.xml',
      '034-213401730-20270328-2027_000004-DE-1-1_0.xml',
      '99_DE-034-213401730-20270328-2027_000004-DE-1-1_1.pdf',
    ]);
    expect(entries[2]!.content.equals(act)).toBe(true);
    expect(entries.every((e) => e.mtime === Date.parse('2027-04-02T08:00:00Z') / 1000)).toBe(true);
  });

  it('the transport envelope names the emitter (IDCL) and the message; the message names the act', () => {
    const [envelope, message] = untarGz(p.archive)
      .slice(0, 2)
      .map((e) => new DOMParser().parseFromString(e.content.toString('utf8'), 'text/xml'));
    const root = envelope!.documentElement!;
    expect(root.localName).toBe('EnveloppeCLMISILL');
    expect(root.namespaceURI).toBe(ns);
    const idcl = root.getElementsByTagNameNS(ns, 'IDCL')[0]!;
    expect(idcl.getAttributeNS('http://xml.insee.fr/schema', 'SIREN')).toBe('213401730');
    expect(idcl.getAttributeNS(ns, 'Departement')).toBe('034');
    expect(idcl.getAttributeNS(ns, 'Arrondissement')).toBe('2');
    expect(idcl.getAttributeNS(ns, 'Nature')).toBe('31');
    expect(root.getElementsByTagNameNS(ns, 'Email')[0]!.textContent).toBe('secretariat@mairie.example');
    expect(root.getElementsByTagNameNS(ns, 'NomFichier')[0]!.textContent).toBe(
      '034-213401730-20270328-2027_000004-DE-1-1_0.xml',
    );
    const acte = message!.documentElement!;
    expect(acte.localName).toBe('Acte');
    expect(acte.getAttributeNS(ns, 'Date')).toBe('2027-03-28');
    expect(acte.getAttributeNS(ns, 'NumeroInterne')).toBe('2027_000004');
    expect(acte.getAttributeNS(ns, 'CodeNatureActe')).toBe('1');
    expect(acte.getElementsByTagNameNS(ns, 'NomFichier')[0]!.textContent).toBe(
      '99_DE-034-213401730-20270328-2027_000004-DE-1-1_1.pdf',
    );
  });

  it('pads entries to 512-byte blocks whatever their size (0, 511, 512, 513 bytes)', () => {
    const entries = [0, 511, 512, 513].map((n, i) => ({ name: `f${i}.bin`, content: Buffer.alloc(n, i + 1) }));
    const back = untarGz(tarGz(entries, new Date(0)));
    expect(back.map((e) => [e.name, e.content.length])).toEqual(entries.map((e) => [e.name, e.content.length]));
    expect(back.every((e, i) => e.content.every((b) => b === i + 1))).toBe(true);
  });

  it.each([
    ['an arrondissement of two digits', { emitter: { ...emitter, arrondissement: '12' } }],
    ['an unknown collectivity nature', { emitter: { ...emitter, nature: '99' } }],
    ['no return address', { emitter: { ...emitter, returnEmails: [] } }],
    ['an envelope number of 5 digits', { envelopeNumber: 10000 }],
    ['an emitter of another SIREN', { emitter: { ...emitter, siren: '200000172' } }],
  ])('refuses %s', (_, change) => {
    expect(() =>
      actesTransmission({
        ...base,
        emitter,
        envelopeDate: '2027-04-02',
        envelopeNumber: 1,
        act,
        preparedAt: new Date(0),
        ...change,
      }),
    ).toThrow();
  });
});

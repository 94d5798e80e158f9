import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tool, type Workdir, workdir } from '../../test/signature-tools.js';
import {
  type CertificateAuthority,
  createCommuneCa,
  issueSigningCertificate,
  SignatureInputError,
  type SignerCredentials,
  signPesAller,
  verifyPesAller,
} from './index.js';

const PES = readFileSync(new URL('./fixtures/pes-aller.xml', import.meta.url), 'utf8');

let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let ordonnateur: SignerCredentials;
let wd: Workdir;
let signed: string;

beforeAll(async () => {
  ca = await createCommuneCa({ communeName: 'Saint-Élan' });
  otherCa = await createCommuneCa({ communeName: 'Autreville' });
  ordonnateur = await issueSigningCertificate(ca, {
    fullName: 'Jeanne Martin',
    email: 'maire@saint-elan.fr',
    title: 'Maire',
    communeName: 'Saint-Élan',
  });
  wd = await workdir();
  signed = await signPesAller(PES, ordonnateur, { signingTime: new Date('2026-12-01T14:05:00Z') });
}, 60_000);

afterAll(() => wd?.close());

async function xmlsec(xml: string, sigId: string, caPem: string) {
  const file = await wd.file(`pes-${Math.random()}.xml`, xml);
  const caFile = await wd.file(`ca-${Math.random()}.pem`, caPem);
  return tool('xmlsec1', [
    '--verify',
    '--trusted-pem',
    caFile,
    '--id-attr:Id',
    'Bordereau',
    '--id-attr:Id',
    'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
    '--node-xpath',
    `//*[@Id='${sigId}']`,
    file,
  ]);
}

describe('XAdES signature of a PES V2 Aller file', () => {
  it('puts one enveloped signature in each bordereau, with SignedProperties (signing time, certificate digest)', () => {
    const doc = new DOMParser().parseFromString(signed, 'application/xml');
    const bordereaux = Array.from(doc.getElementsByTagNameNS('*', 'Bordereau'));
    expect(bordereaux).toHaveLength(2);
    for (const b of bordereaux) {
      const sigs = Array.from(b.childNodes).filter((n) => (n as unknown as Element).localName === 'Signature');
      expect(sigs).toHaveLength(1);
      const sig = sigs[0] as unknown as Element;
      const ref = sig.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Reference')[0]!;
      expect(ref.getAttribute('URI')).toBe(`#${b.getAttribute('Id')}`);
      const transforms = Array.from(ref.getElementsByTagNameNS('*', 'Transform')).map((t) =>
        t.getAttribute('Algorithm'),
      );
      expect(transforms).toEqual([
        'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
        'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
      ]);
      expect(sig.getElementsByTagNameNS('*', 'SigningTime')[0]?.textContent).toBe('2026-12-01T14:05:00.000Z');
      expect(sig.getElementsByTagNameNS('*', 'CertDigest')).toHaveLength(1);
      expect(sig.getElementsByTagNameNS('*', 'X509Certificate').length).toBeGreaterThan(0);
    }
    // The signed file still parses as the same PES: amounts and pieces are untouched.
    expect(doc.documentElement?.localName).toBe('PES_Aller');
    expect(Array.from(doc.getElementsByTagNameNS('*', 'MtBordHt')).map((e) => e.getAttribute('V'))).toEqual([
      '1250.00',
      '480.00',
    ]);
  });

  for (const id of ['BORD_2026_0000042', 'BORD_2026_0000043']) {
    it(`xmlsec1 verifies the signature of ${id} against the commune CA, and not against another CA`, async () => {
      const ok = await xmlsec(signed, `SIG-${id}`, ca.certificatePem);
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('SignedInfo References (ok/all): 2/2');
      expect((await xmlsec(signed, `SIG-${id}`, otherCa.certificatePem)).code).not.toBe(0);
    });
  }

  it('verifyPesAller accepts the signed file', async () => {
    expect(await verifyPesAller(signed, [ca.certificatePem])).toEqual({ bordereaux: 2, valid: 2, errors: [] });
  });

  it('a changed amount breaks the signature of that bordereau only (xmlsec1 and verifyPesAller)', async () => {
    const tampered = signed.replace('<MtBordHt V="480.00"/>', '<MtBordHt V="4800.00"/>');
    expect(tampered).not.toBe(signed);
    expect((await xmlsec(tampered, 'SIG-BORD_2026_0000043', ca.certificatePem)).code).not.toBe(0);
    expect((await xmlsec(tampered, 'SIG-BORD_2026_0000042', ca.certificatePem)).code).toBe(0);
    const report = await verifyPesAller(tampered, [ca.certificatePem]);
    expect(report.valid).toBe(1);
    expect(report.errors).toEqual([
      'Bordereau BORD_2026_0000043 : la signature n’est pas valide (contenu modifié après signature).',
    ]);
  });

  it('a signature moved to another bordereau, an unknown CA and a missing signature are reported', async () => {
    expect((await verifyPesAller(signed, [otherCa.certificatePem])).errors).toEqual([
      'Bordereau BORD_2026_0000042 : le certificat du signataire n’est pas reconnu ou n’est plus valide.',
      'Bordereau BORD_2026_0000043 : le certificat du signataire n’est pas reconnu ou n’est plus valide.',
    ]);
    expect(await verifyPesAller(PES, [ca.certificatePem])).toMatchObject({
      bordereaux: 2,
      valid: 0,
      errors: ['Bordereau BORD_2026_0000042 : aucune signature.', 'Bordereau BORD_2026_0000043 : aucune signature.'],
    });
    // Swap the two signature blocks: each now sits in a bordereau it does not sign.
    const a = /<ds:Signature Id="SIG-BORD_2026_0000042"[\s\S]*?<\/ds:Signature>/.exec(signed)![0];
    const b = /<ds:Signature Id="SIG-BORD_2026_0000043"[\s\S]*?<\/ds:Signature>/.exec(signed)![0];
    const swapped = signed.replace(a, '@@A@@').replace(b, a).replace('@@A@@', b);
    const report = await verifyPesAller(swapped, [ca.certificatePem]);
    expect(report.valid).toBe(0);
    expect(report.errors[0]).toBe('Bordereau BORD_2026_0000042 : la signature ne porte pas sur ce bordereau.');
  });

  it('refuses what it cannot sign with French messages', async () => {
    const cases: [string, string][] = [
      ['pas du xml <', 'Ce fichier n’est pas un XML bien formé.'],
      ['<Autre/>', 'Ce fichier XML n’est pas un flux PES Aller (élément racine PES_Aller attendu).'],
      ['<PES_Aller><EnTetePES/></PES_Aller>', 'Ce flux PES ne contient aucun bordereau à signer.'],
      [
        '<PES_Aller><PES_DepenseAller><Bordereau/></PES_DepenseAller></PES_Aller>',
        'Le bordereau n° 1 n’a pas d’attribut Id : il ne peut pas être signé.',
      ],
      [signed, 'Le bordereau BORD_2026_0000042 est déjà signé.'],
    ];
    for (const [xml, message] of cases) {
      const err = await signPesAller(xml, ordonnateur).catch((e) => e);
      expect(err).toBeInstanceOf(SignatureInputError);
      expect(err.frenchMessage).toBe(message);
    }
  });
});

import { randomBytes } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tool, type Workdir, workdir } from '../../test/signature-tools.js';
import {
  buildCrl,
  type CertificateAuthority,
  createCommuneCa,
  decryptPrivateKey,
  encryptPrivateKey,
  issueSigningCertificate,
  readPkcs12,
  SignatureInputError,
  signPdf,
} from './index.js';

let ca: CertificateAuthority;
let wd: Workdir;
let caFile: string;

beforeAll(async () => {
  ca = await createCommuneCa({ communeName: 'Saint-Élan', now: new Date('2026-01-01T00:00:00Z'), validYears: 10 });
  wd = await workdir();
  caFile = await wd.file('ca.pem', ca.certificatePem);
}, 60_000);
afterAll(() => wd?.close());

describe('internal commune CA', () => {
  it('the CA is a self-signed RSA 3072 root valid 10 years, for certificates and CRLs only', async () => {
    const text = (await tool('openssl', ['x509', '-in', caFile, '-noout', '-text', '-nameopt', 'utf8'])).out;
    expect(text).toContain('Public-Key: (3072 bit)');
    expect(text).toContain('CN=Autorité de certification interne — Saint-Élan');
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Certificate Sign, CRL Sign/);
    expect(text).toContain('Not After : Jan  1 00:00:00 2036 GMT');
  });

  it('issues a signing certificate that openssl verifies against the CA, with the signer’s identity and usages', async () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const cert = await issueSigningCertificate(ca, {
      fullName: 'Jeanne Martin',
      email: 'maire@saint-elan.fr',
      title: 'Maire',
      communeName: 'Saint-Élan',
      validDays: 365,
      now,
      crlUrl: 'https://guichet.saint-elan.fr/pki/crl.der',
    });
    const file = await wd.file('maire.pem', cert.certificatePem);
    expect(
      (await tool('openssl', ['verify', '-attime', String(now.getTime() / 1000), '-CAfile', caFile, file])).code,
    ).toBe(0);
    const text = (await tool('openssl', ['x509', '-in', file, '-noout', '-text', '-nameopt', 'utf8'])).out;
    expect(text).toContain('CN=Jeanne Martin');
    expect(text).toContain('title=Maire');
    expect(text).toContain('email:maire@saint-elan.fr');
    expect(text).toContain('Digital Signature, Non Repudiation');
    expect(text).toContain('E-mail Protection');
    expect(text).toContain('URI:https://guichet.saint-elan.fr/pki/crl.der');
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(365 * 86_400_000 + 60_000);
    expect(text.replace(/:/g, '').toLowerCase()).toContain(cert.serialNumberHex);
    // Another CA does not vouch for it.
    const other = await createCommuneCa({ communeName: 'Autreville' });
    const otherFile = await wd.file('other.pem', other.certificatePem);
    expect(
      (await tool('openssl', ['verify', '-attime', String(now.getTime() / 1000), '-CAfile', otherFile, file])).code,
    ).not.toBe(0);
  });

  it('a revoked certificate appears in the CRL, with its date and the CRL number; the CRL verifies with the CA', async () => {
    const a = await issueSigningCertificate(ca, { fullName: 'A', email: 'a@x.fr', communeName: 'Saint-Élan' });
    const b = await issueSigningCertificate(ca, { fullName: 'B', email: 'b@x.fr', communeName: 'Saint-Élan' });
    const crl = await buildCrl(
      ca,
      [{ serialNumberHex: a.serialNumberHex, revokedAt: new Date('2026-11-30T09:15:00Z') }],
      {
        thisUpdate: new Date('2026-12-01T00:00:00Z'),
        nextUpdate: new Date('2026-12-08T00:00:00Z'),
        crlNumber: 12,
      },
    );
    const file = await wd.file('crl.der', crl);
    const { out, code } = await tool('openssl', [
      'crl',
      '-inform',
      'DER',
      '-in',
      file,
      '-noout',
      '-text',
      '-CAfile',
      caFile,
    ]);
    expect(code).toBe(0);
    expect(out).toContain('verify OK');
    const flat = out.replace(/:/g, '').toLowerCase();
    expect(flat).toContain(a.serialNumberHex);
    expect(flat).not.toContain(b.serialNumberHex);
    expect(out).toContain('Revocation Date: Nov 30 09:15:00 2026 GMT');
    expect(out).toMatch(/CRL Number:\s*\n\s*12/);
    expect(out).toContain('Next Update: Dec  8 00:00:00 2026 GMT');
  });
});

describe('private keys sealed at rest', () => {
  it('round-trips, uses a fresh IV each time, and refuses a wrong master key or an altered text', async () => {
    const key = randomBytes(32);
    const pem = (await issueSigningCertificate(ca, { fullName: 'A', email: 'a@x.fr', communeName: 'S' })).privateKeyPem;
    const sealed = encryptPrivateKey(pem, key);
    expect(sealed).toMatch(/^gk1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(encryptPrivateKey(pem, key)).not.toBe(sealed);
    expect(decryptPrivateKey(sealed, key)).toBe(pem);
    expect(() => decryptPrivateKey(sealed, randomBytes(32))).toThrow(SignatureInputError);
    const parts = sealed.split('.');
    const altered = [parts[0], parts[1], parts[2], `A${parts[3]!.slice(1)}`].join('.');
    expect(() => decryptPrivateKey(altered === sealed ? `${sealed}x` : altered, key)).toThrow(SignatureInputError);
    expect(() => decryptPrivateKey('gk9.a.b.c', key)).toThrow('clé privée enregistrée est dans un format inconnu');
    expect(() => encryptPrivateKey(pem, randomBytes(16))).toThrow();
  });
});

describe('PKCS#12 import', () => {
  async function p12(args: string[]): Promise<Uint8Array> {
    const signer = await issueSigningCertificate(ca, { fullName: 'Importé', email: 'i@x.fr', communeName: 'S' });
    const key = await wd.file(`k-${Math.random()}.pem`, signer.privateKeyPem);
    const cert = await wd.file(`c-${Math.random()}.pem`, signer.certificatePem);
    const out = `${key}.p12`;
    const r = await tool('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      key,
      '-in',
      cert,
      '-certfile',
      caFile,
      '-out',
      out,
      '-passout',
      'pass:Secret-2026',
      ...args,
    ]);
    expect(r.code).toBe(0);
    return new Uint8Array((await import('node:fs')).readFileSync(out));
  }

  const cases: [string, string[]][] = [
    ['OpenSSL 3 default (AES-256-CBC, PBKDF2, HMAC-SHA-256)', []],
    [
      '3DES keys and certificates, SHA-1 MAC',
      ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
    ],
  ];
  for (const [label, args] of cases) {
    it(`reads a PKCS#12 made by openssl pkcs12 -export: ${label}; the imported key signs a PDF`, async () => {
      const creds = readPkcs12(await p12(args), 'Secret-2026');
      expect(creds.privateKeyPem).toContain('BEGIN PRIVATE KEY');
      expect(creds.certificatePem).toContain('BEGIN CERTIFICATE');
      expect(creds.chainPem).toHaveLength(1);
      const doc = await PDFDocument.create();
      doc.addPage();
      const { pdf } = await signPdf(await doc.save(), { signer: creds, reason: 'r' });
      expect(pdf.length).toBeGreaterThan(1000);
    });
  }

  it('a wrong password, a file that is not a PKCS#12 and one without key: French errors', async () => {
    const file = await p12([]);
    const wrong = (() => {
      try {
        readPkcs12(file, 'mauvais');
      } catch (e) {
        return e as SignatureInputError;
      }
    })();
    expect(wrong).toBeInstanceOf(SignatureInputError);
    expect(wrong?.frenchMessage).toBe('Le mot de passe du certificat est incorrect.');
    expect(() => readPkcs12(new TextEncoder().encode('pas un certificat'), 'x')).toThrow(SignatureInputError);
    try {
      readPkcs12(new TextEncoder().encode('pas un certificat'), 'x');
    } catch (e) {
      expect((e as SignatureInputError).frenchMessage).toContain('n’est pas un certificat au format PKCS#12');
    }
    const certOnly = await wd.file('only.p12', new Uint8Array());
    const r = await tool('openssl', [
      'pkcs12',
      '-export',
      '-nokeys',
      '-in',
      caFile,
      '-out',
      certOnly,
      '-passout',
      'pass:x',
    ]);
    expect(r.code).toBe(0);
    try {
      readPkcs12(new Uint8Array((await import('node:fs')).readFileSync(certOnly)), 'x');
      expect.unreachable();
    } catch (e) {
      expect((e as SignatureInputError).frenchMessage).toBe(
        'Ce fichier PKCS#12 ne contient pas de clé privée de signature.',
      );
    }
  });
});

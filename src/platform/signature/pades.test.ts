import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onePagePdf } from '../../test/documents.js';
import { pdfsig, signaturesOf, tool, type Workdir, workdir } from '../../test/signature-tools.js';
import { startTestTsa, type TestTsa } from '../../test/tsa.js';
import {
  buildCrl,
  type CertificateAuthority,
  createCommuneCa,
  issueSigningCertificate,
  SignatureInputError,
  type SignerCredentials,
  signPdf,
} from './index.js';

let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let maire: SignerCredentials & { serialNumberHex: string };
let dgs: SignerCredentials;
let wd: Workdir;
let trusted: string;
let untrusted: string;
let tsa: TestTsa;

beforeAll(async () => {
  ca = await createCommuneCa({ communeName: 'Saint-Élan' });
  otherCa = await createCommuneCa({ communeName: 'Autreville' });
  maire = await issueSigningCertificate(ca, {
    fullName: 'Jeanne Martin',
    email: 'maire@saint-elan.fr',
    title: 'Maire',
    communeName: 'Saint-Élan',
  });
  dgs = await issueSigningCertificate(ca, {
    fullName: 'Paul Durand',
    email: 'dgs@saint-elan.fr',
    title: 'Directeur général des services',
    communeName: 'Saint-Élan',
  });
  wd = await workdir();
  trusted = await wd.nss([ca.certificatePem]);
  untrusted = await wd.nss([otherCa.certificatePem]);
  tsa = await startTestTsa();
}, 60_000);

afterAll(async () => {
  await tsa?.close();
  await wd?.close();
});

async function opensslCmsVerify(signed: Buffer, cms: Buffer, caPem: string) {
  const data = await wd.file(`data-${Math.random()}.bin`, signed);
  const sig = await wd.file(`sig-${Math.random()}.der`, cms);
  const caFile = await wd.file(`ca-${Math.random()}.pem`, caPem);
  return tool('openssl', [
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    sig,
    '-content',
    data,
    '-CAfile',
    caFile,
    '-out',
    '/dev/null',
  ]);
}

describe('signPdf PAdES B-B', () => {
  for (const objectStreams of [false, true]) {
    it(`signs a one-page PDF (${objectStreams ? 'cross-reference stream' : 'classic xref table'}): pdfsig valid and trusted, qpdf clean, openssl cms verifies`, async () => {
      const { pdf, level } = await signPdf(await onePagePdf(undefined, { objectStreams }), {
        signer: maire,
        reason: 'Bon pour accord',
        location: 'Saint-Élan',
        appearance: { lines: ['Signé par Jeanne Martin', 'Maire', 'le 01/12/2026 à 14:05'] },
      });
      expect(level).toBe('B-B');
      const file = await wd.file(`bb-${objectStreams}.pdf`, pdf);
      const [sig, ...rest] = await pdfsig(file, trusted);
      expect(rest).toHaveLength(0);
      expect(sig?.out).toContain('Signature Type: ETSI.CAdES.detached');
      expect(sig).toMatchObject({ valid: true, trusted: true, total: true });
      // The same signature is not trusted by a database that only knows another commune's CA.
      expect((await pdfsig(file, untrusted))[0]).toMatchObject({ valid: true, trusted: false });
      expect((await tool('qpdf', ['--check', file])).code).toBe(0);
      const [s] = signaturesOf(pdf);
      expect((await opensslCmsVerify(s!.signed, s!.cms, ca.certificatePem)).code).toBe(0);
      expect((await opensslCmsVerify(s!.signed, s!.cms, otherCa.certificatePem)).code).not.toBe(0);
      // Signed attributes of PAdES baseline: content-type, message-digest, signing-certificate-v2; no signing-time.
      const printed = (
        await tool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', await wd.file('p.der', s!.cms)])
      ).out;
      expect(printed).toContain('contentType');
      expect(printed).toContain('messageDigest');
      expect(printed).toMatch(/signingCertificateV2|1\.2\.840\.113549\.1\.9\.16\.2\.47/);
      expect(printed).not.toContain('signingTime');
    });
  }

  it('changing one byte of the signed range makes pdfsig and openssl reject the signature', async () => {
    const { pdf } = await signPdf(await onePagePdf('Montant : 1 250,00 €', { objectStreams: false }), {
      signer: maire,
      reason: 'Bon pour accord',
    });
    const [s] = signaturesOf(pdf);
    const tampered = Buffer.from(pdf);
    // A byte inside the first signed range, in the page content stream's area.
    const at = Math.floor(s!.range[1]! / 2);
    tampered[at] = tampered[at] === 0x20 ? 0x21 : 0x20;
    const file = await wd.file('tampered.pdf', tampered);
    const [verdict] = await pdfsig(file, trusted);
    expect(verdict?.valid).toBe(false);
    expect(verdict?.out).toMatch(/Signature is Invalid|Digest Mismatch|modified/i);
    const [t] = signaturesOf(tampered);
    expect((await opensslCmsVerify(t!.signed, t!.cms, ca.certificatePem)).code).not.toBe(0);
  });

  for (const objectStreams of [false, true]) {
    it(`two signatures on one PDF both stay valid (${objectStreams ? 'xref stream' : 'xref table'})`, async () => {
      const first = await signPdf(await onePagePdf(undefined, { objectStreams }), {
        signer: dgs,
        reason: 'Visa',
        appearance: { page: 0, rect: [50, 60, 220, 40], lines: ['Visé par Paul Durand', 'DGS'] },
      });
      const second = await signPdf(first.pdf, {
        signer: maire,
        reason: 'Signature',
        appearance: { lines: ['Signé par Jeanne Martin', 'Maire'] },
      });
      expect(Buffer.from(second.pdf.subarray(0, first.pdf.length)).equals(Buffer.from(first.pdf))).toBe(true);
      const file = await wd.file(`two-${objectStreams}.pdf`, second.pdf);
      const verdicts = await pdfsig(file, trusted);
      expect(verdicts).toHaveLength(2);
      expect(verdicts[0]).toMatchObject({ valid: true, trusted: true, total: false });
      expect(verdicts[1]).toMatchObject({ valid: true, trusted: true, total: true });
      expect((await tool('qpdf', ['--check', file])).code).toBe(0);
      const doc = await PDFDocument.load(second.pdf);
      const fields = doc
        .getForm()
        .getFields()
        .map((f) => f.getName());
      expect(fields).toEqual(['Signature1', 'Signature2']);
    });
  }

  it('draws the visible block at the requested place and by default at the bottom right of the last page', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    doc.addPage([595, 842]);
    const base = await doc.save();
    const lines = ['Signé par Jeanne Martin', 'Pour le maire, absent, par délégation', 'le 01/12/2026 à 14:05'];
    const placed = await signPdf(base, {
      signer: maire,
      reason: 'r',
      appearance: { page: 0, rect: [40, 700, 200, 50], lines },
    });
    const byDefault = await signPdf(base, { signer: maire, reason: 'r', appearance: { lines } });
    // Dark pixels (text, border) inside the rectangle, none in a blank area, rendered by poppler at 72 dpi.
    const darkIn = async (pdf: Uint8Array, page: number, x: number, yTop: number, w: number, h: number) => {
      const file = await wd.file(`ap-${Math.random()}.pdf`, pdf);
      const outBase = `${file}-r`;
      await tool('pdftoppm', [
        '-gray',
        '-r',
        '72',
        '-f',
        String(page),
        '-l',
        String(page),
        '-x',
        String(x),
        '-y',
        String(yTop),
        '-W',
        String(w),
        '-H',
        String(h),
        '-singlefile',
        file,
        outBase,
      ]);
      const pgm = (await import('node:fs')).readFileSync(`${outBase}.pgm`);
      const header = pgm.toString('latin1', 0, 40).match(/^P5\s+(\d+)\s+(\d+)\s+255\s/);
      const pixels = pgm.subarray(header![0].length);
      return pixels.filter((v) => v < 128).length;
    };
    // rect [40, 700, 200, 50] in PDF points: top edge at 842 - 750 = 92 from the top.
    expect(await darkIn(placed.pdf, 1, 40, 92, 200, 50)).toBeGreaterThan(50);
    expect(await darkIn(placed.pdf, 2, 300, 750, 250, 60)).toBe(0);
    // Default: last page, bottom right (x from 595-36-230 = 329, bottom 36 pt above the edge).
    expect(await darkIn(byDefault.pdf, 2, 329, 842 - 36 - 43, 230, 43)).toBeGreaterThan(50);
    expect(await darkIn(byDefault.pdf, 1, 329, 842 - 36 - 43, 230, 43)).toBe(0);
  });

  it('refuses a non-PDF, an out-of-range page and a bad rectangle with French messages', async () => {
    await expect(signPdf(new TextEncoder().encode('bonjour'), { signer: maire, reason: 'r' })).rejects.toMatchObject({
      frenchMessage: 'Ce fichier n’est pas un document PDF lisible.',
    });
    const pdf = await onePagePdf(undefined, { objectStreams: false });
    const err = await signPdf(pdf, { signer: maire, reason: 'r', appearance: { page: 3, lines: ['x'] } }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(SignatureInputError);
    expect(err.frenchMessage).toContain('La page 4 demandée pour la signature n’existe pas');
    await expect(
      signPdf(pdf, { signer: maire, reason: 'r', appearance: { rect: [0, 0, -5, 10], lines: ['x'] } }),
    ).rejects.toBeInstanceOf(SignatureInputError);
  });
});

describe('signPdf PAdES B-T and B-LT', () => {
  it('B-T: the signature-time-stamp token from the local TSA verifies with openssl ts -verify', async () => {
    const before = tsa.requests;
    const { pdf, level } = await signPdf(await onePagePdf(undefined, { objectStreams: false }), {
      signer: maire,
      reason: 'Signature',
      timestamp: { url: tsa.url },
    });
    expect(level).toBe('B-T');
    expect(tsa.requests).toBe(before + 1);
    const file = await wd.file('bt.pdf', pdf);
    expect((await pdfsig(file, trusted))[0]).toMatchObject({ valid: true, trusted: true });
    const [s] = signaturesOf(pdf);
    const ci = pkijs.ContentInfo.fromBER(new Uint8Array(s!.cms));
    const sd = new pkijs.SignedData({ schema: ci.content });
    const si = sd.signerInfos[0]!;
    const attr = si.unsignedAttrs?.attributes.find((a) => a.type === '1.2.840.113549.1.9.16.2.14');
    expect(attr).toBeDefined();
    const token = await wd.file('token.der', new Uint8Array(attr!.values[0]!.toBER(false)));
    const sigValue = await wd.file('sigvalue.bin', new Uint8Array(si.signature.valueBlock.valueHexView));
    const ok = await tool('openssl', [
      'ts',
      '-verify',
      '-in',
      token,
      '-token_in',
      '-data',
      sigValue,
      '-CAfile',
      tsa.caFile,
      '-untrusted',
      tsa.tsaCertFile,
    ]);
    expect(ok.out).toContain('Verification: OK');
    // The token does not match other data.
    const other = await wd.file('other.bin', 'autre chose');
    const bad = await tool('openssl', [
      'ts',
      '-verify',
      '-in',
      token,
      '-token_in',
      '-data',
      other,
      '-CAfile',
      tsa.caFile,
      '-untrusted',
      tsa.tsaCertFile,
    ]);
    expect(bad.out).not.toContain('Verification: OK');
  });

  it('a TSA that is down: a French error, no signed PDF', async () => {
    tsa.fail(true);
    try {
      const err = await signPdf(await onePagePdf(undefined, { objectStreams: false }), {
        signer: maire,
        reason: 'Signature',
        timestamp: { url: tsa.url },
      }).catch((e) => e);
      expect(err).toBeInstanceOf(SignatureInputError);
      expect(err.frenchMessage).toContain('Le service d’horodatage ne répond pas');
    } finally {
      tsa.fail(false);
    }
  });

  it('B-LT: a DSS in a later incremental update holds the CRL (with the revoked serial) and the certificates; the signature stays valid', async () => {
    const revoked = await issueSigningCertificate(ca, {
      fullName: 'Ancien Adjoint',
      email: 'a@saint-elan.fr',
      communeName: 'Saint-Élan',
    });
    const crl = await buildCrl(
      ca,
      [{ serialNumberHex: revoked.serialNumberHex, revokedAt: new Date('2026-11-30T10:00:00Z') }],
      {
        thisUpdate: new Date('2026-12-01T00:00:00Z'),
        nextUpdate: new Date('2026-12-08T00:00:00Z'),
        crlNumber: 3,
      },
    );
    const { pdf, level } = await signPdf(await onePagePdf(undefined, { objectStreams: true }), {
      signer: maire,
      reason: 'Signature',
      timestamp: { url: tsa.url },
      crls: [crl],
    });
    expect(level).toBe('B-LT');
    const file = await wd.file('blt.pdf', pdf);
    expect((await tool('qpdf', ['--check', file])).code).toBe(0);
    expect((await pdfsig(file, trusted))[0]).toMatchObject({ valid: true, trusted: true });
    const doc = await PDFDocument.load(pdf);
    const dss = doc.catalog.lookup(PDFName.of('DSS'), PDFDict);
    const crls = dss.lookup(PDFName.of('CRLs'), PDFArray);
    const certs = dss.lookup(PDFName.of('Certs'), PDFArray);
    expect(crls.size()).toBe(1);
    expect(certs.size()).toBe(2);
    const stored = decodePDFRawStream(crls.lookup(0, PDFRawStream)).decode();
    expect(Buffer.from(stored).equals(Buffer.from(crl))).toBe(true);
    const text = (
      await tool('openssl', ['crl', '-inform', 'DER', '-text', '-noout', '-in', await wd.file('dss.crl', stored)])
    ).out;
    expect(text.replace(/:/g, '').toLowerCase()).toContain(revoked.serialNumberHex);
    expect(text).toMatch(/CRL Number:\s*\n\s*3/);
    expect(dss.lookup(PDFName.of('VRI'), PDFDict).keys()).toHaveLength(1);
  });
});

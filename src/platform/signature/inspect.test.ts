import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTsa, type TestTsa } from '../../test/tsa.js';
import {
  buildCrl,
  type CertificateAuthority,
  createCommuneCa,
  inspectPdfSignatures,
  issueSigningCertificate,
  SignatureInputError,
  signPdf,
} from './index.js';

let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let maire: Awaited<ReturnType<typeof issueSigningCertificate>>;
let dgs: Awaited<ReturnType<typeof issueSigningCertificate>>;
let blank: Uint8Array;
let tsa: TestTsa;

beforeAll(async () => {
  ca = await createCommuneCa({ communeName: 'Saint-Élan' });
  otherCa = await createCommuneCa({ communeName: 'Autreville' });
  maire = await issueSigningCertificate(ca, {
    fullName: 'Jeanne Martin',
    email: 'maire@saint-elan.fr',
    communeName: 'Saint-Élan',
  });
  dgs = await issueSigningCertificate(ca, {
    fullName: 'Paul Durand',
    email: 'dgs@saint-elan.fr',
    communeName: 'Saint-Élan',
  });
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Arrêté municipal n° 2026-17');
  blank = await doc.save();
  tsa = await startTestTsa();
}, 60_000);

afterAll(() => tsa?.close());

describe('inspectPdfSignatures', () => {
  it('a PDF without signature: []; a non-PDF: a French error', async () => {
    expect(await inspectPdfSignatures(blank, [ca.certificatePem])).toEqual([]);
    const err = await inspectPdfSignatures(new TextEncoder().encode('%PNG pas un pdf'), []).catch((e) => e);
    expect(err).toBeInstanceOf(SignatureInputError);
    expect(err.frenchMessage).toBe('Ce fichier n’est pas un document PDF lisible.');
  });

  it('reports signer, time, intact, whole document and trust of a fresh signature', async () => {
    // /M has whole seconds; the time must fall in the certificate's validity for it to be trusted.
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const { pdf } = await signPdf(blank, { signer: maire, reason: 'Bon pour accord', signingTime: at });
    const [r, ...rest] = await inspectPdfSignatures(pdf, [ca.certificatePem]);
    expect(rest).toEqual([]);
    expect(r).toEqual({
      signerName: 'Jeanne Martin',
      signerEmail: 'maire@saint-elan.fr',
      signingTime: at,
      timestamped: false,
      level: 'B-B',
      intact: true,
      coversWholeDocument: true,
      trusted: true,
      certificateSerialHex: maire.serialNumberHex,
      subFilter: 'ETSI.CAdES.detached',
      reason: 'Bon pour accord',
    });
    // Another commune's CA does not make it trusted.
    expect((await inspectPdfSignatures(pdf, [otherCa.certificatePem]))[0]).toMatchObject({
      intact: true,
      trusted: false,
    });
  });

  it('a byte changed inside the signed range: not intact', async () => {
    const { pdf } = await signPdf(blank, { signer: maire, reason: 'r' });
    const tampered = Buffer.from(pdf);
    const at = tampered.indexOf('/MediaBox');
    tampered[at + 1] = 'm'.charCodeAt(0);
    const [r] = await inspectPdfSignatures(tampered, [ca.certificatePem]);
    expect(r).toMatchObject({ intact: false });
  });

  it('a page added after signing: intact but no longer covering the whole document', async () => {
    const { pdf } = await signPdf(blank, { signer: maire, reason: 'r' });
    // An incremental update by another tool (pdf-lib rewriting would break the range; append by hand).
    const extra = Buffer.from(
      '\n99 0 obj\n<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (ajout) >>\nendobj\n',
      'latin1',
    );
    const modified = Buffer.concat([pdf, extra]);
    const [r] = await inspectPdfSignatures(modified, [ca.certificatePem]);
    expect(r).toMatchObject({ intact: true, coversWholeDocument: false });
  });

  it('two signatures: the first no longer covers the whole file, the second does; both intact', async () => {
    const one = await signPdf(blank, { signer: dgs, reason: 'Visa' });
    const two = await signPdf(one.pdf, { signer: maire, reason: 'Signature' });
    const reports = await inspectPdfSignatures(two.pdf, [ca.certificatePem]);
    expect(reports.map((r) => [r.signerName, r.intact, r.coversWholeDocument, r.trusted])).toEqual([
      ['Paul Durand', true, false, true],
      ['Jeanne Martin', true, true, true],
    ]);
  });

  it('B-T: timestamped, with the TSA time; B-LT: the DSS update after it still counts as the whole document', async () => {
    const crl = await buildCrl(ca, [], {
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + 86_400_000),
      crlNumber: 1,
    });
    const claimed = new Date('2020-01-01T00:00:00Z');
    const { pdf } = await signPdf(blank, {
      signer: maire,
      reason: 'r',
      signingTime: claimed,
      timestamp: { url: tsa.url },
      crls: [crl],
    });
    const [r] = await inspectPdfSignatures(pdf, [ca.certificatePem]);
    expect(r).toMatchObject({
      timestamped: true,
      level: 'B-LT',
      intact: true,
      coversWholeDocument: true,
      trusted: true,
    });
    // Without the CRL in a DSS, the same timestamped signature is B-T.
    const bt = await signPdf(blank, { signer: maire, reason: 'r', signingTime: claimed, timestamp: { url: tsa.url } });
    expect((await inspectPdfSignatures(bt.pdf, [ca.certificatePem]))[0]).toMatchObject({ level: 'B-T' });
    // The trusted time is the token's, not the claimed /M.
    expect(Math.abs(r!.signingTime!.getTime() - Date.now())).toBeLessThan(10 * 60_000);
  });
});

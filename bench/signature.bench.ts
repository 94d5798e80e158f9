/**
 * Batch signing for the parapheur (issue 10): 500 one-page PDFs signed one after the other,
 * PAdES B-B, then the same with 4 in flight (RSA in the thread pool overlaps the next PDF), then B-T with the local RFC 3161 TSA (src/test/tsa.ts, `openssl ts -reply` per
 * request) one at a time and 8 at a time; the baseline, measured in the same run, is
 * `openssl speed -seconds 5 rsa2048` (the signers' key type): raw RSA-2048 signatures per second
 * on one core. A sample of the signed PDFs is read back with inspectPdfSignatures (not timed).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import {
  createCommuneCa,
  inspectPdfSignatures,
  issueSigningCertificate,
  signPdf,
} from '../src/platform/signature/index.js';
import { startTestTsa } from '../src/test/tsa.js';
import { formatNumber, formatRatio, renderTable } from './lib/table.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const exec = promisify(execFile);
const COUNT = 500;

async function opensslRsa2048SignsPerSecond(): Promise<number> {
  const { stdout } = await exec('openssl', ['speed', '-seconds', '5', 'rsa2048'], { maxBuffer: 1 << 20 });
  const m = /^rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)/m.exec(stdout);
  if (!m) throw new Error(`cannot read openssl speed output:\n${stdout}`);
  return Number(m[1]);
}

async function onePagePdfs(n: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([595, 842]);
    page.drawText(`Bordereau de mandats n° ${2026_0000 + i}`, { x: 50, y: 780, size: 14, font });
    page.drawText(`Montant : ${(i * 13.37).toFixed(2)} €`, { x: 50, y: 750, size: 12, font });
    out.push(await doc.save());
  }
  return out;
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const ca = await createCommuneCa({ communeName: 'Saint-Élan' });
  const signer = await issueSigningCertificate(ca, {
    fullName: 'Jeanne Martin',
    email: 'maire@saint-elan.fr',
    communeName: 'Saint-Élan',
  });
  const pdfs = await onePagePdfs(COUNT);
  const appearance = { lines: ['Signé par Jeanne Martin', 'Maire', 'le 01/12/2026 à 14:05'] };
  ctx.print(`${COUNT} one-page PDFs of ${formatNumber(pdfs[0]!.length, 0)} bytes; signer key RSA 2048, SHA-256`);

  ctx.print('baseline: openssl speed -seconds 5 rsa2048 …');
  const openssl = await opensslRsa2048SignsPerSecond();

  // Warm-up (JIT, caches), then B-B.
  for (let i = 0; i < 20; i++) await signPdf(pdfs[i]!, { signer, reason: 'Signature', appearance });
  let t0 = performance.now();
  const bb: Uint8Array[] = [];
  for (const pdf of pdfs) bb.push((await signPdf(pdf, { signer, reason: 'Signature', appearance })).pdf);
  const bbRate = COUNT / ((performance.now() - t0) / 1000);
  ctx.print(
    `openssl speed rsa2048: ${openssl.toFixed(0)} signs/s; PAdES B-B: ${bbRate.toFixed(1)} signatures/s (${formatRatio(bbRate, openssl, 'openssl')})`,
  );
  // The same batch with 4 signatures in flight: each one's RSA runs in libuv's thread pool while
  // the next PDF is prepared on the main thread (the machine's cores are printed above).
  t0 = performance.now();
  {
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < COUNT) {
          const pdf = pdfs[next++]!;
          await signPdf(pdf, { signer, reason: 'Signature', appearance });
        }
      }),
    );
  }
  const bb4Rate = COUNT / ((performance.now() - t0) / 1000);
  ctx.print(`PAdES B-B, 4 in flight: ${bb4Rate.toFixed(1)} signatures/s (${formatRatio(bb4Rate, openssl, 'openssl')})`);

  const tsa = await startTestTsa();
  let btRate = Number.NaN;
  let bt8Rate = Number.NaN;
  try {
    t0 = performance.now();
    for (const pdf of pdfs)
      await signPdf(pdf, { signer, reason: 'Signature', appearance, timestamp: { url: tsa.url, timeoutMs: 60_000 } });
    btRate = COUNT / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < COUNT) {
          const pdf = pdfs[next++]!;
          await signPdf(pdf, {
            signer,
            reason: 'Signature',
            appearance,
            timestamp: { url: tsa.url, timeoutMs: 120_000 },
          });
        }
      }),
    );
    bt8Rate = COUNT / ((performance.now() - t0) / 1000);
  } finally {
    await tsa.close();
  }

  const sample = [bb[0]!, bb[COUNT >> 1]!, bb[COUNT - 1]!];
  const reports = await Promise.all(sample.map((p) => inspectPdfSignatures(p, [ca.certificatePem])));
  const allGood = reports.every((r) => r.length === 1 && r[0]!.intact && r[0]!.trusted && r[0]!.coversWholeDocument);

  ctx.print(
    renderTable(
      ['what', 'signatures/s', 'ratio'],
      [
        ['openssl speed rsa2048 (raw sign, 1 core)', formatNumber(openssl, 0), '1 (baseline)'],
        ['PAdES B-B, 500 PDFs one at a time', bbRate.toFixed(1), formatRatio(bbRate, openssl, 'openssl')],
        ['PAdES B-B, 500 PDFs, 4 in flight', bb4Rate.toFixed(1), formatRatio(bb4Rate, openssl, 'openssl')],
        ['PAdES B-T (local TSA), one at a time', btRate.toFixed(1), formatRatio(btRate, openssl, 'openssl')],
        ['PAdES B-T (local TSA), 8 at a time', bt8Rate.toFixed(1), formatRatio(bt8Rate, openssl, 'openssl')],
      ],
      ['left', 'right', 'right'],
    ),
  );
  ctx.print(
    `B-B target ≥ 0.5× openssl: one at a time ${bbRate / openssl >= 0.5 ? 'met' : 'NOT met'}, 4 in flight ${bb4Rate / openssl >= 0.5 ? 'met' : 'NOT met'}; sample read back intact and trusted: ${allGood}`,
  );
  const file = ctx.writeResults('signature', {
    count: COUNT,
    opensslRsa2048SignsPerSecond: openssl,
    bbRate,
    bb4Rate,
    btRate,
    bt8Rate,
    sampleOk: allGood,
  });
  ctx.print(`results: ${file}`);
  return { ok: allGood };
}

const benchmark: Benchmark = { name: 'signature', title: 'PAdES batch signing against openssl speed rsa2048', run };
export default benchmark;

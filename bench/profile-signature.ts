/**
 * One batch of the signature benchmark under the profiler: `node --cpu-prof --cpu-prof-dir=<dir>
 * --import tsx bench/profile-signature.ts [count]` signs `count` one-page PDFs (PAdES B-B) like
 * bench/signature.bench.ts and prints the rate; open the .cpuprofile in Chrome's DevTools (or sum
 * its samples per function) to see what dominates.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createCommuneCa, issueSigningCertificate, signPdf } from '../src/platform/signature/index.js';

const count = Number(process.argv[2] ?? 200);
const ca = await createCommuneCa({ communeName: 'Saint-Élan' });
const signer = await issueSigningCertificate(ca, { fullName: 'Jeanne Martin', email: 'm@x.fr', communeName: 'S' });
const doc = await PDFDocument.create();
const font = await doc.embedFont(StandardFonts.Helvetica);
doc.addPage([595, 842]).drawText('Bordereau de mandats n° 20260001', { x: 50, y: 780, size: 14, font });
const pdf = await doc.save();
const appearance = { lines: ['Signé par Jeanne Martin', 'Maire', 'le 01/12/2026 à 14:05'] };
for (let i = 0; i < 20; i++) await signPdf(pdf, { signer, reason: 'Signature', appearance });
const t0 = performance.now();
for (let i = 0; i < count; i++) await signPdf(pdf, { signer, reason: 'Signature', appearance });
const ms = performance.now() - t0;
console.log(`${count} signatures in ${ms.toFixed(0)} ms: ${((count * 1000) / ms).toFixed(1)}/s`);

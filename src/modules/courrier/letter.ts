/**
 * The outgoing letter as PDF (platform/pdf TextDocument): the commune's heading, the recipient's
 * address block, the references of both registers, the subject, the body and the signature
 * line. The parapheur signs this file.
 */
import { TextDocument } from '../../platform/pdf/index.js';
import { formatDate } from '../../platform/views/format.js';

export async function letterPdf(input: {
  communeName: string;
  recipient: { name: string; postalAddress: string | null; email: string | null };
  outgoingChrono: string;
  incomingChrono: string | null;
  subject: string;
  body: string;
  date: string;
}): Promise<Buffer> {
  const doc = await TextDocument.create({
    title: input.subject,
    author: `Mairie de ${input.communeName}`,
    date: new Date(`${input.date}T09:00:00Z`),
    bodySize: 11,
  });
  doc.text(`Mairie de ${input.communeName}`, { size: 14, bold: true, gap: 16 });
  doc.text(input.recipient.name, { indent: 260 });
  for (const line of (input.recipient.postalAddress ?? input.recipient.email ?? '').split(/\n/)) {
    doc.text(line, { indent: 260, gap: 0 });
  }
  doc.text(`${input.communeName}, le ${formatDate(input.date)}`, { indent: 260, gap: 20 });
  doc.text(
    `Nos références : ${input.outgoingChrono}${input.incomingChrono ? ` (votre courrier enregistré sous le ${input.incomingChrono})` : ''}`,
    { size: 9 },
  );
  doc.text(`Objet : ${input.subject}`, { bold: true, gap: 14 });
  for (const paragraph of input.body.split(/\n{2,}/)) doc.text(paragraph, { gap: 10 });
  doc.text('Le maire,', { indent: 260, gap: 40 });
  return doc.finish();
}

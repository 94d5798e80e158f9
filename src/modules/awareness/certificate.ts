/**
 * The certificate of the trainings (decision 0059): one PDF once the person has passed all of
 * them, written with the platform's TextDocument — the person's name, the commune, each
 * training with the date it was passed. Deterministic for the same input (dated by the last
 * training passed).
 */
import { TextDocument } from '../../platform/pdf/index.js';
import { formatDate } from '../../platform/views/format.js';
import type { Training } from './trainings.js';

export interface CertificateInput {
  communeName: string;
  person: { givenName: string; familyName: string };
  trainings: ReadonlyArray<{ training: Training; passedAt: Date }>;
}

export async function renderCertificatePdf(input: CertificateInput): Promise<Buffer> {
  const name = `${input.person.givenName} ${input.person.familyName}`.trim();
  const last = new Date(Math.max(...input.trainings.map((t) => t.passedAt.getTime())));
  const minutes = input.trainings.reduce((sum, t) => sum + t.training.minutes, 0);
  const w = await TextDocument.create({
    title: `Attestation de formation à la cybersécurité – ${name}`,
    author: `Mairie de ${input.communeName}`,
    date: last,
    bodySize: 11,
  });
  w.text(`Mairie de ${input.communeName}`, { size: 14, bold: true });
  w.rule();
  w.text('Attestation de formation à la cybersécurité', { size: 18, bold: true, gap: 12 });
  w.text(
    `La mairie de ${input.communeName} atteste que ${name} a suivi les ${input.trainings.length} formations de sensibilisation à la cybersécurité proposées à ses agents et à ses élus (environ ${minutes} minutes au total), et a répondu juste à toutes les questions de chacune.`,
    { gap: 10 },
  );
  w.text('Formations réussies', { size: 13, bold: true, gap: 4 });
  for (const { training, passedAt } of input.trainings) {
    w.text(`– ${training.title} : réussie le ${formatDate(passedAt)}`, { indent: 8 });
  }
  w.rule();
  w.text(
    `Attestation établie le ${formatDate(last)}, date de la dernière formation réussie, par le guichet numérique de la commune.`,
    {
      size: 9,
    },
  );
  return w.finish();
}

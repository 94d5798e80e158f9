/**
 * The postal convocations of a séance as one PDF to print (CGCT L2121-10: by post for the members
 * who did not consent to electronic convocations): one letter per page, the commune as sender,
 * the member's address block where a window envelope shows it, the séance, its agenda and the
 * legal mention. Deterministic for the same input (dated by the posting day).
 */
import { TextDocument } from '../../platform/pdf/index.js';
import { parisInstant } from '../../platform/time/calendar.js';
import { formatDate } from '../../platform/views/format.js';
import type { ItemRow, MemberRow, SeanceRow } from './schema.js';

export interface LettersInput {
  communeName: string;
  communeAddress: string | null;
  seance: SeanceRow;
  items: readonly ItemRow[];
  members: readonly MemberRow[];
  /** The posting day (Paris date, YYYY-MM-DD). */
  postedOn: string;
}

export async function renderConvocationLetters(input: LettersInput): Promise<Buffer> {
  const { seance } = input;
  const w = await TextDocument.create({
    title: `Convocations postales – séance du ${formatDate(`${seance.seanceDate}T12:00:00Z`)}`,
    author: `Commune de ${input.communeName}`,
    date: parisInstant(input.postedOn, 12 * 60) ?? new Date(0),
    bodySize: 11,
  });
  const when = `${formatDate(`${seance.seanceDate}T12:00:00Z`)} à ${seance.seanceTime.replace(':', ' h ')}`;
  input.members.forEach((member, index) => {
    if (index > 0) w.pageBreak();
    w.text(`Commune de ${input.communeName}`, { bold: true, gap: 1 });
    if (input.communeAddress) w.text(input.communeAddress, { gap: 28 });
    else w.text('Mairie', { gap: 28 });
    // The address block, on the right as a window envelope shows it.
    w.text(member.fullName, { indent: 270, bold: true, gap: 1 });
    for (const line of (member.postalAddress ?? '').split(/\r?\n|,\s*/).filter(Boolean))
      w.text(line.trim(), { indent: 270, gap: 1 });
    w.text(' ', { gap: 24 });
    w.text(`${input.communeName}, le ${formatDate(`${input.postedOn}T12:00:00Z`)}`, { indent: 270, gap: 16 });
    w.text('Objet : convocation au conseil municipal', { bold: true, gap: 10 });
    w.text(`Madame, Monsieur ${member.fullName},`, { gap: 8 });
    w.text(
      `J’ai l’honneur de vous convoquer à la séance ${seance.kind === 'urgence' ? 'convoquée en urgence ' : ''}du conseil municipal qui se tiendra le ${when}, ${seance.place}.`,
      { gap: 8 },
    );
    w.text('Ordre du jour :', { bold: true, gap: 2 });
    for (const item of input.items) w.text(`${item.position}. ${item.title}`, { indent: 14, gap: 2 });
    w.text(' ', { gap: 6 });
    w.text(
      'Les notes explicatives de synthèse et les documents sont à votre disposition en mairie. Si vous ne pouvez pas assister à la séance, vous pouvez donner pouvoir écrit à un collègue de votre choix (article L2121-20 du CGCT).',
      { gap: 16 },
    );
    w.text('Le maire', { indent: 270 });
  });
  return w.finish();
}

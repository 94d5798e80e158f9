/**
 * The procès-verbal of a séance as a PDF (CGCT L2121-15): the date, place and members present,
 * represented and absent at the opening, then each item with its rapporteur, the vote and the
 * délibération's number, the substance of the debates written by the secretary of séance (decision
 * 0055), and whether it is a draft or was arrêté at a later séance. Deterministic for the same
 * input (dated by the séance's last vote).
 */
import { TextDocument } from '../../platform/pdf/index.js';
import { formatDate } from '../../platform/views/format.js';
import type { ItemRow, MemberRow, ProxyRow, SeanceRow, VoteRow } from './schema.js';

export interface MinutesInput {
  communeName: string;
  seance: SeanceRow;
  members: MemberRow[];
  opening: string[];
  proxies: ProxyRow[];
  items: ItemRow[];
  votes: Map<string, VoteRow>;
  /** The draft's state: the draft is marked as such; once arrêté, the séance that arrêta it. */
  adoptedAt?: { seanceDate: string } | null;
}

export async function renderMinutesPdf(input: MinutesInput): Promise<Buffer> {
  const { seance, members } = input;
  const name = (id: string | null) => members.find((m) => m.id === id)?.fullName ?? '—';
  const votes = [...input.votes.values()];
  const date = votes.reduce((last, v) => (v.recordedAt > last ? v.recordedAt : last), new Date(0));
  const when = `${formatDate(`${seance.seanceDate}T12:00:00Z`)} à ${seance.seanceTime.replace(':', ' h ')}`;
  const w = await TextDocument.create({
    title: `Procès-verbal de la séance du conseil municipal du ${when}`,
    author: `Commune de ${input.communeName}`,
    date,
    bodySize: 10.5,
  });
  w.text(`Commune de ${input.communeName}`, { size: 14, bold: true, gap: 2 });
  w.text('Procès-verbal de la séance du conseil municipal', { size: 16, bold: true, gap: 4 });
  if (!input.adoptedAt) w.text('PROJET – non encore arrêté par le conseil', { bold: true, gap: 4 });
  w.text(`Séance du ${when}, ${seance.place}.`, { gap: 8 });
  const represented = input.proxies
    .filter((p) => !input.opening.includes(p.giverId))
    .map((p) => `${name(p.giverId)} (pouvoir à ${name(p.holderId)})`);
  const absent = members
    .filter((m) => !input.opening.includes(m.id) && !input.proxies.some((p) => p.giverId === m.id))
    .map((m) => m.fullName);
  w.text(`Membres en exercice : ${members.length}.`);
  w.text(`Présents à l’ouverture : ${input.opening.map(name).join(', ') || 'aucun'}.`);
  w.text(`Représentés : ${represented.join(', ') || 'aucun'}.`);
  w.text(`Absents : ${absent.join(', ') || 'aucun'}.`);
  w.text(`Secrétaire de séance : ${seance.pvSecretaryId ? name(seance.pvSecretaryId) : 'non désigné'}.`, { gap: 8 });
  w.rule();
  for (const item of input.items) {
    w.text(`Point ${item.position} : ${item.title}`, { bold: true, gap: 2 });
    if (item.rapporteurId) w.text(`Rapporteur : ${name(item.rapporteurId)}.`);
    const vote = input.votes.get(item.id);
    if (!vote) {
      w.text('Point non délibéré.', { gap: 8 });
      continue;
    }
    w.text(
      `Scrutin ${vote.ballot === 'secret' ? 'secret' : 'public'} : ${vote.pour} pour, ${vote.contre} contre, ${vote.abstentions} abstention(s)${vote.notVoting ? `, ${vote.notVoting} ne prenant pas part au vote` : ''}.`,
    );
    w.text(
      vote.adopted
        ? `Adopté : délibération n° ${vote.deliberationNumber}.${vote.presidentVote ? ' La voix du président a été prépondérante.' : ''}`
        : 'Rejeté.',
      { gap: 8 },
    );
  }
  w.rule();
  w.text('Teneur des débats', { bold: true, gap: 2 });
  const debates = (seance.pvDebates ?? '').trim();
  for (const paragraph of debates ? debates.split(/\n\s*\n/) : ['Non rédigée.']) w.text(paragraph.trim(), { gap: 6 });
  w.rule();
  if (input.adoptedAt)
    w.text(
      `Procès-verbal arrêté au commencement de la séance du ${formatDate(`${input.adoptedAt.seanceDate}T12:00:00Z`)}.`,
      { gap: 8 },
    );
  w.text('Le maire                                                               Le secrétaire de séance');
  return w.finish();
}

/**
 * The délibération as a PDF (platform TextDocument): its number, the séance, the members in
 * office, present, represented (with the holder of each proxy) and absent at the item, the vote
 * counts and the result. Deterministic for the same input (the document date is the vote's).
 */
import { TextDocument } from '../../platform/pdf/index.js';
import { formatDate } from '../../platform/views/format.js';
import type { ItemRow, MemberRow, ProxyRow, SeanceRow, VoteRow } from './schema.js';

export interface DeliberationInput {
  communeName: string;
  seance: SeanceRow;
  item: ItemRow;
  vote: VoteRow;
  members: MemberRow[];
  /** Present at the opening of the item, and the proxies that voted on it. */
  present: string[];
  proxies: ProxyRow[];
}

const n = (count: number, word: string) => `${count} ${word}${count > 1 ? 's' : ''}`;

export async function renderDeliberationPdf(input: DeliberationInput): Promise<Buffer> {
  const { seance, item, vote, members } = input;
  const name = (id: string) => members.find((m) => m.id === id)?.fullName ?? '—';
  const w = await TextDocument.create({
    title: `Délibération n° ${vote.deliberationNumber ?? '—'} – ${item.title}`,
    author: `Commune de ${input.communeName}`,
    date: vote.recordedAt,
    bodySize: 10.5,
  });
  w.text(`Commune de ${input.communeName}`, { size: 14, bold: true, gap: 2 });
  w.text('Extrait du registre des délibérations du conseil municipal', { gap: 2 });
  w.rule();
  w.text(`Délibération n° ${vote.deliberationNumber ?? '—'}`, { size: 16, bold: true, gap: 4 });
  w.text(`Objet : ${item.title}`, { size: 12, bold: true, gap: 8 });
  w.text(
    `Séance du ${formatDate(`${seance.seanceDate}T12:00:00Z`)} à ${seance.seanceTime.replace(':', ' h ')}, ${seance.place}.`,
  );
  const represented = input.proxies.map((p) => `${name(p.giverId)} (pouvoir à ${name(p.holderId)})`);
  const absent = members
    .filter((m) => !input.present.includes(m.id) && !input.proxies.some((p) => p.giverId === m.id))
    .map((m) => m.fullName);
  w.text(
    `Membres en exercice : ${members.length}. Présents : ${input.present.length}. Représentés : ${represented.length}.`,
  );
  w.text(`Présents : ${input.present.map(name).join(', ') || 'aucun'}.`);
  w.text(`Représentés : ${represented.join(', ') || 'aucun'}.`);
  w.text(`Absents : ${absent.join(', ') || 'aucun'}.`, { gap: 8 });
  if (item.summary) {
    w.text('Exposé', { bold: true, gap: 2 });
    w.text(item.summary, { gap: 8 });
  }
  w.text('Vote', { bold: true, gap: 2 });
  w.text(
    `Scrutin ${vote.ballot === 'secret' ? 'secret' : 'public'} : ${n(vote.pour, 'voix')} pour, ${n(vote.contre, 'voix')} contre, ${n(vote.abstentions, 'abstention')}${vote.blancs ? `, ${vote.blancs} bulletin(s) blanc(s) ou nul(s)` : ''}${vote.notVoting ? `, ${vote.notVoting} ne prenant pas part au vote` : ''}.`,
  );
  if (vote.presidentVote)
    w.text('Partage des voix : la voix du président a été prépondérante (article L2121-20 du CGCT).');
  w.text(
    vote.adopted ? 'Le conseil municipal adopte la délibération.' : 'Le conseil municipal rejette la proposition.',
    {
      bold: true,
    },
  );
  return w.finish();
}

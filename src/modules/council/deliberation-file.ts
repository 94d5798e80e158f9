/**
 * The délibération of an item as a file: the PDF generated from the vote (deliberation-pdf.ts), or
 * the one signed in the parapheur once it came back. Shared by the secretariat's download, the
 * parapheur circuit and the publication, so that the same facts give the same document.
 */
import type { Tx } from '../../platform/db/tenant.js';
import { renderDeliberationPdf } from './deliberation-pdf.js';
import { findItem, listVotes } from './repo.js';
import { usableProxies } from './rules.js';
import type { ItemRow, SeanceRow, VoteRow } from './schema.js';
import { loadSeanceState, presentFor } from './use-cases/attendance.js';

export interface Deliberation {
  seance: SeanceRow;
  item: ItemRow;
  vote: VoteRow;
}

/** The numbered délibération of an item (undefined when the item is unknown, rejected or not voted). */
export async function findDeliberation(tx: Tx, communeId: string, itemId: string): Promise<Deliberation | undefined> {
  const item = await findItem(tx, communeId, itemId);
  if (!item) return undefined;
  const [vote] = await listVotes(tx, communeId, [item.id]);
  if (!vote?.deliberationNumber) return undefined;
  const state = await loadSeanceState(tx, communeId, item.seanceId);
  if (!state) return undefined;
  return { seance: state.seance, item, vote };
}

/** The PDF generated from the vote (the members present and represented at the item). */
export async function generatedDeliberationPdf(
  tx: Tx,
  communeId: string,
  communeName: string,
  d: Deliberation,
): Promise<Buffer> {
  const state = (await loadSeanceState(tx, communeId, d.seance.id))!;
  const present = presentFor(state, d.item);
  return renderDeliberationPdf({
    communeName,
    seance: d.seance,
    item: d.item,
    vote: d.vote,
    members: state.members,
    present,
    proxies: usableProxies(state.proxies, present, d.vote.interestedIds),
  });
}

/** The délibération as it stands: the signed PDF once the parapheur sent it back, else the generated one. */
export async function currentDeliberationPdf(
  tx: Tx,
  communeId: string,
  communeName: string,
  d: Deliberation,
): Promise<Buffer> {
  if (d.vote.signedSha256) return tx.blobs.get({ communeId }, d.vote.signedSha256);
  return generatedDeliberationPdf(tx, communeId, communeName, d);
}

/** Front door of the council: what other modules (the demo) may ask of it. */
import type { Tx } from '../../platform/db/tenant.js';
import { insertConvocation, insertItem, insertMember, insertSeance } from './repo.js';
import type { MemberRole } from './schema.js';

export { legalSeats } from './rules.js';

export interface SeedCouncilMember {
  fullName: string;
  role: MemberRole;
  politicalGroup?: string;
  email: string;
  /** The élu's account, when they sign in to their space. */
  accountId?: string | null;
}

export interface SeedSeance {
  /** Paris date and time of the séance. */
  date: string;
  time: string;
  place: string;
  items: Array<{ title: string; summary?: string; rapporteur?: number; closedSession?: boolean }>;
  /** The convocations' sending instant: the séance is convened with a proof per member. */
  convenedAt: Date;
}

/**
 * Seeds a council (members in office, electronic convocation with consent) and a convened séance
 * with its agenda, in the caller's transaction (the demo commune).
 */
export async function seedCouncil(
  tx: Tx,
  communeId: string,
  members: readonly SeedCouncilMember[],
  seances: readonly SeedSeance[],
): Promise<void> {
  const ids: string[] = [];
  for (const m of members) {
    const row = await insertMember(tx, {
      communeId,
      accountId: m.accountId ?? null,
      fullName: m.fullName,
      role: m.role,
      politicalGroup: m.politicalGroup ?? null,
      channel: 'electronique',
      email: m.email,
      electronicConsentAt: new Date('2026-03-20T10:00:00Z'),
      postalAddress: null,
    });
    ids.push(row.id);
  }
  for (const s of seances) {
    const seance = await insertSeance(tx, {
      communeId,
      seanceDate: s.date,
      seanceTime: s.time,
      place: s.place,
      kind: 'ordinaire',
      status: 'convoquee',
      firstSeanceId: null,
    });
    let position = 1;
    for (const item of s.items) {
      await insertItem(tx, {
        communeId,
        seanceId: seance.id,
        position: position++,
        title: item.title,
        summary: item.summary ?? null,
        rapporteurId: item.rapporteur === undefined ? null : (ids[item.rapporteur] ?? null),
        closedSession: item.closedSession ?? false,
      });
    }
    for (const memberId of ids)
      await insertConvocation(tx, {
        communeId,
        seanceId: seance.id,
        memberId,
        channel: 'electronique',
        sentAt: s.convenedAt,
        recordedBy: null,
      });
  }
}

/**
 * Queries of the appointments module. Private to the module; every function takes the commune
 * and filters by it (Row-Level Security is the second barrier).
 */
import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../platform/db/tenant.js';
import {
  type Agenda,
  agenda,
  type Booking,
  type BookingStatus,
  booking,
  closure,
  type Feed,
  feed,
  type Motif,
  motif,
  opening,
  waitlist,
} from './schema.js';
import type { AgendaCalendar, TakenSeat } from './slots.js';

// — Agendas, opening hours, closures —

export function listAgendas(tx: Tx, communeId: string): Promise<Agenda[]> {
  return tx.db
    .select()
    .from(agenda)
    .where(eq(agenda.communeId, communeId))
    .orderBy(asc(agenda.place), asc(agenda.desk));
}

export async function findAgenda(tx: Tx, communeId: string, id: string): Promise<Agenda | undefined> {
  const rows = await tx.db
    .select()
    .from(agenda)
    .where(and(eq(agenda.communeId, communeId), eq(agenda.id, id)));
  return rows[0];
}

export async function insertAgenda(
  tx: Tx,
  values: Omit<typeof agenda.$inferInsert, 'id' | 'createdAt' | 'active'>,
): Promise<string> {
  const id = uuidv7();
  await tx.db.insert(agenda).values({ ...values, id, active: true });
  return id;
}

/** An agenda's place, desk, address, holidays and coordinates (its service never changes). */
export async function updateAgendaPlace(
  tx: Tx,
  communeId: string,
  id: string,
  values: Pick<typeof agenda.$inferInsert, 'place' | 'desk' | 'address' | 'alsaceMoselle' | 'latitude' | 'longitude'>,
): Promise<void> {
  await tx.db
    .update(agenda)
    .set(values)
    .where(and(eq(agenda.communeId, communeId), eq(agenda.id, id)));
}

export async function setAgendaActive(tx: Tx, communeId: string, id: string, active: boolean): Promise<void> {
  await tx.db
    .update(agenda)
    .set({ active })
    .where(and(eq(agenda.communeId, communeId), eq(agenda.id, id)));
}

/** Locks an agenda's row until the end of the transaction: bookings of one desk are written one at a time. */
export async function lockAgenda(tx: Tx, communeId: string, id: string): Promise<boolean> {
  const { rows } = await tx.client.query(
    'SELECT id FROM appointment_agenda WHERE commune_id = $1 AND id = $2 AND active FOR UPDATE',
    [communeId, id],
  );
  return rows.length === 1;
}

export function listOpenings(tx: Tx, communeId: string, agendaId: string) {
  return tx.db
    .select()
    .from(opening)
    .where(and(eq(opening.communeId, communeId), eq(opening.agendaId, agendaId)))
    .orderBy(asc(opening.weekday), asc(opening.startMinute));
}

export async function insertOpening(tx: Tx, values: Omit<typeof opening.$inferInsert, 'id'>): Promise<void> {
  await tx.db.insert(opening).values({ ...values, id: uuidv7() });
}

export async function deleteOpening(tx: Tx, communeId: string, agendaId: string, id: string): Promise<boolean> {
  const rows = await tx.db
    .delete(opening)
    .where(and(eq(opening.communeId, communeId), eq(opening.agendaId, agendaId), eq(opening.id, id)))
    .returning({ id: opening.id });
  return rows.length > 0;
}

export function listClosures(tx: Tx, communeId: string, agendaId: string) {
  return tx.db
    .select()
    .from(closure)
    .where(and(eq(closure.communeId, communeId), eq(closure.agendaId, agendaId)))
    .orderBy(asc(closure.startDate));
}

export async function insertClosure(tx: Tx, values: Omit<typeof closure.$inferInsert, 'id'>): Promise<void> {
  await tx.db.insert(closure).values({ ...values, id: uuidv7() });
}

export async function deleteClosure(tx: Tx, communeId: string, agendaId: string, id: string): Promise<boolean> {
  const rows = await tx.db
    .delete(closure)
    .where(and(eq(closure.communeId, communeId), eq(closure.agendaId, agendaId), eq(closure.id, id)))
    .returning({ id: closure.id });
  return rows.length > 0;
}

/** What the slot search needs of an agenda. */
export async function agendaCalendar(tx: Tx, communeId: string, a: Agenda): Promise<AgendaCalendar> {
  return (await agendaCalendars(tx, communeId, [a])).get(a.id)!;
}

/** The calendars of several agendas in two queries (the slot search reads every desk of a service). */
export async function agendaCalendars(
  tx: Tx,
  communeId: string,
  agendas: readonly Agenda[],
): Promise<Map<string, AgendaCalendar>> {
  const ids = agendas.map((a) => a.id);
  if (ids.length === 0) return new Map();
  const openings = await tx.db
    .select()
    .from(opening)
    .where(and(eq(opening.communeId, communeId), inArray(opening.agendaId, ids)))
    .orderBy(asc(opening.weekday), asc(opening.startMinute));
  const closures = await tx.db
    .select()
    .from(closure)
    .where(and(eq(closure.communeId, communeId), inArray(closure.agendaId, ids)))
    .orderBy(asc(closure.startDate));
  return new Map(
    agendas.map((a) => [
      a.id,
      {
        openings: openings.filter((o) => o.agendaId === a.id),
        closures: closures.filter((c) => c.agendaId === a.id),
        alsaceMoselle: a.alsaceMoselle,
      },
    ]),
  );
}

// — Motifs —

export function listMotifs(tx: Tx, communeId: string): Promise<Motif[]> {
  return tx.db.select().from(motif).where(eq(motif.communeId, communeId)).orderBy(asc(motif.name));
}

export async function findMotif(tx: Tx, communeId: string, id: string): Promise<Motif | undefined> {
  const rows = await tx.db
    .select()
    .from(motif)
    .where(and(eq(motif.communeId, communeId), eq(motif.id, id)));
  return rows[0];
}

export async function insertMotif(
  tx: Tx,
  values: Omit<typeof motif.$inferInsert, 'id' | 'createdAt' | 'active'>,
): Promise<string> {
  const id = uuidv7();
  await tx.db.insert(motif).values({ ...values, id, active: true });
  return id;
}

export async function setMotifActive(tx: Tx, communeId: string, id: string, active: boolean): Promise<void> {
  await tx.db
    .update(motif)
    .set({ active })
    .where(and(eq(motif.communeId, communeId), eq(motif.id, id)));
}

// — Bookings —

/** Seats taken on an agenda between two instants (live bookings, with their motif's buffer). */
export async function takenSeats(
  tx: Tx,
  communeId: string,
  agendaId: string,
  from: Date,
  to: Date,
): Promise<Array<TakenSeat & { bookingId: string }>> {
  return (await takenSeatsOf(tx, communeId, [agendaId], from, to)).get(agendaId) ?? [];
}

/** The seats taken on several agendas between two instants, in one query, by agenda. */
export async function takenSeatsOf(
  tx: Tx,
  communeId: string,
  agendaIds: readonly string[],
  from: Date,
  to: Date,
): Promise<Map<string, Array<TakenSeat & { bookingId: string }>>> {
  const byAgenda = new Map<string, Array<TakenSeat & { bookingId: string }>>(agendaIds.map((id) => [id, []]));
  if (agendaIds.length === 0) return byAgenda;
  // Instants read as epoch milliseconds: parsing thousands of timestamps from text was a third of
  // the slot search.
  const { rows } = await tx.client.query<{
    agenda_id: string;
    id: string;
    motif_id: string;
    starts_ms: number;
    ends_ms: number;
    seat: number;
    buffer_minutes: number;
  }>(
    `SELECT b.agenda_id, b.id, b.motif_id, b.seat, m.buffer_minutes,
            extract(epoch FROM b.starts_at)::float8 * 1000 AS starts_ms,
            extract(epoch FROM b.ends_at)::float8 * 1000 AS ends_ms
       FROM appointment_booking b
       JOIN appointment_motif m ON m.commune_id = b.commune_id AND m.id = b.motif_id
      WHERE b.commune_id = $1 AND b.agenda_id = ANY($2::uuid[]) AND b.status <> 'annule'
        AND b.starts_at < $3 AND b.ends_at >= $4
      ORDER BY b.starts_at`,
    [communeId, agendaIds, to, new Date(from.getTime() - 8 * 3600_000)],
  );
  for (const r of rows) {
    byAgenda.get(r.agenda_id)!.push({
      bookingId: r.id,
      motifId: r.motif_id,
      startsAt: new Date(Number(r.starts_ms)),
      endsAt: new Date(Number(r.ends_ms)),
      seat: r.seat,
      bufferMinutes: r.buffer_minutes,
    });
  }
  return byAgenda;
}

export async function insertBooking(
  tx: Tx,
  values: Omit<typeof booking.$inferInsert, 'id' | 'createdAt' | 'status'>,
): Promise<string> {
  const id = uuidv7();
  await tx.db.insert(booking).values({ ...values, id, status: 'confirme' });
  return id;
}

export async function findBooking(tx: Tx, communeId: string, id: string): Promise<Booking | undefined> {
  const rows = await tx.db
    .select()
    .from(booking)
    .where(and(eq(booking.communeId, communeId), eq(booking.id, id)));
  return rows[0];
}

export async function findBookingByTokenHash(
  tx: Tx,
  communeId: string,
  tokenHash: string,
): Promise<Booking | undefined> {
  const rows = await tx.db
    .select()
    .from(booking)
    .where(and(eq(booking.communeId, communeId), eq(booking.tokenHash, tokenHash)));
  return rows[0];
}

/** Locks a booking's row (changes of one booking happen one at a time). */
export async function lockBooking(tx: Tx, communeId: string, id: string): Promise<void> {
  await tx.client.query('SELECT id FROM appointment_booking WHERE commune_id = $1 AND id = $2 FOR UPDATE', [
    communeId,
    id,
  ]);
}

export async function setBookingStatus(
  tx: Tx,
  communeId: string,
  id: string,
  status: BookingStatus,
  at: Date,
): Promise<void> {
  const stamp =
    status === 'annule'
      ? { cancelledAt: at }
      : status === 'arrive'
        ? { checkedInAt: at, noShowAt: null }
        : status === 'absent'
          ? { noShowAt: at, checkedInAt: null }
          : { checkedInAt: null, noShowAt: null };
  await tx.db
    .update(booking)
    .set({ status, ...stamp })
    .where(and(eq(booking.communeId, communeId), eq(booking.id, id)));
}

/** A new secret for the booking's link (the old link stops working). */
export async function setBookingTokenHash(tx: Tx, communeId: string, id: string, tokenHash: string): Promise<void> {
  await tx.db
    .update(booking)
    .set({ tokenHash })
    .where(and(eq(booking.communeId, communeId), eq(booking.id, id)));
}

export async function moveBookingRow(
  tx: Tx,
  communeId: string,
  id: string,
  values: { agendaId: string; startsAt: Date; endsAt: Date; seat: number },
): Promise<void> {
  await tx.db
    .update(booking)
    .set(values)
    .where(and(eq(booking.communeId, communeId), eq(booking.id, id)));
}

/** Bookings of some agendas between two instants, in time order (agent views). */
export function bookingsBetween(tx: Tx, communeId: string, agendaIds: readonly string[], from: Date, to: Date) {
  if (agendaIds.length === 0) return Promise.resolve([]);
  return tx.db
    .select({ booking, motifName: motif.name, motifKind: motif.kind })
    .from(booking)
    .innerJoin(motif, and(eq(motif.communeId, booking.communeId), eq(motif.id, booking.motifId)))
    .where(
      and(
        eq(booking.communeId, communeId),
        inArray(booking.agendaId, [...agendaIds]),
        gte(booking.startsAt, from),
        lt(booking.startsAt, to),
      ),
    )
    .orderBy(asc(booking.startsAt), asc(booking.seat));
}

/** A citizen's bookings in the commune, soonest first, from an instant. */
export function accountBookings(tx: Tx, communeId: string, accountId: string, from: Date) {
  return tx.db
    .select({ booking, motifName: motif.name, place: agenda.place })
    .from(booking)
    .innerJoin(motif, and(eq(motif.communeId, booking.communeId), eq(motif.id, booking.motifId)))
    .innerJoin(agenda, and(eq(agenda.communeId, booking.communeId), eq(agenda.id, booking.agendaId)))
    .where(and(eq(booking.communeId, communeId), eq(booking.accountId, accountId), gte(booking.startsAt, from)))
    .orderBy(asc(booking.startsAt));
}

/** Confirmed bookings from an instant made with one of these ANTS pre-application numbers (the ANTS hub's search). */
export async function bookingsByAntsNumbers(tx: Tx, communeId: string, antsNumbers: readonly string[], from: Date) {
  if (antsNumbers.length === 0) return [];
  const rows = await tx.db
    .select({ id: booking.id, antsNumber: booking.antsNumber, startsAt: booking.startsAt, place: agenda.place })
    .from(booking)
    .innerJoin(agenda, and(eq(agenda.communeId, booking.communeId), eq(agenda.id, booking.agendaId)))
    .where(
      and(
        eq(booking.communeId, communeId),
        inArray(booking.antsNumber, [...antsNumbers]),
        eq(booking.status, 'confirme'),
        gte(booking.startsAt, from),
      ),
    )
    .orderBy(asc(booking.startsAt));
  return rows.map((r) => ({ ...r, antsNumber: r.antsNumber! }));
}

/** Figures: bookings by status, and the mean lead time (hours from booking to appointment). */
export async function bookingFigures(tx: Tx, communeId: string) {
  const { rows } = await tx.client.query<{
    total: number;
    cancelled: number;
    no_show: number;
    lead_hours: number | null;
  }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'annule')::int AS cancelled,
            count(*) FILTER (WHERE status = 'absent')::int AS no_show,
            round(avg(extract(epoch FROM starts_at - created_at) / 3600) FILTER (WHERE status <> 'annule'))::int AS lead_hours
       FROM appointment_booking WHERE commune_id = $1`,
    [communeId],
  );
  return rows[0]!;
}

// — Waitlist —

export async function joinWaitlist(tx: Tx, communeId: string, b: Booking): Promise<void> {
  await tx.db
    .insert(waitlist)
    .values({ id: uuidv7(), communeId, bookingId: b.id, motifId: b.motifId, status: 'attente' })
    .onConflictDoUpdate({ target: [waitlist.communeId, waitlist.bookingId], set: { status: 'attente' } });
}

export async function waitlistOfBooking(tx: Tx, communeId: string, bookingId: string) {
  const rows = await tx.db
    .select()
    .from(waitlist)
    .where(and(eq(waitlist.communeId, communeId), eq(waitlist.bookingId, bookingId)));
  return rows[0];
}

/**
 * The first person waiting for the motif whose booking is later than `startsAt`, locked (skipped
 * by a concurrent offer). Offers past their expiry are closed first.
 */
export async function nextWaiting(tx: Tx, communeId: string, motifId: string, startsAt: Date) {
  await tx.db
    .update(waitlist)
    .set({ status: 'expire' })
    .where(
      and(eq(waitlist.communeId, communeId), eq(waitlist.status, 'offre'), sql`${waitlist.offerExpiresAt} <= now()`),
    );
  const { rows } = await tx.client.query<{ id: string; booking_id: string }>(
    `SELECT w.id, w.booking_id FROM appointment_waitlist w
       JOIN appointment_booking b ON b.commune_id = w.commune_id AND b.id = w.booking_id
      WHERE w.commune_id = $1 AND w.motif_id = $2
        AND (w.status = 'attente' OR (w.status = 'expire' AND w.offered_starts_at IS DISTINCT FROM $3))
        AND b.status = 'confirme' AND b.starts_at > $3
        AND NOT EXISTS (SELECT 1 FROM appointment_waitlist o WHERE o.commune_id = w.commune_id
                          AND o.booking_id = w.booking_id AND o.status = 'offre')
      ORDER BY (w.status = 'expire'), w.created_at
      LIMIT 1 FOR UPDATE OF w SKIP LOCKED`,
    [communeId, motifId, startsAt],
  );
  return rows[0];
}

export async function updateWaitlist(
  tx: Tx,
  communeId: string,
  id: string,
  values: Partial<typeof waitlist.$inferInsert>,
): Promise<void> {
  await tx.db
    .update(waitlist)
    .set(values)
    .where(and(eq(waitlist.communeId, communeId), eq(waitlist.id, id)));
}

export async function findOfferByTokenHash(tx: Tx, communeId: string, tokenHash: string) {
  const rows = await tx.db
    .select()
    .from(waitlist)
    .where(and(eq(waitlist.communeId, communeId), eq(waitlist.offerTokenHash, tokenHash)));
  return rows[0];
}

// — Personal data (RGPD) —

/** A person's bookings in the transaction's commune, for their export. */
export async function bookingsOfAccount(tx: Tx, accountId: string) {
  const { rows } = await tx.client.query<{ motif: string; starts_at: Date; status: string; place: string }>(
    `SELECT m.name AS motif, b.starts_at, b.status, a.place
       FROM appointment_booking b
       JOIN appointment_motif m ON m.commune_id = b.commune_id AND m.id = b.motif_id
       JOIN appointment_agenda a ON a.commune_id = b.commune_id AND a.id = b.agenda_id
      WHERE b.account_id = $1 ORDER BY b.starts_at`,
    [accountId],
  );
  return rows;
}

/** Erasure: the person's coming bookings are cancelled, every booking loses their name and contacts. */
export async function eraseAccountBookings(tx: Tx, accountId: string): Promise<void> {
  await tx.client.query(
    `UPDATE appointment_booking
        SET status = CASE WHEN status = 'confirme' AND starts_at > now() THEN 'annule' ELSE status END,
            cancelled_at = CASE WHEN status = 'confirme' AND starts_at > now() THEN now() ELSE cancelled_at END,
            name = 'Personne supprimée', email = NULL, phone = NULL, account_id = NULL
      WHERE account_id = $1`,
    [accountId],
  );
}

// — Calendar feeds —

export async function insertFeed(
  tx: Tx,
  values: { communeId: string; accountId: string; agendaId: string | null; tokenHash: string },
): Promise<string> {
  const id = uuidv7();
  await tx.db.insert(feed).values({ ...values, id });
  return id;
}

/** An account's feeds that still answer, newest first. */
export function listFeeds(tx: Tx, communeId: string, accountId: string): Promise<Feed[]> {
  return tx.db
    .select()
    .from(feed)
    .where(and(eq(feed.communeId, communeId), eq(feed.accountId, accountId), sql`${feed.revokedAt} IS NULL`))
    .orderBy(sql`${feed.createdAt} DESC`);
}

export async function findFeedByTokenHash(tx: Tx, communeId: string, tokenHash: string): Promise<Feed | undefined> {
  const rows = await tx.db
    .select()
    .from(feed)
    .where(and(eq(feed.communeId, communeId), eq(feed.tokenHash, tokenHash), sql`${feed.revokedAt} IS NULL`));
  return rows[0];
}

/** Revokes one of the account's feeds; false when it is not theirs or already revoked. */
export async function revokeFeedRow(tx: Tx, communeId: string, accountId: string, id: string): Promise<boolean> {
  const rows = await tx.db
    .update(feed)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(feed.communeId, communeId),
        eq(feed.accountId, accountId),
        eq(feed.id, id),
        sql`${feed.revokedAt} IS NULL`,
      ),
    )
    .returning({ id: feed.id });
  return rows.length > 0;
}

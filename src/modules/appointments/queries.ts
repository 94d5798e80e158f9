/** Read models of the appointments' pages (one transaction each). */
import type { Actor } from '../../platform/authz/actor.js';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { isUuid } from '../../platform/ids.js';
import { listServices } from '../../platform/tenancy/communes.js';
import { addCalendarDays, parisInstant } from '../../platform/time/calendar.js';
import { type BookingMode, canBook, canWorkAgenda } from './policy.js';
import {
  accountBookings,
  agendaCalendars,
  bookingsBetween,
  findMotif,
  listAgendas,
  listClosures,
  listMotifs,
  listOpenings,
  takenSeatsOf,
} from './repo.js';
import type { Agenda, Motif } from './schema.js';
import { closedBecause, opensOn, searchSlots } from './slots.js';
import { MOTIF_NOT_FOUND } from './use-cases/common.js';

export interface CatalogueEntry {
  motif: Motif;
  serviceName: string;
}

/** The motifs a person may book on the public pages, with their service's name. */
export async function catalogue(ctx: AppContext, communeId: string, mode: BookingMode): Promise<CatalogueEntry[]> {
  return withTenant(ctx.database, communeId, async (tx) => {
    const [motifs, services, agendas] = await Promise.all([
      listMotifs(tx, communeId),
      listServices(tx, communeId),
      listAgendas(tx, communeId),
    ]);
    const names = new Map(services.map((s) => [s.id, s.name]));
    const served = new Set(agendas.filter((a) => a.active).map((a) => a.serviceId));
    return (
      motifs
        // A visitor also sees what needs an account, so as to know it exists and sign in for it.
        .filter(
          (m) =>
            m.active &&
            served.has(m.serviceId) &&
            (canBook(m.bookableBy, mode) || (mode === 'visitor' && m.bookableBy === 'signed_in')),
        )
        .map((motif) => ({ motif, serviceName: names.get(motif.serviceId) ?? '' }))
    );
  });
}

export interface DaySlots {
  date: string;
  /** Why the day is closed (a holiday's name…), when no desk opens. */
  closed: string | null;
  slots: Array<{ startsAt: Date; endsAt: Date; agendaId: string; place: string; remaining: number }>;
}

/**
 * The free slots of a motif over `days` Paris days from `from`, on every active desk of its
 * service: one slot per place and time (the desk with the most seats left).
 */
export async function motifSlots(
  tx: Tx,
  communeId: string,
  motif: Motif,
  options: { from: string; days: number; now: Date; byAgent: boolean; agendaId?: string },
): Promise<{ agendas: Agenda[]; days: DaySlots[] }> {
  const agendas = (await listAgendas(tx, communeId)).filter(
    (a) => a.active && a.serviceId === motif.serviceId && (!options.agendaId || a.id === options.agendaId),
  );
  const to = addCalendarDays(options.from, options.days - 1);
  const fromInstant = parisInstant(options.from, 0)!;
  const toInstant = parisInstant(addCalendarDays(to, 1), 0)!;
  const rules = {
    id: motif.id,
    durationMinutes: motif.durationMinutes,
    bufferMinutes: motif.bufferMinutes,
    capacity: motif.capacity,
    minDelayHours: options.byAgent ? 0 : motif.minDelayHours,
    maxDelayDays: motif.maxDelayDays,
  };
  // One slot per place and time: places by name, then times by epoch milliseconds.
  const byPlace = new Map<string, Map<number, { date: string; slot: DaySlots['slots'][number] }>>();
  // Every desk's calendar and bookings in three queries, whatever the number of desks.
  const calendars = await agendaCalendars(tx, communeId, agendas);
  const takenByAgenda = await takenSeatsOf(
    tx,
    communeId,
    agendas.map((a) => a.id),
    fromInstant,
    toInstant,
  );
  for (const agenda of agendas) {
    const calendar = calendars.get(agenda.id)!;
    const taken = takenByAgenda.get(agenda.id)!;
    const byTime = byPlace.get(agenda.place) ?? new Map();
    byPlace.set(agenda.place, byTime);
    for (const slot of searchSlots({ calendar, motif: rules, taken, now: options.now, from: options.from, to })) {
      const key = slot.startsAt.getTime();
      const known = byTime.get(key);
      if (!known || known.slot.remaining < slot.remaining) {
        byTime.set(key, {
          date: slot.date,
          slot: {
            startsAt: slot.startsAt,
            endsAt: slot.endsAt,
            agendaId: agenda.id,
            place: agenda.place,
            remaining: slot.remaining,
          },
        });
      }
    }
  }
  const all = [...byPlace.values()]
    .flatMap((byTime) => [...byTime.values()])
    .sort((a, b) => a.slot.startsAt.getTime() - b.slot.startsAt.getTime() || a.slot.place.localeCompare(b.slot.place));
  // Grouped by the Paris date the search already knows for each slot.
  const byDate = new Map<string, DaySlots['slots']>();
  for (const { date, slot } of all) {
    const list = byDate.get(date);
    if (list) list.push(slot);
    else byDate.set(date, [slot]);
  }
  const days: DaySlots[] = [];
  for (let date = options.from; date <= to; date = addCalendarDays(date, 1)) {
    const reasons = agendas.map((a) => closedBecause(calendars.get(a.id)!, date));
    // A weekday on which no desk ever opens (Sunday, most often) is left out rather than shown empty.
    const slots = byDate.get(date);
    if (!slots && agendas.every((a) => !opensOn(calendars.get(a.id)!, date))) continue;
    days.push({
      date,
      closed: reasons.length && reasons.every((r) => r) ? reasons[0]! : null,
      slots: slots ?? [],
    });
  }
  return { agendas, days };
}

/** A motif for its public page (404 when unknown, inactive or not bookable that way). */
export async function publicMotif(ctx: AppContext, communeId: string, motifId: string, mode: BookingMode) {
  return withTenant(ctx.database, communeId, async (tx) => {
    const motif = isUuid(motifId) ? await findMotif(tx, communeId, motifId) : undefined;
    if (!motif?.active) throw MOTIF_NOT_FOUND();
    const services = await listServices(tx, communeId);
    return {
      motif,
      serviceName: services.find((s) => s.id === motif.serviceId)?.name ?? '',
      bookable: canBook(motif.bookableBy, mode),
    };
  });
}

/** The administration page: agendas with their hours and closures, motifs, services. */
export async function settingsPage(ctx: AppContext, communeId: string) {
  return withTenant(ctx.database, communeId, async (tx) => {
    const [agendas, motifs, services] = await Promise.all([
      listAgendas(tx, communeId),
      listMotifs(tx, communeId),
      listServices(tx, communeId),
    ]);
    const details = [];
    for (const agenda of agendas) {
      details.push({
        agenda,
        openings: await listOpenings(tx, communeId, agenda.id),
        closures: await listClosures(tx, communeId, agenda.id),
      });
    }
    return { agendas: details, motifs, services };
  });
}

/** The agendas an agent works on, and the bookings of some of them between two Paris dates. */
export async function deskPage(
  ctx: AppContext,
  communeId: string,
  actor: Actor,
  options: { agendaId: string | null; from: string; days: number },
) {
  return withTenant(ctx.database, communeId, async (tx) => {
    const agendas = (await listAgendas(tx, communeId)).filter((a) => a.active && canWorkAgenda(actor, a));
    const selected = options.agendaId ? agendas.filter((a) => a.id === options.agendaId) : agendas;
    const from = parisInstant(options.from, 0)!;
    const to = parisInstant(addCalendarDays(options.from, options.days), 0)!;
    const bookings = await bookingsBetween(
      tx,
      communeId,
      selected.map((a) => a.id),
      from,
      to,
    );
    const motifs = (await listMotifs(tx, communeId)).filter(
      (m) => m.active && agendas.some((a) => a.serviceId === m.serviceId),
    );
    return { agendas, selected, bookings, motifs };
  });
}

/** A citizen's coming appointments in the commune (the portal's block). */
export async function myAppointments(tx: Tx, communeId: string, accountId: string, now = new Date()) {
  return accountBookings(tx, communeId, accountId, new Date(now.getTime() - 12 * 3600_000));
}

/**
 * The three endpoints the ANTS national search (rendezvouspasseport.ants.gouv.fr) calls on a
 * town-hall booking software, as its hub calls them (domain rules §9; docs/operations/ants.md):
 *
 * - `getManagedMeetingPoints`: every place where a commune hosted here books identity cards and
 *   passports — an agenda's place with an active motif that asks for the ANTS number, and its
 *   coordinates (a place without them is not published);
 * - `availableTimeSlots?meeting_point_ids=…&start_date=…&end_date=…&reason=…&documents_number=…`:
 *   `{ "<id>": [{ datetime, callback_url }] }`. The hub shows the time exactly as written, so it is
 *   the Paris wall-clock time written `YYYY-MM-DDTHH:MMZ` (as the other editors do, whatever the
 *   letter Z says); the callback URL opens Guichet's booking form for that slot. N documents need N
 *   consecutive free slots at the place (one appointment per application);
 * - `searchApplicationIds?application_ids=…`: the confirmed future appointments booked here with
 *   those pre-application numbers, with the secret-free management page as both URLs.
 *
 * Instance-wide (one editor URL for all the communes an OPSN hosts): each commune is read in its
 * own tenant transaction.
 */
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import type { Commune } from '../../platform/tenancy/communes.js';
import { addCalendarDays, parisDateOf, parisWallClock } from '../../platform/time/calendar.js';
import { meetingPointId } from './ants.js';
import { antsManagementUrl } from './ants-sync.js';
import { motifSlots } from './queries.js';
import { bookingsByAntsNumbers, listAgendas, listMotifs } from './repo.js';
import type { Agenda, Motif } from './schema.js';

/** The hub asks month by month, up to about five months ahead. */
const MAX_SEARCH_DAYS = 186;

export interface MeetingPoint {
  id: string;
  name: string;
  longitude: number;
  latitude: number;
  public_entry_address: string;
  zip_code: string;
  city_name: string;
  website: string;
  city_logo: string;
}

export interface HubSlot {
  datetime: string;
  callback_url: string;
}

/** The Paris wall-clock time as the hub shows it, written `YYYY-MM-DDTHH:MMZ` (see above). */
export function hubDatetime(instant: Date): string {
  const { date, minute } = parisWallClock(instant);
  const hh = String(Math.floor(minute / 60)).padStart(2, '0');
  const mm = String(minute % 60).padStart(2, '0');
  return `${date}T${hh}:${mm}Z`;
}

interface Place {
  id: string;
  commune: Commune;
  place: string;
  agendas: Agenda[];
  motifs: Motif[];
}

async function antsPlaces(ctx: AppContext): Promise<Place[]> {
  const places: Place[] = [];
  for (const commune of await ctx.communes.all()) {
    const { agendas, motifs } = await withTenant(ctx.database, commune.id, async (tx) => ({
      agendas: (await listAgendas(tx, commune.id)).filter((a) => a.active),
      motifs: (await listMotifs(tx, commune.id)).filter((m) => m.active && m.antsRequired && m.bookableBy !== 'agents'),
    }));
    const byPlace = new Map<string, Place>();
    for (const agenda of agendas) {
      const served = motifs.filter((m) => m.serviceId === agenda.serviceId);
      if (!served.length) continue;
      const id = meetingPointId(commune.id, agenda.place);
      const known = byPlace.get(id) ?? { id, commune, place: agenda.place, agendas: [], motifs: [] };
      known.agendas.push(agenda);
      for (const m of served) if (!known.motifs.includes(m)) known.motifs.push(m);
      byPlace.set(id, known);
    }
    places.push(...byPlace.values());
  }
  return places;
}

function located(place: Place): Agenda | undefined {
  return place.agendas.find((a) => a.latitude !== null && a.longitude !== null);
}

/** « 1 place de la Mairie, 44150 Villebelle » → street, postcode, city. */
function splitAddress(address: string, fallbackCity: string) {
  const match = /^(.*?),?\s*(\d{5})\s+(.+)$/.exec(address.trim());
  if (!match) return { street: address.trim(), zip: '', city: fallbackCity };
  return { street: match[1]!.trim(), zip: match[2]!, city: match[3]!.trim() };
}

export async function managedMeetingPoints(ctx: AppContext): Promise<MeetingPoint[]> {
  const points: MeetingPoint[] = [];
  for (const place of await antsPlaces(ctx)) {
    const at = located(place);
    if (!at) continue;
    const address = splitAddress(at.address || place.commune.address || '', place.commune.name);
    const site = `${ctx.config.publicUrl}/c/${place.commune.slug}`;
    points.push({
      id: place.id,
      name: `${place.commune.name} – ${place.place}`,
      longitude: at.longitude!,
      latitude: at.latitude!,
      public_entry_address: address.street,
      zip_code: address.zip,
      city_name: address.city,
      website: `${site}/rendez-vous`,
      city_logo: `${site}/logo.svg`,
    });
  }
  return points;
}

export class UnknownMeetingPointError extends Error {
  override name = 'UnknownMeetingPointError';
}

export interface SlotQuery {
  meetingPointIds: readonly string[];
  startDate: string;
  endDate: string;
  documentsNumber: number;
  now: Date;
}

export async function availableTimeSlots(ctx: AppContext, query: SlotQuery): Promise<Record<string, HubSlot[]>> {
  const places = new Map((await antsPlaces(ctx)).filter((p) => located(p)).map((p) => [p.id, p]));
  const unknown = query.meetingPointIds.find((id) => !places.has(id));
  if (unknown !== undefined) throw new UnknownMeetingPointError(`Unknown Meeting Point ID : ${unknown}`);
  const today = parisDateOf(query.now);
  // ISO dates compare as strings: from the later of the start and today, to the earlier of the
  // end and the search's horizon.
  const from = [query.startDate, today].sort()[1]!;
  const last = [query.endDate, addCalendarDays(from, MAX_SEARCH_DAYS - 1)].sort()[0]!;
  const result: Record<string, HubSlot[]> = {};
  for (const id of query.meetingPointIds) {
    const place = places.get(id)!;
    const slots: HubSlot[] = [];
    if (last >= from) {
      const days = Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
      const seen = new Set<string>();
      for (const motif of place.motifs) {
        const { days: found } = await withTenant(ctx.database, place.commune.id, (tx) =>
          motifSlots(tx, place.commune.id, motif, { from, days, now: query.now, byAgent: false }),
        );
        const atPlace = found.flatMap((d) => d.slots).filter((s) => s.place === place.place);
        for (let i = 0; i < atPlace.length; i++) {
          if (!consecutive(atPlace, i, query.documentsNumber, motif.bufferMinutes)) continue;
          const slot = atPlace[i]!;
          const datetime = hubDatetime(slot.startsAt);
          if (seen.has(datetime)) continue;
          seen.add(datetime);
          const booking = `${ctx.config.publicUrl}/c/${place.commune.slug}/rendez-vous/${motif.id}/reserver`;
          slots.push({
            datetime,
            callback_url: `${booking}?agenda=${slot.agendaId}&debut=${encodeURIComponent(slot.startsAt.toISOString())}`,
          });
        }
      }
      slots.sort((a, b) => a.datetime.localeCompare(b.datetime));
    }
    result[id] = slots;
  }
  return result;
}

/** Whether `count` slots from `index` follow one another (each starts when the previous ends, buffer included). */
function consecutive(
  slots: ReadonlyArray<{ startsAt: Date; endsAt: Date }>,
  index: number,
  count: number,
  bufferMinutes: number,
): boolean {
  for (let k = 1; k < count; k++) {
    const previous = slots[index + k - 1];
    const next = slots[index + k];
    if (!previous || !next) return false;
    if (next.startsAt.getTime() !== previous.endsAt.getTime() + bufferMinutes * 60_000) return false;
  }
  return true;
}

export interface HubAppointment {
  meeting_point: string;
  datetime: string;
  management_url: string;
  cancel_url: string;
}

export async function searchApplicationIds(
  ctx: AppContext,
  applicationIds: readonly string[],
  now: Date,
): Promise<Record<string, HubAppointment[]>> {
  const result: Record<string, HubAppointment[]> = Object.fromEntries(applicationIds.map((id) => [id, []]));
  for (const commune of await ctx.communes.all()) {
    const rows = await withTenant(ctx.database, commune.id, (tx) =>
      bookingsByAntsNumbers(tx, commune.id, applicationIds, now),
    );
    for (const row of rows) {
      const url = antsManagementUrl(ctx, commune.slug, row.id);
      result[row.antsNumber]?.push({
        meeting_point: `${commune.name} – ${row.place}`,
        datetime: hubDatetime(row.startsAt),
        management_url: url,
        cancel_url: url,
      });
    }
  }
  return result;
}

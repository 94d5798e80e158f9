/**
 * Seeding agendas and motifs for a new instance (the demo): rows written directly, as the
 * administration pages would write them, without the journal entries of an administrator.
 */
import type { Tx } from '../../platform/db/tenant.js';
import { listServices } from '../../platform/tenancy/communes.js';
import { insertAgenda, insertMotif, insertOpening } from './repo.js';
import type { BookableBy, MotifKind } from './schema.js';
import { parseTimeOfDay } from './texts.js';

export interface SeedOpening {
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** « 8:30 » */
  start: string;
  end: string;
}

export interface SeedAgenda {
  serviceSlug: string;
  place: string;
  desk: string;
  address: string;
  /** For the ANTS national search (both or neither). */
  coordinates?: { latitude: number; longitude: number };
  openings: readonly SeedOpening[];
}

export interface SeedMotif {
  serviceSlug: string;
  name: string;
  kind: MotifKind;
  durationMinutes: number;
  bufferMinutes?: number;
  capacity?: number;
  minDelayHours: number;
  maxDelayDays: number;
  bookableBy: BookableBy;
  documents?: string;
  reminderHours?: number[];
  antsRequired?: boolean;
  walkIn?: boolean;
}

export async function seedAppointments(
  tx: Tx,
  communeId: string,
  agendas: readonly SeedAgenda[],
  motifs: readonly SeedMotif[],
): Promise<void> {
  const services = new Map((await listServices(tx, communeId)).map((s) => [s.slug, s.id]));
  const serviceId = (slug: string) => {
    const id = services.get(slug);
    if (!id) throw new Error(`seedAppointments: no service ${slug}`);
    return id;
  };
  const minute = (time: string) => {
    const value = parseTimeOfDay(time);
    if (value === undefined) throw new Error(`seedAppointments: bad time ${time}`);
    return value;
  };
  for (const a of agendas) {
    const agendaId = await insertAgenda(tx, {
      communeId,
      serviceId: serviceId(a.serviceSlug),
      place: a.place,
      desk: a.desk,
      address: a.address,
      alsaceMoselle: false,
      latitude: a.coordinates?.latitude ?? null,
      longitude: a.coordinates?.longitude ?? null,
    });
    for (const o of a.openings) {
      await insertOpening(tx, {
        communeId,
        agendaId,
        weekday: o.weekday,
        startMinute: minute(o.start),
        endMinute: minute(o.end),
        validFrom: null,
        validUntil: null,
      });
    }
  }
  for (const m of motifs) {
    await insertMotif(tx, {
      communeId,
      serviceId: serviceId(m.serviceSlug),
      name: m.name,
      kind: m.kind,
      durationMinutes: m.durationMinutes,
      bufferMinutes: m.bufferMinutes ?? 0,
      capacity: m.capacity ?? 1,
      minDelayHours: m.minDelayHours,
      maxDelayDays: m.maxDelayDays,
      bookableBy: m.bookableBy,
      documents: m.documents ?? '',
      reminderHours: m.reminderHours ?? [48, 3],
      antsRequired: m.antsRequired ?? false,
      walkIn: m.walkIn ?? false,
    });
  }
}

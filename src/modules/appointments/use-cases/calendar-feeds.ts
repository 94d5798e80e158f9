/**
 * Private calendar feeds (issue 12 item 8): an agent subscribes their calendar application to a
 * secret address listing the appointments of one desk, or of every desk they work, from a week
 * ago to three months ahead. Only the secret's SHA-256 is stored; the address is shown once. A
 * feed answers 404 once revoked, or once its owner no longer works the desk (left the service,
 * no longer staff). Names and motifs only: no e-mail address or phone number in a feed.
 */
import { z } from 'zod';
import { accessSeesService } from '../../../platform/authz/actor.js';
import { calendarFeed } from '../../../platform/calendar/ics.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { hashToken, newToken } from '../../../platform/tokens.js';
import { listStaffContacts } from '../../identity/index.js';
import { canWorkAgenda } from '../policy.js';
import {
  bookingsBetween,
  findFeedByTokenHash,
  insertFeed,
  listAgendas,
  listFeeds,
  listMotifs,
  revokeFeedRow,
} from '../repo.js';
import type { Agenda, Feed } from '../schema.js';
import { auditAppointments, type Caller, parseInput } from './common.js';

const DAY = 86_400_000;
/** What a feed lists: the past week (to look back) and the next three months. */
const FEED_PAST_DAYS = 7;
const FEED_AHEAD_DAYS = 92;

export const FEED_NOT_FOUND = () => new AppError('appointments.feed_not_found', 'feed not found', 404);

const feedSchema = z.object({
  agenda: z
    .string()
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || isUuid(v), 'Choisissez un guichet, ou tous vos guichets.'),
});

/** The desks an agent works (their feed's scope when it names none). */
function workedAgendas(agendas: readonly Agenda[], caller: Caller): Agenda[] {
  return agendas.filter((a) => a.active && canWorkAgenda(caller.actor, a));
}

/** Creates a feed; returns the secret (shown once) and the feed's id. */
export async function createFeed(
  ctx: AppContext,
  caller: Caller,
  input: unknown,
): Promise<{ id: string; token: string }> {
  const v = parseInput(feedSchema, input);
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => {
    const mine = workedAgendas(await listAgendas(tx, communeId), caller);
    if (v.agenda && !mine.some((a) => a.id === v.agenda)) throw FEED_NOT_FOUND();
    const token = newToken();
    const id = await insertFeed(tx, {
      communeId,
      accountId: caller.actor!.accountId,
      agendaId: v.agenda,
      tokenHash: hashToken(token),
    });
    await auditAppointments(
      tx,
      caller,
      'appointments.feed_created',
      { type: 'appointment_feed', id },
      {
        agenda: v.agenda,
      },
    );
    return { id, token };
  });
}

export async function revokeFeed(ctx: AppContext, caller: Caller, feedId: string): Promise<void> {
  const { communeId } = caller;
  await withTenant(ctx.database, communeId, async (tx) => {
    if (!isUuid(feedId) || !(await revokeFeedRow(tx, communeId, caller.actor!.accountId, feedId))) {
      throw FEED_NOT_FOUND();
    }
    await auditAppointments(tx, caller, 'appointments.feed_revoked', { type: 'appointment_feed', id: feedId });
  });
}

/** The caller's feeds and the desks they may make one for. */
export async function feedsPage(ctx: AppContext, caller: Caller): Promise<{ feeds: Feed[]; agendas: Agenda[] }> {
  const { communeId } = caller;
  return withTenant(ctx.database, communeId, async (tx) => ({
    feeds: await listFeeds(tx, communeId, caller.actor!.accountId),
    agendas: workedAgendas(await listAgendas(tx, communeId), caller),
  }));
}

/** The calendar file behind a secret address (404 for an unknown, revoked or orphaned one). */
export async function feedCalendar(
  ctx: AppContext,
  commune: { id: string; name: string },
  token: string,
  now = new Date(),
): Promise<string> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw FEED_NOT_FOUND();
  return withTenant(ctx.database, commune.id, async (tx) => {
    const found = await findFeedByTokenHash(tx, commune.id, hashToken(token));
    if (!found) throw FEED_NOT_FOUND();
    const owner = (await listStaffContacts(tx, commune.id)).find((s) => s.accountId === found.accountId);
    if (!owner) throw FEED_NOT_FOUND();
    const access = { roles: new Set(owner.roles), serviceIds: new Set(owner.serviceIds) };
    const agendas = (await listAgendas(tx, commune.id)).filter(
      (a) => a.active && accessSeesService(access, a.serviceId) && (!found.agendaId || a.id === found.agendaId),
    );
    if (found.agendaId && agendas.length === 0) throw FEED_NOT_FOUND();
    const [rows, motifs] = await Promise.all([
      bookingsBetween(
        tx,
        commune.id,
        agendas.map((a) => a.id),
        new Date(now.getTime() - FEED_PAST_DAYS * DAY),
        new Date(now.getTime() + FEED_AHEAD_DAYS * DAY),
      ),
      listMotifs(tx, commune.id),
    ]);
    const agendaOf = new Map(agendas.map((a) => [a.id, a]));
    const kindOf = new Map(motifs.map((m) => [m.id, m.kind]));
    const host = new URL(ctx.config.publicUrl).host;
    const name =
      found.agendaId && agendas[0]
        ? `Rendez-vous – ${agendas[0].place}, ${agendas[0].desk}`
        : `Rendez-vous – ${commune.name}`;
    return calendarFeed(
      'Rendez-vous',
      name,
      rows.map(({ booking: b, motifName }) => {
        const agenda = agendaOf.get(b.agendaId)!;
        const phone = kindOf.get(b.motifId) === 'telephone';
        return {
          uid: `rendez-vous-${b.id}@${host}`,
          startsAt: b.startsAt,
          endsAt: b.endsAt,
          summary: `${motifName} – ${b.name}`,
          location: `${agenda.place}, ${agenda.desk}`,
          description: phone ? 'Rendez-vous téléphonique.' : `Guichet : ${agenda.desk}.`,
          sequence: b.sequence,
          cancelled: b.status === 'annule',
          stamp: now,
        };
      }),
    );
  });
}

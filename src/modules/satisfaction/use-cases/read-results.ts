/**
 * What the service reads of its users' opinions (`/c/:slug/agent/avis`): per démarche, the
 * answers, the note and the shares of « Très bien », and the free comments — with the démarche and
 * the month, never a name, a request number or an exact date (decision 0056). An agent reads the
 * answers about their own services; the mayor, the DGS and administrators the whole commune's.
 * Filters (period, service) come from the query string, checked with French messages.
 */
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { type Commune, listServices } from '../../../platform/tenancy/communes.js';
import { addCalendarMonths, parisDateOf } from '../../../platform/time/calendar.js';
import { parseDay } from '../../../platform/views/format.js';
import { formString } from '../../../platform/views/page-kit.js';
import { proceduresByIds } from '../../procedures/index.js';
import { canReadResults, visibleServiceIds } from '../policy.js';
import { type CommentRow, countAnswers, countAnswersByProcedure, listComments } from '../repo.js';
import { type AnswerSummary, summarize } from '../survey.js';

export interface ResultsFilters {
  values: { du: string; au: string; service: string };
  errors: Record<string, string>;
  from: string;
  to: string;
  serviceId: string | null;
}

export interface Results {
  services: Array<{ id: string; name: string }>;
  filters: ResultsFilters;
  total: AnswerSummary;
  byProcedure: Array<{ title: string; summary: AnswerSummary }>;
  comments: Array<Omit<CommentRow, 'procedureId' | 'serviceId'> & { procedure: string; service: string | null }>;
}

const iso = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Without a period: the last twelve months, the current one included. */
export function parseResultsFilters(
  raw: unknown,
  services: ReadonlyArray<{ id: string }>,
  today = parisDateOf(new Date()),
): ResultsFilters {
  const values = {
    du: formString(raw, 'du').trim(),
    au: formString(raw, 'au').trim(),
    service: formString(raw, 'service'),
  };
  const errors: Record<string, string> = {};
  const defaultFrom = `${addCalendarMonths(`${today.slice(0, 7)}-01`, -11)}`;
  const from = values.du === '' ? defaultFrom : parseDay(values.du);
  const to = values.au === '' ? today : parseDay(values.au);
  if (!from) errors.du = 'Indiquez la date de début sous la forme JJ/MM/AAAA, par exemple 01/01/2026.';
  if (!to) errors.au = 'Indiquez la date de fin sous la forme JJ/MM/AAAA, par exemple 31/12/2026.';
  const fromDate = typeof from === 'string' ? from : from ? iso(from) : defaultFrom;
  const toDate = typeof to === 'string' ? to : to ? iso(to) : today;
  if (from && to && fromDate > toDate)
    errors.au = 'La date de fin doit être le même jour que la date de début ou après.';
  if (values.service !== '' && !services.some((s) => s.id === values.service)) {
    errors.service = 'Choisissez un service de la liste, ou « Tous mes services ».';
  }
  const ok = Object.keys(errors).length === 0;
  return {
    values,
    errors,
    from: ok ? fromDate : defaultFrom,
    to: ok ? toDate : today,
    serviceId: ok && values.service ? values.service : null,
  };
}

const WRITE_TO_MAIRIE = 'Écrire à la mairie';

export async function readResults(ctx: AppContext, commune: Commune, actor: Actor, raw: unknown): Promise<Results> {
  if (!canReadResults(actor)) throw notFound('satisfaction.not_found');
  return withTenant(ctx.database, commune.id, async (tx) => {
    const visible = visibleServiceIds(actor);
    const all = (await listServices(tx, commune.id)).map((s) => ({ id: s.id, name: s.name }));
    const services = visible === null ? all : all.filter((s) => visible.includes(s.id));
    const filters = parseResultsFilters(raw, services);
    const scope = {
      from: filters.from,
      to: filters.to,
      serviceIds: filters.serviceId ? [filters.serviceId] : visible,
    };
    const grouped = await countAnswersByProcedure(tx, commune.id, scope);
    const comments = await listComments(tx, commune.id, scope);
    const titles = await proceduresByIds(
      tx,
      commune.id,
      [...grouped.map((g) => g.procedureId), ...comments.map((c) => c.procedureId)].filter(
        (id): id is string => id !== null,
      ),
    );
    const titleOf = (id: string | null) => (id ? (titles.get(id)?.title ?? 'Démarche retirée') : WRITE_TO_MAIRIE);
    const serviceName = (id: string | null) => all.find((s) => s.id === id)?.name ?? null;
    return {
      services,
      filters,
      total: summarize(await countAnswers(tx, commune.id, scope)),
      byProcedure: grouped.map((g) => ({ title: titleOf(g.procedureId), summary: summarize(g.counts) })),
      comments: comments.map((c) => ({
        month: c.month,
        satisfaction: c.satisfaction,
        comment: c.comment,
        procedure: titleOf(c.procedureId),
        service: serviceName(c.serviceId),
      })),
    };
  });
}

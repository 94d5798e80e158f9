/**
 * The pilotage dashboard of a commune: the filters read from the query string (Paris dates and a
 * service of the commune, checked with French messages), the KPIs of every module that publishes
 * them (`ctx.contributions.indicatorsOf`: pilotage never reads a module's tables), the monthly
 * series of the charts, and the cyber posture: the figures modules publish for the cyber panel
 * (backups, restore drills, offline copy, awareness campaigns), as of today.
 */
import type { AppContext } from '../../../platform/context.js';
import { type Tx, withTenant } from '../../../platform/db/tenant.js';
import type { IndicatorQuery } from '../../../platform/module.js';
import { type Commune, listServices } from '../../../platform/tenancy/communes.js';
import { addCalendarDays, parisDateOf } from '../../../platform/time/calendar.js';
import { formatNumber, parseDay } from '../../../platform/views/format.js';
import { formString } from '../../../platform/views/page-kit.js';

export interface DashboardFilters {
  /** As typed, to show them again. */
  values: { du: string; au: string; service: string };
  errors: Record<string, string>;
  query: IndicatorQuery;
}

const MAX_DAYS = 366 * 10;
export const CHART_MONTHS = 24;

const iso = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** The filters of the query string; by default the current year up to today. */
export function parseFilters(
  raw: unknown,
  services: ReadonlyArray<{ id: string }>,
  today = parisDateOf(new Date()),
): DashboardFilters {
  const values = {
    du: formString(raw, 'du').trim(),
    au: formString(raw, 'au').trim(),
    service: formString(raw, 'service'),
  };
  const errors: Record<string, string> = {};
  const from = values.du === '' ? `${today.slice(0, 4)}-01-01` : parseDay(values.du);
  const to = values.au === '' ? today : parseDay(values.au);
  if (!from) errors.du = 'Indiquez la date de début sous la forme JJ/MM/AAAA, par exemple 01/01/2026.';
  if (!to) errors.au = 'Indiquez la date de fin sous la forme JJ/MM/AAAA, par exemple 31/12/2026.';
  const fromDate = typeof from === 'string' ? from : from ? iso(from) : today;
  const toDate = typeof to === 'string' ? to : to ? iso(to) : today;
  if (from && to && fromDate > toDate)
    errors.au = 'La date de fin doit être le même jour que la date de début ou après.';
  else if (from && to && addCalendarDays(fromDate, MAX_DAYS) < toDate)
    errors.au = 'La période ne peut pas dépasser dix ans.';
  if (values.service !== '' && !services.some((s) => s.id === values.service)) {
    errors.service = 'Choisissez un service de la liste, ou « Tous les services ».';
  }
  const ok = Object.keys(errors).length === 0;
  return {
    values,
    errors,
    query: ok
      ? { from: fromDate, to: toDate, serviceId: values.service || null }
      : { from: `${today.slice(0, 4)}-01-01`, to: today, serviceId: null },
  };
}

/** The calendar months of a period, each cut to the period: at most the last `CHART_MONTHS`. */
export function monthsOf(from: string, to: string): Array<{ month: string; from: string; to: string }> {
  const out: Array<{ month: string; from: string; to: string }> = [];
  let start = from;
  while (start <= to) {
    const month = start.slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    const end = addCalendarDays(next, -1);
    out.push({ month, from: start, to: end < to ? end : to });
    start = next;
  }
  return out.slice(-CHART_MONTHS);
}

export interface Dashboard {
  services: Array<{ id: string; name: string }>;
  filters: DashboardFilters;
  values: Map<string, number | null>;
  /** Without a service filter: the KPIs of each service (where requests pile up). */
  byService: Array<{ id: string; name: string; values: Map<string, number | null> }>;
  /** Requests received and closed, and failed sign-ins, per month (the charts). */
  months: Array<{ month: string; received: number | null; closed: number | null; failedSignIns: number | null }>;
  /** The cyber panel's figures, as of today (not of the period). */
  cyber: Array<{ key: string; label: string; text: string; late: boolean }>;
}

/** The columns of the table by service (the sources that publish them are the only ones computed per service). */
export const BY_SERVICE = [
  'requests.received',
  'requests.closed',
  'requests.median_days',
  'requests.p90_days',
  'requests.backlog',
  'requests.late',
  'appointments.bookings',
  'courrier.received',
  'courrier.late',
  'signature.pending_signatures',
] as const;
const CHART = ['requests.received', 'requests.closed', 'identity.failed_sign_ins'] as const;

/**
 * The values of the sources that publish one of `keys` (the others are not computed: a monthly
 * chart of two KPIs need not run every module's queries 24 times).
 */
async function indicatorsFor(
  ctx: AppContext,
  tx: Tx,
  communeId: string,
  query: IndicatorQuery,
  keys: readonly string[],
): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  for (const source of ctx.contributions.indicatorSources) {
    if (query.serviceId && !source.byService) continue;
    if (!source.indicators.some((i) => keys.includes(i.key))) continue;
    for (const [key, value] of await source.compute(tx, communeId, query)) out.set(key, value);
  }
  return out;
}

export async function readDashboard(ctx: AppContext, commune: Commune, raw: unknown): Promise<Dashboard> {
  return withTenant(ctx.database, commune.id, async (tx) => {
    const services = (await listServices(tx, commune.id)).map((s) => ({ id: s.id, name: s.name }));
    const filters = parseFilters(raw, services);
    const values = await ctx.contributions.indicatorsOf(tx, commune.id, filters.query);
    const months = [];
    for (const m of monthsOf(filters.query.from, filters.query.to)) {
      const v = await indicatorsFor(ctx, tx, commune.id, { ...filters.query, from: m.from, to: m.to }, CHART);
      months.push({
        month: m.month,
        received: v.get('requests.received') ?? null,
        closed: v.get('requests.closed') ?? null,
        failedSignIns: v.get('identity.failed_sign_ins') ?? null,
      });
    }
    const byService = [];
    if (!filters.query.serviceId) {
      for (const s of services) {
        byService.push({
          ...s,
          values: await indicatorsFor(ctx, tx, commune.id, { ...filters.query, serviceId: s.id }, BY_SERVICE),
        });
      }
    }
    const cyber = [];
    for (const figure of ctx.contributions.figures.filter((f) => f.panel === 'cyber')) {
      const value = await figure.compute(tx, commune.id);
      cyber.push({
        key: figure.key,
        label: figure.label,
        text: figure.format ? figure.format(value) : formatNumber(value),
        late: figure.warnAbove !== undefined && !(value <= figure.warnAbove),
      });
    }
    return { services, filters, values, byService, months, cyber };
  });
}

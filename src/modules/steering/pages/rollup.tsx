/**
 * The OPSN operator's roll-up (`/operateur/pilotage`, operator): the main KPIs of every commune
 * of the instance over a period, from the same indicators (aggregates only: operators read no
 * citizen's file). Counts are summed on the last line; medians and rates are not (a median of
 * medians means nothing), so the line shows « — » for them.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { Button, Table } from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { sendPage } from '../../../platform/views/page-kit.js';
import { parseFilters } from '../use-cases/read-dashboard.js';
import { formatIndicator } from './format.js';
import { PeriodFields } from './period-fields.js';

const COLUMNS = [
  'requests.received',
  'requests.online_share',
  'requests.closed',
  'requests.median_days',
  'requests.p90_days',
  'requests.backlog',
  'requests.late',
  'appointments.bookings',
  'appointments.no_show_rate',
] as const;

export function registerRollupPage(app: FastifyInstance, ctx: AppContext): void {
  app.get('/operateur/pilotage', { config: { policy: 'operator' } }, async (request, reply) => {
    const filters = parseFilters(request.query, []);
    const { query, values: typed, errors } = filters;
    const definitions = ctx.contributions.indicatorSources.flatMap((s) => s.indicators);
    const columns = COLUMNS.flatMap((key) => definitions.filter((d) => d.key === key));
    const communes = (await ctx.communes.all()).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
    const totals = new Map<string, number>();
    const rows = [];
    for (const commune of communes) {
      const values = await withTenant(ctx.database, commune.id, (tx) =>
        ctx.contributions.indicatorsOf(tx, commune.id, { ...query, serviceId: null }),
      );
      for (const c of columns) {
        if (c.unit === 'count') totals.set(c.key, (totals.get(c.key) ?? 0) + (values.get(c.key) ?? 0));
      }
      rows.push([commune.name, ...columns.map((c) => formatIndicator(values.get(c.key), c.unit))]);
    }
    rows.push([
      `Ensemble (${communes.length} communes)`,
      ...columns.map((c) => (c.unit === 'count' ? formatIndicator(totals.get(c.key) ?? 0, c.unit) : '—')),
    ]);
    return sendPage(request, reply, {
      title: 'Pilotage des communes',
      wide: true,
      errors,
      ...(Object.keys(errors).length > 0 ? { status: 400 } : {}),
      fieldOrder: ['du', 'au'],
      breadcrumbs: [{ href: '/operateur', label: 'Espace opérateur' }],
      children: (
        <>
          <h1 class="govuk-heading-xl">Pilotage des communes</h1>
          <p class="govuk-body">
            Les indicateurs publiés par les modules, commune par commune. Les opérateurs voient des totaux, jamais les
            dossiers des usagers.
          </p>
          <form method="get" action="/operateur/pilotage" novalidate class="govuk-!-margin-bottom-6">
            <div class="govuk-grid-row">
              <PeriodFields typed={typed} query={query} errors={errors} />
            </div>
            <Button variant="secondary">Afficher</Button>
          </form>
          <Table
            caption={`Indicateurs du ${formatDate(query.from)} au ${formatDate(query.to)}`}
            firstCellIsHeader
            columns={[{ label: 'Commune' }, ...columns.map((c) => ({ label: c.label, numeric: true }))]}
            rows={rows}
          />
        </>
      ),
    });
  });
}

/**
 * The OPSN operator's roll-up (`/operateur/pilotage`, operator): the main KPIs of every commune
 * of the instance over a period, from the same indicators (aggregates only: operators read no
 * citizen's file), in two tables (requests and appointments; courrier, parapheur, family portal
 * and council). Counts and amounts are summed on the last line; medians and rates are not (a
 * median of medians means nothing), so the line shows « — » for them.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import type { IndicatorDefinition } from '../../../platform/module.js';
import { Button, Table } from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { sendPage } from '../../../platform/views/page-kit.js';
import { parseFilters } from '../use-cases/read-dashboard.js';
import { readRollup } from '../use-cases/read-rollup.js';
import { formatIndicator } from './format.js';
import { PeriodFields } from './period-fields.js';

/** The roll-up's tables: the KPIs of each, when their module publishes them. */
const TABLES = [
  {
    caption: 'Demandes et rendez-vous',
    keys: [
      'requests.received',
      'requests.online_share',
      'requests.closed',
      'requests.median_days',
      'requests.p90_days',
      'requests.backlog',
      'requests.late',
      'appointments.bookings',
      'appointments.no_show_rate',
    ],
  },
  {
    caption: 'Courrier, parapheur, portail famille et conseil',
    keys: [
      'courrier.received',
      'courrier.median_days',
      'courrier.late',
      'courrier.lre_sent',
      'signature.completed',
      'signature.median_circuit_days',
      'signature.pending_signatures',
      'family.invoiced',
      'family.paid_rate',
      'council.convocations',
      'council.electronic_share',
    ],
  },
] as const;

/** Amounts and counts add up across communes; durations and rates do not. */
const summable = (unit: IndicatorDefinition['unit']) => unit === 'count' || unit === 'euros';

export function registerRollupPage(app: FastifyInstance, ctx: AppContext): void {
  app.get('/operateur/pilotage', { config: { policy: 'operator' } }, async (request, reply) => {
    const filters = parseFilters(request.query, []);
    const { query, values: typed, errors } = filters;
    const definitions = ctx.contributions.indicatorSources.flatMap((s) => s.indicators);
    const tables = TABLES.map((t) => ({
      caption: t.caption,
      columns: t.keys.flatMap((key) => definitions.filter((d) => d.key === key)),
    })).filter((t) => t.columns.length > 0);
    const perCommune = await readRollup(ctx, query);
    const totals = new Map<string, number>();
    for (const { values } of perCommune) {
      for (const c of tables.flatMap((t) => t.columns)) {
        if (summable(c.unit)) totals.set(c.key, (totals.get(c.key) ?? 0) + (values.get(c.key) ?? 0));
      }
    }
    const rowsOf = (columns: readonly IndicatorDefinition[]) => [
      ...perCommune.map((c) => [c.name, ...columns.map((d) => formatIndicator(c.values.get(d.key), d.unit))]),
      [
        `Ensemble (${perCommune.length} communes)`,
        ...columns.map((d) => (summable(d.unit) ? formatIndicator(totals.get(d.key) ?? 0, d.unit) : '—')),
      ],
    ];
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
          <h2 class="govuk-heading-l">
            Indicateurs du {formatDate(query.from)} au {formatDate(query.to)}
          </h2>
          {tables.map((t) => (
            <Table
              key={t.caption}
              caption={t.caption}
              firstCellIsHeader
              columns={[{ label: 'Commune' }, ...t.columns.map((c) => ({ label: c.label, numeric: true }))]}
              rows={rowsOf(t.columns)}
            />
          ))}
        </>
      ),
    });
  });
}

/**
 * The pilotage dashboard (`/c/:slug/admin/pilotage`, communeLeadership): filters as a GET form
 * (period, service) that works without JavaScript, the KPI table of every module that publishes
 * indicators, the monthly chart of requests received and closed (server-side SVG, with its data
 * table as the text alternative), the cyber posture (the cyber panel's figures, failed sign-ins
 * by month, an attack's cost for scale), and the CSV export of the KPI table.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import type { IndicatorSource } from '../../../platform/module.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import { Button, Select, Table, Tag } from '../../../platform/views/components.js';
import { formatDate, formatMonth, formatNumber } from '../../../platform/views/format.js';
import { csvDocument, sheetXlsx } from '../../../platform/views/spreadsheet.js';
import { BY_SERVICE, type Dashboard, readDashboard } from '../use-cases/read-dashboard.js';
import { BarChart } from './chart.js';
import { csvNumber, formatIndicator, UNIT_WORDS } from './format.js';
import { PeriodFields } from './period-fields.js';

const SHORT_MONTHS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
];
/** « mars 26 »: the axis labels of the chart (the data table spells the months out). */
const shortMonth = (month: string) => `${SHORT_MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(2, 4)}`;

/** Headers of the table by service where the KPI's own label needs its domain (« dont en retard »). */
const BY_SERVICE_HEADERS: Record<string, string> = {
  'requests.late': 'Demandes en retard',
  'courrier.received': 'Courriers arrivés',
  'courrier.late': 'Courriers en retard',
};

/** One module's KPIs: label, value in its unit, and what is counted; then the module's own page, if any. */
function SourceTable({ source, values, slug }: { source: IndicatorSource; values: Dashboard['values']; slug: string }) {
  return (
    <>
      <Table
        caption={source.title}
        firstCellIsHeader
        columns={[{ label: 'Indicateur' }, { label: 'Valeur', numeric: true }, { label: 'Ce qui est compté' }]}
        rows={source.indicators.map((ind) => [
          <span key={ind.key}>{ind.label}</span>,
          formatIndicator(values.get(ind.key), ind.unit),
          ind.definition,
        ])}
      />
      {source.details && (
        <p class="govuk-body">
          <a class="govuk-link" href={`/c/${slug}/${source.details.path}`}>
            {source.details.label}
          </a>
        </p>
      )}
    </>
  );
}

/**
 * The cyber posture: the KPIs of modules' cyber sources over the period (accounts' security),
 * the cyber panel's figures as of today (backups, drills, awareness), the trend of failed
 * sign-ins by month, and what an attack costs, for scale.
 */
function CyberPosture(props: {
  slug: string;
  sources: readonly IndicatorSource[];
  values: Dashboard['values'];
  months: Dashboard['months'];
  monthLabels: string[];
  figures: Dashboard['cyber'];
  panel: string;
}) {
  const failed = props.months.map((m) => m.failedSignIns);
  return (
    <>
      <h2 class="govuk-heading-l">Posture cyber</h2>
      <p class="govuk-body">
        Pour mesurer l’enjeu : une cyberattaque coûte à une commune moyenne de 300 000 € à 1,5 million d’euros
        (estimation de l’ANSSI), sans compter des mois de services arrêtés. Le détail des comptes à relancer est sur le{' '}
        <a class="govuk-link" href={props.panel}>
          tableau de cyber-hygiène
        </a>
        .
      </p>
      {props.sources.map((source) => (
        <SourceTable key={source.title} source={source} values={props.values} slug={props.slug} />
      ))}
      {props.figures.length > 0 && (
        <Table
          caption="Sauvegardes, exercices de restauration et sensibilisation, à ce jour"
          captionSize="m"
          firstCellIsHeader
          columns={[{ label: 'Indicateur' }, { label: 'Valeur', numeric: true }]}
          rows={props.figures.map((f) => [
            <span key={f.key}>{f.label}</span>,
            f.late ? (
              <>
                <Tag colour="red">En retard</Tag> {f.text}
              </>
            ) : (
              f.text
            ),
          ])}
        />
      )}
      {failed.some((v) => v !== null) && (
        <>
          <h3 class="govuk-heading-m">Échecs de connexion par mois</h3>
          <BarChart
            id="graphique-echecs-connexion"
            title="Échecs de connexion par mois"
            description="Diagramme en barres de toute la commune. Les mêmes chiffres sont dans le tableau qui suit."
            categories={props.months.map((m) => shortMonth(m.month))}
            series={[{ label: 'Échecs de connexion', colour: '#d4351c', values: failed }]}
          />
          <Table
            caption="Données du graphique : échecs de connexion par mois"
            captionSize="s"
            firstCellIsHeader
            columns={[{ label: 'Mois' }, { label: 'Échecs de connexion', numeric: true }]}
            rows={props.months.map((m, i) => [
              props.monthLabels[i],
              m.failedSignIns === null ? '—' : formatNumber(m.failedSignIns),
            ])}
          />
        </>
      )}
    </>
  );
}

function queryString(values: { du: string; au: string; service: string }): string {
  const params = new URLSearchParams();
  if (values.du) params.set('du', values.du);
  if (values.au) params.set('au', values.au);
  if (values.service) params.set('service', values.service);
  const s = params.toString();
  return s ? `?${s}` : '';
}

function visibleSources(request: FastifyRequest, serviceId: string | null): readonly IndicatorSource[] {
  return request.server.contributions.indicatorSources.filter((s) => !serviceId || s.byService);
}

export function registerDashboardPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/admin/pilotage', { config: { policy: 'communeLeadership' } }, async (request, reply) => {
    const commune = request.commune!;
    const base = `${adminBase(request)}/pilotage`;
    const d = await readDashboard(ctx, commune, request.query);
    const { query, values: typed, errors } = d.filters;
    const hasErrors = Object.keys(errors).length > 0;
    const service = d.services.find((s) => s.id === query.serviceId);
    const scope = `du ${formatDate(query.from)} au ${formatDate(query.to)}, ${service ? `service ${service.name}` : 'tous les services'}`;
    const sources = visibleSources(request, query.serviceId);
    const leftOut = request.server.contributions.indicatorSources.filter((s) => !sources.includes(s));
    const monthLabels = d.months.map((m) => formatMonth(m.month));
    const definitions = sources.flatMap((source) => source.indicators);
    const labelOf = (key: string) => definitions.find((i) => i.key === key)?.label ?? key;
    const unitOf = (key: string) => definitions.find((i) => i.key === key)?.unit ?? 'count';
    return sendAdminPage(request, reply, {
      title: 'Pilotage',
      wide: true,
      errors,
      ...(hasErrors ? { status: 400 } : {}),
      fieldOrder: ['du', 'au', 'service'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Pilotage</h1>
          <p class="govuk-body">
            Les indicateurs sont calculés à partir de ce que publient les modules (demandes, rendez-vous, courrier,
            parapheur, portail famille, conseil) ; aucun chiffre n’est saisi à la main.{' '}
            <a class="govuk-link" href={`${base}/economies`}>
              Voir les économies et le retour sur investissement
            </a>
            .
          </p>
          <form method="get" action={base} novalidate class="govuk-!-margin-bottom-6">
            <div class="govuk-grid-row">
              <PeriodFields typed={typed} query={query} errors={errors} />
              <div class="govuk-grid-column-one-half">
                <Select
                  name="service"
                  label="Service"
                  hint="Les indicateurs du service seul"
                  value={typed.service}
                  error={errors.service}
                  options={[
                    { value: '', label: 'Tous les services' },
                    ...d.services.map((s) => ({ value: s.id, label: s.name })),
                  ]}
                />
              </div>
            </div>
            <Button variant="secondary">Afficher</Button>
          </form>
          {hasErrors && (
            <p class="govuk-body">
              En attendant une période valable, les chiffres affichés sont ceux de l’année en cours.
            </p>
          )}
          <h2 class="govuk-heading-l">Indicateurs {scope}</h2>
          {leftOut.length > 0 && (
            <p class="govuk-body">
              {leftOut.length > 1 ? 'Les domaines' : 'Le domaine'} {leftOut.map((s) => `« ${s.title} »`).join(', ')}{' '}
              {leftOut.length > 1 ? 'ne sont rattachés' : 'n’est rattaché'} à aucun service :{' '}
              {leftOut.length > 1 ? 'leurs' : 'ses'} indicateurs ne figurent que pour « Tous les services ».
            </p>
          )}
          {sources
            .filter((source) => source.panel !== 'cyber')
            .map((source) => (
              <SourceTable key={source.title} source={source} values={d.values} slug={commune.slug} />
            ))}
          {d.byService.length > 0 && (
            <Table
              caption="Par service"
              firstCellIsHeader
              columns={[
                { label: 'Service' },
                ...BY_SERVICE.map((key) => ({ label: BY_SERVICE_HEADERS[key] ?? labelOf(key), numeric: true })),
              ]}
              rows={d.byService.map((s) => [
                <a key={s.id} class="govuk-link" href={`${base}${queryString({ ...typed, service: s.id })}`}>
                  {s.name}
                </a>,
                ...BY_SERVICE.map((key) => formatIndicator(s.values.get(key), unitOf(key))),
              ])}
            />
          )}
          <p class="govuk-body">
            Télécharger ces indicateurs :{' '}
            <a class="govuk-link" href={`${base}/export.csv${queryString(typed)}`}>
              CSV
            </a>{' '}
            ou{' '}
            <a class="govuk-link" href={`${base}/export.xlsx${queryString(typed)}`}>
              XLSX (tableur)
            </a>
          </p>
          <h2 class="govuk-heading-l">Demandes reçues et clôturées par mois</h2>
          {d.months.length >= 24 && <p class="govuk-body">Le graphique montre les 24 derniers mois de la période.</p>}
          <BarChart
            id="graphique-demandes"
            title="Demandes reçues et clôturées par mois"
            description={`Diagramme en barres, ${scope}. Les mêmes chiffres sont dans le tableau qui suit.`}
            categories={d.months.map((m) => shortMonth(m.month))}
            series={[
              { label: 'Reçues', colour: '#1d70b8', values: d.months.map((m) => m.received) },
              { label: 'Clôturées', colour: '#0b0c0c', values: d.months.map((m) => m.closed) },
            ]}
          />
          <Table
            caption="Données du graphique : demandes par mois"
            captionSize="s"
            firstCellIsHeader
            columns={[{ label: 'Mois' }, { label: 'Reçues', numeric: true }, { label: 'Clôturées', numeric: true }]}
            rows={d.months.map((m, i) => [
              monthLabels[i],
              m.received === null ? '—' : formatNumber(m.received),
              m.closed === null ? '—' : formatNumber(m.closed),
            ])}
          />
          <CyberPosture
            slug={commune.slug}
            sources={sources.filter((source) => source.panel === 'cyber')}
            values={d.values}
            months={d.months}
            monthLabels={monthLabels}
            figures={d.cyber}
            panel={`${adminBase(request)}/cyber`}
          />
        </>
      ),
    });
  });

  // The KPI table for a spreadsheet: CSV for French Excel, XLSX with real numbers (same rows).
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(
      `/c/:slug/admin/pilotage/export.${format}`,
      { config: { policy: 'communeLeadership' } },
      async (request, reply) => {
        const commune = request.commune!;
        const d = await readDashboard(ctx, commune, request.query);
        if (Object.keys(d.filters.errors).length > 0) {
          return reply
            .status(400)
            .type('text/plain; charset=utf-8')
            .send(`Filtres invalides : ${Object.values(d.filters.errors).join(' ')}`);
        }
        const { query } = d.filters;
        const service = d.services.find((s) => s.id === query.serviceId)?.name ?? 'Tous les services';
        const header = ['Domaine', 'Indicateur', 'Valeur', 'Unité', 'Du', 'Au', 'Service', 'Ce qui est compté'];
        const rows = visibleSources(request, query.serviceId).flatMap((source) =>
          source.indicators.map((ind) => {
            const value = d.values.get(ind.key) ?? null;
            return {
              value,
              cells: [source.title, ind.label, UNIT_WORDS[ind.unit], query.from, query.to, service, ind.definition],
            };
          }),
        );
        const name = `pilotage-${commune.slug}-${query.from}-${query.to}.${format}`;
        reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${name}"`);
        if (format === 'csv') {
          return reply
            .type('text/csv; charset=utf-8')
            .send(
              csvDocument([
                header,
                ...rows.map(({ value, cells: [domain, label, ...rest] }) => [
                  domain!,
                  label!,
                  csvNumber(value),
                  ...rest,
                ]),
              ]),
            );
        }
        const body = await sheetXlsx(
          {
            name: 'Pilotage',
            header,
            widths: [24, 44, 12, 12, 12, 12, 24, 80],
            rows: rows.map(({ value, cells: [domain, label, ...rest] }) => [
              domain!,
              label!,
              value === null ? null : Math.round(value * 100) / 100,
              ...rest,
            ]),
          },
          commune.name,
        );
        return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(body);
      },
    );
  }
}

/**
 * The savings and return-on-investment page (`/c/:slug/admin/pilotage/economies`,
 * communeLeadership): each lever's yearly saving from the last twelve months' activity × the
 * unit costs, agent time in FTE, the multi-year schedule with the investment and operating
 * sections apart and the payback period; below, the assumptions with their sources, which the
 * leadership changes (a wrong value: 422, the French message, every typed value kept).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import { Button, CsrfField, type FieldErrors, Input, Table } from '../../../platform/views/components.js';
import { formatDate, formatNumber } from '../../../platform/views/format.js';
import { type FormBody, formString, handleForm } from '../../../platform/views/page-kit.js';
import { ASSUMPTIONS, type AssumptionDefinition, leverSavings, paybackSchedule } from '../savings.js';
import { changeAssumptions, fieldName, readSavingsModel } from '../use-cases/savings-model.js';
import { formatEuros } from './format.js';

const YEARS = 5;
const GROUPS: Array<{ key: AssumptionDefinition['group']; legend: string }> = [
  { key: 'courrier', legend: 'Lettres recommandées' },
  { key: 'demandes', legend: 'Demandes en ligne' },
  { key: 'agents', legend: 'Temps des agents' },
  { key: 'conseil', legend: 'Conseil municipal' },
  { key: 'projet', legend: 'Coût du projet' },
];

const typedValue = (n: number) => formatNumber(n, { maximumFractionDigits: 2, useGrouping: false });

export function registerSavingsPages(app: FastifyInstance, ctx: AppContext): void {
  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    typed: Record<string, string> | null,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const commune = request.commune!;
    const model = await readSavingsModel(ctx, commune);
    const a = model.assumptions;
    const levers = leverSavings(a, model.activity);
    const yearly = levers.reduce((sum, l) => sum + (l.euros ?? 0), 0);
    const schedule = paybackSchedule(a['project.investment'], yearly, a['project.operating_cost'], YEARS);
    const requests = levers.find((l) => l.key === 'requests')!;
    const saved = (request.query as FormBody).enregistre === '1';
    const base = `${adminBase(request)}/pilotage/economies`;
    const activityText = (l: (typeof levers)[number]) => {
      const n = l.activity;
      if (n === null) return 'non publiée';
      if (l.key === 'lre') return `${formatNumber(n)} lettres recommandées électroniques envoyées`;
      if (l.key === 'requests') return `${formatNumber(n)} demandes en ligne`;
      return l.estimated
        ? `${formatNumber(n)} convocations (séances × élus), estimation : aucune convocation envoyée par Guichet`
        : `${formatNumber(n)} convocations électroniques envoyées`;
    };
    const payback =
      schedule.paybackYears === null
        ? 'Avec ces hypothèses, les économies ne couvrent pas le coût de fonctionnement : l’investissement n’est pas amorti.'
        : `L’investissement est amorti en ${formatNumber(schedule.paybackYears, { maximumFractionDigits: 1 })} an${schedule.paybackYears >= 2 ? 's' : ''}.`;
    return sendAdminPage(request, reply, {
      title: 'Économies et retour sur investissement',
      wide: true,
      errors,
      ...(status ? { status } : {}),
      fieldOrder: ASSUMPTIONS.map((d) => fieldName(d.key)),
      ...(saved ? { notice: { kind: 'success' as const, title: 'Les hypothèses ont été enregistrées.' } } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Économies et retour sur investissement</h1>
          <p class="govuk-body">
            Chaque économie est l’activité publiée par les modules, du {formatDate(model.period.from)} au{' '}
            {formatDate(model.period.to)}, multipliée par l’écart entre deux coûts unitaires. Le temps d’agent libéré
            est à redéployer vers l’accueil et l’accompagnement, pas à supprimer.{' '}
            <a class="govuk-link" href={`${adminBase(request)}/pilotage`}>
              Retour aux indicateurs
            </a>
          </p>
          <Table
            caption="Économies par levier, sur un an"
            firstCellIsHeader
            columns={[{ label: 'Levier' }, { label: 'Activité' }, { label: 'Économie par an', numeric: true }]}
            rows={[
              ...levers.map((l) => [l.label, activityText(l), formatEuros(l.euros)]),
              ['Total', '', formatEuros(yearly)],
            ]}
          />
          <p class="govuk-body">
            Temps d’agent libéré par les demandes en ligne :{' '}
            {requests.hours === null || requests.hours === undefined
              ? 'non publié'
              : `${formatNumber(requests.hours, { maximumFractionDigits: 0 })}\u202fh, soit ${formatNumber(requests.fte ?? 0, { maximumFractionDigits: 2 })}\u202fETP`}
            .
          </p>
          <h2 class="govuk-heading-l">Sur {YEARS} ans</h2>
          <p class="govuk-body govuk-!-font-weight-bold">{payback}</p>
          <Table
            caption={`Investissement et fonctionnement, année par année, sur ${YEARS} ans`}
            firstCellIsHeader
            columns={[
              { label: 'Année' },
              { label: 'Section d’investissement : dépense', numeric: true },
              { label: 'Section de fonctionnement : coût', numeric: true },
              { label: 'Section de fonctionnement : économies', numeric: true },
              { label: 'Solde de l’année', numeric: true },
              { label: 'Solde cumulé', numeric: true },
            ]}
            rows={schedule.lines.map((l) => [
              `Année ${l.year}`,
              formatEuros(l.investment),
              formatEuros(l.operatingCost),
              formatEuros(l.savings),
              formatEuros(l.net),
              formatEuros(l.cumulative),
            ])}
          />
          <h2 class="govuk-heading-l">Hypothèses</h2>
          <p class="govuk-body">
            Changez une valeur pour la remplacer par celle de la commune : les économies sont recalculées à
            l’enregistrement.
          </p>
          <form method="post" action={base} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            {GROUPS.map((g) => (
              <fieldset key={g.key} class="govuk-fieldset govuk-!-margin-bottom-6">
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">{g.legend}</legend>
                {ASSUMPTIONS.filter((d) => d.group === g.key).map((d) => {
                  const name = fieldName(d.key);
                  const changedAt = model.changed.get(d.key);
                  return (
                    <Input
                      key={d.key}
                      name={name}
                      label={`${d.label} (${d.unit})`}
                      hint={
                        <>
                          Source : {d.source}
                          {changedAt
                            ? ` Valeur de la commune depuis le ${formatDate(changedAt)} ; par défaut ${typedValue(d.defaultValue)} ${d.unit}.`
                            : ''}
                        </>
                      }
                      width={10}
                      inputmode="decimal"
                      value={typed ? (typed[name] ?? '') : typedValue(a[d.key])}
                      error={errors[name]}
                    />
                  );
                })}
              </fieldset>
            ))}
            <Button>Enregistrer et recalculer</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/admin/pilotage/economies', { config: { policy: 'communeLeadership' } }, (request, reply) =>
    page(request, reply, null),
  );

  app.post('/c/:slug/admin/pilotage/economies', { config: { policy: 'communeLeadership' } }, async (request, reply) => {
    const commune = request.commune!;
    const typed = Object.fromEntries(
      ASSUMPTIONS.map((d) => [fieldName(d.key), formString(request.body, fieldName(d.key))]),
    );
    const result = await handleForm(
      () => changeAssumptions(ctx, commune, request.actor!, request.body, request.id),
      (errors, status) => page(request, reply, typed, errors, status),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${adminBase(request)}/pilotage/economies?enregistre=1`, 303);
  });
}

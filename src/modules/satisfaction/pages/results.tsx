/**
 * « Avis des usagers » (`/c/:slug/agent/avis`, those who process requests): the survey's results
 * per démarche for the period and the free comments, the latest months first, each with its
 * démarche, service and month — never a name, a request number or a date (decision 0056). Filters
 * as a GET form that works without JavaScript; a wrong filter is a 400 with its French message.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { Button, Input, Select, Table } from '../../../platform/views/components.js';
import { formatDate, formatMonth, formatNumber } from '../../../platform/views/format.js';
import { sendPage } from '../../../platform/views/page-kit.js';
import { type AnswerSummary, markLabel } from '../survey.js';
import { readResults } from '../use-cases/read-results.js';

const NNBSP = '\u202f';
const frDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const percent = (v: number | null) => (v === null ? '—' : `${formatNumber(v, { maximumFractionDigits: 0 })}${NNBSP}%`);
const score = (v: number | null) =>
  v === null ? '—' : `${formatNumber(v, { maximumFractionDigits: 1 })}${NNBSP}/${NNBSP}10`;

function summaryCells(s: AnswerSummary) {
  return [
    formatNumber(s.answers),
    score(s.score),
    percent(s.satisfiedShare),
    percent(s.easyShare),
    percent(s.clearShare),
  ];
}

export function registerResultsPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/agent/avis', { config: { policy: 'requestsInbox' } }, async (request, reply) => {
    const commune = request.commune!;
    const r = await readResults(ctx, commune, request.actor!, request.query);
    const { filters } = r;
    const hasErrors = Object.keys(filters.errors).length > 0;
    const service = r.services.find((s) => s.id === filters.serviceId);
    const scope = `du ${formatDate(filters.from)} au ${formatDate(filters.to)}, ${service ? `service ${service.name}` : 'tous vos services'}`;
    return sendPage(request, reply, {
      title: 'Avis des usagers',
      workspace: true,
      wide: true,
      errors: filters.errors,
      fieldOrder: ['du', 'au', 'service'],
      ...(hasErrors ? { status: 400 } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Avis des usagers</h1>
          <p class="govuk-body">
            Après l’envoi d’une démarche et à la clôture d’une demande, l’usager peut répondre à trois questions, comme
            sur « Je donne mon avis » de l’État. Les avis sont anonymes : ils ne sont rattachés à aucune demande et sont
            datés de leur mois seulement.
          </p>
          <form method="get" action={`/c/${commune.slug}/agent/avis`} novalidate class="govuk-!-margin-bottom-6">
            <div class="govuk-grid-row">
              <div class="govuk-grid-column-one-quarter">
                <Input
                  name="du"
                  label="Du"
                  hint="JJ/MM/AAAA"
                  width={10}
                  inputmode="numeric"
                  value={filters.values.du || frDate(filters.from)}
                  error={filters.errors.du}
                />
              </div>
              <div class="govuk-grid-column-one-quarter">
                <Input
                  name="au"
                  label="Au"
                  hint="JJ/MM/AAAA, inclus"
                  width={10}
                  inputmode="numeric"
                  value={filters.values.au || frDate(filters.to)}
                  error={filters.errors.au}
                />
              </div>
              <div class="govuk-grid-column-one-half">
                <Select
                  name="service"
                  label="Service"
                  value={filters.values.service}
                  error={filters.errors.service}
                  options={[
                    { value: '', label: 'Tous mes services' },
                    ...r.services.map((s) => ({ value: s.id, label: s.name })),
                  ]}
                />
              </div>
            </div>
            <Button variant="secondary">Afficher</Button>
          </form>
          <h2 class="govuk-heading-l">Résultats {scope}</h2>
          {r.total.answers === 0 ? (
            <p class="govuk-body">Aucun avis sur cette période.</p>
          ) : (
            <Table
              caption="Par démarche"
              firstCellIsHeader
              columns={[
                { label: 'Démarche' },
                { label: 'Avis', numeric: true },
                { label: 'Note', numeric: true },
                { label: 'Très satisfaits', numeric: true },
                { label: 'Facile', numeric: true },
                { label: 'Clair', numeric: true },
              ]}
              rows={[
                ...r.byProcedure.map((p) => [p.title, ...summaryCells(p.summary)]),
                ['Ensemble', ...summaryCells(r.total)],
              ]}
            />
          )}
          <p class="govuk-body-s">
            Note sur 10 : Très bien 10, Moyen 5, Pas bien 0, en moyenne. « Facile » et « Clair » : part des « Très bien
            » parmi ceux qui ont répondu à ces questions facultatives.
          </p>
          <h2 class="govuk-heading-l">Commentaires</h2>
          {r.comments.length === 0 ? (
            <p class="govuk-body">Aucun commentaire sur cette période.</p>
          ) : (
            <ul class="govuk-list">
              {r.comments.map((c, i) => (
                <li key={i} class="govuk-!-margin-bottom-6">
                  <p class="govuk-body-s govuk-!-margin-bottom-1">
                    {formatMonth(c.month)} · {c.procedure}
                    {c.service ? ` · ${c.service}` : ''} · avis « {markLabel(c.satisfaction)} »
                  </p>
                  <p class="govuk-body govuk-!-text-break-word">
                    {c.comment.split('\n').map((line, n) => (
                      <span key={n}>
                        {n > 0 ? <br /> : null}
                        {line}
                      </span>
                    ))}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </>
      ),
    });
  });
}

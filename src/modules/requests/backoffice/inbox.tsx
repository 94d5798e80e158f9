/**
 * The inbox of the back-office: the requests of the actor's services (all services for the
 * mayor, DGS and administrators), with filters in a GET form (works without JavaScript), counts
 * per status, sort, pages of 25, late flags, bulk actions on the checked rows, and exports of
 * the filtered list (CSV, XLSX — behind a recent authentication, audited).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { safeReturnPath } from '../../../platform/http/return-path.js';
import {
  Button,
  ButtonGroup,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  Select,
  Tag,
  type TagColour,
} from '../../../platform/views/components.js';
import { formatDate, formatDateTime, formatNumber } from '../../../platform/views/format.js';
import { AGENT_STATUS_LABELS, REQUEST_STATUSES, type RequestStatus } from '../../procedures/index.js';
import { BULK_ACTIONS, bulkUpdate } from '../use-cases/bulk-update.js';
import { callerOf, requestNotFound } from '../use-cases/common.js';
import { type ExportFormat, exportRequests } from './export.js';
import { hasInbox, INBOX_PAGE_SIZE, type InboxRow, searchInbox } from './queries.js';
import { ageText, type TriageFacts, triageFacts } from './triage.js';
import {
  agentBreadcrumbs,
  type InboxChoices,
  type InboxQuery,
  inboxBase,
  inboxChoices,
  inboxQueryString,
  parseInboxQuery,
  requestPath,
  SORT_LABELS,
  sendBackofficePage,
} from './ui.js';

export const STATUS_COLOURS: Record<RequestStatus, TagColour | undefined> = {
  nouvelle: undefined,
  en_cours: 'yellow',
  attente_usager: 'orange',
  acceptee: 'green',
  refusee: 'red',
  classee: 'grey',
};

/** A request's status in the démarche's words, coloured by the underlying status. */
export function StatusTag({ row }: { row: Pick<InboxRow, 'status' | 'statusLabel'> }) {
  return <Tag colour={STATUS_COLOURS[row.status]}>{row.statusLabel}</Tag>;
}

export function LateTag() {
  return <Tag colour="red">En retard</Tag>;
}

/** Élus without an agent role have no inbox: the same answer as a page that does not exist. */
export function requireInbox(request: FastifyRequest): void {
  if (!hasInbox(request.actor!)) throw requestNotFound();
}

const NOTICES: Record<string, (value: string) => { kind: 'success' | 'info'; title: string }> = {
  lot: (value) => {
    const [changed, skipped] = value.split('-').map((n) => Number.parseInt(n, 10) || 0) as [number, number];
    return changed === 0
      ? { kind: 'info', title: 'Aucune demande modifiée : l’action ne changeait rien aux demandes cochées.' }
      : {
          kind: 'success',
          title: `${formatNumber(changed)} demande${changed > 1 ? 's' : ''} modifiée${changed > 1 ? 's' : ''}${
            skipped > 0 ? ` (${formatNumber(skipped)} inchangée${skipped > 1 ? 's' : ''})` : ''
          }.`,
        };
  },
  transmise: (value) => ({
    kind: 'success',
    title: `La demande n° ${value} a été transmise à un autre service : elle n’est plus dans vos demandes.`,
  }),
  deposee: (value) => ({
    kind: 'success',
    title: `La demande n° ${value} a été enregistrée et transmise au service concerné.`,
  }),
};

function noticeFrom(query: Record<string, unknown>) {
  for (const [key, build] of Object.entries(NOTICES)) {
    const value = query[key];
    if (typeof value === 'string' && /^[0-9-]{1,20}$/.test(value)) return build(value);
  }
  return undefined;
}

function StatusCounts({
  base,
  query,
  counts,
}: {
  base: string;
  query: InboxQuery;
  counts: Record<RequestStatus, number>;
}) {
  const all = REQUEST_STATUSES.reduce((sum, s) => sum + counts[s], 0);
  const open = counts.nouvelle + counts.en_cours + counts.attente_usager;
  const items = [
    { value: '', label: 'Toutes', count: all },
    { value: 'ouvertes', label: 'À traiter', count: open },
    ...REQUEST_STATUSES.map((s) => ({ value: s, label: AGENT_STATUS_LABELS[s], count: counts[s] })),
  ];
  return (
    <nav aria-label="Demandes par statut" class="govuk-!-margin-bottom-6">
      <ul class="govuk-list">
        {items.map((item) => {
          const current = query.values.statut === item.value;
          const href = `${base}${inboxQueryString({ ...query.values, statut: item.value })}`;
          return (
            <li key={item.value || 'toutes'} class="govuk-!-display-inline-block govuk-!-margin-right-4">
              <a class="govuk-link" href={href} aria-current={current ? 'page' : undefined}>
                {current ? <strong>{item.label}</strong> : item.label}
              </a>{' '}
              <span class="govuk-body-s">({formatNumber(item.count)})</span>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function FilterForm({ base, query, choices }: { base: string; query: InboxQuery; choices: InboxChoices }) {
  const v = query.values;
  const e = query.errors;
  return (
    <form method="get" action={base} novalidate>
      <h2 class="govuk-heading-m">Filtrer les demandes</h2>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-quarter">
          <Select
            name="statut"
            label="Statut"
            value={v.statut}
            error={e.statut}
            options={[
              { value: '', label: 'Tous' },
              { value: 'ouvertes', label: 'À traiter (non clôturées)' },
              ...REQUEST_STATUSES.map((s) => ({ value: s, label: AGENT_STATUS_LABELS[s] })),
            ]}
          />
        </div>
        <div class="govuk-grid-column-one-quarter">
          <Select
            name="demarche"
            label="Démarche"
            value={v.demarche}
            error={e.demarche}
            options={[
              { value: '', label: 'Toutes' },
              { value: 'libre', label: 'Demandes libres (sans démarche)' },
              ...choices.procedures.map((p) => ({ value: p.slug, label: p.title })),
            ]}
          />
        </div>
        {choices.services.length > 1 ? (
          <div class="govuk-grid-column-one-quarter">
            <Select
              name="service"
              label="Service"
              value={v.service}
              error={e.service}
              options={[
                { value: '', label: choices.seesAll ? 'Tous les services' : 'Tous mes services' },
                ...choices.services.map((s) => ({ value: s.slug, label: s.name })),
              ]}
            />
          </div>
        ) : null}
        <div class="govuk-grid-column-one-quarter">
          <Select
            name="attribution"
            label="Attribuée à"
            value={v.attribution}
            error={e.attribution}
            options={[
              { value: '', label: 'Peu importe' },
              { value: 'moi', label: 'Moi' },
              { value: 'aucune', label: 'Non attribuées' },
              ...choices.agents.map((a) => ({ value: a.id, label: a.name })),
            ]}
          />
        </div>
      </div>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-quarter">
          <Input
            name="du"
            label="Déposées du"
            hint="Par exemple 01/01/2026"
            inputmode="numeric"
            width={10}
            value={v.du}
            error={e.du}
          />
        </div>
        <div class="govuk-grid-column-one-quarter">
          <Input
            name="au"
            label="Au"
            hint="Par exemple 31/01/2026"
            inputmode="numeric"
            width={10}
            value={v.au}
            error={e.au}
          />
        </div>
        <div class="govuk-grid-column-one-quarter">
          <Select
            name="tri"
            label="Trier par"
            value={v.tri || 'recent'}
            error={e.tri}
            options={Object.entries(SORT_LABELS).map(([value, label]) => ({ value, label }))}
          />
        </div>
        <div class="govuk-grid-column-one-quarter">
          <Checkboxes
            name="retard"
            legend="Échéance"
            small
            values={v.retard === '1' ? ['1'] : []}
            items={[{ value: '1', label: 'En retard seulement' }]}
          />
        </div>
      </div>
      <ButtonGroup>
        <Button variant="secondary">Filtrer</Button>
        <a class="govuk-link" href={base}>
          Effacer les filtres
        </a>
      </ButtonGroup>
    </form>
  );
}

function RequestsTable({
  request,
  rows,
  facts,
  caption,
}: {
  request: FastifyRequest;
  rows: InboxRow[];
  facts: Map<string, TriageFacts>;
  caption: string;
}) {
  const now = new Date();
  const me = request.actor!.accountId;
  return (
    <section class="guichet-table-scroll" aria-label={caption} tabindex={0}>
      <table class="govuk-table guichet-triage">
        <caption class="govuk-table__caption govuk-table__caption--s">{caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">
              <span class="govuk-visually-hidden">Sélection</span>
            </th>
            <th scope="col" class="govuk-table__header">
              N°
            </th>
            <th scope="col" class="govuk-table__header">
              Objet
            </th>
            <th scope="col" class="govuk-table__header">
              Lieu
            </th>
            <th scope="col" class="govuk-table__header">
              Service
            </th>
            <th scope="col" class="govuk-table__header">
              Attente
            </th>
            <th scope="col" class="govuk-table__header">
              Statut
            </th>
            <th scope="col" class="govuk-table__header">
              Attribuée à
            </th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {rows.map((row) => {
            const fact = facts.get(row.id);
            return (
              <tr class="govuk-table__row" key={row.id}>
                <td class="govuk-table__cell">
                  <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
                    <div class="govuk-checkboxes__item">
                      <input
                        class="govuk-checkboxes__input"
                        id={`demande-${row.id}`}
                        name="demandes"
                        type="checkbox"
                        value={row.id}
                      />
                      <label class="govuk-label govuk-checkboxes__label" for={`demande-${row.id}`}>
                        <span class="govuk-visually-hidden">Sélectionner la demande n° {row.number}</span>
                      </label>
                    </div>
                  </div>
                </td>
                <td class="govuk-table__cell">
                  <a class="govuk-link" href={requestPath(request, row.number)}>
                    {row.number}
                  </a>
                </td>
                <td class="govuk-table__cell">
                  <span class="guichet-triage__summary">
                    <strong>{row.procedureTitle ?? row.subject}</strong>
                    {fact?.summary ? (
                      <>
                        <br />
                        {fact.summary}
                      </>
                    ) : null}
                  </span>
                  <span class="govuk-body-s">
                    {row.requesterName}
                    {fact && fact.photos > 0 ? ` · ${fact.photos > 1 ? `${fact.photos} photos` : '1 photo'}` : ''}
                  </span>
                </td>
                <td class="govuk-table__cell">{fact?.address ?? '—'}</td>
                <td class="govuk-table__cell">{row.serviceName}</td>
                <td class="govuk-table__cell">
                  <span title={`Déposée le ${formatDateTime(row.submittedAt)}`}>{ageText(row.submittedAt, now)}</span>
                  <br />
                  <span class="govuk-body-s">échéance {formatDate(row.dueAt)}</span>
                  {row.late ? (
                    <>
                      <br />
                      <LateTag />
                    </>
                  ) : null}
                </td>
                <td class="govuk-table__cell">
                  <StatusTag row={row} />
                </td>
                <td class="govuk-table__cell">
                  {row.assigneeId === me ? 'Moi' : (row.assigneeName ?? <span class="govuk-hint">Personne</span>)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** One-click views of the inbox (GET links, no JavaScript): what to pick up, what is mine, what is late. */
function QuickViews({ base, query }: { base: string; query: InboxQuery }) {
  const v = query.values;
  const views = [
    { label: 'À traiter, non attribuées', values: { statut: 'ouvertes', attribution: 'aucune' } },
    { label: 'Mes demandes en cours', values: { statut: 'ouvertes', attribution: 'moi' } },
    { label: 'En retard', values: { statut: 'ouvertes', retard: '1', tri: 'echeance' } },
  ];
  return (
    <nav aria-label="Vues rapides" class="govuk-!-margin-bottom-4">
      <ul class="govuk-list">
        {views.map((view) => {
          const href = `${base}${inboxQueryString(view.values)}`;
          const current = Object.entries(view.values).every(([k, value]) => v[k as keyof typeof v] === value);
          return (
            <li key={view.label} class="govuk-!-display-inline-block govuk-!-margin-right-4">
              <a class="govuk-link" href={href} aria-current={current ? 'page' : undefined}>
                {current ? <strong>{view.label}</strong> : view.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function registerInboxPages(app: FastifyInstance, ctx: AppContext): void {
  async function inboxPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { bulkErrors?: FieldErrors; status?: number; queryOverride?: unknown } = {},
  ) {
    requireInbox(request);
    const commune = request.commune!;
    const actor = request.actor!;
    const base = inboxBase(request);
    const { choices, query, result, facts } = await withTenant(ctx.database, commune.id, async (tx) => {
      const choices = await inboxChoices(tx, commune.id, actor);
      const query = parseInboxQuery(options.queryOverride ?? request.query, choices);
      const hasErrors = Object.keys(query.errors).length > 0;
      const result = await searchInbox(tx, commune.id, actor, hasErrors ? { statuses: [] } : query.filter, {
        sort: query.sort,
        limit: INBOX_PAGE_SIZE,
        offset: (query.page - 1) * INBOX_PAGE_SIZE,
      });
      const facts = await triageFacts(
        tx,
        commune.id,
        result.rows.map((r) => r.id),
      );
      return { choices, query, result, facts };
    });
    const hasErrors = Object.keys(query.errors).length > 0;
    const pages = Math.max(1, Math.ceil(result.total / INBOX_PAGE_SIZE));
    const qs = inboxQueryString(query.values);
    const notice = noticeFrom(request.query as Record<string, unknown>);
    const errors = { ...query.errors, ...(options.bulkErrors ?? {}) };
    return sendBackofficePage(request, reply, {
      title: 'Demandes des usagers',
      errors,
      fieldOrder: ['statut', 'demarche', 'service', 'attribution', 'du', 'au', 'tri', 'demandes', 'action'],
      ...(options.status ? { status: options.status } : {}),
      ...(notice ? { notice } : {}),
      breadcrumbs: agentBreadcrumbs(request).slice(0, 1),
      children: (
        <>
          <span class="govuk-caption-l">
            {choices.seesAll ? 'Tous les services' : choices.services.map((s) => s.name).join(', ')}
          </span>
          <h1 class="govuk-heading-xl">Demandes des usagers</h1>
          <ButtonGroup>
            <Button href={`${base}/nouvelle`} variant="secondary">
              Enregistrer une demande au guichet
            </Button>
          </ButtonGroup>
          <QuickViews base={base} query={query} />
          <StatusCounts base={base} query={query} counts={result.counts} />
          <FilterForm base={base} query={query} choices={choices} />
          {hasErrors ? null : (
            <p class="govuk-body">
              Exporter la liste filtrée :{' '}
              <a class="govuk-link" href={`${base}/export.csv${qs}`}>
                tableur CSV
              </a>{' '}
              ou{' '}
              <a class="govuk-link" href={`${base}/export.xlsx${qs}`}>
                classeur Excel (XLSX)
              </a>{' '}
              <span class="govuk-body-s">(données personnelles : confirmation d’identité demandée)</span>
            </p>
          )}
          {result.rows.length === 0 ? (
            <p class="govuk-body">Aucune demande ne correspond à ces critères.</p>
          ) : (
            <form method="post" action={`${base}/lot`} novalidate>
              <CsrfField token={reply.generateCsrf()} />
              <input type="hidden" name="retour" value={`${base}${inboxQueryString(query.values, query.page)}`} />
              <RequestsTable
                request={request}
                rows={result.rows}
                facts={facts}
                caption={`${formatNumber(result.total)} demande${result.total > 1 ? 's' : ''} — page ${query.page} sur ${pages}`}
              />
              {errors.demandes ? (
                <p id="demandes" class="govuk-error-message">
                  <span class="govuk-visually-hidden">Erreur :</span> {errors.demandes}
                </p>
              ) : null}
              <div class="govuk-grid-row">
                <div class="govuk-grid-column-one-half">
                  <Select
                    name="action"
                    label="Action sur les demandes cochées"
                    error={errors.action}
                    options={[
                      { value: '', label: 'Choisir une action' },
                      ...Object.entries(BULK_ACTIONS).map(([value, label]) => ({ value, label })),
                    ]}
                  />
                </div>
              </div>
              <Button variant="secondary">Appliquer aux demandes cochées</Button>
            </form>
          )}
          {pages > 1 ? (
            <nav class="govuk-pagination" aria-label="Pages des demandes">
              {query.page > 1 ? (
                <div class="govuk-pagination__prev">
                  <a
                    class="govuk-link govuk-pagination__link"
                    href={`${base}${inboxQueryString(query.values, query.page - 1)}`}
                    rel="prev"
                  >
                    <span class="govuk-pagination__link-title">Page précédente</span>
                  </a>
                </div>
              ) : null}
              {query.page < pages ? (
                <div class="govuk-pagination__next">
                  <a
                    class="govuk-link govuk-pagination__link"
                    href={`${base}${inboxQueryString(query.values, query.page + 1)}`}
                    rel="next"
                  >
                    <span class="govuk-pagination__link-title">Page suivante</span>
                  </a>
                </div>
              ) : null}
            </nav>
          ) : null}
        </>
      ),
    });
  }

  app.get('/c/:slug/agent/demandes', { config: { policy: 'requestsInbox' } }, (request, reply) =>
    inboxPage(request, reply),
  );

  app.post('/c/:slug/agent/demandes/lot', { config: { policy: 'requestsInbox' } }, async (request, reply) => {
    requireInbox(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const back = safeReturnPath(body.retour, inboxBase(request));
    const returnTo = back.startsWith(`${inboxBase(request)}`) ? back : inboxBase(request);
    try {
      const { changed, skipped } = await bulkUpdate(ctx, callerOf(request), body);
      const separator = returnTo.includes('?') ? '&' : '?';
      return reply.redirect(`${returnTo}${separator}lot=${changed}-${skipped}`, 303);
    } catch (error) {
      if (error instanceof AppError && error.fields && error.status === 422) {
        const query = Object.fromEntries(new URL(returnTo, 'http://x').searchParams);
        return inboxPage(request, reply, { bulkErrors: error.fields, status: 422, queryOverride: query });
      }
      throw error;
    }
  });

  const exportRoute = (format: ExportFormat) => async (request: FastifyRequest, reply: FastifyReply) => {
    requireInbox(request);
    const commune = request.commune!;
    const actor = request.actor!;
    const query = await withTenant(ctx.database, commune.id, async (tx) =>
      parseInboxQuery(request.query, await inboxChoices(tx, commune.id, actor)),
    );
    if (Object.keys(query.errors).length > 0) {
      throw new AppError('input.invalid', 'invalid inbox filter', 422, { fields: query.errors });
    }
    const { body } = await exportRequests(ctx, commune, actor, query, format, request);
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .type(
        format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      )
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="demandes-${commune.slug}-${day}.${format}"`)
      .send(body);
  };
  // Exports hold personal data: a recent authentication is asked for.
  app.get(
    '/c/:slug/agent/demandes/export.csv',
    { config: { policy: 'requestsInbox', stepUp: true } },
    exportRoute('csv'),
  );
  app.get(
    '/c/:slug/agent/demandes/export.xlsx',
    { config: { policy: 'requestsInbox', stepUp: true } },
    exportRoute('xlsx'),
  );
}

/**
 * The commune's security journal for its leadership: the audit entries, newest first, 50 per
 * page, filtered by kind of event, person and dates, with the state of the hash chain, and a
 * CSV export of the filtered list (an export of personal data: step-up first, then audited).
 */
import type { FastifyInstance } from 'fastify';
import { verifyAuditChain } from '../../platform/audit/journal.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { adminBase, sendAdminPage } from '../../platform/views/admin-area.js';
import { Button, ButtonGroup, Input, Select, Table, Tag, WarningText } from '../../platform/views/components.js';
import { formatDateTime, formatNumber } from '../../platform/views/format.js';
import {
  actionLabel,
  entryActor,
  entryDetails,
  entryNetwork,
  entryTarget,
  exportJournalCsv,
  type JournalQuery,
  parseJournalQuery,
} from './staff.js';
import { ACTION_FAMILIES, searchJournal } from './staff-repo.js';

export const JOURNAL_PAGE_SIZE = 50;

function queryString(values: JournalQuery['values'], page?: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value.trim()) params.set(key, value.trim());
  if (page && page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function registerJournalPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/c/:slug/admin/journal', { config: { policy: 'communeLeadership' } }, async (request, reply) => {
    const commune = request.commune!;
    const query = await parseJournalQuery(ctx, commune, request.query);
    const hasErrors = Object.keys(query.errors).length > 0;
    const { result, chain } = await withTenant(ctx.database, commune.id, async (tx) => ({
      result: hasErrors
        ? { total: 0, entries: [] }
        : await searchJournal(tx, commune.id, query.filter, {
            limit: JOURNAL_PAGE_SIZE,
            offset: (query.page - 1) * JOURNAL_PAGE_SIZE,
          }),
      chain: await verifyAuditChain(tx),
    }));
    const pages = Math.max(1, Math.ceil(result.total / JOURNAL_PAGE_SIZE));
    const base = `${adminBase(request)}/journal`;
    return sendAdminPage(request, reply, {
      title: 'Journal de sécurité',
      wide: true,
      errors: query.errors,
      fieldOrder: ['famille', 'personne', 'du', 'au'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Journal de sécurité</h1>
          {chain.firstBreak ? (
            <WarningText>
              Le journal a été altéré : la vérification s’arrête à l’entrée n° {chain.firstBreak.seq}. Prévenez
              l’opérateur de la plateforme et conservez un export.
            </WarningText>
          ) : (
            <p class="govuk-body">
              <Tag colour="green">Intègre</Tag> Les {formatNumber(chain.entries)} entrées du journal ont été vérifiées :
              aucune n’a été modifiée ni supprimée depuis son écriture.
            </p>
          )}
          <form method="get" action={base} novalidate>
            <div class="govuk-grid-row">
              <div class="govuk-grid-column-one-quarter">
                <Select
                  name="famille"
                  label="Type d’événement"
                  value={query.values.famille}
                  error={query.errors.famille}
                  options={[
                    { value: '', label: 'Tous' },
                    ...Object.entries(ACTION_FAMILIES).map(([value, f]) => ({ value, label: f.label })),
                  ]}
                />
              </div>
              <div class="govuk-grid-column-one-quarter">
                <Input
                  name="personne"
                  type="email"
                  label="Personne (adresse électronique)"
                  spellcheck={false}
                  value={query.values.personne}
                  error={query.errors.personne}
                />
              </div>
              <div class="govuk-grid-column-one-quarter">
                <Input
                  name="du"
                  label="Du"
                  hint="Par exemple 01/01/2026"
                  inputmode="numeric"
                  width={10}
                  value={query.values.du}
                  error={query.errors.du}
                />
              </div>
              <div class="govuk-grid-column-one-quarter">
                <Input
                  name="au"
                  label="Au"
                  hint="Par exemple 31/01/2026"
                  inputmode="numeric"
                  width={10}
                  value={query.values.au}
                  error={query.errors.au}
                />
              </div>
            </div>
            <ButtonGroup>
              <Button variant="secondary">Filtrer</Button>
              <a class="govuk-link" href={base}>
                Effacer les filtres
              </a>
              {hasErrors ? null : (
                <a class="govuk-link" href={`${base}/export.csv${queryString(query.values)}`}>
                  Exporter la liste filtrée (CSV)
                </a>
              )}
            </ButtonGroup>
          </form>
          {result.entries.length === 0 ? (
            <p class="govuk-body">Aucun événement ne correspond à ces critères.</p>
          ) : (
            <Table
              caption={`${formatNumber(result.total)} événement${result.total > 1 ? 's' : ''} — page ${query.page} sur ${pages}`}
              captionSize="s"
              columns={[
                { label: 'N°', numeric: true },
                { label: 'Date' },
                { label: 'Événement' },
                { label: 'Auteur' },
                { label: 'Cible' },
                { label: 'Réseau' },
                { label: 'Détails' },
              ]}
              rows={result.entries.map((e) => [
                String(e.seq),
                formatDateTime(e.occurredAt),
                actionLabel(e.action),
                entryActor(e),
                entryTarget(e),
                entryNetwork(e),
                entryDetails(e),
              ])}
            />
          )}
          {pages > 1 ? (
            <nav class="govuk-pagination" aria-label="Pages du journal">
              {query.page > 1 ? (
                <div class="govuk-pagination__prev">
                  <a
                    class="govuk-link govuk-pagination__link"
                    href={`${base}${queryString(query.values, query.page - 1)}`}
                    rel="prev"
                  >
                    <span class="govuk-pagination__link-title">Plus récents</span>
                  </a>
                </div>
              ) : null}
              {query.page < pages ? (
                <div class="govuk-pagination__next">
                  <a
                    class="govuk-link govuk-pagination__link"
                    href={`${base}${queryString(query.values, query.page + 1)}`}
                    rel="next"
                  >
                    <span class="govuk-pagination__link-title">Plus anciens</span>
                  </a>
                </div>
              ) : null}
            </nav>
          ) : null}
        </>
      ),
    });
  });

  app.get(
    '/c/:slug/admin/journal/export.csv',
    { config: { policy: 'communeLeadership', stepUp: true } },
    async (request, reply) => {
      const commune = request.commune!;
      const query = await parseJournalQuery(ctx, commune, request.query);
      if (Object.keys(query.errors).length > 0) {
        throw new AppError('input.invalid', 'invalid journal filter', 422, { fields: query.errors });
      }
      const { csv } = await exportJournalCsv(ctx, commune, request.actor!, query, request);
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="journal-securite-${commune.slug}-${day}.csv"`)
        .send(csv);
    },
  );
}

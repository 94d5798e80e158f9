/**
 * Dunning for the commune's administrators (`/c/<slug>/admin/famille/relances`): the households
 * with invoices past due (the longest overdue first), what each owes and when it was last
 * reminded, and a dunning letter (PDF) per household, written in the invoices' history.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/context.js';
import { formatEuros } from '../../../platform/money.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import { BackLink, Button, CsrfField, Table } from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { formString } from '../../../platform/views/page-kit.js';
import { DUE_DAYS } from '../billing/dunning.js';
import type { FamilyCaller } from '../use-cases/common.js';
import { dunningLetter, listArrears } from '../use-cases/dunning.js';

export function registerAdminDunningPages(app: FastifyInstance, ctx: AppContext): void {
  const caller = (request: FastifyRequest): FamilyCaller => ({
    commune: request.commune!,
    actor: request.actor,
    httpRequestId: request.id,
  });

  app.get('/c/:slug/admin/famille/relances', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const arrears = await listArrears(ctx.database, caller(request));
    const csrf = reply.generateCsrf();
    const base = `${adminBase(request)}/famille`;
    return sendAdminPage(request, reply, {
      title: 'Relances du portail famille',
      wide: true,
      children: (
        <>
          <BackLink href={`${base}/facturation`}>Facturation</BackLink>
          <h1 class="govuk-heading-xl">Relances</h1>
          <p class="govuk-body">
            Une facture est due {DUE_DAYS} jours après son émission. Sont listés les foyers dont une facture reste à
            payer après cette date (les factures transmises au Trésor public dans un rôle sont relancées par le
            comptable public). La lettre de relance est inscrite dans l’historique de chaque facture qu’elle cite.
          </p>
          {arrears.length === 0 ? (
            <p class="govuk-body">Aucune facture en retard de paiement.</p>
          ) : (
            <Table
              caption={`${arrears.length} foyer${arrears.length > 1 ? 's' : ''} en retard de paiement`}
              captionSize="s"
              columns={[
                { label: 'Payeur' },
                { label: 'Factures' },
                { label: 'Échue depuis le' },
                { label: 'Restant dû', numeric: true },
                { label: 'Dernière relance' },
                { label: 'Lettre' },
              ]}
              rows={arrears.map((a) => [
                a.payerName,
                <span key="f">
                  {a.invoices.map((i, n) => (
                    <span key={i.id}>
                      {n > 0 ? ', ' : ''}
                      <a class="govuk-link" href={`${base}/factures/${i.id}`}>
                        {i.number}
                      </a>
                    </span>
                  ))}
                </span>,
                formatDate(new Date(`${a.since}T12:00:00Z`)),
                formatEuros(a.owedCents),
                a.lastReminder ? formatDate(a.lastReminder) : 'aucune',
                <form method="post" action={`${base}/relances/lettre`} key="l" novalidate>
                  <CsrfField token={csrf} />
                  <input type="hidden" name="compte" value={a.accountId} />
                  <Button variant="secondary">
                    Lettre de relance (PDF)<span class="govuk-visually-hidden"> pour {a.payerName}</span>
                  </Button>
                </form>,
              ])}
            />
          )}
        </>
      ),
    });
  });

  app.post('/c/:slug/admin/famille/relances/lettre', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const { pdf, arrears } = await dunningLetter(ctx.database, caller(request), formString(request.body, 'compte'));
    const name = arrears.payerName
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase();
    return reply
      .type('application/pdf')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="relance-${name || 'foyer'}.pdf"`)
      .send(pdf);
  });
}

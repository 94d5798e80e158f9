/**
 * One invoice for the commune's administrators (`/c/<slug>/admin/famille/factures/<id>`): its
 * lines with what credit notes cancelled, the balance, its history, and the form to issue a
 * credit note (avoir) on a line or on the rest of the invoice, with a reason.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { formatEuros } from '../../../platform/money.js';
import { adminBase, sendAdminPage } from '../../../platform/views/admin-area.js';
import {
  BackLink,
  Button,
  CsrfField,
  type FieldErrors,
  Radios,
  Table,
  Textarea,
} from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { formString, handleForm } from '../../../platform/views/page-kit.js';
import { billedMonth } from '../billing/invoice-pdf.js';
import { canManageBilling } from '../policy.js';
import { creditNotesOf, findInvoice, invoiceEvents, invoiceLines } from '../repo.js';
import { creditInvoice, WHOLE_INVOICE } from '../use-cases/credit-invoice.js';
import { INVOICE_NOT_FOUND, invoiceBalance } from '../use-cases/payments.js';
import { InvoiceHistory, InvoiceStatus } from './invoices.js';

const params = z.object({ slug: z.string().max(63), invoice: z.string().max(100) }).strict();

export function registerAdminInvoicePages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const path = (request: FastifyRequest, id: string) => `${adminBase(request)}/famille/factures/${id}`;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    form: { errors?: FieldErrors; values?: { ligne: string; motif: string }; notice?: string } = {},
  ) {
    const commune = request.commune!;
    if (!isUuid(id) || !canManageBilling(request.actor)) throw INVOICE_NOT_FOUND();
    const data = await withTenant(ctx.database, commune.id, async (tx) => {
      const invoice = await findInvoice(tx, commune.id, id);
      if (!invoice) throw INVOICE_NOT_FOUND();
      return {
        invoice,
        lines: await invoiceLines(tx, commune.id, id),
        creditNotes: await creditNotesOf(tx, commune.id, [id]),
        events: await invoiceEvents(tx, commune.id, id),
      };
    });
    const { invoice, lines, creditNotes, events } = data;
    const errors = form.errors ?? {};
    const balance = invoiceBalance(invoice);
    const cancelled = new Map(creditNotes.filter((c) => c.lineId).map((c) => [c.lineId!, c.number]));
    const open = lines.filter((l) => !cancelled.has(l.id) && l.amountCents > 0);
    const noteHref = (noteId: string) => `/c/${commune.slug}/famille/factures/${invoice.id}/avoirs/${noteId}/pdf`;
    return sendAdminPage(request, reply, {
      title: `Facture ${invoice.number}`,
      errors,
      fieldOrder: ['ligne', 'motif'],
      wide: true,
      ...(form.notice ? { notice: { kind: 'success' as const, title: form.notice } } : {}),
      children: (
        <>
          <BackLink href={`${adminBase(request)}/famille/facturation`}>Facturation</BackLink>
          <h1 class="govuk-heading-xl">
            <span class="govuk-caption-m">{billedMonth(invoice.month)}</span>
            Facture n° {invoice.number}
          </h1>
          <p class="govuk-body">
            <InvoiceStatus invoice={invoice} /> Émise le {formatDate(invoice.issuedAt)} au nom de {invoice.payerName}.
          </p>
          <Table
            caption="Lignes"
            captionSize="s"
            columns={[
              { label: 'Enfant' },
              { label: 'Prestation' },
              { label: 'Montant', numeric: true },
              { label: 'Avoir' },
            ]}
            rows={[
              ...lines.map((l) => [
                l.childName,
                `${l.activityName} : ${l.label}`,
                formatEuros(l.amountCents),
                cancelled.get(l.id) ?? '',
              ]),
              [<strong key="t">Total</strong>, '', <strong key="v">{formatEuros(invoice.totalCents)}</strong>, ''],
              ...(invoice.creditedCents > 0
                ? [
                    ['Avoirs', '', `− ${formatEuros(invoice.creditedCents)}`, ''],
                    [<strong key="r">Reste à payer</strong>, '', <strong key="b">{formatEuros(balance)}</strong>, ''],
                  ]
                : []),
            ]}
          />
          <InvoiceHistory events={events} creditNotes={creditNotes} href={(c) => noteHref(c.id)} />
          <h2 class="govuk-heading-l">Émettre un avoir</h2>
          {invoice.status === 'payee' ? (
            <p class="govuk-inset-text">Cette facture est payée : un trop-perçu se rembourse par la régie.</p>
          ) : balance === 0 ? (
            <p class="govuk-inset-text">Cette facture est entièrement annulée : il ne reste rien à annuler.</p>
          ) : (
            <form method="post" action={`${path(request, invoice.id)}/avoir`} novalidate>
              <CsrfField token={reply.generateCsrf()} />
              <Radios
                name="ligne"
                legend="Ce que l’avoir annule"
                legendSize="s"
                items={[
                  ...open.map((l) => ({
                    value: l.id,
                    label: `${l.childName}, ${l.activityName} : ${l.label} (${formatEuros(l.amountCents)})`,
                  })),
                  { value: WHOLE_INVOICE, label: `Le reste de la facture (${formatEuros(balance)})` },
                ]}
                value={form.values?.ligne ?? ''}
                {...(errors.ligne ? { error: errors.ligne } : {})}
              />
              <Textarea
                name="motif"
                label="Motif"
                hint="Il figure sur l’avoir envoyé à la famille (par exemple : absence justifiée par un certificat médical)."
                rows={3}
                maxLength={500}
                value={form.values?.motif ?? ''}
                {...(errors.motif ? { error: errors.motif } : {})}
              />
              <Button>Émettre l’avoir</Button>
            </form>
          )}
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/admin/famille/factures/:invoice',
    { schema: { hide: true, params }, config: { policy: 'communeAdmin' } },
    (request, reply) =>
      page(
        request,
        reply,
        request.params.invoice,
        formString(request.query, 'fait') === 'avoir' ? { notice: 'Avoir émis' } : {},
      ),
  );

  app.post(
    '/c/:slug/admin/famille/factures/:invoice/avoir',
    { schema: { hide: true, params }, config: { policy: 'communeAdmin' } },
    async (request, reply) => {
      const values = { ligne: formString(request.body, 'ligne'), motif: formString(request.body, 'motif') };
      const id = request.params.invoice;
      const result = await handleForm(
        () =>
          creditInvoice(
            ctx.database,
            { commune: request.commune!, actor: request.actor, httpRequestId: request.id },
            id,
            values,
          ),
        (errors) => page(request, reply, id, { errors, values }),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${path(request, id)}?fait=avoir`, 303);
    },
  );
}

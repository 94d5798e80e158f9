/**
 * « Mes factures » (`/c/<slug>/famille/factures`, the payer): the household's invoices, each with
 * its lines, its PDF and, while it is unpaid and the commune has opened PayFiP, « Payer en ligne ».
 * The payer's return from PayFiP (`…/retour`) asks PayFiP for the operation's detail (the polling
 * fallback when the notification is late); PayFiP's notification arrives server to server at
 * `/api/paiements/payfip/<slug>/notification` (no session, no CSRF token: it only makes Guichet
 * ask PayFiP, so a forged call can do nothing).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { isUuid } from '../../../platform/ids.js';
import { formatEuros } from '../../../platform/money.js';
import { BackLink, Button, CsrfField, Table, Tag } from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { formString, handleForm, sendPage } from '../../../platform/views/page-kit.js';
import { billedMonth, creditNotePdf, invoicePdf } from '../billing/invoice-pdf.js';
import { canSeeInvoice } from '../policy.js';
import {
  creditNotesOf,
  findInvoice,
  invoiceEvents,
  invoiceLines,
  listInvoicesOfAccount,
  paymentSettings,
  paymentsOfInvoice,
} from '../repo.js';
import type { CreditNoteRow, InvoiceEventRow, InvoiceRow } from '../schema.js';
import { confirmPayment, INVOICE_NOT_FOUND, invoiceBalance, startPayment } from '../use-cases/payments.js';

const slugParams = z.object({ slug: z.string().max(63) }).strict();
const invoiceParams = z.object({ slug: z.string().max(63), invoice: z.string().max(100) }).strict();
const noteParams = z
  .object({ slug: z.string().max(63), invoice: z.string().max(100), note: z.string().max(100) })
  .strict();

export function InvoiceStatus({ invoice }: { invoice: InvoiceRow }) {
  if (invoice.status === 'payee') return <Tag colour="green">Payée</Tag>;
  if (invoice.status === 'annulee') return <Tag colour="grey">Annulée par avoir</Tag>;
  if (invoice.roleId) return <Tag colour="teal">Transmise au Trésor public</Tag>;
  return <Tag colour="yellow">À payer</Tag>;
}

/** What happened to the invoice after its issue, and its credit notes with their PDF. */
export function InvoiceHistory({
  events,
  creditNotes,
  href,
}: {
  events: readonly InvoiceEventRow[];
  creditNotes: readonly CreditNoteRow[];
  /** Link to a credit note's PDF. */
  href: (note: CreditNoteRow) => string;
}) {
  return (
    <>
      {creditNotes.length > 0 ? (
        <Table
          caption="Avoirs"
          captionSize="s"
          columns={[{ label: 'Avoir' }, { label: 'Date' }, { label: 'Motif' }, { label: 'Montant', numeric: true }]}
          rows={creditNotes.map((c) => [
            <a class="govuk-link" href={href(c)} key="n">
              Avoir n° {c.number} (PDF)
            </a>,
            formatDate(c.createdAt),
            c.reason,
            `− ${formatEuros(c.amountCents)}`,
          ])}
        />
      ) : null}
      {events.length > 0 ? (
        <>
          <h2 class="govuk-heading-m">Historique</h2>
          <ul class="govuk-list govuk-list--bullet">
            {events.map((e) => (
              <li key={e.id}>
                {formatDate(e.createdAt)} : {e.detail}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export function registerInvoicePages(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const deps = { publicUrl: ctx.config.publicUrl, payfip: ctx.config.payfip };
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}/famille/factures`;

  async function load(request: FastifyRequest, id: string) {
    const commune = request.commune!;
    if (!isUuid(id)) throw INVOICE_NOT_FOUND();
    return withTenant(ctx.database, commune.id, async (tx) => {
      const invoice = await findInvoice(tx, commune.id, id);
      if (!invoice || !canSeeInvoice(request.actor, invoice)) throw INVOICE_NOT_FOUND();
      return {
        invoice,
        lines: await invoiceLines(tx, commune.id, invoice.id),
        payments: await paymentsOfInvoice(tx, commune.id, invoice.id),
        online: (await paymentSettings(tx, commune.id)).payfipNumcli !== null,
        creditNotes: await creditNotesOf(tx, commune.id, [invoice.id]),
        events: await invoiceEvents(tx, commune.id, invoice.id),
      };
    });
  }

  async function detailPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    notice?: { kind: 'success' | 'info'; title: string },
    errors?: Record<string, string>,
  ) {
    const { invoice, lines, payments, online, creditNotes, events } = await load(request, id);
    const balance = invoiceBalance(invoice);
    const csrf = reply.generateCsrf();
    const mine = invoice.accountId === request.actor!.accountId;
    return sendPage(request, reply, {
      title: `Facture ${invoice.number}`,
      errors: errors ?? {},
      ...(notice ? { notice } : {}),
      children: (
        <>
          <BackLink href={base(request)}>Mes factures</BackLink>
          <h1 class="govuk-heading-l">
            <span class="govuk-caption-m">{billedMonth(invoice.month)}</span>
            Facture n° {invoice.number}
          </h1>
          <p class="govuk-body">
            <InvoiceStatus invoice={invoice} /> Émise le {formatDate(invoice.issuedAt)} au nom de {invoice.payerName}
            {invoice.paidAt ? `, payée le ${formatDate(invoice.paidAt)}` : ''}.
          </p>
          <Table
            caption="Détail"
            captionSize="s"
            columns={[
              { label: 'Enfant' },
              { label: 'Prestation' },
              { label: 'Prix unitaire', numeric: true },
              { label: 'Montant', numeric: true },
            ]}
            rows={[
              ...lines.map((l) => [
                l.childName,
                <span key="l">
                  {l.activityName} : {l.label}
                  <span class="govuk-hint govuk-!-display-block govuk-!-margin-bottom-0 govuk-!-font-size-16">
                    {l.explanation}
                  </span>
                </span>,
                formatEuros(l.unitCents),
                formatEuros(l.amountCents),
              ]),
              [<strong key="t">Total</strong>, '', '', <strong key="v">{formatEuros(invoice.totalCents)}</strong>],
              ...(invoice.creditedCents > 0
                ? [
                    ['Avoirs', '', '', `− ${formatEuros(invoice.creditedCents)}`],
                    [<strong key="r">Reste à payer</strong>, '', '', <strong key="b">{formatEuros(balance)}</strong>],
                  ]
                : []),
            ]}
          />
          <InvoiceHistory
            events={events}
            creditNotes={creditNotes}
            href={(c) => `${base(request)}/${invoice.id}/avoirs/${c.id}/pdf`}
          />
          <p class="govuk-body">
            <a class="govuk-link" href={`${base(request)}/${invoice.id}/pdf`} download>
              Télécharger la facture (PDF)
            </a>
          </p>
          {invoice.status === 'a_payer' && invoice.roleId === null && mine ? (
            online ? (
              <form method="post" action={`${base(request)}/${invoice.id}/payer`} novalidate>
                <CsrfField token={csrf} />
                <p class="govuk-body">
                  Vous serez dirigé vers PayFiP, le service de paiement de la DGFiP (carte bancaire ou prélèvement
                  unique).
                </p>
                <Button>Payer {formatEuros(balance)} en ligne</Button>
              </form>
            ) : (
              <p class="govuk-inset-text">
                Le paiement en ligne n’est pas encore ouvert dans votre commune : payez auprès de la régie.
              </p>
            )
          ) : null}
          {payments.length > 0 ? (
            <Table
              caption="Paiements en ligne"
              captionSize="s"
              columns={[{ label: 'Date' }, { label: 'Montant', numeric: true }, { label: 'Résultat' }]}
              rows={payments.map((p) => [
                formatDate(p.createdAt),
                formatEuros(p.amountCents),
                {
                  en_cours: 'En cours',
                  payee: `Payé${p.numauto ? ` (autorisation ${p.numauto})` : ''}`,
                  refusee: 'Refusé',
                  abandonnee: 'Abandonné',
                  anomalie: 'À vérifier par la régie',
                }[p.status],
              ])}
            />
          ) : null}
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/famille/factures',
    { schema: { hide: true, params: slugParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const commune = request.commune!;
      const invoices = await withTenant(ctx.database, commune.id, (tx) =>
        listInvoicesOfAccount(tx, commune.id, request.actor!.accountId),
      );
      const due = invoices.reduce((s, i) => s + invoiceBalance(i), 0);
      return sendPage(request, reply, {
        title: 'Mes factures',
        children: (
          <>
            <BackLink href={`/c/${commune.slug}/famille`}>Mon espace famille</BackLink>
            <h1 class="govuk-heading-xl">Mes factures</h1>
            {invoices.length === 0 ? (
              <p class="govuk-body">Aucune facture pour l’instant.</p>
            ) : (
              <>
                <p class="govuk-body">{due > 0 ? `Reste à payer : ${formatEuros(due)}.` : 'Tout est payé.'}</p>
                <Table
                  caption="Factures du portail famille"
                  captionSize="s"
                  columns={[
                    { label: 'Facture' },
                    { label: 'Mois' },
                    { label: 'Montant', numeric: true },
                    { label: 'État' },
                  ]}
                  rows={invoices.map((i) => [
                    <a class="govuk-link" href={`${base(request)}/${i.id}`} key="n">
                      {i.number}
                    </a>,
                    billedMonth(i.month),
                    formatEuros(i.totalCents),
                    <InvoiceStatus invoice={i} key="s" />,
                  ])}
                />
              </>
            )}
          </>
        ),
      });
    },
  );

  app.get(
    '/c/:slug/famille/factures/:invoice',
    { schema: { hide: true, params: invoiceParams }, config: { policy: 'signedIn' } },
    (request, reply) => detailPage(request, reply, request.params.invoice),
  );

  app.get(
    '/c/:slug/famille/factures/:invoice/pdf',
    { schema: { hide: true, params: invoiceParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const { invoice, lines } = await load(request, request.params.invoice);
      const pdf = await invoicePdf(request.commune!.name, invoice, lines);
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="facture-${invoice.number}.pdf"`)
        .send(pdf);
    },
  );

  app.get(
    '/c/:slug/famille/factures/:invoice/avoirs/:note/pdf',
    { schema: { hide: true, params: noteParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const { invoice, lines, creditNotes } = await load(request, request.params.invoice);
      const note = creditNotes.find((c) => c.id === request.params.note);
      if (!note) throw INVOICE_NOT_FOUND();
      const pdf = await creditNotePdf(
        request.commune!.name,
        invoice,
        note,
        lines.find((l) => l.id === note.lineId),
      );
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="avoir-${note.number}.pdf"`)
        .send(pdf);
    },
  );

  app.post(
    '/c/:slug/famille/factures/:invoice/payer',
    { schema: { hide: true, params: invoiceParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const result = await handleForm(
        () =>
          startPayment(
            ctx.database,
            deps,
            { commune: request.commune!, actor: request.actor, httpRequestId: request.id },
            request.params.invoice,
          ),
        (errors) => detailPage(request, reply, request.params.invoice, undefined, errors),
      );
      if (!result.ok) return result.response;
      return reply.redirect(result.value.redirectUrl, 303);
    },
  );

  // The payer's browser back from PayFiP: never trusted, it only makes Guichet ask PayFiP.
  app.get(
    '/c/:slug/famille/factures/:invoice/retour',
    { schema: { hide: true, params: invoiceParams }, config: { policy: 'signedIn' } },
    async (request, reply) => {
      const { payments } = await load(request, request.params.invoice);
      const pending = payments.find((p) => p.status === 'en_cours');
      const outcome = pending
        ? await confirmPayment(ctx.database, deps, request.commune!, pending.idOp, request.id)
        : null;
      const notice =
        outcome === 'paid' || (!pending && payments[0]?.status === 'payee')
          ? { kind: 'success' as const, title: 'Paiement reçu : merci' }
          : outcome === 'pending'
            ? { kind: 'info' as const, title: 'Paiement en cours de confirmation par PayFiP' }
            : { kind: 'info' as const, title: 'Le paiement n’a pas abouti : la facture reste à payer' };
      return detailPage(request, reply, request.params.invoice, notice);
    },
  );

  // PayFiP's server-to-server notification (urlnotif): `idop` in the form body.
  app.post(
    '/api/paiements/payfip/:slug/notification',
    { schema: { hide: true, params: slugParams }, config: { policy: 'public' } },
    async (request, reply) => {
      const commune = await ctx.communes.bySlug(request.params.slug);
      if (!commune) return reply.status(404).send({ error: 'commune inconnue' });
      const idOp = formString(request.body, 'idop') || formString(request.body, 'idOp');
      const outcome = await confirmPayment(ctx.database, deps, commune, idOp, request.id);
      request.log.info({ outcome }, 'payfip notification');
      return reply.status(200).send({ ok: true });
    },
  );
}

/**
 * Paying an invoice online through PayFiP (decision 0033). Nothing leaves Guichet until an
 * administrator has set the commune's PayFiP client number (numcli).
 *
 * - `startPayment`: the payer asks to pay; PayFiP creates the operation (idOp) for the invoice's
 *   number (refdet) and total (montant in cents); the payment is recorded « en cours » and the
 *   browser goes to PayFiP.
 * - `confirmPayment`: on PayFiP's notification (urlnotif), on the payer's return (urlredirect)
 *   or when polled, Guichet asks PayFiP itself for the operation's detail and trusts only that:
 *   paid (P, V) with the same reference and amount → the invoice is paid, once; refused (R, Z) or
 *   abandoned (A) → the invoice stays payable; still in progress (P5) → nothing yet; an amount or
 *   reference that differs → « anomalie », journaled, not paid. An unknown idOp (forged) does
 *   nothing; a replayed notification finds the payment already settled and does nothing.
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { createPayfipProvider, type PayfipSaisie } from '../../../platform/payments/payfip.js';
import { PaymentError, type PaymentProvider } from '../../../platform/payments/provider.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { accountContact } from '../../identity/index.js';
import { canManageBilling, canPayInvoice } from '../policy.js';
import {
  findInvoice,
  findPaymentByOperation,
  insertPayment,
  markInvoicePaid,
  paymentSettings,
  savePaymentSettings,
  settlePayment,
} from '../repo.js';
import type { InvoiceRow, PaymentRow } from '../schema.js';
import type { FamilyCaller } from './common.js';

export interface PaymentDeps {
  publicUrl: string;
  payfip: { endpoint: string; paymentUrl: string };
  now?: () => Date;
}

export const INVOICE_NOT_FOUND = () => notFound('family.invoice_not_found', 'no such invoice');

function providerFor(deps: PaymentDeps, settings: { payfipNumcli: string | null; payfipSaisie: PayfipSaisie }) {
  if (!settings.payfipNumcli) return null;
  return createPayfipProvider({
    endpoint: deps.payfip.endpoint,
    paymentUrl: deps.payfip.paymentUrl,
    numcli: settings.payfipNumcli,
    saisie: settings.payfipSaisie,
  });
}

/** Is online payment open in the commune (a PayFiP client number set)? */
export async function onlinePaymentOpen(database: Database, communeId: string): Promise<boolean> {
  return withTenant(database, communeId, async (tx) => (await paymentSettings(tx, communeId)).payfipNumcli !== null);
}

/** What is left to pay on an invoice: its total less its credit notes. */
export function invoiceBalance(invoice: Pick<InvoiceRow, 'totalCents' | 'creditedCents' | 'status'>): number {
  return invoice.status === 'a_payer' ? invoice.totalCents - invoice.creditedCents : 0;
}

/** Paid, fully credited, or handed to the comptable public in a rôle: not payable online. */
export function refuseUnpayable(invoice: Pick<InvoiceRow, 'status' | 'roleId'>): void {
  if (invoice.status === 'payee') {
    throw new AppError('family.invoice_paid', 'already paid', 409, { userMessage: 'Cette facture est déjà payée.' });
  }
  if (invoice.status === 'annulee') {
    throw new AppError('family.invoice_cancelled', 'fully credited', 409, {
      userMessage: 'Cette facture est annulée par un avoir : il ne reste rien à payer.',
    });
  }
  if (invoice.roleId !== null) {
    throw new AppError('family.invoice_in_role', 'in a rôle', 409, {
      userMessage:
        'Cette facture a été transmise au Trésor public : payez-la avec l’avis des sommes à payer que vous recevrez.',
    });
  }
}

export async function startPayment(
  database: Database,
  deps: PaymentDeps,
  caller: FamilyCaller,
  invoiceId: string,
): Promise<{ redirectUrl: string }> {
  if (!isUuid(invoiceId)) throw INVOICE_NOT_FOUND();
  const communeId = caller.commune.id;
  const { invoice, settings, email } = await withTenant(database, communeId, async (tx) => {
    const invoice = await findInvoice(tx, communeId, invoiceId);
    if (!invoice || !canPayInvoice(caller.actor, invoice)) throw INVOICE_NOT_FOUND();
    return {
      invoice,
      settings: await paymentSettings(tx, communeId),
      email: (await accountContact(tx, invoice.accountId))?.email ?? '',
    };
  });
  refuseUnpayable(invoice);
  const provider = providerFor(deps, settings);
  if (!provider) {
    throw new AppError('family.payment_closed', 'no PayFiP contract', 409, {
      userMessage: 'Le paiement en ligne n’est pas encore ouvert dans votre commune : payez auprès de la régie.',
    });
  }
  const base = `${deps.publicUrl}/c/${caller.commune.slug}`;
  let started: Awaited<ReturnType<PaymentProvider['start']>>;
  try {
    started = await provider.start({
      reference: invoice.number,
      year: Number(invoice.month.slice(0, 4)),
      amountCents: invoiceBalance(invoice),
      label: `Facture ${invoice.number} ${caller.commune.name}`.slice(0, 99),
      email,
      notificationUrl: `${deps.publicUrl}/api/paiements/payfip/${caller.commune.slug}/notification`,
      returnUrl: `${base}/famille/factures/${invoice.id}/retour`,
    });
  } catch (error) {
    if (error instanceof PaymentError) {
      throw new AppError('family.payment_refused', `payfip ${error.code}`, error.code === 'M3' ? 422 : 502, {
        userMessage:
          error.code === 'M3'
            ? 'PayFiP n’accepte pas un paiement de moins de 1 € : payez cette facture auprès de la régie.'
            : `Le paiement en ligne est indisponible pour l’instant (PayFiP : ${error.code}). Réessayez plus tard.`,
      });
    }
    throw error;
  }
  await withTenant(database, communeId, async (tx) => {
    const payment = await insertPayment(tx, {
      communeId,
      invoiceId: invoice.id,
      idOp: started.operationId,
      refdet: invoice.number,
      amountCents: invoiceBalance(invoice),
    });
    await recordAudit(tx, {
      action: 'family.payment_started',
      actorType: 'citizen',
      actorId: caller.actor!.accountId,
      targetType: 'family_invoice',
      targetId: invoice.id,
      data: { payment: payment.id, amountCents: invoice.totalCents },
      requestId: caller.httpRequestId ?? null,
    });
  });
  return { redirectUrl: started.redirectUrl };
}

export type ConfirmOutcome = 'unknown' | 'already_settled' | 'paid' | 'refused' | 'abandoned' | 'pending' | 'anomaly';

/** Settles a payment from PayFiP's own detail of the operation (notification, return or polling). */
export async function confirmPayment(
  database: Database,
  deps: PaymentDeps,
  commune: Commune,
  idOp: string,
  requestId: string | null = null,
): Promise<ConfirmOutcome> {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(idOp)) return 'unknown';
  const communeId = commune.id;
  const found = await withTenant(database, communeId, async (tx) => ({
    payment: await findPaymentByOperation(tx, communeId, idOp),
    settings: await paymentSettings(tx, communeId),
  }));
  if (!found.payment) return 'unknown';
  if (found.payment.status !== 'en_cours') return 'already_settled';
  const provider = providerFor(deps, found.settings);
  if (!provider) return 'pending';
  let detail: Awaited<ReturnType<PaymentProvider['detail']>>;
  try {
    detail = await provider.detail(idOp);
  } catch (error) {
    if (error instanceof PaymentError) return 'pending'; // asked again at the next notification or poll
    throw error;
  }
  if (detail.outcome === 'pending') return 'pending';
  return withTenant(database, communeId, async (tx) => {
    const payment = (await findPaymentByOperation(tx, communeId, idOp, true)) as PaymentRow;
    if (payment.status !== 'en_cours') return 'already_settled'; // a concurrent notification won
    const settled = {
      resultrans: detail.resultCode,
      numauto: detail.authorisation,
      transactionAt: detail.transactionAt,
    };
    const journal = (action: 'family.invoice_paid' | 'family.payment_anomaly' | 'family.payment_ended', data: object) =>
      recordAudit(tx, {
        action,
        actorType: 'system',
        targetType: 'family_invoice',
        targetId: payment.invoiceId,
        data: { payment: payment.id, resultrans: detail.resultCode ?? '', ...data },
        requestId,
      });
    if (detail.reference !== payment.refdet || detail.amountCents !== payment.amountCents) {
      await settlePayment(tx, communeId, payment.id, { status: 'anomalie', ...settled });
      await journal('family.payment_anomaly', {
        expectedCents: payment.amountCents,
        reportedCents: detail.amountCents,
        expectedReference: payment.refdet,
        reportedReference: detail.reference,
      });
      return 'anomaly';
    }
    if (detail.outcome === 'paid') {
      const invoice = await findInvoice(tx, communeId, payment.invoiceId, true);
      if (invoice?.status !== 'a_payer' || invoiceBalance(invoice) !== detail.amountCents) {
        // Paid twice (two operations for one invoice): recorded for the régie to refund.
        await settlePayment(tx, communeId, payment.id, { status: 'anomalie', ...settled });
        await journal('family.payment_anomaly', { reason: 'facture déjà payée ou montant changé' });
        return 'anomaly';
      }
      await settlePayment(tx, communeId, payment.id, { status: 'payee', ...settled });
      await markInvoicePaid(tx, communeId, invoice.id, deps.now?.() ?? new Date());
      await journal('family.invoice_paid', { numauto: detail.authorisation ?? '' });
      return 'paid';
    }
    const status = detail.outcome === 'refused' ? 'refusee' : 'abandonnee';
    await settlePayment(tx, communeId, payment.id, { status, ...settled });
    await journal('family.payment_ended', { status });
    return detail.outcome;
  });
}

const settingsSchema = z.object({
  numcli: z
    .string()
    .trim()
    .regex(/^(\d{6})?$/, 'Le numéro client PayFiP compte 6 chiffres (laissez vide pour fermer le paiement en ligne).'),
  saisie: z.enum(['T', 'X', 'W'], { message: 'Choisissez le mode : test, activation ou production.' }),
});

export async function configurePayfip(
  database: Database,
  caller: FamilyCaller,
  input: { numcli: string; saisie: string },
): Promise<void> {
  if (!canManageBilling(caller.actor)) throw notFound('family.forbidden', 'not an administrator');
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    throw new AppError('family.payment_settings_invalid', 'invalid settings', 422, { fields });
  }
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    await savePaymentSettings(tx, communeId, {
      payfipNumcli: parsed.data.numcli || null,
      payfipSaisie: parsed.data.saisie,
    });
    await recordAudit(tx, {
      action: 'family.payment_settings_changed',
      actorType: 'agent',
      actorId: caller.actor!.accountId,
      targetType: 'commune',
      targetId: communeId,
      data: { payfip: parsed.data.numcli ? 'ouvert' : 'fermé', saisie: parsed.data.saisie },
      requestId: caller.httpRequestId ?? null,
    });
  });
}

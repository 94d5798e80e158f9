/**
 * Credit notes (avoirs), by the commune's administrators (decision 0042): an invoice line is
 * cancelled, or what is left of the invoice, with a reason. Each credit note is numbered
 * « AV-AAAA-NNNNNN » in the commune's yearly sequence (platform counters), takes its amount off
 * the invoice's balance — a fully credited invoice is « annulée » and PayFiP will not be asked to
 * collect it — and is written in the invoice's history and the journal.
 *
 * Rules (table-driven tests in finance.test.ts):
 * - a paid invoice is not credited here (the régie refunds the family);
 * - a line is cancelled once (a unique index on the line guards a double submit);
 * - « the rest of the invoice » credits the balance; nothing left → refused;
 * - a line worth 0 € has nothing to cancel;
 * - an invoice already in a rôle can be credited, and the history says to tell the comptable
 *   (a reduction of the titre is the comptable's, outside Guichet).
 */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { nextNumber } from '../../../platform/db/counters.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { formatEuros } from '../../../platform/money.js';
import { canManageBilling } from '../policy.js';
import { creditNotesOf, findInvoice, insertCreditNote, insertInvoiceEvents, invoiceLines } from '../repo.js';
import type { CreditNoteRow } from '../schema.js';
import type { FamilyCaller } from './common.js';
import { INVOICE_NOT_FOUND, invoiceBalance } from './payments.js';

/** The form's choice for « what is left of the invoice ». */
export const WHOLE_INVOICE = 'tout';

const schema = z.object({
  ligne: z.string().min(1, 'Choisissez la ligne à annuler, ou toute la facture.'),
  motif: z
    .string()
    .trim()
    .min(3, 'Indiquez le motif de l’avoir (au moins 3 caractères) : il figure sur l’avoir envoyé à la famille.')
    .max(500, 'Le motif tient en 500 caractères.'),
});

const refused = (field: 'ligne' | 'motif', message: string) =>
  new AppError('family.credit_note_refused', message, 422, { userMessage: message, fields: { [field]: message } });

export async function creditInvoice(
  database: Database,
  caller: FamilyCaller,
  invoiceId: string,
  input: { ligne: string; motif: string },
  now: Date = new Date(),
): Promise<CreditNoteRow> {
  const actor = caller.actor;
  if (!canManageBilling(actor) || !isUuid(invoiceId)) throw INVOICE_NOT_FOUND();
  const communeId = caller.commune.id;
  return withTenant(database, communeId, async (tx) => {
    // The invoice row locked: two credit notes at once are taken one after the other.
    const invoice = await findInvoice(tx, communeId, invoiceId, true);
    if (!invoice) throw INVOICE_NOT_FOUND();
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
      throw new AppError('family.credit_note_invalid', 'invalid credit note', 422, { fields });
    }
    const { ligne, motif } = parsed.data;
    if (invoice.status === 'payee') {
      throw refused('ligne', 'Cette facture est payée : un trop-perçu se rembourse par la régie, pas par un avoir.');
    }
    const balance = invoiceBalance(invoice);
    if (balance === 0)
      throw refused('ligne', 'Cette facture est déjà entièrement annulée : il ne reste rien à annuler.');
    let lineId: string | null = null;
    let amountCents = balance;
    let what = 'le reste de la facture';
    if (ligne !== WHOLE_INVOICE) {
      const line = isUuid(ligne)
        ? (await invoiceLines(tx, communeId, invoice.id)).find((l) => l.id === ligne)
        : undefined;
      if (!line) throw refused('ligne', 'Choisissez une ligne de cette facture, ou toute la facture.');
      const earlier = (await creditNotesOf(tx, communeId, [invoice.id])).find((c) => c.lineId === line.id);
      if (earlier) throw refused('ligne', `Cette ligne est déjà annulée par l’avoir n° ${earlier.number}.`);
      if (line.amountCents === 0) throw refused('ligne', 'Cette ligne ne coûte rien : il n’y a rien à annuler.');
      lineId = line.id;
      amountCents = Math.min(line.amountCents, balance);
      what = `${line.childName}, ${line.activityName} : ${line.label}`;
    }
    const note = await insertCreditNote(tx, {
      communeId,
      number: `AV-${await nextNumber(tx, 'family.avoir', now)}`,
      invoiceId: invoice.id,
      lineId,
      amountCents,
      reason: motif,
      createdBy: actor.accountId,
    });
    const detail =
      `Avoir n° ${note.number} de ${formatEuros(amountCents)} (${what}) : ${motif}` +
      (invoice.roleId ? ' — à signaler au comptable public (réduction du titre du rôle).' : '');
    await insertInvoiceEvents(tx, [
      { communeId, invoiceId: invoice.id, kind: 'avoir', detail: detail.slice(0, 500), createdBy: actor.accountId },
    ]);
    await recordAudit(tx, {
      action: 'family.credit_note_issued',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'family_invoice',
      targetId: invoice.id,
      data: { creditNote: note.number, amountCents, line: lineId ?? WHOLE_INVOICE, reason: motif },
      requestId: caller.httpRequestId ?? null,
    });
    return note;
  });
}

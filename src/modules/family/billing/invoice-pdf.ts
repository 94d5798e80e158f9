/** The invoice as PDF (`platform/pdf` TextDocument): the commune, the payer, the lines and the total. */
import { formatEuros } from '../../../platform/money.js';
import { TextDocument } from '../../../platform/pdf/index.js';
import { formatDate, formatMonth } from '../../../platform/views/format.js';
import type { CreditNoteRow, InvoiceLineRow, InvoiceRow } from '../schema.js';
import { dueOn } from './dunning.js';

export const billedMonth = formatMonth;

export async function invoicePdf(
  communeName: string,
  invoice: InvoiceRow,
  lines: readonly InvoiceLineRow[],
): Promise<Buffer> {
  const w = await TextDocument.create({
    title: `Facture ${invoice.number}`,
    author: communeName,
    date: invoice.issuedAt,
  });
  w.text(communeName, { size: 16, bold: true })
    .text(`Facture n° ${invoice.number}`, { size: 14, bold: true, gap: 6 })
    .text(`Prestations du portail famille, ${billedMonth(invoice.month)}`)
    .text(`Émise le ${formatDate(invoice.issuedAt)}`)
    .text(`Payeur : ${invoice.payerName}`, { gap: 8 })
    .rule();
  let child = '';
  for (const l of lines) {
    if (l.childName !== child) {
      child = l.childName;
      w.text(child, { bold: true, gap: 6 });
    }
    w.text(`${l.activityName} : ${l.label} × ${formatEuros(l.unitCents)} = ${formatEuros(l.amountCents)}`, {
      indent: 12,
    });
    w.text(l.explanation, { indent: 24, size: 8 });
  }
  w.rule()
    .text(`Total : ${formatEuros(invoice.totalCents)}`, { size: 13, bold: true, gap: 6 })
    .text(
      invoice.status === 'payee' && invoice.paidAt
        ? `Payée le ${formatDate(invoice.paidAt)}.`
        : 'À payer en ligne (PayFiP, carte ou prélèvement unique) depuis votre espace famille, ou auprès de la régie.',
      { gap: 6 },
    );
  return w.finish();
}

/** A credit note as PDF: its number, the invoice it reduces, what it cancels and why. */
export async function creditNotePdf(
  communeName: string,
  invoice: InvoiceRow,
  note: CreditNoteRow,
  line: InvoiceLineRow | undefined,
): Promise<Buffer> {
  const w = await TextDocument.create({ title: `Avoir ${note.number}`, author: communeName, date: note.createdAt });
  w.text(communeName, { size: 16, bold: true })
    .text(`Avoir n° ${note.number}`, { size: 14, bold: true, gap: 6 })
    .text(`Sur la facture n° ${invoice.number} (${billedMonth(invoice.month)})`)
    .text(`Émis le ${formatDate(note.createdAt)}`)
    .text(`Au nom de : ${invoice.payerName}`, { gap: 8 })
    .rule()
    .text(
      line
        ? `Annulation de la ligne : ${line.childName}, ${line.activityName} : ${line.label}`
        : 'Annulation du reste de la facture',
      { gap: 6 },
    )
    .text(`Motif : ${note.reason}`)
    .rule()
    .text(`Montant de l’avoir : − ${formatEuros(note.amountCents)}`, { size: 13, bold: true, gap: 6 })
    .text(
      `Reste à payer sur la facture : ${formatEuros(Math.max(0, invoice.totalCents - invoice.creditedCents))}` +
        (invoice.status === 'annulee' ? ' (facture annulée).' : '.'),
      { gap: 6 },
    );
  return w.finish();
}

/** A dunning letter: the household's invoices past due, what is left on each, and how to pay. */
export async function dunningPdf(
  communeName: string,
  arrears: {
    payerName: string;
    owedCents: number;
    invoices: ReadonlyArray<Pick<InvoiceRow, 'number' | 'month' | 'issuedAt' | 'totalCents' | 'creditedCents'>>;
  },
  now: Date,
): Promise<Buffer> {
  const w = await TextDocument.create({ title: `Relance ${arrears.payerName}`, author: communeName, date: now });
  w.text(communeName, { size: 16, bold: true })
    .text('Lettre de relance', { size: 14, bold: true, gap: 6 })
    .text(`Le ${formatDate(now)}`)
    .text(`À l’attention de ${arrears.payerName}`, { gap: 8 })
    .text(
      'Sauf erreur de notre part, les factures du portail famille ci-dessous restent impayées après leur date limite de paiement.',
      { gap: 6 },
    )
    .rule();
  for (const i of arrears.invoices) {
    w.text(
      `Facture n° ${i.number} (${billedMonth(i.month)}), émise le ${formatDate(i.issuedAt)}, due le ${formatDate(new Date(`${dueOn(i.issuedAt)}T12:00:00Z`))} : ${formatEuros(i.totalCents - i.creditedCents)}`,
      { indent: 12 },
    );
  }
  w.rule()
    .text(`Total restant dû : ${formatEuros(arrears.owedCents)}`, { size: 13, bold: true, gap: 6 })
    .text(
      'Merci de régler ce montant en ligne depuis votre espace famille (PayFiP), ou auprès de la régie. Si vous avez déjà payé, ne tenez pas compte de cette lettre.',
      { gap: 6 },
    );
  return w.finish();
}

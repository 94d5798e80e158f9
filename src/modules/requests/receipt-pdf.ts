/**
 * The accusé de réception (PDF, pdf-lib): commune, request number, date and time of receipt,
 * démarche, service, summary of the answers and, when the démarche has one, the legal mention of
 * silence vaut accord / rejet with its computed date (CRPA L. 112-11 and R. 112-11-1).
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import { formatDate, formatDateTime } from '../../platform/views/format.js';

export interface ReceiptInput {
  commune: { name: string; address: string | null; email: string | null; phone: string | null };
  number: string;
  submittedAt: Date;
  procedureTitle: string;
  serviceName: string;
  /** name null: not repeated (an anonymous request, see isUnconfirmedRequester). */
  requester: { name: string | null; email: string };
  /** The requester's own words are left out (anonymous request): the receipt says so. */
  withoutContent?: boolean;
  /** "Question → réponse" rows of the form, in order. */
  summary: ReadonlyArray<{ label: string; value: string }>;
  /** Legal silence rule with the computed date (YYYY-MM-DD), when the démarche has one. */
  silence?: { kind: 'accord' | 'rejet'; date: string; basis: string | null } | null;
  /** Processing deadline shown to the citizen. */
  dueAt?: Date | null;
}

/** The sentence of the silence rule, shared by the PDF, the e-mail and the pages. */
export function silenceMention(silence: NonNullable<ReceiptInput['silence']>): string {
  const date = formatDate(`${silence.date}T12:00:00Z`);
  const basis = silence.basis ? ` Fondement : ${silence.basis.trim().replace(/\.$/, '')}.` : '';
  return silence.kind === 'accord'
    ? `Silence vaut accord : si la mairie ne vous a pas répondu au plus tard le ${date}, votre demande sera réputée acceptée à cette date. Vous pourrez alors demander une attestation d’acceptation.${basis}`
    : `Silence vaut rejet : si la mairie ne vous a pas répondu au plus tard le ${date}, votre demande sera réputée rejetée à cette date. Vous disposerez alors d’un délai de deux mois pour former un recours gracieux auprès du maire ou un recours contentieux devant le tribunal administratif.${basis}`;
}

// The standard fonts encode WinAnsi only: map the usual typography, drop the rest.
const REPLACEMENTS: Record<string, string> = {
  '\u202f': ' ',
  '\u00a0': ' ',
  '\u2009': ' ',
  '\u2011': '-',
  '\u2212': '-',
  '\u2192': '->',
  '\u2265': '>=',
  '\u2264': '<=',
  '\u0153': 'oe',
  '\u0152': 'OE',
};
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text the standard PDF fonts can draw. */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (REPLACEMENTS[ch] !== undefined) out += REPLACEMENTS[ch];
    else if (ch === '\n' || ch === '\t') out += ' ';
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else if (code >= 0x20) out += '?';
  }
  return out.replace(/\u0153/g, 'oe');
}

const PAGE = { width: 595.28, height: 841.89, margin: 56 };

class Writer {
  page: PDFPage;
  y: number;
  constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - PAGE.margin;
  }

  private ensure(height: number) {
    if (this.y - height < PAGE.margin) {
      this.page = this.doc.addPage([PAGE.width, PAGE.height]);
      this.y = PAGE.height - PAGE.margin;
    }
  }

  /** Wraps `text` to the page width (words longer than a line are cut). */
  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    for (const paragraph of toWinAnsi(text).split(/\r?\n/)) {
      let line = '';
      for (let word of paragraph.split(' ')) {
        while (font.widthOfTextAtSize(word, size) > width) {
          let cut = word.length - 1;
          while (cut > 1 && font.widthOfTextAtSize(word.slice(0, cut), size) > width) cut -= 1;
          if (line) lines.push(line);
          lines.push(word.slice(0, cut));
          line = '';
          word = word.slice(cut);
        }
        const candidate = line ? `${line} ${word}` : word;
        if (font.widthOfTextAtSize(candidate, size) > width && line) {
          lines.push(line);
          line = word;
        } else line = candidate;
      }
      lines.push(line);
    }
    return lines;
  }

  text(text: string, options: { size?: number; bold?: boolean; indent?: number; gap?: number } = {}) {
    const size = options.size ?? 10.5;
    const font = options.bold ? this.bold : this.regular;
    const indent = options.indent ?? 0;
    const lineHeight = size * 1.35;
    for (const line of this.wrap(text, font, size, PAGE.width - 2 * PAGE.margin - indent)) {
      this.ensure(lineHeight);
      this.y -= lineHeight;
      this.page.drawText(line, { x: PAGE.margin + indent, y: this.y, size, font, color: rgb(0.05, 0.05, 0.05) });
    }
    this.y -= options.gap ?? 4;
  }

  rule() {
    this.ensure(12);
    this.y -= 6;
    this.page.drawLine({
      start: { x: PAGE.margin, y: this.y },
      end: { x: PAGE.width - PAGE.margin, y: this.y },
      thickness: 0.6,
      color: rgb(0.6, 0.6, 0.6),
    });
    this.y -= 8;
  }
}

/** Renders the receipt; deterministic for the same input (fixed document dates). */
export async function renderReceiptPdf(input: ReceiptInput): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const title = `Accusé de réception – demande n° ${input.number}`;
  doc.setTitle(toWinAnsi(title));
  doc.setAuthor(toWinAnsi(`Mairie de ${input.commune.name}`));
  doc.setLanguage('fr-FR');
  doc.setCreator('Guichet');
  doc.setProducer('Guichet');
  doc.setCreationDate(input.submittedAt);
  doc.setModificationDate(input.submittedAt);
  const w = new Writer(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
  );

  w.text(`Mairie de ${input.commune.name}`, { size: 14, bold: true, gap: 2 });
  if (input.commune.address) w.text(input.commune.address, { gap: 0 });
  const contact = [input.commune.phone && `Tél. ${input.commune.phone}`, input.commune.email]
    .filter(Boolean)
    .join(' – ');
  if (contact) w.text(contact);
  w.rule();
  w.text('Accusé de réception', { size: 18, bold: true, gap: 2 });
  w.text(`Demande n° ${input.number}`, { size: 13, bold: true, gap: 10 });

  w.text(`Démarche : ${input.procedureTitle}`);
  w.text(`Reçue le : ${formatDateTime(input.submittedAt)}`);
  w.text(`Service chargé de la demande : ${input.serviceName}`);
  w.text(
    input.requester.name === null
      ? `Adresse électronique du demandeur : ${input.requester.email}`
      : `Demandeur : ${input.requester.name} (${input.requester.email})`,
  );
  if (input.dueAt) w.text(`Délai de traitement indicatif : au plus tard le ${formatDate(input.dueAt)}`);
  w.text(
    `La mairie de ${input.commune.name} accuse réception de votre demande, déposée par voie électronique sur son guichet numérique. Rappelez le numéro de la demande dans vos échanges avec la mairie.`,
    { gap: 8 },
  );

  if (input.silence) {
    w.text('Mention légale', { size: 12, bold: true, gap: 2 });
    w.text(silenceMention(input.silence), { gap: 8 });
  } else {
    w.text(
      'Cette démarche n’est pas soumise à une règle de décision implicite : la mairie vous répondra directement.',
      { gap: 8 },
    );
  }

  if (input.withoutContent) {
    w.rule();
    w.text(
      'Le contenu de votre demande n’est pas repris dans ce document, adressé à une adresse électronique qui n’a pas été vérifiée. La mairie l’a bien enregistré et vous répondra à cette adresse.',
      { gap: 8 },
    );
  }
  if (input.summary.length > 0) {
    w.rule();
    w.text('Récapitulatif de votre demande', { size: 12, bold: true, gap: 6 });
    for (const row of input.summary) {
      w.text(row.label, { bold: true, gap: 0 });
      w.text(row.value || '—', { indent: 12, gap: 6 });
    }
  }
  w.rule();
  w.text(
    'Si votre demande est incomplète, la mairie vous indiquera les pièces ou informations manquantes et le délai pour les fournir ; les délais ci-dessus ne courent qu’à compter de la réception des éléments demandés (CRPA, art. L. 114-5).',
    { size: 9 },
  );
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/**
 * A plain text document as PDF (pdf-lib, standard Helvetica): headings, wrapped paragraphs,
 * indented lines and rules, pages added as needed. For generated evidence and notices (the
 * parapheur's proof sheet); the standard fonts draw WinAnsi only, so the usual French typography
 * is mapped (`toWinAnsi`) and anything else becomes « ? ».
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';

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
    else if (ch === '\t') out += ' ';
    else if (ch === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch))
      out += ch;
    else if (code >= 0x20) out += '?';
  }
  return out;
}

const PAGE = { width: 595.28, height: 841.89, margin: 56 };

export interface TextDocumentMeta {
  title: string;
  author: string;
  /** Creation and modification date (fixed for a deterministic file). */
  date: Date;
  /** Size of body text in points (10 unless told). */
  bodySize?: number;
}

/** Writes lines top to bottom; `finish()` returns the PDF. */
export class TextDocument {
  private page!: PDFPage;
  private y = 0;
  private constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
    private readonly bodySize: number,
  ) {
    this.newPage();
  }

  static async create(meta: TextDocumentMeta): Promise<TextDocument> {
    const doc = await PDFDocument.create();
    doc.setTitle(toWinAnsi(meta.title));
    doc.setAuthor(toWinAnsi(meta.author));
    doc.setLanguage('fr-FR');
    doc.setCreator('Guichet');
    doc.setProducer('Guichet');
    doc.setCreationDate(meta.date);
    doc.setModificationDate(meta.date);
    return new TextDocument(
      doc,
      await doc.embedFont(StandardFonts.Helvetica),
      await doc.embedFont(StandardFonts.HelveticaBold),
      meta.bodySize ?? 10,
    );
  }

  private newPage() {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - PAGE.margin;
  }

  private ensure(height: number) {
    if (this.y - height < PAGE.margin) this.newPage();
  }

  /** Wraps `text` to `width` (words longer than a line are cut, e.g. a SHA-256). */
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

  text(text: string, options: { size?: number; bold?: boolean; indent?: number; gap?: number } = {}): this {
    const size = options.size ?? this.bodySize;
    const font = options.bold ? this.bold : this.regular;
    const indent = options.indent ?? 0;
    const lineHeight = size * 1.35;
    for (const line of this.wrap(text, font, size, PAGE.width - 2 * PAGE.margin - indent)) {
      this.ensure(lineHeight);
      this.y -= lineHeight;
      this.page.drawText(line, { x: PAGE.margin + indent, y: this.y, size, font, color: rgb(0.05, 0.05, 0.05) });
    }
    this.y -= options.gap ?? 4;
    return this;
  }

  /** Starts a new page (one letter per page in a batch). */
  pageBreak(): this {
    this.newPage();
    return this;
  }

  rule(): this {
    this.ensure(14);
    this.y -= 6;
    this.page.drawLine({
      start: { x: PAGE.margin, y: this.y },
      end: { x: PAGE.width - PAGE.margin, y: this.y },
      thickness: 0.6,
      color: rgb(0.6, 0.6, 0.6),
    });
    this.y -= 8;
    return this;
  }

  async finish(): Promise<Buffer> {
    return Buffer.from(await this.doc.save());
  }
}

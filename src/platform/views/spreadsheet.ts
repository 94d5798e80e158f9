/**
 * Tables exported for a spreadsheet, as French offices open them: CSV for French Excel (UTF-8 BOM,
 * `;` between cells, CRLF, a cell Excel would read as a formula neutralised by a leading
 * apostrophe — CSV injection), and XLSX through exceljs (real dates and numbers, the header row
 * frozen, bold and filterable).
 */
import ExcelJS from 'exceljs';

/** A CSV cell for French Excel: formulas neutralised (a leading apostrophe), quoted when needed. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Lines of text cells as a CSV document for French Excel (BOM, `;`, CRLF). */
export function csvDocument(lines: ReadonlyArray<readonly string[]>): string {
  return `\uFEFF${lines.map((cells) => cells.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

export type SheetCell = string | number | Date | null;

export interface Sheet {
  name: string;
  header: readonly string[];
  /** Column widths in characters (20 when missing). */
  widths?: readonly number[];
  rows: ReadonlyArray<readonly SheetCell[]>;
  /** Number formats by column index, e.g. `dd/mm/yyyy` (a column holding dates gets `dd/mm/yyyy` by default). */
  formats?: Readonly<Record<number, string>>;
}

/** The sheet as an XLSX workbook of one worksheet, created by « Guichet – <commune> ». */
export async function sheetXlsx(sheet: Sheet, communeName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = `Guichet – ${communeName}`;
  workbook.created = new Date();
  const ws = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = sheet.header.map((header, i) => ({ header, key: `c${i}`, width: sheet.widths?.[i] ?? 20 }));
  ws.getRow(1).font = { bold: true };
  for (const row of sheet.rows) ws.addRow([...row]);
  sheet.header.forEach((_, i) => {
    const format = sheet.formats?.[i] ?? (sheet.rows.some((r) => r[i] instanceof Date) ? 'dd/mm/yyyy' : undefined);
    if (format) ws.getColumn(i + 1).numFmt = format;
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.header.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

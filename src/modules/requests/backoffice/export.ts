/**
 * Exports of the filtered inbox: CSV for French Excel (UTF-8 with BOM, `;` separator, CRLF,
 * cells that a spreadsheet would read as a formula neutralised) and XLSX (exceljs, typed cells,
 * Paris times). An export holds personal data: the route asks for a recent authentication and the
 * export is recorded in the audit journal, in the same transaction as the read.
 */
import ExcelJS from 'exceljs';
import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Actor } from '../../../platform/authz/actor.js';
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { truncateAddress } from '../../../platform/http/logger.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { csvDocument } from '../../../platform/views/spreadsheet.js';
import { CHANNEL_LABELS, exportInbox, type InboxRow } from './queries.js';
import type { InboxQuery } from './ui.js';

export type ExportFormat = 'csv' | 'xlsx';

const HEADER = [
  'N° de demande',
  'Déposée le',
  'Objet',
  'Démarche',
  'Service',
  'Statut',
  'En retard',
  'Échéance',
  'Demandeur',
  'Adresse électronique',
  'Canal',
  'Attribuée à',
  'Clôturée le',
] as const;

const csvDateTime = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function frDateTime(date: Date | null): string {
  return date ? csvDateTime.format(date).replace(',', '') : '';
}

function textCells(row: InboxRow): string[] {
  return [
    row.number,
    frDateTime(row.submittedAt),
    row.subject,
    row.procedureTitle ?? 'Demande libre',
    row.serviceName,
    row.statusLabel,
    row.late ? 'oui' : 'non',
    frDateTime(row.dueAt),
    row.requesterName,
    row.requesterEmail,
    CHANNEL_LABELS[row.channel] ?? row.channel,
    row.assigneeName ?? '',
    frDateTime(row.closedAt),
  ];
}

export function inboxCsv(rows: InboxRow[]): string {
  return csvDocument([[...HEADER], ...rows.map(textCells)]);
}

/** The same instant as a "floating" date whose UTC fields are the Paris wall-clock time (Excel has no zones). */
function parisWallClock(date: Date): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return new Date(
    Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    ),
  );
}

export async function inboxXlsx(rows: InboxRow[], commune: Commune): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = `Guichet – ${commune.name}`;
  workbook.created = new Date();
  const sheet = workbook.addWorksheet('Demandes', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = HEADER.map((header, index) => ({
    header,
    key: `c${index}`,
    width: [16, 18, 40, 30, 24, 22, 10, 18, 28, 32, 14, 24, 18][index] ?? 20,
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    const cells = textCells(row) as Array<string | Date | null>;
    cells[1] = parisWallClock(row.submittedAt);
    cells[7] = parisWallClock(row.dueAt);
    cells[12] = row.closedAt ? parisWallClock(row.closedAt) : null;
    sheet.addRow(cells);
  }
  for (const column of [2, 8, 13]) sheet.getColumn(column).numFmt = 'dd/mm/yyyy hh:mm';
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: HEADER.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Builds the export of the filtered inbox and records it in the audit journal. */
export async function exportRequests(
  ctx: AppContext,
  commune: Commune,
  actor: Actor,
  query: InboxQuery,
  format: ExportFormat,
  request: FastifyRequest,
): Promise<{ body: string | Buffer; rows: number }> {
  const rows = await withTenant(ctx.database, commune.id, async (tx) => {
    const found = await exportInbox(tx, commune.id, actor, query.filter, query.sort);
    await recordAudit(tx, {
      action: 'requests.exported',
      actorType: 'agent',
      actorId: actor.accountId,
      data: {
        format,
        rows: found.length,
        filters: query.values,
        clientAddress: truncateAddress(request.ip) ?? null,
        userAgent: (request.headers['user-agent'] ?? '').slice(0, 120),
      },
      requestId: request.id,
    });
    return found;
  });
  return { body: format === 'csv' ? inboxCsv(rows) : await inboxXlsx(rows, commune), rows: rows.length };
}

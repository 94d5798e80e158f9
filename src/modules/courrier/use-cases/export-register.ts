/**
 * Exports of the incoming and outgoing registers (decision 0045): CSV for French Excel (UTF-8 with
 * BOM, `;`, CRLF, cells a spreadsheet would read as a formula neutralised) and XLSX (exceljs, real
 * dates), with the register's filters; a confidential mail only for those named on it (the same
 * SQL rule as the register). An export holds personal data: the routes ask for a recent
 * authentication, and the export is journaled in the transaction of the read.
 */
import type { AppContext } from '../../../platform/context.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { listServices } from '../../../platform/tenancy/communes.js';
import { parisDateOf } from '../../../platform/time/calendar.js';
import { csvDocument, type Sheet as SpreadsheetSheet, sheetXlsx } from '../../../platform/views/spreadsheet.js';
import { listStaffContacts } from '../../identity/index.js';
import { MAIL_TYPE_RULES, type MailType } from '../deadlines.js';
import { viewerOf } from '../policy.js';
import { staffName } from '../queries.js';
import { listOutgoingRegister, listRegister, type RegisterFilters } from '../repo.js';
import type { MailCategory, MailStatus, OutgoingStatus } from '../schema.js';
import { CATEGORY_LABELS, CHANNEL_LABELS, OUTGOING_LABELS, PRIORITY_LABELS, STATUS_LABELS } from '../texts.js';
import { auditCourrier, type Caller } from './common.js';

export type ExportFormat = 'csv' | 'xlsx';
export const MAX_EXPORT_ROWS = 50_000;

type Cell = string | Date | null;
interface Sheet extends SpreadsheetSheet {
  header: string[];
  widths: number[];
  rows: Cell[][];
}

const frDate = (d: Date) =>
  new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(d);

function isoDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

function toCsv(sheet: Sheet): string {
  const text = (c: Cell) => (c === null ? '' : c instanceof Date ? frDate(c) : c);
  return csvDocument([sheet.header, ...sheet.rows.map((r) => r.map(text))]);
}

/** The calendar day of an instant in Paris, as a UTC midnight (Excel has no zones). */
const parisDay = (d: Date) => isoDay(parisDateOf(d));

export async function exportIncoming(
  ctx: AppContext,
  caller: Caller,
  communeName: string,
  filters: Omit<RegisterFilters, 'today' | 'limit'>,
  format: ExportFormat,
): Promise<{ body: string | Buffer; rows: number }> {
  const today = parisDateOf(new Date());
  const sheet = await withTenant(ctx.database, caller.communeId, async (tx) => {
    const rows = await listRegister(tx, caller.communeId, viewerOf(caller.actor), {
      ...filters,
      today,
      limit: MAX_EXPORT_ROWS,
    });
    const services = new Map((await listServices(tx, caller.communeId)).map((s) => [s.id, s.name]));
    const staff = await listStaffContacts(tx, caller.communeId);
    await auditCourrier(
      tx,
      caller,
      'courrier.register_exported',
      { type: 'courrier_register', id: null },
      {
        register: 'arrivee',
        format,
        rows: rows.length,
        filters: { ...filters },
      },
    );
    return {
      name: 'Courrier arrivé',
      header: [
        'Numéro',
        'Arrivé le',
        'Expéditeur',
        'Adresse électronique',
        'Objet',
        'Type',
        'Arrivé par',
        'Priorité',
        'Service',
        'Agent attributaire',
        'À traiter avant le',
        'État',
        'En retard',
        'Clos le',
      ],
      widths: [16, 12, 28, 30, 40, 26, 22, 10, 24, 24, 14, 12, 10, 12],
      rows: rows.map((r): Cell[] => [
        r.chrono,
        isoDay(r.arrived_on),
        r.contact_name,
        r.contact_email ?? '',
        r.subject,
        MAIL_TYPE_RULES[r.mail_type as MailType]?.label ?? r.mail_type,
        CATEGORY_LABELS[r.category as MailCategory] ?? r.category,
        PRIORITY_LABELS[r.priority as 'normale'] ?? r.priority,
        services.get(r.service_id) ?? '',
        staffName(staff, r.assigned_to) ?? '',
        r.due_on ? isoDay(r.due_on) : null,
        STATUS_LABELS[r.status as MailStatus]?.text ?? r.status,
        r.status !== 'clos' && r.due_on !== null && r.due_on < today ? 'oui' : 'non',
        r.closed_at ? parisDay(r.closed_at) : null,
      ]),
    } satisfies Sheet;
  });
  return { body: format === 'csv' ? toCsv(sheet) : await sheetXlsx(sheet, communeName), rows: sheet.rows.length };
}

export async function exportOutgoing(
  ctx: AppContext,
  caller: Caller,
  communeName: string,
  format: ExportFormat,
): Promise<{ body: string | Buffer; rows: number }> {
  const sheet = await withTenant(ctx.database, caller.communeId, async (tx) => {
    const rows = await listOutgoingRegister(tx, caller.communeId, viewerOf(caller.actor), MAX_EXPORT_ROWS);
    await auditCourrier(
      tx,
      caller,
      'courrier.register_exported',
      { type: 'courrier_register', id: null },
      {
        register: 'depart',
        format,
        rows: rows.length,
      },
    );
    return {
      name: 'Courrier départ',
      header: ['Numéro', 'Créée le', 'Destinataire', 'Objet', 'En réponse à', 'État', 'Partie le', 'Envoi'],
      widths: [16, 12, 28, 40, 16, 18, 12, 30],
      rows: rows.map((r): Cell[] => [
        r.chrono,
        parisDay(r.created_at),
        r.contact_name,
        r.subject,
        r.mail_chrono ?? '',
        OUTGOING_LABELS[r.status as OutgoingStatus] ?? r.status,
        r.sent_at ? parisDay(r.sent_at) : null,
        r.channel ? CHANNEL_LABELS[r.channel as keyof typeof CHANNEL_LABELS] : '',
      ]),
    } satisfies Sheet;
  });
  return { body: format === 'csv' ? toCsv(sheet) : await sheetXlsx(sheet, communeName), rows: sheet.rows.length };
}

/** Drizzle definitions of the family portal's tables (migrations 0022, 0023, 0026, 0034 and 0041 are the source of truth). */
import { boolean, date, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { TariffRules } from './tariffs/pricing.js';

export const familyActivity = pgTable('family_activity', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  position: integer('position').notNull().default(0),
  openForEnrolment: boolean('open_for_enrolment').notNull().default(false),
  capacity: integer('capacity'),
  offerDays: integer('offer_days').notNull().default(3),
  weekdays: integer('weekdays').array().notNull().default([1, 2, 4, 5]),
  cutoffDays: integer('cutoff_days').notNull().default(2),
  cutoffHour: integer('cutoff_hour').notNull().default(10),
  billUnjustifiedAbsence: boolean('bill_unjustified_absence').notNull().default(true),
  unbookedSurchargePercent: integer('unbooked_surcharge_percent').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const familyTariffGrid = pgTable('family_tariff_grid', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  activityId: uuid('activity_id').notNull(),
  validFrom: date('valid_from', { mode: 'string' }).notNull(),
  validTo: date('valid_to', { mode: 'string' }),
  rules: jsonb('rules').$type<TariffRules>().notNull(),
  source: text('source').notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const ENROLMENT_STATUSES = ['inscrit', 'en_attente', 'place_proposee', 'annulee', 'expiree'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

export const familyEnrolment = pgTable('family_enrolment', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  activityId: uuid('activity_id').notNull(),
  accountId: uuid('account_id').notNull(),
  childId: uuid('child_id').notNull(),
  childName: text('child_name').notNull(),
  childBirthDate: date('child_birth_date', { mode: 'string' }).notNull(),
  status: text('status').$type<EnrolmentStatus>().notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
  offeredUntil: timestamp('offered_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type EnrolmentRow = typeof familyEnrolment.$inferSelect;
export type ActivityRow = typeof familyActivity.$inferSelect;
export type TariffGridRow = typeof familyTariffGrid.$inferSelect;

// — Days, attendance, invoices and payments (migration 0026) —

export const familyClosedDay = pgTable('family_closed_day', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  activityId: uuid('activity_id'),
  day: date('day', { mode: 'string' }).notNull(),
  label: text('label').notNull(),
});

export const ATTENDANCES = ['present', 'absent_justifie', 'absent_non_justifie'] as const;
export type AttendanceValue = (typeof ATTENDANCES)[number];

export const familyBooking = pgTable('family_booking', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  activityId: uuid('activity_id').notNull(),
  enrolmentId: uuid('enrolment_id').notNull(),
  accountId: uuid('account_id').notNull(),
  childId: uuid('child_id').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  booked: boolean('booked').notNull(),
  attendance: text('attendance').$type<AttendanceValue>(),
  checkedBy: uuid('checked_by'),
  checkedAt: timestamp('checked_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const familyHouseholdQf = pgTable('family_household_qf', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  accountId: uuid('account_id').notNull(),
  qf: integer('qf'),
  resident: boolean('resident').notNull().default(true),
  source: text('source').notNull(),
  validFrom: date('valid_from', { mode: 'string' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const familyInvoiceSequence = pgTable('family_invoice_sequence', {
  communeId: uuid('commune_id').notNull(),
  year: integer('year').notNull(),
  lastNumber: integer('last_number').notNull(),
});

export const familyInvoice = pgTable('family_invoice', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  number: text('number').notNull(),
  month: text('month').notNull(),
  accountId: uuid('account_id').notNull(),
  payerName: text('payer_name').notNull(),
  totalCents: integer('total_cents').notNull(),
  status: text('status').$type<InvoiceStatusValue>().notNull(),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  paidAt: timestamp('paid_at', { withTimezone: true }),
  roleId: uuid('role_id'),
  creditedCents: integer('credited_cents').notNull().default(0),
});

/** a_payer → payee (PayFiP or the régie) | annulee (fully credited). */
export type InvoiceStatusValue = 'a_payer' | 'payee' | 'annulee';

export const familyInvoiceLine = pgTable('family_invoice_line', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  invoiceId: uuid('invoice_id').notNull(),
  position: integer('position').notNull(),
  childName: text('child_name').notNull(),
  activityName: text('activity_name').notNull(),
  label: text('label').notNull(),
  quantity: integer('quantity').notNull(),
  unitCents: integer('unit_cents').notNull(),
  amountCents: integer('amount_cents').notNull(),
  explanation: text('explanation').notNull(),
});

export const familyPaymentSettings = pgTable('family_payment_settings', {
  communeId: uuid('commune_id').primaryKey(),
  payfipNumcli: text('payfip_numcli'),
  payfipSaisie: text('payfip_saisie').$type<'T' | 'X' | 'W'>().notNull().default('T'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type PaymentStatus = 'en_cours' | 'payee' | 'refusee' | 'abandonnee' | 'anomalie';

export const familyPayment = pgTable('family_payment', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  invoiceId: uuid('invoice_id').notNull(),
  provider: text('provider').$type<'payfip'>().notNull(),
  idOp: text('id_op').notNull(),
  refdet: text('refdet').notNull(),
  amountCents: integer('amount_cents').notNull(),
  status: text('status').$type<PaymentStatus>().notNull(),
  resultrans: text('resultrans'),
  numauto: text('numauto'),
  transactionAt: text('transaction_at'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ClosedDayRow = typeof familyClosedDay.$inferSelect;
export type BookingRow = typeof familyBooking.$inferSelect;
export type InvoiceRow = typeof familyInvoice.$inferSelect;
export type InvoiceLineRow = typeof familyInvoiceLine.$inferSelect;
export type PaymentRow = typeof familyPayment.$inferSelect;

// — Hélios, rôles, credit notes, invoice history (migration 0034) —

export const familyHeliosSettings = pgTable('family_helios_settings', {
  communeId: uuid('commune_id').primaryKey(),
  idPost: text('id_post').notNull(),
  libellePoste: text('libelle_poste').notNull(),
  siret: text('siret').notNull(),
  codCol: text('cod_col').notNull(),
  codBud: text('cod_bud').notNull(),
  nature: text('nature').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const familyRole = pgTable('family_role', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  month: text('month').notNull(),
  exer: integer('exer').notNull(),
  idBord: integer('id_bord').notNull(),
  pieceCount: integer('piece_count').notNull(),
  totalCents: integer('total_cents').notNull(),
  xml: text('xml').notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** The ordonnateur's signature in the parapheur (migration 0054): its folder, state and refusal. */
  signatureFolderId: uuid('signature_folder_id'),
  signatureStatus: text('signature_status').$type<'envoi' | 'en_signature' | 'signe' | 'refuse'>(),
  signatureReason: text('signature_reason'),
  signatureChangedAt: timestamp('signature_changed_at', { withTimezone: true }),
});

export const familyCreditNote = pgTable('family_credit_note', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  number: text('number').notNull(),
  invoiceId: uuid('invoice_id').notNull(),
  lineId: uuid('line_id'),
  amountCents: integer('amount_cents').notNull(),
  reason: text('reason').notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** The annulation-réduction bordereau it went to the comptable in (migration 0041). */
  cancellationId: uuid('cancellation_id'),
});

/** An annulation-réduction bordereau (migration 0041). */
export const familyCancellation = pgTable('family_cancellation', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  roleId: uuid('role_id').notNull(),
  exer: integer('exer').notNull(),
  idBord: integer('id_bord').notNull(),
  pieceCount: integer('piece_count').notNull(),
  totalCents: integer('total_cents').notNull(),
  xml: text('xml').notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
export type CancellationRow = typeof familyCancellation.$inferSelect;

export type InvoiceEventKind = 'avoir' | 'role' | 'relance';

export const familyInvoiceEvent = pgTable('family_invoice_event', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  invoiceId: uuid('invoice_id').notNull(),
  kind: text('kind').$type<InvoiceEventKind>().notNull(),
  detail: text('detail').notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type HeliosSettingsRow = typeof familyHeliosSettings.$inferSelect;
export type RoleRow = typeof familyRole.$inferSelect;
export type CreditNoteRow = typeof familyCreditNote.$inferSelect;
export type InvoiceEventRow = typeof familyInvoiceEvent.$inferSelect;

/** Drizzle definitions of the courrier's tables (migrations/0032_courrier.sql is the source of truth). */
import { boolean, date, integer, jsonb, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { MailType, Priority } from './deadlines.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const contact = pgTable('courrier_contact', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  kind: text('kind').$type<'personne' | 'organisation'>().notNull(),
  name: text('name').notNull(),
  nameKey: text('name_key').notNull(),
  email: text('email'),
  postalAddress: text('postal_address'),
  postalKey: text('postal_key'),
  createdAt: ts('created_at').notNull().defaultNow(),
});
export type Contact = typeof contact.$inferSelect;

export type MailCategory = 'courrier' | 'recommande' | 'courriel' | 'depot';
export type MailStatus = 'a_traiter' | 'en_cours' | 'clos';
export type OcrStatus = 'aucun' | 'en_attente' | 'en_cours' | 'termine' | 'echec' | 'indisponible';

export const mail = pgTable('courrier_mail', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  chrono: text('chrono').notNull(),
  arrivedOn: date('arrived_on', { mode: 'string' }).notNull(),
  registeredAt: ts('registered_at').notNull().defaultNow(),
  /** Null: registered by the e-mail intake (drop folder or mailbox), not by a person. */
  registeredBy: uuid('registered_by'),
  contactId: uuid('contact_id').notNull(),
  subject: text('subject').notNull(),
  mailType: text('mail_type').$type<MailType>().notNull(),
  category: text('category').$type<MailCategory>().notNull(),
  priority: text('priority').$type<Priority>().notNull(),
  confidential: boolean('confidential').notNull(),
  serviceId: uuid('service_id').notNull(),
  assignedTo: uuid('assigned_to'),
  status: text('status').$type<MailStatus>().notNull(),
  dueOn: date('due_on', { mode: 'string' }),
  closedAt: ts('closed_at'),
  ocrStatus: text('ocr_status').$type<OcrStatus>().notNull(),
  ocrPagesDone: integer('ocr_pages_done').notNull(),
  ocrPagesTotal: integer('ocr_pages_total').notNull(),
  ocrText: text('ocr_text'),
  ocrMessage: text('ocr_message'),
  proposedServiceId: uuid('proposed_service_id'),
  proposalConfidence: real('proposal_confidence'),
  proposalExplanation: jsonb('proposal_explanation').$type<string[]>(),
  proposalDecision: text('proposal_decision').$type<'acceptee' | 'autre'>(),
  /** The e-mail's Message-ID (or `sha256:<hex>` of a message without one): never registered twice. */
  messageId: text('message_id'),
  /** The e-mail's text (and the text layer of its PDF attachments), searched in the register. */
  bodyText: text('body_text'),
});
export type Mail = typeof mail.$inferSelect;

export const document = pgTable('courrier_document', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  mailId: uuid('mail_id').notNull(),
  name: text('name').notNull(),
  mimeType: text('mime_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** A scan or image, or a PDF without a text layer: read by the OCR job. */
  needsOcr: boolean('needs_ocr').notNull().default(true),
});
export type MailDocument = typeof document.$inferSelect;

export type PersonRole = 'copie' | 'lecteur' | 'avis';

export const mailPerson = pgTable('courrier_mail_person', {
  communeId: uuid('commune_id').notNull(),
  mailId: uuid('mail_id').notNull(),
  accountId: uuid('account_id').notNull(),
  role: text('role').$type<PersonRole>().notNull(),
});

export const history = pgTable('courrier_history', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  mailId: uuid('mail_id').notNull(),
  at: ts('at').notNull().defaultNow(),
  actorId: uuid('actor_id'),
  kind: text('kind').notNull(),
  text: text('text').notNull(),
});
export type HistoryEntry = typeof history.$inferSelect;

export type OutgoingStatus = 'brouillon' | 'au_parapheur' | 'signe' | 'refuse' | 'envoye';
export type OutgoingChannel = 'lre' | 'courriel' | 'papier';

export const outgoing = pgTable('courrier_outgoing', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  chrono: text('chrono').notNull(),
  mailId: uuid('mail_id'),
  contactId: uuid('contact_id').notNull(),
  subject: text('subject').notNull(),
  template: text('template').notNull(),
  body: text('body').notNull(),
  createdBy: uuid('created_by').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  status: text('status').$type<OutgoingStatus>().notNull(),
  folderId: uuid('folder_id'),
  folderNumber: text('folder_number'),
  signedSha256: text('signed_sha256'),
  channel: text('channel').$type<OutgoingChannel>(),
  sentAt: ts('sent_at'),
});
export type Outgoing = typeof outgoing.$inferSelect;

export type LreStatus = 'depose' | 'notifie' | 'accepte' | 'refuse' | 'non_reclame';

export const lreSend = pgTable('courrier_lre_send', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  outgoingId: uuid('outgoing_id').notNull(),
  provider: text('provider').notNull(),
  externalId: text('external_id').notNull(),
  recipientEmail: text('recipient_email').notNull(),
  consentRef: text('consent_ref'),
  status: text('status').$type<LreStatus>().notNull(),
  costCents: integer('cost_cents').notNull(),
  depositedAt: ts('deposited_at').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
export type LreSend = typeof lreSend.$inferSelect;

export type LreProofKind = 'depot' | 'reception' | 'refus' | 'non_reclame';

export const lreProof = pgTable('courrier_lre_proof', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  sendId: uuid('send_id').notNull(),
  kind: text('kind').$type<LreProofKind>().notNull(),
  name: text('name').notNull(),
  sha256: text('sha256').notNull(),
  receivedAt: ts('received_at').notNull().defaultNow(),
});
export type LreProof = typeof lreProof.$inferSelect;

export const mailbox = pgTable('courrier_mailbox', {
  communeId: uuid('commune_id').primaryKey(),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  tls: boolean('tls').notNull(),
  username: text('username').notNull(),
  sealedPassword: text('sealed_password').notNull(),
  folder: text('folder').notNull(),
  doneFolder: text('done_folder').notNull(),
  enabled: boolean('enabled').notNull(),
  lastPolledAt: ts('last_polled_at'),
  lastError: text('last_error'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
export type Mailbox = typeof mailbox.$inferSelect;

export type IntakeSource = 'depot' | 'imap' | 'televersement';

export const intakeError = pgTable('courrier_intake_error', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  source: text('source').$type<IntakeSource>().notNull(),
  fileName: text('file_name').notNull(),
  reason: text('reason').notNull(),
  at: ts('at').notNull().defaultNow(),
});
export type IntakeError = typeof intakeError.$inferSelect;

export type AvisAnswer = 'favorable' | 'defavorable' | 'reserve';

export const avis = pgTable('courrier_avis', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  mailId: uuid('mail_id').notNull(),
  requestedBy: uuid('requested_by').notNull(),
  requestedAt: ts('requested_at').notNull().defaultNow(),
  serviceId: uuid('service_id'),
  accountId: uuid('account_id'),
  question: text('question').notNull(),
  dueOn: date('due_on', { mode: 'string' }).notNull(),
  answer: text('answer').$type<AvisAnswer>(),
  answerText: text('answer_text'),
  answeredBy: uuid('answered_by'),
  answeredAt: ts('answered_at'),
});
export type Avis = typeof avis.$inferSelect;

/** A commune's reply template (migration 0047): its version of a built-in one (`builtinKey`), or its own. */
export const template = pgTable('courrier_template', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  builtinKey: text('builtin_key'),
  label: text('label').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  updatedBy: uuid('updated_by'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  createdAt: ts('created_at').notNull().defaultNow(),
});
export type CommuneTemplate = typeof template.$inferSelect;

/** An agent's absence (migration 0050): from–to Paris dates, both included; their new mail goes to `delegateId`. */
export const absence = pgTable('courrier_absence', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  accountId: uuid('account_id').notNull(),
  delegateId: uuid('delegate_id').notNull(),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }).notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  withdrawnAt: ts('withdrawn_at'),
});
export type Absence = typeof absence.$inferSelect;

/** Drizzle definitions of the requests tables (migrations/0006_requests.sql is the source of truth). */
import { boolean, date, integer, jsonb, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { REQUEST_STATUSES } from '../procedures/index.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const draft = pgTable('draft', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  procedureId: uuid('procedure_id').notNull(),
  formVersion: integer('form_version').notNull(),
  accountId: uuid('account_id'),
  tokenHash: text('token_hash'),
  answers: jsonb('answers').notNull().$type<Record<string, unknown>>(),
  currentPage: text('current_page'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const citizenRequest = pgTable('citizen_request', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  number: text('number').notNull(),
  procedureId: uuid('procedure_id'),
  formVersion: integer('form_version'),
  serviceId: uuid('service_id').notNull(),
  accountId: uuid('account_id'),
  requesterName: text('requester_name').notNull(),
  requesterEmail: text('requester_email').notNull(),
  subject: text('subject').notNull(),
  answers: jsonb('answers').notNull().$type<Record<string, unknown>>(),
  status: text('status', { enum: REQUEST_STATUSES }).notNull(),
  // migrations/0012_procedure_workflow.sql: the step of a request en cours
  step: text('step'),
  assigneeId: uuid('assignee_id'),
  channel: text('channel', { enum: ['portail', 'guichet', 'courriel', 'api'] }).notNull(),
  filedBy: uuid('filed_by'),
  routedBy: text('routed_by', { enum: ['procedure', 'rule', 'classifier', 'triage', 'agent'] }).notNull(),
  routingConfidence: real('routing_confidence'),
  routingExplanation: text('routing_explanation').array(),
  // migrations/0018_competences.sql: the estimated competence, or the two close ones
  routingCompetences: text('routing_competences').array(),
  dueAt: ts('due_at').notNull(),
  silenceKind: text('silence_kind'),
  silenceDate: date('silence_date'),
  submittedAt: ts('submitted_at').notNull().defaultNow(),
  closedAt: ts('closed_at'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  // migrations/0007_request_receipts_mail_attachments.sql
  receiptFileId: uuid('receipt_file_id'),
  processTokenHash: text('process_token_hash'),
  processTokenExpiresAt: ts('process_token_expires_at'),
});

export const REQUEST_EVENT_KINDS = [
  'submitted',
  'status',
  'assigned',
  'rerouted',
  'message_to_citizen',
  'message_from_citizen',
  'internal_note',
  'attachment',
  // migrations/0043: an appointment booked, moved or cancelled for the request (data.change).
  'appointment',
] as const;

export const requestEvent = pgTable('request_event', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  requestId: uuid('request_id').notNull(),
  kind: text('kind', { enum: REQUEST_EVENT_KINDS }).notNull(),
  authorId: uuid('author_id'),
  authorRole: text('author_role', { enum: ['citizen', 'agent', 'system'] }).notNull(),
  isInternal: boolean('is_internal').notNull(),
  body: text('body'),
  data: jsonb('data').notNull().$type<Record<string, unknown>>(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const storedFile = pgTable('stored_file', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  ownerAccountId: uuid('owner_account_id'),
  draftId: uuid('draft_id'),
  requestId: uuid('request_id'),
  name: text('name').notNull(),
  mimeType: text('mime_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  /** The blob address of the bytes, in the commune's scope (migration 0013). */
  sha256: text('sha256').notNull(),
  isInternal: boolean('is_internal').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const routingExample = pgTable('routing_example', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  text: text('text').notNull(),
  serviceSlug: text('service_slug').notNull(),
  source: text('source', { enum: ['seed', 'rerouting'] }).notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  // migrations/0018_competences.sql
  competence: text('competence'),
});

/** migrations/0018_competences.sql: which service handles each competence (null: the accueil). */
export const competenceMap = pgTable('competence_map', {
  communeId: uuid('commune_id').notNull(),
  competence: text('competence').notNull(),
  serviceId: uuid('service_id'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export type CitizenRequest = typeof citizenRequest.$inferSelect;
export type RequestEvent = typeof requestEvent.$inferSelect;
/** A stored file with its bytes, read from the blob store and checked against its address. */
export type StoredFile = typeof storedFile.$inferSelect & { content: Buffer };

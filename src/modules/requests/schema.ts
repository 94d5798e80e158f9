/** Drizzle definitions of the requests tables (migrations/0006_requests.sql is the source of truth). */
import { boolean, date, integer, jsonb, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const REQUEST_STATUSES = ['nouvelle', 'en_cours', 'attente_usager', 'acceptee', 'refusee', 'classee'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** Statuses after which a request is closed. */
export const CLOSED_STATUSES: ReadonlySet<RequestStatus> = new Set(['acceptee', 'refusee', 'classee']);
export const STATUS_LABELS: Record<RequestStatus, string> = {
  nouvelle: 'Nouvelle',
  en_cours: 'En cours',
  attente_usager: 'En attente de votre réponse',
  acceptee: 'Acceptée',
  refusee: 'Refusée',
  classee: 'Classée',
};
/** Agent-facing status labels (the citizen-facing ones speak to the citizen). */
export const AGENT_STATUS_LABELS: Record<RequestStatus, string> = {
  nouvelle: 'Nouvelle',
  en_cours: 'En cours',
  attente_usager: 'En attente de l’usager',
  acceptee: 'Acceptée',
  refusee: 'Refusée',
  classee: 'Classée',
};

export const procedure = pgTable('procedure', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  category: text('category').notNull(),
  audience: text('audience', { enum: ['anyone', 'signedIn'] }).notNull(),
  serviceId: uuid('service_id').notNull(),
  silenceKind: text('silence_kind', { enum: ['accord', 'rejet'] }),
  silenceDays: integer('silence_days'),
  silenceBasis: text('silence_basis'),
  // migrations/0007_request_receipts_mail_attachments.sql
  silenceMonths: integer('silence_months'),
  processingDays: integer('processing_days').notNull(),
  isPublished: boolean('is_published').notNull(),
  currentVersion: integer('current_version').notNull(),
  // migrations/0012_procedure_workflow.sql (see workflow.ts; null = the default workflow)
  workflow: jsonb('workflow'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const formVersion = pgTable('form_version', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  procedureId: uuid('procedure_id').notNull(),
  version: integer('version').notNull(),
  definition: jsonb('definition').notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const routingRule = pgTable('routing_rule', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  procedureId: uuid('procedure_id').notNull(),
  position: integer('position').notNull(),
  fieldId: text('field_id').notNull(),
  equals: text('equals').notNull(),
  serviceId: uuid('service_id').notNull(),
});

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
});

export type Procedure = typeof procedure.$inferSelect;
export type CitizenRequest = typeof citizenRequest.$inferSelect;
export type RequestEvent = typeof requestEvent.$inferSelect;
/** A stored file with its bytes, read from the blob store and checked against its address. */
export type StoredFile = typeof storedFile.$inferSelect & { content: Buffer };

/** Drizzle definitions of the parapheur's tables (migrations/0014_signature.sql is the source of truth). */
import { bigint, boolean, date, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { DocumentType, FunctionKey, StepActor } from './circuits.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const cents = (name: string) => bigint(name, { mode: 'number' });

export const functionHolder = pgTable('signature_function_holder', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  functionKey: text('function_key').$type<FunctionKey>().notNull(),
  serviceId: uuid('service_id'),
  accountId: uuid('account_id').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const setting = pgTable('signature_setting', {
  communeId: uuid('commune_id').primaryKey(),
  purchaseOrderThresholdCents: cents('purchase_order_threshold_cents').notNull(),
  /** Days a folder waits before its signer is reminded (null: the default; 0: never). */
  reminderAfterDays: integer('reminder_after_days'),
  updatedBy: uuid('updated_by'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const circuit = pgTable('signature_circuit', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  documentType: text('document_type').$type<DocumentType>().notNull(),
  name: text('name').notNull(),
  steps: jsonb('steps').notNull(),
  updatedBy: uuid('updated_by'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const folder = pgTable('signature_folder', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  number: text('number').notNull(),
  title: text('title').notNull(),
  documentType: text('document_type').$type<DocumentType>().notNull(),
  amountCents: cents('amount_cents'),
  serviceId: uuid('service_id'),
  budgetLine: text('budget_line'),
  thirdParty: text('third_party'),
  status: text('status', { enum: ['en_cours', 'termine', 'refuse'] }).notNull(),
  circuitName: text('circuit_name').notNull(),
  currentStep: integer('current_step'),
  dueOn: date('due_on', { mode: 'string' }),
  source: text('source', { enum: ['agent', 'module', 'api'] }).notNull(),
  sourceReference: text('source_reference'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  closedAt: ts('closed_at'),
});

export const document = pgTable('signature_document', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  folderId: uuid('folder_id').notNull(),
  role: text('role', { enum: ['principal', 'annexe'] }).notNull(),
  position: integer('position').notNull(),
  name: text('name').notNull(),
  mimeType: text('mime_type').notNull(),
  originalSha256: text('original_sha256').notNull(),
  currentSha256: text('current_sha256').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const step = pgTable('signature_step', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  folderId: uuid('folder_id').notNull(),
  position: integer('position').notNull(),
  kind: text('kind', { enum: ['visa', 'signature'] }).notNull(),
  mode: text('mode', { enum: ['all', 'any'] }).notNull(),
  actors: jsonb('actors').$type<StepActor[]>().notNull(),
  assignees: uuid('assignees').array().notNull(),
  status: text('status', { enum: ['a_venir', 'en_cours', 'fait'] }).notNull(),
  startedAt: ts('started_at'),
  completedAt: ts('completed_at'),
});

export const ACTION_KINDS = [
  'creation',
  'visa',
  'signature',
  'refus',
  'renvoi',
  'annotation',
  'remords',
  'transfert',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const action = pgTable('signature_action', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  folderId: uuid('folder_id').notNull(),
  stepId: uuid('step_id'),
  kind: text('kind', { enum: ACTION_KINDS }).notNull(),
  accountId: uuid('account_id'),
  onBehalfOf: uuid('on_behalf_of'),
  comment: text('comment'),
  isPrivate: boolean('is_private').notNull().default(false),
  documentSha256: text('document_sha256'),
  previousSha256: text('previous_sha256'),
  withdrawnAt: ts('withdrawn_at'),
  occurredAt: ts('occurred_at').notNull().defaultNow(),
});

export const delegation = pgTable('signature_delegation', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  delegatorId: uuid('delegator_id').notNull(),
  delegateId: uuid('delegate_id').notNull(),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }).notNull(),
  documentTypes: text('document_types').array().$type<DocumentType[]>().notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  revokedAt: ts('revoked_at'),
});

export const certificate = pgTable('signature_certificate', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  kind: text('kind', { enum: ['ca', 'signer', 'imported'] }).notNull(),
  accountId: uuid('account_id'),
  certificatePem: text('certificate_pem').notNull(),
  chainPem: text('chain_pem'),
  sealedPrivateKey: text('sealed_private_key').notNull(),
  serialHex: text('serial_hex').notNull(),
  notAfter: ts('not_after').notNull(),
  revokedAt: ts('revoked_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export type Folder = typeof folder.$inferSelect;
export type FolderDocument = typeof document.$inferSelect;
export type Step = typeof step.$inferSelect;
export type Action = typeof action.$inferSelect;
export type Delegation = typeof delegation.$inferSelect;
export type FunctionHolder = typeof functionHolder.$inferSelect;

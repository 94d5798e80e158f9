/** Drizzle table definitions of the platform tables (migrations/0001_platform.sql is the source of truth). */
import { bigint, boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const commune = pgTable('commune', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  inseeCode: text('insee_code'),
  population: integer('population'),
  hostname: text('hostname'),
  brandColour: text('brand_colour').notNull(),
  address: text('address'),
  phone: text('phone'),
  email: text('email'),
  openingHours: text('opening_hours'),
  simpleMode: boolean('simple_mode').notNull(),
  /** Mentions légales (LCEN art. 6-III), admin-edited; null = the generated default text. */
  legalEditor: text('legal_editor'),
  legalDirector: text('legal_director'),
  legalHost: text('legal_host'),
  /** The address the commune's mails come from; null = the platform's sender address. */
  mailFromAddress: text('mail_from_address'),
  /** Keys of the public tasks shown first on the home page, in order (PublicTask.key). */
  topTasks: text('top_tasks').array().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const service = pgTable('service', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  email: text('email'),
  /** Set when the commune retired the service: it keeps its requests but receives nothing new. */
  retiredAt: timestamp('retired_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const auditEntry = pgTable('audit_entry', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  actorType: text('actor_type').notNull(),
  actorId: text('actor_id'),
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  data: jsonb('data').notNull().$type<Record<string, unknown>>(),
  requestId: text('request_id'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

/** A mail attachment: a blob of the mail's commune (its address), with the name and type it is sent under. */
export interface MailAttachmentRef {
  sha256: string;
  name: string;
  mimeType: string;
}

export const mailOutbox = pgTable('mail_outbox', {
  id: uuid('id').primaryKey(),
  communeId: uuid('commune_id').notNull(),
  template: text('template').notNull(),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  textBody: text('text_body').notNull(),
  htmlBody: text('html_body').notNull(),
  status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull(),
  attempts: integer('attempts').notNull(),
  lastError: text('last_error'),
  messageId: text('message_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  /** Blobs of the same commune (address, name, type), read from the blob store when the mail leaves. */
  attachments: jsonb('attachments').notNull().default([]).$type<MailAttachmentRef[]>(),
  replyTo: text('reply_to'),
});

export const schema = { commune, service, auditEntry, mailOutbox };
